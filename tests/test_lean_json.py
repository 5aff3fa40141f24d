"""The lean JSON result (schema version 2, docs/json-output.md) and `advise --jobs N`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from slmvllm.render.json_doc import result_schema
from slmvllm.render.lean_json import References, dumps_lean, reference_key

from .conftest import CASES, EXAMPLES, Run

Invoke = Callable[..., Run]
TRIAGE = str(EXAMPLES / "support-triage.yaml")


def advise_json(invoke: Invoke, *args: str) -> Any:
    run = invoke("advise", *args)
    assert run.code == 0, run.err
    return json.loads(run.out)


def cited(doc: dict[str, Any]) -> set[str]:
    """Every reference key a lean document cites."""
    keys = {r["source"] for r in doc["reasons"]}
    keys |= {r["when"] for r in doc["reasons"] if "when" in r}
    keys |= {a["why"] for a in doc["assumptions"]}
    keys |= {p["source"] for p in doc.get("precedents", [])}
    estimates = doc.get("estimates") or {}
    keys |= set(estimates.get("assumptions", []))
    for cand in estimates.get("candidates", []):
        keys |= set(cand.get("warnings", []))
        cost = cand.get("cost") or {}
        keys |= {cost[k] for k in ("price_source", "gpu_price_source") if k in cost}
    return keys


# --------------------------------------------------------------------------- the lean form


def test_one_result_cites_every_text_from_its_own_references(invoke: Invoke) -> None:
    doc = advise_json(invoke, "-r", TRIAGE, "-f", "json")
    assert doc["schema_version"] == 2
    assert cited(doc) <= set(doc["references"])
    for key, text in doc["references"].items():
        assert key == reference_key(text)  # the same key for the same text, every run


def test_the_full_form_is_the_version_1_document(invoke: Invoke) -> None:
    full = advise_json(invoke, "-r", TRIAGE, "-f", "json", "--full-json")
    lean = advise_json(invoke, "-r", TRIAGE, "-f", "json")
    assert full["schema_version"] == 1 and "references" not in full
    refs = lean["references"]
    # Resolving the keys gives back the full form's texts.
    assert [refs[r["source"]] for r in lean["reasons"]] == [r["source"] for r in full["reasons"]]
    assert [refs[a["why"]] for a in lean["assumptions"]] == [a["why"] for a in full["assumptions"]]
    assert [refs[t] for t in lean["estimates"]["assumptions"]] == full["estimates"]["assumptions"]
    assert [r["points"] for r in full["reasons"]] and all(
        "points" not in r for r in lean["reasons"]
    )
    assert len(json.dumps(lean)) < len(json.dumps(full))


def test_a_list_writes_each_text_once(invoke: Invoke) -> None:
    docs = advise_json(invoke, "-r", str(CASES), "-f", "json")
    seen: dict[str, str] = {}
    for doc in docs:
        assert not set(doc["references"]) & set(seen), "a text written twice"
        seen.update(doc["references"])
        assert cited(doc) <= set(seen), doc["source"]
    # Later results cite what earlier ones wrote: the table of the first is the largest.
    assert len(docs[0]["references"]) > max(len(d["references"]) for d in docs[1:])


def test_a_json_lines_stream_writes_each_text_once(invoke: Invoke) -> None:
    run = invoke("advise", "-r", str(CASES), "-f", "jsonl")
    seen: dict[str, str] = {}
    for line in run.out.splitlines():
        doc = json.loads(line)
        assert not set(doc["references"]) & set(seen)
        seen.update(doc["references"])
        assert cited(doc) <= set(seen)
    full = invoke("advise", "-r", str(CASES), "-f", "jsonl", "--full-json").out.splitlines()
    assert all(json.loads(line)["schema_version"] == 1 for line in full)


@pytest.mark.parametrize("full", [False, True], ids=["lean", "full"])
def test_both_forms_meet_their_schema(invoke: Invoke, full: bool) -> None:
    validator = jsonschema.Draft202012Validator(result_schema(full=full))
    form = ["--full-json"] if full else []
    for doc in advise_json(invoke, "-r", str(EXAMPLES), "-f", "json", *form):
        assert [e.message for e in validator.iter_errors(doc)] == [], doc["source"]
    schema = json.loads(invoke("schema", *form).out)
    assert ("references" in schema["properties"]) is not full


def test_the_schema_catches_a_lean_document_without_references(invoke: Invoke) -> None:
    validator = jsonschema.Draft202012Validator(result_schema())
    doc = advise_json(invoke, "-r", TRIAGE, "-f", "json")
    doc.pop("references")
    assert list(validator.iter_errors(doc))


@pytest.mark.parametrize(
    ("text", "cited_as"),
    [
        ("a source", "key"),
        ("", "key"),
        ("naïve — ünïcode", "key"),
    ],
)
def test_reference_keys_are_short_digests(text: str, cited_as: str) -> None:
    key = reference_key(text)
    assert len(key) == 8 and int(key, 16) >= 0 and cited_as == "key"
    doc = References().lean({"schema_version": 1, "reasons": [{"source": text}]})
    assert doc["reasons"][0]["source"] == key and doc["references"] == {key: text}


def test_a_digest_collision_keeps_both_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    import slmvllm.render.lean_json as lean_json

    monkeypatch.setattr(lean_json, "reference_key", lambda text: "00000000")
    doc = References().lean({"reasons": [{"source": "one"}, {"source": "two"}]})
    keys = [r["source"] for r in doc["reasons"]]
    assert keys[0] != keys[1] and {doc["references"][k] for k in keys} == {"one", "two"}


@pytest.mark.parametrize(
    ("payload", "layout"),
    [
        ({"a": 1}, '{"a": 1}\n'),
        (
            {"a": ["x" * 60, "y" * 60]},
            '{\n  "a": [\n    "' + "x" * 60 + '",\n    "' + "y" * 60 + '"\n  ]\n}\n',
        ),
        ([], "[]\n"),
        ({"bidi": "\u202e"}, '{"bidi": "\\u202e"}\n'),
    ],
)
def test_the_lean_layout(payload: Any, layout: str) -> None:
    assert dumps_lean(payload) == layout
    assert json.loads(dumps_lean(payload)) == payload


# --------------------------------------------------------------------------- --jobs


@pytest.mark.parametrize("fmt", ["json", "jsonl", "markdown", "text"])
def test_jobs_give_the_same_output_in_input_order(invoke: Invoke, fmt: str) -> None:
    one = invoke("advise", "-r", str(CASES), "-f", fmt, "--jobs", "1")
    two = invoke("advise", "-r", str(CASES), "-f", fmt, "--jobs", "2")
    assert one.code == two.code == 0, two.err
    assert one.out == two.out


def test_jobs_keep_the_gates(invoke: Invoke) -> None:
    run = invoke("advise", "-r", str(CASES), "-f", "json", "-j", "2", "--expect", "slm")
    assert run.code == 1 and "gate failed" in run.err
    assert len(json.loads(run.out)) == 21  # every result is still written


def test_a_bad_file_is_reported_as_with_one_job(invoke: Invoke, tmp_path: Path) -> None:
    for path in sorted(CASES.glob("*.yaml"))[:4]:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "zz-bad.yaml").write_text("task_type: guessing\n", encoding="utf-8")
    one = invoke("advise", "-r", str(tmp_path), "-f", "json", "-j", "1")
    two = invoke("advise", "-r", str(tmp_path), "-f", "json", "-j", "2")
    assert one.code == two.code == 2
    assert one.err == two.err and "zz-bad.yaml:1" in two.err and two.out == ""


def test_a_bug_in_a_worker_is_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, invoke: Invoke
) -> None:
    import slmvllm.commands.advise_jobs as jobs

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "advise", boom)  # the forked workers inherit it
    run = invoke("advise", "-r", str(CASES), "-f", "json", "-j", "2")
    assert run.code == 3
    assert run.err.count("\n") == 1 and "internal error: WorkerError: RuntimeError: boom" in run.err


def test_jobs_must_be_positive(invoke: Invoke) -> None:
    run = invoke("advise", "-r", TRIAGE, "-j", "0")
    assert run.code == 2 and "--jobs" in run.err
