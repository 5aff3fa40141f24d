"""Where each part of a merged rule set was written: the layer files, every rule's origin
and overrides, the rules a layer disabled, so that a message about the merged rule set
names the file, line and column a person edits (`slmvllm.advice.layers` fills it in).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from slmvllm.advice.rule_set_model import Rule
from slmvllm.errors import Problem
from slmvllm.loading.documents import Document, Location


@dataclass(frozen=True)
class Place:
    """Where a part of the merged rule set was written: a document and a location in it."""

    doc: Document
    loc: Location


@dataclass
class RuleOrigin:
    """The layer a rule came from and the layers that overrode it, in order."""

    layer: str
    overridden_by: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DisabledRule:
    """A base rule a layer switched off, and why."""

    rule: Rule
    layer: str  # the layer that disabled it
    origin: str  # the layer it came from
    reason: str


@dataclass(frozen=True)
class LayerInfo:
    """One file of a chain, as listings show it."""

    file: str
    name: str
    version: str


@dataclass
class Placement:
    """Where every part of a merged rule set was written, for located messages and listings."""

    top: Document
    bottom: Document
    layers: list[LayerInfo] = field(default_factory=list)  # bottom first
    sources: list[str] = field(default_factory=list)  # each file's name in messages
    rules: list[tuple[Place, dict[str, Place]]] = field(default_factory=list)
    questions: list[tuple[Place, Place | None]] = field(default_factory=list)
    references: dict[str, Place] = field(default_factory=dict)
    origins: dict[str, RuleOrigin] = field(default_factory=dict)
    disabled: list[DisabledRule] = field(default_factory=list)
    #: references only disabled rules cite: not a sign of a mistake in the base
    cited_by_disabled: set[str] = field(default_factory=set)

    def locate(self, loc: Location) -> tuple[Document, Location]:
        """The document and location where the part of the merged rule set at `loc` was written."""
        if not loc:
            return self.top, ()
        head, rest = loc[0], loc[1:]
        if head == "rules" and rest and isinstance(rest[0], int) and rest[0] < len(self.rules):
            origin, overrides = self.rules[rest[0]]
            tail = rest[1:]
            if tail and str(tail[0]) in overrides:
                place = overrides[str(tail[0])]  # written at ("override", id, key)
                return place.doc, (*place.loc, *tail[1:])
            return origin.doc, (*origin.loc, *tail)
        if head == "questions" and rest and isinstance(rest[0], int):
            if rest[0] < len(self.questions):
                origin, changed = self.questions[rest[0]]
                tail = rest[1:]
                if changed is not None and tail[:1] == ("default",):
                    return changed.doc, (*changed.loc, *tail)
                return origin.doc, (*origin.loc, *tail)
        if head == "references" and rest and str(rest[0]) in self.references:
            place = self.references[str(rest[0])]
            return place.doc, (*place.loc, *rest[1:])
        if head == "options":
            return self.bottom, loc
        return self.top, loc if self.top is self.bottom else ()

    def problem(self, loc: Location, message: str, also: Iterable[Location] = ()) -> Problem:
        """A `Problem` at the file, line and column where `loc` of the merged set was written;
        or, when the problem depends on other parts too (`also`), where the newest of them
        was written: a layer's override that broke a base rule, not the base rule."""
        chain = {source: i for i, source in enumerate(self.sources)}
        places = [self.locate(part) for part in (loc, *also)]
        doc, where = max(places, key=lambda place: chain.get(place[0].source, -1))
        return doc.problem(where, message)
