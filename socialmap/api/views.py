"""The public JSON API, version 1: thin over the search engine and its parameters.

``GET /api/v1/search`` takes the parameters of the search page (see
:mod:`socialmap.search.params`) and answers JSON, or GeoJSON when asked with
``f=geojson`` (also ``format=geojson``) or ``Accept: application/geo+json``.
``GET /api/v1/places?q=`` suggests places (postcodes, buurten, wijken,
municipalities) for type-ahead.

A parameter the API does not know, or a value it cannot use, is a 400 whose
``param`` names the parameter and whose ``message`` says what is wrong,
never a 500. Errors for unknown paths come from :mod:`socialmap.web`.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from werkzeug.datastructures import MultiDict

from socialmap.api import schemas
from socialmap.extensions import db
from socialmap.i18n import _, current_locale
from socialmap.problems import invalid
from socialmap.safety.help import as_json as crisis_json
from socialmap.search import presenters as search_presenters
from socialmap.search.params import SEARCH_PARAMS, ParamError
from socialmap.search.places import POSTCODE, postcode_centroids, suggest
from socialmap.search.run import run_search
from socialmap.web import crisis_help_for_request

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OUTPUTS = ("json", "geojson")
MIMETYPES = {"json": "application/json", "geojson": "application/geo+json"}
SEARCH_KNOWN = frozenset(SEARCH_PARAMS) | {"f", "lang"}
PLACES_KNOWN = frozenset({"q", "limit", "lang"})
MAX_PLACE_TEXT = 100


def _error(param: str, message: str, status: int = 400):
    """400: the shape of every input problem (:meth:`Invalid.as_json`); 503: the index is being rebuilt."""
    if status == 400:
        return current_app.json.response(invalid(param, message).as_json()), 400
    body = {"error": "Service Unavailable", "status": status, "param": param, "message": message}
    return current_app.json.response(body), status


def _unknown(args: MultiDict, known: frozenset):
    unknown = sorted(set(args) - known)
    if unknown:
        return _error(unknown[0], _("deze parameter kennen we niet"))
    return None


def _output(args: MultiDict) -> tuple[str, MultiDict]:
    """json or geojson, from ``f``, a ``format`` of json/geojson (taken out of the
    service-format filter, whose codes never clash with these), or Accept."""
    args = MultiDict(args)
    chosen = args.pop("f", "").strip().lower()
    if chosen and chosen not in OUTPUTS:
        raise ParamError("f", _("kies 'json' of 'geojson'"))
    formats = args.poplist("format")
    outputs = [v.strip().lower() for v in formats if v.strip().lower() in OUTPUTS]
    args.setlist("format", [v for v in formats if v.strip().lower() not in OUTPUTS])
    if not chosen and outputs:
        chosen = outputs[-1]
    if not chosen:
        best = request.accept_mimetypes.best_match([MIMETYPES["json"], MIMETYPES["geojson"]])
        chosen = "geojson" if best == MIMETYPES["geojson"] else "json"
    return chosen, args


@bp.get("/search")
def search():
    if (problem := _unknown(request.args, SEARCH_KNOWN)) is not None:
        return problem
    try:
        output, query_string = _output(request.args)
        found = run_search(db.session, query_string, current_locale())
    except ParamError as error:
        return _error(error.param, error.message)
    response = found.response
    if response.index_missing:
        return _error("", _("Zoeken lukt nu even niet: de zoekindex wordt bijgewerkt. Probeer het later opnieuw."), 503)
    links = _links(found.args, response, output)
    shape = schemas.search_geojson if output == "geojson" else schemas.search_json
    body = shape(response, found.parsed, found.area_names, links)
    # Safety first: crisis wording puts the crisis lines and services at the top.
    body = {"crisis": crisis_json(crisis_help_for_request(), current_locale()), **body}
    result = current_app.response_class(current_app.json.dumps(body), mimetype=MIMETYPES[output])
    result.vary.update(("Accept", "Accept-Language", "Cookie"))
    return result


def _links(args: MultiDict, response, output: str) -> dict:
    def api(page: int) -> str:
        kept = search_presenters.changed(args, keep_page=True, page=page)
        if output == "geojson":
            kept = search_presenters.changed(kept, keep_page=True, f="geojson")
        return url_for("api.search", _external=True, **{k: kept.getlist(k) for k in kept})

    return {
        "self": api(response.page),
        "next": api(response.page + 1) if response.page < response.pages else None,
        "prev": api(response.page - 1) if response.page > 1 else None,
        "html": url_for("search.results", _external=True, **{k: args.getlist(k) for k in args}),
    }


@bp.get("/places")
def places():
    if (problem := _unknown(request.args, PLACES_KNOWN)) is not None:
        return problem
    text = request.args.get("q", "").strip()
    if len(text) > MAX_PLACE_TEXT:
        return _error("q", _("gebruik hoogstens %(n)d tekens", n=MAX_PLACE_TEXT))
    raw_limit = request.args.get("limit", "8").strip()
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 20:
        return _error("limit", _("kies een getal van %(low)d tot en met %(high)d", low=1, high=20))
    limit = int(raw_limit)
    found = []
    postcode = POSTCODE.match(text)
    if postcode and postcode.group(1) in postcode_centroids():
        _lon, _lat, city = postcode_centroids()[postcode.group(1)]
        found.append(
            {
                "code": postcode.group(1),
                "name": f"{postcode.group(1)} {city}",
                "level": "postcode",
                "level_label": _("Postcode"),
                "within": [city],
            }
        )
    for area in suggest(db.session, text, limit):
        within = [a.name for a in area.ancestors() if a.level in ("district", "municipality")]
        found.append(schemas.area_json(area, within))
    result = current_app.json.response({"query": text, "places": found[:limit]})
    result.cache_control.public = True
    result.cache_control.max_age = 300
    result.vary.update(("Accept-Language", "Cookie"))  # level names are in the visitor's language
    return result
