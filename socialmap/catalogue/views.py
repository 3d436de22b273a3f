"""Public catalogue pages: thin handlers over queries, rendered from templates."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from socialmap.catalogue import presenters, queries, schedule
from socialmap.catalogue.kinds import service_kinds
from socialmap.extensions import db

bp = Blueprint("catalogue", __name__)


@bp.app_context_processor
def _helpers():
    return {"present": presenters, "schedule": schedule, "service_kinds": service_kinds}


@bp.get("/")
def home():
    counts = queries.region_counts(db.session)
    return render_template("catalogue/home.html", counts=counts, needs=queries.need_tree(db.session))


@bp.get("/dienst/<key>")
def service(key: str):
    svc = queries.service_detail(db.session, key)
    if svc is None:
        abort(404)
    now = schedule.local_now()
    return render_template("catalogue/service.html", service=svc, now=now,
                           open_now=schedule.is_open_at(svc, now),
                           today_spans=schedule.spans_on(svc, now.date()),
                           meetings=schedule.next_meetings(svc, now.date()),
                           exceptions=schedule.upcoming_exceptions(svc, now.date()))
