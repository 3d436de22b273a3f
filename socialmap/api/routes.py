"""The referral routes' JSON API: ``/api/v1/routes``, ``/api/v1/routes/<key>``
and ``/api/v1/route-finder``. Like the search API beside it, an adapter over
the domain (:mod:`socialmap.routes.finder`, :mod:`socialmap.routes.criteria`),
answering every input problem with 400 in the one shape of
:meth:`socialmap.problems.Invalid.as_json`, crisis help first.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from socialmap.api import route_schemas as schemas
from socialmap.catalogue.queries import need_labels
from socialmap.extensions import db
from socialmap.i18n import _, current_locale
from socialmap.routes import access, finder, queries
from socialmap.routes.criteria import PARAMETERS, CriteriaError, origin_from, parse
from socialmap.safety.help import as_json, help_for
from socialmap.web import crisis_lines_files

bp = Blueprint("routes_api", __name__, url_prefix="/api/v1")

FINDER_PARAMETERS = PARAMETERS + ("lang",)


@bp.get("/routes")
def api_routes():
    routes = [r for r in queries.all_routes(db.session) if r.status == "published"]
    return jsonify({"routes": [schemas.route_summary(r) for r in routes]})


@bp.get("/routes/<key>")
def api_route(key: str):
    route = access.visible_route(db.session, key)
    if route is None:
        abort(404)
    try:
        origin = origin_from(db.session, request.args)
    except CriteriaError as exc:
        return _api_error(exc.errors)
    per_step = finder.services_per_step(db.session, route, origin) if origin is not None else None
    return jsonify(
        schemas.route_detail(route, per_step, access.viewer_is_professional(), origin.area.code if origin else None)
    )


@bp.route("/route-finder", methods=["GET", "POST"])
def api_finder():
    """Criteria as query parameters (GET) or a JSON object (POST, which keeps
    them out of URLs and logs)."""
    if request.method == "POST":
        source = request.get_json(silent=True)
        if not isinstance(source, dict):
            return _api_error({"body": _("Verwacht een JSON-object met de criteria.")})
    else:
        source = request.args
    # Safety first: crisis wording gets the crisis lines, even when other criteria are wrong.
    text = source.get("q")
    crisis = _crisis_json(text if isinstance(text, str) else None)
    unknown = sorted(set(source.keys()) - set(FINDER_PARAMETERS))
    if unknown:
        return _api_error({name: _("Onbekende parameter.") for name in unknown}, crisis)
    try:
        parsed = parse(db.session, source)
    except CriteriaError as exc:
        return _api_error(exc.errors, crisis)
    result = finder.find(db.session, parsed.criteria, parsed.origin)
    body = schemas.finder_result(
        result, parsed, access.viewer_is_professional(), need_labels(db.session, current_locale())
    )
    return jsonify({"crisis": crisis, **body})


def _crisis_json(text: str | None) -> dict | None:
    return as_json(help_for(db.session, text[:500] if text else None, crisis_lines_files()), current_locale())


def _api_error(errors: dict[str, str], crisis: dict | None = None):
    """400 in the shape of every input problem (:meth:`Invalid.as_json`), crisis help first."""
    body = CriteriaError(errors).as_json()
    return jsonify({"crisis": crisis, **body} if crisis else body), 400
