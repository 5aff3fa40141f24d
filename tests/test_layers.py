"""Rule set layers: extends, add, override, disable, weights, defaults, new fields, chains, errors."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slmvllm.advice.layers import MAX_LAYERS
from slmvllm.advice.questions import parse_assignments, pending_questions
from slmvllm.advice.rule_sets import LoadedRuleSet, load_rule_set
from slmvllm.advisor import advise
from slmvllm.errors import InputError
from slmvllm.requirements import Requirements

from .conftest import ROOT, Run

HEAD = 'extends: default\nname: team\nversion: "1.0"\n'
REFS = "references:\n  team_doc: {title: Team handbook}\n"
NEW_RULE = """rules:
  - id: team.always-slm
    summary: The team prefers small models.
    sources: [{ref: team_doc}]
    points: {slm: {cost: 1}}
"""


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _load(tmp_path: Path, files: dict[str, str], top: str = "team.yaml") -> LoadedRuleSet:
    _write(tmp_path, files)
    return load_rule_set(tmp_path / top)


def _rule(loaded: LoadedRuleSet, rule_id: str) -> Any:
    return next(r for r in loaded.rule_set.rules if r.id == rule_id)


def _ids(loaded: LoadedRuleSet) -> list[str]:
    return [r.id for r in loaded.rule_set.rules]


DEFAULT = load_rule_set()
DEFAULT_IDS = [r.id for r in DEFAULT.rule_set.rules]

# (name, files, check on the loaded layered rule set)
LAYERING: list[tuple[str, dict[str, str], Callable[[LoadedRuleSet], bool]]] = [
    (
        "add",
        {"team.yaml": HEAD + REFS + NEW_RULE},
        lambda ld: (
            _ids(ld) == [*DEFAULT_IDS, "team.always-slm"]
            and ld.placement is not None
            and ld.placement.origins["team.always-slm"].layer.endswith("team.yaml")
            and ld.placement.origins[DEFAULT_IDS[0]].layer == "default"
        ),
    ),
    (
        "override points, condition and sources",
        {
            "team.yaml": HEAD
            + REFS
            + "override:\n  evidence.tight-deadline-api-fastest:\n"
            + "    points: {llm: {deployment_speed: 1}}\n"
            + "    when: {field: weeks_to_launch, lte: 2}\n"
            + "    sources: [{ref: team_doc}]\n"
        },
        lambda ld: (
            _rule(ld, "evidence.tight-deadline-api-fastest").points
            == {"llm": {"deployment_speed": 1}}
            and _rule(ld, "evidence.tight-deadline-api-fastest").when.lte == 2
            and [c.ref for c in _rule(ld, "evidence.tight-deadline-api-fastest").sources]
            == ["team_doc"]
            and _ids(ld) == DEFAULT_IDS  # in place, same order
            and ld.placement is not None
            and ld.placement.origins["evidence.tight-deadline-api-fastest"]
            .overridden_by[0]
            .endswith("team.yaml")
        ),
    ),
    (
        "override drops a condition with when: null",
        {"team.yaml": HEAD + "override:\n  evidence.long-context:\n    when: null\n"},
        lambda ld: _rule(ld, "evidence.long-context").when is None,
    ),
    (
        "disable",
        {"team.yaml": HEAD + "disable:\n  evidence.regulated-data-single-path: one review\n"},
        lambda ld: (
            "evidence.regulated-data-single-path" not in _ids(ld)
            and len(_ids(ld)) == len(DEFAULT_IDS) - 1
            and ld.placement is not None
            and ld.placement.disabled[0].reason == "one review"
            and ld.warnings == []
        ),  # its reference, now cited by no active rule, is no warning
    ),
    (
        "weights",
        {"team.yaml": HEAD + "criteria:\n  cost: {weight: 5}\n  latency: {weight: 0}\n"},
        lambda ld: (
            ld.rule_set.criteria["cost"].weight == 5
            and ld.rule_set.criteria["latency"].weight == 0
            and ld.rule_set.criteria["quality"].weight == 3
        ),
    ),
    (
        "question default",
        {
            "team.yaml": HEAD
            + "defaults:\n  hosting: {default: private_cloud, assumption: our policy}\n"
        },
        lambda ld: (
            advise(Requirements(), ld.rule_set).requirements["hosting"] == "private_cloud"
            and any(a.why == "our policy" for a in advise(Requirements(), ld.rule_set).assumptions)
        ),
    ),
    (
        "new question adds a field, read by a new rule",
        {
            "team.yaml": HEAD
            + REFS
            + "questions:\n  - {field: gpu_fleet, adds_field: true, type: enum, prompt: GPUs?, "
            + "help: ours, choices: [none, l4], default: none, assumption: no GPUs}\n"
            + "rules:\n  - id: team.l4\n    summary: L4s serve small models.\n"
            + "    sources: [{ref: team_doc}]\n    when: {field: gpu_fleet, is: l4}\n"
            + "    points: {slm: {cost: 3}}\n"
        },
        lambda ld: (
            "gpu_fleet" in ld.rule_set.requirements_model().model_fields
            and any(
                r.rule == "team.l4"
                for r in advise(
                    ld.rule_set.requirements_model().model_validate({"gpu_fleet": "l4"}),
                    ld.rule_set,
                ).reasons
            )
            and not any(
                r.rule == "team.l4"
                for r in advise(ld.rule_set.requirements_model()(), ld.rule_set).reasons
            )
        ),
    ),
    (
        "chain of three applies in order",
        {
            "org/base.yaml": HEAD.replace("team", "org")
            + REFS
            + NEW_RULE
            + "criteria:\n  cost: {weight: 4}\n",
            "org/mid.yaml": 'extends: base.yaml\nname: mid\nversion: "2"\n'
            + "override:\n  team.always-slm:\n    points: {slm: {cost: 2}}\n"
            + "criteria:\n  cost: {weight: 5}\n",
            "org/team.yaml": 'extends: mid.yaml\nname: team\nversion: "3"\n'
            + "disable:\n  evidence.long-context: not for us\n",
        },
        lambda ld: (
            ld.rule_set.name == "team"
            and ld.rule_set.criteria["cost"].weight == 5  # the later layer wins
            and _rule(ld, "team.always-slm").points == {"slm": {"cost": 2}}
            and "evidence.long-context" not in _ids(ld)
            and ld.placement is not None
            and [i.name for i in ld.placement.layers] == ["default", "org", "mid", "team"]
        ),
    ),
]


@pytest.mark.parametrize(
    ("files", "check"), [c[1:] for c in LAYERING], ids=[c[0] for c in LAYERING]
)
def test_layering(
    tmp_path: Path, files: dict[str, str], check: Callable[[LoadedRuleSet], bool]
) -> None:
    top = "org/team.yaml" if "org/team.yaml" in files else "team.yaml"
    assert check(_load(tmp_path, files, top))


def _chain(n: int) -> dict[str, str]:
    files = {"l0.yaml": HEAD.replace("team", "l0")}
    for i in range(1, n):
        files[f"l{i}.yaml"] = f'extends: l{i - 1}.yaml\nname: l{i}\nversion: "1"\n'
    return files


def test_a_chain_of_the_limit_loads(tmp_path: Path) -> None:
    # default + MAX_LAYERS - 1 layers = MAX_LAYERS files
    loaded = _load(tmp_path, _chain(MAX_LAYERS - 1), f"l{MAX_LAYERS - 2}.yaml")
    assert loaded.placement is not None and len(loaded.placement.layers) == MAX_LAYERS


BAD = HEAD + "disable:\n  evidence.no-such-rule: x\n"

# (name, files, top file, message, where) -- where: "FILE:line:col" of the first problem
ERRORS: list[tuple[str, dict[str, str], str, str, str]] = [
    (
        "cycle",
        {
            "a.yaml": 'extends: b.yaml\nname: a\nversion: "1"\n',
            "b.yaml": 'extends: a.yaml\nname: b\nversion: "1"\n',
        },
        "a.yaml",
        "which makes a cycle: {d}/a.yaml -> {d}/b.yaml -> {d}/a.yaml",
        "b.yaml:1:10",
    ),
    (
        "self cycle",
        {"a.yaml": 'extends: a.yaml\nname: a\nversion: "1"\n'},
        "a.yaml",
        "which makes a cycle",
        "a.yaml:1:10",
    ),
    (
        "missing base",
        {"a.yaml": 'name: a\nversion: "1"\nextends: gone.yaml\n'},
        "a.yaml",
        "extends 'gone.yaml', which names no existing file",
        "a.yaml:3:10",
    ),
    (
        "too deep",
        _chain(MAX_LAYERS),
        f"l{MAX_LAYERS - 1}.yaml",
        f"the chain has more than {MAX_LAYERS} files",
        "l0.yaml:1:10",
    ),
    (
        "override of an unknown id",
        {"a.yaml": HEAD + "override:\n  evidence.long-contex:\n    points: {slm: {cost: 1}}\n"},
        "a.yaml",
        "override: no rule 'evidence.long-contex' in the base rule set 'default'; did you mean 'evidence.long-context'?",
        "a.yaml:5:3",
    ),
    (
        "disable of an unknown id",
        {"a.yaml": BAD},
        "a.yaml",
        "disable: no rule 'evidence.no-such-rule'",
        "a.yaml:5:3",
    ),
    (
        "a new rule with a base id",
        {
            "a.yaml": HEAD
            + "rules:\n  - id: evidence.long-context\n    summary: x\n    sources: [{ref: article}]\n    points: {slm: {cost: 1}}\n"
        },
        "a.yaml",
        "rule 'evidence.long-context' is already in the base rule set 'default' (from default); change it under 'override'",
        "a.yaml:5:9",
    ),
    (
        "an override that breaks the rule",
        {"a.yaml": HEAD + "override:\n  evidence.long-context:\n    points: {}\n"},
        "a.yaml",
        "rule 'evidence.long-context' has neither points nor exclude",
        "a.yaml:6:5",
    ),
    (
        "a condition on an unknown field",
        {
            "a.yaml": HEAD
            + "override:\n  evidence.long-context:\n    when: {field: gpu_flet, is: l4}\n"
        },
        "a.yaml",
        "unknown requirements field 'gpu_flet'",
        "a.yaml:6:19",
    ),
    (
        "a dead rule in a layer",
        {
            "a.yaml": HEAD
            + REFS
            + "rules:\n  - id: t.x\n    summary: x\n    sources: [{ref: team_doc}]\n    when: {all: [{field: hosting, is: any}, {field: hosting, is: on_prem}]}\n    points: {slm: {cost: 1}}\n"
        },
        "a.yaml",
        "rule 't.x' can never fire",
        "a.yaml:10:11",
    ),
    (
        "adds a field that exists",
        {
            "a.yaml": HEAD
            + "questions:\n  - {adds_field: true, field: hosting, type: text, prompt: p, help: h, assumption: a}\n"
        },
        "a.yaml",
        "'hosting' is already a requirements field; drop 'adds_field'",
        "a.yaml:5:",
    ),
    (
        "asks an existing question again",
        {
            "a.yaml": HEAD
            + "questions:\n  - {field: hosting, type: enum, choices: [any], prompt: p, help: h, assumption: a}\n"
        },
        "a.yaml",
        "'hosting' is already asked by the base rule set 'default'; change its default under 'defaults'",
        "a.yaml:5:",
    ),
    (
        "a default the field cannot take",
        {"a.yaml": HEAD + "defaults:\n  hosting: {default: cloud, assumption: a}\n"},
        "a.yaml",
        "default 'cloud' is not valid for 'hosting'",
        "a.yaml:5:22",
    ),
    (
        "absolute base",
        {"a.yaml": 'extends: /etc/passwd\nname: a\nversion: "1"\n'},
        "a.yaml",
        "is an absolute path; name the file relative to this file",
        "a.yaml:1:10",
    ),
    (
        "base outside through ..",
        {"team/a.yaml": 'extends: ../outside.yaml\nname: a\nversion: "1"\n', "outside.yaml": HEAD},
        "team/a.yaml",
        "which leaves the folder of the file you named",
        "team/a.yaml:1:10",
    ),
    (
        "a base's own .. escape",
        {
            "team/a.yaml": 'extends: sub/b.yaml\nname: a\nversion: "1"\n',
            "team/sub/b.yaml": 'extends: ../../c.yaml\nname: b\nversion: "1"\n',
            "c.yaml": HEAD,
        },
        "team/a.yaml",
        "which leaves the folder of the file you named",
        "team/sub/b.yaml:1:10",
    ),
    (
        "extends is not text",
        {"a.yaml": 'extends: [default]\nname: a\nversion: "1"\n'},
        "a.yaml",
        "'extends' names the base",
        "a.yaml:1:10",
    ),
    (
        "a base that is not valid",
        {
            "a.yaml": 'extends: b.yaml\nname: a\nversion: "1"\n',
            "b.yaml": "extends: default\nname: b\n",
        },
        "a.yaml",
        "missing required key 'version'",
        "b.yaml:1:1",
    ),
]


@pytest.mark.parametrize(
    ("files", "top", "message", "where"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_layer_errors_exit_2_located(
    tmp_path: Path, files: dict[str, str], top: str, message: str, where: str
) -> None:
    _write(tmp_path, files)
    run = _run("rules", "check", str(tmp_path / top))
    assert run.code == 2, run
    assert message.format(d=tmp_path) in run.err
    assert f"{tmp_path}/{where}" in run.err
    assert "Traceback" not in run.err


def _run(*args: str) -> Run:
    # In-process through the CLI's real entry point (exceptions -> exit codes in cli.run).
    import contextlib
    import io
    import sys

    from slmvllm.cli import run

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(list(args))
    finally:
        sys.stdin = old_stdin
    return Run(code, out.getvalue(), err.getvalue())


def test_a_symlinked_base_pointing_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(HEAD, encoding="utf-8")
    team = tmp_path / "team"
    team.mkdir()
    (team / "base.yaml").symlink_to(outside)
    (team / "a.yaml").write_text('extends: base.yaml\nname: a\nversion: "1"\n', encoding="utf-8")
    run = _run("rules", "check", str(team / "a.yaml"))
    assert run.code == 2
    assert f"a symbolic link to {outside}, outside the folder" in run.err


def test_paths_the_user_passes_may_escape_and_link(tmp_path: Path) -> None:
    # The user's own path may use .. and symbolic links; only bases named in files are bounded.
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "team.yaml").write_text(HEAD, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "elsewhere" / "link.yaml"
    link.symlink_to(tmp_path / "rules" / "team.yaml")
    for given in (tmp_path / "elsewhere" / ".." / "rules" / "team.yaml", link):
        assert _run("rules", "check", str(given)).code == 0


def test_stdin_may_extend_only_default() -> None:
    import io
    import sys

    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(b'extends: base.yaml\nname: a\nversion: "1"\n'))
    try:
        with pytest.raises(InputError, match="read from stdin can only extend 'default'"):
            load_rule_set(Path("-"))
    finally:
        sys.stdin = old


def test_a_hostile_cycle_of_many_files_stops(tmp_path: Path) -> None:
    files = {
        f"l{i}.yaml": f'extends: l{(i + 1) % 50}.yaml\nname: l\nversion: "1"\n' for i in range(50)
    }
    _write(tmp_path, files)
    with pytest.raises(InputError, match=f"more than {MAX_LAYERS} files"):
        load_rule_set(tmp_path / "l0.yaml")


# --------------------------------------------------------------------------- the new field

ACME = ROOT / "examples" / "rules" / "acme-platform.yaml"
USE_CASES = ROOT / "examples" / "rules" / "use-cases"


def test_a_new_field_is_valid_only_with_its_rule_set() -> None:
    case = USE_CASES / "eu-support-triage.yaml"
    with_it = _run("advise", "-r", str(case), "--rules", str(ACME), "-f", "json")
    assert with_it.code == 0, with_it.err
    result = json.loads(with_it.out)
    assert result["requirements"]["data_residency"] == "eu"
    assert result["rule_set"] == {"name": "acme-platform", "version": "1.0"}
    assert "acme.eu-residency-keeps-data-home" in [r["rule"] for r in result["reasons"]]
    without = _run("advise", "-r", str(case))
    assert without.code == 2 and without.out == ""
    assert (
        "unknown key 'data_residency' for rule set 'default' 3.0 (a field a rule set adds "
        "with a question is valid only with that rule set: pass it with --rules)"
    ) in without.err
    assert f"{case}:13:1" in without.err


def test_a_new_field_takes_set_and_defaults_and_is_asked() -> None:
    rs = load_rule_set(ACME).rule_set
    assert parse_assignments(rs, ["data_residency=EU"]) == {"data_residency": "eu"}
    with pytest.raises(ValueError, match="unknown field 'data_residency' for rule set 'default'"):
        parse_assignments(DEFAULT.rule_set, ["data_residency=eu"])
    asked = [q.field for q in pending_questions(rs, {})]
    assert "data_residency" in asked
    result = advise(rs.requirements_model()(), rs)
    assert result.requirements["data_residency"] == "none"
    assert any(a.field == "data_residency" for a in result.assumptions)


def test_a_new_field_is_asked_at_the_prompt() -> None:
    from rich.console import Console

    from slmvllm.prompting import ask

    rs = load_rule_set(ACME).rule_set
    # Every other question counts as answered, so the one asked is the new field's.
    given: dict[str, Any] = {q.field: None for q in rs.questions if q.field != "data_residency"}
    prompts: list[str] = []

    def reader(console: Console, prompt: Any) -> str:
        prompts.append(str(prompt))
        return "2"  # the second choice: eu

    with Path(os.devnull).open("w") as sink:
        out = ask(rs, Console(file=sink, width=100), given, reader)
    assert out["data_residency"] == "eu" and len(prompts) == 1


# --------------------------------------------------------------------------- rules list / check


def test_rules_check_names_the_chain_and_counts_per_file(tmp_path: Path) -> None:
    ok = _run("rules", "check", str(ACME), "-f", "json")
    record = json.loads(ok.out)[0]
    assert ok.code == 0 and record["layers"] == ["default", str(ACME)]
    text = _run("rules", "check", str(ACME))
    assert f"  layers: default <- {ACME}\n" in text.out
    dead = (
        "rules:\n  - id: {id}\n    summary: x\n    sources: [{{ref: article}}]\n"
        "    when: {{all: [{{field: hosting, is: any}}, {{field: hosting, is: on_prem}}]}}\n"
        "    points: {{slm: {{cost: 1}}}}\n"
    )
    files = {
        "base.yaml": HEAD.replace("team", "base") + dead.format(id="base.dead"),
        "team.yaml": 'extends: base.yaml\nname: t\nversion: "1"\n' + dead.format(id="team.dead"),
    }
    _write(tmp_path, files)
    bad = _run("rules", "check", str(tmp_path / "team.yaml"), "-f", "json")
    assert bad.code == 2
    assert json.loads(bad.out)[0]["problems_by_file"] == {
        str(tmp_path / "team.yaml"): 1,
        str(tmp_path / "base.yaml"): 1,
    }


def test_rules_list_shows_layers_overrides_and_disabled() -> None:
    run = _run("rules", "list", "--rules", str(ACME), "-f", "json")
    records = {r["id"]: r for r in json.loads(run.out)}
    assert records["acme.eu-residency-keeps-data-home"]["layer"] == str(ACME)
    assert records["article.slm-efficiency"] == {
        **records["article.slm-efficiency"],
        "layer": "default",
        "overridden_by": [],
        "active": True,
    }
    assert records["evidence.tight-deadline-api-fastest"]["overridden_by"] == [str(ACME)]
    gone = records["evidence.regulated-data-single-path"]
    assert gone["active"] is False and gone["disabled_by"] == str(ACME)
    assert gone["disabled_because"].startswith("Acme's compliance team")
    # The text wraps at the terminal width, where depends on how long the checkout's path is.
    text = " ".join(_run("rules", "list", "--rules", str(ACME)).out.split())
    assert f"layer: default, overridden by {ACME}" in text
    assert f"disabled by {ACME}: Acme's compliance team" in text
    plain = json.loads(_run("rules", "list", "-f", "json").out)
    assert all(r["active"] and r["layer"] == "default" for r in plain)
