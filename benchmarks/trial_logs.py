"""Make graded request logs for `slmvllm trial`: a synthetic one, or one from RouteLLM's data.

    python benchmarks/trial_logs.py synthetic OUT.jsonl [--requests N] [--seed S]
    python benchmarks/trial_logs.py routellm-mmlu ROUTELLM_CHECKOUT OUT.csv
    python benchmarks/trial_logs.py routellm-gsm8k ROUTELLM_CHECKOUT OUT.csv

synthetic: a support-desk shadow test, made up but shaped like real ones. Each request
has a hidden difficulty drawn around its tag's mean; each model answers correctly with
a logistic chance of (its skill - difficulty), both models seeing the same difficulty
(so their failures overlap, as they do in RouteLLM's data: the large model fails most
of what the small one fails); the router's score is the negated difficulty plus noise
(a router that sees the difficulty imperfectly). The `drafting` tag is graded 0..1 by
a judge instead of right/wrong. Same seed, same file.

routellm-mmlu / routellm-gsm8k: the per-question grades RouteLLM published with its
paper (Ong et al. 2024, arXiv 2406.18665) in its repository lm-sys/RouteLLM (Apache-2.0):
routellm/evals/mmlu/responses/mmlu_<domain>.csv and routellm/evals/gsm8k/gsm8k_responses.csv,
with Mixtral-8x7B-Instruct as the weak model and GPT-4-1106-preview as the strong one
(True/False per question). The prompts listed in RouteLLM's contaminated_prompts.jsonl
are left out, as RouteLLM's own evaluation does. The output keeps the two grades and,
for MMLU, the domain as a tag; the question text is not copied. RouteLLM publishes no
router score per question, so these logs have none.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

# tag: (share of traffic, mean difficulty, mean input tokens, mean output tokens)
_TAGS = {
    "order_status": (0.34, -1.6, 420, 60),
    "refund": (0.22, -0.6, 650, 120),
    "billing_dispute": (0.14, 0.4, 900, 180),
    "technical": (0.18, 0.1, 1100, 260),
    "drafting": (0.12, -0.2, 700, 350),
}
_SMALL_SKILL = 1.9
_LARGE_SKILL = 3.4
_ROUTER_NOISE = 0.9


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def write_synthetic(emit: Callable[[str], object], requests: int, seed: int) -> None:
    """Call emit(line) for each of `requests` JSON lines of the synthetic log."""
    rng = random.Random(seed)
    names = list(_TAGS)
    weights = [_TAGS[t][0] for t in names]
    cumulative = [sum(weights[: i + 1]) for i in range(len(weights))]
    for i in range(requests):
        tag = rng.choices(names, cum_weights=cumulative)[0]
        _, mean, in_t, out_t = _TAGS[tag]
        difficulty = rng.gauss(mean, 1.2)
        p_small = _sigmoid(_SMALL_SKILL - difficulty)
        p_large = _sigmoid(_LARGE_SKILL - difficulty)
        u = rng.random()  # one draw for both: their failures overlap
        if tag == "drafting":
            small: object = round(min(1.0, max(0.0, p_small + rng.gauss(0, 0.08))), 2)
            large: object = round(min(1.0, max(0.0, p_large + rng.gauss(0, 0.05))), 2)
        else:
            small = u < p_small
            large = u < p_large or rng.random() < 0.03
        router = round(-difficulty + rng.gauss(0, _ROUTER_NOISE), 3)
        record = {
            "id": f"r{i:07d}",
            "small_score": small,
            "large_score": large,
            "router_score": router,
            "input_tokens": max(1, int(rng.expovariate(1 / in_t))),
            "output_tokens": max(1, int(rng.expovariate(1 / out_t))),
            "tags": [tag],
        }
        emit(json.dumps(record, separators=(",", ":")))


def _contaminated(path: Path) -> set[str]:
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["eval_prompt"] for line in lines if line.strip()}


def _routellm_rows(files: list[tuple[str | None, Path]], skip: set[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    for tag, path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            weak = next(f for f in fields if "mixtral" in f.lower() and "response" not in f)
            strong = next(f for f in fields if "gpt-4" in f.lower() and "response" not in f)
            for row in reader:
                if row["prompt"] in skip:
                    continue
                grade = {"True": "1", "False": "0"}
                rows.append([grade[row[weak]], grade[row[strong]], *([tag] if tag else [])])
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="kind", required=True)
    syn = sub.add_parser("synthetic")
    syn.add_argument("out", type=Path)
    syn.add_argument("--requests", type=int, default=2000)
    syn.add_argument("--seed", type=int, default=21)
    for name in ("routellm-mmlu", "routellm-gsm8k"):
        p = sub.add_parser(name)
        p.add_argument("checkout", type=Path)
        p.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.kind == "synthetic":
        with args.out.open("w", encoding="utf-8") as handle:
            write_synthetic(lambda line: handle.write(line + "\n"), args.requests, args.seed)
        return 0
    evals = args.checkout / "routellm" / "evals"
    if args.kind == "routellm-mmlu":
        folder = evals / "mmlu" / "responses"
        files: list[tuple[str | None, Path]] = [
            (p.stem.removeprefix("mmlu_"), p) for p in sorted(folder.glob("mmlu_*.csv"))
        ]
        skip = _contaminated(evals / "mmlu" / "contaminated_prompts.jsonl")
        header = ["small_score", "large_score", "tags"]
    else:
        files = [(None, evals / "gsm8k" / "gsm8k_responses.csv")]
        skip = _contaminated(evals / "gsm8k" / "contaminated_prompts.jsonl")
        header = ["small_score", "large_score"]
    rows = _routellm_rows(files, skip)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{len(rows)} requests written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
