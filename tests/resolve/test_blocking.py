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
