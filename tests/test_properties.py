"""Property-based tests: generated inputs thrown at the loader and the engine.

Whatever the input, only the project's own errors (`SlmvllmError`) escape; every
valid input yields a result inside the contract; the engine is deterministic.
The runs are short, and derandomized in CI (the hypothesis profiles in
conftest.py); `benchmarks/fuzz_yaml.py` runs the YAML front door for longer.
"""

from __future__ import annotations

import io
import json
import string
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from rich.console import Console

from slmvllm.advice.engine import advice_for
from slmvllm.advice.questions import AnswerError, answers_yaml, parse_answer, parse_assignments
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.errors import SlmvllmError
from slmvllm.loading.documents import Source
from slmvllm.loading.reading import read_source
from slmvllm.loading.scalars import dump_yaml
from slmvllm.loading.validation import validate
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.render.json_doc import render_json
from slmvllm.render.markdown import render_markdown
from slmvllm.render.text import render_text
from slmvllm.requirements import CONDITION_FIELDS, REQUIREMENT_FIELDS, Requirements
from slmvllm.result import Result

from .conftest import CONTRACT_KEYS

# How many examples, and whether they are the same each run, come from the hypothesis
# profile (tests/conftest.py): derandomized in CI, random locally, HYPOTHESIS_PROFILE=long.
FAST = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OPTIONS = ("slm", "llm", "hybrid")
RAW_CONTROL = set(map(chr, [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]))
DEFAULT = load_rule_set().rule_set


# --------------------------------------------------------------------------- strategies

# Text that is valid Unicode (no lone surrogates: input is decoded from UTF-8 first).
unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)

# Pieces of YAML syntax, glued at random: reaches the parser's corners far more
# often than random characters do.
YAML_PIECES = [
    "task_type", "hosting", "monthly_requests", "priorities", "use_case", "cost", "a", "b",
    ":", ": ", "- ", "? ", "[", "]", "{", "}", ",", "\n", "\n  ", "\n    ", "\t", " ", "#",
    "&a ", "*a", "&b ", "*b", "!!str ", "!!python/object:os.system ", "!x ", "! ", "<<: ",
    "'", '"', "\\", "|", ">", "---\n", "...\n", "%YAML 1.2\n", "~", "null", "yes", "no",
    "on", "0755", "1:30", "3.10", ".nan", ".inf", "1e400", "9" * 35, "-1", "1_000", "chat",
    "2024-02-30", "\ufeff", "\x85", "\u2028", "é", "日本", "\x1b", "\x00",
]  # fmt: skip
yamlish = st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join)

JUNK: list[Any] = [
    None, True, False, 0, -1, 2.5, -0.5, 10**15, 1e300, "", "x", "no", "0755", "1:30",
    "chat", "any", [], [1], {}, {"a": 1}, "\x1b[31m", "[bold]x[/]", float("inf"),
]  # fmt: skip


def _field_values(name: str) -> st.SearchStrategy[Any]:
    """Valid values of a requirements field (read from the model), or junk."""
    from slmvllm.loading.scalars import scalar_kinds
    from slmvllm.loading.validation import literal_choices

    annotation = Requirements.model_fields[name].annotation
    choices = literal_choices(annotation)
    kinds = scalar_kinds(annotation)
    if name == "priorities":
        valid: st.SearchStrategy[Any] = st.dictionaries(
            st.sampled_from(["cost", "quality", "latency", "speed"]), st.integers(-1, 6), max_size=3
        )
    elif choices:
        valid = st.sampled_from(choices)
    elif float in kinds:
        valid = st.floats(-1, 1e6, allow_nan=False) | st.integers(0, 10**6)
    elif int in kinds:
        valid = st.integers(-5, 10**9)
    else:
        valid = unicode_text
    return st.one_of(valid, valid, st.sampled_from(JUNK))


def _valid_values(name: str) -> st.SearchStrategy[Any]:
    return _field_values(name).filter(lambda v: _valid(name, v))


def _valid(name: str, value: Any) -> bool:
    try:
        Requirements.model_validate({name: value})
    except ValidationError:
        return False
    return True


good_requirements = st.fixed_dictionaries(
    {}, optional={name: _valid_values(name) for name in REQUIREMENT_FIELDS if name != "priorities"}
)
# Valid requirements with, most of the time, one field spoiled (or an unknown key).
requirement_dicts = st.builds(
    lambda good, spoil: {**good, **spoil},
    good_requirements,
    st.one_of(
        st.just({}),
        st.builds(
            lambda name, junk: {name: junk},
            st.sampled_from([*REQUIREMENT_FIELDS, "task_typ"]),
            st.sampled_from(JUNK),
        ),
        st.builds(
            lambda name, value: {name: value},
            st.sampled_from(REQUIREMENT_FIELDS),
            st.deferred(lambda: st.sampled_from(REQUIREMENT_FIELDS).flatmap(_field_values)),
        ),
    ),
)


def _test_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(["chat", "code", "narrow", "any", "on_device", "high", "regulated", "zzz"]),
        st.integers(-10, 10**7),
        st.floats(-10, 1e7, allow_nan=False),
        st.booleans(),
    )


@st.composite
def _fitting_test(draw: st.DrawFn) -> dict[str, Any]:
    """A test that fits its field (most are valid; impossible ones are allowed)."""
    from slmvllm.loading.scalars import scalar_kinds
    from slmvllm.loading.validation import literal_choices

    name = draw(st.sampled_from([f for f in CONDITION_FIELDS if f != "use_case"]))
    annotation = Requirements.model_fields[name].annotation
    choices = literal_choices(annotation)
    if choices:
        op = draw(st.sampled_from(["is", "in", "not_in", "known"]))
        one = st.sampled_from(choices)
        value = {
            "is": one,
            "in": st.lists(one, min_size=1, max_size=3),
            "not_in": st.lists(one, min_size=1, max_size=3),
            "known": st.booleans(),
        }[op]
        return {"field": name, op: draw(value)}
    number = (
        st.integers(-5, 10**6)
        if float not in scalar_kinds(annotation)
        else st.floats(-5, 1e6, allow_nan=False)
    )
    ops = draw(
        st.lists(
            st.sampled_from(["gt", "gte", "lt", "lte", "is", "known"]),
            min_size=1,
            max_size=2,
            unique=True,
        )
    )
    return {"field": name, **{op: draw(st.booleans() if op == "known" else number) for op in ops}}


def _field_test() -> st.SearchStrategy[dict[str, Any]]:
    op = st.sampled_from(["is", "in", "not_in", "gt", "gte", "lt", "lte", "known", "run"])
    wild = st.builds(
        lambda field, ops: {"field": field, **ops},
        st.sampled_from([*CONDITION_FIELDS, "task_tipe", "__class__"]),
        st.dictionaries(
            op,
            st.one_of(_test_values(), st.lists(_test_values(), min_size=0, max_size=3)),
            min_size=0,
            max_size=2,
        ),
    )
    return st.one_of(_fitting_test(), _fitting_test(), _fitting_test(), wild)


def _conditions(leaf: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.builds(lambda c: {"all": c}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda c: {"any": c}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda c: {"not": c}, inner),
        ),
        max_leaves=6,
    )


fitting_conditions = _conditions(_fitting_test())
wild_conditions = _conditions(_field_test())
points = st.dictionaries(
    st.sampled_from(OPTIONS),
    st.dictionaries(
        st.sampled_from(["cost", "quality"]), st.integers(-3, 3) | st.floats(-3, 3), min_size=1
    ),
    min_size=1,
    max_size=3,
)
rule_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)


@st.composite
def rules(draw: st.DrawFn, index: int) -> dict[str, Any]:
    """A valid rule (its condition may still be dead or always true: the checks say so)."""
    rule: dict[str, Any] = {
        "id": f"r{index}",
        "summary": draw(rule_text),
        "sources": [{"ref": "paper", "where": draw(rule_text)}],
        "points": draw(points),
    }
    if draw(st.integers(0, 3)):
        rule["when"] = draw(fitting_conditions)
    if "when" in rule and draw(st.integers(0, 3)) == 0:
        rule["exclude"] = draw(
            st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=2, unique=True)
        )
        rule["reason"] = draw(rule_text)
    return rule


@st.composite
def valid_rule_sets(draw: st.DrawFn) -> dict[str, Any]:
    questions = []
    if draw(st.booleans()):
        questions.append(
            {
                "field": "hosting",
                "type": "enum",
                "prompt": draw(rule_text),
                "help": draw(rule_text),
                "choices": ["any", "private_cloud", "on_prem", "on_device"],
                "default": draw(st.sampled_from(["any", "on_prem"])),
                "assumption": "a",
            }
        )
    return {
        "name": "gen",
        "version": "1.0",
        "description": draw(rule_text),
        "references": {"paper": {"title": draw(rule_text)}},
        "options": {o: {"label": draw(rule_text), "description": "d"} for o in OPTIONS},
        "criteria": {"cost": {"meaning": "m"}, "quality": {"meaning": "m", "weight": 4}},
        "questions": questions,
        "rules": [draw(rules(i)) for i in range(draw(st.integers(1, 6)))],
    }


def _spoil(data: dict[str, Any], how: str, condition: dict[str, Any]) -> dict[str, Any]:
    """One thing wrong with a rule set, the way a stranger's file might be."""
    rule = data["rules"][0]
    if how == "name":
        data["name"] = ""
    elif how == "version":
        data["version"] = 2.10
    elif how == "option":
        rule["points"] = {"medium": {"cost": 1}}
    elif how == "criterion":
        rule["points"] = {"llm": {"qualty": 1}}
    elif how == "range":
        rule["points"] = {"llm": {"cost": 11}}
    elif how == "reason":
        rule["exclude"] = ["llm"]
        rule.pop("reason", None)
    elif how == "id":
        rule["id"] = "Bad Id"
    elif how == "duplicate":
        data["rules"].append(dict(rule))
    elif how == "citation":
        rule["sources"] = [{"ref": "papr"}]
    elif how == "condition":
        rule["when"] = condition
    elif how == "empty":
        data["rules"] = []
    elif how == "unknown":
        data["run"] = "os.system('id')"
    elif how == "unconditional":
        rule.pop("when", None)
        rule["exclude"] = ["slm"]
        rule["reason"] = "r"
    return data


rule_sets = st.one_of(
    valid_rule_sets(),
    valid_rule_sets(),
    st.builds(
        _spoil,
        valid_rule_sets(),
        st.sampled_from(
            [
                "name",
                "version",
                "option",
                "criterion",
                "range",
                "reason",
                "id",
                "duplicate",
                "citation",
                "condition",
                "condition",
                "empty",
                "unknown",
                "unconditional",
            ]
        ),  # fmt: skip
        wild_conditions,
    ),
)


# --------------------------------------------------------------------------- checks


def check_contract(result: Result, rs: RuleSet) -> None:
    """The contract's promises about one result."""
    doc = json.loads(render_json([(None, result)], as_list=False))
    assert CONTRACT_KEYS <= doc.keys()
    assert doc["schema_version"] == 1
    assert doc["rule_set"] == {"name": rs.name, "version": rs.version}
    rec = doc["recommendation"]
    assert rec in OPTIONS
    assert isinstance(doc["confidence"], float) and 0.0 <= doc["confidence"] <= 1.0
    assert set(doc["scores"]) == set(rs.options)
    excluded = {e["option"] for e in doc["excluded"]}
    assert rec not in excluded
    for option, total in doc["scores"].items():
        effects = sum(r["effect"].get(option, 0.0) for r in doc["reasons"])
        assert abs(total - effects) < 1e-3 * (1 + len(doc["reasons"]))
        if option not in excluded:
            assert doc["scores"][rec] >= total - 1e-9
    for reason in doc["reasons"]:
        assert {"rule", "summary", "effect", "source"} <= reason.keys()
        assert all(isinstance(v, (int, float)) for v in reason["effect"].values())
    for exclusion in doc["excluded"]:
        assert {"option", "rule", "reason"} <= exclusion.keys()
    for assumption in doc["assumptions"]:
        assert {"field", "value", "why"} <= assumption.keys()
        assert assumption["field"] in REQUIREMENT_FIELDS
    for change in doc["what_would_change"]:
        assert change["field"] in REQUIREMENT_FIELDS
        assert change["recommendation"] in OPTIONS and change["recommendation"] != rec


def check_renders_inert(result: Result, rs: RuleSet) -> None:
    """Text and Markdown views carry no raw control character from the data."""
    console = Console(file=io.StringIO(), width=60, color_system=None, highlight=False)
    render_text(console, result, rs)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    markdown = render_markdown(result, rs)
    for view in (text, markdown):
        assert not RAW_CONTROL & set(view.replace("\n", ""))


def advise_twice(rs: RuleSet, req: Requirements) -> Result | None:
    """Advise, twice: the same result and the same JSON both times (or the same refusal)."""
    outcomes = []
    for _ in range(2):
        try:
            outcomes.append(advice_for(rs, req))
        except SlmvllmError as exc:
            outcomes.append(exc)  # type: ignore[arg-type]
    first, second = outcomes
    if isinstance(first, Result):
        assert isinstance(second, Result)
        assert first.model_dump() == second.model_dump()
        assert render_json([(None, first)], as_list=False) == render_json(
            [(None, second)], as_list=False
        )
        return first
    assert type(first) is type(second) and str(first) == str(second)
    return None


def _dump(data: Any) -> str:
    return dump_yaml(data)  # strings stay strings when read back


# --------------------------------------------------------------------------- properties


@FAST
@given(st.one_of(unicode_text, yamlish))
def test_any_text_gives_data_or_an_input_error(text: str) -> None:
    try:
        doc = parse_yaml(Source("fuzz.yaml", text))
    except SlmvllmError as exc:
        assert str(exc).startswith("fuzz.yaml")
        return
    json.dumps(doc.data, allow_nan=False)  # plain data only: no objects, no NaN


@FAST
@given(st.binary(max_size=300) | yamlish.map(lambda t: t.encode("utf-8", "replace")))
def test_any_bytes_give_data_or_an_input_error(raw: bytes) -> None:
    try:
        parse_yaml(read_source(Path("-"), stdin=io.BytesIO(raw)))
    except SlmvllmError as exc:
        assert str(exc).startswith("<stdin>")


@FAST
@given(requirement_dicts)
def test_generated_requirements_are_refused_or_advised(data: dict[str, Any]) -> None:
    try:
        text = _dump(data)
    except yaml.YAMLError:
        return
    try:
        req = validate(Requirements, parse_yaml(Source("req.yaml", text)))
    except SlmvllmError:
        return
    result = advise_twice(DEFAULT, req)
    if result is not None:
        check_contract(result, DEFAULT)


@FAST
@given(good_requirements)
def test_valid_requirements_always_get_a_result_inside_the_contract(data: dict[str, Any]) -> None:
    req = validate(Requirements, parse_yaml(Source("req.yaml", _dump(data) if data else "{}\n")))
    result = advise_twice(DEFAULT, req)
    if result is None:  # only hard constraints that rule out every option may refuse
        return
    check_contract(result, DEFAULT)
    assert result.requirements == {**dict.fromkeys(REQUIREMENT_FIELDS), **_resolved(req)}


def _resolved(req: Requirements) -> dict[str, Any]:
    from slmvllm.advice.engine import resolve

    return resolve(DEFAULT, req)[0]


@FAST
@given(rule_sets, st.lists(good_requirements, min_size=1, max_size=3))
def test_generated_rule_sets_are_refused_or_give_results_inside_the_contract(
    data: dict[str, Any], cases: list[dict[str, Any]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.yaml"
        path.write_text(_dump(data), encoding="utf-8")
        try:
            loaded = load_rule_set(path)
        except SlmvllmError as exc:
            assert str(exc).startswith(str(path))
            return
    rs = loaded.rule_set
    for case in cases:
        req = Requirements.model_validate(case)
        result = advise_twice(rs, req)
        if result is not None:
            check_contract(result, rs)
            check_renders_inert(result, rs)


@FAST
@given(st.lists(st.text(string.printable + "éß²٣", max_size=30), max_size=4))
def test_set_values_give_values_or_an_answer_error(items: list[str]) -> None:
    try:
        values = parse_assignments(DEFAULT, items)
    except AnswerError:
        return
    Requirements.model_validate(values)


@FAST
@given(st.sampled_from(DEFAULT.questions), unicode_text)
def test_prompt_answers_give_values_or_an_answer_error(question: Any, text: str) -> None:
    try:
        value = parse_answer(DEFAULT, question, text)
    except AnswerError:
        return
    if value is not None:
        Requirements.model_validate({question.field: value})


@FAST
@given(good_requirements, st.booleans())
def test_saved_answers_read_back_as_the_same_requirements(
    data: dict[str, Any], partial: bool
) -> None:
    answers = Requirements.model_validate(data).given()
    text = answers_yaml(DEFAULT, answers, partial=partial)
    again = validate(Requirements, parse_yaml(Source("saved.yaml", text)))
    assert again.given() == answers


@FAST
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(10**20), 10**20)
        | st.floats(allow_nan=False, allow_infinity=False)
        | unicode_text,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(unicode_text, inner, max_size=4)
        ),
        max_leaves=12,
    )
)
@example("\x85")  # NEL: PyYAML wrote it raw in quotes, where YAML reads a line break
@example("line\u2028separator \u2029 and \x85 next line")
def test_dumped_data_reads_back_the_same(data: Any) -> None:
    try:
        back = parse_yaml(Source("d.yaml", dump_yaml({"k": data}))).data["k"]
    except SlmvllmError as exc:  # only what the policy refuses: huge numbers, control characters
        assert (
            "too large" in str(exc)
            or "control character" in str(exc)
            or "is not allowed" in str(exc)
        ), exc
        return
    assert back == data
