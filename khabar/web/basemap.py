"""Offline world basemap: bundled TopoJSON country shapes turned into SVG paths.

The workbench runs locally under a strict CSP and must work without network
access, so the map cannot use a tile server or a CDN-hosted library. Instead the
Natural Earth 1:110m countries from the npm package ``world-atlas`` (see
``static/world/README.md``) ship with the package and are decoded here, once per
process, into plain SVG path strings that the templates draw server-side.

The projection is equirectangular (plate carrée): trivially invertible, cheap,
and with one pixel per the same angle on both axes, so a viewBox with the
canvas's 2:1 aspect frames any region without distortion of the framing maths.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

__all__ = [
    "WIDTH",
    "HEIGHT",
    "Country",
    "countries",
    "project",
    "viewbox",
    "decode_arcs",
    "rings",
    "as_latlon",
]

WIDTH = 1000.0
"""Width of the SVG canvas the whole world is projected onto."""
HEIGHT = 500.0
"""Height of the canvas; WIDTH / HEIGHT = 360 / 180 keeps degrees square."""

_DATA = ("static", "world", "countries-110m.json")

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Country:
    """One country shape, ready to drop into ``<path d="...">``.

    ``id`` is the ISO 3166-1 numeric code from the data (as a string), or the
    name for the few disputed areas that have none (N. Cyprus, Somaliland,
    Kosovo), so every country has a usable, unique key.
    """

    id: str
    name: str
    d: str


def project(lat: float, lon: float) -> Point:
    """Project (lat, lon) in degrees onto the WIDTH x HEIGHT canvas, y growing down."""
    return ((lon + 180.0) / 360.0 * WIDTH, (90.0 - lat) / 180.0 * HEIGHT)


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Absolute (lon, lat) points of every arc.

    Quantized TopoJSON stores each arc as integer deltas from the previous
    point; the topology's ``transform`` maps the running sums back to degrees.
    Without a transform the positions are already absolute.
    """
    transform = topology.get("transform")
    if not transform:
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in topology["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(indices: Sequence[int], arcs: list[list[Point]]) -> list[Point]:
    """Join the arcs of one ring; ``~i`` (a negative index) means arc i reversed.

    Consecutive arcs share their joint point, so every arc after the first
    drops its first point to avoid a duplicate.
    """
    ring: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)
    return ring


def rings(geometry: dict, arcs: list[list[Point]]) -> list[list[Point]]:
    """All rings (outer and holes) of a Polygon or MultiPolygon geometry; other types have none."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    return [_ring(ring, arcs) for polygon in polygons for ring in polygon]


def _num(value: float) -> str:
    """One decimal, without a trailing '.0' or a '-0': paths stay short and clean."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _unwrap(ring: list[Point]) -> list[Point]:
    """The ring with longitudes made continuous across the antimeridian.

    world-atlas keeps rings whole on the sphere, so Russia, Fiji and
    Antarctica step straight from +180 to -180. Drawn as is, that step is a
    line across the whole map; cut with a pen lift, the two halves would be
    closed by wrong chords and fill the wrong area. Shifting the points after
    each such step by 360 degrees keeps the outline one closed, correctly
    filled polygon that merely pokes out of the canvas (``_path`` draws the
    overhang again, shifted, on the other side). A ring around a pole
    (Antarctica) gains 360 degrees per turn and cannot close that way; it is
    closed along the pole's edge of the canvas instead.
    """
    if not ring:
        return []
    out = [ring[0]]
    shift = 0.0
    legs = zip(ring, [*ring[1:], ring[0]], strict=True)
    for (prev_lon, _), (lon, lat) in legs:
        step = lon - prev_lon
        if step > 180:
            shift -= 360.0
        elif step < -180:
            shift += 360.0
        out.append((lon + shift, lat))
    out.pop()  # the last leg only measured the way back to the first point
    if shift:
        first_lon, first_lat = ring[0]
        pole = -90.0 if sum(lat for _, lat in ring) < 0 else 90.0
        if out[-1] != (first_lon + shift, first_lat):
            out.append((first_lon + shift, first_lat))
        out += [(first_lon + shift, pole), (first_lon, pole)]
    return out


def _path(ring_list: Iterable[list[Point]]) -> str:
    """SVG path data for lon/lat rings: ``M x y L x y ... Z`` per ring.

    Points that round to the same tenth of a pixel are dropped, and rings that
    collapse to fewer than three points (specks at this scale) are skipped.
    A ring that, once unwrapped, runs off one side of the canvas is drawn a
    second time shifted by the canvas width, and both copies are clipped to
    the canvas, so the overhang shows up on the other side and nothing is
    drawn outside 0..WIDTH.
    """
    parts: list[str] = []
    for ring in ring_list:
        projected = [project(lat, lon) for lon, lat in _unwrap(ring)]
        if not projected:
            continue
        xs = [x for x, _ in projected]
        offsets = [0.0]
        if min(xs) < 0:
            offsets.append(WIDTH)
        if max(xs) > WIDTH:
            offsets.append(-WIDTH)
        for offset in offsets:
            shifted = [(x + offset, y) for x, y in projected]
            if len(offsets) > 1:
                shifted = _clip_x(_clip_x(shifted, 0.0, True), WIDTH, False)
            pts: list[tuple[str, str]] = []
            for x, y in shifted:
                pt = (_num(x), _num(y))
                if not pts or pts[-1] != pt:
                    pts.append(pt)
            if len(pts) > 1 and pts[0] == pts[-1]:
                pts.pop()  # the closing point repeats the first; Z closes the ring
            if len(pts) >= 3:
                parts.append("M" + "L".join(f"{x} {y}" for x, y in pts) + "Z")
    return "".join(parts)


def _clip_x(points: list[Point], bound: float, keep_right: bool) -> list[Point]:
    """Clip a closed polygon to one side of the vertical line x = bound (Sutherland-Hodgman)."""
    out: list[Point] = []
    for i, cur in enumerate(points):
        prev = points[i - 1]
        cur_in = cur[0] >= bound if keep_right else cur[0] <= bound
        prev_in = prev[0] >= bound if keep_right else prev[0] <= bound
        if cur_in != prev_in:
            t = (bound - prev[0]) / (cur[0] - prev[0])
            out.append((bound, prev[1] + t * (cur[1] - prev[1])))
        if cur_in:
            out.append(cur)
    return out


@lru_cache(maxsize=1)
def countries() -> list[Country]:
    """Every country in the bundled data, sorted by name; decoded once per process.

    The result is cached and shared: treat the list as read-only.
    """
    resource = files("khabar.web")
    for part in _DATA:
        resource = resource / part
    topology = json.loads(resource.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    result = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = str((geometry.get("properties") or {}).get("name") or geometry.get("id") or "")
        d = _path(rings(geometry, arcs))
        if d and name:
            result.append(Country(id=str(geometry.get("id") or name), name=name, d=d))
    result.sort(key=lambda c: c.name)
    return result


def viewbox(
    points: Sequence[tuple[float, float]], *, margin_deg: float = 5.0, min_span_deg: float = 20.0
) -> tuple[float, float, float, float]:
    """SVG viewBox (x, y, w, h) framing (lat, lon) points, or the whole world when there are none.

    The box gets ``margin_deg`` on every side, spans at least ``min_span_deg``
    of latitude (so one event does not zoom to street level on a 110m map), is
    widened or heightened to the canvas's 2:1 aspect so nothing stretches, and
    slid back onto the canvas where it pokes out; a box that would not fit is
    the whole world. Points with missing or out-of-range coordinates are
    ignored, so callers can pass raw event rows.
    """
    valid = [p for p in (as_latlon(lat, lon) for lat, lon in points) if p is not None]
    if not valid:
        return (0.0, 0.0, WIDTH, HEIGHT)
    lats = [p[0] for p in valid]
    lons = [p[1] for p in valid]
    south, north = min(lats) - margin_deg, max(lats) + margin_deg
    west, east = min(lons) - margin_deg, max(lons) + margin_deg
    lat_span = max(north - south, min_span_deg, (east - west) / 2)
    mid_lat, mid_lon = (north + south) / 2, (east + west) / 2
    h = round(lat_span / 180.0 * HEIGHT, 1)
    w = h * WIDTH / HEIGHT
    if w >= WIDTH or h >= HEIGHT:
        return (0.0, 0.0, WIDTH, HEIGHT)
    cx, cy = project(mid_lat, mid_lon)
    x0 = min(max(round(cx - w / 2, 1), 0.0), WIDTH - w)
    y0 = min(max(round(cy - h / 2, 1), 0.0), HEIGHT - h)
    return (x0 + 0.0, y0 + 0.0, w, h)  # + 0.0 turns a -0.0 into 0.0


def as_latlon(lat: object, lon: object) -> tuple[float, float] | None:
    """(lat, lon) as floats when both parse, are finite and lie on the globe, else None.

    Event rows carry coordinates from geocoders and user edits; one bad value
    must drop that event from the map, not break the page.
    """
    try:
        la, lo = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if math.isfinite(la) and math.isfinite(lo) and -90 <= la <= 90 and -180 <= lo <= 180:
        return (la, lo)
    return None
