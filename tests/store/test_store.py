"""The store on both backends: migrations, idempotent ingest, errors, full text, queries."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from khabar.batch import ingest
from khabar.errors import KhabarError
from khabar.model import Document
from khabar.store import Store, count_events, get_entity, get_event, list_events
from khabar.store.migrate import MIGRATIONS
from khabar.store.schema import documents, errors, schema_migrations
from tests.conftest import CORPUS, DATA

ARTICLES = ["kerman-bombing-claim", "peshawar-mosque-bombing", "tajik-mass-arrests"]


def _docs() -> list[Document]:
    out = []
    for name in ARTICLES:
        gold = json.loads((CORPUS / f"{name}.gold.json").read_text())
        out.append(Document(id="", text=(CORPUS / gold["document"]["path"]).read_text(),
                            title=name.replace("-", " "), published=gold["document"]["published"],
                            url=f"https://example.org/{name}", source="Example Wire", origin=name))
    return out


def test_migrations_are_recorded_once(store: Store):
    with store.read() as conn:
        versions = conn.execute(select(schema_migrations.c.version)).scalars().all()
    assert sorted(versions) == [m[0] for m in MIGRATIONS]
    from khabar.store.migrate import migrate

    assert migrate(store.engine) == []  # reopening applies nothing



def test_a_common_word_is_searched_by_walking_the_index(store: Store, cached_analysis, monkeypatch):
    """A search matching many documents lists the same events in the same order through the
    EXISTS walk as through collecting every match, and is counted only up to the cap."""
    if store.engine.dialect.name != "sqlite":
        pytest.skip("the walk is SQLite's plan; PostgreSQL always collects matches")
    from khabar.store import count_events_upto, query

    ingest(_docs(), store, embeddings=False)
    with store.read() as conn:
        for sort in ("date", "fatalities", "type"):
            monkeypatch.setattr(query, "DENSE_DOCS", 5_000)
            assert not query._dense(conn, "said")
            collected = [e["id"] for e in list_events(conn, text_query="said", sort=sort)]
            total = count_events(conn, text_query="said")
            monkeypatch.setattr(query, "DENSE_DOCS", 1)  # "said" is in all three: now a common word
            assert query._dense(conn, "said")
            assert [e["id"] for e in list_events(conn, text_query="said", sort=sort)] == collected
            assert [e["id"] for e in list_events(conn, text_query="said", sort=sort, limit=2, offset=1)] == \
                collected[1:3]
        assert total >= 3
        assert count_events_upto(conn, 10_000, text_query="said") == (total, True)
        assert count_events_upto(conn, 2, text_query="said") == (2, False)  # "more than 2"
        assert count_events_upto(conn, 2, country="IR")[1]  # no search: always exact
        points, located, exact = query.map_points(conn, cap=1, text_query="said")
        assert located == 1 and not exact and len(points) > 1

def test_newer_schema_is_refused(tmp_path):
    s = Store.open(str(tmp_path / "k.db"))
    with s.begin() as conn:
        conn.execute(schema_migrations.insert().values(version=999, name="future", applied_at="x"))
    s.close()
    with pytest.raises(KhabarError) as err:
        Store.open(str(tmp_path / "k.db"))
    assert err.value.code == "E502"


def test_unopenable_database_is_one_error(tmp_path):
    with pytest.raises(KhabarError) as err:
        Store.open("postgresql://nobody:secret@127.0.0.1:1/none")
    assert err.value.code == "E501" and "secret" not in err.value.line()


def test_ingest_is_idempotent_and_queryable(store: Store, cached_analysis):
    first = ingest(_docs(), store, embeddings=False)
    assert (first.new, first.unchanged, first.failed) == (3, 0, 0)
    counts = store.status()["counts"]
    again = ingest(_docs(), store, embeddings=False)
    assert (again.new, again.unchanged, again.failed) == (0, 3, 0)
    assert store.status()["counts"] == counts  # nothing changed
    assert counts["documents"] == 3 and counts["events"] >= 10
    with store.read() as conn:
        bombings = list_events(conn, type="bombing")
        assert bombings and all(e["type"] == "bombing" or e.get("subtype") == "bombing" for e in bombings)
        iran = list_events(conn, country="IR")
        assert iran and all((e.get("location") or {}).get("country") == "IR" for e in iran)
        assert count_events(conn, country="IR") == len(iran)
        arrests_tj = list_events(conn, type="arrest", since="2024-03-01", until="2024-03-31")
        assert arrests_tj
        by_text = list_events(conn, text_query="Kerman")
        assert by_text and all(any("kerman" in (s.get("url") or "") for s in e["sources"]) for e in by_text)
        by_actor = list_events(conn, actor="ISIS")  # an alias of the Islamic State KB entry
        assert by_actor
        one = get_event(conn, by_actor[0]["id"])
        src = one["sources"][0]
        assert src["url"].startswith("https://example.org/") and src["published"] and src["title"]
        article = conn.execute(select(documents.c.text).where(documents.c.id == src["document"])).scalar_one()
        for s in src["sentences"]:
            assert article[s["start"]:s["end"]] == s["text"]  # evidence points into the stored text
        ent = get_entity(conn, "IS")
        assert ent["kind"] == "armed_group" and ent["events"]


def test_bad_inputs_are_recorded_and_the_batch_goes_on(store: Store, cached_analysis, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text((DATA / "short-attack.txt").read_text())
    (folder / "empty.txt").write_text("   \n")
    (folder / "binary.txt").write_bytes((DATA / "binary.bin").read_bytes())
    (folder / "rows.jsonl").write_text('{"text": "Police arrested two men in Quetta on Monday."}\n{not json\n')
    summary = ingest([str(folder), str(tmp_path / "missing.txt")], store, embeddings=False)
    assert summary.new == 2 and summary.failed == 4
    with store.read() as conn:
        codes = sorted(conn.execute(select(errors.c.code)).scalars())
    assert codes == sorted(["E101", "E102", "E104", "E107"])
    status = store.status()
    assert status["counts"]["errors"] == 4 and status["latest_errors"][0]["message"]


def test_sqlite_is_wal_and_readers_do_not_block_the_writer(tmp_path, cached_analysis):
    s = Store.open(str(tmp_path / "k.db"))
    with s.read() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    reader = s.engine.connect()
    tx = reader.begin()
    reader.execute(select(documents.c.id)).all()  # an open read transaction
    summary = ingest(_docs()[:1], s, embeddings=False)
    assert summary.new == 1
    tx.rollback()
    reader.close()


def test_worker_processes_give_the_same_store(tmp_path):
    """--workers 2: extraction in spawned processes, writes in this one; same result as one process."""
    one = Store.open(str(tmp_path / "one.db"))
    two = Store.open(str(tmp_path / "two.db"))
    docs = _docs()
    a = ingest(docs, one, embeddings=False)
    b = ingest(docs, two, embeddings=False, workers=2)
    assert (a.new, a.events) == (b.new, b.events) == (3, a.events)
    assert one.status()["counts"] == {**two.status()["counts"]}


def test_entity_found_by_any_word_of_any_alias(store: Store, cached_analysis):
    ingest(_docs(), store, embeddings=False)
    with store.read() as conn:
        exact = get_entity(conn, "Islamic State")
        by_word = get_entity(conn, "Khorasan")  # no alias starts with it; full-text finds it
        assert "Khorasan" in by_word["name"] or any("Khorasan" in a for a in by_word["aliases"])
        assert exact["id"] != by_word["id"]
        with pytest.raises(KhabarError) as err:
            get_entity(conn, "Nonexistent Brigade of Nowhere")
        assert err.value.code == "E504"


def test_full_text_rows_from_before_step_6_are_rekeyed_and_still_found(tmp_path, monkeypatch, cached_analysis):
    """A store made by step 5 (full-text rows numbered 1, 2, ...) opened by this code: the rows
    are keyed by their ids' hex digits, and search and entity updates work on them."""
    from khabar.store import migrate as m
    from khabar.store.query import find_entities
    from khabar.store.schema import fts_rowid

    path = str(tmp_path / "old.db")
    monkeypatch.setattr(m, "MIGRATIONS", m.MIGRATIONS[:5])
    old = Store.open(path)
    ingest(_docs(), old, embeddings=False)
    with old.begin() as conn:  # as step 5's writer left them
        conn.exec_driver_sql("DELETE FROM documents_fts")
        conn.exec_driver_sql("INSERT INTO documents_fts(doc_id, title, body) SELECT id, title, text FROM documents")
        conn.exec_driver_sql("DELETE FROM entities_fts")
        conn.exec_driver_sql("INSERT INTO entities_fts(entity_id, names) SELECT entity_id, group_concat(alias, ' ; ') "
                             "FROM aliases GROUP BY entity_id")
    old.close()
    monkeypatch.setattr(m, "MIGRATIONS", MIGRATIONS)
    new = Store.open(path)
    with new.read() as conn:
        for table, col in (("documents_fts", "doc_id"), ("entities_fts", "entity_id")):
            rows = conn.exec_driver_sql(f"SELECT rowid, {col} FROM {table}").all()
            assert rows and all(rowid == fts_rowid(i) for rowid, i in rows)
        assert list_events(conn, text_query="Kerman")
        state = conn.exec_driver_sql("SELECT entity_id FROM entities_fts WHERE entities_fts MATCH 'state'").scalars().all()
        assert state and set(find_entities(conn, "state")) <= set(state)
    ingest([Document(id="", text=(DATA / "short-attack.txt").read_text(), published="2024-03-25")], new,
           embeddings=False)  # new aliases rewrite entity rows by rowid
    with new.read() as conn:
        n_fts, n_entities = conn.exec_driver_sql(
            "SELECT (SELECT count(*) FROM entities_fts), (SELECT count(DISTINCT entity_id) FROM aliases)").one()
        assert n_fts == n_entities
    new.close()
