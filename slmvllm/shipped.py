"""The files slmvllm ships, and the precompiled cache of them (`slmvllm.loading.compiled`).

Rebuild the cache after changing a shipped YAML file (a test says when it is due):

    python -m slmvllm.shipped
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from slmvllm.advice.layers import SHIPPED_KEY, default_rule_set_path
from slmvllm.loading.compiled import CACHE_FILE, build_cache
from slmvllm.numbers.catalog import SHIPPED_MODELS, SHIPPED_SERVING


def shipped_texts() -> dict[str, str]:
    """Each shipped YAML file's text, by its name in the cache."""
    data = resources.files("slmvllm").joinpath("data")
    return {
        SHIPPED_KEY: default_rule_set_path().read_text(encoding="utf-8"),
        f"data/{SHIPPED_MODELS}": data.joinpath(SHIPPED_MODELS).read_text(encoding="utf-8"),
        f"data/{SHIPPED_SERVING}": data.joinpath(SHIPPED_SERVING).read_text(encoding="utf-8"),
    }


def cache_path() -> Path:
    """Where the cache lives in this source tree or installation."""
    return Path(str(resources.files("slmvllm").joinpath("data", CACHE_FILE)))


def expected_cache() -> str:
    """The cache's text as it should be for the shipped files as they are now."""
    return build_cache(shipped_texts())


if __name__ == "__main__":
    cache_path().write_text(expected_cache(), encoding="utf-8")
    print(f"wrote {cache_path()}")
