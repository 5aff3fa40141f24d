"""LiteLLM's price map as a catalogue (`--catalog FILE.json`), `models update`, stale prices.

The map is a fixture written by the tests; `models update` fetches it from a server on
127.0.0.1 that the test starts. No test touches the network.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from slmvllm.numbers.catalog import load_catalog
from slmvllm.numbers.price_map import (
    MIN_CHAT_MODELS,
    apply_price_map,
    chat_entries,
    looks_like_price_map,
    model_id,
)
from tests.conftest import ROOT, run_cli

TRIAGE = str(ROOT / "examples" / "support-triage.yaml")


def price_map(flash_lite_input: float = 0.2, extra: int = MIN_CHAT_MODELS) -> dict[str, Any]:
    """A price map shaped as LiteLLM's: sample_spec, chat and non-chat entries."""
    data: dict[str, Any] = {
        "sample_spec": {"mode": "one of: chat, embedding, ...", "litellm_provider": "..."},
        "gemini/gemini-2.5-flash-lite": {
            "input_cost_per_token": flash_lite_input / 1e6,
            "output_cost_per_token": 0.8e-6,
            "max_input_tokens": 1_048_576,
            "litellm_provider": "gemini",
            "mode": "chat",
        },
        "text-embedding-3-small": {
            "input_cost_per_token": 0.02e-6,
            "output_cost_per_token": 0.0,
            "litellm_provider": "openai",
            "mode": "embedding",
        },
    }
    for i in range(extra):
        data[f"acme/Model:{i}"] = {
            "input_cost_per_token": 90e-6,
            "output_cost_per_token": 90e-6,
            "max_input_tokens": 128_000,
            "litellm_provider": "acme",
            "mode": "chat",
        }
    return data


def write_map(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- reading


def test_shape_and_chat_entries() -> None:
    data = price_map(extra=2)
    assert looks_like_price_map(data)
    assert not looks_like_price_map({"models": []})
    assert sorted(chat_entries(data)) == [
        "acme/Model:0",
        "acme/Model:1",
        "gemini/gemini-2.5-flash-lite",
    ]


@pytest.mark.parametrize(
    ("key", "expected"),
    [("acme/Model:0", "acme-model-0"), ("openrouter/x/y", "openrouter-x-y"), ("///", "unnamed")],
)
def test_model_ids(key: str, expected: str) -> None:
    assert model_id(key) == expected


def test_a_known_key_takes_the_map_price_and_others_are_api_only(tmp_path: Path) -> None:
    catalog = load_catalog(
        extra=write_map(tmp_path / "m.json", price_map(extra=3)), as_of="2026-12-01"
    )
    lite = catalog.model("gemini-2.5-flash-lite")
    row = next(p for p in lite.prices if p.key == "gemini/gemini-2.5-flash-lite")
    assert (row.input_usd_per_million, row.output_usd_per_million, row.as_of) == (
        0.2,
        0.8,
        "2026-12-01",
    )
    added = catalog.model("acme-model-0")
    assert (added.params_billion, added.size_class, added.open_weights) == (None, "llm", False)
    assert added.prices[0].input_usd_per_million == 90.0
    with pytest.raises(KeyError):
        catalog.model("text-embedding-3-small")
    assert catalog.notes and "as of 2026-12-01" in catalog.notes[0]


def test_the_file_date_is_the_default_as_of(tmp_path: Path) -> None:
    import os

    path = write_map(tmp_path / "m.json", price_map(extra=1))
    os.utime(path, (1_767_225_600, 1_767_225_600))  # 2026-01-01 00:00 UTC
    lite = load_catalog(extra=path).model("gemini-2.5-flash-lite")
    assert {p.as_of for p in lite.prices if p.key == "gemini/gemini-2.5-flash-lite"} == {
        "2026-01-01"
    }


def test_apply_counts_updated_rows() -> None:
    models = load_catalog().models
    _, updated = apply_price_map(models, price_map(extra=0), "2026-12-01")
    assert updated == 1


def test_a_fixture_map_changes_the_figures(tmp_path: Path) -> None:
    before = json.loads(run_cli("advise", "-r", TRIAGE, "-f", "json", "--all-candidates").out)
    path = write_map(tmp_path / "m.json", price_map(flash_lite_input=1.0))
    run = run_cli(
        "advise",
        "-r",
        TRIAGE,
        "-f",
        "json",
        "--all-candidates",
        "--catalog",
        str(path),
        "--as-of",
        "2026-12-01",
    )
    assert run.code == 0, run.err
    after = json.loads(run.out)

    def llm_cost(result: dict[str, Any]) -> float:
        return next(
            c["monthly_cost_usd"]
            for c in result["estimates"]["candidates"]
            if c["model"] == "gemini-2.5-flash-lite" and c["hosting"] == "api"
        )

    assert llm_cost(before) == 31.2
    assert llm_cost(after) == 800_000 * (350 * 1.0 + 10 * 0.8) / 1e6
    assert "prices from LiteLLM's price map as of 2026-12-01 (given with --catalog" in run.err


def test_a_bad_json_catalogue_is_located(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"a": {"mode": "chat",}\n', encoding="utf-8")
    run = run_cli("models", "--catalog", str(path))
    assert run.code == 2
    assert run.err.startswith(f"slmvllm: error: {path}:1:")


# --------------------------------------------------------------------------- models update


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A server on 127.0.0.1 serving the bodies a test puts in the dict, by path."""
    bodies: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            body = bodies.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", bodies
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_update_from_a_local_server_then_runs_use_it(
    server: tuple[str, dict[str, bytes]], tmp_path: Path
) -> None:
    url, bodies = server
    bodies["/map.json"] = json.dumps(price_map(flash_lite_input=1.0)).encode()
    env = {"SLMVLLM_CACHE_DIR": str(tmp_path / "cache")}
    run = run_cli("models", "update", "--from", url + "/map.json", env=env)
    assert run.code == 0, run.err
    assert "price map updated: 201 chat models" in run.err
    cached = tmp_path / "cache" / "model_prices_and_context_window.json"
    assert json.loads(cached.read_text(encoding="utf-8")) == price_map(flash_lite_input=1.0)
    # Later runs price with it and say so, with its date.
    later = run_cli("models", "--format", "json", env=env)
    lite = next(m for m in json.loads(later.out) if m["id"] == "gemini-2.5-flash-lite")
    assert 1.0 in {p["input_usd_per_million"] for p in lite["prices"]}
    assert "(cached by `slmvllm models update`; 201 chat models)" in later.err


def test_a_failed_update_keeps_the_old_map(
    server: tuple[str, dict[str, bytes]], tmp_path: Path
) -> None:
    url, bodies = server
    env = {"SLMVLLM_CACHE_DIR": str(tmp_path / "cache")}
    bodies["/map.json"] = json.dumps(price_map()).encode()
    assert run_cli("models", "update", "--from", url + "/map.json", env=env).code == 0
    cached = tmp_path / "cache" / "model_prices_and_context_window.json"
    old = cached.read_bytes()

    missing = run_cli("models", "update", "--from", url + "/gone.json", env=env)
    assert missing.code == 0
    assert f"slmvllm: warning: {url}/gone.json: download failed: HTTP 404" in missing.err
    assert "update failed; kept the price map of" in missing.err

    bodies["/small.json"] = json.dumps(price_map(extra=3)).encode()
    small = run_cli("models", "update", "--from", url + "/small.json", "--strict", env=env)
    assert small.code == 2
    assert "holds 4 chat models with prices; the price map holds at least 200" in small.err

    bodies["/junk.json"] = b"<html>"
    junk = run_cli("models", "update", "--from", url + "/junk.json", "--strict", env=env)
    assert junk.code == 2 and "not JSON" in junk.err
    assert cached.read_bytes() == old


def test_no_server_fails_cleanly(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"SLMVLLM_CACHE_DIR": str(tmp_path / "cache")}
    run = run_cli("models", "update", "--from", f"http://127.0.0.1:{port}/m.json", env=env)
    assert run.code == 0 and run.out == ""
    assert "download failed" in run.err
    assert "no price map is cached: the shipped prices stay in use" in run.err
    strict = run_cli(
        "models", "update", "--from", f"http://127.0.0.1:{port}/m.json", "--strict", env=env
    )
    assert strict.code == 2
    assert "Traceback" not in strict.err


# --------------------------------------------------------------------------- stale prices


@pytest.mark.parametrize(
    ("today", "line"),
    [
        ("2026-10-16", None),  # 90 days after the shipped prices' 2026-07-18
        ("2026-10-17", "prices are as of 2026-07-18, 91 days old (over 90)"),
    ],
)
def test_a_report_says_when_prices_are_old(today: str, line: str | None) -> None:
    out = run_cli("advise", "-r", TRIAGE, env={"SLMVLLM_TODAY": today}).out
    if line is None:
        assert "days old" not in out
    else:
        assert line in out
