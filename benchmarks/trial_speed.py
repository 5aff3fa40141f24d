"""How fast and how lean `slmvllm trial` reads a large log: one core, one process.

    python benchmarks/trial_speed.py [--requests 1000000] [--seed 21]

Writes a synthetic log (benchmarks/trial_logs.py) of that many requests to a temporary
folder, then, in a fresh process, reads it with `slmvllm.trial.log_reader.read_log` and
runs the whole decision (`slmvllm.trial.decision.decide`). Prints the CPU seconds of the
read and of the whole trial, and the process's peak resident memory (ru_maxrss). The
targets of issue 21: a million requests read in under 10 s, in under 200 MB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from trial_logs import write_synthetic  # noqa: E402

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from slmvllm.numbers.catalog import load_catalog
from slmvllm.trial.decision import decide
from slmvllm.trial.log_reader import read_log
from slmvllm.trial.pricing import model_pricing, trial_shape
t0 = time.process_time()
log = read_log(Path(sys.argv[1]))
t1 = time.process_time()
catalog = load_catalog()
shape = trial_shape(None, log.mean_tokens())
trial = decide(log, model_pricing(catalog, "qwen2.5-7b", "--small", shape),
               model_pricing(catalog, "gpt-4o", "--large", shape), shape)
t2 = time.process_time()
print(json.dumps({"requests": log.requests, "read_s": t1 - t0, "trial_s": t2 - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "verdict": trial.recommendation}))
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            write_synthetic(lambda line: handle.write(line + "\n"), args.requests, args.seed)
        size = path.stat().st_size / 1e6
        # taskset pins the child to one core where it exists (Linux); elsewhere it runs as is
        pin = ["taskset", "-c", "0"] if Path("/usr/bin/taskset").exists() else []
        out = subprocess.run(
            [*pin, sys.executable, "-c", _CHILD, str(path)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
    figures = json.loads(out)
    print(
        f"{figures['requests']:,} requests ({size:,.0f} MB of JSON Lines): read in "
        f"{figures['read_s']:.1f} s CPU, whole trial in {figures['trial_s']:.1f} s CPU, "
        f"peak memory {figures['peak_mb']:.0f} MB; verdict {figures['verdict']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
