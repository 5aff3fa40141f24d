"""What each requirements field and each of its values means, for schemas and agents.

The field meanings are the contract's (CONTRACT.md's requirements table, and the
README's optional additions); a rule set's question `help` is preferred where it has
one (`field_description`). The value meanings restate the questions' help one value
at a time, so an editor can show them on hover (`enumDescriptions`).
"""

from __future__ import annotations

from collections.abc import Mapping

from slmvllm.advice.rule_set_model import RuleSet

#: The contract's one-line meaning of every built-in requirements field.
FIELD_MEANINGS: Mapping[str, str] = {
    "use_case": "One line describing the use case.",
    "task_type": "The main job the model does.",
    "domain_focus": "How specialised the subject matter is.",
    "task_breadth": "How many distinct tasks one model must serve.",
    "monthly_requests": "Expected requests per month.",
    "input_tokens": "Average prompt tokens per request.",
    "output_tokens": "Average completion tokens per request.",
    "latency_p95_ms": "Response-time target at the 95th percentile, in milliseconds.",
    "data_sensitivity": "How sensitive the data sent to the model is.",
    "hosting": "Where the model may run; only `any` allows third-party APIs.",
    "labelled_examples": "Labelled examples available for fine-tuning or evaluation.",
    "ml_expertise": "The team's ability to fine-tune, evaluate and serve models.",
    "weeks_to_launch": "Time until it must be in production, in weeks.",
    "quality_bar": "The cost of a wrong answer.",
    "budget_usd_per_month": "Money available to run it, in USD a month.",
    "gpu_memory_gb": "Memory of the largest GPU available for self-hosting (0 = none), in GB.",
    "context_tokens": "Longest context one request needs, in tokens.",
    "difficulty_mix": "Whether the requests are alike in difficulty or mixed.",
    "output_form": "The shape of what the model returns.",
    "world_knowledge": "How much the answers draw on general knowledge of the world.",
    "enterprise_agreement": "Whether a contract with an API provider already covers this data.",
    "hardest_requests": "How hard the hardest requests are.",
    "work_stages": "Whether the work is one kind of step or a cheap step and a hard one.",
    "starting_point": "What the team already runs.",
    "priorities": "Optional override of how much each criterion matters, 0..5 per criterion.",
}

#: The meaning of every value of every built-in enum field.
VALUE_MEANINGS: Mapping[str, Mapping[str, str]] = {
    "task_type": {
        "classification": "assign one of a fixed set of labels",
        "extraction": "pull fields or entities out of the input",
        "summarization": "shorten the input, keeping what matters",
        "chat": "hold a conversation with users",
        "rag_qa": "answer questions from retrieved documents",
        "code": "write or edit code",
        "translation": "translate between languages",
        "reasoning": "multi-step reasoning, planning or maths; favours large models",
        "agentic": "plan and call tools over several steps; favours large models",
        "generation": "write new prose or content",
    },
    "domain_focus": {
        "narrow": "one specialised domain (legal clauses, product taxonomy)",
        "moderate": "a few related domains; the middle of the scale",
        "broad": "anything a user may bring",
    },
    "task_breadth": {
        "single": "one task",
        "few": "a handful of different tasks",
        "open_ended": "whatever users ask",
    },
    "data_sensitivity": {
        "public": "public data",
        "internal": "internal company data",
        "confidential": "customer data, code or other confidential data",
        "regulated": "regulated data (finance, health, minors)",
    },
    "hosting": {
        "any": "anywhere, third-party APIs included",
        "private_cloud": "self-hosted in the team's own cloud account",
        "on_prem": "self-hosted on the team's own hardware",
        "on_device": "on the user's device only",
    },
    "ml_expertise": {
        "none": "product engineers with API keys",
        "some": "has run models before",
        "strong": "an ML team that fine-tunes, evaluates and serves models",
    },
    "quality_bar": {
        "best_effort": "a wrong answer is cheap: the user can fix it",
        "high": "a wrong answer costs something",
        "critical": "a wrong answer must not happen",
    },
    "difficulty_mix": {
        "uniform": "the requests are much alike",
        "mixed": "most are easy but some are hard (what a router exploits)",
    },
    "output_form": {
        "label": "one of a fixed set (a class, a score, yes/no)",
        "structured": "fields, JSON, SQL or code edits",
        "free_text": "prose",
    },
    "world_knowledge": {
        "low": "the input and the domain hold what is needed",
        "high": "answers draw on general knowledge of the world",
    },
    "enterprise_agreement": {
        "in_place": "a contract (e.g. Azure OpenAI, Bedrock, Vertex AI) already covers this data",
        "none": "no such agreement",
    },
    "hardest_requests": {
        "routine": "what a trained person does quickly by pattern",
        "expert": "what a senior expert does: multi-step reasoning or judgement",
    },
    "work_stages": {
        "single": "one kind of step for every request",
        "split": "a high-volume cheap step, and a harder step on part of it",
    },
    "starting_point": {
        "none": "neither a large-model API nor models of the team's own",
        "llm_api": "a frontier-model API is already in use or prototyped on",
        "own_models": "the team already trains and serves its own models in production",
    },
}


def field_description(name: str, rule_set: RuleSet | None = None) -> str:
    """The field's meaning, followed by its question's help when the rule set asks for it."""
    meaning = FIELD_MEANINGS.get(name, "")
    if rule_set is not None:
        for question in rule_set.questions:
            if question.field == name:
                lead = meaning or question.prompt
                return f"{lead} {question.help}".strip()
    return meaning or name.replace("_", " ")


def value_meanings(name: str, values: list[str], rule_set: RuleSet | None = None) -> list[str]:
    """One meaning per value of an enum field (a rule set's added field: its value itself)."""
    known = VALUE_MEANINGS.get(name, {})
    return [known.get(value, value.replace("_", " ")) for value in values]
