"""Writing files without losing anything: atomic replace, never a silent overwrite."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from slmvllm.errors import InputError, Problem


def write_atomic(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write `text` to `path` via a temporary file in the same folder and an atomic rename.

    Raises InputError when `path` exists and `overwrite` is false, or when the
    folder cannot be written; the existing file is never left half-written.
    """
    try:
        if path.is_dir():
            raise InputError(Problem(str(path), "is a folder; give a file name to save to"))
        if path.exists() and not overwrite:
            raise InputError(Problem(str(path), "already exists; pass --force to overwrite it"))
        # Hidden, beside the target (a rename never crosses file systems), and not *.yaml:
        # a folder being advised meanwhile never picks it up.
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(Problem(str(path), f"cannot write here: {exc.strerror or exc}")) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            os.fchmod(stream.fileno(), _mode_for(path))
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if overwrite:
            Path(temp).replace(path)
        else:
            _move_to_new(Path(temp), path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            Path(temp).unlink()
        if isinstance(exc, OSError):  # disk full, quota, a folder at `path`...: not a bug
            raise InputError(
                Problem(str(path), f"cannot be written: {exc.strerror or exc}; nothing changed")
            ) from None
        raise


def _mode_for(path: Path) -> int:
    # mkstemp makes the file 0600; keep an overwritten file's mode, else what umask allows.
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _move_to_new(temp: Path, path: Path) -> None:
    # A hard link fails atomically when `path` exists, so a file another program
    # creates meanwhile is never replaced; without hard links: check, then rename.
    try:
        os.link(temp, path)
    except FileExistsError:
        raise InputError(
            Problem(str(path), "already exists; pass --force to overwrite it")
        ) from None
    except OSError:
        if path.exists():
            raise InputError(
                Problem(str(path), "already exists; pass --force to overwrite it")
            ) from None
        temp.replace(path)
        return
    temp.unlink()
