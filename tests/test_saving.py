"""Nothing lost: --save-answers never overwrites without leave, and writes atomically."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from slmvllm.errors import InputError
from slmvllm.loading.saving import write_atomic


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_new_file(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    write_atomic(target, "a: 1\n")
    assert target.read_text(encoding="utf-8") == "a: 1\n"
    assert leftovers(tmp_path) == []


def test_existing_file_is_not_overwritten_without_leave(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("precious\n")
    with pytest.raises(InputError, match="already exists; pass --force to overwrite it"):
        write_atomic(target, "new\n")
    assert target.read_text() == "precious\n"
    write_atomic(target, "new\n", overwrite=True)
    assert target.read_text() == "new\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EDQUOT, "Disk quota exceeded"),
    ],
)
def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError
) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("precious\n")

    def fail(fd: int) -> None:
        raise error

    monkeypatch.setattr(os, "fsync", fail)  # the data is written, not yet safe on disk
    with pytest.raises(InputError) as err:
        write_atomic(target, "new\n", overwrite=True)
    assert f"cannot be written: {error.strerror}; nothing changed" in str(err.value)
    assert target.read_text() == "precious\n"
    assert leftovers(tmp_path) == []


def test_ctrl_c_during_the_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("precious\n")

    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new\n", overwrite=True)
    assert target.read_text() == "precious\n"
    assert leftovers(tmp_path) == []


def test_a_file_created_meanwhile_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "answers.yaml"
    real_fsync = os.fsync

    def someone_else_writes(fd: int) -> None:
        real_fsync(fd)
        target.write_text("theirs\n")

    monkeypatch.setattr(os, "fsync", someone_else_writes)
    with pytest.raises(InputError, match="already exists"):
        write_atomic(target, "mine\n")
    assert target.read_text() == "theirs\n"
    assert leftovers(tmp_path) == []


def test_without_hard_links_it_still_refuses_to_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "answers.yaml"
    write_atomic(target, "mine\n")
    assert target.read_text() == "mine\n"
    with pytest.raises(InputError, match="already exists"):
        write_atomic(target, "again\n")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("folder", "is a folder; give a file name to save to"),
        ("missing/answers.yaml", "cannot write here: No such file or directory"),
        ("a" * 5000, "cannot write here: File name too long"),
    ],
)
def test_places_that_cannot_be_written(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(InputError, match=message):
        write_atomic(tmp_path / name, "a: 1\n", overwrite=True)
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "folder") == []


def test_modes(tmp_path: Path) -> None:
    # A new file gets what the umask allows (not mkstemp's 0600); an overwritten one keeps its own.
    mask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.yaml"
        write_atomic(fresh, "a: 1\n")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.yaml"
        kept.write_text("old\n")
        kept.chmod(0o640)
        write_atomic(kept, "new\n", overwrite=True)
        assert kept.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(mask)


def test_saved_answers_read_back_as_typed(rule_set: object) -> None:
    # PyYAML writes `1e5` plain (a string to YAML 1.1); slmvllm reads it as a number. The
    # answers file quotes every such string, so a saved file always loads again.
    from slmvllm.advice.questions import answers_yaml
    from slmvllm.loading.documents import Source
    from slmvllm.loading.validation import validate
    from slmvllm.loading.yaml_parsing import parse_yaml
    from slmvllm.requirements import Requirements

    answers = {"use_case": "1e5", "task_type": "chat", "weeks_to_launch": 2.0}
    for text in ["1e5", "1E+3", "1e400", "0755", "no", "~", "x\x1by", "日本 ✓"]:
        answers["use_case"] = text
        saved = answers_yaml(rule_set, answers)  # type: ignore[arg-type]
        again = validate(Requirements, parse_yaml(Source("saved.yaml", saved)))
        assert again.given() == answers


def test_overwriting_a_symbolic_link_replaces_the_link_not_its_target(tmp_path: Path) -> None:
    target = tmp_path / "shared.yaml"
    target.write_text("theirs: true\n", encoding="utf-8")
    link = tmp_path / "mine.yaml"
    link.symlink_to(target)
    write_atomic(link, "mine: true\n", overwrite=True)
    assert not link.is_symlink()
    assert link.read_text(encoding="utf-8") == "mine: true\n"
    assert target.read_text(encoding="utf-8") == "theirs: true\n"
