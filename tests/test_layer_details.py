"""Rule set layers in detail: each refusal word for word, where merged parts were written, merges.

`test_layers.py` shows what layers do; this file pins the details a one-line slip would
change: the exact message and file:line:column of every refusal, the place `Placement`
gives for each part of a merged rule set, and what a merge keeps from the base.
"""

from __future__ import annotations

import io
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from slmvllm.advice import layers
from slmvllm.advice.layers import MAX_LAYERS, default_rule_set_path, resolve_chain
from slmvllm.advice.rule_sets import LoadedRuleSet, load_rule_set
from slmvllm.errors import InputError
from slmvllm.requirements import AddedField

from .conftest import ROOT

HEAD = 'extends: default\nname: a\nversion: "1"\n'  # three lines: line 4 is the first change
TEAM_REF = "references:\n  team_doc: {title: Team handbook}\n"
DEFAULT = load_rule_set()
DEFAULT_IDS = [r.id for r in DEFAULT.rule_set.rules]


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def refusals(tmp_path: Path, files: dict[str, str], top: str = "a.yaml") -> list[str]:
    """Every problem of loading `top`, as the user reads it, with the folder left out."""
    _write(tmp_path, files)
    with pytest.raises(InputError) as caught:
        load_rule_set(tmp_path / top)
    return [str(p).replace(f"{tmp_path}/", "") for p in caught.value.problems]


def loaded(tmp_path: Path, files: dict[str, str], top: str = "a.yaml") -> LoadedRuleSet:
    _write(tmp_path, files)
    return load_rule_set(tmp_path / top)


# --------------------------------------------------------------------------- refusals

REFUSALS: list[tuple[str, dict[str, str], str, list[str]]] = [
    (
        "overridden and disabled",
        {
            "a.yaml": HEAD
            + "override:\n  evidence.long-context:\n    points: {slm: {cost: 1}}\n"
            + "disable:\n  evidence.long-context: not needed\n"
        },
        "a.yaml",
        [
            "a.yaml:5:3: override.evidence.long-context: rule 'evidence.long-context' is both "
            "overridden and disabled; keep one"
        ],
    ),
    (
        "a reference key the base has",
        {"a.yaml": HEAD + "references:\n  article: {title: Mine}\n"},
        "a.yaml",
        [
            "a.yaml:5:3: references.article: reference 'article' is already in the base rule "
            "set 'default'; give yours another key"
        ],
    ),
    (
        "a new criterion without a meaning",
        {"a.yaml": HEAD + "criteria:\n  costs: {weight: 2}\n"},
        "a.yaml",
        [
            "a.yaml:5:3: criteria.costs: criterion 'costs' is not in the base rule set "
            "'default'; a new criterion needs a 'meaning'; did you mean 'cost'?"
        ],
    ),
    (
        "defaults for questions nobody asks: each one reported",
        {
            "a.yaml": HEAD
            + "defaults:\n  hostin: {default: cloud, assumption: a}\n"
            + "  latency_p95: {default: 5, assumption: a}\n"
        },
        "a.yaml",
        [
            "a.yaml:5:3: defaults.hostin: defaults: no question of the base rule set "
            "'default' asks for 'hostin'; did you mean 'hosting'?",
            "a.yaml:6:3: defaults.latency_p95: defaults: no question of the base rule set "
            "'default' asks for 'latency_p95'; did you mean 'latency_p95_ms'?",
        ],
    ),
    (
        "defaults a field cannot take: each one reported, with the field's own rule",
        {
            "a.yaml": HEAD
            + "defaults:\n  weeks_to_launch: {default: soon, assumption: a}\n"
            + "  labelled_examples: {default: -1, assumption: a}\n"
        },
        "a.yaml",
        [
            "a.yaml:5:30: defaults.weeks_to_launch.default: default 'soon' is not valid for "
            "'weeks_to_launch': Input should be a valid number",
            "a.yaml:6:32: defaults.labelled_examples.default: default -1 is not valid for "
            "'labelled_examples': Input should be greater than or equal to 0",
        ],
    ),
    (
        "a question the base asks: located at its field",
        {
            "a.yaml": HEAD
            + "questions:\n  - {field: hosting, type: enum, choices: [any], prompt: p, "
            + "help: h, assumption: a}\n"
        },
        "a.yaml",
        [
            "a.yaml:5:13: questions[0].field: 'hosting' is already asked by the base rule set "
            "'default'; change its default under 'defaults'"
        ],
    ),
    (
        "overrides that break their rules: each one reported, without pydantic's prefix",
        {
            "a.yaml": HEAD
            + "override:\n  evidence.long-context:\n    points: {}\n"
            + "  evidence.tight-latency:\n    points: {}\n"
        },
        "a.yaml",
        [
            "a.yaml:6:5: override.evidence.long-context.points: rule 'evidence.long-context' "
            "has neither points nor exclude; it can do nothing",
            "a.yaml:8:5: override.evidence.tight-latency.points: rule 'evidence.tight-latency' "
            "has neither points nor exclude; it can do nothing",
        ],
    ),
    (
        "every rule disabled",
        {"a.yaml": HEAD + "disable:\n" + "".join(f"  {rid}: no\n" for rid in DEFAULT_IDS)},
        "a.yaml",
        ["a.yaml:4:1: disable: the layer disables every rule"],
    ),
    (
        "problems sorted by line, whatever the order they are found in",
        {
            "a.yaml": HEAD
            + "override:\n  zz.unknown:\n    points: {slm: {cost: 1}}\n"
            + "disable:\n  zz.gone: x\n"
        },
        "a.yaml",
        [
            "a.yaml:5:3: override.zz.unknown: override: no rule 'zz.unknown' in the base "
            "rule set 'default'",
            "a.yaml:8:3: disable.zz.gone: disable: no rule 'zz.gone' in the base "
            "rule set 'default'",
        ],
    ),
    (
        "problems on one line sorted by column",
        {
            "a.yaml": '{extends: default, name: a, version: "1", '
            "override: {zz.unknown: {points: {slm: {cost: 1}}}}, disable: {zz.gone: x}}\n"
        },
        "a.yaml",
        [
            "a.yaml:1:54: override.zz.unknown: override: no rule 'zz.unknown' in the base "
            "rule set 'default'",
            "a.yaml:1:105: disable.zz.gone: disable: no rule 'zz.gone' in the base "
            "rule set 'default'",
        ],
    ),
    (
        # the field is the override's own key, named once (it read 'when.when')
        "an override whose condition can never hold",
        {
            "a.yaml": HEAD
            + "override:\n  evidence.long-context:\n    when:\n      all:\n"
            + "        - {field: hosting, is: any}\n        - {field: hosting, is: on_prem}\n"
        },
        "a.yaml",
        [
            "a.yaml:7:7: override.evidence.long-context.when: rule 'evidence.long-context' can "
            "never fire: its condition never holds"
        ],
    ),
    (
        "a cycle that does not come back to the top",
        {
            "a.yaml": 'extends: b.yaml\nname: a\nversion: "1"\n',
            "b.yaml": 'extends: c.yaml\nname: b\nversion: "1"\n',
            "c.yaml": 'extends: b.yaml\nname: c\nversion: "1"\n',
        },
        "a.yaml",
        [
            "c.yaml:1:10: extends: extends 'b.yaml', which makes a cycle: "
            "a.yaml -> b.yaml -> c.yaml -> b.yaml"
        ],
    ),
    (
        "a home-relative base",
        {"a.yaml": 'extends: "~/rules.yaml"\nname: a\nversion: "1"\n'},
        "a.yaml",
        [
            "a.yaml:1:10: extends: extends '~/rules.yaml', which is an absolute path; name the "
            "file relative to this file (files come from others, so what they name must be "
            "next to them)"
        ],
    ),
    (
        "a base path that cannot be resolved",
        {"a.yaml": 'extends: "b\\0.yaml"\nname: a\nversion: "1"\n'},
        "a.yaml",
        [
            "a.yaml:1:10: extends: extends 'b\\x00.yaml', which cannot be resolved: embedded null byte"
        ],
    ),
    (
        "a field a base layer added, added again",
        {
            "base.yaml": 'extends: default\nname: base\nversion: "1"\n'
            + "questions:\n  - {field: gpu_fleet, adds_field: true, type: text, prompt: p, "
            + "help: h, assumption: a}\n",
            "a.yaml": 'extends: base.yaml\nname: a\nversion: "1"\n'
            + "questions:\n  - {field: gpu_fleet, adds_field: true, type: text, prompt: p, "
            + "help: h, assumption: a}\n",
        },
        "a.yaml",
        [
            "a.yaml:5:13: questions[0].field: 'gpu_fleet' is already a requirements field; "
            "drop 'adds_field' to ask for it"
        ],
    ),
]


@pytest.mark.parametrize(
    ("files", "top", "expected"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_a_layer_refusal_reads_word_for_word(
    tmp_path: Path, files: dict[str, str], top: str, expected: list[str]
) -> None:
    assert refusals(tmp_path, files, top) == expected


def test_a_base_that_cannot_be_parsed_is_named_at_the_extends_line_then_explained(
    tmp_path: Path,
) -> None:
    got = refusals(
        tmp_path,
        {"a.yaml": 'name: a\nextends: b.yaml\nversion: "1"\n', "b.yaml": "name: [unclosed\n"},
    )
    assert got[0] == "a.yaml:2:10: extends: extends 'b.yaml', which cannot be used (see below)"
    assert len(got) == 2 and got[1].startswith("b.yaml:")


def test_a_base_outside_through_dots_names_the_folder_it_must_stay_in(tmp_path: Path) -> None:
    got = refusals(
        tmp_path,
        {"team/a.yaml": 'extends: ../b.yaml\nname: a\nversion: "1"\n', "b.yaml": HEAD},
        "team/a.yaml",
    )
    assert got == [
        "team/a.yaml:1:10: extends: extends '../b.yaml', which leaves the folder of the file "
        "you named (team) through '..'; put the file in that folder (or below it) and name it "
        "from there"
    ]


def test_a_chain_one_file_too_long_names_every_file_and_the_remedy(tmp_path: Path) -> None:
    files = {"l0.yaml": 'extends: default\nname: l0\nversion: "1"\n'}
    for i in range(1, MAX_LAYERS):
        files[f"l{i}.yaml"] = f'extends: l{i - 1}.yaml\nname: l{i}\nversion: "1"\n'
    top = f"l{MAX_LAYERS - 1}.yaml"
    chain = " -> ".join([*(f"l{i}.yaml" for i in range(MAX_LAYERS - 1, -1, -1)), "default"])
    assert refusals(tmp_path, files, top) == [
        f"l0.yaml:1:10: extends: the chain has more than {MAX_LAYERS} files ({chain}); "
        "merge some layers into one"
    ]


def _from_stdin(text: str) -> LoadedRuleSet:
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(text.encode()))
    try:
        return load_rule_set(Path("-"))
    finally:
        sys.stdin = old


def test_stdin_cannot_extend_a_file_even_one_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, {"base.yaml": HEAD})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        _from_stdin('extends: base.yaml\nname: a\nversion: "1"\n')
    assert [str(p) for p in caught.value.problems] == [
        "<stdin>:1:10: extends: a rule set read from stdin can only extend 'default'; "
        "got 'base.yaml'"
    ]


def test_a_layer_from_stdin_is_listed_as_stdin() -> None:
    got = _from_stdin('extends: default\nname: piped\nversion: "7"\n')
    assert got.placement is not None
    assert [(i.file, i.name, i.version) for i in got.placement.layers] == [
        ("default", DEFAULT.rule_set.name, DEFAULT.rule_set.version),
        ("<stdin>", "piped", "7"),
    ]


# --------------------------------------------------------------------------- where parts were written

TEAM = (
    'extends: default\nname: team\nversion: "2"\n'
    + TEAM_REF
    + "override:\n  evidence.long-context:\n    points: {llm: {quality: 1}}\n"
    + "defaults:\n  hosting: {default: private_cloud, assumption: our policy}\n"
    + "questions:\n  - {field: gpu_fleet, adds_field: true, type: enum, prompt: GPUs?, "
    + "help: ours, choices: [none, l4], default: none, assumption: no GPUs}\n"
    + "rules:\n  - id: team.l4\n    summary: L4s serve small models.\n"
    + "    sources: [{ref: team_doc}]\n    when: {field: gpu_fleet, is: l4}\n"
    + "    points: {slm: {cost: 3}}\n"
)
LONG_CONTEXT = DEFAULT_IDS.index("evidence.long-context")
HOSTING = [q.field for q in DEFAULT.rule_set.questions].index("hosting")
N_RULES = len(DEFAULT_IDS) + 1  # the team's rule comes last
N_QUESTIONS = len(DEFAULT.rule_set.questions) + 1

# (location in the merged rule set, which file wrote it, the location in that file)
PLACES: list[tuple[tuple[Any, ...], str, tuple[Any, ...]]] = [
    ((), "top", ()),
    (("rules", 0, "summary"), "bottom", ("rules", 0, "summary")),
    # an overridden key is where the override wrote it; the rule's other keys stay put
    (
        ("rules", LONG_CONTEXT, "points", "llm"),
        "top",
        ("override", "evidence.long-context", "points", "llm"),
    ),
    (("rules", LONG_CONTEXT, "summary"), "bottom", ("rules", LONG_CONTEXT, "summary")),
    (("rules", N_RULES - 1, "when"), "top", ("rules", 0, "when")),
    (("rules", N_RULES), "top", ()),  # past the last rule: the top file as a whole
    # a question's new default is where the layer set it; the rest is the base's
    (("questions", HOSTING, "default"), "top", ("defaults", "hosting", "default")),
    (("questions", HOSTING, "default", 0), "top", ("defaults", "hosting", "default", 0)),
    (("questions", HOSTING, "prompt"), "bottom", ("questions", HOSTING, "prompt")),
    (("questions", N_QUESTIONS - 1, "choices"), "top", ("questions", 0, "choices")),
    (("questions", N_QUESTIONS), "top", ()),
    (("references", "team_doc", "title"), "top", ("references", "team_doc", "title")),
    (("references", "article"), "bottom", ("references", "article")),
    (("references", "nowhere"), "top", ()),
    (("options", "slm"), "bottom", ("options", "slm")),  # only the bottom file has options
    (("options", 0), "bottom", ("options", 0)),
    (("criteria", "cost"), "top", ()),  # merged from several files: the top file
    (("criteria", "article"), "top", ()),
]


@pytest.mark.parametrize(
    ("loc", "doc", "where"), PLACES, ids=["-".join(map(str, p[0])) or "root" for p in PLACES]
)
def test_placement_finds_the_file_and_place_a_part_was_written(
    tmp_path: Path, loc: tuple[Any, ...], doc: str, where: tuple[Any, ...]
) -> None:
    placement = loaded(tmp_path, {"a.yaml": TEAM}).placement
    assert placement is not None
    found_doc, found_loc = placement.locate(loc)
    expected_doc = placement.top if doc == "top" else placement.bottom
    assert found_doc is expected_doc and found_loc == where


def test_without_layers_every_place_is_in_the_one_file(tmp_path: Path) -> None:
    full = {"full.yaml": default_rule_set_path().read_text()}
    placement = loaded(tmp_path, full, "full.yaml").placement
    assert placement is not None and placement.top is placement.bottom
    assert placement.locate(("criteria", "cost")) == (placement.top, ("criteria", "cost"))


# --------------------------------------------------------------------------- what a merge keeps

CRITERIA = (
    "criteria:\n"
    "  cost: {meaning: Money spent}\n"  # meaning only: the weight stays
    "  quality: {weight: 5}\n"  # weight only: the meaning stays
    "  team_fit: {meaning: How well the team knows it}\n"  # new, no weight: 3
    "  audit: {meaning: Auditability, weight: 1}\n"  # new, with a weight
)


def test_criteria_changes_keep_what_they_do_not_name(tmp_path: Path) -> None:
    rs = loaded(tmp_path, {"a.yaml": HEAD + CRITERIA}).rule_set
    base = DEFAULT.rule_set.criteria
    got = {name: (c.meaning, c.weight) for name, c in rs.criteria.items()}
    assert got["cost"] == ("Money spent", base["cost"].weight)
    assert got["quality"] == (base["quality"].meaning, 5)
    assert got["team_fit"] == ("How well the team knows it", 3)
    assert got["audit"] == ("Auditability", 1)


def test_a_layer_keeps_the_base_description_unless_it_gives_its_own(tmp_path: Path) -> None:
    kept = loaded(tmp_path, {"a.yaml": HEAD}).rule_set
    own = loaded(tmp_path, {"b.yaml": HEAD + "description: Ours.\n"}, "b.yaml").rule_set
    assert kept.description == DEFAULT.rule_set.description
    assert own.description == "Ours."


def test_a_layer_keeps_the_base_confidence_map(tmp_path: Path) -> None:
    rs = loaded(tmp_path, {"a.yaml": HEAD}).rule_set
    assert DEFAULT.rule_set.calibration is not None
    assert rs.calibration == DEFAULT.rule_set.calibration


def test_disabled_rules_remember_their_layer_origin_reason_and_references(tmp_path: Path) -> None:
    files = {
        "org.yaml": 'extends: default\nname: org\nversion: "1"\n'
        + TEAM_REF
        + "rules:\n  - id: org.x\n    summary: s\n    sources: [{ref: team_doc}]\n"
        + "    points: {slm: {cost: 1}}\n",
        "a.yaml": 'extends: org.yaml\nname: a\nversion: "1"\n'
        + "disable:\n  evidence.long-context: not ours\n  org.x: replaced\n"
        + "  evidence.tight-deadline-api-fastest: no deadlines\n",
    }
    placement = loaded(tmp_path, files).placement
    assert placement is not None
    layer, org = str(tmp_path / "a.yaml"), str(tmp_path / "org.yaml")
    assert [(d.rule.id, d.layer, d.origin, d.reason) for d in placement.disabled] == [
        ("evidence.tight-deadline-api-fastest", layer, "default", "no deadlines"),
        ("evidence.long-context", layer, "default", "not ours"),
        ("org.x", layer, org, "replaced"),
    ]
    # every disabled rule's references, gathered over all of them
    assert placement.cited_by_disabled == {"model_windows", "team_doc", "honeycomb"}


def test_an_override_may_read_a_field_its_own_layer_adds(tmp_path: Path) -> None:
    text = (
        HEAD
        + "questions:\n  - {field: gpu_fleet, adds_field: true, type: enum, prompt: p, help: h, "
        + "choices: [none, l4], default: none, assumption: a}\n"
        + "override:\n  evidence.long-context:\n    when: {field: gpu_fleet, is: l4}\n"
    )
    rule = next(
        r
        for r in loaded(tmp_path, {"a.yaml": text}).rule_set.rules
        if r.id == "evidence.long-context"
    )
    assert rule.when is not None and rule.when.model_dump(exclude_none=True) == {
        "field": "gpu_fleet",
        "is_": "l4",
    }


# --------------------------------------------------------------------------- fields read before validation

RAW_QUESTIONS: list[tuple[str, Any, tuple[AddedField, ...]]] = [
    ("not a mapping", {"questions": "x"}, ()),
    ("no questions", {"name": "a"}, ()),
    ("a document that is a list", ["questions"], ()),
    (
        # each malformed question is skipped, and the ones after it still count
        "malformed ones skipped, later ones kept",
        {
            "questions": [
                "not a mapping",
                {"field": "f0", "type": "text"},  # adds_field missing
                {"field": "f1", "type": "text", "adds_field": "yes"},  # not the boolean true
                {"field": 5, "type": "text", "adds_field": True},  # name not text
                {"field": "f2", "type": "priorities", "adds_field": True},  # no such type
                {"field": "f3", "type": "text", "adds_field": True, "choices": "abc"},
                {"field": "f4", "type": "enum", "adds_field": True, "choices": ["a", 1]},
                {"field": "f5", "type": "enum", "adds_field": True},  # an enum needs choices
                {"field": "t", "type": "text", "adds_field": True},
                {"field": "n", "type": "number", "adds_field": True},
                {"field": "i", "type": "integer", "adds_field": True},
                {"field": "t", "type": "integer", "adds_field": True},  # a second 't'
                {"field": "e", "type": "enum", "adds_field": True, "choices": ["a", "b", "a"]},
            ]
        },
        (
            AddedField("t", "text", ()),
            AddedField("n", "number", ()),
            AddedField("i", "integer", ()),
            AddedField("e", "enum", ("a", "b")),
        ),
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [r[1:] for r in RAW_QUESTIONS], ids=[r[0] for r in RAW_QUESTIONS]
)
def test_the_fields_a_document_adds_are_read_before_it_is_validated(
    data: Any, expected: tuple[AddedField, ...]
) -> None:
    assert layers._raw_added_fields(data) == expected


# --------------------------------------------------------------------------- the shipped file


def test_the_default_rule_set_is_the_packaged_file_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, {"rules/default.yaml": "x"})
    monkeypatch.setattr(resources, "files", lambda package: tmp_path)
    assert default_rule_set_path() == tmp_path / "rules" / "default.yaml"


def test_the_default_rule_set_is_the_checkout_s_file_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resources, "files", lambda package: tmp_path)
    assert default_rule_set_path() == ROOT / "rules" / "default.yaml"


def test_the_shipped_rule_set_is_read_from_its_parsed_cache(
    tmp_path: Path, parsed_files: list[str]
) -> None:
    _write(tmp_path, {"a.yaml": HEAD})
    resolve_chain(default_rule_set_path())
    resolve_chain(tmp_path / "a.yaml")
    assert parsed_files == [str(tmp_path / "a.yaml")]  # the default: never parsed


def test_without_the_cache_the_shipped_rule_set_is_parsed(
    tmp_path: Path, parsed_files: list[str]
) -> None:
    _write(tmp_path, {"a.yaml": HEAD})
    resolve_chain(tmp_path / "a.yaml", use_cache=False)
    assert parsed_files == [str(tmp_path / "a.yaml"), str(default_rule_set_path())]
