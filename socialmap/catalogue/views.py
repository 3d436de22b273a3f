"""Public catalogue pages: thin handlers over queries, rendered from templates."""
from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, render_template, url_for
from werkzeug.datastructures import MultiDict

from socialmap.catalogue import presenters, queries, schedule
from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.kinds import service_kinds
from socialmap.extensions import db
from socialmap.i18n import localized

bp = Blueprint("catalogue", __name__)
LOCAL_LEVELS = ("neighbourhood", "district")


@bp.app_context_processor
def _helpers():
    return {"present": presenters, "schedule": schedule, "service_kinds": service_kinds}


def _search_form(**values):
    from socialmap.search.views import SearchPage

    return SearchPage(MultiDict(values))


@bp.get("/")
def home():
    counts = queries.region_counts(db.session)
    return render_template("catalogue/home.html", counts=counts, needs=queries.need_tree(db.session),
                           page=_search_form())


def _service_page(key: str, template: str, **extra):
    svc = queries.service_detail(db.session, key)
    if svc is None:
        abort(404)
    now = schedule.local_now()
    return render_template(template, service=svc, now=now,
                           open_now=schedule.is_open_at(svc, now),
                           today_spans=schedule.spans_on(svc, now.date()),
                           meetings=schedule.next_meetings(svc, now.date()),
                           exceptions=schedule.upcoming_exceptions(svc, now.date()),
                           has_map=bool(svc.locations) or any(a.level in ("neighbourhood", "district", "municipality")
                                                              and a.geom is not None for a in svc.areas_served),
                           **{name: make(svc) for name, make in extra.items()})


@bp.get("/dienst/<key>")
def service(key: str):
    return _service_page(key, "catalogue/service.html")


@bp.get("/dienst/<key>/afdrukken")
def service_print(key: str):
    """The service on paper: everything on one page, with a QR code to the page online."""
    return _service_page(key, "catalogue/service_print.html", qr_code=_qr_code)


def _qr_code(svc) -> str:
    """A QR code (SVG data URI) of the service page's address."""
    import segno

    return segno.make(url_for("catalogue.service", key=svc.key, _external=True), error="m").svg_data_uri(
        scale=3, border=2, dark="#1b1f23")


@bp.get("/buurt/<code>")
def neighbourhood(code: str):
    """What serves this buurt, by domain: services for the buurt or its wijk
    first, then those for the whole municipality, region or country."""
    area = queries.area_by_code(db.session, code)
    if area is None or area.level != "neighbourhood":
        abort(404)
    chain = [area, *area.ancestors()]
    depth = {a.id: i for i, a in enumerate(chain)}
    services = queries.services_serving(db.session, area)
    by_domain: dict[str, list] = defaultdict(list)
    for svc in services:
        scope = min((a for a in svc.areas_served if a.id in depth), key=lambda a: depth[a.id], default=None)
        entry = (depth.get(scope.id, 99) if scope else 99, str(localized(svc, "name")).lower(), svc, scope)
        for domain in svc.domains:
            by_domain[domain].append(entry)
    groups = []
    for domain in voc.DOMAINS:
        entries = [(svc, scope) for *_sort, svc, scope in sorted(by_domain.get(domain, []), key=lambda e: e[:2])]
        if entries:
            local = [e for e in entries if e[1] is not None and e[1].level in LOCAL_LEVELS]
            groups.append((domain, voc.DOMAINS[domain], local, [e for e in entries if e not in local]))
    located = queries.services_located_in(db.session, area)
    return render_template("catalogue/neighbourhood.html", area=area, district=area.parent,
                           municipality=next((a for a in chain if a.level == "municipality"), None),
                           groups=groups, total=len(services), located=located,
                           page=_search_form(where=area.name),
                           map_script=url_for("maps.neighbourhood_script", code=area.code))
