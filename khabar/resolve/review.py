"""What a reviewer can do to the store, and the audit log that records it.

Confirm, reject, reopen or edit a canonical event; merge two entities or split aliases off
one. Every change writes audit rows (what, old, new, when, who, from where) in the same
transaction as the change. Nothing is deleted: a rejected event stays in the store
(exports leave it out), an edit keeps the machine's value beside the reviewer's, a merged
entity keeps its row (``merged_into``) and the audit row lists every mention, participant
and alias moved, which is what a later split uses to put them back.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from khabar.errors import KhabarError
from khabar.nlp.text import norm_name
from khabar.resolve.canonical import rebuild_canonical
from khabar.resolve.overrides import check_value, current_value
from khabar.store.db import now
from khabar.store.schema import (
    aliases,
    audit,
    canonical_events,
    entities,
    event_reviews,
    events,
    mentions,
    participants,
    relations,
)
from khabar.store.write import refresh_entity_fts

__all__ = ["ACTIONS", "review_event", "merge_entities", "split_entity", "audit_log"]

ACTIONS = ("confirm", "reject", "reopen", "edit")
_STATE = {"confirm": "confirmed", "reject": "rejected", "reopen": None}


def _who(who: str) -> str:
    who = " ".join((who or "").split())[:100]
    if not who:
        raise KhabarError.make("E525", why="say who is reviewing (a name or initials)")
    return who


def _log(conn: Connection, *, who: str, client: str | None, action: str, object_type: str, object_id: str,
         field: str | None = None, old: Any = None, new: Any = None, note: str | None = None) -> None:
    conn.execute(audit.insert().values(
        at=now(), who=who, client=client, action=action, object_type=object_type, object_id=object_id,
        field=field, old=json.dumps(old, ensure_ascii=False, sort_keys=True),
        new=json.dumps(new, ensure_ascii=False, sort_keys=True), note=(note or "").strip()[:1000] or None))


def _canonical_id(conn: Connection, event_id: str) -> str:
    cid = conn.execute(select(canonical_events.c.id).where(canonical_events.c.id == event_id)).scalar()
    if cid is None:
        cid = conn.execute(select(events.c.canonical_id).where(events.c.id == event_id)).scalar()
    if cid is None:
        raise KhabarError.make("E503", id=event_id)
    return cid


def review_event(conn: Connection, event_id: str, *, action: str, who: str, fields: dict[str, Any] | None = None,
                 client: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Confirm, reject, reopen or edit a canonical event; returns its review block."""
    if action not in ACTIONS:
        raise KhabarError.make("E520", action=action, choices=", ".join(ACTIONS))
    who = _who(who)
    cid = _canonical_id(conn, event_id)
    data = json.loads(conn.execute(select(canonical_events.c.data).where(canonical_events.c.id == cid)).scalar_one())
    row = conn.execute(select(event_reviews).where(event_reviews.c.canonical_id == cid)).mappings().first()
    state = row["state"] if row else None
    overrides = json.loads(row["overrides"]) if row else {}
    changed = False
    if action == "edit":
        for field, raw in (fields or {}).items():
            value = check_value(field, raw)
            old = current_value(data, field)
            if value is None and field not in overrides:
                continue  # an empty box for a field never edited: nothing to do
            if value is not None and value == old:
                continue
            machine = ((data.get("review") or {}).get("edited") or {}).get(field, {}).get("machine", old)
            if value is None:
                overrides.pop(field)
            else:
                overrides[field] = value
            _log(conn, who=who, client=client, action="edit", object_type="event", object_id=cid, field=field,
                 old=old, new=machine if value is None else value, note=note)
            changed = True
        for kind in ("fatalities", "injuries"):
            lo = overrides.get(f"{kind}_min", current_value(data, f"{kind}_min"))
            hi = overrides.get(f"{kind}_max", current_value(data, f"{kind}_max"))
            if lo is not None and hi is not None and hi < lo:
                raise KhabarError.make("E522", value=f"{lo}-{hi}", field=kind, why="the maximum is below the minimum")
    else:
        new_state = _STATE[action]
        if new_state != state:
            _log(conn, who=who, client=client, action=action, object_type="event", object_id=cid, field="review",
                 old=state, new=new_state, note=note)
            state, changed = new_state, True
    if changed:
        values = {"state": state, "overrides": json.dumps(overrides, ensure_ascii=False, sort_keys=True),
                  "updated_at": now(), "updated_by": who}
        if row is None:
            conn.execute(event_reviews.insert().values(canonical_id=cid, **values))
        else:
            conn.execute(event_reviews.update().where(event_reviews.c.canonical_id == cid).values(**values))
        rebuild_canonical(conn, cid)
    data = json.loads(conn.execute(select(canonical_events.c.data).where(canonical_events.c.id == cid)).scalar_one())
    return {"id": cid, "changed": changed, "review": data.get("review")}


def _entity(conn: Connection, entity_id: str) -> dict[str, Any]:
    row = conn.execute(select(entities).where(entities.c.id == entity_id)).mappings().first()
    if row is None:
        raise KhabarError.make("E504", name=entity_id)
    return dict(row)


def _repoint_events(conn: Connection, event_ids: set[str], old: str, new: str, norms: set[str] | None = None) -> set[str]:
    """Point the participants (and the location) of these reports' JSON from ``old`` to ``new``;
    with ``norms``, only the entries whose name is one of them. Returns canonical ids touched."""
    touched: set[str] = set()
    for eid, cid, raw in conn.execute(select(events.c.id, events.c.canonical_id, events.c.data)
                                      .where(events.c.id.in_(sorted(event_ids)))):
        data = json.loads(raw)
        for part in data.get("participants") or []:
            if part.get("entity") == old and (norms is None or norm_name(part.get("name") or "") in norms):
                part["entity"] = new
        loc = data.get("location") or {}
        if loc.get("entity") == old and (norms is None or norm_name(loc.get("name") or "") in norms):
            loc["entity"] = new
        conn.execute(events.update().where(events.c.id == eid).values(data=json.dumps(data, ensure_ascii=False)))
        if cid:
            touched.add(cid)
    return touched


def merge_entities(conn: Connection, keep: str, other: str, *, who: str, client: str | None = None,
                   note: str | None = None) -> dict[str, Any]:
    """Merge entity ``other`` into ``keep``: its mentions, roles and aliases move; its row stays."""
    who = _who(who)
    a, b = _entity(conn, keep), _entity(conn, other)
    why = ("they are the same entity" if keep == other else
           f"{other} was already merged into {b['merged_into']}" if b["merged_into"] else
           f"{keep} was already merged into {a['merged_into']}" if a["merged_into"] else
           f"a {a['type']} and a {b['type']}" if a["type"] != b["type"] else None)
    if why:
        raise KhabarError.make("E523", a=keep, b=other, why=why)
    moved_mentions = list(conn.execute(select(mentions.c.id).where(mentions.c.entity_id == other)).scalars())
    moved_parts = list(conn.execute(select(participants.c.id, participants.c.event_id)
                                    .where(participants.c.entity_id == other)).all())
    known = set(conn.execute(select(aliases.c.norm).where(aliases.c.entity_id == keep)).scalars())
    moved_aliases = [n for n in conn.execute(select(aliases.c.norm).where(aliases.c.entity_id == other)).scalars()
                     if n not in known]
    conn.execute(mentions.update().where(mentions.c.entity_id == other).values(entity_id=keep))
    conn.execute(participants.update().where(participants.c.entity_id == other).values(entity_id=keep))
    if moved_aliases:
        conn.execute(aliases.update().where(aliases.c.entity_id == other, aliases.c.norm.in_(moved_aliases))
                     .values(entity_id=keep))
    moved_rel = []
    for r in conn.execute(select(relations).where(or_(relations.c.source_id == other,
                                                      relations.c.target_id == other))).mappings().all():
        src = keep if r["source_id"] == other else r["source_id"]
        dst = keep if r["target_id"] == other else r["target_id"]
        clash = conn.execute(select(relations.c.basis).where(relations.c.source_id == src, relations.c.type == r["type"],
                                                             relations.c.target_id == dst)).first()
        if src != dst and clash is None:
            conn.execute(relations.update().where(and_(relations.c.source_id == r["source_id"],
                                                       relations.c.type == r["type"],
                                                       relations.c.target_id == r["target_id"]))
                         .values(source_id=src, target_id=dst))
            moved_rel.append([r["source_id"], r["type"], r["target_id"]])
    conn.execute(entities.update().where(entities.c.id == other).values(merged_into=keep))
    # reports naming ``other`` as a participant or as the place (a rare action: a scan is fine)
    named = set(conn.execute(select(events.c.id).where(events.c.data.like(f'%"{other}"%'))).scalars())
    touched = _repoint_events(conn, named | {e for _, e in moved_parts}, other, keep)
    for cid in sorted(touched):
        rebuild_canonical(conn, cid)
    refresh_entity_fts(conn, keep)
    refresh_entity_fts(conn, other)
    old = {"entity": other, "name": b["name"], "mentions": moved_mentions, "participants": [p for p, _ in moved_parts],
           "aliases": moved_aliases, "relations": moved_rel}
    _log(conn, who=who, client=client, action="merge", object_type="entity", object_id=keep, old=old,
         new={"entity": keep}, note=note)
    _log(conn, who=who, client=client, action="merged_into", object_type="entity", object_id=other,
         old={"entity": other}, new={"entity": keep}, note=note)
    return {"entity": keep, "merged": other, "mentions": len(moved_mentions), "participants": len(moved_parts),
            "aliases": len(moved_aliases), "events": sorted(touched)}


def split_entity(conn: Connection, entity_id: str, names: list[str], *, who: str, client: str | None = None,
                 note: str | None = None) -> dict[str, Any]:
    """Split the given aliases (with the mentions and roles that use them) off into an entity of their own.

    When one of the names is the name of an entity merged into this one earlier, that entity is
    restored (its id comes back); otherwise a new entity is made, with an id from the content.
    """
    who = _who(who)
    ent = _entity(conn, entity_id)
    norms = {norm_name(n) for n in names if norm_name(n)}
    own = set(conn.execute(select(aliases.c.norm).where(aliases.c.entity_id == entity_id)).scalars())
    why = ("no names given" if not norms else
           "not its aliases: " + ", ".join(sorted(norms - own)) if norms - own else
           f"{entity_id} was merged into {ent['merged_into']}; split that one" if ent["merged_into"] else
           f"its name {ent['name']!r} stays with it; split off the other aliases" if norm_name(ent["name"]) in norms
           else None)
    if why:
        raise KhabarError.make("E524", entity=entity_id, why=why)
    merged = conn.execute(select(entities).where(entities.c.merged_into == entity_id)).mappings().all()
    back = next((dict(m) for m in merged if norm_name(m["name"]) in norms), None)
    if back is not None:
        target = back["id"]
        conn.execute(entities.update().where(entities.c.id == target).values(merged_into=None))
    else:
        target = "e" + hashlib.sha256(f"split:{entity_id}:{'|'.join(sorted(norms))}".encode()).hexdigest()[:15]
        first = next(n for n in names if norm_name(n) in norms)
        if conn.execute(select(entities.c.id).where(entities.c.id == target)).first() is None:
            conn.execute(entities.insert().values(
                id=target, type=ent["type"], name=first.strip(), kind=ent["kind"], country=ent["country"],
                attributes="{}", created_at=now()))
        else:
            conn.execute(entities.update().where(entities.c.id == target).values(merged_into=None))
    recorded = _merge_record(conn, entity_id, target) if back is not None else {}
    norms |= set(recorded.get("aliases", []))
    conn.execute(aliases.update().where(aliases.c.entity_id == entity_id, aliases.c.norm.in_(sorted(norms)))
                 .values(entity_id=target))
    was = set(recorded.get("mentions", []))
    moved_mentions = [m for m, t in conn.execute(select(mentions.c.id, mentions.c.text)
                                                 .where(mentions.c.entity_id == entity_id))
                      if m in was or norm_name(t) in norms]
    was = set(recorded.get("participants", []))
    moved_parts = [(p, e) for p, e, n in conn.execute(select(participants.c.id, participants.c.event_id,
                                                             participants.c.name)
                                                      .where(participants.c.entity_id == entity_id))
                   if p in was or norm_name(n) in norms]
    for start in range(0, len(moved_mentions), 500):
        conn.execute(mentions.update().where(mentions.c.id.in_(moved_mentions[start:start + 500]))
                     .values(entity_id=target))
    for start in range(0, len(moved_parts), 500):
        conn.execute(participants.update().where(participants.c.id.in_([p for p, _ in moved_parts[start:start + 500]]))
                     .values(entity_id=target))
    names_moved = norms | {norm_name(n) for n, in conn.execute(
        select(participants.c.name).where(participants.c.id.in_([p for p, _ in moved_parts])))}
    touched = _repoint_events(conn, {e for _, e in moved_parts}, entity_id, target, names_moved)
    for cid in sorted(touched):
        rebuild_canonical(conn, cid)
    refresh_entity_fts(conn, entity_id)
    refresh_entity_fts(conn, target)
    _log(conn, who=who, client=client, action="split", object_type="entity", object_id=entity_id,
         old={"aliases": sorted(norms), "mentions": moved_mentions, "participants": [p for p, _ in moved_parts]},
         new={"entity": target, "restored": back is not None}, note=note)
    _log(conn, who=who, client=client, action="split_from", object_type="entity", object_id=target,
         old={"entity": entity_id}, new={"entity": target}, note=note)
    return {"entity": entity_id, "split": target, "restored": back is not None, "mentions": len(moved_mentions),
            "participants": len(moved_parts), "events": sorted(touched)}


def _merge_record(conn: Connection, keep: str, merged: str) -> dict[str, Any]:
    """What the latest merge of ``merged`` into ``keep`` moved (from its audit row), to move it back."""
    for raw in conn.execute(select(audit.c.old).where(audit.c.object_id == keep, audit.c.action == "merge")
                            .order_by(audit.c.id.desc())).scalars():
        old = json.loads(raw or "null") or {}
        if old.get("entity") == merged:
            return old
    return {}


def audit_log(conn: Connection, *, object_id: str | None = None, limit: int = 200, offset: int = 0) -> list[dict]:
    """Audit rows, newest first; for one event or entity when ``object_id`` is given."""
    q = select(audit).order_by(audit.c.id.desc()).limit(limit).offset(offset)
    if object_id:
        q = q.where(audit.c.object_id == object_id)
    out = []
    for r in conn.execute(q).mappings():
        d = dict(r)
        d["old"], d["new"] = json.loads(d["old"] or "null"), json.loads(d["new"] or "null")
        out.append(d)
    return out

