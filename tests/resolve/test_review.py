"""Reviewers' actions on a real store (SQLite and PostgreSQL): judgements, edits, merges, splits.

Every action must write audit rows, destroy nothing, survive a rebuild of the canonical event
(new reports joining it) and show in what exports read.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from khabar.batch import ingest
from khabar.errors import KhabarError
from khabar.export.formats import write_export
from khabar.ingest import iter_documents
from khabar.resolve.canonical import rebuild_canonical
from khabar.resolve.review import audit_log, merge_entities, review_event, split_entity
from khabar.store import Store, get_entity, get_event, list_events
from khabar.store.query import find_entities
from khabar.store.schema import entities, mentions, participants
from tests.conftest import CORPUS


@pytest.fixture
def stream(store: Store, cached_analysis) -> Store:
    docs = [d for d in iter_documents([str(CORPUS / "stream" / "articles.jsonl")]) if not hasattr(d, "code")]
    ingest(docs, store, embeddings=False)
    return store


def _kerman(conn) -> dict:
    found = [e for e in list_events(conn, country="IR", type="bombing") if (e["date"] or {}).get("start") == "2024-01-03"]
    assert found, "the stream's Kerman bombing is missing"
    return max(found, key=lambda e: e["n_sources"])


def test_confirm_reject_reopen_are_audited_and_rejected_events_leave_exports(stream: Store, tmp_path):
    with stream.begin() as conn:
        cid = _kerman(conn)["id"]
        out = review_event(conn, cid, action="confirm", who="Ana", note="checked against 3 outlets")
        assert out["changed"] and out["review"]["state"] == "confirmed"
        assert not review_event(conn, cid, action="confirm", who="Ana")["changed"]  # idempotent: no 2nd row
        review_event(conn, cid, action="reject", who="Ben", client="127.0.0.1")
    with stream.read() as conn:
        rows = audit_log(conn, object_id=cid)
        assert [(r["action"], r["old"], r["new"], r["who"]) for r in rows] == [
            ("reject", "confirmed", "rejected", "Ben"), ("confirm", None, "confirmed", "Ana")]
        assert rows[0]["client"] == "127.0.0.1" and rows[1]["note"] == "checked against 3 outlets"
        assert cid in {e["id"] for e in list_events(conn, review="rejected")}
        kept = list_events(conn, exclude_rejected=True)
        assert cid not in {e["id"] for e in kept}
        assert get_event(conn, cid)["review"]["state"] == "rejected"  # still stored, nothing destroyed
    write_export("acled", kept, {}, tmp_path / "a.csv")
    assert cid not in (tmp_path / "a.csv").read_text()
    with stream.begin() as conn:
        review_event(conn, cid, action="reopen", who="Ana")
        assert cid in {e["id"] for e in list_events(conn, review="unreviewed")}


def test_an_edit_keeps_the_machine_value_and_survives_a_rebuild(stream: Store, tmp_path):
    with stream.begin() as conn:
        k = _kerman(conn)
        cid, machine = k["id"], k["fatalities"]["min"]
        review_event(conn, cid, action="edit", who="Ana", fields={"fatalities_min": "95", "fatalities_max": "95",
                                                                   "location_name": "Kerman city", "type": "bombing"})
        rebuild_canonical(conn, cid)  # what a new report joining the event triggers
    with stream.read() as conn:
        e = get_event(conn, cid)
        assert e["fatalities"]["min"] == 95 and e["fatalities"]["basis"] == "review"
        assert e["review"]["edited"]["fatalities_min"] == {"machine": machine, "value": 95}
        assert e["location"]["name"] == "Kerman city"
        assert "type" not in e["review"]["edited"]  # unchanged values are not recorded as edits
        assert cid in {x["id"] for x in list_events(conn, review="edited")}
        edits = [(r["field"], r["old"], r["new"]) for r in audit_log(conn, object_id=cid)]
        assert ("fatalities_min", machine, 95) in edits and len(edits) == 3
        flat = list_events(conn, sort="fatalities", limit=1, country="IR")[0]
        assert flat["fatalities"]["min"] >= 95
    write_export("gtd", [e], {}, tmp_path / "g.csv")
    assert "Kerman city" in (tmp_path / "g.csv").read_text()
    with stream.begin() as conn:  # an empty value returns the field to the machine's value
        review_event(conn, cid, action="edit", who="Ana", fields={"fatalities_min": "", "fatalities_max": ""})
        assert get_event(conn, cid)["fatalities"]["min"] == machine


@pytest.mark.parametrize(("fields", "code"), [({"fatalities_min": "-3"}, "E522"), ({"country": "XX"}, "E522"),
                                              ({"date_start": "2024-02-30"}, "E522"), ({"type": "picnic"}, "E522"),
                                              ({"data": "{}"}, "E521"),
                                              ({"fatalities_min": "50", "fatalities_max": "10"}, "E522")])
def test_bad_edits_are_refused_with_a_code_and_change_nothing(stream: Store, fields, code):
    with stream.begin() as conn:
        cid = _kerman(conn)["id"]
    with pytest.raises(KhabarError) as err, stream.begin() as conn:
        review_event(conn, cid, action="edit", who="Ana", fields=fields)
    assert err.value.code == code
    with stream.read() as conn:
        assert audit_log(conn, object_id=cid) == [] and "review" not in get_event(conn, cid)


def test_unknown_action_and_anonymous_reviewer_are_refused(stream: Store):
    with stream.begin() as conn:
        cid = _kerman(conn)["id"]
        with pytest.raises(KhabarError, match="E520"):
            review_event(conn, cid, action="delete", who="Ana")
        with pytest.raises(KhabarError, match="E525"):
            review_event(conn, cid, action="confirm", who="  ")


def _two_people(conn) -> tuple[str, str]:
    """Two person entities that appear as event participants (to merge)."""
    rows = conn.execute(select(participants.c.entity_id, entities.c.type).join(
        entities, entities.c.id == participants.c.entity_id).where(entities.c.type == "organization")
        .group_by(participants.c.entity_id, entities.c.type).order_by(func.count().desc())).all()
    assert len(rows) >= 2
    return rows[0][0], rows[1][0]


def test_merge_moves_mentions_and_roles_and_split_restores_them(stream: Store):
    with stream.read() as conn:
        keep, other = _two_people(conn)
        other_name = conn.execute(select(entities.c.name).where(entities.c.id == other)).scalar_one()
        before = {e: conn.execute(select(func.count()).where(mentions.c.entity_id == e)).scalar_one()
                  for e in (keep, other)}
    with stream.begin() as conn:
        result = merge_entities(conn, keep, other, who="Ana", note="same group")
    with stream.read() as conn:
        assert result["mentions"] == before[other]
        assert conn.execute(select(func.count()).where(mentions.c.entity_id == keep)).scalar_one() == sum(before.values())
        assert conn.execute(select(func.count()).where(participants.c.entity_id == other)).scalar_one() == 0
        assert conn.execute(select(entities.c.merged_into).where(entities.c.id == other)).scalar_one() == keep
        assert keep in find_entities(conn, other_name) and other not in find_entities(conn, other_name)
        for cid in result["events"]:
            ids = {p.get("entity") for p in get_event(conn, cid)["participants"]}
            assert other not in ids
        merged = get_entity(conn, keep)
        assert other_name in merged["aliases"]
        assert [r["action"] for r in audit_log(conn, object_id=keep)] == ["merge"]
        with pytest.raises(KhabarError, match="E523"):
            merge_entities(conn, keep, other, who="Ana")  # already merged
    with stream.begin() as conn:
        back = split_entity(conn, keep, [other_name], who="Ben")
    with stream.read() as conn:
        assert back["split"] == other and back["restored"]  # the original id comes back
        assert conn.execute(select(entities.c.merged_into).where(entities.c.id == other)).scalar_one() is None
        after = {e: conn.execute(select(func.count()).where(mentions.c.entity_id == e)).scalar_one()
                 for e in (keep, other)}
        assert after == before
        log = audit_log(conn, object_id=keep)
        assert [r["action"] for r in log] == ["split", "merge"]
        assert json.dumps(log[0]["old"]["aliases"])


def test_split_refuses_the_entitys_own_name_and_unknown_aliases(stream: Store):
    with stream.read() as conn:
        keep, _ = _two_people(conn)
        name = conn.execute(select(entities.c.name).where(entities.c.id == keep)).scalar_one()
    with stream.begin() as conn:
        with pytest.raises(KhabarError, match="E524"):
            split_entity(conn, keep, [name], who="Ana")
        with pytest.raises(KhabarError, match="E524"):
            split_entity(conn, keep, ["Nobody Anywhere"], who="Ana")
