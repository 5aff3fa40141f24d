"""The questionnaire's terminal layer in-process: stops keep answers, bad input is re-asked."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from rich.console import Console
from rich.text import Text

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.prompting import QuestionnaireStopped, ask, ask_path, ask_yes_no

from .conftest import ROOT, tree_env

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


def test_the_pipe_cases_pass_in_a_child_process_that_cannot_hang_the_run() -> None:
    """The reads and Ctrl-Cs of `_TerminalLines`, run where a hang only costs this test.

    The cases (tests/prompting_pipe_cases.py) wait on a pipe and trip SIGINT: a
    regression there hangs instead of failing, and a test process that ignores SIGINT
    (a background job) never sees the Ctrl-C. So they run in a child pytest that handles
    SIGINT itself and dumps its stacks after 20 s; this test gives it 60 s, then fails
    with what it printed. The run always goes on to its summary.
    """
    cases = ROOT / "tests" / "prompting_pipe_cases.py"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(cases)]
    try:
        proc = subprocess.run(
            command, cwd=ROOT, env=tree_env(), capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired as stopped:
        pytest.fail(f"the pipe cases hung for 60 s; they printed:\n{stopped.stdout!r}")
    printed = proc.stdout + proc.stderr
    assert proc.returncode == 0, printed
    passed = sorted(re.findall(r"^PASSED \S+::(\w+)", proc.stdout, re.MULTILINE))
    assert passed == sorted(PIPE_CASES), printed


PIPE_CASES = [
    "test_terminal_lines_are_read_one_per_call",
    "test_a_ctrl_c_pending_before_the_read_is_raised_at_once",
    "test_a_ctrl_c_before_the_reader_is_woken_loses_nothing",
    "test_a_line_read_before_a_ctrl_c_is_dropped_like_input_drops_it",
    "test_bytes_that_are_not_utf8_reach_the_asker",
]


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
