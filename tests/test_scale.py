"""Guards for the speed and memory gains (issue 9); the figures are in benchmarks/run.py.

- The import boundary: `advise --format json|jsonl` imports neither rich nor the
  prompt module (both cost start-up time and memory and neither is needed to print
  JSON); the text report does import rich, which shows the check can see it.
- A batch streams: the peak memory of `advise -r FOLDER` does not grow with the
  number of files. The files are copies of one example, so the estimates' caches
  (bounded, filled by distinct inputs) stay the same size and what is measured is
  only what each result leaves behind: collecting the results instead of writing
  each as it is made adds about 55 KB a file (some 6.6 MB here, against under 1 MB).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, tree_env

EXAMPLE = ROOT / "examples" / "support-triage.yaml"


def _env() -> dict[str, str]:
    env = tree_env()  # the tree under test
    env.pop("SLMVLLM_PROGRESS_DELAY", None)
    return env


# Runs the real entry point in this process, then reports which modules it imported.
_MODULES_AFTER = """
import json, sys
from slmvllm.launch import main
sys.argv = ["slmvllm", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
loaded = sorted(
    m for m in sys.modules
    if m == "rich" or m.startswith("rich.") or m == "slmvllm.prompting"
)
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def _loaded_modules(*args: str) -> tuple[int, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _MODULES_AFTER, *args],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["loaded"]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("target", ["examples/support-triage.yaml", "examples/cases"])
def test_json_output_imports_neither_rich_nor_the_prompts(fmt: str, target: str) -> None:
    code, loaded = _loaded_modules("advise", "-r", str(ROOT / target), "--format", fmt)
    assert code == 0
    assert loaded == []


def test_the_text_report_imports_rich_so_the_check_can_see_it() -> None:
    code, loaded = _loaded_modules("advise", "-r", str(EXAMPLE))
    assert code == 0
    assert "rich.console" in loaded
    assert "slmvllm.prompting" not in loaded  # -r never needs the questionnaire


@pytest.mark.skipif(not hasattr(os, "wait4"), reason="peak memory is read with os.wait4")
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_peak_memory_of_a_batch_does_not_grow_with_the_number_of_files(
    fmt: str, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    folders = {}
    for count in (40, 160):
        folder = tmp_path / f"cases-{count}"
        folder.mkdir()
        for i in range(count):
            (folder / f"case-{i:03d}.yaml").write_text(text, encoding="utf-8")
        folders[count] = folder
    # Both sizes run side by side; the kernel reports each process's own peak.
    procs = {
        count: subprocess.Popen(
            [sys.executable, "-m", "slmvllm", "advise", "-r", str(folder), "--format", fmt],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(),
            cwd=ROOT,
        )
        for count, folder in folders.items()
    }
    peak_kb = {}
    for count, proc in procs.items():
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        assert proc.returncode == 0
        # ru_maxrss: kilobytes on Linux, bytes on macOS.
        peak_kb[count] = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)
    growth_mb = (peak_kb[160] - peak_kb[40]) / 1024
    assert growth_mb < 3, f"peak memory {peak_kb} KB: {growth_mb:.1f} MB more for 120 more files"
