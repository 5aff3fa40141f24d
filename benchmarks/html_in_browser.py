"""Open slmvllm's HTML report in a real headless browser: it renders, and nothing runs.

    python benchmarks/html_in_browser.py [--png docs/report-html.png] [EXAMPLE.yaml]

Writes the report of EXAMPLE (default: examples/support-triage.yaml) with
`slmvllm advise --report`, loads it in headless Chromium (Debian: `apt-get install
chromium`), and checks that

- the page's DOM after loading holds the recommendation and both SVG charts;
- a use case full of hostile markup (<script>, <img onerror>, javascript: links) comes
  out as text: the DOM has no element the text tried to create, and the title a script
  would have changed is unchanged;
- a screenshot is a real picture (a PNG of the asked size, not one colour).

Exit 0 when every check holds, 1 otherwise, 77 (skipped) when no browser is installed.
The PNG (with --png) is the README's picture of the HTML report.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOSTILE = (
    '<script>document.title="PWNED"</script> <img src=x onerror="document.title=\'PWNED\'"> '
    "<a href=\"javascript:document.title='PWNED'\">click</a> [x](javascript:alert(1))"
)
SKIPPED = 77


def find_browser() -> str | None:
    """The first headless-capable Chromium on PATH, or None."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def _browser(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",  # root in a container has no user namespace sandbox
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )


def write_report(requirements: Path, target: Path) -> None:
    """The HTML report of one requirements file, through the real CLI."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "slmvllm",
            "advise",
            "-r",
            str(requirements),
            "--report",
            str(target),
            "-f",
            "json",
        ],
        check=True,
        capture_output=True,
        env=env,
        cwd=ROOT,
    )


def dom_after_load(browser: str, page: Path) -> str:
    """The DOM as serialised after the page loaded (and any script it allowed ran)."""
    return _browser(browser, "--dump-dom", page.as_uri()).stdout


def png_facts(path: Path) -> tuple[int, int, int]:
    """(width, height, distinct colours in the first rows) of a PNG, standard library only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    chunks, pos = b"", 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            chunks += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(chunks)
    sample = raw[: (width * 4 + 1) * 200]  # the first rows, filter bytes included
    return width, height, len(set(sample))


def screenshot(browser: str, page: Path, png: Path, size: tuple[int, int]) -> None:
    _browser(browser, f"--window-size={size[0]},{size[1]}", f"--screenshot={png}", page.as_uri())


def check(browser: str, png: Path | None, example: Path) -> list[str]:
    """Every failed check, as a sentence; empty when all hold."""
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        page = folder / "report.html"
        write_report(example, page)
        dom = dom_after_load(browser, page)
        if "Recommendation" not in dom or dom.count("<svg") < 2:
            failures.append("the report did not render its recommendation and two charts")
        hostile_req = folder / "hostile.yaml"
        hostile_req.write_text(
            f"use_case: {json.dumps(HOSTILE)}\ntask_type: chat\n", encoding="utf-8"
        )
        hostile_page = folder / "hostile.html"
        write_report(hostile_req, hostile_page)
        dom = dom_after_load(browser, hostile_page)
        if "PWNED" in dom.split("<title>", 1)[1].split("</title>", 1)[0]:
            failures.append("a script from the use case ran")
        body = dom.split("<body>", 1)[1]
        for made in ("<script", "<img", '<a href="javascript'):
            if made in body:
                failures.append(f"the use case created markup: {made}")
        if "&lt;script&gt;" not in body:
            failures.append("the hostile use case is not shown as text")
        shot = png or folder / "shot.png"
        screenshot(browser, page, shot, (1100, 1500))
        if not shot.exists():
            failures.append("no screenshot was written")
        else:
            width, height, colours = png_facts(shot)
            if (width, height) != (1100, 1500) or colours < 8:
                failures.append(f"the screenshot looks empty ({width}x{height}, {colours} values)")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("example", nargs="?", default=str(ROOT / "examples/support-triage.yaml"))
    parser.add_argument("--png", help="keep the screenshot here (the README's picture)")
    args = parser.parse_args()
    browser = find_browser()
    if browser is None:
        print("skipped: no Chromium on PATH (Debian: apt-get install chromium)")
        return SKIPPED
    failures = check(browser, Path(args.png).resolve() if args.png else None, Path(args.example))
    for failure in failures:
        print(f"FAIL: {failure}")
    if not failures:
        print(f"ok: the HTML report renders in {browser} and nothing from the files runs")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
