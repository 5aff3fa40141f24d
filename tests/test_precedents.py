"""Precedents: the documented decisions most like a use case, worked out by hand on small
corpora, and the shipped corpus as the advisor and `eval` use it (issue 16)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from slmvllm.advisor import advise
from slmvllm.precedents import find_precedents, nearest, vote
from slmvllm.precedents.corpus import Case, Corpus, corpus_from_json, load_corpus
from slmvllm.precedents.similarity import (
    agreement,
    field_match,
    ranked,
    text_index,
    words,
)
from slmvllm.requirements import Requirements

from .conftest import ROOT


def case(id: str, choice: str, use_case: str = "", **answers: Any) -> Case:
    return Case(
        id=id,
        use_case=use_case,
        choice=choice,  # type: ignore[arg-type]
        model="",
        drivers=(),
        tags=(),
        sources=(f"https://example.org/{id}",),
        answers=answers,
    )


# --------------------------------------------------------------------------- one field


@pytest.mark.parametrize(
    ("name", "mine", "theirs", "expected"),
    [
        ("task_type", "chat", "chat", 1.0),
        ("task_type", "chat", "code", 0.0),
        ("task_type", "chat", None, 0.0),  # the case does not say: no credit
        ("domain_focus", "narrow", "moderate", 0.5),  # one step on a three-value scale
        ("domain_focus", "narrow", "broad", 0.0),
        ("data_sensitivity", "public", "internal", 1 - 1 / 3),  # four values
        ("quality_bar", "critical", "critical", 1.0),
        ("hosting", "any", "on_prem", 0.0),  # not an ordered scale
        ("monthly_requests", 999, 999, 1.0),
        ("monthly_requests", 99, 999, 1 - 1 / 3),  # (99 + 1) vs (999 + 1): one decade
        ("monthly_requests", 0, 999_999, 0.0),  # three decades or more apart
        ("monthly_requests", 9_999_999, 9, 0.0),
    ],
)
def test_a_field_matches(name: str, mine: Any, theirs: Any, expected: float) -> None:
    assert field_match(name, mine, theirs) == pytest.approx(expected)


def test_agreement_is_the_mean_over_the_fields_given_and_names_the_same_answers() -> None:
    given = {"use_case": "x", "task_type": "chat", "domain_focus": "narrow", "hosting": "any"}
    answers = {"task_type": "chat", "domain_focus": "moderate"}  # hosting not said
    share, same = agreement(given, answers)
    assert share == pytest.approx((1.0 + 0.5 + 0.0) / 3)  # use_case is not compared
    assert same == ["task_type"]
    assert agreement({"use_case": "only words"}, answers) == (0.0, [])


# --------------------------------------------------------------------------- words


def test_words_drop_stop_words_and_a_plural_s() -> None:
    assert words("Classify the support Emails, and the tickets of 2 queues") == [
        "classify",
        "support",
        "email",
        "ticket",
        "queue",
    ]
    assert words("glass business") == ["glass", "business"]  # 'ss' is not a plural


def test_bm25_by_hand() -> None:
    index = text_index(["invoice extraction", "chat assistant", "invoice chat"])
    scores = index.scores("invoice")
    # df(invoice) = 2 of N = 3: idf = ln((3 - 2 + 0.5) / (2 + 0.5) + 1) = ln(1.6)
    idf = math.log(1.6)
    # Every document has two words (the mean length): tf 1 gives idf x 2.2 / 2.2 = idf.
    assert scores == pytest.approx([idf, 0.0, idf])
    assert index.scores("nothing in common") == [0.0, 0.0, 0.0]


# --------------------------------------------------------------------------- ranking


CORPUS = [
    case(
        "a-slm", "slm", "route support tickets", task_type="classification", domain_focus="narrow"
    ),
    case("b-llm", "llm", "draft legal memos", task_type="generation", domain_focus="narrow"),
    case("c-hybrid", "hybrid", "support chat with escalation", task_type="chat"),
]


def test_ranking_mixes_answers_and_words_and_breaks_ties_by_id() -> None:
    index = text_index([c.use_case for c in CORPUS])
    given = {"use_case": "support tickets", "task_type": "classification", "domain_focus": "narrow"}
    top = ranked(given, CORPUS, index)
    assert [n.case.id for n in top] == ["a-slm", "b-llm", "c-hybrid"]
    first = top[0]
    assert first.agreement == 1.0 and first.text == 1.0 and first.similarity == pytest.approx(1.0)
    assert first.shared == ("task_type", "domain_focus")
    # b-llm shares domain_focus only and no word: 0.9 x 0.5 + 0.1 x 0.
    assert top[1].similarity == pytest.approx(0.45)
    # Equal answers and no words: ties go by id.
    tied = ranked({"task_type": "summarization"}, CORPUS, index)
    assert [n.case.id for n in tied] == ["a-slm", "b-llm", "c-hybrid"]
    assert all(n.similarity == 0.0 for n in tied)


def test_words_alone_rank_by_the_text_and_a_case_can_be_left_out() -> None:
    index = text_index([c.use_case for c in CORPUS])
    top = ranked({"use_case": "support"}, CORPUS, index, exclude={"a-slm"})
    assert [n.case.id for n in top][:1] == ["c-hybrid"]
    assert top[0].similarity == pytest.approx(1.0)  # nothing but words: the text alone
    assert "a-slm" not in {n.case.id for n in top}


# --------------------------------------------------------------------------- the vote


def test_the_vote_weighs_each_case_by_its_similarity() -> None:
    index = text_index([c.use_case for c in CORPUS])
    given = {"task_type": "classification", "domain_focus": "narrow"}
    result = vote(ranked(given, CORPUS, index), k=3)
    assert result is not None
    # a-slm 1.0, b-llm 0.5, c-hybrid 0: shares 2/3 and 1/3.
    assert result.choice == "slm"
    assert result.shares == {"slm": 0.6667, "llm": 0.3333, "hybrid": 0.0}
    assert result.cases == 2  # c-hybrid shares nothing: it does not vote
    assert vote(ranked({"task_type": "summarization"}, CORPUS, index)) is None  # nothing alike


def test_an_ambiguous_case_votes_at_half_weight() -> None:
    cases = [
        case("x", "slm", task_type="chat"),
        Case("y", "", "llm", "", (), (), (), {"task_type": "chat"}, ambiguous=True),
    ]
    result = vote(ranked({"task_type": "chat"}, cases, text_index(["", ""])), k=2)
    assert result is not None and result.shares == {"slm": 0.6667, "llm": 0.3333, "hybrid": 0.0}


# --------------------------------------------------------------------------- shipped corpus


def test_the_shipped_corpus_is_built_from_the_labels_as_they_are() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_precedents", ROOT / "benchmarks" / "build_precedents.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = (ROOT / "slmvllm" / "data" / "precedents.json").read_text(encoding="utf-8")
    assert shipped == module.build(), "run `python benchmarks/build_precedents.py`"


def test_the_shipped_corpus_carries_what_a_precedent_shows() -> None:
    corpus = load_corpus()
    assert len(corpus.cases) >= 270
    by_id = corpus.by_id()
    jb = by_id["jetbrains-full-line-code-completion"]  # a calibration case
    assert jb.choice == "slm" and jb.source.startswith("https://")
    assert all(c.choice in {"slm", "llm", "hybrid"} for c in corpus.cases)
    assert all(c.model for c in corpus.cases)


def test_every_decision_of_the_corpus_names_one_to_three_drivers() -> None:
    from slmvllm.loading.labels import load_labels

    labels = [c.label for c in load_labels(ROOT / "benchmarks" / "decisions" / "index.yaml")]
    # One decision's sources give no reason for the model it serves (its note says so).
    silent = {"cloudflare-ai-gateway-guardrails-llama-guard"}
    for label in labels:
        assert 1 <= len(label.drivers) <= 3 or label.id in silent, label.id
    assert all(len(label.drivers) <= 3 for label in labels)


@pytest.mark.parametrize(
    "text",
    ['{"format": 99, "cases": []}', "[]", '{"cases": []}'],
)
def test_a_precedents_file_of_another_format_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a precedents file"):
        corpus_from_json(text)


def test_every_result_names_three_precedents_and_the_vote() -> None:
    req = Requirements(use_case="Route support tickets to queues", task_type="classification")
    result = advise(req)
    assert len(result.precedents) == 3
    sims = [p.similarity for p in result.precedents]
    assert sims == sorted(sims, reverse=True)
    assert result.precedent_vote is not None and result.precedent_vote.cases == 9
    assert result.confidence_basis["precedents"] in {"agree", "disagree"}
    first = result.precedents[0].id
    again = advise(req, exclude_precedents={first})
    assert first not in {p.id for p in again.precedents}


def test_nearest_on_a_given_corpus() -> None:
    corpus = Corpus(tuple(CORPUS), "test")
    assert [n.case.id for n in nearest({"task_type": "chat"}, corpus=corpus)][0] == "c-hybrid"
    shown, found = find_precedents({"task_type": "chat"}, corpus=corpus)
    assert [p.id for p in shown] == ["c-hybrid"]  # the others share nothing: not shown
    assert found is not None and found.choice == "hybrid"


def test_disagreeing_precedents_lower_the_confidence() -> None:
    # The same requirements, once with their precedents agreeing and once (by leaving
    # out every case that chose the advice) with them disagreeing.
    import yaml

    triage = yaml.safe_load((ROOT / "examples" / "support-triage.yaml").read_text(encoding="utf-8"))
    req = Requirements.model_validate(triage)
    agreeing = advise(req)
    assert agreeing.confidence_basis["precedents"] == "agree"
    same = {c.id for c in load_corpus().cases if c.choice == agreeing.recommendation}
    disagreeing = advise(req, exclude_precedents=same)
    assert disagreeing.recommendation == agreeing.recommendation
    assert disagreeing.confidence_basis["precedents"] == "disagree"
    assert disagreeing.confidence < agreeing.confidence


# --------------------------------------------------------------------------- the command


def test_cases_lists_every_decision(invoke: Any) -> None:
    run = invoke("cases", "-f", "json")
    assert run.code == 0, run.err
    docs = json.loads(run.out)
    assert len(docs) == len(load_corpus().cases)
    assert {"id", "use_case", "choice", "model", "drivers", "sources", "answers"} <= set(docs[0])
    assert "similarity" not in docs[0]


def test_cases_searches_words_and_filters_by_choice(invoke: Any) -> None:
    run = invoke("cases", "invoice", "extraction", "--choice", "slm", "-f", "json", "-n", "3")
    assert run.code == 0, run.err
    docs = json.loads(run.out)
    assert 1 <= len(docs) <= 3 and all(d["choice"] == "slm" for d in docs)
    assert docs[0]["similarity"] == 1.0
    assert "invoice" in docs[0]["use_case"].lower()
    text = invoke("cases", "invoice", "-n", "2")
    assert text.code == 0 and text.out.startswith(("SLM", "LLM", "HYBRID"))
    assert "documented decisions (most alike first)" in text.err


def test_cases_ranks_by_a_requirements_file(invoke: Any) -> None:
    triage = ROOT / "examples" / "support-triage.yaml"
    run = invoke("cases", "-r", str(triage), "-f", "json", "-n", "3")
    assert run.code == 0, run.err
    advised = invoke("advise", "-r", str(triage), "-f", "json", "--full-json")
    assert advised.code == 0, advised.err
    shown = [p["id"] for p in json.loads(advised.out)["precedents"]]
    assert [d["id"] for d in json.loads(run.out)] == shown


def test_cases_reads_a_layer_s_fields_with_its_rule_set(invoke: Any) -> None:
    use_case = ROOT / "examples" / "rules" / "use-cases" / "eu-invoice-extraction.yaml"
    without = invoke("cases", "-r", str(use_case))
    assert without.code == 2 and "data_residency" in without.err
    layer = ROOT / "examples" / "rules" / "acme-platform.yaml"
    run = invoke("cases", "-r", str(use_case), "--rules", str(layer), "-f", "json", "-n", "2")
    assert run.code == 0, run.err
    assert len(json.loads(run.out)) == 2


def test_a_search_with_nothing_to_compare_says_so(invoke: Any) -> None:
    run = invoke("cases", "the", "and", "of")
    assert run.code == 0 and run.out == ""
    assert "no documented decision shares an answer or a word with this" in run.err


def test_nothing_in_common_gives_no_precedents_and_no_vote() -> None:
    shown, found = find_precedents({"use_case": "the and of"})
    assert shown == [] and found is None
    result = advise(Requirements(use_case="the and of"))
    assert result.precedents == [] and result.precedent_vote is None
    assert result.confidence_basis["precedents"] == "none"


def test_only_alike_decisions_vote() -> None:
    corpus = Corpus(tuple(CORPUS), "test")
    _, found = find_precedents({"task_type": "chat"}, corpus=corpus)
    assert found is not None and found.cases == 1  # the others share nothing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-r", "no-such-file.yaml"], "no such requirements file"),
        (["--choice", "tiny"], "tiny"),
        (["-n", "0"], "greater than or equal to 1"),
    ],
)
def test_cases_refuses_bad_input(invoke: Any, args: list[str], message: str) -> None:
    run = invoke("cases", *args)
    assert run.code == 2 and message in run.err and run.out == ""
