"""Writing files without losing anything: atomic replace, never a silent overwrite."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from slmvllm.errors import InputError, Problem


def write_atomic(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write `text` to `path` via a temporary file in the same folder and an atomic rename.

    Raises InputError when `path` exists and `overwrite` is false, or when the
    folder cannot be written; the existing file is never left half-written.
    """
    if path.exists() and not overwrite:
        raise InputError(Problem(str(path), "already exists; pass --force to overwrite it"))
    folder = path.parent if str(path.parent) else Path()
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(Problem(str(path), f"cannot write here: {exc.strerror or exc}")) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if not overwrite and path.exists():  # created meanwhile by someone else
            raise InputError(Problem(str(path), "already exists; pass --force to overwrite it"))
        Path(temp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temp).unlink()
        raise
