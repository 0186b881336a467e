"""One entry point for exporting canonical events to the formats analysts load.

``write_export(fmt, events, entities, out)`` writes one format and returns how many rows
(events, features, records) it wrote; each format also has a pure builder that returns rows or
objects, so callers and tests can look at values without files. Per-format code lives in
``acled``, ``gtd``, ``plover``, ``graph`` (GeoJSON, GraphML) and ``parquet``, with what they
share in ``common``; docs/exports.md
documents every column and code table. Events a reviewer rejected are never exported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from khabar.errors import KhabarError
from khabar.export.acled import ACLED_COLUMNS, acled_rows
from khabar.export.common import kept, write_csv
from khabar.export.graph import geojson, graphml
from khabar.export.gtd import GTD_COLUMNS, gtd_rows
from khabar.export.parquet import parquet_tables, write_parquet
from khabar.export.plover import plover_records

__all__ = [
    "FORMATS", "write_export", "acled_rows", "gtd_rows", "plover_records", "jsonl_records", "geojson", "graphml",
    "parquet_tables", "ACLED_COLUMNS", "GTD_COLUMNS",
]

FORMATS = ("acled", "gtd", "plover", "jsonl", "geojson", "graphml", "parquet")


def jsonl_records(events: list[dict[str, Any]], entities: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each canonical event as given, plus ``entities``: the entity objects its participants and
    its location refer to, in first-mention order."""
    out = []
    for ev in kept(events):
        ids = [p.get("entity") for p in ev.get("participants") or []] + [(ev.get("location") or {}).get("entity")]
        inlined = [entities[i] for i in dict.fromkeys(i for i in ids if i) if i in entities]
        out.append({**ev, "entities": inlined})
    return out


def _write_lines(path: Path, records: list[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
    return len(records)


def write_export(fmt: str, events: list[dict[str, Any]], entities: dict[str, dict[str, Any]], out: Path, *,
                 relations: list[dict[str, Any]] | None = None) -> int:
    """Write ``events`` as ``fmt`` to ``out`` (a file; a directory for parquet) and return the
    number of rows written. Raises E505 for a format not in ``FORMATS``."""
    if fmt not in FORMATS:
        raise KhabarError.make("E505", fmt=fmt, choices=", ".join(FORMATS))
    out = Path(out)
    if fmt == "acled":
        return write_csv(out, ACLED_COLUMNS, acled_rows(events, entities))
    if fmt == "gtd":
        return write_csv(out, GTD_COLUMNS, gtd_rows(events, entities))
    if fmt == "plover":
        return _write_lines(out, plover_records(events, entities))
    if fmt == "jsonl":
        return _write_lines(out, jsonl_records(events, entities))
    if fmt == "parquet":
        return write_parquet(out, parquet_tables(events, entities))
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "geojson":
        collection = geojson(events, entities)
        out.write_text(json.dumps(collection, ensure_ascii=False, default=str), encoding="utf-8")
        return len(collection["features"])
    out.write_text(graphml(events, entities, relations), encoding="utf-8")
    return len(kept(events))
