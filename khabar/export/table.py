"""Readable summaries for a person, as Rich renderables (text from articles is escaped)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from khabar.model import Report

__all__ = ["report_tables", "eval_table"]


def _names(report: Report, ev, roles: tuple[str, ...]) -> str:
    claimants = {p.name for p in ev.participants if p.role == "claimant"}
    out = []
    for p in ev.participants:
        if p.role not in roles or (p.role == "claimant" and "actor" in roles):
            continue
        label = p.name
        if p.role == "source":
            label += " (source)"
        elif p.role == "actor" and p.name in claimants:
            label += " (claims it)"
        if label not in out:
            out.append(label)
    return escape(", ".join(out))


def _count(c) -> str:
    if c is None:
        return ""
    if c.min is not None and c.max is not None:
        return str(c.min) if c.min == c.max else f"{c.min}-{c.max}"
    if c.min is not None:
        return f"{c.min}+"
    return f"<={c.max}"


def report_tables(report: Report, *, label: str | None = None) -> list[Table]:
    title = escape(report.document.title or label or report.document.id)
    events = Table(title=f"Events: {title}", show_lines=False, expand=False)
    for col in ("id", "type", "date", "place", "actors", "targets / victims", "deaths", "hurt", "status"):
        events.add_column(col, overflow="fold")
    for ev in report.events:
        date = ev.date.start or ""
        if ev.date.start and ev.date.precision != "day":
            date += f" ({ev.date.precision})"
        place = ""
        if ev.location:
            place = ev.location.name + (f", {ev.location.country}" if ev.location.country and ev.location.precision != "country" else "")
        events.add_row(ev.id, ev.type + (f"/{ev.subtype}" if ev.subtype else ""), date, escape(place),
                       _names(report, ev, ("actor", "claimant", "source")),
                       _names(report, ev, ("target", "victim")), _count(ev.fatalities), _count(ev.injuries), ev.status)
    ents = Table(title=f"Entities: {title}")
    for col in ("id", "type", "name", "kind / place", "mentions"):
        ents.add_column(col, overflow="fold")
    for e in report.entities:
        where = e.kind or ""
        if e.geo is not None:
            where = f"{e.geo.feature or ''} {e.geo.country or ''}".strip()
            if e.geo.lat is not None:
                where += f" ({e.geo.lat:.2f}, {e.geo.lon:.2f})"
        if e.attributes:
            where += " " + ", ".join(f"{k}={v}" for k, v in e.attributes.items())
        ents.add_row(e.id, e.type, escape(e.name), escape(where), str(len(e.mentions)))
    return [events, ents]


def eval_table(result: dict[str, Any]) -> Table:
    t = Table(title="Extraction scores (shared/gold/README.md)")
    cols = ("document", "ent R", "ent P", "frag", "geo", "ev P", "ev R", "ev F1", "slots")
    for c in cols:
        t.add_column(c, justify="right" if c != "document" else "left")
    for d in result["documents"]:
        e, v = d["entities"], d["events"]
        t.add_row(escape(str(d["document"])), f"{e['found'] / max(1, e['required']):.2f}",
                  f"{e['matched_extracted'] / max(1, e['extracted']):.2f}", str(len(e["fragmented"])),
                  f"{e['geo_right']}/{e['geo_total']}", f"{v['precision']:.2f}", f"{v['recall']:.2f}",
                  f"{v['f1']:.2f}", f"{v['slot_accuracy']:.2f}")
    o = result["overall"]
    t.add_row("[b]all[/b]", f"{o['entity_recall']:.3f}", f"{o['entity_precision']:.3f}", str(o["fragmented"]),
              f"{o['geo_accuracy']:.3f}", f"{o['event_precision']:.3f}", f"{o['event_recall']:.3f}",
              f"{o['event_f1']:.3f}", f"{o['slot_accuracy']:.3f}")
    return t
