"""The model catalogue: models, GPU prices, a throughput figure, memory rules, router results.

The catalogue ships inside the package as two YAML files, read through the one
loader (`slmvllm.loading`) so a bad file gets the same file:line:col errors as a
requirements file:

* ``slmvllm/data/catalog.yaml``: the models (parameters, license, context window,
  API prices per provider with an "as of" date, sources and caveats);
* ``slmvllm/data/serving.yaml``: GPU prices, the serving-throughput figure the
  self-hosted cost is sized from, the memory rules and the router results.

Both files, and a user's ``--catalog FILE``, have one schema (`CatalogFile`, every
section optional). They are layered in order: shipped ``serving.yaml``, then the
base catalogue (the shipped ``catalog.yaml`` or ``path``), then ``extra``. In each
layer a model or GPU whose id already exists replaces the earlier entry whole; a
new id is added; ``throughput``, ``memory`` and ``routing`` replace the earlier
section whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TypeVar

from slmvllm.errors import InputError, Problem, did_you_mean
from slmvllm.loading.compiled import parse_shipped
from slmvllm.loading.documents import Document, Source
from slmvllm.loading.reading import read_source
from slmvllm.loading.validation import validate
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.numbers.catalog_models import (
    SHIPPED_MODELS as SHIPPED_MODELS,
)
from slmvllm.numbers.catalog_models import (
    SHIPPED_SERVING as SHIPPED_SERVING,
)
from slmvllm.numbers.catalog_models import (
    Billions as Billions,
)
from slmvllm.numbers.catalog_models import (
    Catalog as Catalog,
)
from slmvllm.numbers.catalog_models import (
    CatalogFile as CatalogFile,
)
from slmvllm.numbers.catalog_models import (
    CommercialUse as CommercialUse,
)
from slmvllm.numbers.catalog_models import (
    Gpu as Gpu,
)
from slmvllm.numbers.catalog_models import (
    IsoDate as IsoDate,
)
from slmvllm.numbers.catalog_models import (
    KvCacheRule as KvCacheRule,
)
from slmvllm.numbers.catalog_models import (
    MemoryRules as MemoryRules,
)
from slmvllm.numbers.catalog_models import (
    Model as Model,
)
from slmvllm.numbers.catalog_models import (
    Precision as Precision,
)
from slmvllm.numbers.catalog_models import (
    Price as Price,
)
from slmvllm.numbers.catalog_models import (
    PriceStatus as PriceStatus,
)
from slmvllm.numbers.catalog_models import (
    Routing as Routing,
)
from slmvllm.numbers.catalog_models import (
    Shape as Shape,
)
from slmvllm.numbers.catalog_models import (
    Share as Share,
)
from slmvllm.numbers.catalog_models import (
    ShareFigure as ShareFigure,
)
from slmvllm.numbers.catalog_models import (
    SizeClass as SizeClass,
)
from slmvllm.numbers.catalog_models import (
    Slug as Slug,
)
from slmvllm.numbers.catalog_models import (
    Sourced as Sourced,
)
from slmvllm.numbers.catalog_models import (
    Throughput as Throughput,
)
from slmvllm.numbers.catalog_models import (
    TokenCount as TokenCount,
)
from slmvllm.numbers.catalog_models import (
    Usd as Usd,
)
from slmvllm.numbers.catalog_models import (
    _date as _date,
)
from slmvllm.numbers.catalog_models import (
    _unique_ids as _unique_ids,
)

# --------------------------------------------------------------------------- loading


def _shipped(name: str) -> Source:
    resource = resources.files("slmvllm").joinpath("data", name)
    shown = str(resource) if isinstance(resource, Path) else f"slmvllm/data/{name}"
    return Source(shown, resource.read_text(encoding="utf-8"))


def _read(source: Source) -> tuple[Document, CatalogFile]:
    doc = parse_yaml(source)
    return doc, validate(CatalogFile, doc)


def _read_shipped(name: str) -> tuple[Document, CatalogFile]:
    doc = parse_shipped(_shipped(name), f"data/{name}")
    return doc, validate(CatalogFile, doc)


_Item = TypeVar("_Item", Model, Gpu)


def _merge_by_id(base: Iterable[_Item], layer: Iterable[_Item]) -> list[_Item]:
    merged = {item.id: item for item in base}
    for item in layer:
        merged[item.id] = item  # same id: replaced in place (dicts keep the first position)
    return list(merged.values())


def load_catalog(
    path: Path | None = None,
    extra: Path | None = None,
    *,
    as_of: str | None = None,
    cached: bool = True,
) -> Catalog:
    """Load the shipped catalogue (or `path`) and merge a user's catalogue `extra` over it.

    Between the two comes the price map `slmvllm models update` cached (unless not
    `cached`); `extra` may be LiteLLM's price map itself, whose prices are dated `as_of`
    or the file's date (`slmvllm.numbers.price_map`). Raises `InputError` with
    file:line:col problems for a bad file, as every loader does.
    """
    from slmvllm.numbers.price_map import cached_map

    layers: list[tuple[Document, CatalogFile] | PriceMapLayer] = [_read_shipped(SHIPPED_SERVING)]
    if path is None:
        layers.append(_read_shipped(SHIPPED_MODELS))
    else:
        layers.append(_load_file(path))
    cache = cached_map() if cached else None
    if cache is not None:
        layers.append(read_price_map(cache, None, cached=True))
    if extra is not None:
        layers.append(_load_file(extra, as_of))
    notes = tuple(layer.note for layer in layers if isinstance(layer, PriceMapLayer))

    models: list[Model] = []
    gpus: list[Gpu] = []
    throughput: Throughput | None = None
    memory: MemoryRules | None = None
    routing: Routing | None = None
    for layer in layers:
        if isinstance(layer, PriceMapLayer):
            models = layer.apply(models)
            continue
        doc, part = layer
        models = _merge_by_id(models, part.models or [])
        gpus = _merge_by_id(gpus, part.gpus or [])
        throughput = part.throughput or throughput
        memory = part.memory or memory
        routing = part.routing or routing
        if throughput is not None and throughput.gpu not in {g.id for g in gpus}:
            ids = [g.id for g in gpus]
            raise InputError(
                doc.problem(
                    ("throughput", "gpu"),
                    f"GPU {throughput.gpu!r} is not in the catalogue's gpus: {', '.join(ids)}"
                    + did_you_mean(throughput.gpu, ids),
                )
            )
    last = layers[-1].source if isinstance(layers[-1], PriceMapLayer) else layers[-1][0].source
    missing = [
        name
        for name, value in (
            ("models", models),
            ("gpus", gpus),
            ("throughput", throughput),
            ("memory", memory),
            ("routing", routing),
        )
        if not value
    ]
    if missing or throughput is None or memory is None or routing is None:
        raise InputError(
            Problem(last, f"the merged catalogue has no {', '.join(missing)}; add the section(s)")
        )
    return Catalog(
        models=tuple(models),
        gpus=tuple(gpus),
        throughput=throughput,
        memory=memory,
        routing=routing,
        files=tuple(
            layer.source if isinstance(layer, PriceMapLayer) else layer[0].source
            for layer in layers
        ),
        notes=notes,
    )


def _load_file(
    path: Path, as_of: str | None = None
) -> tuple[Document, CatalogFile] | PriceMapLayer:
    source = read_source(path, what="catalogue file")
    if source.text.lstrip().startswith("{"):
        from slmvllm.numbers.price_map import looks_like_price_map, parse_json

        data = parse_json(source.text, source.name)
        if looks_like_price_map(data):
            return read_price_map(path, as_of, source=source)
    return _read(source)


@dataclass(frozen=True)
class PriceMapLayer:
    """LiteLLM's price map as a catalogue layer: it updates prices and adds API models."""

    source: str
    data: dict[str, object]
    as_of: str
    note: str

    def apply(self, models: list[Model]) -> list[Model]:
        from slmvllm.numbers.price_map import apply_price_map

        return apply_price_map(models, self.data, self.as_of)[0]


def read_price_map(
    path: Path, as_of: str | None, *, cached: bool = False, source: Source | None = None
) -> PriceMapLayer:
    """A price map file as a layer, dated `as_of` or by the file's modification date."""
    from slmvllm.numbers.price_map import chat_entries, file_date, parse_price_map

    source = source or read_source(path, what="price map")
    data = parse_price_map(source.text, source.name)
    date = _date(as_of) if as_of else file_date(path)
    how = "cached by `slmvllm models update`" if cached else "given with --catalog"
    note = (
        f"prices from LiteLLM's price map as of {date} ({how}; "
        f"{len(chat_entries(data)):,} chat models): {source.name}"
    )
    return PriceMapLayer(source.name, data, date, note)
