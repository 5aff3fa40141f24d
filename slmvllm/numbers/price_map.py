"""LiteLLM's community price map as a catalogue layer, and the user's cached copy of it.

BerriAI/litellm's `model_prices_and_context_window.json` (MIT) maps a model key to its
per-token prices, input window, provider and mode. It is read as it is, recognised by
its shape (a JSON object of objects carrying `litellm_provider` or `mode`); its
`sample_spec` entry (the documentation of the format) is skipped, and so is every
entry that is not a chat model (`mode: chat`) or has no input and output price.

The id mapping (docs/prices.md): an entry updates every catalogue price row whose
`key` is the entry's key (the shipped catalogue records the LiteLLM key it read each
price from), keeping the row's provider; an entry no row names becomes an API-only
model whose id is the key in lower case with every character outside
`[a-z0-9._-]` made `-` (cut to 80), with no parameter count and no quality tier.

`slmvllm models update` keeps a copy in the user's cache folder (`cache_dir`); the
loader reads it after the shipped catalogue and before a `--catalog FILE`.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from slmvllm.errors import InputError, Problem
from slmvllm.numbers.catalog import Model, Price

SOURCE = "BerriAI/litellm model_prices_and_context_window.json"
DEFAULT_URL = (
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
)
CACHE_NAME = "model_prices_and_context_window.json"
#: Fewer chat models than this and a download is taken for a broken one (the map
#: holds well over a thousand; a truncated or wrong file holds few or none).
MIN_CHAT_MODELS = 200
#: Prices older than this many days are said to be so in the report.
STALE_DAYS = 90

_NOT_ID = re.compile(r"[^a-z0-9._-]+")


def cache_dir() -> Path:
    """The folder `models update` writes to: SLMVLLM_CACHE_DIR, else the platform's."""
    override = os.environ.get("SLMVLLM_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("slmvllm", appauthor=False))


def cached_map() -> Path | None:
    """The cached price map, if `models update` wrote one."""
    path = cache_dir() / CACHE_NAME
    return path if path.is_file() else None


def today() -> datetime.date:
    """Today's date (SLMVLLM_TODAY=YYYY-MM-DD pins it, for reproducible reports)."""
    pinned = os.environ.get("SLMVLLM_TODAY")
    if pinned:
        return datetime.date.fromisoformat(pinned)
    return datetime.datetime.now(datetime.UTC).date()


def stale_prices(as_of: str | None) -> str | None:
    """One line when prices are older than `STALE_DAYS` (None when they are not)."""
    if not as_of:
        return None
    date = datetime.date.fromisoformat(as_of if len(as_of) > 7 else as_of + "-01")
    age = (today() - date).days
    if age <= STALE_DAYS:
        return None
    return (
        f"prices are as of {as_of}, {age} days old (over {STALE_DAYS}); "
        "`slmvllm models update` fetches current ones"
    )


def file_date(path: Path) -> str:
    """A file's modification date (UTC) as YYYY-MM-DD: when a downloaded map was fetched."""
    stamp = path.stat().st_mtime
    return datetime.datetime.fromtimestamp(stamp, datetime.UTC).date().isoformat()


def looks_like_price_map(data: Any) -> bool:
    """Whether parsed JSON has the price map's shape (not a slmvllm catalogue)."""
    if not isinstance(data, dict) or not data or "models" in data:
        return False
    entries = [v for k, v in data.items() if k != "sample_spec"]
    return (
        bool(entries)
        and all(isinstance(v, dict) for v in entries[:50])
        and any("litellm_provider" in v or "mode" in v for v in entries[:50])
    )


def chat_entries(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The chat models of a price map that carry an input and an output price."""
    out: dict[str, dict[str, Any]] = {}
    for key, entry in data.items():
        if key == "sample_spec" or not isinstance(entry, dict) or entry.get("mode") != "chat":
            continue
        prices = (entry.get("input_cost_per_token"), entry.get("output_cost_per_token"))
        if all(_number(p) for p in prices):
            out[key] = entry
    return out


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1


def parse_json(text: str, name: str) -> Any:
    """Parsed JSON; `InputError` (file:line:col) when the text is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(Problem(name, f"not JSON: {exc.msg}", exc.lineno, exc.colno)) from None


def parse_price_map(text: str, name: str) -> dict[str, Any]:
    """The JSON object of a price map; `InputError` (file:line:col) when it is not one."""
    data = parse_json(text, name)
    if not looks_like_price_map(data):
        raise InputError(
            Problem(
                name,
                "not LiteLLM's price map (an object of model entries with mode and "
                "litellm_provider)",
            )
        )
    assert isinstance(data, dict)
    return data


def model_id(key: str) -> str:
    """The catalogue id of a price map key no catalogue row names (see the module doc)."""
    slug = _NOT_ID.sub("-", key.lower()).strip("-._")[:80]
    return slug or "unnamed"


def _price(key: str, entry: Mapping[str, Any], as_of: str, provider: str | None) -> Price:
    window = entry.get("max_input_tokens")
    return Price(
        provider=provider or str(entry.get("litellm_provider") or "unknown"),
        input_usd_per_million=round(float(entry["input_cost_per_token"]) * 1e6, 6),
        output_usd_per_million=round(float(entry["output_cost_per_token"]) * 1e6, 6),
        as_of=as_of,
        key=key,
        max_input_tokens=window if isinstance(window, int) and window > 0 else None,
        source=f"{SOURCE}, entry {key!r}",
    )


def apply_price_map(
    models: Iterable[Model], data: Mapping[str, Any], as_of: str
) -> tuple[list[Model], int]:
    """The catalogue's models with the map's prices, plus the map's other chat models.

    Returns (models, how many price rows the map updated).
    """
    entries = chat_entries(data)
    used: set[str] = set()
    updated = 0
    out: list[Model] = []
    for model in models:
        rows: list[Price] = []
        for row in model.prices:
            if row.key is not None and row.key in entries:
                used.add(row.key)
                updated += 1
                fresh = _price(row.key, entries[row.key], as_of, row.provider)
                rows.append(fresh.model_copy(update={"tier_above_input_tokens": None}))
            else:
                rows.append(row)
        out.append(model.model_copy(update={"prices": rows}) if rows != model.prices else model)
    known = {m.id for m in out}
    for key, entry in entries.items():
        if key in used:
            continue
        ident = model_id(key)
        if ident in known:
            continue
        known.add(ident)
        window = entry.get("max_input_tokens")
        out.append(
            Model.model_construct(
                id=ident,
                name=key,
                vendor=str(entry.get("litellm_provider") or "unknown"),
                params_billion=None,
                active_params_billion=None,
                open_weights=False,
                license="provider's API terms",
                commercial_use=True,
                commercial_use_note=None,
                context_tokens=window if isinstance(window, int) and window > 0 else None,
                context_note=None,
                size_class="llm",
                shape=None,
                prices=[_price(key, entry, as_of, None)],
                sources=[SOURCE],
                caveats=["from the price map only: parameter count and quality tier unknown"],
                quality_tier=None,
                quality_tier_source=None,
            )
        )
    return out, updated
