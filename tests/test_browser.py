"""The HTML report in a real headless browser (benchmarks/html_in_browser.py), when one exists."""

from __future__ import annotations

import importlib.util

import pytest

from .conftest import EXAMPLES, ROOT

spec = importlib.util.spec_from_file_location(
    "html_in_browser", ROOT / "benchmarks" / "html_in_browser.py"
)
assert spec is not None and spec.loader is not None
browser_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(browser_check)
BROWSER = browser_check.find_browser()


@pytest.mark.slow
@pytest.mark.skipif(
    BROWSER is None,
    reason="no Chromium on PATH: the HTML report is checked in a real browser only where one "
    "is installed (Debian: apt-get install chromium)",
)
def test_html_report_renders_and_runs_nothing_in_chromium() -> None:
    assert browser_check.check(BROWSER, None, EXAMPLES / "support-triage.yaml") == []
