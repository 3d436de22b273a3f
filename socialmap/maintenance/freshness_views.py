"""The coordinator's freshness dashboard (on the maintenance blueprint):

* ``/beheer/actualiteit``: counts per category (due within 30 days, overdue,
  never checked, possibly outdated, waiting times out of date, open
  suggestions), the entries filtered by category, organisation, stage and wijk,
  sortable, as a page or CSV (``?format=csv``); the route steps whose only local
  services are long unchecked; a table per wijk of the share of current entries;
* ``/beheer/actualiteit/wijken.geojson``: the same shares per wijk for the map.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime

from flask import Response, current_app, jsonify, render_template, request
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from socialmap import geo
from socialmap.catalogue.areas import area_tree
from socialmap.catalogue.models import AreaUnit, Service
from socialmap.extensions import db
from socialmap.freshness import overview
from socialmap.freshness.presenters import STAGE_LABELS
from socialmap.freshness.stages import STAGES, Thresholds
from socialmap.maintenance import permissions
from socialmap.maintenance.views import _coordinator_only, bp
from socialmap.routes.models import Route
from socialmap.routes.validation import active_services, stale_only


def _rows(account) -> list[overview.Row]:
    services = [
        s
        for s in db.session.scalars(
            select(Service)
            .where(Service.status != "ended")
            .options(
                selectinload(Service.areas_served),
                selectinload(Service.organisation),
                selectinload(Service.locations),
                selectinload(Service.contacts),
                selectinload(Service.schedule_rules),
            )
        )
        if permissions.may_edit_service(db.session, account, s)
    ]
    return overview.rows_for(
        db.session,
        services,
        datetime.now(UTC).date(),
        Thresholds.from_config(current_app.config),
        current_app.config.get("DEMO_AS_OF"),
    )


@bp.get("/actualiteit")
@login_required
def freshness():
    account = _coordinator_only()
    rows = _rows(account)
    counts = Counter(c for r in rows for c in r.categories)
    stages = Counter(r.service.freshness_stage for r in rows)
    args = request.args
    category, organisation = args.get("category", ""), args.get("organisation", "")
    stage, district = args.get("stage", ""), args.get("wijk", "")
    tree = area_tree(db.session)
    organisations = sorted(
        {(r.service.organisation.key, r.service.organisation.name) for r in rows}, key=lambda o: o[1].lower()
    )
    shown = [
        r
        for r in rows
        if (not category or category in r.categories)
        and (not organisation or r.service.organisation.key == organisation)
        and (not stage or r.service.freshness_stage == stage)
        and (not district or tree.id_of.get(district) in overview.districts_of(r.service, tree))
    ]
    shown = overview.sort_rows(shown, args.get("sort", "stage"))
    if args.get("format") == "csv":
        return _csv(shown)
    shares = overview.share_current_per_district(rows, tree)
    per_district = sorted(
        ((tree.code[d], tree.name[d], fresh, total) for d, (fresh, total) in shares.items()),
        key=lambda x: (x[2] / x[3], x[1]),
    )
    routes = [
        r
        for r in db.session.scalars(select(Route).where(Route.status == "published"))
        if permissions.may_edit_route(db.session, account, r)
    ]
    active = active_services(db.session)  # once, for every route
    stale_steps = [gap for route in routes for gap in stale_only(db.session, route, tree, active)]
    return render_template(
        "maintenance/freshness.html",
        rows=shown,
        total=len(rows),
        counts=counts,
        stages=stages,
        categories=overview.CATEGORIES,
        stage_codes=STAGES,
        stage_labels=STAGE_LABELS,
        organisations=organisations,
        per_district=per_district,
        stale_steps=stale_steps,
        routes={r.key: r for r in routes},
        args=args,
        csv_args={k: v for k, v in args.items() if k != "format"},
    )


def _csv(rows: list[overview.Row]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "key",
            "name",
            "organisation",
            "stage",
            "stage_since",
            "last_checked",
            "review_date",
            "waiting_weeks",
            "waiting_updated",
            "open_suggestions",
            "attention",
        ]
    )
    for r in rows:
        s = r.service
        writer.writerow(
            [
                s.key,
                s.name,
                s.organisation.name,
                s.freshness_stage,
                s.stage_since.isoformat() if s.stage_since else "",
                r.checked.isoformat() if r.checked else "",
                r.review.isoformat() if r.review else "",
                "" if s.waiting_weeks is None else s.waiting_weeks,
                s.waiting_updated.isoformat() if s.waiting_updated else "",
                r.suggestions,
                " ".join(sorted(r.categories)),
            ]
        )
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=actualiteit.csv"
    return response


@bp.get("/actualiteit/wijken.geojson")
@login_required
def freshness_map():
    """Per wijk with entries the account may edit: its outline and the share of current entries."""
    account = _coordinator_only()
    tree = area_tree(db.session)
    shares = overview.share_current_per_district(_rows(account), tree)
    features = []
    for area in db.session.scalars(select(AreaUnit).where(AreaUnit.id.in_(list(shares) or [-1]))):
        shape = geo.from_db(area.geom) if area.geom is not None else None
        if shape is None:
            continue
        fresh, total = shares[area.id]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": area.code,
                    "name": area.name,
                    "current": fresh,
                    "total": total,
                    "share": round(fresh / total, 3),
                },
                "geometry": geo.shape_to_geojson(shape.simplify(0.0001, preserve_topology=True)),
            }
        )
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.cache_control.private = True
    return response
