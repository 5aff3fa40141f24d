"""`slmvllm models update`: fetch LiteLLM's price map into the user's cache folder.

The download is checked before it replaces anything: it must parse as the price map
and hold a plausible number of chat models (`MIN_CHAT_MODELS`); it is then written
atomically, so a run reading the cache meanwhile sees the old map or the new one.
A failed download (offline, an HTTP error, a broken file) keeps what was there and
says so: exit 0 with a warning, or exit 2 with --strict.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from slmvllm.errors import ExitCode, InputError, Problem
from slmvllm.loading.reading import read_source
from slmvllm.loading.saving import write_atomic
from slmvllm.numbers.price_map import (
    CACHE_NAME,
    DEFAULT_URL,
    MIN_CHAT_MODELS,
    cache_dir,
    cached_map,
    chat_entries,
    file_date,
    parse_price_map,
)
from slmvllm.render.safe import one_line

#: Seconds to wait for the server before taking the download as failed.
TIMEOUT_S = 30
#: The largest download accepted (the map is about 1 MB; 64 MB is surely not it).
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class UpdateOptions:
    source: str | None  # a URL or a file; None: DEFAULT_URL
    strict: bool


def run_models_update(opts: UpdateOptions) -> int:
    """Fetch, check and cache the price map; returns the exit code (see the module doc)."""
    source = opts.source or DEFAULT_URL
    target = cache_dir() / CACHE_NAME
    try:
        text = _fetch(source)
        data = parse_price_map(text, source)
        count = len(chat_entries(data))
        if count < MIN_CHAT_MODELS:
            raise InputError(
                Problem(
                    source,
                    f"holds {count} chat models with prices; the price map holds at least "
                    f"{MIN_CHAT_MODELS}, so this is not taken for it",
                )
            )
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                Problem(str(target.parent), f"cannot create: {exc.strerror}")
            ) from None
        write_atomic(target, text, overwrite=True)
    except InputError as exc:
        old = cached_map()
        kept = (
            f"kept the price map of {file_date(old)} ({old})"
            if old is not None
            else "no price map is cached: the shipped prices stay in use"
        )
        if opts.strict:
            raise InputError([*exc.problems, Problem("slmvllm models update", kept)]) from None
        for line in str(exc).splitlines():
            sys.stderr.write(f"slmvllm: warning: {one_line(line)}\n")
        sys.stderr.write(f"slmvllm: warning: update failed; {kept}\n")
        return ExitCode.OK
    sys.stderr.write(
        f"slmvllm: price map updated: {count:,} chat models, as of {file_date(target)}, "
        f"saved to {target}\n"
    )
    return ExitCode.OK


def _fetch(source: str) -> str:
    if not source.startswith(("http://", "https://")):
        return read_source(Path(source), what="price map").text
    request = urllib.request.Request(source, headers={"User-Agent": "slmvllm"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            raw: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise InputError(
            Problem(source, f"download failed: HTTP {exc.code} {exc.reason}")
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise InputError(Problem(source, f"download failed: {reason}")) from None
    if len(raw) > MAX_BYTES:
        raise InputError(Problem(source, f"larger than {MAX_BYTES // 2**20} MB: not the price map"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(Problem(source, "not UTF-8 text: not the price map")) from None
