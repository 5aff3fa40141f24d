"""`_TerminalLines` on a real pipe, with real Ctrl-Cs: run only in a child process.

tests/test_prompting.py runs this file with `python -m pytest` in a child process with a
timeout (the file name does not start with `test_`, so the main run never collects it).
A regression here hangs rather than fails; in the child, a hang costs one test, not the
whole run.
"""

from __future__ import annotations

import _thread
import faulthandler
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from slmvllm.prompting import _TerminalLines


@pytest.fixture(autouse=True)
def _ctrl_c_raises() -> Iterator[None]:
    # A background job starts with SIGINT ignored, and a child inherits that: then
    # _thread.interrupt_main() does nothing. Handle it as an interactive Python does.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    # This process only: a hang prints every thread's stack and ends the child.
    faulthandler.dump_traceback_later(20, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGINT, previous)


class Pipe:
    """Standard input is the read end of a pipe; `write` feeds it, `close` ends it."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        self.stream = open(self.read_fd, encoding="utf-8", closefd=False)  # noqa: SIM115

    def write(self, data: bytes) -> None:
        os.write(self.write_fd, data)

    def close(self) -> None:
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1


@pytest.fixture
def pipe(monkeypatch: pytest.MonkeyPatch) -> Iterator[Pipe]:
    feed = Pipe()
    monkeypatch.setattr(sys, "stdin", feed.stream)
    try:
        yield feed
    finally:
        feed.close()  # a reader thread still waiting sees the end of input and stops
        feed.stream.close()
        time.sleep(0.05)
        os.close(feed.read_fd)


def test_terminal_lines_are_read_one_per_call(pipe: Pipe) -> None:
    lines = _TerminalLines()
    pipe.write(b"first\n")
    assert lines.read() == "first"
    pipe.write("zweite — ✓\n\nthird\n".encode())  # several lines in one chunk (a paste)
    assert [lines.read(), lines.read(), lines.read()] == ["zweite — ✓", "", "third"]
    pipe.write(b"no newline")
    pipe.close()
    assert lines.read() == "no newline"
    with pytest.raises(EOFError):
        lines.read()


def test_a_ctrl_c_pending_before_the_read_is_raised_at_once(pipe: Pipe) -> None:
    # _thread.interrupt_main() trips the same flag a SIGINT trips. With input(), a flag
    # tripped just before its read() stayed pending while the read waited for Enter.
    lines = _TerminalLines()
    timer = threading.Timer(0.2, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        lines.read()
    assert time.monotonic() - started < 5
    # The read under way when Ctrl-C came answers the next prompt: nothing typed is lost.
    pipe.write(b"after\n")
    assert lines.read() == "after"


def test_a_ctrl_c_before_the_reader_is_woken_loses_nothing(
    pipe: Pipe, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Ctrl-C lands after the request is counted and before the reader is woken.
    lines = _TerminalLines()
    wake = lines._wanted.set
    calls = []

    def interrupted_once() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt
        wake()

    monkeypatch.setattr(lines._wanted, "set", interrupted_once)
    with pytest.raises(KeyboardInterrupt):
        lines.read()
    pipe.write(b"typed after\n")
    assert lines.read() == "typed after"


def test_a_line_read_before_a_ctrl_c_is_dropped_like_input_drops_it(
    pipe: Pipe, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader has the line; the Ctrl-C reaches the asker before it takes it. input()
    # would have raised KeyboardInterrupt with that line read and gone: so does read().
    lines = _TerminalLines()
    wait = lines._ready.wait

    def line_ready_then_ctrl_c(timeout: float | None = None) -> bool:
        while lines._served < lines._requested:
            wait(0.01)
        raise KeyboardInterrupt

    monkeypatch.setattr(lines._ready, "wait", line_ready_then_ctrl_c)
    pipe.write(b"stale\n")
    with pytest.raises(KeyboardInterrupt):
        lines.read()
    monkeypatch.setattr(lines._ready, "wait", wait)
    pipe.write(b"fresh\n")
    assert lines.read() == "fresh"


def test_bytes_that_are_not_utf8_reach_the_asker(pipe: Pipe) -> None:
    lines = _TerminalLines()
    pipe.write(b"caf\xe9\n")
    with pytest.raises(UnicodeDecodeError):
        lines.read()
    pipe.write("café\n".encode())
    assert lines.read() == "café"
