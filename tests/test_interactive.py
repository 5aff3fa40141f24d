"""The questionnaire in a real pseudo-terminal (pexpect): prompts, re-asks, saving, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def spawn(*args: str, cwd: Path) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "slmvllm", *args],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=20,
    )
    child.delaybeforesend = 0.02
    return child


def answer(child: pexpect.spawn, prompt: str, text: str) -> None:
    child.expect_exact(prompt)
    child.expect_exact("> ")
    child.sendline(text)


def test_full_questionnaire_saves_and_advises(tmp_path: Path) -> None:
    child = spawn("advise", "--format", "json", "--save-answers", "answers.yaml", cwd=tmp_path)
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
    child = spawn("advise", "--set", "hosting=on_device", "--set", "use_case=x", cwd=tmp_path)
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
    child = spawn("advise", "--save-answers", "partial.yaml", cwd=tmp_path)
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
    child = spawn("advise", cwd=tmp_path)
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
    child = spawn("advise", "--save-answers", "mine.yaml", "--set", "use_case=x", cwd=tmp_path)
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
    child = spawn("advise", "-r", "p.yaml", "-i", "-f", "json", cwd=tmp_path)
    answer(child, "Longest context", "8000")
    answer(child, "Override how much criteria matter", "")
    child.expect_exact("Save these answers")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = child.before or ""
    assert json.loads(text[text.index("{") :])["recommendation"] == "llm"
