"""One entity across articles: the same group, person or place gets one store id.

In order of trust: a knowledge-base id (every article's 'IS-K' and 'ISIS-K' are one KB
entry), a gazetteer id for places, then a name already known as an alias of an entity of
the same type (and country, when both have one). A lone first or last name ('Ahmed') is
too ambiguous to merge across articles, so it stays with its own document. Every alias and
mention is kept, so nothing said about an entity is lost when ids merge.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import Connection, bindparam, select

from khabar.model import Entity
from khabar.nlp.kb import load_kb
from khabar.nlp.text import norm_name
from khabar.store.db import now
from khabar.store.schema import aliases, entities

__all__ = ["entity_key", "resolve_entity", "entity_country"]


# Built once: the writer runs these thousands of times per batch, and building a statement
# anew each time (and working out its cache key) cost SQLAlchemy more than SQLite's work.
_ENTITY = select(entities.c.id, entities.c.merged_into).where(entities.c.id == bindparam("eid"))
_KNOWN = select(aliases.c.norm).where(aliases.c.entity_id == bindparam("eid"))
_BY_NORM = (select(entities.c.id, entities.c.country)
            .join(aliases, aliases.c.entity_id == entities.c.id)
            .where(aliases.c.norm.in_(bindparam("norms", expanding=True)), entities.c.type == bindparam("type"),
                   entities.c.merged_into.is_(None))
            .order_by(entities.c.created_at, entities.c.id))
_NEW_ENTITY = entities.insert()


def _hash_id(prefix: str, key: str) -> str:
    return prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()[:15]


def entity_country(ent: Entity) -> str | None:
    if ent.geo is not None and ent.geo.country:
        return ent.geo.country
    if ent.kb_id:
        entry = load_kb().get(ent.kb_id)
        if entry is not None and entry.country:
            return entry.country
    nationality = ent.attributes.get("nationality") if ent.attributes else None
    return nationality if isinstance(nationality, str) and len(nationality) == 2 else None


def entity_key(ent: Entity, *, document: str) -> str | None:
    """The identity key when one is certain without looking at the store."""
    if ent.kb_id:
        return f"kb:{ent.kb_id}"
    if ent.type == "place" and ent.geo is not None and ent.geo.gazetteer_id:
        return f"geo:{ent.geo.gazetteer_id}"
    name = norm_name(ent.name)
    if ent.type == "person" and len(name.split()) < 2:
        return f"name:person:{document}:{name}"
    return None


def _mergeable_norms(ent: Entity) -> list[str]:
    norms = {norm_name(n) for n in ent.names() if n}
    if ent.type == "person":
        norms = {n for n in norms if len(n.split()) >= 2}
    return sorted(n for n in norms if len(n) >= 2)


def _by_alias(conn: Connection, ent: Entity, country: str | None) -> str | None:
    norms = _mergeable_norms(ent)
    if not norms:
        return None
    rows = conn.execute(_BY_NORM, {"norms": norms, "type": ent.type}).all()
    same = [eid for eid, theirs in rows if country and theirs == country]
    compatible = [eid for eid, theirs in rows if not (country and theirs and theirs != country)]
    return (same or compatible or [None])[0]


def _add_aliases(conn: Connection, entity_id: str, names: list[str]) -> bool:
    """Store the names not yet known for this entity; True when any was new."""
    known = set(conn.execute(_KNOWN, {"eid": entity_id}).scalars())
    rows = []
    for name in names:
        norm = norm_name(name)[:400]
        if norm and norm not in known:
            known.add(norm)
            rows.append({"entity_id": entity_id, "norm": norm, "alias": name})
    if rows:
        conn.execute(aliases.insert(), rows)
    return bool(rows)


def resolve_entity(conn: Connection, ent: Entity, *, document: str) -> tuple[str, bool, bool]:
    """The store id for ``ent`` (created when new); returns ``(id, created, new_aliases)``."""
    country = entity_country(ent)
    key = entity_key(ent, document=document)
    if key is None:
        found = _by_alias(conn, ent, country)
        if found is not None:
            return found, False, _add_aliases(conn, found, ent.names())
        key = f"name:{ent.type}:{norm_name(ent.name)}:{country or ''}"
    eid = _hash_id("e", key)
    exists = conn.execute(_ENTITY, {"eid": eid}).first()
    for _ in range(20):  # a reviewer merged this entity into another: follow the merge
        if exists is None or exists.merged_into is None:
            break
        eid = exists.merged_into
        exists = conn.execute(_ENTITY, {"eid": eid}).first()
    if exists is None:
        geo = ent.geo
        conn.execute(_NEW_ENTITY, {
            "id": eid, "type": ent.type, "name": ent.name, "kind": ent.kind, "kb_id": ent.kb_id, "qid": ent.qid,
            "country": country, "admin1": geo.admin1 if geo else None, "feature": geo.feature if geo else None,
            "gazetteer_id": geo.gazetteer_id if geo else None, "lat": geo.lat if geo else None,
            "lon": geo.lon if geo else None,
            "attributes": json.dumps({k: v for k, v in (ent.attributes or {}).items() if k != "residence"},
                                     ensure_ascii=False, sort_keys=True),
            "created_at": now()})
    return eid, exists is None, _add_aliases(conn, eid, ent.names())
