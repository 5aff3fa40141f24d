"""`advise --record DIR` writes decision records; `slmvllm records check DIR` re-checks them."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.errors import ExitCode, GateFailedError, InputError, Problem
from slmvllm.loading.saving import write_atomic
from slmvllm.numbers.catalog import Catalog, load_catalog
from slmvllm.numbers.price_map import today
from slmvllm.records import RECORD_SUFFIX, check_records, record_files
from slmvllm.render.json_doc import dumps_json
from slmvllm.render.record import render_record
from slmvllm.render.safe import one_line
from slmvllm.render.streams import write_warnings
from slmvllm.result import Result

_NOT_NAME = re.compile(r"[^a-z0-9]+")


def record_path(folder: Path, source: str | None, result: Result) -> Path:
    """Where a use case's record goes: named after its file, else its use_case line."""
    stem = Path(source).stem if source and source != "-" else None
    name = stem or str(result.requirements.get("use_case") or "use-case")
    slug = _NOT_NAME.sub("-", name.lower()).strip("-")[:60] or "use-case"
    return folder / f"{slug}{RECORD_SUFFIX}"


def write_record(
    folder: Path, source: str | None, result: Result, rs: RuleSet, catalog: Catalog
) -> None:
    """Write (or replace) the use case's decision record in `folder`."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(Problem(str(folder), f"cannot create: {exc.strerror}")) from None
    path = record_path(folder, source, result)
    text = render_record(result, rs, catalog, source=source, today=today().isoformat())
    write_atomic(path, text, overwrite=True)
    sys.stderr.write(f"slmvllm: decision record written: {path}\n")


@dataclass(frozen=True)
class RecordsCheckOptions:
    folder: Path
    rules: Path | None
    catalog: Path | None
    output_format: str  # text | json


def run_records_check(opts: RecordsCheckOptions) -> int:
    """Re-advise every record; exit 1 naming each that flipped or crossed, else 0."""
    loaded = load_rule_set(opts.rules)
    write_warnings(loaded.warnings)
    catalog = load_catalog(extra=opts.catalog)
    write_warnings(catalog.notes)
    files = record_files(opts.folder)
    if not files:
        raise InputError(
            Problem(
                str(opts.folder),
                "holds no decision records (*.md); write them with advise --record",
            )
        )
    checks = check_records(files, loaded.rule_set, catalog)
    changed = [c for c in checks if c.changes()]
    if opts.output_format == "json":
        sys.stdout.write(
            dumps_json(
                [
                    {
                        "record": c.source,
                        "then": c.then.recommendation,
                        "now": c.now.recommendation,
                        "changes": c.changes(),
                    }
                    for c in checks
                ]
            )
        )
    else:
        for c in checks:
            what = "; ".join(c.changes()) or f"still {c.now.recommendation}"
            sys.stdout.write(f"{one_line(c.source)}: {one_line(what)}\n")
    if changed:
        raise GateFailedError(
            f"{len(changed)} of {len(checks)} decision records changed: "
            + ", ".join(c.source for c in changed)
        )
    return ExitCode.OK
