"""Parquet: three flat, typed tables (events, participants, sources) for pandas, DuckDB and Spark.

Nested canonical events do not fit one table without losing either the per-source counts or the
participants, so the export is a directory of three files that join on ``event_id``. Schemas
are explicit so an empty export still has typed columns. pyarrow is imported only when a file is
written: the row builders are plain Python and need nothing beyond the standard library.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from khabar.export.common import first_sentence, kept, lowest

__all__ = ["parquet_tables", "write_parquet", "PARQUET_SCHEMAS"]

# table -> ((column, type), ...) with type one of string, int, float.
PARQUET_SCHEMAS: dict[str, tuple[tuple[str, str], ...]] = {
    "events": (
        ("event_id", "string"), ("type", "string"), ("subtype", "string"), ("status", "string"),
        ("confidence", "float"), ("date_start", "string"), ("date_end", "string"), ("date_precision", "string"),
        ("date_text", "string"), ("location_entity", "string"), ("location_name", "string"), ("country", "string"),
        ("admin1", "string"), ("admin2", "string"), ("lat", "float"), ("lon", "float"), ("geo_precision", "string"),
        ("fatalities_min", "int"), ("fatalities_max", "int"), ("fatalities_lowest", "int"),
        ("injuries_min", "int"), ("injuries_max", "int"), ("n_sources", "int"), ("summary", "string"),
        ("review_status", "string"), ("disagreements", "string"),
    ),
    "participants": (
        ("event_id", "string"), ("role", "string"), ("entity_id", "string"), ("name", "string"),
        ("entity_name", "string"), ("entity_type", "string"), ("kind", "string"), ("country", "string"),
        ("qid", "string"),
    ),
    "sources": (
        ("event_id", "string"), ("document", "string"), ("url", "string"), ("title", "string"),
        ("published", "string"), ("outlet", "string"), ("report_event", "string"), ("fatalities_min", "int"),
        ("fatalities_max", "int"), ("evidence", "string"),
    ),
}


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def parquet_tables(events: list[dict[str, Any]], entities: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The rows of the three tables, keyed by table name; columns as in ``PARQUET_SCHEMAS``."""
    tables: dict[str, list[dict[str, Any]]] = {"events": [], "participants": [], "sources": []}
    for ev in kept(events):
        eid = ev.get("id")
        date, loc = ev.get("date") or {}, ev.get("location") or {}
        fat, inj = ev.get("fatalities") or {}, ev.get("injuries") or {}
        sources = ev.get("sources") or []
        tables["events"].append({
            "event_id": eid, "type": ev.get("type"), "subtype": ev.get("subtype"), "status": ev.get("status"),
            "confidence": _float(ev.get("confidence")), "date_start": date.get("start"), "date_end": date.get("end"),
            "date_precision": date.get("precision") or "unknown", "date_text": date.get("text"),
            "location_entity": loc.get("entity"), "location_name": loc.get("name"), "country": loc.get("country"),
            "admin1": loc.get("admin1"), "admin2": loc.get("admin2"), "lat": _float(loc.get("lat")),
            "lon": _float(loc.get("lon")), "geo_precision": loc.get("precision"),
            "fatalities_min": _int(fat.get("min")), "fatalities_max": _int(fat.get("max")),
            "fatalities_lowest": lowest(ev), "injuries_min": _int(inj.get("min")), "injuries_max": _int(inj.get("max")),
            "n_sources": len({s.get("document") for s in sources}), "summary": first_sentence(ev) or None,
            "review_status": (ev.get("review") or {}).get("status"),
            "disagreements": json.dumps(ev.get("disagreements") or {}, ensure_ascii=False, sort_keys=True),
        })
        for p in ev.get("participants") or []:
            ent = entities.get(p.get("entity") or "") or {}
            tables["participants"].append({
                "event_id": eid, "role": p.get("role"), "entity_id": p.get("entity"), "name": p.get("name"),
                "entity_name": ent.get("name"), "entity_type": ent.get("type"), "kind": ent.get("kind"),
                "country": ent.get("country"), "qid": ent.get("qid"),
            })
        for s in sources:
            f = s.get("fatalities") or {}
            tables["sources"].append({
                "event_id": eid, "document": s.get("document"), "url": s.get("url"), "title": s.get("title"),
                "published": s.get("published"), "outlet": s.get("source"), "report_event": s.get("event"),
                "fatalities_min": _int(f.get("min")), "fatalities_max": _int(f.get("max")),
                "evidence": " ".join(str((s.get("evidence") or [{}])[0].get("text") or "").split()) or None,
            })
    return tables


def write_parquet(out: Path, tables: dict[str, list[dict[str, Any]]]) -> int:
    """Write ``<out>/events.parquet``, ``participants.parquet`` and ``sources.parquet``; returns the
    number of event rows."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:  # pragma: no cover - pyarrow is an optional dependency
        raise ImportError("the parquet export needs pyarrow: pip install pyarrow") from e
    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64()}
    out.mkdir(parents=True, exist_ok=True)
    for name, columns in PARQUET_SCHEMAS.items():
        schema = pa.schema([(col, types[kind]) for col, kind in columns])
        rows = tables.get(name, [])
        table = pa.table({col: pa.array([r.get(col) for r in rows], type=types[kind]) for col, kind in columns},
                         schema=schema)
        pq.write_table(table, out / f"{name}.parquet")
    return len(tables.get("events", []))
