"""From a ``folium.Map`` to what a page needs, without anything inline.

Folium writes one HTML document with inline ``<script>`` and ``<style>`` and
links to CDNs. We take only its script: it is served as a separate
JavaScript response from our own origin (``/kaart/.../*.js``), so the pages
keep ``script-src 'self'`` and ``style-src 'self'``. The map's ``<div>`` and
its size come from our templates and ``site.css``; Leaflet and the cluster
plugin are served by the app (:mod:`socialmap.maps.views`).
"""

from __future__ import annotations

import json

import folium
from branca.element import Element
from folium.elements import JSCSSMixin

# Folium's resource names -> our files (library, path inside the xstatic package).
# Bootstrap, jQuery, awesome-markers and Font Awesome are not used: no entry.
LOCAL_ASSETS: dict[str, tuple[str, str]] = {
    "leaflet": ("leaflet", "leaflet.js"),
    "leaflet_css": ("leaflet", "leaflet.css"),
    "markerclusterjs": ("markercluster", "leaflet.markercluster.js"),
    "markerclustercss": ("markercluster", "MarkerCluster.css"),
    "markerclusterdefaultcss": ("markercluster", "MarkerCluster.Default.css"),
}
UNUSED_ASSETS = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)


class UnservedAsset(LookupError):
    """A map element needs a library we do not serve ourselves."""


def _elements(root: Element):
    yield root
    for child in root._children.values():
        yield from _elements(child)


def use_local_assets(m: folium.Map, url_for_asset) -> folium.Map:
    """Point every element's CSS/JS links at our own URLs (``url_for_asset(library,
    filename)``) and drop the ones we do not need. An element needing anything
    else raises :class:`UnservedAsset`, so a new plugin cannot slip a CDN in."""
    for element in _elements(m):
        if not isinstance(element, JSCSSMixin):
            continue
        for attr in ("default_js", "default_css"):
            links = []
            for name, _url in getattr(element, attr):
                if name in UNUSED_ASSETS:
                    continue
                if name not in LOCAL_ASSETS:
                    raise UnservedAsset(f"{type(element).__name__} needs {name!r}, which the app does not serve")
                links.append((name, url_for_asset(*LOCAL_ASSETS[name])))
            setattr(element, attr, links)  # on the instance: the class lists stay untouched
    return m


def dom_id(name: str) -> str:
    """The id of the map's ``<div>`` for a map rendered as ``name``."""
    return f"map_{name}"


_WRAPPER = """/* socialmap: map script (built with Folium, served from our origin). */
(function () {
  var el = document.getElementById(%(id)s);
  if (!el || typeof L === "undefined") { return; }
  var block = el.closest("[data-map]");
  if (block) { block.hidden = false; }
%(body)s
})();
"""


def map_script(m: folium.Map, name: str) -> str:
    """The map's JavaScript, for a ``<div id="map_<name>">`` on the page.

    The block around the map (``[data-map]``) starts hidden, so a page without
    JavaScript shows no empty box; the script shows it before drawing."""
    m._id = name  # folium names the map variable and its element "map_<id>"
    figure = m.get_root()
    figure.render()
    body = figure.script.render()
    return _WRAPPER % {"id": json.dumps(dom_id(name)), "body": body}


def full_html(m: folium.Map) -> str:
    """Folium's own standalone document (for checks and debugging only)."""
    return m.get_root().render()
