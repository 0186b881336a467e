"""Terminal views of the store: Rich tables for events, one event, an entity, status, ingest.

Article text is hostile: Rich markup in titles or sentences must print as text, so every
value goes through ``Text`` (never through markup parsing).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from khabar.export.common import csv_safe

__all__ = ["events_table", "event_view", "entity_view", "status_table", "summary_table", "events_csv",
           "flat_event"]


def _t(value: Any) -> Text:
    return Text("" if value is None else str(value))


def _count(c: dict | None) -> str:
    if not c or c.get("min") is None:
        return ""
    if c.get("max") is None:
        return f"{c['min']}+"
    return str(c["min"]) if c["min"] == c["max"] else f"{c['min']}–{c['max']}"


def _names(ev: dict, *roles: str) -> str:
    out: list[str] = []
    for p in ev.get("participants", []):
        if p["role"] in roles and p["name"] not in out:
            out.append(p["name"])
    return "; ".join(out)


def flat_event(ev: dict) -> dict[str, Any]:
    """One row per canonical event, for CSV and tables."""
    loc = ev.get("location") or {}
    fat, inj = ev.get("fatalities") or {}, ev.get("injuries") or {}
    return {
        "id": ev["id"], "date": ev["date"].get("start"), "date_precision": ev["date"].get("precision"),
        "type": ev["type"], "subtype": ev.get("subtype"), "status": ev.get("status"),
        "country": loc.get("country"), "location": loc.get("name"), "lat": loc.get("lat"), "lon": loc.get("lon"),
        "geo_precision": loc.get("precision"),
        "fatalities_min": fat.get("min"), "fatalities_max": fat.get("max"),
        "injuries_min": inj.get("min"), "injuries_max": inj.get("max"),
        "actors": _names(ev, "actor", "claimant"), "targets": _names(ev, "target", "victim"),
        "n_sources": ev.get("n_sources", len(ev.get("sources", []))),
        "sources": " ".join(s.get("url") or s["document"] for s in ev.get("sources", [])),
        "confidence": ev.get("confidence"),
    }


def events_csv(events: list[dict]) -> str:
    rows = [flat_event(e) for e in events]
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_safe(v) for k, v in row.items()})
    return buf.getvalue()


def events_table(events: list[dict], *, total: int | None = None) -> Table:
    title = f"{len(events)} canonical events" + (f" of {total}" if total is not None and total != len(events) else "")
    table = Table(title=title, show_lines=False)
    for col in ("id", "date", "type", "where", "actors", "targets/victims", "killed", "status", "sources"):
        table.add_column(col, overflow="fold")
    for ev in events:
        f = flat_event(ev)
        where = ", ".join(str(x) for x in (f["location"], f["country"]) if x)
        table.add_row(_t(f["id"]), _t(f["date"] or "undated"), _t(f["type"] + (f"/{f['subtype']}" if f["subtype"] else "")),
                      _t(where), _t(f["actors"]), _t(f["targets"]), _t(_count(ev.get("fatalities"))),
                      _t(f["status"]), _t(f["n_sources"]))
    return table


def event_view(ev: dict) -> Group:
    f = flat_event(ev)
    head = Table(title=f"Event {ev['id']}", show_header=False)
    head.add_column("field", style="bold")
    head.add_column("value", overflow="fold")
    for label, value in (("type", f["type"] + (f" / {f['subtype']}" if f["subtype"] else "")),
                         ("date", f"{f['date'] or 'unknown'} ({f['date_precision']})"),
                         ("place", ", ".join(str(x) for x in (f["location"], f["country"]) if x)),
                         ("killed", _count(ev.get("fatalities"))), ("injured", _count(ev.get("injuries"))),
                         ("status", f["status"]), ("actors", f["actors"]), ("targets/victims", f["targets"]),
                         ("confidence", f["confidence"])):
        head.add_row(_t(label), _t(value))
    for key, values in (ev.get("disagreements") or {}).items():
        head.add_row(_t(f"{key} disagree"), _t("; ".join(
            f"{_count(v)} ({len(v['documents'])} source{'s' * (len(v['documents']) > 1)})" for v in values)))
    src = Table(title="Sources and evidence", show_lines=True)
    for col in ("published", "outlet", "title / url", "reported", "evidence"):
        src.add_column(col, overflow="fold")
    for s in ev.get("sources", []):
        sentences = s.get("sentences") or s.get("evidence") or []
        ev_text = " … ".join(f"[{x['start']}:{x['end']}] {x['text']}" for x in sentences)
        src.add_row(_t(s.get("published")), _t(s.get("source")), _t(s.get("title") or s.get("url") or s["document"]),
                    _t(f"{s.get('type')}, killed {_count(s.get('fatalities')) or '?'}"), _t(ev_text))
    return Group(head, src)


def entity_view(info: dict) -> Group:
    head = Table(title=f"{info['name']} ({info['type']})", show_header=False)
    head.add_column("field", style="bold")
    head.add_column("value", overflow="fold")
    for label, value in (("id", info["id"]), ("kind", info.get("kind")), ("country", info.get("country")),
                         ("aliases", "; ".join(info.get("aliases", []))), ("kb", info.get("kb_id")),
                         ("mentions", f"{info['mentions']} in {info['documents']} documents"),
                         ("reported by", "; ".join(info.get("reported_by", [])))):
        head.add_row(_t(label), _t(value))
    for r in info.get("relations", []):
        arrow = "→" if r["direction"] == "out" else "←"
        head.add_row(_t(r["type"]), _t(f"{arrow} {r['name']} ({r['basis']})"))
    table = Table(title="Events")
    for col in ("id", "date", "type", "where", "killed", "roles", "sources"):
        table.add_column(col)
    for e in info.get("events", []):
        table.add_row(_t(e["id"]), _t(e["date"] or "undated"), _t(e["type"]), _t(e["location"]),
                      _t(e["fatalities_min"]), _t(", ".join(e["roles"])), _t(e["sources"]))
    return Group(head, table)


def status_table(status: dict) -> Group:
    counts = Table(title=f"Store {status['database']}", show_header=False)
    counts.add_column("what", style="bold")
    counts.add_column("count", justify="right")
    for k, v in status["counts"].items():
        counts.add_row(_t(k.replace("_", " ")), _t(v))
    errs = Table(title="Latest errors")
    for col in ("at", "code", "origin", "message"):
        errs.add_column(col, overflow="fold")
    for e in status["latest_errors"]:
        errs.add_row(_t(e["at"]), _t(e["code"]), _t(e["origin"]), _t(e["message"]))
    return Group(counts, errs)


def summary_table(summary: dict) -> Table:
    table = Table(title=f"Ingest run {summary['run_id']} ({summary['seconds']} s)")
    for col in ("new", "unchanged", "failed", "events", "new entities", "canonical events touched"):
        table.add_column(col, justify="right")
    table.add_row(*(_t(summary[k]) for k in ("new", "unchanged", "failed", "events", "entities_new",
                                             "canonical_touched")))
    return table
