"""Folium maps as pure functions: plain data in, a ``folium.Map`` out.

Nothing here reads the database, the request or the configuration; callers
pass the tile server, the points (already in the visitor's language) and
the outlines. :mod:`socialmap.maps.rendering` turns a map into the script
served from our own origin, so pages keep a strict Content-Security-Policy.

Choices that matter for people:

* markers carry the service name as ``alt``/``title`` (screen readers, hover)
  and a popup with a link to the service page; their text is escaped here;
* outlines (a buurt, a served area) are not interactive: they add no stops
  for keyboard users, who get the same facts from the list beside the map;
* the scroll wheel does not zoom (scrolling the page must not get stuck in
  the map) and on touch screens one finger scrolls the page, not the map.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import folium
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template
from folium.utilities import JsCode
from markupsafe import Markup
from shapely.geometry import shape

BRAND = "#0b5a6b"
SERVED = "#7a3e9d"
HERE = "#a4262c"
MAX_ZOOM = 18


@dataclass(frozen=True)
class Tiles:
    """The tile server: a Leaflet URL template and its attribution (HTML)."""

    url: str
    attribution: str
    max_zoom: int = MAX_ZOOM


@dataclass(frozen=True)
class MapPoint:
    """A place on the map: a service location, with what the popup says."""

    lon: float
    lat: float
    title: str  # plain text: the service (or location) name
    url: str | None = None  # the service page
    lines: tuple[str, ...] = ()  # plain text: address, distance, ...
    lang: str | None = None  # the title's language when it differs from the page's


@dataclass(frozen=True)
class Outline:
    """An area drawn as an outline: a buurt, or an area a service serves."""

    name: str
    geometry: dict  # GeoJSON geometry, WGS84 (lon/lat)
    role: str = "served"  # served | buurt


@dataclass(frozen=True)
class Here:
    """The person's place (a postcode, a buurt or their location) and the radius."""

    lon: float
    lat: float
    label: str
    radius_m: int | None = None


@dataclass
class _Bounds:
    """Bounds in lon/lat, grown point by point."""

    box: list[float] = field(default_factory=lambda: [180.0, 90.0, -180.0, -90.0])

    def add(self, lon: float, lat: float) -> None:
        b = self.box
        self.box = [min(b[0], lon), min(b[1], lat), max(b[2], lon), max(b[3], lat)]

    def add_box(self, minx: float, miny: float, maxx: float, maxy: float) -> None:
        self.add(minx, miny)
        self.add(maxx, maxy)

    @property
    def empty(self) -> bool:
        return self.box[0] > self.box[2]

    def leaflet(self) -> list[list[float]]:
        minx, miny, maxx, maxy = self.box
        return [[miny, minx], [maxy, maxx]]

    def centre(self) -> list[float]:
        minx, miny, maxx, maxy = self.box
        return [(miny + maxy) / 2, (minx + maxx) / 2]


class _Popup(MacroElement):
    """A popup bound to its parent marker: HTML passed as a JSON string (no
    jQuery, no inline ``style`` attributes, which the CSP would refuse)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup({{ this.html|tojavascript }});
        {% endmacro %}
    """)

    def __init__(self, html: str):
        super().__init__()
        self._name = "Popup"
        self.html = str(html)


def popup_html(point: MapPoint) -> Markup:
    """The popup's HTML: the name (a link when there is a page) and its lines, escaped."""
    lang = Markup(' lang="%s"') % point.lang if point.lang else Markup("")
    if point.url:
        head = Markup('<a class="map-popup-title" href="%s"%s>%s</a>') % (point.url, lang, point.title)
    else:
        head = Markup('<strong class="map-popup-title"%s>%s</strong>') % (lang, point.title)
    lines = Markup("").join(Markup("<br>%s") % line for line in point.lines if line)
    return Markup('<p class="map-popup">') + head + lines + Markup("</p>")


def _base_map(tiles: Tiles, centre: Sequence[float], zoom: int = 13) -> folium.Map:
    m = folium.Map(
        location=list(centre),
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        scroll_wheel_zoom=False,
        dragging=JsCode("!L.Browser.mobile"),
        tap=False,
        max_zoom=tiles.max_zoom,
    )
    folium.TileLayer(
        tiles=tiles.url, attr=tiles.attribution, max_zoom=tiles.max_zoom, max_native_zoom=tiles.max_zoom
    ).add_to(m)
    return m


def _add_points(parent, points: Iterable[MapPoint], bounds: _Bounds) -> int:
    count = 0
    for p in points:
        marker = folium.Marker([p.lat, p.lon], alt=str(p.title), title=str(p.title), riseOnHover=True)
        marker.add_child(_Popup(popup_html(p)))
        marker.add_to(parent)
        bounds.add(p.lon, p.lat)
        count += 1
    return count


def _cluster() -> MarkerCluster:
    return MarkerCluster(options={"showCoverageOnHover": False, "maxClusterRadius": 50, "spiderfyOnMaxZoom": True})


def _outline_style(role: str) -> dict:
    if role == "buurt":
        return {"color": BRAND, "weight": 3, "fillColor": BRAND, "fillOpacity": 0.08}
    return {"color": SERVED, "weight": 2, "dashArray": "6 4", "fillColor": SERVED, "fillOpacity": 0.05}


def _add_outline(m: folium.Map, outline: Outline, bounds: _Bounds) -> None:
    style = _outline_style(outline.role)
    folium.GeoJson(
        {"type": "Feature", "geometry": outline.geometry, "properties": {"name": outline.name}},
        name=outline.name,
        style_function=lambda _feature, s=style: s,
        interactive=False,
        control=False,
    ).add_to(m)
    bounds.add_box(*shape(outline.geometry).bounds)


def _add_here(m: folium.Map, here: Here, bounds: _Bounds) -> None:
    if here.radius_m:
        circle = folium.Circle(
            [here.lat, here.lon], radius=here.radius_m, color=HERE, weight=1, dash_array="4 6", fill=False
        )
        circle.options["interactive"] = False
        circle.add_to(m)
    dot = folium.CircleMarker(
        [here.lat, here.lon], radius=8, color="#ffffff", weight=3, fill=True, fill_color=HERE, fill_opacity=1
    )
    dot.options["interactive"] = False
    dot.add_to(m)
    bounds.add(here.lon, here.lat)


def _fit(m: folium.Map, bounds: _Bounds, max_zoom: int = 16) -> None:
    if not bounds.empty:
        m.location = bounds.centre()
        m.fit_bounds(bounds.leaflet(), padding=(24, 24), max_zoom=max_zoom)


def results_map(points: Sequence[MapPoint], tiles: Tiles, here: Here | None = None) -> folium.Map:
    """Search results as clustered markers, with the person's place and radius."""
    bounds = _Bounds()
    centre = [here.lat, here.lon] if here else ([points[0].lat, points[0].lon] if points else [52.37, 4.9])
    m = _base_map(tiles, centre)
    if points:
        cluster = _cluster()
        _add_points(cluster, points, bounds)
        cluster.add_to(m)
    if here is not None:
        _add_here(m, here, bounds)
    _fit(m, bounds)
    return m


def service_map_clusters(n_points: int) -> bool:
    """Does a service's map group its markers? (Then its page loads the cluster plugin.)"""
    return n_points > 3


def service_map(points: Sequence[MapPoint], outlines: Sequence[Outline], tiles: Tiles) -> folium.Map:
    """A service's locations and the areas it serves, outlined."""
    bounds = _Bounds()
    centre = [points[0].lat, points[0].lon] if points else [52.37, 4.9]
    m = _base_map(tiles, centre, zoom=15)
    for outline in outlines:
        _add_outline(m, outline, bounds)
    if points:
        parent = _cluster() if service_map_clusters(len(points)) else m
        _add_points(parent, points, bounds)
        if parent is not m:
            parent.add_to(m)
    _fit(m, bounds, max_zoom=16)
    return m


def neighbourhood_map(outline: Outline, points: Sequence[MapPoint], tiles: Tiles) -> folium.Map:
    """A buurt outlined, with the locations of the services that serve it (clustered).

    The view opens on the buurt; locations elsewhere in the city are there
    when the person zooms out."""
    bounds = _Bounds()
    m = _base_map(tiles, [52.37, 4.9], zoom=15)
    _add_outline(m, outline, bounds)
    if points:
        cluster = _cluster()
        _add_points(cluster, points, _Bounds())
        cluster.add_to(m)
    _fit(m, bounds, max_zoom=16)
    return m
