"""The floor for one file: the same stack doing the least a requirements check can do.

A typer command that reads one YAML file, validates it with a pydantic model of the
requirements fields (the contract's, strict, unknown keys forbidden) and prints it as
JSON. `benchmarks/run.py` times `slmvllm advise -r FILE --format json` against it:
whatever slmvllm spends above this is the cost of its own work.

Run: python benchmarks/floor.py FILE
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
import yaml
from pydantic import BaseModel, ConfigDict, Field


def _safe_yaml(text: str) -> Any:
    """YAML text as plain data, with LibYAML's safe loader (nothing is constructed)."""
    loader = yaml.CSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


app = typer.Typer(add_completion=False)


class Requirements(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    use_case: str | None = None
    task_type: (
        Literal[
            "classification",
            "extraction",
            "summarization",
            "chat",
            "rag_qa",
            "code",
            "translation",
            "reasoning",
            "agentic",
            "generation",
        ]
        | None
    ) = None
    domain_focus: Literal["narrow", "moderate", "broad"] | None = None
    task_breadth: Literal["single", "few", "open_ended"] | None = None
    monthly_requests: Annotated[int, Field(ge=0)] | None = None
    input_tokens: Annotated[int, Field(ge=0)] | None = None
    output_tokens: Annotated[int, Field(ge=0)] | None = None
    latency_p95_ms: Annotated[int, Field(gt=0)] | None = None
    data_sensitivity: Literal["public", "internal", "confidential", "regulated"] | None = None
    hosting: Literal["any", "private_cloud", "on_prem", "on_device"] | None = None
    labelled_examples: Annotated[int, Field(ge=0)] | None = None
    ml_expertise: Literal["none", "some", "strong"] | None = None
    weeks_to_launch: Annotated[float, Field(gt=0)] | None = None
    quality_bar: Literal["best_effort", "high", "critical"] | None = None
    budget_usd_per_month: Annotated[float, Field(ge=0)] | None = None
    gpu_memory_gb: Annotated[float, Field(ge=0)] | None = None
    context_tokens: Annotated[int, Field(gt=0)] | None = None
    # The optional additions the examples use (slmvllm/requirements.py).
    difficulty_mix: Literal["uniform", "mixed"] | None = None
    output_form: Literal["label", "structured", "free_text"] | None = None
    world_knowledge: Literal["low", "high"] | None = None
    enterprise_agreement: Literal["in_place", "none"] | None = None
    hardest_requests: Literal["routine", "expert"] | None = None
    work_stages: Literal["single", "split"] | None = None
    starting_point: Literal["none", "llm_api", "own_models"] | None = None
    priorities: dict[str, Annotated[float, Field(ge=0, le=5)]] | None = None


@app.command()
def main(path: Path) -> None:
    data = _safe_yaml(path.read_text(encoding="utf-8"))
    print(json.dumps(Requirements.model_validate(data).model_dump(mode="json"), indent=2))


if __name__ == "__main__":
    app()
