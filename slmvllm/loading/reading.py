"""Reading one input's bytes: files, folders and stdin, with size and encoding checks."""

from __future__ import annotations

import os
import stat
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


def stdin_once(inputs: dict[str, Path | None | list[Path]]) -> None:
    """Refuse a command line that gives standard input (`-`) to more than one option.

    `inputs` maps each option (as the user writes it) to its path or paths. Standard
    input can be read once: a second reader would get nothing and report a dozen
    unrelated errors about an empty file, so the mix-up is named instead, before any read.
    """
    takers: list[str] = []
    for option, given in inputs.items():
        paths = given if isinstance(given, list) else [given]
        if any(path is not None and str(path) == "-" for path in paths):
            takers.append(option)  # twice in one option: that option's own check says so
    if len(takers) > 1:
        shown = " and ".join(f"{option} -" for option in takers)
        raise InputError(
            Problem(
                "command line",
                f"standard input is given to {shown}; it can be read only once, so give "
                "the other file by its path",
            )
        )


class PathRuleError(ValueError):
    """A path written in a user's file names something the path rule does not allow."""


def contained_file(folder: Path, value: str, *, root: Path | None = None) -> Path:
    """The file a path written inside a user's file names, if the path rule allows it.

    Files come from others (a layer's `extends`, a labels file's `file:`), so what they
    may name is bounded by one rule: a relative path to a regular file inside `root`
    (the folder of the file the user named; `folder` where the path is read from, by
    default the same). The folder and the file are resolved the same way: lexically
    (so a `..` that leaves `root` is refused even when it comes back) and with every
    symbolic link followed (so a link out of `root` is refused, and a `root` reached
    through a linked folder is not). The file is checked with `stat` before anyone
    opens it: a FIFO, a device or a socket is refused without being opened (opening a
    FIFO waits for a writer forever). Raises `PathRuleError` saying what is wrong and
    how to fix it; the caller places it at the line that holds the path.
    """
    root = folder if root is None else root
    if not value.strip():
        raise PathRuleError("names no file; give a path relative to this file")
    given = Path(value)
    if given.is_absolute() or value.startswith("~"):
        raise PathRuleError(
            "is an absolute path; name the file relative to this file "
            "(files come from others, so what they name must be next to them)"
        )
    candidate = folder / given
    top = _absolute(root)
    if not _inside(_absolute(candidate), top):
        raise PathRuleError(
            f"leaves the folder of the file you named ({top}) through '..'; put the file in "
            "that folder "
            "(or below it) and name it from there"
        )
    try:
        real = Path(os.path.realpath(candidate))
        real_top = Path(os.path.realpath(top))
    except (OSError, ValueError) as exc:
        raise PathRuleError(f"cannot be resolved: {_reason(exc)}") from None
    if not _inside(real, real_top):
        raise PathRuleError(
            f"is a symbolic link to {real}, outside the folder of the file you named ({top}); "
            "copy the file into that folder"
        )
    try:
        # The path as the system opens it, and as resolved above: `link/..` may differ
        # (the system refuses a link to a file followed by `..`; realpath does not).
        opened = candidate.stat()
        mode = opened.st_mode
        resolved = real.stat()
    except FileNotFoundError:
        raise PathRuleError(f"names no existing file ({candidate}); check the path") from None
    except (OSError, ValueError) as exc:  # a name too long, a loop of links, no permission
        raise PathRuleError(f"cannot be used: {_reason(exc)}") from None
    if not os.path.samestat(opened, resolved):
        raise PathRuleError("resolves to two different files; name the file without links")
    if stat.S_ISDIR(mode):
        raise PathRuleError("is a folder; name a YAML file")
    if not stat.S_ISREG(mode):
        raise PathRuleError(
            "is not a regular file (a FIFO, a device or a socket); name a YAML file"
        )
    # Not normalised: `sub/../x` is opened the way it was resolved (`sub` may be a link).
    return candidate


def _absolute(path: Path) -> Path:
    # Lexically (links untouched), so the `..` check sees the path as written.
    return Path(os.path.normpath(Path.cwd() / path))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)


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
