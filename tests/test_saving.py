"""Nothing lost: --save-answers never overwrites without leave, and writes atomically."""

from __future__ import annotations

import errno
import os
import sys
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
    with pytest.raises(InputError) as err:
        write_atomic(target, "new\n")
    assert str(err.value) == f"{target}: already exists; pass --force to overwrite it"
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
    assert str(err.value) == f"{target}: cannot be written: {error.strerror}; nothing changed"
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
    with pytest.raises(InputError) as err:
        write_atomic(target, "mine\n")
    assert str(err.value) == f"{target}: already exists; pass --force to overwrite it"
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
    with pytest.raises(InputError) as err:
        write_atomic(target, "again\n")
    assert str(err.value) == f"{target}: already exists; pass --force to overwrite it"
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
    with pytest.raises(InputError) as err:
        write_atomic(tmp_path / name, "a: 1\n", overwrite=True)
    assert str(err.value) == f"{tmp_path / name}: {message}"
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


def test_the_temporary_file_is_hidden_beside_the_target_and_not_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # While the text is written, the only other file is `.answers.yaml.<random>.tmp`:
    # in the same folder (so the rename is atomic), hidden, and not picked up as *.yaml.
    target = tmp_path / "answers.yaml"
    seen: list[str] = []
    real_fsync = os.fsync

    def look(fd: int) -> None:
        real_fsync(fd)
        seen.extend(p.name for p in tmp_path.iterdir())

    monkeypatch.setattr(os, "fsync", look)
    write_atomic(target, "a: 1\n")
    (temp,) = seen
    assert temp.startswith(".answers.yaml.") and temp.endswith(".tmp")
    assert len(temp) > len(".answers.yaml..tmp")  # a random part between
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]


def test_a_relative_name_saves_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_atomic(Path("answers.yaml"), "a: 1\n")
    assert (tmp_path / "answers.yaml").read_text(encoding="utf-8") == "a: 1\n"
    assert leftovers(tmp_path) == []


def test_answers_are_saved_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    # Under an ASCII locale (LC_CTYPE=C), a file opened without an encoding could not
    # hold "é": the save names UTF-8 itself. (In Python's UTF-8 mode every default is
    # UTF-8 and the locale cannot change it, so there is nothing to tell apart.)
    import locale

    if sys.flags.utf8_mode:
        pytest.skip("Python runs in UTF-8 mode: the locale does not choose the encoding")
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        assert locale.getencoding().lower() in {"ascii", "ansi_x3.4-1968"}
        write_atomic(tmp_path / "answers.yaml", "use_case: café\n")
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert (tmp_path / "answers.yaml").read_bytes() == "use_case: café\n".encode()


def test_a_failed_clean_up_still_gives_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The disk fills up and the temporary file cannot be removed either (a read-only
    # remount): still one located message, never a traceback.
    target = tmp_path / "answers.yaml"

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def stuck(self: Path, missing_ok: bool = False) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "fsync", full)
    monkeypatch.setattr(Path, "unlink", stuck)
    with pytest.raises(InputError) as err:
        write_atomic(target, "a: 1\n")
    assert (
        str(err.value) == f"{target}: cannot be written: No space left on device; nothing changed"
    )


def test_without_hard_links_a_file_created_meanwhile_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No hard links (some network and FAT file systems), and another program creates the
    # file after the first check: the second check, just before the rename, refuses.
    target = tmp_path / "answers.yaml"
    real_fsync = os.fsync

    def someone_else_writes(fd: int) -> None:
        real_fsync(fd)
        target.write_text("theirs\n")

    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "fsync", someone_else_writes)
    monkeypatch.setattr(os, "link", no_links)
    with pytest.raises(InputError) as err:
        write_atomic(target, "mine\n")
    assert str(err.value) == f"{target}: already exists; pass --force to overwrite it"
    assert target.read_text() == "theirs\n"
    assert leftovers(tmp_path) == []
