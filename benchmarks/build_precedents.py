"""Build the precedents the advisor ships (slmvllm/data/precedents.json) from the corpus.

Every case of the corpus of documented decisions (benchmarks/decisions/index.yaml) and
of the calibration cases (examples/cases/index.yaml) goes in: id, one-line use case,
the choice and the model served, the drivers, tags and sources of its label, and the
requirement answers of its file. Rerun after changing a case or a label; a test fails
when the shipped file is out of date:

    python benchmarks/build_precedents.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slmvllm.loading.labels import load_labels  # noqa: E402
from slmvllm.precedents.corpus import CORPUS_FILE, FORMAT  # noqa: E402

LABELS = (
    ROOT / "benchmarks" / "decisions" / "index.yaml",
    ROOT / "examples" / "cases" / "index.yaml",
)
TARGET = ROOT / "slmvllm" / "data" / CORPUS_FILE


def build() -> str:
    """The precedents file's text for the corpus as it is now."""
    cases = []
    for labelled in load_labels(list(LABELS)):
        label = labelled.label
        given = labelled.requirements.given()
        cases.append(
            {
                "id": label.id,
                "use_case": given.pop("use_case", ""),
                "choice": label.expected,
                "model": label.model or "",
                "ambiguous": label.ambiguous,
                "confidence": label.confidence or "",
                "drivers": list(label.drivers),
                "tags": list(label.tags),
                "sources": list(label.sources),
                "answers": {k: v for k, v in given.items() if k != "priorities"},
            }
        )
    cases.sort(key=lambda c: str(c["id"]))
    doc = {
        "format": FORMAT,
        "built_from": "benchmarks/decisions/index.yaml + examples/cases/index.yaml",
        "cases": cases,
    }
    return json.dumps(doc, ensure_ascii=False, indent=0, sort_keys=False) + "\n"


if __name__ == "__main__":
    TARGET.write_text(build(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
