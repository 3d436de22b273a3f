"""Map resources, all from our own origin:

* ``/kaart/lib/<library>/<file>``: Leaflet and its cluster plugin, from the
  installed ``xstatic-leaflet`` and ``xstatic-leaflet-markercluster`` packages;
* ``/kaart/zoeken.js``, ``/kaart/dienst/<key>.js``, ``/kaart/buurt/<code>.js``:
  each map's script (built with Folium), so pages need no inline script;
* ``/kaart/leeg/<z>/<x>/<y>.png``: a plain tile, for running without a tile
  server (``SOCIALMAP_TILE_URL=/kaart/leeg/{z}/{x}/{y}.png``) and in tests.
"""

from __future__ import annotations

import struct
import zlib

import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from flask import Blueprint, Response, abort, request, url_for

from socialmap.assets import AssetDirectory, respond
from socialmap.catalogue import queries
from socialmap.catalogue.audience import is_professional_only
from socialmap.extensions import db
from socialmap.i18n import current_locale
from socialmap.maps import builders, content, rendering
from socialmap.search.params import ParamError
from socialmap.search.run import run_search

bp = Blueprint("maps", __name__, url_prefix="/kaart")

LIBRARIES = {
    "leaflet": xstatic.pkg.leaflet.BASE_DIR,
    "markercluster": xstatic.pkg.leaflet_markercluster.BASE_DIR,
}
TILE_MAX_AGE = 7 * 24 * 3600
SCRIPT_MAX_AGE = 300
# The map of a search shows every result up to this many (the list pages them).
MAP_RESULTS = 500


_libraries: dict[str, AssetDirectory] = {name: AssetDirectory(path) for name, path in LIBRARIES.items()}


@bp.get("/lib/<library>/<digest>/<path:filename>")
def asset(library: str, digest: str, filename: str):
    """A library file under the library's content digest (see socialmap/assets.py)."""
    directory = _libraries.get(library)
    if directory is None:
        abort(404)
    return respond(directory.get(filename), current=digest == directory.tree_digest())


@bp.app_url_defaults
def _library_digest(endpoint: str, values: dict) -> None:
    if endpoint == "maps.asset" and "digest" not in values and values.get("library") in _libraries:
        values["digest"] = _libraries[values["library"]].tree_digest()


def _asset_url(library: str, filename: str) -> str:
    return url_for("maps.asset", library=library, filename=filename)


def _script(m, name: str) -> Response:
    rendering.use_local_assets(m, _asset_url)
    response = Response(rendering.map_script(m, name), mimetype="text/javascript")
    response.cache_control.private = True
    response.cache_control.max_age = SCRIPT_MAX_AGE
    # The language comes from the same place as the page's (session or Accept-Language).
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@bp.get("/zoeken.js")
def results_script():
    """The results map: every result of the search (not only the page shown)."""
    try:
        found = run_search(
            db.session, request.args, current_locale(), name_areas=False, page=1, per_page=MAP_RESULTS, explain=False
        ).response
    except ParamError:
        abort(400)
    m = builders.results_map(content.hit_points(found.hits), content.tiles(), content.here(found.place, found.radius_m))
    return _script(m, "results")


@bp.get("/dienst/<key>.js")
def service_script(key: str):
    svc = queries.service_detail(db.session, key)
    if svc is None:
        abort(404)
    m = builders.service_map(content.service_points([svc], link=False), content.served_outlines(svc), content.tiles())
    return _script(m, "service")


@bp.get("/buurt/<code>.js")
def neighbourhood_script(code: str):
    area = queries.area_by_code(db.session, code)
    if area is None or area.level != "neighbourhood" or area.geom is None:
        abort(404)
    # The same services as the page lists: none only for professionals.
    services = [
        s for s in queries.services_serving(db.session, area, options=queries.LISTING) if not is_professional_only(s)
    ]
    m = builders.neighbourhood_map(content.outline(area, "buurt"), content.service_points(services), content.tiles())
    return _script(m, "buurt")


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


BLANK_TILE = _png(256, 256, (238, 241, 243))


@bp.get("/leeg/<int:z>/<int:x>/<int:y>.png")
def blank_tile(z: int, x: int, y: int):
    response = Response(BLANK_TILE, mimetype="image/png")
    response.cache_control.public = True
    response.cache_control.max_age = TILE_MAX_AGE
    return response
