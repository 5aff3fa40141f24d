"""The questionnaire in a real pseudo-terminal (pexpect): prompts, re-asks, saving, Ctrl-C."""

from __future__ import annotations

import json
import re
import signal
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from .conftest import run_cli, tree_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def as_at_a_terminal() -> None:
    """Run in the child before it starts: Ctrl-C interrupts, as in a user's terminal.

    A test run started as a background job (`cmd &` in a script) ignores SIGINT, and a
    child inherits that; Python then installs no KeyboardInterrupt handler at all, and
    every Ctrl-C case would time out instead of testing the questionnaire.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(*args: str, cwd: Path) -> pexpect.spawn:
    """The CLI in a pseudo-terminal; pass --all-questions for the rule set's full order."""
    env = tree_env(NO_COLOR="1", COLUMNS="120", TERM="dumb")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "slmvllm", *args],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=20,
        preexec_fn=as_at_a_terminal,
    )
    child.delaybeforesend = 0.02
    return child


def answer(child: pexpect.spawn, prompt: str, text: str) -> None:
    child.expect_exact(prompt)
    child.expect_exact("> ")
    child.sendline(text)


def test_full_questionnaire_saves_and_advises(tmp_path: Path) -> None:
    child = spawn(
        "advise",
        "--all-questions",
        "--format",
        "json",
        "--save-answers",
        "answers.yaml",
        cwd=tmp_path,
    )
    answer(child, "Describe the use case", "Tag tickets — ünïcode ✓")
    answer(child, "main job", "clasification")  # typo: re-asked with a hint
    child.expect_exact("did you mean 'classification'?")
    child.expect_exact("> ")
    child.sendline("1")  # by number
    answer(child, "How specialised", "narrow")
    answer(child, "How many distinct tasks", "single")
    answer(child, "How many requests a month", "lots")  # not a number: re-asked
    child.expect_exact("expected a whole number")
    child.expect_exact("> ")
    child.sendline("2_000_000")
    answer(child, "Average prompt tokens", "")  # keep the default
    answer(child, "Average completion tokens", "20")
    answer(child, "Response-time target", "")
    answer(child, "How sensitive", "internal")
    answer(child, "Where may the model run", "")
    answer(child, "labelled examples", "15000")
    answer(child, "How strong is the team", "strong")
    answer(child, "Weeks until", "")
    answer(child, "What does a wrong answer cost", "")
    answer(child, "Monthly budget", "")
    answer(child, "largest GPU", "")
    answer(child, "Longest context", "")
    answer(child, "vary a lot in difficulty", "")
    answer(child, "What does the model produce", "label")
    answer(child, "broad world knowledge", "")
    answer(child, "enterprise agreement", "")
    answer(child, "hardest requests", "")
    answer(child, "split into steps", "")
    answer(child, "already run for this", "")
    answer(child, "Override how much criteria matter", "cost=5")
    child.expect_exact("Saved answers to answers.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    saved = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert saved["task_type"] == "classification"
    assert saved["use_case"] == "Tag tickets — ünïcode ✓"
    assert saved["monthly_requests"] == 2_000_000
    assert saved["priorities"] == {"cost": 5}
    assert "input_tokens" not in saved  # defaults are not written as answers
    # The JSON went to stdout; the pty merges streams, so find the document in the output.
    text = child.before or ""
    doc = json.loads(text[text.index("{") :])
    assert doc["recommendation"] == "slm"


def test_skipped_questions_follow_ask_if(tmp_path: Path) -> None:
    child = spawn(
        "advise",
        "--all-questions",
        "--set",
        "hosting=on_device",
        "--set",
        "use_case=x",
        cwd=tmp_path,
    )
    for _ in range(4):
        child.expect_exact("> ")
        child.sendline("")
    # monthly_requests left unknown: the token questions are skipped.
    child.expect_exact("Response-time target")
    assert "Average prompt tokens" not in (child.before or "")
    child.sendintr()
    child.expect_exact("Save these answers")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_ctrl_c_saves_partial_answers(tmp_path: Path) -> None:
    child = spawn("advise", "--all-questions", "--save-answers", "partial.yaml", cwd=tmp_path)
    answer(child, "Describe the use case", "half done")
    answer(child, "main job", "chat")
    child.expect_exact("How specialised")
    child.expect_exact("> ")
    child.kill(signal.SIGINT)
    child.expect_exact("answers saved to partial.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    text = (tmp_path / "partial.yaml").read_text(encoding="utf-8")
    assert "Partial" in text
    assert yaml.safe_load(text) == {"use_case": "half done", "task_type": "chat"}
    assert "Traceback" not in (child.before or "")


def test_ctrl_d_offers_to_save(tmp_path: Path) -> None:
    child = spawn("advise", "--all-questions", cwd=tmp_path)
    answer(child, "Describe the use case", "offer me")
    child.expect_exact("main job")
    child.expect_exact("> ")
    child.sendeof()
    child.expect_exact("Save these answers")
    child.sendline("kept.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert yaml.safe_load((tmp_path / "kept.yaml").read_text(encoding="utf-8")) == {
        "use_case": "offer me"
    }


def test_existing_file_is_not_overwritten_without_asking(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("precious: true\n", encoding="utf-8")
    child = spawn(
        "advise",
        "--all-questions",
        "--save-answers",
        "mine.yaml",
        "--set",
        "use_case=x",
        cwd=tmp_path,
    )
    answer(child, "main job", "chat")
    child.sendintr()
    child.expect_exact("mine.yaml exists. Overwrite it?")
    child.sendline("n")
    child.expect_exact("Another file name")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert (tmp_path / "mine.yaml").read_text(encoding="utf-8") == "precious: true\n"


def test_interactive_resume_of_a_partial_file(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "use_case: resume\ntask_type: agentic\ndomain_focus: broad\ntask_breadth: open_ended\n"
        "monthly_requests: 1000\ninput_tokens: 100\noutput_tokens: 100\nlatency_p95_ms: 5000\n"
        "data_sensitivity: public\nhosting: any\nlabelled_examples: 0\nml_expertise: none\n"
        "weeks_to_launch: 2\nquality_bar: high\nbudget_usd_per_month: 100\ngpu_memory_gb: 0\n",
        encoding="utf-8",
    )
    child = spawn("advise", "--all-questions", "-r", "p.yaml", "-i", "-f", "json", cwd=tmp_path)
    answer(child, "Longest context", "8000")
    answer(child, "vary a lot in difficulty", "")
    answer(child, "What does the model produce", "")
    answer(child, "broad world knowledge", "high")
    answer(child, "enterprise agreement", "")
    answer(child, "hardest requests", "")
    answer(child, "split into steps", "")
    answer(child, "already run for this", "")
    answer(child, "Override how much criteria matter", "")
    child.expect_exact("Save these answers")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = child.before or ""
    assert json.loads(text[text.index("{") :])["recommendation"] == "llm"


# --------------------------------------------------------------------------- issue 4: hardening

ALL_BUT_THREE = [
    f"--set={name}={value}"
    for name, value in {
        "task_type": "classification",
        "domain_focus": "narrow",
        "task_breadth": "single",
        "input_tokens": "300",
        "output_tokens": "20",
        "latency_p95_ms": "500",
        "data_sensitivity": "internal",
        "hosting": "any",
        "labelled_examples": "15000",
        "ml_expertise": "strong",
        "weeks_to_launch": "8",
        "quality_bar": "high",
        "budget_usd_per_month": "2000",
        "gpu_memory_gb": "24",
        "context_tokens": "2000",
        "difficulty_mix": "uniform",
        "output_form": "label",
        "world_knowledge": "low",
        "enterprise_agreement": "none",
        "hardest_requests": "routine",
        "work_stages": "single",
        "starting_point": "none",
    }.items()
]  # left to ask: use_case, monthly_requests, priorities


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    text = child.before or ""
    assert "Traceback" not in text
    return text


def test_ctrl_d_at_the_first_question_has_nothing_to_save(tmp_path: Path) -> None:
    child = spawn("advise", cwd=tmp_path)
    child.expect_exact("Describe the use case")
    child.expect_exact("> ")
    child.sendeof()
    child.expect_exact("questionnaire input ended (Ctrl-D); nothing saved")
    text = finish(child)
    assert child.exitstatus == 130
    assert "Save these answers" not in text
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_at_a_number_prompt_with_force_overwrites(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("old: true\n", encoding="utf-8")
    child = spawn(
        "advise",
        "--all-questions",
        "--save-answers",
        "mine.yaml",
        "--force",
        *ALL_BUT_THREE,
        cwd=tmp_path,
    )
    answer(child, "Describe the use case", "forced")
    child.expect_exact("How many requests a month")
    child.expect_exact("> ")
    child.sendintr()
    child.expect_exact("answers saved to mine.yaml")
    text = finish(child)
    assert child.exitstatus == 130
    assert "Overwrite it?" not in text  # --force: no question
    saved = yaml.safe_load((tmp_path / "mine.yaml").read_text(encoding="utf-8"))
    assert saved["use_case"] == "forced" and saved["task_type"] == "classification"


def test_ctrl_c_at_the_overwrite_question_keeps_the_file(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("precious: true\n", encoding="utf-8")
    child = spawn(
        "advise",
        "--all-questions",
        "--save-answers",
        "mine.yaml",
        "--set",
        "use_case=x",
        cwd=tmp_path,
    )
    answer(child, "main job", "chat")
    child.expect_exact("How specialised")  # "chat" was read: a Ctrl-C now cannot flush it
    child.expect_exact("> ")
    child.sendintr()
    child.expect_exact("Overwrite it?")
    child.sendintr()  # a second Ctrl-C: no
    child.expect_exact("Another file name")
    child.sendeof()  # and Ctrl-D: discard
    child.expect_exact("nothing saved")
    finish(child)
    assert child.exitstatus == 130
    assert (tmp_path / "mine.yaml").read_text(encoding="utf-8") == "precious: true\n"


def test_a_place_that_cannot_be_written_offers_another_name(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    child = spawn(
        "advise",
        "--all-questions",
        "--save-answers",
        "missing/answers.yaml",
        "--set",
        "use_case=x",
        cwd=tmp_path,
    )
    answer(child, "main job", "chat")
    child.expect_exact("How specialised")  # "chat" was read: a Ctrl-C now cannot flush it
    child.expect_exact("> ")
    child.sendintr()
    child.expect_exact("cannot write here")
    child.expect_exact("Another file name")
    child.sendline("folder")  # a folder: refused too, asked again
    child.expect_exact("is a folder")
    child.expect_exact("Another file name")
    child.sendline("kept.yaml")
    child.expect_exact("answers saved to kept.yaml")
    finish(child)
    assert child.exitstatus == 130
    assert yaml.safe_load((tmp_path / "kept.yaml").read_text(encoding="utf-8")) == {
        "use_case": "x",
        "task_type": "chat",
    }


def test_prompts_on_the_terminal_results_in_the_pipe(tmp_path: Path) -> None:
    # stdin and stderr are the terminal; stdout is a pipe into a file.
    args = " ".join(f"'{a}'" for a in ALL_BUT_THREE)
    command = (
        f"'{sys.executable}' -m slmvllm advise --all-questions -f json {args} | cat > out.json"
    )
    env = tree_env(NO_COLOR="1", COLUMNS="120", TERM="dumb")
    child = pexpect.spawn(
        "bash",
        ["-c", command],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
        preexec_fn=as_at_a_terminal,
    )
    child.delaybeforesend = 0.02
    answer(child, "Describe the use case", "Étiquetage — 日本語 ✓")
    answer(child, "How many requests a month", "0755")
    child.expect_exact("without the leading zero; try again")
    for bad, why in [("1:30", "write a single number"), ("5.0", "use a whole number")]:
        child.expect_exact("> ")
        child.sendline(bad)
        child.expect_exact(why)
    child.expect_exact("> ")
    child.sendline("2_000_000")
    answer(child, "Override how much criteria matter", "speed=3")
    child.expect_exact("unknown criterion 'speed'")
    child.expect_exact("> ")
    child.sendline("cost=5")
    child.expect_exact("Save these answers")
    child.sendline("")
    text = finish(child)
    assert child.exitstatus == 0
    assert "{" not in text  # nothing of the result on the terminal
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert doc["requirements"]["use_case"] == "Étiquetage — 日本語 ✓"
    assert doc["requirements"]["monthly_requests"] == 2_000_000


@pytest.mark.parametrize("strict", [False, True])
def test_bytes_that_are_not_utf8_are_asked_again(tmp_path: Path, strict: bool) -> None:
    env = tree_env(NO_COLOR="1", COLUMNS="120", TERM="dumb")
    if strict:  # a locale that raises on bad bytes instead of keeping them as surrogates
        env["PYTHONIOENCODING"] = "utf-8:strict"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "slmvllm", "advise", "--all-questions"],
        cwd=str(tmp_path),
        env=env,
        timeout=20,
        preexec_fn=as_at_a_terminal,
    )
    child.delaybeforesend = 0.02
    child.expect_exact(b"Describe the use case")
    child.expect_exact(b"> ")
    child.send(b"caf\xe9\r")
    child.expect_exact(b"not valid UTF-8" if not strict else b"not UTF-8 text; try again")
    child.expect_exact(b"> ")
    child.sendline(b"caf\xc3\xa9")
    child.expect_exact(b"main job")
    child.sendintr()
    child.expect_exact(b"Save these answers")
    child.sendline(b"cafe.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert b"Traceback" not in (child.before or b"")
    assert yaml.safe_load((tmp_path / "cafe.yaml").read_text(encoding="utf-8")) == {
        "use_case": "café"
    }


def test_escapes_in_a_rule_sets_questions_are_shown_literally(tmp_path: Path) -> None:
    from .conftest import ROOT

    rules = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8")
    hostile = '"\\e[31mRED\\e[0m \\e]8;;https://evil.example\\aclick\\e]8;;\\a [bold red]x[/] \\u202eevil"'
    rules = rules.replace("prompt: Describe the use case in one line", f"prompt: {hostile}", 1)
    rules = re.sub(r"(?m)^(    help: ).*$", lambda m: m.group(1) + hostile, rules, count=1)
    assert rules.count(hostile) == 2
    (tmp_path / "rules.yaml").write_text(rules, encoding="utf-8")
    child = spawn("advise", "--rules", "rules.yaml", cwd=tmp_path)
    child.expect_exact("> ")
    text = child.before or ""
    child.sendeof()
    finish(child)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert text.count("\\x1b[31mRED\\x1b[0m") == 2  # prompt and help, shown as text
    assert "[bold red]x[/]" in text and "\\u202eevil" in text


def test_requirements_typed_at_the_terminal_say_how_to_end(tmp_path: Path) -> None:
    child = spawn("advise", "-r", "-", "-f", "json", cwd=tmp_path)
    child.expect_exact("end it with Ctrl-D")
    child.sendline("use_case: typed here")
    child.sendline("task_type: classification")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = child.before or ""
    assert json.loads(text[text.index("{") :])["requirements"]["task_type"] == "classification"


def test_three_ways_in_give_the_same_result(tmp_path: Path) -> None:
    # The brief's promise: the questionnaire, a requirements file and --set in CI ask
    # the same questions of the same engine and get the same result, to the last key.
    child = spawn(
        "advise", "--all-questions", "-f", "json", "--save-answers", "answers.yaml", cwd=tmp_path
    )
    typed = {
        "Describe the use case": "Route insurance claims",
        "main job": "3",  # summarization, by number
        "How specialised": "narrow",
        "How many distinct tasks": "few",
        "How many requests a month": "3_000_000",
        "Average prompt tokens": "1200",
        "Average completion tokens": "",
        "Response-time target": "",
        "How sensitive": "regulated",
        "Where may the model run": "private_cloud",
        "labelled examples": "5000",
        "How strong is the team": "some",
        "Weeks until": "10",
        "What does a wrong answer cost": "critical",
        "Monthly budget": "",
        "largest GPU": "80",
        "Longest context": "",
        "vary a lot in difficulty": "mixed",
        "What does the model produce": "structured",
        "broad world knowledge": "low",
        "enterprise agreement": "in_place",
        "hardest requests": "routine",
        "split into steps": "split",
        "already run for this": "none",
        "Override how much criteria matter": "data_control=5",
    }
    for prompt, text in typed.items():
        answer(child, prompt, text)
    child.expect_exact("Saved answers to answers.yaml")
    out = finish(child)
    assert child.exitstatus == 0
    by_prompt = json.loads(out[out.index("{") :])

    by_file = run_cli("advise", "-r", "answers.yaml", "-f", "json", cwd=tmp_path)
    assert by_file.code == 0, by_file.err
    doc_file = json.loads(by_file.out)
    assert doc_file.pop("source") == "answers.yaml"

    saved = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    flags = [
        f"--set=priorities.{k}={v}" if name == "priorities" else f"--set={name}={v}"
        for name, value in saved.items()
        for k, v in (value.items() if name == "priorities" else [(None, value)])
    ]
    by_set = run_cli("advise", "-r", "-", "-f", "json", *flags, stdin="{}\n", cwd=tmp_path)
    assert by_set.code == 0, by_set.err
    doc_set = json.loads(by_set.out)
    doc_set.pop("source", None)

    assert by_prompt["recommendation"] == "slm"  # regulated, private cloud, labelled data
    assert doc_file == by_prompt
    assert doc_set == by_prompt


# --------------------------------------------------------------------------- issue 17: adaptive


def test_the_questionnaire_stops_when_nothing_can_change_it(tmp_path: Path) -> None:
    child = spawn("advise", "-f", "json", "--save-answers", "a.yaml", cwd=tmp_path)
    answer(child, "Describe the use case", "Reply suggestions on the phone")
    answer(child, "Where may the model run", "on_device")  # the most decisive question
    child.expect_exact("leading: slm (confidence 0.95); 0 remaining questions could")
    child.expect(r"No remaining answer can change this: (\d+) questions skipped")
    skipped = int(child.match.group(1))
    child.expect_exact("Priorities (Enter finishes)> ")
    child.sendline("")
    child.expect_exact("Saved answers to a.yaml")
    text = finish(child)
    assert child.exitstatus == 0
    assert json.loads(text[text.index("{") :])["recommendation"] == "slm"
    saved = (tmp_path / "a.yaml").read_text(encoding="utf-8")
    assert "# Not asked (no answer to them could change the recommendation" in saved
    assert yaml.safe_load(saved) == {
        "use_case": "Reply suggestions on the phone",
        "hosting": "on_device",
    }
    assert skipped >= 15


def test_interactive_with_a_file_asks_only_what_could_change_it(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("use_case: resume\nhosting: on_device\n", encoding="utf-8")
    child = spawn("advise", "-r", "p.yaml", "-i", "-f", "json", cwd=tmp_path)
    child.expect_exact("No remaining answer can change this")
    child.expect_exact("Priorities (Enter finishes)> ")
    before = child.before or ""
    assert "[" not in before.split("Ctrl-C stops")[-1].split("No remaining")[0]  # none asked
    child.sendline("")
    child.expect_exact("Save these answers")
    child.sendline("")
    text = finish(child)
    assert child.exitstatus == 0
    assert json.loads(text[text.index("{") :])["recommendation"] == "slm"
