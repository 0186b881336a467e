"""The bundled basemap: data present and licensed, paths well formed, projection and framing right."""

from __future__ import annotations

import json
import re
from importlib.resources import files

import pytest

from khabar.web import basemap
from khabar.web.basemap import HEIGHT, WIDTH, countries, decode_arcs, project, rings, viewbox

WORLD = files("khabar.web") / "static" / "world"
DUSHANBE = (38.56, 68.77)
KABUL = (34.53, 69.17)


def _subpaths(d: str) -> list[list[tuple[float, float]]]:
    out = []
    for sub in re.findall(r"M[^M]*", d):
        out.append([tuple(map(float, p.split())) for p in re.split("[MLZ]", sub) if p.strip()])
    return out


def test_data_and_licence_are_bundled():
    licence = (WORLD / "LICENSE").read_text(encoding="utf-8")
    assert "Bostock" in licence and "Permission to use" in licence
    readme = (WORLD / "README.md").read_text(encoding="utf-8")
    assert "world-atlas" in readme and "2.0.2" in readme and "Natural Earth" in readme
    topo = json.loads((WORLD / "countries-110m.json").read_text(encoding="utf-8"))
    assert topo["type"] == "Topology" and "scale" in topo["transform"]


def test_countries_load_with_known_names():
    cs = countries()
    assert len(cs) > 150
    names = {c.name for c in cs}
    assert {"Tajikistan", "Afghanistan", "Russia", "Kosovo"} <= names
    assert len({c.id for c in cs}) == len(cs)  # ids unique, even where the data has none
    assert next(c for c in cs if c.name == "Afghanistan").id == "004"
    assert countries() is cs  # cached


def test_project_canvas_corners_and_centre():
    assert project(0, 0) == (WIDTH / 2, HEIGHT / 2)
    assert project(90, -180) == (0, 0)
    assert project(-90, 180) == (WIDTH, HEIGHT)


def test_paths_use_only_move_line_close_and_numbers():
    for c in countries():
        assert re.fullmatch(r"[MLZ0-9.\- ]+", c.d), c.name
        assert c.d.startswith("M") and c.d.endswith("Z")


def test_no_segment_streaks_across_the_map():
    """Rings crossing the antimeridian (Russia, Fiji) are unwrapped and clipped, not drawn across.

    The only long segment allowed is Antarctica's closure along the bottom edge of the canvas.
    """
    for c in countries():
        for pts in _subpaths(c.d):
            assert all(0 <= x <= WIDTH and 0 <= y <= HEIGHT for x, y in pts), c.name
            for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True):
                on_pole_edge = y0 == y1 and y0 in (0, HEIGHT)
                assert abs(x1 - x0) <= WIDTH / 2 or on_pole_edge, (c.name, (x0, y0), (x1, y1))


def test_russia_reaches_both_edges_of_the_map():
    russia = next(c for c in countries() if c.name == "Russia")
    xs = [x for pts in _subpaths(russia.d) for x, _ in pts]
    assert min(xs) == 0 and max(xs) == WIDTH  # Chukotka's tip shows on the far left


def test_decoder_reverses_negative_arcs_and_drops_joints():
    topo = {
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[0, 0], [1, 0], [0, 1]], [[1, 1], [-1, 0], [0, -1]]],
    }
    arcs = decode_arcs(topo)
    assert arcs[0] == [(0, 0), (1, 0), (1, 1)]
    assert rings({"type": "Polygon", "arcs": [[0, 1]]}, arcs) == [[(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]]
    assert rings({"type": "Polygon", "arcs": [[~1, ~0]]}, arcs)[0] == [(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]
    assert len(rings({"type": "MultiPolygon", "arcs": [[[0, 1]], [[0, 1]]]}, arcs)) == 2
    assert rings({"type": "Point", "coordinates": [0, 0]}, arcs) == []


def test_viewbox_frames_nearby_points_closely():
    x, y, w, h = viewbox([DUSHANBE, KABUL])
    assert w == pytest.approx(2 * h)
    assert w < WIDTH / 5
    for lat, lon in (DUSHANBE, KABUL):
        px, py = project(lat, lon)
        assert x < px < x + w and y < py < y + h


def test_viewbox_empty_or_unusable_is_the_world():
    assert viewbox([]) == (0, 0, WIDTH, HEIGHT)
    assert viewbox([(None, None), (float("nan"), 3), (120, 0)]) == (0, 0, WIDTH, HEIGHT)
    assert viewbox([(85, 0), (-85, 0)]) == (0, 0, WIDTH, HEIGHT)  # too tall to fit: the world


def test_viewbox_stays_on_the_canvas():
    for point in [(89, 179), (-89, -179), (0, 0)]:
        x, y, w, h = viewbox([point])
        assert x >= 0 and y >= 0 and x + w <= WIDTH and y + h <= HEIGHT
        assert w == pytest.approx(2 * h)


def test_public_names():
    assert {"countries", "project", "viewbox", "Country"} <= set(basemap.__all__)
