"""Public catalogue pages: thin handlers over queries, rendered from templates."""

from __future__ import annotations

import segno
from flask import Blueprint, abort, current_app, render_template, url_for
from werkzeug.datastructures import MultiDict

from socialmap.catalogue import neighbourhood as buurt
from socialmap.catalogue import presenters, queries, schedule
from socialmap.catalogue.kinds import service_kinds
from socialmap.extensions import db
from socialmap.freshness.presenters import how_label
from socialmap.freshness.provenance import section_checks
from socialmap.freshness.stages import Thresholds, staging_day, waiting_out_of_date
from socialmap.maps.builders import service_map_clusters
from socialmap.search.presenters import SearchPage

bp = Blueprint("catalogue", __name__)


@bp.app_context_processor
def _helpers():
    return {"present": presenters, "schedule": schedule, "service_kinds": service_kinds}


def _search_form(**values):
    return SearchPage(MultiDict(values))


@bp.get("/")
def home():
    counts = queries.region_counts(db.session)
    return render_template(
        "catalogue/home.html", counts=counts, needs=queries.need_tree(db.session), page=_search_form()
    )


def _service_page(key: str, template: str, **extra):
    svc = queries.service_detail(db.session, key)
    if svc is None:
        abort(404)
    now = schedule.local_now()
    return render_template(
        template,
        service=svc,
        now=now,
        checks=section_checks(db.session, [svc])[svc.id],
        how_label=how_label,
        waiting_old=waiting_out_of_date(
            svc.waiting_updated,
            staging_day(svc.is_demo, now.date(), current_app.config.get("DEMO_AS_OF")),
            Thresholds.from_config(current_app.config),
        ),
        open_now=schedule.is_open_at(svc, now),
        today_spans=schedule.spans_on(svc, now.date()),
        meetings=schedule.next_meetings(svc, now.date()),
        exceptions=schedule.upcoming_exceptions(svc, now.date()),
        has_map=bool(svc.locations)
        or any(
            a.level in ("neighbourhood", "district", "borough", "municipality") and a.geom is not None
            for a in svc.areas_served
        ),
        map_cluster=service_map_clusters(len(svc.locations)),
        **{name: make(svc) for name, make in extra.items()},
    )


@bp.get("/dienst/<key>")
def service(key: str):
    return _service_page(key, "catalogue/service.html")


@bp.get("/dienst/<key>/afdrukken")
def service_print(key: str):
    """The service on paper: everything on one page, with a QR code to the page online."""
    return _service_page(key, "catalogue/service_print.html", qr_code=_qr_code)


def _qr_code(svc) -> str:
    """A QR code (SVG data URI) of the service page's address."""
    return segno.make(url_for("catalogue.service", key=svc.key, _external=True), error="m").svg_data_uri(
        scale=3, border=2, dark="#1b1f23"
    )


@bp.get("/buurt/<code>")
def neighbourhood(code: str):
    """Help for one buurt, for a resident on a phone: the buurt's own team first,
    then per type of help the nearest few services; the rest one click away."""
    area = queries.area_by_code(db.session, code)
    if area is None or area.level != "neighbourhood":
        abort(404)
    return render_template(
        "catalogue/neighbourhood.html",
        overview=buurt.overview(db.session, area),
        area=area,
        page=_search_form(where=area.code),
        map_script=url_for("maps.neighbourhood_script", code=area.code),
    )
