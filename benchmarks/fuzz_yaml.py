"""Fuzz the YAML front door with hypothesis, for longer than the test suite does.

    python benchmarks/fuzz_yaml.py [--examples N] [--seconds S] [--seed K]

Each example is bytes, read as standard input would be and sent the whole way a
requirements file or a rule set goes: `read_source` -> `parse_yaml` -> `validate`
-> the rule-set checks or `advise` -> the JSON, text and Markdown views. Inputs
are YAML token soup, generated data dumped in random styles and then mutated,
and byte-level mutations of the shipped files. Only the project's own errors
(`SlmvllmError`) may escape, every view must render, and no example may take
long. Runs batches of N examples with fresh seeds until S seconds have passed
(one batch when --seconds is 0), prints what it ran, and exits 1 on the first
failure, with the (shrunk) input and its traceback.

Not part of the test suite: `tests/test_properties.py` runs a short,
derandomized version of the same idea on every `pytest`.
"""

from __future__ import annotations

import argparse
import collections
import io
import random
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from rich.console import Console  # noqa: E402, TID251 (the views are part of the door)

from slmvllm.advice.engine import advice_for  # noqa: E402
from slmvllm.advice.rule_set_model import RuleSet  # noqa: E402
from slmvllm.advice.rule_sets import check_rule_set, load_rule_set  # noqa: E402
from slmvllm.errors import InputError, SlmvllmError  # noqa: E402
from slmvllm.loading.documents import Document  # noqa: E402
from slmvllm.loading.reading import read_source  # noqa: E402
from slmvllm.loading.validation import validate  # noqa: E402
from slmvllm.loading.yaml_parsing import parse_yaml  # noqa: E402
from slmvllm.render.json_doc import render_json  # noqa: E402
from slmvllm.render.markdown import render_markdown  # noqa: E402
from slmvllm.render.text import render_text  # noqa: E402
from slmvllm.requirements import REQUIREMENT_FIELDS, Requirements  # noqa: E402

SLOW_SECONDS = 5.0
DEFAULT = load_rule_set().rule_set
SEEDS = [p.read_bytes() for p in sorted((ROOT / "examples").glob("*.yaml"))]
RULES_SEED = (ROOT / "rules" / "default.yaml").read_bytes()

PIECES = [
    *REQUIREMENT_FIELDS, "rules", "when", "field", "is", "in", "all", "any", "not", "points",
    ":", ": ", "- ", "? ", "[", "]", "{", "}", ",", "\n", "\n  ", "\n    ", "\t", " ", "#",
    "&a ", "*a", "&b ", "*b", "!!str ", "!!python/object/apply:os.system ", "!x ", "! ",
    "!!binary ", "!!set ", "<<: ", "'", '"', "\\", "|", ">-", "---\n", "...\n", "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n", "~", "null", "yes", "no", "on", "0755", "0x1F", "1:30", "3.10",
    ".nan", "-.inf", "1e400", "9" * 40, "-1", "1_000", "2024-02-30", "chat", "any", "\ufeff",
    "\x85", "\u2028", "\u202e", "é", "日本", "\x1b[31m", "\x00", "\x07", "\udcff",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**40), 10**40),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(PIECES),
)
data = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.sampled_from(PIECES) | st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape" if "\udcff" in text else "strict")


@st.composite
def soup(draw: st.DrawFn) -> bytes:
    return _encode("".join(draw(st.lists(st.sampled_from(PIECES), max_size=120))))


@st.composite
def dumped(draw: st.DrawFn) -> bytes:
    value = draw(data)
    top = draw(st.sampled_from(["as is", "mapping", "requirements"]))
    if top == "mapping":
        value = {"use_case": "fuzz", "x": value}
    elif top == "requirements":
        value = {draw(st.sampled_from(REQUIREMENT_FIELDS)): value}
    try:
        text = yaml.dump(
            value,
            default_flow_style=draw(st.sampled_from([None, True, False])),
            indent=draw(st.integers(2, 6)),
            width=draw(st.integers(20, 200)),
            allow_unicode=draw(st.booleans()),
            explicit_start=draw(st.booleans()),
        )
    except (yaml.YAMLError, ValueError):
        text = str(value)
    return _mutate(draw, _encode(text) if "\udcff" not in text else text.encode("utf-8", "replace"))


@st.composite
def mutated_seed(draw: st.DrawFn) -> bytes:
    base = draw(st.sampled_from([*SEEDS, RULES_SEED]))
    return _mutate(draw, base)


def _mutate(draw: st.DrawFn, raw: bytes) -> bytes:
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "flip", "truncate", "repeat", "none"]))
        at = draw(st.integers(0, len(raw)))
        if kind == "insert":
            raw = raw[:at] + _encode(draw(st.sampled_from(PIECES))) + raw[at:]
        elif kind == "delete":
            raw = raw[:at] + raw[at + draw(st.integers(1, 40)) :]
        elif kind == "flip" and raw:
            at = min(at, len(raw) - 1)
            raw = raw[:at] + bytes([draw(st.integers(0, 255))]) + raw[at + 1 :]
        elif kind == "truncate":
            raw = raw[:at]
        elif kind == "repeat":
            line_start = raw.rfind(b"\n", 0, at) + 1
            line_end = raw.find(b"\n", at)
            line = raw[line_start : line_end if line_end >= 0 else len(raw)]
            raw = raw[:line_start] + line + b"\n" + raw[line_start:]
    return raw


inputs = st.one_of(soup(), dumped(), mutated_seed(), st.binary(max_size=400))


class Stats:
    def __init__(self) -> None:
        self.examples = 0
        self.outcomes: collections.Counter[str] = collections.Counter()
        self.slowest = (0.0, b"")
        self.failure: tuple[bytes, str] | None = None


STATS = Stats()


def front_door(raw: bytes) -> str:
    """Send `raw` the whole way; returns what happened. Raises anything unexpected."""
    try:
        doc = parse_yaml(read_source(Path("-"), stdin=io.BytesIO(raw)))
    except InputError as exc:
        return "refused: " + _kind(exc)
    if isinstance(doc.data, dict) and "rules" in doc.data:
        return _rule_set(doc)
    try:
        req = validate(Requirements, doc)
    except InputError as exc:
        return "refused: " + _kind(exc)
    try:
        result = advice_for(DEFAULT, req)
    except SlmvllmError as exc:
        return "no option: " + _kind(exc)
    _views(result, DEFAULT)
    return "advised"


def _rule_set(doc: Document) -> str:
    try:
        rs = validate(RuleSet, doc)
    except InputError as exc:
        return "rule set refused: " + _kind(exc)
    findings = check_rule_set(rs)
    if any(f.severity == "error" for f in findings):
        return "rule set refused by checks"
    try:
        result = advice_for(rs, Requirements(task_type="chat", monthly_requests=1000))
    except SlmvllmError as exc:
        return "rule set, no option: " + _kind(exc)
    _views(result, rs)
    return "rule set advised"


def _views(result: Any, rs: RuleSet) -> None:
    import json

    json.loads(render_json([(None, result)], as_list=False))
    render_markdown(result, rs)
    render_text(Console(file=io.StringIO(), width=40, color_system=None), result, rs)


def _kind(exc: SlmvllmError) -> str:
    # "<stdin>:3:4: a.b: message 'x'" -> "message": group outcomes by the kind of error
    message = str(exc).splitlines()[0].split(": ")[-1]
    return message.split("'")[0].split("(")[0].strip()[:50]


def run_batch(examples: int, batch_seed: int) -> bool:
    @seed(batch_seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(inputs)
    def target(raw: bytes) -> None:
        STATS.examples += 1
        started = time.perf_counter()
        try:
            outcome = front_door(raw)
        except BaseException:
            STATS.failure = (raw, traceback.format_exc())
            raise
        took = time.perf_counter() - started
        if took > STATS.slowest[0]:
            STATS.slowest = (took, raw)
        if took > SLOW_SECONDS:
            STATS.failure = (raw, f"took {took:.1f}s (limit {SLOW_SECONDS}s)")
            raise AssertionError(STATS.failure[1])
        STATS.outcomes[outcome] += 1

    try:
        target()
    except Exception:  # hypothesis re-raises the shrunk failure; STATS holds its input
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per batch")
    parser.add_argument("--seconds", type=float, default=0, help="keep going this long")
    parser.add_argument("--seed", type=int, default=None, help="first batch's seed")
    args = parser.parse_args()
    first = args.seed if args.seed is not None else random.randrange(2**32)
    started = time.monotonic()
    batch = 0
    ok = True
    while ok:
        ok = run_batch(args.examples, first + batch)
        batch += 1
        if time.monotonic() - started >= args.seconds:
            break
    elapsed = time.monotonic() - started
    print(
        f"fuzz_yaml: {STATS.examples} examples in {batch} batch(es) of {args.examples}, "
        f"seeds {first}..{first + batch - 1}, {elapsed:.1f}s"
    )
    for outcome, count in STATS.outcomes.most_common(15):
        print(f"  {count:6}  {outcome}")
    took, raw = STATS.slowest
    print(f"slowest example: {took * 1000:.0f} ms ({len(raw)} bytes)")
    if STATS.failure is not None:
        raw, why = STATS.failure
        print(f"\nFAILURE on input ({len(raw)} bytes):\n{raw[:2000]!r}\n\n{why}")
        return 1
    print("no failure found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
