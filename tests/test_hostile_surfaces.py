"""The newer surfaces against a hostile tester (issue 20): one test per kind of defect,
and property tests for the two rules the fixes rest on (the path rule, the field-name rule).
"""

from __future__ import annotations

import json
import os
import re
import warnings
import xml.dom.minidom
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.advisor import advise
from slmvllm.errors import InputError
from slmvllm.loading.reading import PathRuleError, contained_file
from slmvllm.requirements import (
    ADDED_FIELD_PATTERN,
    FIGURE_FIELDS,
    REQUIREMENT_FIELDS,
    added_field_name_problem,
)

from .conftest import EXAMPLES, Run

Invoke = Callable[..., Run]

HEAD = 'extends: default\nname: t\nversion: "1"\n'
LABEL = "- id: a\n  file: {file}\n  expected: slm\n  ambiguous: false\n"
REQUIREMENTS = "task_type: chat\nmonthly_requests: 100000\n"


def _layer_adding(name: str) -> str:
    """A layer that adds an enum field `name` and a rule that fires when it is `a`."""
    return (
        HEAD
        + "references:\n  r: {title: T}\n"
        + "questions:\n"
        + f"  - {{field: '{name}', adds_field: true, type: enum, prompt: p?, help: h,\n"
        + "     choices: [a, b], default: a, assumption: x}\n"
        + "rules:\n"
        + "  - {id: t.r, summary: s, sources: [{ref: r}], "
        + f"when: {{field: '{name}', is: a}}, points: {{slm: {{cost: 5}}}}}}\n"
    )


# --------------------------------------------------------------------------- 1. paths


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@needs_fifo
def test_paths_and_special_files(invoke: Invoke, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "base.yaml").write_text(HEAD, encoding="utf-8")
    (real / "top.yaml").write_text(HEAD.replace("default", "base.yaml"), encoding="utf-8")
    linked = tmp_path / "linked"
    linked.symlink_to(real)  # as every temporary folder on macOS is
    run = invoke("rules", "check", str(linked / "top.yaml"))
    assert run.code == 0, run.err
    # A FIFO as a base, or as a labels file's case, is refused without being opened.
    os.mkfifo(real / "pipe.yaml")
    (real / "fifo.yaml").write_text(HEAD.replace("default", "pipe.yaml"), encoding="utf-8")
    run = invoke("rules", "check", str(real / "fifo.yaml"))
    assert run.code == 2 and "not a regular file (a FIFO" in run.err, run.err
    (real / "index.yaml").write_text(LABEL.format(file="pipe.yaml"), encoding="utf-8")
    run = invoke("eval", str(real))
    assert run.code == 2 and "not a regular file (a FIFO" in run.err, run.err
    # A base name longer than the file system allows is exit 2, not an internal error.
    (real / "long.yaml").write_text(HEAD.replace("default", "x" * 5000), encoding="utf-8")
    run = invoke("rules", "check", str(real / "long.yaml"))
    assert run.code == 2 and "cannot be used" in run.err, run.err
    # A device is refused too.
    if Path("/dev/zero").exists():
        (real / "dev").symlink_to("/dev")
        (real / "zero.yaml").write_text(HEAD.replace("default", "dev/zero"), encoding="utf-8")
        assert invoke("rules", "check", str(real / "zero.yaml")).code == 2


# Parts a hostile path is made of: links in and out, dots, a FIFO, a folder, a file.
PARTS = ["..", ".", "sub", "in-link", "out-link", "file.yaml", "pipe", "gone.yaml", "sub-link"]


def _tree(tmp: Path) -> Path:
    root = tmp / "root"
    if root.exists():
        return root
    (root / "sub").mkdir(parents=True)
    (tmp / "outside.yaml").write_text("x: 1\n", encoding="utf-8")
    (root / "file.yaml").write_text("x: 1\n", encoding="utf-8")
    (root / "sub" / "file.yaml").write_text("x: 1\n", encoding="utf-8")
    (root / "in-link").symlink_to(root / "file.yaml")
    (root / "out-link").symlink_to(tmp / "outside.yaml")
    (root / "sub-link").symlink_to(root / "sub")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe")
    return root


@given(st.lists(st.sampled_from(PARTS), min_size=1, max_size=5), st.booleans())
def test_the_path_rule_allows_only_regular_files_inside(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str], absolute: bool
) -> None:
    tmp = tmp_path_factory.getbasetemp() / "path-rule"
    tmp.mkdir(exist_ok=True)
    root = _tree(tmp)
    value = "/".join(parts)
    if absolute:
        value = str(root / value)
    try:
        found = contained_file(root, value)
    except PathRuleError as exc:
        assert str(exc)  # says why
        return
    assert not absolute
    real = Path(os.path.realpath(found))
    assert real.is_relative_to(os.path.realpath(root)) and real.is_file()
    assert found.stat().st_mode == real.stat().st_mode  # what is opened is what was checked


# --------------------------------------------------------------------------- 2. field names


@pytest.mark.parametrize(
    "name",
    ["copy", "given", "json", "model_dump", "model_x", "schema", "true", "null", *FIGURE_FIELDS],
)
def test_names_a_layer_may_give_a_new_field(invoke: Invoke, tmp_path: Path, name: str) -> None:
    (tmp_path / "l.yaml").write_text(_layer_adding(name), encoding="utf-8")
    run = invoke("rules", "check", str(tmp_path / "l.yaml"))
    assert run.code == 2, run
    assert f"questions[0].field: '{name}' is " in run.err
    assert "Warning" not in run.err and "internal error" not in run.err


@given(
    st.one_of(
        st.from_regex(ADDED_FIELD_PATTERN, fullmatch=True),
        st.sampled_from([*REQUIREMENT_FIELDS, *FIGURE_FIELDS, "copy", "dict", "model_fields"]),
        st.text(max_size=12),
    )
)
def test_a_new_field_name_is_refused_or_works_end_to_end(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    problem = added_field_name_problem(name)
    if problem is not None:
        assert problem
        return
    folder = tmp_path_factory.getbasetemp() / "field-names"
    folder.mkdir(exist_ok=True)
    path = folder / "l.yaml"
    path.write_text(_layer_adding(name), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a name that shadows anything warns: a failure
        rs = load_rule_set(path).rule_set
        model = rs.requirements_model()
        answers = model.model_validate({"task_type": "chat", name: "a"})
        result = advise(answers, rs)
    assert any(r.rule == "t.r" for r in result.reasons), name  # the rule reads the answer


# --------------------------------------------------------------------------- 3. errors


def test_errors_point_at_the_right_place_and_cause(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        HEAD + "disable:\n  evidence.regulated-data-single-path: we review once\n",
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text(
        'extends: a.yaml\nname: b\nversion: "1"\noverride:\n'
        "  evidence.regulated-data-single-path:\n    summary: x\n",
        encoding="utf-8",
    )
    run = invoke("rules", "check", str(tmp_path / "b.yaml"))
    assert run.code == 2
    assert f"was disabled by {tmp_path / 'a.yaml'}" in run.err and "did you mean" not in run.err
    case = EXAMPLES / "support-triage.yaml"
    # Standard input for two options: one message naming both, before anything is read.
    run = invoke("advise", "-r", "-", "--rules", "-")
    assert run.code == 2
    assert run.err.strip().splitlines() == [
        "slmvllm: error: command line: standard input is given to -r - and --rules -; it can "
        "be read only once, so give the other file by its path"
    ]
    for option in ("--min-confidence", "--min-accuracy", "--threshold", "--max-params"):
        for value in ("nan", "inf", "-inf"):
            args = {
                "--min-confidence": ["advise", "-r", str(case)],
                "--min-accuracy": ["eval", str(EXAMPLES / "cases")],
                "--threshold": ["rules", "diff", "default", "default", "-r", str(case)],
                "--max-params": ["models"],
            }[option]
            run = invoke(*args, option, value)
            assert run.code == 2 and "is not a finite number" in run.out + run.err, run


def _errors(run: Run, folder: Path) -> list[str]:
    """The error lines of a run, the folder left out of their places."""
    return [
        line.removeprefix("slmvllm: error: ").replace(f"{folder}/", "")
        for line in run.err.splitlines()
        if line.startswith("slmvllm: error: ")
    ]


OVERRIDE = HEAD + "override:\n"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (  # dropping an excluding rule's condition: the default's exclude is not the cause
            "  constraint.on-device:\n    when: null\n",
            "l.yaml:6:11: override.constraint.on-device.when: rule 'constraint.on-device' has "
            "no condition, so it excludes ['llm', 'hybrid'] for every use case",
        ),
        (  # a condition that always holds, making two shipped exclusions cover every case
            "  constraint.on-device:\n"
            "    when: {field: hosting, in: [any, private_cloud, on_prem, on_device]}\n",
            "l.yaml:6:11: override.constraint.on-device.when: option 'llm' is excluded for "
            "every use case by rules 'constraint.on-device', 'constraint.no-gpu-no-api' "
            "together; it can never be recommended",
        ),
        (  # a later rule overridden into a clash with an earlier, untouched one
            "  constraint.no-gpu-no-api:\n    when: {field: hosting, is: on_device}\n"
            "    exclude: [slm]\n",
            "l.yaml:7:14: override.constraint.no-gpu-no-api.exclude: rules "
            "'constraint.no-gpu-no-api', 'constraint.on-device' can exclude every option for "
            "the same use case, leaving nothing to recommend; narrow their conditions",
        ),
        (  # bad points: at the key the override changed, not at the rule's id
            "  evidence.world-knowledge:\n    points: {slm: {cost: 99}}\n",
            "l.yaml:6:5: override.evidence.world-knowledge.points: rule "
            "'evidence.world-knowledge': points slm.cost = 99.0 is outside -10..10",
        ),
        (
            "  evidence.world-knowledge:\n    when: {field: task_type, is: chatt}\n",
            "l.yaml:6:11: override.evidence.world-knowledge.when: 'chatt' is not a value of "
            "'task_type'; use one of: classification, extraction, summarization, chat, rag_qa, "
            "code, translation, reasoning, agentic, generation; did you mean 'chat'?",
        ),
    ],
)
def test_an_override_is_located_in_the_layer_not_the_shipped_file(
    invoke: Invoke, tmp_path: Path, override: str, expected: str
) -> None:
    (tmp_path / "l.yaml").write_text(OVERRIDE + override, encoding="utf-8")
    run = invoke("rules", "check", str(tmp_path / "l.yaml"))
    assert run.code == 2
    assert _errors(run, tmp_path)[0] == expected
    assert "default.yaml" not in run.out + run.err


#: Questions adding the field `f` that are wrong in one way each, and the one error shown.
BAD_QUESTIONS = [
    ("type: enumm, choices: [a, b]", "5:40: questions[0].type: the text 'enumm' is not allowed"),
    ("type: enum, choices: [a, 1]", "5:59: questions[0].choices[1]: expected text"),
    ("type: enum, choices: a", "5:55: questions[0].choices: expected a list"),
    ("type: enum, choices: []", "5:5: questions[0]: the new enum field 'f' needs 'choices'"),
    ("type: integer, choices: [a, b]", "5:5: questions[0]: only an enum field has 'choices'"),
    ("type: priorities", "5:5: questions[0]: the new field 'f' cannot be of type 'priorities'"),
]


@pytest.mark.parametrize(("shape", "expected"), BAD_QUESTIONS)
def test_a_bad_question_gives_one_error_not_a_second_on_its_field(
    invoke: Invoke, tmp_path: Path, shape: str, expected: str
) -> None:
    # A rule and another question's ask_if use the field: neither is blamed for it.
    layer = (
        HEAD
        + "questions:\n"
        + f"  - {{field: f, adds_field: true, {shape}, prompt: p, help: h, assumption: x}}\n"
        + "  - {field: g, adds_field: true, type: text, prompt: p, help: h, assumption: x,\n"
        + "     ask_if: {field: f, is: a}}\n"
        + "references:\n  r: {title: T}\n"
        + "rules:\n  - {id: t.r, summary: s, sources: [{ref: r}], when: {field: f, is: a},\n"
        + "     points: {slm: {cost: 5}}}\n"
    )
    (tmp_path / "l.yaml").write_text(layer, encoding="utf-8")
    run = invoke("rules", "check", str(tmp_path / "l.yaml"))
    assert run.code == 2
    [error] = _errors(run, tmp_path)
    assert error.startswith(f"l.yaml:{expected}"), error


def test_a_question_and_its_default_say_what_to_write(invoke: Invoke, tmp_path: Path) -> None:
    # The layer's own question asked for a default under 'defaults' (meant for the base's).
    layer = (
        HEAD
        + "questions:\n"
        + "  - {field: f, adds_field: true, type: enum, choices: [a, b], prompt: p, help: h,\n"
        + "     default: a, assumption: x}\n"
        + "defaults:\n  f: {default: b, assumption: y}\n"
    )
    (tmp_path / "l.yaml").write_text(layer, encoding="utf-8")
    run = invoke("rules", "check", str(tmp_path / "l.yaml"))
    assert _errors(run, tmp_path) == [
        "l.yaml:8:3: defaults.f: defaults: 'f' is asked by this layer's questions[0]; give its "
        "default and assumption there"
    ]
    # A new field without `adds_field`: the question says how to add it.
    (tmp_path / "l.yaml").write_text(
        HEAD + "questions:\n  - {field: f, type: text, prompt: p, help: h, assumption: x}\n",
        encoding="utf-8",
    )
    run = invoke("rules", "check", str(tmp_path / "l.yaml"))
    assert _errors(run, tmp_path) == [
        "l.yaml:5:13: questions[0].field: unknown requirements field 'f'; to add it as a new "
        "field, write 'adds_field: true'"
    ]


@pytest.mark.parametrize("name", ["copy", "Bad-Name", "model_x", "true", "hosting", "x" * 41])
def test_a_refused_field_name_gives_one_error(invoke: Invoke, tmp_path: Path, name: str) -> None:
    (tmp_path / "l.yaml").write_text(_layer_adding(name), encoding="utf-8")
    run = invoke("rules", "check", str(tmp_path / "l.yaml"))
    assert run.code == 2
    [error] = _errors(run, tmp_path)
    assert error.startswith("l.yaml:7:13: questions[0].field: "), error
    assert "unknown requirements field" not in run.err


@pytest.mark.parametrize(
    ("key", "instead"),
    [
        ("points", "points cannot be null; write the new points (e.g. {slm: {cost: 1}}), {} "),
        ("exclude", "exclude cannot be null; write [] to exclude nothing"),
        ("summary", "a rule keeps a summary, so it cannot be null; write the new one"),
        ("sources", "a rule keeps its sources, so they cannot be null; list the new ones"),
    ],
)
def test_an_override_with_null_says_what_to_write_instead(
    invoke: Invoke, tmp_path: Path, key: str, instead: str
) -> None:
    (tmp_path / "l.yaml").write_text(
        OVERRIDE + f"  evidence.world-knowledge:\n    {key}: null\n", encoding="utf-8"
    )
    run = invoke("rules", "check", str(tmp_path / "l.yaml"))
    [error] = _errors(run, tmp_path)
    column = 7 + len(key)
    assert error.startswith(
        f"l.yaml:6:{column}: override.evidence.world-knowledge.{key}: {instead}"
    ), error
    assert "valid dictionary" not in error
    # null keeps meaning "drop it" where a rule may lack the key.
    (tmp_path / "l.yaml").write_text(
        OVERRIDE + "  evidence.world-knowledge:\n    when: null\n    claim: null\n",
        encoding="utf-8",
    )
    assert invoke("rules", "check", str(tmp_path / "l.yaml")).code == 0


QUESTION_PARTS = {
    "type": st.sampled_from(["enum", "integer", "number", "text", "priorities", "enumm"]),
    "choices": st.sampled_from([None, [], ["a", "b"], ["a", 1], "a", ["a", "a"]]),
}


@given(
    st.sampled_from(["f", "copy", "Bad", "hosting", "model_f"]),
    st.fixed_dictionaries({}, optional=QUESTION_PARTS),
)
def test_a_field_whose_question_is_refused_is_never_blamed_elsewhere(
    tmp_path_factory: pytest.TempPathFactory, name: str, parts: dict[str, object]
) -> None:
    """Whatever is wrong with the question adding a field, a rule testing only whether the
    field is known is never blamed; and a rule set that loads has built the field."""
    question = {"field": name, "adds_field": True, "prompt": "p", "help": "h", **parts}
    question["assumption"] = "x"
    layer = (
        HEAD
        + f"questions:\n  - {json.dumps(question)}\n"
        + "references:\n  r: {title: T}\n"
        + "rules:\n  - {id: t.r, summary: s, sources: [{ref: r}], "
        + f"when: {{field: {name}, known: true}}, points: {{slm: {{cost: 5}}}}}}\n"
    )
    folder = tmp_path_factory.getbasetemp() / "bad-questions"
    folder.mkdir(exist_ok=True)
    path = folder / "l.yaml"
    path.write_text(layer, encoding="utf-8")
    try:
        rs = load_rule_set(path).rule_set
    except InputError as exc:
        assert all(str(p).split(": ")[1].startswith("questions[0]") for p in exc.problems), exc
        return
    assert name in rs.requirements_model().model_fields


# --------------------------------------------------------------------------- 4. labels


def test_labels_files_stay_in_their_folder_and_never_show_a_file(
    invoke: Invoke, tmp_path: Path
) -> None:
    secret = "SECRET_TOKEN=hunter2"
    (tmp_path / "secret.env").write_text(secret + "\n", encoding="utf-8")
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "inside.env").write_text(secret + "\n", encoding="utf-8")
    (labels / "out-link.yaml").symlink_to(tmp_path / "secret.env")
    for file in (
        "../secret.env",
        str(tmp_path / "secret.env"),
        "~/secret.env",
        "out-link.yaml",
        "inside.env",
    ):
        (labels / "index.yaml").write_text(LABEL.format(file=file), encoding="utf-8")
        for command in (["eval", str(labels)], ["rules", "diff", "default", "default", "-r"]):
            if command[0] == "rules":
                command = [*command, str(labels)]
            run = invoke(*command)
            assert run.code == 2, (file, run)
            assert "hunter2" not in run.out + run.err, (file, run.err)
            assert f"{labels / 'index.yaml'}:2:9:" in run.err or file == "inside.env"


# --------------------------------------------------------------------------- 5. options


def _format_choices() -> dict[str, list[str]]:
    import typer.main

    from slmvllm.cli import app

    found: dict[str, list[str]] = {}

    def walk(command: object, path: str) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())
        for param in getattr(command, "params", []):
            if "--format" in getattr(param, "opts", []):
                found[path] = [str(choice) for choice in param.type_descriptor.annotation]

    walk(typer.main.get_command(app), "")
    return found


FORMAT_RUNS = {
    "advise": ["advise", "-r", str(EXAMPLES / "support-triage.yaml")],
    "eval": ["eval", str(EXAMPLES / "cases")],
    "rules diff": [
        "rules",
        "diff",
        "default",
        "default",
        "-r",
        str(EXAMPLES / "support-triage.yaml"),
    ],
}


def test_options_do_what_they_say(invoke: Invoke, tmp_path: Path) -> None:
    choices = _format_choices()
    for command, args in FORMAT_RUNS.items():
        outputs = {}
        for choice in choices[command]:
            run = invoke(*args, "--format", choice)
            assert run.code == 0, (command, choice, run.err)
            outputs[choice] = run.out
            if choice == "json":
                json.loads(run.out)
            if choice == "jsonl":
                [json.loads(line) for line in run.out.splitlines()]
        assert len(set(outputs.values())) == len(outputs), command  # no two alike
    # init --rules LAYER writes the layer's fields; --schema cannot inject YAML.
    acme = EXAMPLES / "rules" / "acme-platform.yaml"
    assert "\ndata_residency: null\n" in invoke("init", "--rules", str(acme)).out
    run = invoke("init", "--schema", "x.json\nuse_case: injected")
    assert run.code == 2 and "use_case: injected" not in run.out
    # eval --rules LAYER takes cases that use the layer's field, as rules diff does.
    case = tmp_path / "case.yaml"
    case.write_text("task_type: chat\ndata_residency: eu\n", encoding="utf-8")
    (tmp_path / "index.yaml").write_text(LABEL.format(file="case.yaml"), encoding="utf-8")
    assert invoke("eval", str(tmp_path), "--rules", str(acme)).code == 0


# --------------------------------------------------------------------------- 6. output


def test_output_never_breaks(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        'use_case: "a \\uFFFF b \\uFFFE c \\x01 d \\x0c e \\x1b[31m f"\ntask_type: chat\n',
        encoding="utf-8",
    )
    for suffix in ("svg", "html"):
        report = tmp_path / f"r.{suffix}"
        assert invoke("advise", "-r", str(case), "--report", str(report)).code == 0
        text = report.read_text(encoding="utf-8")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", text)
        if suffix == "svg":
            xml.dom.minidom.parseString(text.encode("utf-8"))
    # compare never cuts a count: every count of a wide run is in every narrow one.
    monkeypatch.setenv("COLUMNS", "100")
    wide = invoke("compare").out
    counts = re.findall(r"^(LLM|SLM|HYBRID)\s+(\d+)\s.*\s(\d+)$", wide, re.MULTILINE)
    assert len(counts) == 3
    for width in range(10, 40):
        monkeypatch.setenv("COLUMNS", str(width))
        narrow = invoke("compare").out
        for option, limitations, advantages in counts:
            row = next(line for line in narrow.splitlines() if line.startswith(option + " "))
            assert limitations in row and row.rstrip("…").endswith(advantages), (width, row)


# --------------------------------------------------------------------------- 7. catalogue


GPU = """gpus:
  - id: h100-80gb
    name: x
    memory_gb: {memory}
    usd_per_gpu_hour: {usd}
    provider: p
    as_of: "2026-01-01"
    source: s
"""


@pytest.mark.parametrize(
    ("memory", "usd", "code"),
    [("1e-300", "2", 2), ("5e-324", "2", 2), ("0.5", "2", 2), ("1", "5e-324", 0), ("1", "1e6", 0)],
)
def test_catalogue_values_the_schema_accepts_are_computed(
    invoke: Invoke, tmp_path: Path, memory: str, usd: str, code: int
) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text(GPU.format(memory=memory, usd=usd), encoding="utf-8")
    case = tmp_path / "case.yaml"
    for text in (REQUIREMENTS, REQUIREMENTS + "gpu_memory_gb: 5e-324\n"):
        case.write_text(text, encoding="utf-8")
        run = invoke("advise", "-r", str(case), "--catalog", str(catalog), "--explain")
        assert run.code == code and "internal error" not in run.err, run.err
