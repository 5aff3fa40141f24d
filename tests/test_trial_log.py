"""Graded request logs: what reads, and every kind of bad line, located as file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from slmvllm.errors import InputError
from slmvllm.trial.log_reader import MAX_PROBLEMS, read_log

GOOD = '{"small_score": 1, "large_score": 0.5}\n'


def _problems(tmp_path: Path, text: str, name: str = "log.jsonl") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_log(path)
    return [str(p).removeprefix(str(path)) for p in info.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json}\n", ":1:2: not valid JSON: Expecting property name enclosed in double quotes"),
        (GOOD + "[1, 2]\n", ":2:1: each line must be a JSON object ({...}), one request"),
        (
            '{"small_score": 1, "large_scor": 1}\n',
            ":1:20: unknown field 'large_scor'; did you mean 'large_score'?; the fields are "
            "id, small_score, large_score, router_score, input_tokens, output_tokens, tags",
        ),
        ('{"small_score": 1}\n', ":1:1: large_score is missing: every line grades both models"),
        (
            '{"small_score": 1.5, "large_score": 1}\n',
            ":1:17: small_score must be a number from 0 to 1 or true/false, not 1.5",
        ),
        (
            '{"small_score": "yes", "large_score": 1}\n',
            ':1:17: small_score must be a number from 0 to 1 or true/false, not "yes"',
        ),
        (
            '{"small_score": 1, "large_score": NaN}\n',
            ":1:35: large_score must be a number from 0 to 1 or true/false, not nan",
        ),
        (
            '{"small_score": 1, "large_score": 1, "router_score": Infinity}\n',
            ":1:54: router_score must be a finite number, not inf",
        ),
        (
            '{"small_score": 1, "large_score": 1, "router_score": true}\n',
            ":1:54: router_score must be a finite number, not true",
        ),
        (
            '{"small_score": 1, "large_score": 1, "input_tokens": -3}\n',
            ":1:54: input_tokens must be a whole number >= 0, not -3",
        ),
        (
            '{"small_score": 1, "large_score": 1, "output_tokens": 2.5}\n',
            ":1:55: output_tokens must be a whole number >= 0, not 2.5",
        ),
        (
            '{"small_score": 1, "large_score": 1, "tags": [""]}\n',
            ':1:46: each tag must be a non-empty string of at most 100 characters, not ""',
        ),
        (
            '{"small_score": 1, "large_score": 1, "tags": 3}\n',
            ":1:46: tags must be a string or a list of strings, not 3",
        ),
        (
            '{"small_score": 1, "large_score": 1, "id": [1]}\n',
            ":1:44: id must be a string or a whole number, not [1]",
        ),
        (
            '{"small_score": 1, "large_score": 1, "router_score": 0.2}\n' + GOOD,
            ":2: router_score is missing here but given on line 1: give it on every line or on none",
        ),
        ("\n\n", ": no requests: the log has no graded line; see docs/trial.md"),
    ],
)
def test_bad_jsonl_lines(tmp_path: Path, text: str, expected: str) -> None:
    assert _problems(tmp_path, text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "small_score,large_scores\n1,1\n",
            [
                ":1:13: unknown column 'large_scores'; did you mean 'large_score'?; the columns "
                "are id, small_score, large_score, router_score, input_tokens, output_tokens, tags",
                ":1:1: the header has no large_score column: both grades are needed",
            ],
        ),
        (
            "small_score,large_score,small_score\n",
            [":1:25: column 'small_score' is given twice"],
        ),
        ("small_score,large_score\n1,1,1\n", [":2:1: 3 values for the header's 2 columns"]),
        (
            "small_score,large_score\n1,maybe\n",
            [":2:3: large_score must be a number from 0 to 1 or true/false, not 'maybe'"],
        ),
        (
            "small_score,large_score,router_score\n1,1,\n",
            [":2:5: router_score is empty: give it on every line or drop the column"],
        ),
        (
            "small_score,large_score,router_score\n1,1,high\n",
            [":2:5: router_score must be a finite number, not 'high'"],
        ),
        (
            "small_score,large_score,input_tokens\n1,1,1.5\n",
            [":2:5: input_tokens must be a whole number >= 0, not '1.5'"],
        ),
    ],
)
def test_bad_csv_lines(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert _problems(tmp_path, text, "log.csv") == expected


def test_every_bad_line_is_reported_up_to_a_limit(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "{}\n" * (MAX_PROBLEMS + 5))
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[1].startswith(":2:1: small_score is missing")
    assert problems[-1] == f": stopped after {MAX_PROBLEMS} problems; fix these and run again"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(GOOD.encode() + b'{"small_score": "\xff"}\n')
    with pytest.raises(InputError) as info:
        read_log(path)
    assert str(info.value) == f"{path}:2:18: is not UTF-8 text (byte 0xff); save it as UTF-8"


@pytest.mark.parametrize(("name", "why"), [("missing.jsonl", "no such log file; check the path")])
def test_unreadable(tmp_path: Path, name: str, why: str) -> None:
    with pytest.raises(InputError) as info:
        read_log(tmp_path / name)
    assert str(info.value).endswith(why)


def test_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_log(tmp_path)


def test_good_logs_in_both_formats_read_the_same(tmp_path: Path) -> None:
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(
        '{"id": 1, "small_score": true, "large_score": 0.5, "router_score": -2, '
        '"input_tokens": 10, "output_tokens": 4, "tags": "x"}\n\n'
        '{"small_score": 0, "large_score": 1, "router_score": 3.5, "input_tokens": 20, '
        '"output_tokens": 6, "tags": ["x", "y", "x"]}\n',
        encoding="utf-8",
    )
    csv = tmp_path / "a.csv"
    csv.write_text(
        "\ufeffid,small_score,large_score,router_score,input_tokens,output_tokens,tags\r\n"
        '1,TRUE,0.5,-2,10,4,x\r\n"two, quoted",0,1,3.5,20,6,x;y\r\n',
        encoding="utf-8",
    )
    for path in (jsonl, csv):
        log = read_log(path)
        assert (list(log.small), list(log.large)) == ([1.0, 0.0], [0.5, 1.0])
        assert log.router is not None and list(log.router) == [-2.0, 3.5]
        assert log.mean_tokens() == (15.0, 5.0)
        assert {k: list(v) for k, v in log.tag_rows.items()} == {"x": [0, 1], "y": [1]}


def test_format_from_content_when_the_suffix_says_nothing(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_text("small_score,large_score\n1,0\n", encoding="utf-8")
    assert read_log(path).requests == 1
    path.write_text(GOOD, encoding="utf-8")
    assert read_log(path).requests == 1
    assert read_log(path).router is None
