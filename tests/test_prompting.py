"""The questionnaire's terminal layer in-process: stops keep answers, bad input is re-asked."""

from __future__ import annotations

import _thread
import faulthandler
import io
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from rich.console import Console
from rich.text import Text

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.prompting import QuestionnaireStopped, _TerminalLines, ask, ask_path, ask_yes_no

Reader = Callable[[Console, Text], str]


def scripted(*replies: str | BaseException) -> Reader:
    """A reader that returns (or raises) each reply in turn."""
    queue: Iterator[str | BaseException] = iter(replies)

    def read(console: Console, prompt: Text) -> str:
        console.print(prompt, end="")
        reply = next(queue)
        if isinstance(reply, BaseException):
            raise reply
        return reply

    return read


def quiet() -> Console:
    return Console(file=io.StringIO(), width=80, color_system=None)


@pytest.mark.parametrize(
    ("stop", "how"),
    [(KeyboardInterrupt(), "interrupted (Ctrl-C)"), (EOFError(), "input ended (Ctrl-D)")],
)
def test_a_stop_at_a_prompt_keeps_the_answers(
    rule_set: RuleSet, stop: BaseException, how: str
) -> None:
    with pytest.raises(QuestionnaireStopped) as err:
        ask(rule_set, quiet(), reader=scripted("my case", "chat", stop))
    assert err.value.how == how
    assert err.value.answers == {"use_case": "my case", "task_type": "chat"}


class InterruptingFile(io.StringIO):
    """A terminal where Ctrl-C lands while `trigger` is being printed."""

    def __init__(self, trigger: str) -> None:
        super().__init__()
        self.trigger = trigger

    def write(self, text: str) -> int:
        if self.trigger in text:
            self.trigger = "\0never\0"
            raise KeyboardInterrupt
        return super().write(text)


def test_ctrl_c_while_a_question_is_printed_keeps_the_answers(rule_set: RuleSet) -> None:
    # Ctrl-C often lands while the next question is being drawn, not at the prompt.
    console = Console(file=InterruptingFile("How specialised"), width=80, color_system=None)
    with pytest.raises(QuestionnaireStopped) as err:
        ask(rule_set, console, reader=scripted("my case", "chat"))
    assert err.value.answers == {"use_case": "my case", "task_type": "chat"}


def test_invalid_answers_are_asked_again(rule_set: RuleSet) -> None:
    console = quiet()
    with pytest.raises(QuestionnaireStopped) as err:
        ask(
            rule_set,
            console,
            {"use_case": "x", "domain_focus": "narrow", "task_breadth": "single"},
            reader=scripted("²", "chta", "2", "lots", "5.0", "0755", "1:30", "2_000", EOFError()),
        )
    assert err.value.answers["task_type"] == "extraction"
    assert err.value.answers["monthly_requests"] == 2000
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "did you mean 'chat'?" in shown
    assert "expected a whole number, got the text 'lots'; try again" in shown
    assert "expected a whole number, got the number 5.0; use a whole number" in shown
    assert "without the leading zero" in shown and "write a single number" in shown


def test_bytes_that_are_not_utf8_are_asked_again(rule_set: RuleSet) -> None:
    console = quiet()
    bad = UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    answers = ask(rule_set, console, reader=scripted(bad, "ünïcode ✓ 日本語", *[""] * 40))
    assert answers["use_case"] == "ünïcode ✓ 日本語"
    assert "not UTF-8 text; try again" in console.file.getvalue()  # type: ignore[attr-defined]


def test_undecodable_bytes_in_a_text_answer_are_refused(rule_set: RuleSet) -> None:
    # With the C.UTF-8 locale Python reads bad bytes as surrogates; they are not text.
    console = quiet()
    answers = ask(rule_set, console, reader=scripted("x\udcff", "fine", *[""] * 40))
    assert answers["use_case"] == "fine"
    assert "not valid UTF-8" in console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), EOFError()])
def test_stops_at_the_saving_prompts_mean_no(stop: BaseException) -> None:
    assert ask_yes_no(quiet(), "Overwrite?", reader=scripted(stop)) is False
    assert ask_path(quiet(), "File name?", reader=scripted(stop)) == ""


# --------------------------------------------------------------------------- reading the terminal


def test_bad_bytes_at_the_saving_prompts() -> None:
    bad = UnicodeDecodeError("utf-8", b"\xe9", 0, 1, "invalid continuation byte")
    assert ask_yes_no(quiet(), "Overwrite?", reader=scripted(bad)) is False
    console = quiet()
    assert ask_path(console, "File name?", reader=scripted(bad, "  mine.yaml ")) == "mine.yaml"
    assert "not UTF-8 text; try again" in console.file.getvalue()  # type: ignore[attr-defined]


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
    # A regression here would hang, not fail: end the run with every thread's stack instead.
    faulthandler.dump_traceback_later(60, exit=True)
    try:
        yield feed
    finally:
        faulthandler.cancel_dump_traceback_later()
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


def test_on_windows_the_console_is_read_by_input(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from slmvllm import prompting

    monkeypatch.setattr(prompting, "os", types.SimpleNamespace(name="nt"))
    monkeypatch.setattr("builtins.input", lambda: "from the console")
    assert prompting.read_line(quiet(), Text("> ")) == "from the console"


def test_each_question_says_what_enter_keeps(rule_set: RuleSet) -> None:
    console = quiet()
    ask(rule_set, console, reader=scripted(*[""] * len(rule_set.questions)))
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Enter to keep: moderate" in shown  # a default
    assert "Enter to keep: unknown" in shown  # no default: the field stays unknown
    assert "Enter to keep: the rule set's weights" in shown  # priorities left alone
