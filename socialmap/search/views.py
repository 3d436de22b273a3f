"""The public search page: the form, the results as a list (complete without
JavaScript), filters as links and a form, pages, and a map of the results."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from socialmap.extensions import db
from socialmap.i18n import current_locale
from socialmap.search import presenters as search_presenters
from socialmap.search.params import ParamError, search_args
from socialmap.search.presenters import SearchPage
from socialmap.search.run import run_search

bp = Blueprint("search", __name__)


@bp.app_context_processor
def _helpers():
    return {"search_present": search_presenters}


@bp.get("/zoeken")
def results():
    page = SearchPage(search_args(request.args))
    try:
        found = run_search(db.session, request.args, current_locale())
    except ParamError as error:
        return render_template("search/results.html", page=page, error=error, response=None), 400
    response = found.response
    if response.index_missing:
        return render_template("search/results.html", page=page, error=None, response=response), 503
    return render_template(
        "search/results.html",
        page=page,
        error=None,
        response=response,
        parsed=found.parsed,
        area_names=found.area_names,
        open_states=search_presenters.open_states(
            db.session, [h.id for h in response.hits], found.parsed.request.now, response.scheduled
        ),
        map_script=url_for(
            "maps.results_script", **{k: found.args.getlist(k) for k in found.args if k not in ("page", "per_page")}
        ),
    )
