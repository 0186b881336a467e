"""Blocking: which stored canonical events a new report is compared with, and at what cost."""

from __future__ import annotations

from khabar.resolve.canonical import _candidates
from khabar.resolve.events import EventRef
from khabar.store import Store
from khabar.store.db import now
from khabar.store.schema import canonical_events

# id, family, country, date_lo, date_hi, precision
STORED = [
    ("c-day", "violence", "AF", "2024-03-10", "2024-03-10", "day"),
    ("c-month", "violence", "AF", "2024-03-01", "2024-03-31", "month"),
    ("c-undated-march", "violence", None, "2024-02-12", "2024-03-13", "unknown"),  # month before publication
    ("c-year", "violence", "AF", "2024-01-01", "2024-12-31", "year"),
    ("c-last-year", "violence", "AF", "2023-01-01", "2023-12-31", "year"),
    ("c-too-early", "violence", "AF", "2024-01-05", "2024-01-05", "day"),
    ("c-other-country", "violence", "PK", "2024-03-10", "2024-03-10", "day"),
    ("c-other-family", "arrest", "AF", "2024-03-10", "2024-03-10", "day"),
]


def test_candidates_overlap_in_days_within_a_bounded_window(tmp_path):
    store = Store.open(str(tmp_path / "k.db"))
    with store.begin() as conn:
        for cid, fam, country, lo, hi, precision in STORED:
            conn.execute(canonical_events.insert().values(
                id=cid, type="attack" if fam == "violence" else fam, family=fam, country=country, date_lo=lo,
                date_hi=hi, date_precision=precision, status="reported", n_sources=1, n_events=1,
                updated_at=now(), data="{}"))
    ref = EventRef(id="e1", document="d1", type="bombing", precision="day", date_lo="2024-03-11",
                   date_hi="2024-03-11", country="AF")
    with store.read() as conn:
        got = _candidates(conn, ref)
        plan = " ".join(str(r) for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM canonical_events WHERE family = 'violence' AND country = 'AF' "
            "AND date_lo BETWEEN '2024-01-08' AND '2024-03-12' AND date_hi >= '2024-03-10'"))
    store.close()
    # newest start first; a day one day off is within the slack; the year event starts on 1 January
    assert got == ["c-day", "c-month", "c-undated-march", "c-year"]
    assert "ix_canonical_block_country" in plan and "date_lo>" in plan  # a range search, not a scan


def test_a_finely_placed_report_skips_finely_placed_events_beyond_reach(tmp_path):
    """Kabul: Herat (650 km) and Peshawar (~230 km), placed by city, cannot be its incident;
    events placed only by province or country, without a point, or reviewed, still can."""
    from khabar.store.schema import event_reviews

    stored = [  # id, lat, lon, precision
        ("c-kabul", 34.53, 69.17, "city"), ("c-charikar", 35.01, 69.17, "city"),
        ("c-herat", 34.35, 62.20, "city"), ("c-peshawar", 34.01, 71.58, "city"),
        ("c-province-far", 34.35, 62.20, "province"), ("c-no-point", None, None, None),
        ("c-herat-reviewed", 34.35, 62.20, "point")]
    store = Store.open(str(tmp_path / "k.db"))
    with store.begin() as conn:
        for cid, lat, lon, precision in stored:
            conn.execute(canonical_events.insert().values(
                id=cid, type="attack", family="violence", country="AF", date_lo="2024-03-10", date_hi="2024-03-10",
                date_precision="day", lat=lat, lon=lon, geo_precision=precision, status="reported", n_sources=1,
                n_events=1, updated_at=now(), data="{}"))
        conn.execute(event_reviews.insert().values(canonical_id="c-herat-reviewed", state="confirmed",
                                                   overrides="{}", updated_by="t", updated_at=now()))
    city = EventRef(id="e1", document="d1", type="bombing", precision="day", date_lo="2024-03-10",
                    date_hi="2024-03-10", country="AF", lat=34.52, lon=69.18, geo_precision="city")
    vague = EventRef(**{**city.__dict__, "geo_precision": "province"})
    with store.read() as conn:
        near, everywhere = set(_candidates(conn, city)), set(_candidates(conn, vague))
    store.close()
    assert near == {"c-kabul", "c-charikar", "c-province-far", "c-no-point", "c-herat-reviewed"}
    assert everywhere == {cid for cid, *_ in stored}  # a report placed by province reads them all


def test_leaving_out_events_beyond_reach_changes_no_cluster(tmp_path, monkeypatch):
    """On a synthetic store (bench/synth_store.py), the newest 600 reports resolved again with
    and without the distance filter end in the same canonical events, while the filter reads
    fewer candidates."""
    import shutil
    import sys
    from pathlib import Path

    import khabar.resolve.canonical as canonical

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from synth_store import build

    base = tmp_path / "base.db"
    build(base, 2000, seed=3, embeddings=True, progress=False)
    store = Store.open(str(base))
    with store.begin() as conn:
        rows = conn.exec_driver_sql("SELECT id, canonical_id FROM events ORDER BY rowid DESC LIMIT 600").all()
        ids = [r[0] for r in reversed(rows)]
        conn.exec_driver_sql(f"UPDATE events SET canonical_id = NULL WHERE id IN ({','.join('?' * len(ids))})",
                             tuple(ids))
        for cid in sorted({r[1] for r in rows}):
            canonical.rebuild_canonical(conn, cid)
    store.close()
    shutil.copy(base, tmp_path / "plain.db")

    def resolve(path, counts):  # noqa: ANN001, ANN202
        s = Store.open(str(path))
        with s.begin() as conn:
            for event_id in ids:
                counts.append(len(canonical._candidates(conn, canonical.load_ref(conn, event_id))))
                canonical.attach_events(conn, [event_id])
            out = conn.exec_driver_sql("SELECT id, canonical_id FROM events ORDER BY id").all()
        s.close()
        return out

    filtered, plain = [], []
    with_filter = resolve(base, filtered)
    monkeypatch.setattr(canonical, "_within_reach", lambda ref: [])
    without = resolve(tmp_path / "plain.db", plain)
    assert with_filter == without
    assert sum(filtered) < sum(plain)
