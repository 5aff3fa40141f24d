"""Reading one input's bytes: files, folders and stdin, with size and encoding checks."""

from __future__ import annotations

import sys
import typing
from pathlib import Path

from slmvllm.errors import InputError, Problem
from slmvllm.loading.documents import MAX_BYTES, STDIN_NAME, Source


def read_source(path: Path, *, what: str = "file", stdin: typing.IO[bytes] | None = None) -> Source:
    """Read one input as UTF-8 text: a path, or standard input when `path` is `-`."""
    if str(path) == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        raw = stream.read(MAX_BYTES + 1)
        return Source(STDIN_NAME, _decode(raw, STDIN_NAME))
    name = str(path)
    try:
        if path.is_symlink() and not path.exists():
            raise InputError(
                Problem(
                    name, f"broken symbolic link (points to {path.readlink()}); fix or remove it"
                )
            )
        if not path.exists():
            raise InputError(Problem(name, f"no such {what}; check the path"))
        if path.is_dir():
            raise InputError(Problem(name, f"is a directory, expected a YAML {what}"))
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except PermissionError:
        raise InputError(Problem(name, "permission denied; check the file's permissions")) from None
    except OSError as exc:  # a name too long, a loop of links, an I/O error...
        raise InputError(Problem(name, f"cannot be read: {exc.strerror or exc}")) from None
    return Source(name, _decode(raw, name))


def _decode(raw: bytes, name: str) -> str:
    if len(raw) > MAX_BYTES:
        raise InputError(
            Problem(name, f"is larger than {MAX_BYTES // (1024 * 1024)} MiB; is it the right file?")
        )
    if b"\x00" in raw:
        line, column = _byte_position(raw, raw.index(b"\x00"))
        raise InputError(Problem(name, "is a binary file, not YAML text", line=line, column=column))
    try:
        return raw.decode("utf-8-sig")  # a leading byte-order mark is accepted and dropped
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        raise InputError(
            Problem(
                name,
                f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
                line=line,
                column=column,
            )
        ) from None


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    # Line and column (1-based, counting bytes) of a byte the decoder stopped at.
    before = raw[:offset]
    return before.count(b"\n") + 1, offset - (before.rfind(b"\n") + 1) + 1


def directory_yaml_files(path: Path, *, skip: frozenset[str] = frozenset()) -> list[Path]:
    """Every `*.yaml` and `*.yml` file directly in a folder, sorted by name, but those in `skip`."""
    try:
        files = sorted(
            p
            for p in path.iterdir()
            if p.suffix in {".yaml", ".yml"} and p.name not in skip and p.is_file()
        )
    except PermissionError:
        raise InputError(Problem(str(path), "permission denied; cannot list the folder")) from None
    except OSError as exc:
        raise InputError(
            Problem(str(path), f"cannot list the folder: {exc.strerror or exc}")
        ) from None
    if not files:
        skipped = sorted(name for name in skip if (path / name).is_file())
        but = f" but {', '.join(skipped)}, which is not read here" if skipped else ""
        raise InputError(Problem(str(path), f"folder has no *.yaml or *.yml file{but}"))
    return files
