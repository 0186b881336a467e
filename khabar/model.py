"""The one data model: what extraction produces, serialised to the JSON output contract.

Every fact carries character offsets (``Span``) into the text it came from, so a reader
can always go back to the sentence that says it. Dataclasses are plain and mutable while
the pipeline builds them; ``Report.to_dict`` is the only place the contract's shape lives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Span",
    "Geo",
    "Entity",
    "DateValue",
    "Location",
    "Participant",
    "Count",
    "Event",
    "Relation",
    "Document",
    "Report",
    "EVENT_TYPES",
    "ROLES",
    "STATUSES",
]

EVENT_TYPES = (
    "attack", "bombing", "killing", "kidnapping", "arrest", "recruitment", "accusation",
    "threat", "statement", "protest", "riot", "military_operation", "armed_clash",
    "founding", "other",
)
ROLES = ("actor", "target", "victim", "instrument", "claimant", "source")
STATUSES = ("reported", "claimed", "alleged", "denied", "planned")


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` of the input text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass
class Geo:
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    feature: str | None = None  # country | province | district | city | facility | region
    gazetteer_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "lat": None if self.lat is None else round(self.lat, 5),
            "lon": None if self.lon is None else round(self.lon, 5),
            "country": self.country,
            "admin1": self.admin1,
            "feature": self.feature,
            "gazetteer_id": self.gazetteer_id,
        }
        return d


@dataclass
class Entity:
    id: str
    type: str  # person | organization | place
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None
    kb_id: str | None = None
    qid: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    geo: Geo | None = None
    mentions: list[Span] = field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "aliases": self.aliases,
        }
        if self.kind:
            d["kind"] = self.kind
        if self.kb_id:
            d["kb_id"] = self.kb_id
        if self.qid:
            d["qid"] = self.qid
        if self.attributes:
            d["attributes"] = self.attributes
        if self.geo is not None:
            d["geo"] = self.geo.to_dict()
        d["mentions"] = [m.to_dict() for m in sorted(self.mentions)]
        return d


@dataclass
class DateValue:
    """A calendar date with explicit precision; ``start`` None means the text gives no date."""

    start: str | None = None
    end: str | None = None
    precision: str = "unknown"  # day | month | year | unknown
    text: str | None = None
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {"start": self.start, "end": self.end, "precision": self.precision, "text": self.text}
        if self.span is not None:
            d["evidence"] = self.span.to_dict()
        return d


@dataclass
class Location:
    entity: str | None
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str = "unknown"  # point | city | district | province | country | unknown
    basis: str = "text"  # text | actor_country

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "name": self.name,
            "country": self.country,
            "lat": None if self.lat is None else round(self.lat, 5),
            "lon": None if self.lon is None else round(self.lon, 5),
            "precision": self.precision,
            "basis": self.basis,
        }


@dataclass
class Participant:
    role: str
    entity: str | None
    name: str
    span: Span | None = None
    basis: str = "text"  # text (the rules read it in the text) | model (the learned role tagger)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"role": self.role, "entity": self.entity, "name": self.name}
        if self.span is not None:
            d["evidence"] = self.span.to_dict()
        if self.basis != "text":
            d["basis"] = self.basis
        return d


@dataclass
class Count:
    """A casualty count: ``min``/``max`` bounds (None = open), and the words that gave them."""

    min: int | None
    max: int | None
    text: str
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {"min": self.min, "max": self.max, "text": self.text}
        if self.span is not None:
            d["evidence"] = self.span.to_dict()
        return d


@dataclass
class Event:
    id: str
    type: str
    trigger: Span
    subtype: str | None = None
    date: DateValue = field(default_factory=DateValue)
    location: Location | None = None
    participants: list[Participant] = field(default_factory=list)
    fatalities: Count | None = None
    injuries: Count | None = None
    status: str = "reported"
    evidence: list[Span] = field(default_factory=list)
    confidence: float = 0.5

    def role_entities(self, *roles: str) -> list[str]:
        return [p.entity for p in self.participants if p.role in roles and p.entity]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "subtype": self.subtype,
            "trigger": self.trigger.to_dict(),
            "date": self.date.to_dict(),
            "location": None if self.location is None else self.location.to_dict(),
            "participants": [p.to_dict() for p in self.participants],
            "fatalities": None if self.fatalities is None else self.fatalities.to_dict(),
            "injuries": None if self.injuries is None else self.injuries.to_dict(),
            "status": self.status,
            "evidence": [s.to_dict() for s in self.evidence],
            "confidence": round(self.confidence, 3),
        }


@dataclass
class Relation:
    type: str
    source: str  # entity id ("from" in the contract)
    target: str  # entity id ("to")
    evidence: list[Span] = field(default_factory=list)
    basis: str = "text"  # text | kb

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "from": self.source,
            "to": self.target,
            "evidence": [s.to_dict() for s in self.evidence],
            "basis": self.basis,
        }


@dataclass
class Document:
    id: str
    text: str
    title: str | None = None
    published: str | None = None
    language: str = "en"
    source: str | None = None
    url: str | None = None
    author: str | None = None
    origin: str | None = None  # where it came from: a path, a URL, "file.jsonl:17"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "published": self.published,
            "language": self.language,
            "source": self.source,
            "url": self.url,
        }
        if self.author:
            d["author"] = self.author
        return d


@dataclass
class Report:
    """Everything extracted from one document."""

    document: Document
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def entity(self, entity_id: str | None) -> Entity | None:
        for e in self.entities:
            if e.id == entity_id:
                return e
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document.to_dict(),
            "entities": [e.to_dict() for e in self.entities],
            "events": [e.to_dict() for e in self.events],
            "relations": [r.to_dict() for r in self.relations],
            "meta": self.meta,
        }
