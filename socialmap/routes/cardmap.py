"""A small static map for the printed route card: buurt outlines and the service's
location as SVG, drawn on the server (no tiles, nothing fetched, prints sharply).

The frame holds the person's buurt and the service's location; the buurten in
it are drawn faintly for orientation, the person's buurt shaded, the service
marked with a numbered pin. A scale bar gives distance. Projection: lon/lat
scaled by cos(latitude) -- exact enough for a few kilometres.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from markupsafe import Markup
from shapely.geometry import MultiPolygon, Polygon, box

from socialmap import geo
from socialmap.catalogue import queries

WIDTH, HEIGHT = 320, 220


def _frame(points: list[tuple[float, float]], home) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = home.bounds if home is not None else (points[0][0], points[0][1]) * 2
    for x, y in points:
        minx, miny, maxx, maxy = min(minx, x), min(miny, y), max(maxx, x), max(maxy, y)
    pad_x, pad_y = max((maxx - minx) * 0.15, 0.004), max((maxy - miny) * 0.15, 0.0025)
    minx, miny, maxx, maxy = minx - pad_x, miny - pad_y, maxx + pad_x, maxy + pad_y
    # keep the drawing's aspect ratio: widen the shorter side
    k = math.cos(math.radians((miny + maxy) / 2))
    w, h = (maxx - minx) * k, maxy - miny
    if w / h < WIDTH / HEIGHT:
        extra = (h * WIDTH / HEIGHT - w) / k / 2
        minx, maxx = minx - extra, maxx + extra
    else:
        extra = (w * HEIGHT / WIDTH - h) / 2
        miny, maxy = miny - extra, maxy + extra
    return minx, miny, maxx, maxy


def _path(shape, project) -> str:
    polys = shape.geoms if isinstance(shape, MultiPolygon) else [shape] if isinstance(shape, Polygon) else []
    parts = []
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            pts = [project(x, y) for x, y in ring.coords]
            parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + " Z")
    return " ".join(parts)


def render(
    session, home_buurt, pins: list[tuple[str, float, float]], label: str, home_label: str, scale_label
) -> Markup:
    """The map as inline SVG. ``pins`` are (number, lon, lat); ``scale_label(metres)``
    words the scale bar (e.g. "500 m")."""
    home = geo.from_db(home_buurt.geom) if home_buurt is not None else None
    points = [(lon, lat) for _n, lon, lat in pins]
    if home is None and not points:
        return Markup("")
    minx, miny, maxx, maxy = _frame(points, home)
    sx, sy = WIDTH / (maxx - minx), HEIGHT / (maxy - miny)

    def project(x: float, y: float) -> tuple[float, float]:
        return (x - minx) * sx, (maxy - y) * sy

    around = queries.areas_intersecting(session, "neighbourhood", box(minx, miny, maxx, maxy).wkt)
    out = [
        f'<svg class="card-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f7f9fa"/>',
    ]
    for area in around:
        shape = geo.from_db(area.geom)
        if shape is not None:
            out.append(f'<path d="{_path(shape, project)}" fill="none" stroke="#9aa5ae" stroke-width="0.8"/>')
    if home is not None:
        out.append(f'<path d="{_path(home, project)}" fill="#cfe3ea" stroke="#0b5a6b" stroke-width="2"/>')
        cx, cy = project(*home.representative_point().coords[0])
        out.append(
            f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="11" text-anchor="middle" fill="#0b3a45" '
            f'font-weight="700">{escape(home_label)}</text>'
        )
    placed: list[tuple[float, float]] = []
    for number, lon, lat in pins:
        x, y = project(lon, lat)
        while any(abs(x - px) < 12 and abs(y - py) < 12 for px, py in placed):
            x += 14  # pins at the same address side by side
        placed.append((x, y))
        out.append(
            f'<path d="M{x:.1f},{y:.1f} l-8,-14 a9,9 0 1,1 16,0 z" fill="#a4262c" stroke="#ffffff" '
            f'stroke-width="1.5"/><text x="{x:.1f}" y="{y - 15:.1f}" font-size="11" font-weight="700" '
            f'text-anchor="middle" fill="#ffffff">{escape(number)}</text>'
        )
    # scale bar: a round number of metres about a quarter of the width
    metres_per_px = geo.haversine_m(minx, miny, maxx, miny) / WIDTH
    nice = next((m for m in (100, 200, 250, 500, 1000, 2000, 5000, 10000) if m / metres_per_px >= WIDTH / 6), 10000)
    bar = nice / metres_per_px
    out.append(
        f'<rect x="8" y="{HEIGHT - 24}" width="{bar + 8:.1f}" height="20" fill="#ffffff" opacity="0.85"/>'
        f'<path d="M12,{HEIGHT - 10} h{bar:.1f}" stroke="#1b1f23" stroke-width="3"/>'
        f'<text x="12" y="{HEIGHT - 14}" font-size="10" fill="#1b1f23">{escape(scale_label(nice))}</text>'
    )
    out.append(
        f'<text x="{WIDTH - 8}" y="16" font-size="12" text-anchor="end" fill="#1b1f23" font-weight="700">N ↑</text>'
    )
    out.append('</svg>')
    return Markup("".join(out))
