"""GeoJSON (events on a map) and GraphML (who did what to whom, as a network).

GeoJSON is what QGIS, kepler.gl and web maps open directly; GraphML is what Gephi, yEd, igraph
and networkx read. Both are written from the same canonical events: the map keeps only events
with coordinates, the graph links entities to events by role and entities to each other by the
knowledge-base relations. GraphML is built with ``xml.etree`` so every text is escaped, and
characters XML 1.0 forbids are dropped so the file always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from khabar.export.common import entity_name, kept, lowest, people

__all__ = ["geojson", "graphml", "GRAPHML_KEYS"]

_NS = "http://graphml.graphdrawing.org/xmlns"
# (id, for, attr.name, attr.type): declared once so typed readers (networkx, igraph) know them.
GRAPHML_KEYS = (
    ("d0", "node", "label", "string"), ("d1", "node", "node_type", "string"), ("d2", "node", "type", "string"),
    ("d3", "node", "kind", "string"), ("d4", "node", "country", "string"), ("d5", "node", "date", "string"),
    ("d6", "node", "subtype", "string"), ("d7", "node", "status", "string"), ("d8", "node", "fatalities_min", "int"),
    ("d9", "node", "qid", "string"), ("d10", "edge", "role", "string"), ("d11", "edge", "edge_type", "string"),
)
_KEY = {(target, name): key for key, target, name, _ in GRAPHML_KEYS}
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(value: Any) -> str:
    return _BAD_XML.sub("", str(value))


def geojson(events: list[dict[str, Any]], entities: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection with one Point per event that has coordinates ([lon, lat], WGS 84)."""
    features = []
    for ev in kept(events):
        loc = ev.get("location") or {}
        if loc.get("lat") is None or loc.get("lon") is None:
            continue
        date, fat = ev.get("date") or {}, ev.get("fatalities") or {}
        features.append({
            "type": "Feature", "id": ev.get("id"),
            "geometry": {"type": "Point", "coordinates": [round(float(loc["lon"]), 6), round(float(loc["lat"]), 6)]},
            "properties": {
                "id": ev.get("id"), "type": ev.get("type"), "subtype": ev.get("subtype"),
                "date": date.get("start"), "date_precision": date.get("precision") or "unknown",
                "geo_precision": loc.get("precision"), "location": loc.get("name"), "country": loc.get("country"),
                "admin1": loc.get("admin1"), "status": ev.get("status"),
                "fatalities_min": lowest(ev), "fatalities_max": fat.get("max", fat.get("min")),
                "actors": [entity_name(p, entities) for p in people(ev, "actor", "claimant")],
                "targets": [entity_name(p, entities) for p in people(ev, "target", "victim")],
                "n_sources": len({s.get("document") for s in ev.get("sources") or []}),
                "confidence": ev.get("confidence"),
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _data(parent: ET.Element, target: str, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if value is not None and value != "":
            ET.SubElement(parent, "data", key=_KEY[(target, name)]).text = _clean(value)


def graphml(events: list[dict[str, Any]], entities: dict[str, dict[str, Any]],
            relations: list[dict[str, Any]] | None = None) -> str:
    """A directed GraphML document: entity and event nodes; entity -> event edges labelled by role
    (the event's place has role ``location``); entity -> entity edges from ``relations``.
    Participants that were never resolved to an entity are not nodes."""
    root = ET.Element("graphml", xmlns=_NS)
    for key, target, name, kind in GRAPHML_KEYS:
        ET.SubElement(root, "key", {"id": key, "for": target, "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, "graph", id="khabar", edgedefault="directed")
    nodes: dict[str, ET.Element] = {}
    edges: list[tuple[str, str, dict[str, Any]]] = []

    def entity_node(eid: str, fallback: str) -> str:
        node_id = f"entity:{eid}"
        if node_id not in nodes:
            ent = entities.get(eid) or {}
            nodes[node_id] = node = ET.Element("node", id=_clean(node_id))
            _data(node, "node", {"label": ent.get("name") or fallback or eid, "node_type": "entity",
                                 "type": ent.get("type"), "kind": ent.get("kind"), "country": ent.get("country"),
                                 "qid": ent.get("qid")})
        return node_id

    for ev in kept(events):
        event_id = f"event:{ev.get('id')}"
        node = ET.Element("node", id=_clean(event_id))
        date = (ev.get("date") or {}).get("start")
        _data(node, "node", {"label": f"{ev.get('type')} {date or 'undated'}", "node_type": "event",
                             "type": ev.get("type"), "subtype": ev.get("subtype"), "date": date,
                             "status": ev.get("status"), "fatalities_min": lowest(ev),
                             "country": (ev.get("location") or {}).get("country")})
        nodes[event_id] = node
        for p in ev.get("participants") or []:
            if p.get("entity"):
                edges.append((entity_node(p["entity"], p.get("name") or ""), event_id,
                              {"role": p.get("role"), "edge_type": "participant"}))
        loc = ev.get("location") or {}
        if loc.get("entity"):
            edges.append((entity_node(loc["entity"], loc.get("name") or ""), event_id,
                          {"role": "location", "edge_type": "participant"}))
    for rel in relations or []:
        if rel.get("from") and rel.get("to"):
            edges.append((entity_node(rel["from"], ""), entity_node(rel["to"], ""),
                          {"role": rel.get("type"), "edge_type": "relation"}))
    graph.extend(nodes.values())
    seen: set[tuple[str, str, str]] = set()
    for source, target, values in edges:
        if (source, target, values["role"]) in seen:
            continue
        seen.add((source, target, values["role"]))
        edge = ET.SubElement(graph, "edge", id=f"e{len(seen) - 1}", source=_clean(source), target=_clean(target))
        _data(edge, "edge", values)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
