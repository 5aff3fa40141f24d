"""The batch progress bar: on stderr, only on a terminal, only after about a second."""

from __future__ import annotations

import io
import sys
import time

import pytest

from slmvllm.render.progress import track


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "delay", "shown"),
    [(True, 0.0, True), (False, 0.0, False), (True, 60.0, False)],
)
def test_bar_only_on_a_terminal_and_after_the_delay(
    monkeypatch: pytest.MonkeyPatch, tty: bool, delay: float, shown: bool
) -> None:
    err = _Stream(tty)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich: treat the fake stream as a terminal
    monkeypatch.delenv("NO_COLOR", raising=False)
    seen = []
    for item in track(list(range(5)), "advising", delay=delay):
        time.sleep(0.01)
        seen.append(item)
    assert seen == list(range(5))  # the items, in order, whatever is shown
    assert ("advising" in err.getvalue()) is shown


def test_one_item_never_shows_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Stream(True)
    monkeypatch.setattr(sys, "stderr", err)
    assert list(track([1], "advising", delay=0.0)) == [1]
    assert err.getvalue() == ""


@pytest.mark.slow
def test_a_long_batch_in_a_real_terminal_shows_the_bar(tmp_path: pytest.TempPathFactory) -> None:
    pexpect = pytest.importorskip("pexpect")
    from .conftest import EXAMPLES, ROOT, tree_env

    folder = tmp_path / "many"  # type: ignore[operator]
    folder.mkdir()
    text = (EXAMPLES / "customer-chat-assistant.yaml").read_text(encoding="utf-8")
    for i in range(300):
        (folder / f"c{i:03}.yaml").write_text(text, encoding="utf-8")
    command = f"{sys.executable} -m slmvllm advise -r {folder} -f json > /dev/null"
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", command],
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=120,
        env=tree_env(
            {"PATH": "/usr/bin:/bin", "COLUMNS": "80"},
            SLMVLLM_PROGRESS_DELAY="0",  # the batch is quick: show the bar at once
        ),
    )
    out = child.read()
    child.close()
    assert child.exitstatus == 0
    assert "advising" in out and "300/300" in out
