"""Labels files: the format, and every way one can be wrong (file:line:col, exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from slmvllm.errors import InputError
from slmvllm.loading.labels import LABELS_INDEX, load_labels

from .conftest import CASES, Run

Invoke = Callable[..., Run]

REQUIREMENTS = "task_type: classification\ndomain_focus: narrow\n"
GOOD = """\
- id: triage
  file: triage.yaml
  expected: slm
  ambiguous: false
  confidence: high
  note: from the team's write-up
  sources: [https://example.org/triage]
"""


def make(folder: Path, labels: str, files: dict[str, str] | None = None) -> Path:
    for name, text in (files if files is not None else {"triage.yaml": REQUIREMENTS}).items():
        (folder / name).write_text(text, encoding="utf-8")
    path = folder / LABELS_INDEX
    path.write_text(labels, encoding="utf-8")
    return path


def item(**keys: str) -> str:
    """One labels item in block style, keys in the order given."""
    lines = [f"{k}: {v}" for k, v in keys.items()]
    return "- " + "\n  ".join(lines) + "\n"


BASE = {"id": "triage", "file": "triage.yaml", "expected": "slm", "ambiguous": "false"}

# (name, labels text, the expected "line:col:" and a fragment of the message)
BAD: list[tuple[str, str, str, str]] = [
    (
        "misspelled key",
        item(**BASE, ambigous="true"),
        "5:3",
        "unknown key 'ambigous'; did you mean 'ambiguous'?",
    ),
    (
        "unknown option",
        item(**{**BASE, "expected": "slmm"}),
        "3:13",
        "the text 'slmm' is not allowed; use one of: slm, llm, hybrid; did you mean 'slm'?",
    ),
    (
        "missing expected",
        item(id="triage", file="triage.yaml", ambiguous="false"),
        "1:3",
        "[0]: missing required key 'expected'",
    ),
    (
        "missing ambiguous",
        item(id="triage", file="triage.yaml", expected="slm"),
        "1:3",
        "missing required key 'ambiguous'",
    ),
    (
        "yes is not a boolean",
        item(**{**BASE, "ambiguous": "yes"}),
        "4:14",
        "expected true or false, got the text 'yes'",
    ),
    (
        "unknown source confidence",
        item(**BASE, confidence="certain"),
        "5:15",
        "use one of: high, medium, low",
    ),
    (
        "a source that is not a URL",
        item(**BASE, sources="[example.org/x]"),
        "5:13",
        "[0].sources[0]: the text 'example.org/x' is not a URL",
    ),
    (
        "sources as one string",
        item(**BASE, sources="https://example.org/x"),
        "5:12",
        "expected a list",
    ),
    (
        "an id with spaces",
        item(**{**BASE, "id": "'two words'"}),
        "1:7",
        "'two words' is not a usable id",
    ),
    ("a numeric id", item(**{**BASE, "id": "7"}), "1:7", "expected text, got the number 7"),
    (
        "ambiguous without a note",
        item(**{**BASE, "ambiguous": "true"}),
        "1:3",
        "ambiguous: true needs a note",
    ),
    (
        "duplicate id",
        GOOD + item(**{**BASE, "file": "other.yaml"}),
        "8:7",
        "duplicate id 'triage' (first at line 1)",
    ),
    (
        "duplicate file",
        GOOD + item(**{**BASE, "id": "again"}),
        "9:9",
        "duplicate file 'triage.yaml' (first at line 2)",
    ),
    (
        "missing requirements file",
        item(**{**BASE, "file": "nowhere.yaml"}),
        "2:9",
        "'nowhere.yaml' (",
    ),
    (
        "a folder as requirements file",
        item(**{**BASE, "file": "."}),
        "2:9",
        "is a directory, expected a YAML requirements file",
    ),
    (
        "a mapping, not a list",
        "id: triage\nfile: triage.yaml\n",
        "1:1",
        "a labels file is a YAML list, one item per case",
    ),
    ("an empty list", "[]\n", "1:1", "the list of cases is empty"),
    ("not YAML", "- id: [unclosed\n", "2:1", "not valid YAML"),
    (
        "a duplicate key",
        item(**BASE) + "  expected: llm\n",
        "5:3",
        "duplicate key 'expected' (first at line 3)",
    ),
]


@pytest.mark.parametrize(
    ("labels", "where", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_a_bad_labels_file_is_located_and_exits_2(
    invoke: Invoke, tmp_path: Path, labels: str, where: str, message: str
) -> None:
    path = make(tmp_path, labels, {"triage.yaml": REQUIREMENTS, "other.yaml": REQUIREMENTS})
    run = invoke("eval", str(path))
    assert run.code == 2, run.err
    assert run.out == ""  # nothing measured, nothing printed
    assert f"{path}:{where}:" in run.err and message in run.err, run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize(
    ("requirements", "where", "message"),
    [
        ("task_typ: classification\n", "1:1", "unknown key 'task_typ'; did you mean 'task_type'?"),
        ("domain_focus: narow\n", "1:15", "did you mean 'narrow'?"),
        ("- a list\n", "1:1", "expected a mapping of keys, got a list"),
        # Fits the model, not the rule set: found when the case is advised on, still located.
        ("priorities: {costs: 5}\n", "1:14", "unknown criterion 'costs'"),
    ],
)
def test_a_bad_requirements_file_is_located_in_itself(
    invoke: Invoke, tmp_path: Path, requirements: str, where: str, message: str
) -> None:
    path = make(tmp_path, GOOD, {"triage.yaml": requirements})
    run = invoke("eval", str(tmp_path))  # a folder: its index.yaml
    assert run.code == 2
    assert f"{tmp_path / 'triage.yaml'}:{where}:" in run.err and message in run.err, run.err
    assert str(path) not in run.err


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    labels = (
        GOOD
        + item(**{**BASE, "id": "b", "file": "gone.yaml"})
        + item(**{**BASE, "id": "triage", "file": "c.yaml"})
    )
    path = make(tmp_path, labels, {"triage.yaml": REQUIREMENTS, "c.yaml": "task_typo: code\n"})
    with pytest.raises(InputError) as caught:
        load_labels(path)
    shown = [str(p) for p in caught.value.problems]
    assert len(shown) == 2, shown
    assert shown[0].startswith(f"{path}:9:9: [1].file: 'gone.yaml' (")
    assert shown[1].startswith(f"{path}:12:7: [2].id: duplicate id 'triage' (first at line 1)")


def test_ids_are_unique_across_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = make(tmp_path / "a", GOOD)
    second = make(tmp_path / "b", GOOD)
    with pytest.raises(InputError) as caught:
        load_labels([tmp_path / "a", tmp_path / "b"])
    assert [str(p) for p in caught.value.problems] == [
        f"{second}:1:3: triage: duplicate id 'triage' (first at {first}:1); "
        "ids are unique across every labels file of a run"
    ]


def test_a_folder_without_an_index(invoke: Invoke, tmp_path: Path) -> None:
    run = invoke("eval", str(tmp_path))
    assert run.code == 2
    assert f"{tmp_path / LABELS_INDEX}: no such labels file; check the path" in run.err


def test_an_empty_path_is_refused(invoke: Invoke) -> None:
    run = invoke("eval", "")
    assert run.code == 2 and "an empty path" in run.err


def test_stdin_is_refused(invoke: Invoke) -> None:
    run = invoke("eval", "-", stdin=GOOD)
    assert run.code == 2 and "not from stdin (-)" in run.err


def test_a_good_file_loads_with_paths_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    path = make(tmp_path / "sub", GOOD)
    [case] = load_labels(str(path))
    assert case.label.model_dump() == {
        "id": "triage",
        "file": "triage.yaml",
        "expected": "slm",
        "ambiguous": False,
        "confidence": "high",
        "note": "from the team's write-up",
        "sources": ["https://example.org/triage"],
        "drivers": [],
        "model": None,
        "tags": [],
    }
    assert case.requirements_file == str(tmp_path / "sub" / "triage.yaml")
    assert case.requirements.given() == {"task_type": "classification", "domain_focus": "narrow"}
    assert (case.labels_file, case.line, case.column) == (str(path), 1, 3)


def test_the_calibration_labels_have_sources() -> None:
    cases = load_labels(CASES)
    assert len(cases) == 21
    assert all(c.label.sources for c in cases)
    assert sum(c.label.ambiguous for c in cases) == 11
    assert {c.label.expected for c in cases} == {"slm", "llm", "hybrid"}


# ---------------------------------------------------------------- in-process, word for word

WORD_FOR_WORD = [
    # (name, labels text, every problem after "<labels file>:")
    (
        "a mapping, not a list",
        "id: triage\nfile: triage.yaml\n",
        [
            "1:1: the top level is a mapping; a labels file is a YAML list, one item per case "
            "(- id: ..., file: ..., expected: ...)"
        ],
    ),
    (
        "a single value",
        "42\n",
        [
            "1:1: the top level is a single value; a labels file is a YAML list, one item per "
            "case (- id: ..., file: ..., expected: ...)"
        ],
    ),
    ("an empty list", "[]\n", ["1:1: the list of cases is empty; add at least one case"]),
    (
        # A duplicate id, then a duplicate file, then a case that is fine after both:
        # each duplicate is reported against its first copy, and checking goes on.
        "duplicates go on to the next case",
        GOOD
        + item(**{**BASE, "file": "other.yaml"})  # line 8: id again
        + item(**{**BASE, "id": "again"})  # line 12: file again
        + item(**{**BASE, "id": "third", "file": "gone.yaml"}),  # line 16: a missing file
        [
            "8:7: [1].id: duplicate id 'triage' (first at line 1); each case is listed once",
            "13:9: [2].file: duplicate file 'triage.yaml' (first at line 2); each case is "
            "listed once",
            "17:9: [3].file: 'gone.yaml' ({folder}/gone.yaml): no such requirements file; "
            "check the path",
        ],
    ),
    (
        # Problems in two requirements files after a duplicate: all three are kept.
        "every problem of every case",
        item(**{**BASE, "file": "a.yaml"})
        + item(**{**BASE, "file": "b.yaml"})  # line 5: id again
        + item(**{**BASE, "id": "second", "file": "gone.yaml"})  # line 9
        + item(**{**BASE, "id": "third", "file": "gone-too.yaml"}),  # line 13
        [
            "5:7: [1].id: duplicate id 'triage' (first at line 1); each case is listed once",
            "10:9: [2].file: 'gone.yaml' ({folder}/gone.yaml): no such requirements file; "
            "check the path",
            "14:9: [3].file: 'gone-too.yaml' ({folder}/gone-too.yaml): no such requirements "
            "file; check the path",
        ],
    ),
]


@pytest.mark.parametrize(
    ("labels", "problems"), [w[1:] for w in WORD_FOR_WORD], ids=[w[0] for w in WORD_FOR_WORD]
)
def test_labels_problems_word_for_word(tmp_path: Path, labels: str, problems: list[str]) -> None:
    files = dict.fromkeys(("triage.yaml", "other.yaml", "a.yaml", "b.yaml"), REQUIREMENTS)
    path = make(tmp_path, labels, files)
    with pytest.raises(InputError) as caught:
        load_labels(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:" + p.format(folder=tmp_path) for p in problems
    ]


def test_every_path_of_a_run_is_checked_and_every_problem_kept(tmp_path: Path) -> None:
    # stdin, a bad labels file, a good folder, and the same folder again (its ids repeat):
    # one problem for each, in the order given, none stopping the others.
    for name in ("bad", "good"):
        (tmp_path / name).mkdir()
    bad = make(tmp_path / "bad", "[]\n")
    good = make(tmp_path / "good", GOOD)
    with pytest.raises(InputError) as caught:
        load_labels(["-", bad, tmp_path / "good", good])
    assert [str(p) for p in caught.value.problems] == [
        "command line: labels are read from a file or folder, not from stdin (-)",
        f"{bad}:1:1: the list of cases is empty; add at least one case",
        f"{good}:1:3: triage: duplicate id 'triage' (first at {good}:1); "
        "ids are unique across every labels file of a run",
    ]


def test_a_name_too_long_for_the_file_system_is_reported_as_given(tmp_path: Path) -> None:
    # Asking whether it is a folder fails (ENAMETOOLONG): it is read as a file, and the
    # message names it, not <name>/index.yaml.
    long = tmp_path / ("x" * 300)
    with pytest.raises(InputError) as caught:
        load_labels(long)
    (problem,) = caught.value.problems
    assert problem.source == str(long)


def test_a_duplicate_names_the_line_of_its_own_first_copy(tmp_path: Path) -> None:
    # The first copy of 'b' is the second item (line 5), not the top of the file.
    labels = (
        item(**{**BASE, "id": "a", "file": "a.yaml"})
        + item(**{**BASE, "id": "b", "file": "b.yaml"})  # line 5
        + item(**{**BASE, "id": "b", "file": "other.yaml"})  # line 9
    )
    files = dict.fromkeys(("a.yaml", "b.yaml", "other.yaml"), REQUIREMENTS)
    path = make(tmp_path, labels, files)
    with pytest.raises(InputError) as caught:
        load_labels(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:9:7: [2].id: duplicate id 'b' (first at line 5); each case is listed once"
    ]


def test_ids_after_a_duplicate_still_count_across_files(tmp_path: Path) -> None:
    # File B repeats A's 'triage' and then adds 'other'; file C repeats 'other'. Both
    # repeats are found: the duplicate in B does not stop B's later ids from counting.
    folders = {name: tmp_path / name for name in ("a", "b", "c")}
    for folder in folders.values():
        folder.mkdir()
    other = item(**{**BASE, "id": "other", "file": "other.yaml"})
    files = {"triage.yaml": REQUIREMENTS, "other.yaml": REQUIREMENTS}
    a = make(folders["a"], GOOD, files)
    b = make(folders["b"], GOOD + other, files)  # 'other' at line 8
    c = make(folders["c"], other, files)
    with pytest.raises(InputError) as caught:
        load_labels([a, b, c])
    assert [str(p) for p in caught.value.problems] == [
        f"{b}:1:3: triage: duplicate id 'triage' (first at {a}:1); "
        "ids are unique across every labels file of a run",
        f"{c}:1:3: other: duplicate id 'other' (first at {b}:8); "
        "ids are unique across every labels file of a run",
    ]
