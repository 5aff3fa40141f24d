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
