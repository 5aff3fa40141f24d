"""The one core function's feasibility check: the rule set and catalogue it is given, or the shipped ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advisor import check_feasible, default_catalog
from slmvllm.errors import NoFeasibleOptionError
from slmvllm.numbers.figures import FIGURE_INPUTS
from slmvllm.requirements import Requirements

from .conftest import free_api_catalog, rule_set_from_text

# Open-ended work rules out the small model; a large-model bill over one GPU-month rules
# out both options that call the API. Together: nothing is left. Only the catalogue's
# prices decide the second rule (a cost figure, `llm_api_vs_gpu_month`). Loading refuses
# a rule set whose exclusions can meet like this, so the fixture widens the second rule
# after loading, as a rule set built in Python could.
RULES = """\
name: bill-or-breadth
version: "1.0"
description: exclusions that turn on a cost figure (tests/test_advisor.py)
references:
  paper: {title: "A paper", url: "https://example.org/paper"}
options:
  llm: {label: LLM, description: large}
  slm: {label: SLM, description: small}
  hybrid: {label: Hybrid, description: both}
criteria:
  cost: {meaning: money, weight: 1}
questions: []
rules:
  - id: open-ended-needs-breadth
    summary: open-ended work needs a large model
    sources: [{ref: paper}]
    when: {field: task_breadth, is: open_ended}
    exclude: [slm]
    reason: a small model generalises poorly
  - id: api-bill-too-big
    summary: the API bill is over a GPU-month
    sources: [{ref: paper}]
    when: {field: llm_api_vs_gpu_month, is: over}
    exclude: [llm]
    reason: the API bill is larger than one GPU-month
"""

# 5M requests of 2,000 + 500 tokens: a large-model API bill far over one GPU-month.
OPEN_ENDED_AT_VOLUME = Requirements(
    task_type="chat",
    task_breadth="open_ended",
    monthly_requests=5_000_000,
    input_tokens=2000,
    output_tokens=500,
)


@pytest.fixture(scope="module")
def bill_or_breadth(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    loaded = rule_set_from_text(tmp_path_factory.mktemp("rules"), RULES)
    breadth, bill = loaded.rules
    wider = bill.model_copy(update={"exclude": ["llm", "hybrid"]})
    return loaded.model_copy(update={"rules": [breadth, wider]})


def test_the_given_rule_set_decides_and_the_catalogues_prices_make_the_figure(
    bill_or_breadth: RuleSet,
) -> None:
    # Shipped prices: the bill is over a GPU-month, so every option is ruled out.
    with pytest.raises(NoFeasibleOptionError):
        check_feasible(OPEN_ENDED_AT_VOLUME, bill_or_breadth)


def test_the_given_catalogue_is_the_one_priced(bill_or_breadth: RuleSet) -> None:
    # A free API: the bill is under a GPU-month, the large model stays.
    check_feasible(OPEN_ENDED_AT_VOLUME, bill_or_breadth, free_api_catalog(default_catalog()))


def test_the_shipped_rule_set_and_catalogue_by_default(tmp_path: Path) -> None:
    # The shipped rule set leaves an option for this use case (it has no such exclusion).
    check_feasible(OPEN_ENDED_AT_VOLUME)
    check_feasible(OPEN_ENDED_AT_VOLUME, catalog=default_catalog())


# A rule that reads a field directly and a cost figure: both kinds of assumed input
# must be named on its reason. The questions give domain_focus and input_tokens defaults.
BEHIND = """\
name: behind-figures
version: "1.0"
description: a rule that reads an assumed field and a figure (tests/test_advisor.py)
references:
  paper: {title: "A paper", url: "https://example.org/paper"}
options:
  llm: {label: LLM, description: large}
  slm: {label: SLM, description: small}
  hybrid: {label: Hybrid, description: both}
criteria:
  cost: {meaning: money, weight: 1}
questions:
  - field: domain_focus
    prompt: How narrow is the domain?
    help: narrow, moderate or broad
    type: enum
    default: narrow
    assumption: most use cases are narrow
  - field: input_tokens
    prompt: Tokens in?
    help: a whole number
    type: integer
    default: 2000
    assumption: a typical prompt
rules:
  - id: narrow-bill
    summary: a narrow domain at a large bill
    sources: [{ref: paper}]
    when:
      all:
        - {field: domain_focus, is: narrow}
        - {field: llm_api_vs_gpu_month, is: over}
    points: {slm: {cost: 1}}
"""


def test_a_reason_names_assumed_fields_read_directly_and_behind_a_figure(
    tmp_path: Path,
) -> None:
    from slmvllm.advisor import advise

    rs = rule_set_from_text(tmp_path, BEHIND)
    result = advise(Requirements(monthly_requests=5_000_000, output_tokens=500), rs)
    (reason,) = [r for r in result.reasons if r.rule == "narrow-bill"]
    # domain_focus is read directly (no figure reads it); input_tokens (a default) and
    # every other input of the figures not given (FIGURE_INPUTS), through the bill.
    given = {"monthly_requests", "output_tokens"}
    behind = {f for f in FIGURE_INPUTS if f not in given}
    assert "input_tokens" in behind and "domain_focus" not in FIGURE_INPUTS
    assert reason.assumed == sorted({"domain_focus"} | behind)
