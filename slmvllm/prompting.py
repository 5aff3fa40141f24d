"""The interactive questionnaire on a terminal. Prompts and help go to stderr, never stdout."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.text import Text

from slmvllm.advice.engine import FigureSource
from slmvllm.advice.questions import (
    AnswerError,
    parse_answer,
    parse_priorities,
    pending_questions,
)
from slmvllm.advice.relevance import Outlook, outlook
from slmvllm.advice.rule_set_model import Question, RuleSet
from slmvllm.render.safe import literal


class QuestionnaireStopped(Exception):
    """Ctrl-C or Ctrl-D at a prompt; carries the answers given so far."""

    def __init__(self, answers: dict[str, Any], how: str) -> None:
        super().__init__(how)
        self.answers = answers
        self.how = how


class _TerminalLines:
    """Lines from standard input, read on a helper thread while the main thread waits.

    input() loses a Ctrl-C that lands between its last signal check and its read(): the
    terminal discards the typed line, the signal is already handled at C level, and the
    read waits for Enter with KeyboardInterrupt pending. Here the main thread waits in
    0.1 s slices, so a pending Ctrl-C is raised at once, and the helper thread reads with
    os.read (no lock held, so exiting while it waits is safe).

    A Ctrl-C can land between any two steps of `read`, so the hand-over is idempotent:
    requests and answers are counted, every call wakes the reader again, and a request
    left open by a Ctrl-C is answered by the next call's line.
    """

    def __init__(self) -> None:
        self._wanted = threading.Event()
        self._ready = threading.Event()
        self._serving = threading.Lock()  # held by reader threads only, never the asker
        self._requested = 0  # written by the asker
        self._taken = 0  # written by the asker
        self._served = 0  # written by the reader, after `_result`
        self._result: tuple[str, BaseException | None] = ("", None)
        self._pending = b""  # bytes after the first line of a read (a pipe, a paste)
        self._thread: threading.Thread | None = None

    def read(self) -> str:
        if self._thread is None or not self._thread.is_alive():
            thread = threading.Thread(target=self._serve, name="stdin", daemon=True)
            thread.start()
            self._thread = thread
        if self._requested == self._taken:
            self._requested = self._taken + 1
        self._wanted.set()  # again on every call: a Ctrl-C may have come before it
        try:
            while self._served < self._requested:
                self._ready.wait(0.1)
                self._ready.clear()
        except KeyboardInterrupt:
            if self._served == self._requested:  # read before the Ctrl-C: dropped, as input()
                self._taken = self._served
            raise
        text, error = self._result
        self._taken = self._served
        if error is not None:
            raise error
        return text

    def _serve(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            with self._serving:
                if self._served >= self._requested:
                    continue
                try:
                    self._result = (self._line(), None)
                except Exception as exc:  # EOF, bad bytes, a closed stdin: raised in the asker
                    self._result = ("", exc)
                self._served += 1
            self._ready.set()

    def _line(self) -> str:
        stream = sys.stdin
        fd = stream.fileno()
        buffer = self._pending
        while b"\n" not in buffer:  # a terminal returns at most one line per read
            data = os.read(fd, 65536)
            if not data:
                break
            buffer += data
        line, newline, self._pending = buffer.partition(b"\n")
        if not line and not newline:
            raise EOFError
        # Decoded as input() decodes: the stream's encoding and error policy.
        return line.decode(stream.encoding or "utf-8", stream.errors or "strict")


_TERMINAL = _TerminalLines()


def read_line(console: Console, prompt: Text) -> str:
    """One line from the user; the prompt goes to the console (stderr)."""
    console.print(prompt, end="")
    if os.name == "nt":
        # The Windows console gives os.read() bytes in its own code page; input() reads
        # it through the console's Unicode API. _TerminalLines is built and tested for
        # POSIX terminals, where the race it avoids was seen.
        return input()
    return _TERMINAL.read()


def _show(console: Console, question: Question, number: int, total: int, default: Any) -> None:
    console.print()
    console.print(
        Text.assemble((f"[{number}/{total}] ", "dim"), (literal(question.prompt), "bold"))
    )
    # Wrapped by the console at word boundaries, to the terminal's width.
    console.print(Text(literal(question.help), style="dim"))
    if question.choices:
        listing = "  ".join(f"{i}) {literal(c)}" for i, c in enumerate(question.choices, 1))
        console.print(Text(listing))
    if default is not None:
        shown = literal(default)
    elif question.type == "priorities":
        shown = "the rule set's weights"
    else:
        shown = "unknown"
    console.print(Text(f"Enter to keep: {shown}", style="dim"))


@dataclass
class Answers:
    """What a questionnaire gathered: the answers, and the questions it did not need."""

    values: dict[str, Any]
    skipped: list[str] = field(default_factory=list)


def ask(
    rs: RuleSet,
    console: Console,
    answers: dict[str, Any] | None = None,
    reader: Callable[[Console, Text], str] = read_line,
) -> dict[str, Any]:
    """Ask every pending question in the rule set's order; returns the answers (given included).

    Raises QuestionnaireStopped with the answers so far on Ctrl-C or Ctrl-D.
    """
    answers = dict(answers or {})
    with _stops(answers, console):
        _ask_each(rs, console, answers, reader)
    return answers


def ask_adaptive(
    rs: RuleSet,
    console: Console,
    answers: dict[str, Any] | None = None,
    reader: Callable[[Console, Text], str] = read_line,
    figures: FigureSource | None = None,
) -> Answers:
    """Ask only what can still change the recommendation, the most decisive question first.

    `use_case` first; then, after each answer, the open question whose answers could
    move the leader's margin the most (`slmvllm.advice.relevance.outlook`), until no
    combination of answers to the rest can change the recommendation. Priorities are
    offered last, on one line; once set, the recommendation is checked again.
    Raises QuestionnaireStopped with the answers so far on Ctrl-C or Ctrl-D.
    """
    values = dict(answers or {})
    got = Answers(values)
    with _stops(values, console):
        _ask_adaptively(rs, console, got, reader, figures)
    return got


@contextmanager
def _stops(answers: dict[str, Any], console: Console) -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:  # at a prompt or while a question is being printed
        console.print()
        raise QuestionnaireStopped(answers, "interrupted (Ctrl-C)") from None
    except EOFError:
        console.print()
        raise QuestionnaireStopped(answers, "input ended (Ctrl-D)") from None


def _ask_adaptively(
    rs: RuleSet,
    console: Console,
    got: Answers,
    reader: Callable[[Console, Text], str],
    figures: FigureSource | None,
) -> None:
    answers = got.values
    kept: set[str] = set()  # asked, and Enter kept the default
    by_field = {q.field: q for q in rs.questions}
    first = by_field.get("use_case")
    if first is not None and "use_case" not in answers:
        _ask_one(rs, console, first, answers, reader)
        kept.add("use_case")
    offered = "priorities" in answers or "priorities" not in by_field
    while True:
        view = outlook(rs, answers, kept, figures)
        while not view.settled:
            pending = {q.field for q in pending_questions(rs, answers)} - kept
            nxt = next((f for f in view.deciding if f in pending), None)
            if nxt is None:
                break
            _ask_one(rs, console, by_field[nxt], answers, reader)
            kept.add(nxt)
            view = outlook(rs, answers, kept, figures)
            _progress(console, view)
        skipped = [
            q.field
            for q in pending_questions(rs, answers)
            if q.field not in kept and q.type != "priorities"
        ]
        got.skipped = skipped
        if skipped:
            console.print(
                Text(
                    f"No remaining answer can change this: {len(skipped)} question"
                    f"{'' if len(skipped) == 1 else 's'} skipped (`--all-questions` asks them)"
                )
            )
        if offered:
            return
        offered = True
        priorities = _offer_priorities(rs, console, reader)
        if priorities is None:
            return
        answers["priorities"] = priorities


def _offer_priorities(
    rs: RuleSet, console: Console, reader: Callable[[Console, Text], str]
) -> dict[str, float] | None:
    """The priorities on one line, or None when Enter finishes."""
    criteria = ", ".join(rs.criteria)
    console.print()
    console.print(
        Text(f"Priorities, 0..5 each (criteria: {criteria}); e.g. cost=5, latency=1", style="dim")
    )
    while True:
        text = _read(console, reader, Text("Priorities (Enter finishes)> ", style="bold cyan"))
        if not text.strip():
            return None
        try:
            return parse_priorities(rs, text)
        except AnswerError as exc:
            console.print(Text(f"  {literal(exc)}; try again", style="red"))


def _progress(console: Console, view: Outlook) -> None:
    if view.leader is None:
        return
    could = len(view.deciding)
    console.print(
        Text(
            f"  leading: {view.leader} (confidence {view.confidence:.2f}); "
            f"{could} remaining question{'' if could == 1 else 's'} could still change it",
            style="dim",
        )
    )


def _read(console: Console, reader: Callable[[Console, Text], str], prompt: Text) -> str:
    while True:
        try:
            return reader(console, prompt)
        except UnicodeDecodeError:  # the terminal sent bytes that are not UTF-8
            console.print(Text("  not UTF-8 text; try again", style="red"))


def _ask_one(
    rs: RuleSet,
    console: Console,
    question: Question,
    answers: dict[str, Any],
    reader: Callable[[Console, Text], str],
) -> None:
    order = [q.field for q in rs.questions]
    number = order.index(question.field) + 1
    _show(console, question, number, len(order), question.default)
    while True:
        text = _read(console, reader, Text("> ", style="bold cyan"))
        try:
            value = parse_answer(rs, question, text)
        except AnswerError as exc:
            console.print(Text(f"  {literal(exc)}; try again", style="red"), soft_wrap=True)
            continue
        break
    if value is not None:
        answers[question.field] = value


def _ask_each(
    rs: RuleSet,
    console: Console,
    answers: dict[str, Any],
    reader: Callable[[Console, Text], str],
) -> None:
    # Fills `answers` in place, so a stop at any moment keeps every answer given.
    for question in pending_questions(rs, answers):
        _ask_one(rs, console, question, answers, reader)


def ask_yes_no(
    console: Console, question: str, reader: Callable[[Console, Text], str] = read_line
) -> bool:
    """A yes/no question; anything but y/yes is no. EOF, Ctrl-C and bad bytes mean no."""
    try:
        text = reader(console, Text(f"{question} [y/N] ", style="bold"))
    except (EOFError, KeyboardInterrupt, UnicodeDecodeError):
        console.print()
        return False
    return text.strip().lower() in {"y", "yes"}


def ask_path(
    console: Console, question: str, reader: Callable[[Console, Text], str] = read_line
) -> str:
    """A file name, or empty to skip. EOF and Ctrl-C mean skip; bad bytes are asked again."""
    while True:
        try:
            return reader(console, Text(f"{question} ", style="bold")).strip()
        except UnicodeDecodeError:  # the terminal sent bytes that are not UTF-8
            console.print(Text("  not UTF-8 text; try again", style="red"))
        except (EOFError, KeyboardInterrupt):
            console.print()
            return ""
