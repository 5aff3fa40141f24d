"""Reading a graded request log (JSON Lines or CSV), streaming and strict.

One request per line: `small_score` and `large_score` (a number in 0..1, or
true/false), optionally `router_score` (any finite number, higher = the small model
more likely good enough), `input_tokens` / `output_tokens` (whole numbers >= 0),
`tags` (a string or a list of strings; in CSV, several separated by `;`) and `id`
(free, ignored). Optional figures are given on every line or on none. Every mistake
is reported as file:line:column; reading stops after MAX_PROBLEMS of them.

The log is kept as flat arrays of floats (8 bytes a value), never as one object per
line, so a million requests fit in a few tens of megabytes.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from slmvllm.errors import InputError, Problem, did_you_mean
from slmvllm.loading.documents import STDIN_NAME

MAX_PROBLEMS = 20
MAX_TAG_CHARS = 100
GRADES = ("small_score", "large_score")
OPTIONAL_FIGURES = ("router_score", "input_tokens", "output_tokens")
FIELDS = ("id", *GRADES, *OPTIONAL_FIGURES, "tags")
_KNOWN = frozenset(FIELDS)
_TRUE = {"true": 1.0, "false": 0.0}


@dataclass
class TrialLog:
    """A graded request log as flat arrays, one position per request, in file order."""

    source: str
    small: array[float] = field(default_factory=lambda: array("d"))
    large: array[float] = field(default_factory=lambda: array("d"))
    router: array[float] | None = None
    input_tokens_total: int | None = None
    output_tokens_total: int | None = None
    tag_rows: dict[str, array[int]] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        """How many requests the log holds."""
        return len(self.small)

    def mean_tokens(self) -> tuple[float | None, float | None]:
        """The log's mean input and output tokens per request (None when not logged)."""
        n = self.requests
        if not n:
            return None, None
        i = None if self.input_tokens_total is None else self.input_tokens_total / n
        o = None if self.output_tokens_total is None else self.output_tokens_total / n
        return i, o


class _Bad(Exception):
    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


def _grade(value: object, key: str) -> float:
    kind = type(value)
    if kind is bool:
        return 1.0 if value else 0.0
    if (kind is float or kind is int) and 0.0 <= value <= 1.0:  # type: ignore[operator]
        return float(value)  # type: ignore[arg-type]
    raise _Bad(f"{key} must be a number from 0 to 1 or true/false, not {_shown(value)}", key)


def _score(value: object, key: str) -> float:
    kind = type(value)
    if (kind is float or kind is int) and math.isfinite(value):  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]
    raise _Bad(f"{key} must be a finite number, not {_shown(value)}", key)


def _tokens(value: object, key: str) -> int:
    if type(value) is int and value >= 0:
        return value
    raise _Bad(f"{key} must be a whole number >= 0, not {_shown(value)}", key)


def _tags(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise _Bad(f"tags must be a string or a list of strings, not {_shown(value)}", "tags")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip() or len(item) > MAX_TAG_CHARS:
            raise _Bad(
                f"each tag must be a non-empty string of at most {MAX_TAG_CHARS} characters, "
                f"not {_shown(item)}",
                "tags",
            )
        if item.strip() not in out:
            out.append(item.strip())
    return tuple(out)


def _shown(value: object) -> str:
    text = json.dumps(value) if not isinstance(value, float) or math.isfinite(value) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


class _Builder:
    """Fills a TrialLog line by line; checks that optional figures are all-or-none."""

    def __init__(self, source: str) -> None:
        self.log = TrialLog(source)
        self.problems: list[Problem] = []
        self.router = array("d")
        self.in_total = 0
        self.out_total = 0
        # figure -> (lines that have it, first line with it, first line without it)
        self.seen: dict[str, list[int]] = {k: [0, 0, 0] for k in OPTIONAL_FIGURES}

    def add(
        self,
        line: int,
        small: float,
        large: float,
        figures: dict[str, float | int],
        tags: tuple[str, ...],
    ) -> None:
        log = self.log
        row = len(log.small)
        log.small.append(small)
        log.large.append(large)
        for key in OPTIONAL_FIGURES:
            mark = self.seen[key]
            if key in figures:
                mark[0] += 1
                mark[1] = mark[1] or line
            else:
                mark[2] = mark[2] or line
        self.router.append(float(figures.get("router_score", 0.0)))
        self.in_total += int(figures.get("input_tokens", 0))
        self.out_total += int(figures.get("output_tokens", 0))
        for tag in tags:
            rows = log.tag_rows.get(tag)
            if rows is None:
                rows = log.tag_rows[tag] = array("I")
            rows.append(row)

    def problem(self, line: int, column: int | None, message: str) -> None:
        self.problems.append(Problem(self.log.source, message, line=line, column=column))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _Stop

    def finish(self) -> TrialLog:
        log = self.log
        n = log.requests
        for key, (count, first_with, first_without) in self.seen.items():
            if 0 < count < n:
                self.problems.append(
                    Problem(
                        log.source,
                        f"{key} is missing here but given on line {first_with}: give it on "
                        "every line or on none",
                        line=first_without,
                    )
                )
        if not n and not self.problems:
            self.problems.append(
                Problem(log.source, "no requests: the log has no graded line; see docs/trial.md")
            )
        if self.problems:
            raise InputError(self.problems)
        if self.seen["router_score"][0]:
            log.router = self.router
        if self.seen["input_tokens"][0]:
            log.input_tokens_total = self.in_total
        if self.seen["output_tokens"][0]:
            log.output_tokens_total = self.out_total
        return log


class _Stop(Exception):
    pass


def _value_column(text: str, key: str | None) -> int | None:
    if key is None:
        return 1
    at = text.find(f'"{key}"')
    if at < 0:
        return 1
    colon = text.find(":", at + len(key) + 2)
    if colon < 0:
        return at + 1
    after = colon + 1
    while after < len(text) and text[after] in " \t":
        after += 1
    return after + 1


def _read_jsonl(lines: Iterable[tuple[int, str]], b: _Builder) -> None:
    loads = json.loads
    known = _KNOWN
    for number, text in lines:
        if not text.strip():
            continue
        try:
            obj = loads(text)
        except json.JSONDecodeError as exc:
            b.problem(number, exc.colno, f"not valid JSON: {exc.msg}")
            continue
        except RecursionError:
            b.problem(number, 1, "not valid JSON: nested too deeply")
            continue
        if type(obj) is not dict:
            b.problem(number, 1, "each line must be a JSON object ({...}), one request")
            continue
        unknown = obj.keys() - known
        if unknown:
            key = sorted(unknown)[0]
            at = text.find(json.dumps(key))
            b.problem(
                number,
                at + 1 if at >= 0 else 1,
                f"unknown field {key!r}{did_you_mean(key, FIELDS)}; "
                f"the fields are {', '.join(FIELDS)}",
            )
            continue
        try:
            if "small_score" not in obj or "large_score" not in obj:
                missing = "small_score" if "small_score" not in obj else "large_score"
                raise _Bad(f"{missing} is missing: every line grades both models")
            small = _grade(obj["small_score"], "small_score")
            large = _grade(obj["large_score"], "large_score")
            figures: dict[str, float | int] = {}
            if "router_score" in obj:
                figures["router_score"] = _score(obj["router_score"], "router_score")
            if "input_tokens" in obj:
                figures["input_tokens"] = _tokens(obj["input_tokens"], "input_tokens")
            if "output_tokens" in obj:
                figures["output_tokens"] = _tokens(obj["output_tokens"], "output_tokens")
            tags = _tags(obj["tags"]) if "tags" in obj else ()
            if "id" in obj and type(obj["id"]) not in (str, int):
                raise _Bad(f"id must be a string or a whole number, not {_shown(obj['id'])}", "id")
        except _Bad as bad:
            b.problem(number, _value_column(text, bad.key), bad.message)
            continue
        b.add(number, small, large, figures, tags)


def _csv_grade(text: str, key: str) -> float:
    word = _TRUE.get(text.strip().lower())
    if word is not None:
        return word
    try:
        value = float(text)
    except ValueError:
        raise _Bad(f"{key} must be a number from 0 to 1 or true/false, not {text!r}", key) from None
    return _grade(value, key)


def _csv_number(text: str, key: str) -> float:
    try:
        return _score(float(text), key)
    except ValueError:
        raise _Bad(f"{key} must be a finite number, not {text!r}", key) from None


def _csv_tokens(text: str, key: str) -> int:
    try:
        return _tokens(int(text.strip()), key)
    except ValueError:
        raise _Bad(f"{key} must be a whole number >= 0, not {text!r}", key) from None


def _split(text: str) -> list[str]:
    if '"' not in text:
        return text.split(",")
    return next(csv.reader([text]), [])


def _columns(cells: list[str]) -> list[int]:
    out, at = [], 1
    for cell in cells:
        out.append(at)
        at += len(cell) + 1
    return out


def _read_csv(lines: Iterator[tuple[int, str]], b: _Builder) -> None:
    header: list[str] | None = None
    for number, raw in lines:
        text = raw.rstrip("\r\n")
        if not text.strip():
            continue
        if header is None:
            header = [h.strip() for h in _split(text)]
            cols = _columns(_split(text))
            for i, name in enumerate(header):
                if name not in _KNOWN:
                    b.problem(
                        number,
                        cols[i],
                        f"unknown column {name!r}{did_you_mean(name, FIELDS)}; the columns are "
                        f"{', '.join(FIELDS)}",
                    )
                elif header.index(name) != i:
                    b.problem(number, cols[i], f"column {name!r} is given twice")
            for key in GRADES:
                if key not in header:
                    b.problem(number, 1, f"the header has no {key} column: both grades are needed")
            if b.problems:
                return
            continue
        cells = _split(text)
        if len(cells) != len(header):
            b.problem(number, 1, f"{len(cells)} values for the header's {len(header)} columns")
            continue
        row = dict(zip(header, cells, strict=True))
        try:
            small = _csv_grade(row["small_score"], "small_score")
            large = _csv_grade(row["large_score"], "large_score")
            figures: dict[str, float | int] = {}
            for key in OPTIONAL_FIGURES:
                cell = row.get(key)
                if cell is None:
                    continue
                if not cell.strip():
                    raise _Bad(f"{key} is empty: give it on every line or drop the column", key)
                figures[key] = (_csv_number if key == "router_score" else _csv_tokens)(cell, key)
            tags = _tags([t for t in row.get("tags", "").split(";") if t.strip()])
        except _Bad as bad:
            col = _columns(cells)[header.index(bad.key)] if bad.key in header else 1
            b.problem(number, col, bad.message)
            continue
        b.add(number, small, large, figures, tags)


def _numbered(handle: IO[bytes], name: str) -> Iterator[tuple[int, str]]:
    """Numbered lines decoded one by one, so a bad byte is located to its line and column."""
    for number, raw in enumerate(handle, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                Problem(
                    name,
                    f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
                    line=number,
                    column=len(raw[: exc.start].decode("utf-8", "replace")) + 1,
                )
            ) from None
        yield number, text.removeprefix("\ufeff") if number == 1 else text


def log_format(path: Path, first_line: str) -> str:
    """`jsonl` or `csv`: from the file's suffix, else from its first line."""
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    if suffix in {".csv"}:
        return "csv"
    return "jsonl" if first_line.lstrip().startswith("{") else "csv"


def read_log(path: Path, stdin: IO[bytes] | None = None) -> TrialLog:
    """Read a graded request log from `path` (`-` for standard input), streaming.

    Raises InputError with every problem located (at most MAX_PROBLEMS of them).
    """
    name = STDIN_NAME if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            return _read_handle(path, stdin if stdin is not None else sys.stdin.buffer, name)
        if path.is_dir():
            raise InputError(Problem(name, "is a directory, expected a JSONL or CSV log"))
        with path.open("rb") as handle:
            return _read_handle(path, handle, name)
    except FileNotFoundError:
        raise InputError(Problem(name, "no such log file; check the path")) from None
    except PermissionError:
        raise InputError(Problem(name, "permission denied; check the file's permissions")) from None
    except OSError as exc:
        raise InputError(Problem(name, f"cannot be read: {exc.strerror or exc}")) from None


def _read_handle(path: Path, handle: IO[bytes], name: str) -> TrialLog:
    lines = _numbered(handle, name)
    first: list[tuple[int, str]] = []
    for item in lines:
        if item[1].strip():
            first.append(item)
            break
        first.append(item)
    kind = log_format(path, first[-1][1] if first else "")
    b = _Builder(name)

    def chained() -> Iterator[tuple[int, str]]:
        yield from first
        yield from lines

    try:
        if kind == "jsonl":
            _read_jsonl(chained(), b)
        else:
            _read_csv(chained(), b)
    except _Stop:
        b.problems.append(
            Problem(name, f"stopped after {MAX_PROBLEMS} problems; fix these and run again")
        )
        raise InputError(b.problems) from None
    return b.finish()
