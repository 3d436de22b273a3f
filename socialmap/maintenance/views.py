"""The coordinator pages under ``/beheer``: signing in and out, the entries an
account may edit, the service form (with the merge of a stale edit), an
entry's history with revert, and the region-wide log.

Every page asks :mod:`.permissions` and answers 403 when the account may not
act; every write goes through the catalogue operations inside one request
transaction (``write_request``). Forms carry a CSRF token (Flask-WTF's
``CSRFProtect`` guards every POST of the app).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from socialmap import geo
from socialmap.audit import AuditEntry
from socialmap.catalogue import operations
from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.areas import area_tree
from socialmap.catalogue.models import AreaUnit, Location, Organisation, Service, service_area
from socialmap.catalogue.operations import update_location, update_organisation, update_service
from socialmap.extensions import db, limiter
from socialmap.freshness import mail
from socialmap.freshness.operations import refresh_stages, verify
from socialmap.freshness.presenters import CHECK_CHOICES, HOW_LABELS, SECTION_LABELS, STAGE_LABELS
from socialmap.freshness.provenance import applicable, section_checks
from socialmap.freshness.stages import Thresholds, staging_day
from socialmap.i18n import _, pick
from socialmap.maintenance import accounts, auth, editing, history, permissions, presenters, review, route_editing
from socialmap.maintenance.models import ROLES, Account, Grant, ProposedChange
from socialmap.maps.builders import service_map_clusters
from socialmap.problems import Invalid
from socialmap.routes import vocabulary as route_voc
from socialmap.routes.kinds import step_kinds
from socialmap.routes.models import Route
from socialmap.routes.operations import RouteInvalid, save_route
from socialmap.transaction import write_request

bp = Blueprint("maintenance", __name__, url_prefix="/beheer")

# Area levels offered as a service area (buurten are many; a wijk is the usual grain).
SERVED_LEVELS = ("region", "municipality", "borough", "district")


@bp.context_processor
def _helpers():
    return {
        "field_label": presenters.field_label,
        "show_value": presenters.show_value,
        "change_label": presenters.change_label,
        "entity_label": presenters.entity_label,
        "role_label": presenters.role_label,
        "role_name": presenters.role_name,
        "actor_label": presenters.actor_label,
        "shown_change": presenters.shown_change,
        "local_time": presenters.local_time,
        "may_see_log": permissions.may_see_region_log(_account()),
        "rvoc": route_voc,
        "may_manage_accounts": permissions.may_manage_accounts(_account()),
    }


def _account() -> Account | None:
    return current_user if getattr(current_user, "is_authenticated", False) else None


# --- signing in and out ---------------------------------------------------------


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, key_func=auth.login_rate_key, methods=["POST"])
@write_request
def login():
    """Sign in. One message for every failure: it never tells which names exist."""
    error = None
    if request.method == "POST":
        account = auth.authenticate(db.session, request.form.get("username", ""), request.form.get("password", ""))
        if account is not None:
            auth.sign_in(account)
            return redirect(_safe_next(request.args.get("next")) or url_for("maintenance.dashboard"))
        error = _(
            "De gebruikersnaam of het wachtwoord klopt niet, of het account is geblokkeerd. Na %(n)d "
            "mislukte pogingen wordt een account geblokkeerd; een beheerder kan het weer openen.",
            n=int(_config("LOGIN_MAX_FAILURES")),
        )
    return render_template(
        "maintenance/login.html", error=error, username=request.form.get("username", "")
    ), 200 if error is None else 401


def _config(name: str):
    return current_app.config[name]


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never another host) to go to after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.post("/uitloggen")
def logout():
    auth.sign_out()
    flash(_("U bent uitgelogd."))
    return redirect(url_for("catalogue.home"))


@bp.post("/overal-uitloggen")
@login_required
@write_request
def logout_everywhere():
    auth.sign_out_everywhere(current_user)
    auth.sign_out()
    flash(_("U bent op alle apparaten uitgelogd."))
    return redirect(url_for("catalogue.home"))


@bp.route("/uitnodiging", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@write_request
def invitation():
    """Set the password with a one-time link. The token travels in the query
    string (``?t=``), which the access log leaves out."""
    token = request.values.get("t", "")
    found = accounts.invitation_for(db.session, token)
    if found is None:
        return render_template("maintenance/invitation.html", invitation=None, token="", errors={}), 404
    errors = {}
    if request.method == "POST":
        try:
            account = accounts.accept(
                db.session, found, request.form.get("password", ""), request.form.get("repeated", "")
            )
        except Invalid as exc:
            errors = exc.errors
        else:
            auth.sign_in(account)
            flash(_("Uw wachtwoord is ingesteld. U bent ingelogd."))
            return redirect(url_for("maintenance.dashboard"))
    return render_template(
        "maintenance/invitation.html", invitation=found, token=token, errors=errors, min_length=auth.MIN_PASSWORD_LENGTH
    ), 400 if errors else 200


# --- the entries an account may edit ---------------------------------------------


@bp.get("/")
@login_required
def dashboard():
    account = _account()
    if not permissions.may_edit_anything(account):
        return render_template("maintenance/dashboard.html", services=[], text="", may_edit=False)
    text = (request.args.get("q") or "").strip()[:100]
    query = select(Service).options(selectinload(Service.areas_served), selectinload(Service.organisation))
    scopes = [g.area_id for g in account.grants if g.role == "coordinator" and g.area_id is not None]
    if not account.is_admin:
        tree = area_tree(db.session)
        inside = {a for s in scopes for a in (tree.ids_under(s) | {s})}
        organisations = {g.organisation_id for g in account.grants if g.organisation_id is not None}
        query = query.where(
            Service.id.in_(select(service_area.c.service_id).where(service_area.c.area_id.in_(inside or {-1})))
            | Service.organisation_id.in_(organisations or {-1})
        )
    if text:
        query = query.where(func.lower(Service.name).contains(text.lower()))
    found = [
        s
        for s in db.session.scalars(query.order_by(Service.name).limit(400))
        if permissions.may_edit_service(db.session, account, s)
    ]
    routes = [
        r
        for r in db.session.scalars(select(Route).order_by(Route.title))
        if permissions.may_edit_route(db.session, account, r)
    ]
    return render_template(
        "maintenance/dashboard.html",
        services=found[:200],
        more=len(found) > 200,
        text=text,
        may_edit=True,
        routes=routes,
    )


# --- a new service -------------------------------------------------------------------


def _organisation_choices(account: Account) -> list[Organisation]:
    """Organisations a coordinator may add a service to: those with a service or
    location in the coordinator's areas (every one for an admin)."""
    query = select(Organisation).where(Organisation.status != "retired").order_by(Organisation.name)
    if not account.is_admin:
        tree = area_tree(db.session)
        scopes = [g.area_id for g in account.grants if g.role == "coordinator" and g.area_id is not None]
        inside = {a for s in scopes for a in (tree.ids_under(s) | {s})} or {-1}
        with_service = select(Service.organisation_id).join(service_area).where(service_area.c.area_id.in_(inside))
        with_location = select(Location.organisation_id).where(Location.neighbourhood_id.in_(inside))
        query = query.where(Organisation.id.in_(with_service) | Organisation.id.in_(with_location))
    return list(db.session.scalars(query))


def _scope_areas(account: Account) -> list[AreaUnit]:
    tree = area_tree(db.session)
    if account.is_admin:
        roots = {a for a in tree.code if tree.parent.get(a) is None or tree.level[a] == "region"}
    else:
        roots = {g.area_id for g in account.grants if g.role == "coordinator" and g.area_id is not None}
    ids = {a for r in roots for a in (tree.ids_under(r) | {r}) if tree.level[a] in SERVED_LEVELS}
    return list(db.session.scalars(select(AreaUnit).where(AreaUnit.id.in_(ids or {-1})).order_by(AreaUnit.name)))


@bp.route("/diensten/nieuw", methods=["GET", "POST"])
@login_required
@write_request
def new_service():
    """A new service: the few fields it cannot be without, a warning when it
    looks like one the map already has, then the full form."""
    account = _account()
    if not any(g.role in ("admin", "coordinator") for g in account.grants):
        abort(403)
    organisations = _organisation_choices(account)
    areas = _scope_areas(account)
    form = request.form
    values = {
        "organisation": form.get("organisation", ""),
        "name": (form.get("name") or "").strip(),
        "summary": (form.get("summary") or "").strip(),
        "domains": form.getlist("domains"),
        "serves": form.getlist("serves"),
    }
    errors, similar = {}, []
    if request.method == "POST":
        organisation = next((o for o in organisations if o.key == values["organisation"]), None)
        if organisation is None:
            errors["organisation"] = _("kies een organisatie")
        if set(values["serves"]) - {a.code for a in areas}:
            errors["serves"] = _("u kunt alleen gebieden binnen uw regio kiezen")
        similar = operations.similar_services(db.session, values["name"])
        if not errors and (not similar or form.get("not_a_duplicate") == "on"):
            try:
                service = operations.create_service(
                    db.session,
                    organisation,
                    account.actor,
                    name=values["name"],
                    summary=values["summary"],
                    domains=values["domains"],
                    serves=values["serves"],
                    note=(form.get("note") or "").strip()[:500] or None,
                )
            except Invalid as exc:
                errors = exc.errors
            else:
                flash(_("De dienst is gemaakt. Vul nu contact, openingstijden en locaties aan."))
                return redirect(url_for("maintenance.edit_service", key=service.key))
    return render_template(
        "maintenance/new_service.html",
        organisations=organisations,
        areas=areas,
        values=values,
        errors=errors,
        similar=similar,
        domains=voc.DOMAINS,
    ), 400 if errors else 200


# --- the service form -------------------------------------------------------------


def _editable_service(key: str) -> Service:
    service = db.session.scalar(select(Service).where(Service.key == key))
    if service is None:
        abort(404)
    if not permissions.may_edit_service(db.session, _account(), service):
        abort(403)
    return service


def _area_choices(service: Service) -> list[AreaUnit]:
    """The areas the editor may pick as served: those inside the editor's
    scopes (everything of the service's region for an admin), plus the current ones."""
    account = _account()
    tree = area_tree(db.session)
    if account.is_admin:
        roots = {tree.ancestor_ids(a.id)[-1] for a in service.areas_served if a.id in tree.code}
    else:
        roots = {g.area_id for g in account.grants if g.role == "coordinator" and g.area_id is not None}
    ids = {a for r in roots for a in (tree.ids_under(r) | {r}) if tree.level[a] in SERVED_LEVELS}
    ids |= {a.id for a in service.areas_served}
    areas = db.session.scalars(select(AreaUnit).where(AreaUnit.id.in_(ids or {-1}))).all()
    order = {level: i for i, level in enumerate(("country", *SERVED_LEVELS, "neighbourhood"))}
    return sorted(areas, key=lambda a: (order.get(a.level, 9), tree.municipality_of(a.id) or "", a.name))


def _area_groups(service: Service, areas: list[AreaUnit], chosen: list[str]) -> list[tuple[str, list, bool]]:
    """The served-area choices in groups a person can scan: the large areas
    first, then the wijken per stadsdeel (or municipality), each group open
    when it holds a chosen area."""
    tree = area_tree(db.session)
    large = [a for a in areas if a.level != "district"]
    groups: dict[int | None, list[AreaUnit]] = {}
    for a in areas:
        if a.level == "district":
            groups.setdefault(tree.parent.get(a.id), []).append(a)
    found = [(_("Regio, gemeente en stadsdelen"), large, True)] if large else []
    for parent_id, members in sorted(groups.items(), key=lambda g: tree.name.get(g[0], "") if g[0] else ""):
        label = _("Wijken in %(name)s", name=tree.name.get(parent_id, "?")) if parent_id else _("Wijken")
        found.append((label, members, any(a.code in chosen for a in members)))
    return found


def _location_choices(service: Service) -> list[Location]:
    query = (
        select(Location)
        .where(Location.organisation_id == service.organisation_id, Location.status != "retired")
        .order_by(Location.key)
    )
    found = {loc.key: loc for loc in db.session.scalars(query)}
    for loc in service.locations:
        found.setdefault(loc.key, loc)
    return sorted(found.values(), key=lambda loc: loc.key)


def _render_form(
    service: Service,
    values: dict,
    base: dict,
    version: int,
    errors: dict | None = None,
    conflicts=(),
    status: int = 200,
):
    areas = _area_choices(service)
    return render_template(
        "maintenance/service_form.html",
        service=service,
        values=editing.blank_rows(values),
        area_groups=_area_groups(service, areas, values["serves"]),
        map_cluster=service_map_clusters(len(service.locations)),
        base=editing.encode_base(base),
        version=version,
        errors=errors or {},
        conflicts=list(conflicts),
        locations=_location_choices(service),
        weekdays=voc.WEEKDAYS,
        checks=section_checks(db.session, [service])[service.id],
        sections=applicable(service),
        section_labels=SECTION_LABELS,
        how_labels=HOW_LABELS,
        check_choices=CHECK_CHOICES,
        stage_labels=STAGE_LABELS,
        weekday_labels=voc.WEEKDAY_LABELS,
        statuses=voc.STATUS,
        audiences=voc.CONTACT_AUDIENCE,
    ), status


@bp.get("/diensten/<key>/gebieden.geojson")
@login_required
def area_shapes(key: str):
    """The wijken the editor may pick as the service's area, as GeoJSON for the
    map in the service form (clicking one ticks its box in the list), each with
    the larger areas it lies in (shown as covered when one of those is chosen)."""
    service = _editable_service(key)
    tree = area_tree(db.session)
    features = []
    for area in _area_choices(service):
        shape = geo.from_db(area.geom) if area.level == "district" and area.geom is not None else None
        if shape is not None:
            within = [tree.code[a] for a in tree.ancestor_ids(area.id) if a != area.id]
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": area.code, "name": area.name, "within": within},
                    "geometry": geo.shape_to_geojson(shape.simplify(0.0001, preserve_topology=True)),
                }
            )
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.cache_control.private = True
    return response


@bp.get("/diensten/<key>")
@login_required
def edit_service(key: str):
    service = _editable_service(key)
    values = editing.service_values(service)
    return _render_form(service, values, values, service.row_version)


@bp.post("/diensten/<key>")
@login_required
@write_request
def save_service(key: str):
    """Save the form. Made on an older version: what only one side changed is
    merged; a field both changed is a conflict shown side by side (409), with
    the editor's input kept in the form."""
    service = _editable_service(key)
    areas = {a.code for a in _area_choices(service)}
    locations = {loc.key for loc in _location_choices(service)}
    read = editing.read_form(request.form, areas, locations)
    stored = editing.service_values(service)
    base = editing.decode_base(request.form.get("base")) or stored
    version = request.form.get("version", "")
    if read.problems:
        return _render_form(
            service,
            read.values,
            base,
            int(version) if version.isdigit() else service.row_version,
            errors=Invalid(read.problems).errors,
            status=400,
        )
    values, conflicts = _merge_if_stale(version, service.row_version, read.values, stored, editing.FIELDS)
    if conflicts:
        return _render_form(service, values, stored, service.row_version, conflicts=conflicts, status=409)
    changes = editing.as_changes(values, stored)
    if not changes:
        flash(_("Er was niets gewijzigd."))
        return redirect(url_for("maintenance.edit_service", key=key))
    if review.needs_review(db.session, current_user, service):
        review.propose(
            db.session,
            service,
            current_user.actor,
            stored,
            values,
            (request.form.get("note") or "").strip()[:500] or None,
        )
        flash(_("Uw wijziging is bewaard als voorstel: een coördinator bekijkt het en zet het daarna in de kaart."))
        return redirect(url_for("maintenance.edit_service", key=key))
    try:
        update_service(
            db.session,
            service,
            current_user.actor,
            note=(request.form.get("note") or "").strip()[:500] or None,
            **changes,
        )
        if "review_interval_days" in changes:  # a new interval moves the review date: the stage follows now
            refresh_stages(
                db.session,
                datetime.now(UTC).date(),
                [service],
                thresholds=Thresholds.from_config(current_app.config),
                actor=current_user.actor,
                demo_today=staging_day(True, date.today(), current_app.config.get("DEMO_AS_OF")),
            )
    except Invalid as exc:
        return _render_form(service, read.values, base, service.row_version, errors=exc.errors, status=400)
    flash(_("Opgeslagen. De wijziging staat binnen enkele seconden in de zoekresultaten."))
    return redirect(url_for("maintenance.edit_service", key=key))


def _merge_if_stale(version: str, current: int, mine: dict, stored: dict, fields) -> tuple[dict, list]:
    """An edit made on an older version (``version`` is what the form was
    opened at) merged with what was stored since: the merged values and the
    fields both sides changed. The values the form was opened with travel in
    its ``base`` field; without them every differing field is a conflict."""
    if version.isdigit() and int(version) == current:
        return mine, []
    base = editing.decode_base(request.form.get("base"))
    if base is None:
        return mine, [editing.Conflict(f, mine.get(f), stored.get(f)) for f in fields if mine.get(f) != stored.get(f)]
    merged, conflicts = editing.merge(base, mine, stored, fields)
    if not conflicts:
        flash(_("Iemand anders heeft dit intussen ook gewijzigd; die wijzigingen zijn bewaard naast de uwe."))
    return merged, conflicts


@bp.post("/diensten/<key>/gecontroleerd")
@login_required
@write_request
def verify_service(key: str):
    """ "Checked, nothing changed": the whole service or some sections, with how."""
    service = _editable_service(key)
    sections = request.form.getlist("section") or ["all"]
    try:
        verify(
            db.session,
            service,
            current_user.actor,
            request.form.get("how", ""),
            sections,
            (request.form.get("note") or "").strip()[:500] or None,
            thresholds=Thresholds.from_config(current_app.config),
        )
    except Invalid as exc:
        db.session.rollback()
        flash(_("Niet vastgelegd: %(why)s", why="; ".join(exc.errors.values())), "error")
    else:
        flash(
            _(
                "Vastgelegd als gecontroleerd: %(what)s.",
                what=", ".join(str(SECTION_LABELS.get(s, s)) for s in sections),
            )
        )
    return redirect(url_for("maintenance.edit_service", key=key) + "#verify")


# --- referral routes ---------------------------------------------------------------


def _editable_route(key: str) -> Route:
    route = db.session.scalar(select(Route).where(Route.key == key))
    if route is None:
        abort(404)
    if not permissions.may_edit_route(db.session, _account(), route):
        abort(403)
    return route


def _render_route_form(
    route: Route,
    values: dict,
    version: int,
    errors: dict | None = None,
    conflicts=(),
    status: int = 200,
    base: dict | None = None,
):
    shown_values = dict(values)
    blank_step = dict.fromkeys(route_editing.STEP_FIELDS, "")
    blank_step["client_present"] = "yes"
    blank_transition = dict.fromkeys(route_editing.TRANSITION_FIELDS, "")
    blank_transition.update(kind="referral", weight="0", appointment_by="client", referral_letter=False, consent=True)
    shown_values["steps"] = [dict(s, row=s.get("row", i)) for i, s in enumerate(values["steps"])]
    shown_values["steps"] += [
        dict(blank_step, row=len(shown_values["steps"]) + n) for n in range(route_editing.EXTRA_ROWS)
    ]
    shown_values["transitions"] = [dict(t, row=t.get("row", i)) for i, t in enumerate(values["transitions"])]
    shown_values["transitions"] += [
        dict(blank_transition, row=len(shown_values["transitions"]) + n) for n in range(route_editing.EXTRA_ROWS)
    ]
    kinds = [(code, str(pick(kind["label"]))) for code, kind in step_kinds().items()]
    steps = [("", "—")] + [(s["key"], s["key"]) for s in values["steps"] if s.get("key")]
    return render_template(
        "maintenance/route_form.html",
        route=route,
        values=shown_values,
        version=version,
        errors=errors or {},
        conflicts=list(conflicts),
        kind_choices=kinds,
        step_choices=steps,
        rvoc=route_voc,
        base=editing.encode_base(base or route_editing.route_values(route)),
    ), status


@bp.get("/verwijsroutes/<key>")
@login_required
def edit_route(key: str):
    route = _editable_route(key)
    return _render_route_form(route, route_editing.route_values(route), route.row_version)


@bp.post("/verwijsroutes/<key>")
@login_required
@write_request
def save_route_form(key: str):
    """Save the route: the route rules run on what would be written, and every
    problem is shown at its field; nothing is written while one remains."""
    route = _editable_route(key)
    read = route_editing.read_form(request.form)
    version = request.form.get("row_version", "")
    if read.problems:
        return _render_route_form(
            route,
            read.values,
            int(version) if version.isdigit() else route.row_version,
            errors=Invalid(read.problems).errors,
            status=400,
            base=editing.decode_base(request.form.get("base")),
        )
    stored = route_editing.route_values(route)
    values, conflicts = _merge_if_stale(version, route.row_version, read.values, stored, route_editing.ROUTE_FIELDS)
    keys = {s["key"] for s in values["steps"]}
    if not conflicts and (
        values["entry"] not in keys or any(t["from"] not in keys or t["to"] not in keys for t in values["transitions"])
    ):
        # Merged steps and transitions that no longer fit together: the editor chooses.
        conflicts = [
            editing.Conflict(f, read.values[f], stored[f])
            for f in ("steps", "transitions", "entry")
            if read.values[f] != stored[f]
        ]
    if conflicts:
        return _render_route_form(route, values, route.row_version, conflicts=conflicts, status=409)
    values = route_editing.numbered(values)
    attributes, steps, transitions = route_editing.build(values, route)
    english = (values.get("title_en") or "").strip()
    translations = {lang: dict(t) for lang, t in (route.translations or {}).items()}
    if english:
        translations.setdefault("en", {})["title"] = english
    elif "en" in translations:
        translations["en"].pop("title", None)
    attributes["translations"] = {lang: t for lang, t in translations.items() if t}
    with db.session.no_autoflush:
        for name, value in attributes.items():
            if getattr(route, name) != value:
                setattr(route, name, value)
        route.set_content(steps, transitions)
    try:
        save_route(db.session, route, current_user.actor)
    except RouteInvalid as exc:
        db.session.rollback()
        route = db.session.scalar(select(Route).where(Route.key == key))
        errors: dict[str, str] = {}
        for problem in exc.problems:
            errors.setdefault(route_editing.field_of(problem, values), problem.message)
        return _render_route_form(route, values, route.row_version, errors=errors, status=400)
    flash(_("De route is opgeslagen."))
    return redirect(url_for("maintenance.edit_route", key=key))


# --- organisations ---------------------------------------------------------------

ORGANISATION_FIELDS = ("name", "description", "website", "email", "phone", "kvk_number", "agb_code")


def _coordinator_only() -> Account:
    account = _account()
    if not permissions.may_see_region_log(account):  # coordinators and admins
        abort(403)
    return account


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
@login_required
@write_request
def new_organisation():
    """A new organisation; one that looks like an existing one (close name, same
    phone or website) is shown first and nothing is made until confirmed."""
    account = _coordinator_only()
    values = {f: (request.form.get(f) or "").strip() for f in ORGANISATION_FIELDS}
    errors, similar = {}, []
    if request.method == "POST":
        similar = operations.similar_organisations(db.session, values["name"], values["phone"], values["website"])
        if not similar or request.form.get("not_a_duplicate") == "on":
            try:
                organisation = operations.create_organisation(
                    db.session, account.actor, (request.form.get("note") or "").strip()[:500] or None, **values
                )
            except Invalid as exc:
                errors = exc.errors
            else:
                flash(_("De organisatie is gemaakt. Voeg nu een locatie of een dienst toe."))
                return redirect(url_for("maintenance.new_location", organisation=organisation.key))
    return render_template(
        "maintenance/new_organisation.html", values=values, errors=errors, similar=similar
    ), 400 if errors else 200


@bp.route("/locaties/nieuw", methods=["GET", "POST"])
@login_required
@write_request
def new_location():
    """A new location of an organisation; a location within 50 m is shown first."""
    account = _coordinator_only()
    organisations = _organisation_choices(account)
    form = request.values
    values = {
        f: (form.get(f) or "").strip()
        for f in ("organisation", "name", "street", "house_number", "postcode", "city", "lon", "lat")
    }
    values["postcode_centre"] = form.get("postcode_centre") == "on"
    created = db.session.scalar(select(Organisation).where(Organisation.key == values["organisation"]))
    if created is not None and created not in organisations and not created.services and not created.locations:
        organisations.append(created)  # just made: it has no place in any area yet
    errors, similar = {}, []
    if request.method == "POST":
        organisation = next((o for o in organisations if o.key == values["organisation"]), None)
        point = None
        if organisation is None:
            errors["organisation"] = _("kies een organisatie")
        if not values["postcode_centre"]:
            try:
                point = (float(values["lon"].replace(",", ".")), float(values["lat"].replace(",", ".")))
            except ValueError:
                errors["lat"] = _("vul de coördinaten in als getallen, bijvoorbeeld 4.9041 en 52.3676")
        if point is not None:
            similar = operations.locations_near(db.session, *point)
        if not errors and (not similar or form.get("not_a_duplicate") == "on"):
            try:
                location = operations.create_location(
                    db.session,
                    organisation,
                    account.actor,
                    (form.get("note") or "").strip()[:500] or None,
                    point=point,
                    postcode_centre=values["postcode_centre"],
                    **{f: values[f] for f in ("name", "street", "house_number", "postcode", "city")},
                )
            except Invalid as exc:
                db.session.rollback()
                errors = exc.errors
            else:
                if not permissions.may_edit_location(db.session, account, location):
                    db.session.rollback()
                    errors = {"lat": _("dit punt ligt buiten het gebied waarvoor u locaties kunt bijwerken")}
                else:
                    flash(_("De locatie is gemaakt. Koppel haar in het formulier van een dienst."))
                    return redirect(url_for("maintenance.edit_location", key=location.key))
        organisations = _organisation_choices(account) if errors else organisations
    return render_template(
        "maintenance/new_location.html",
        organisations=organisations,
        values=values,
        errors=errors,
        similar=similar,
        map_centre=_map_centre(account),
    ), 400 if errors else 200


def _organisation_in_reach(key: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.key == key))
    if organisation is None:
        abort(404)
    if not permissions.may_edit_organisation(db.session, _account(), organisation):
        abort(403)
    return organisation


def _render_organisation_form(
    organisation: Organisation, values: dict, errors: dict | None = None, conflicts=(), status: int = 200
):
    stored = {f: getattr(organisation, f) or "" for f in ORGANISATION_FIELDS}
    return render_template(
        "maintenance/organisation_form.html",
        organisation=organisation,
        values=values,
        version=organisation.row_version,
        base=editing.encode_base(stored),
        errors=errors or {},
        conflicts=list(conflicts),
    ), status


@bp.route("/organisaties/<key>", methods=["GET", "POST"])
@login_required
@write_request
def edit_organisation(key: str):
    """The organisation's details; a save made on an older version is merged
    field by field, a field both changed is shown side by side (409)."""
    organisation = _organisation_in_reach(key)
    stored = {f: getattr(organisation, f) or "" for f in ORGANISATION_FIELDS}
    if request.method == "GET":
        return _render_organisation_form(organisation, stored)
    mine = {f: (request.form.get(f) or "").strip() for f in ORGANISATION_FIELDS}
    values, conflicts = _merge_if_stale(
        request.form.get("row_version", ""), organisation.row_version, mine, stored, ORGANISATION_FIELDS
    )
    if conflicts:
        return _render_organisation_form(organisation, values, conflicts=conflicts, status=409)
    changes = {f: values[f] for f in ORGANISATION_FIELDS if values[f] != stored[f]}
    try:
        update_organisation(
            db.session,
            organisation,
            current_user.actor,
            note=(request.form.get("note") or "").strip()[:500] or None,
            **changes,
        )
    except Invalid as exc:
        db.session.rollback()
        return _render_organisation_form(_organisation_in_reach(key), values, errors=exc.errors, status=400)
    flash(_("De organisatie is opgeslagen.") if changes else _("Er was niets gewijzigd."))
    return redirect(url_for("maintenance.edit_organisation", key=key))


@bp.post("/organisaties/<key>/status")
@login_required
@write_request
def organisation_status(key: str):
    """Retire or restore an organisation (refused while a running service depends on it)."""
    organisation = _organisation_in_reach(key)
    return _set_status(organisation, update_organisation, "maintenance.edit_organisation")


def _set_status(entry, operation, page: str):
    status = request.form.get("status", "")
    try:
        operation(
            db.session,
            entry,
            current_user.actor,
            note=(request.form.get("note") or "").strip()[:500] or None,
            status=status,
        )
    except Invalid as exc:
        db.session.rollback()
        flash(_("Niet gewijzigd: %(why)s", why="; ".join(exc.errors.values())), "error")
    else:
        flash(
            _("Opgeheven. Het blijft in de geschiedenis en kan worden teruggezet.")
            if status == "retired"
            else _("Teruggezet: het is weer actief.")
        )
    return redirect(url_for(page, key=entry.key))


@bp.get("/organisaties/<key>/geschiedenis")
@login_required
def organisation_history(key: str):
    organisation = _organisation_in_reach(key)
    return _history_page(
        organisation.name, "organisation", organisation.id, url_for("maintenance.edit_organisation", key=key)
    )


# --- locations -------------------------------------------------------------------


def _editable_location(key: str) -> Location:
    location = db.session.scalar(select(Location).where(Location.key == key))
    if location is None:
        abort(404)
    if not permissions.may_edit_location(db.session, _account(), location):
        abort(403)
    return location


def _map_centre(account: Account) -> tuple[float, float]:
    """Where a map to pick a point starts: the middle of the editor's first area (lon, lat)."""
    scope = next((g.area for g in account.grants if g.area is not None and g.area.geom is not None), None)
    if scope is None:
        scope = db.session.scalar(
            select(AreaUnit).where(AreaUnit.level == "municipality", AreaUnit.geom.is_not(None)).limit(1)
        )
    shape = geo.from_db(scope.geom) if scope is not None else None
    return (shape.centroid.x, shape.centroid.y) if shape is not None else (4.9, 52.37)


def _render_location_form(
    location: Location, values: dict, version: int, errors: dict | None = None, conflicts=(), status: int = 200
):
    return render_template(
        "maintenance/location_form.html",
        location=location,
        values=values,
        version=version,
        base=editing.encode_base(editing.location_values(location)),
        errors=errors or {},
        conflicts=list(conflicts),
        map_centre=_map_centre(_account()),
    ), status


@bp.get("/locaties/<key>")
@login_required
def edit_location(key: str):
    location = _editable_location(key)
    return _render_location_form(location, editing.location_values(location), location.row_version)


@bp.post("/locaties/<key>")
@login_required
@write_request
def save_location(key: str):
    """Save the address and point; the buurt follows from the point, which must
    lie in a buurt the editor may edit."""
    location = _editable_location(key)
    form = request.form
    stored = editing.location_values(location)
    values, conflicts = _merge_if_stale(
        form.get("row_version", ""),
        location.row_version,
        editing.read_location_form(form),
        stored,
        editing.LOCATION_FIELDS,
    )
    if conflicts:
        return _render_location_form(location, values, location.row_version, conflicts=conflicts, status=409)
    note = (form.get("note") or "").strip()[:500] or None
    try:
        changes = editing.location_changes(values, stored)
        if changes and review.needs_review(db.session, current_user, location):
            review.propose(db.session, location, current_user.actor, stored, values, note)
            flash(_("Uw wijziging is bewaard als voorstel: een coördinator bekijkt het en zet het daarna in de kaart."))
            return redirect(url_for("maintenance.edit_location", key=key))
        update_location(db.session, location, current_user.actor, note=note, **changes)
    except Invalid as exc:
        db.session.rollback()
        location = db.session.scalar(select(Location).where(Location.key == key))
        return _render_location_form(location, values, location.row_version, errors=exc.errors, status=400)
    if not permissions.may_edit_location(db.session, _account(), location):
        db.session.rollback()
        location = db.session.scalar(select(Location).where(Location.key == key))
        return _render_location_form(
            location,
            values,
            location.row_version,
            status=400,
            errors={"lat": _("dit punt ligt buiten het gebied waarvoor u locaties kunt bijwerken")},
        )
    flash(_("De locatie is opgeslagen.") if changes else _("Er was niets gewijzigd."))
    return redirect(url_for("maintenance.edit_location", key=key))


@bp.post("/locaties/<key>/status")
@login_required
@write_request
def location_status(key: str):
    """Retire or restore a location (refused while a running service is held there)."""
    location = _editable_location(key)
    if review.needs_review(db.session, current_user, location):
        stored = editing.location_values(location)
        review.propose(
            db.session,
            location,
            current_user.actor,
            stored,
            dict(stored, status=request.form.get("status", "")),
            (request.form.get("note") or "").strip()[:500] or None,
        )
        flash(_("Uw wijziging is bewaard als voorstel: een coördinator bekijkt het en zet het daarna in de kaart."))
        return redirect(url_for("maintenance.edit_location", key=key))
    return _set_status(location, update_location, "maintenance.edit_location")


# --- proposals of organisation editors ---------------------------------------------


@bp.get("/voorstellen")
@login_required
def proposals():
    account = _account()
    if not permissions.may_see_region_log(account):  # coordinators and admins
        abort(403)
    return render_template("maintenance/proposals.html", proposals=review.open_proposals(db.session, account))


@bp.post("/voorstellen/<int:proposal_id>")
@login_required
@write_request
def decide_proposal(proposal_id: int):
    proposal = db.session.get(ProposedChange, proposal_id)
    if proposal is None:
        abort(404)
    entry = review.entry_of(db.session, proposal)
    if entry is None or not review.may_review(db.session, _account(), entry):
        abort(403)
    accept = set() if request.form.get("action") == "reject" else set(request.form.getlist("accept"))
    try:
        prefix = f"edit-{proposal.id}-"
        edits = {k.removeprefix(prefix): v for k, v in request.form.items() if k.startswith(prefix)}
        decision = review.decide(
            db.session, proposal, current_user, accept, (request.form.get("note") or "").strip()[:500] or None, edits
        )
    except review.ReviewRefused as exc:
        flash(str(exc), "error")
    except Invalid as exc:
        db.session.rollback()
        flash(_("Het voorstel kan zo niet worden overgenomen: %(why)s", why=exc.describe()), "error")
    else:
        for field_, why in decision.refused.items():
            flash(f"{presenters.field_label(field_)}: {why}", "error")
        flash(
            _("Overgenomen: %(fields)s.", fields=", ".join(presenters.field_label(f) for f in decision.applied))
            if decision.applied
            else _("Het voorstel is afgewezen.")
        )
    return redirect(url_for("maintenance.proposals"))


# --- accounts (admins) ---------------------------------------------------------------


def _admin_only() -> Account:
    account = _account()
    if not permissions.may_manage_accounts(account):
        abort(403)
    return account


@bp.get("/accounts")
@login_required
def account_list():
    _admin_only()
    found = db.session.scalars(select(Account).order_by(Account.username)).all()
    return render_template("maintenance/accounts.html", accounts=found, roles=ROLES, errors={}, link=None, form={})


@bp.post("/accounts")
@login_required
@write_request
def account_action():
    """One admin action: make an account (and show its one-time link), give or
    take a role, send a new link, unlock."""
    admin = _admin_only()
    form = request.form
    action = form.get("action", "")
    link = None
    try:
        if action == "create":
            account = accounts.create_account(
                db.session, form.get("username", ""), form.get("name", ""), form.get("email") or None
            )
            if form.get("role"):
                accounts.grant(
                    db.session,
                    account,
                    form["role"],
                    form.get("area") or None,
                    form.get("organisation") or None,
                    by=admin.actor,
                )
            link = url_for(
                "maintenance.invitation", t=accounts.invite(db.session, account, by=admin.actor), _external=True
            )
            flash(
                _(
                    "Account %(name)s gemaakt. Geef de persoon de link hieronder; die werkt één keer en "
                    "%(days)d dagen lang.",
                    name=account.username,
                    days=accounts.INVITATION_DAYS,
                )
            )
        else:
            account = accounts.account_named(db.session, form.get("username", ""))
            if action == "grant":
                accounts.grant(
                    db.session,
                    account,
                    form.get("role", ""),
                    form.get("area") or None,
                    form.get("organisation") or None,
                    by=admin.actor,
                )
                flash(_("Rol gegeven aan %(name)s.", name=account.username))
            elif action == "revoke":
                grant = db.session.get(Grant, int(form.get("grant", "0") or 0))
                if grant is None or grant.account_id != account.id:
                    abort(404)
                account.grants.remove(grant)
                flash(_("Rol afgenomen van %(name)s.", name=account.username))
            elif action == "invite":
                link = url_for(
                    "maintenance.invitation", t=accounts.invite(db.session, account, by=admin.actor), _external=True
                )
                flash(_("Nieuwe link voor %(name)s; de vorige werkt niet meer.", name=account.username))
            elif action == "unlock":
                auth.unlock(account)
                flash(_("%(name)s is weer open.", name=account.username))
            else:
                abort(400)
    except Invalid as exc:
        db.session.rollback()
        found = db.session.scalars(select(Account).order_by(Account.username)).all()
        return render_template(
            "maintenance/accounts.html", accounts=found, roles=ROLES, errors=exc.errors, link=None, form=form
        ), 400
    if link and account.email:
        mail.queue(
            db.session,
            account.email,
            _("Uw account voor de sociale kaart"),
            _(
                "Goedendag %(name)s,\n\nEr is een account voor u gemaakt op de sociale kaart. Kies uw "
                "wachtwoord via deze link (hij werkt één keer, %(days)d dagen lang):\n\n%(link)s\n",
                name=account.display_name,
                days=accounts.INVITATION_DAYS,
                link=link,
            ),
            "invitation",
            by=admin.actor,
        )
        flash(
            _(
                "De link is ook gemaild naar %(address)s (of staat klaar bij de uitgaande berichten).",
                address=account.email,
            )
        )
    db.session.flush()
    found = db.session.scalars(select(Account).order_by(Account.username)).all()
    return render_template("maintenance/accounts.html", accounts=found, roles=ROLES, errors={}, link=link, form={})


# --- history and revert ------------------------------------------------------------


@bp.get("/diensten/<key>/geschiedenis")
@login_required
def service_history(key: str):
    service = _editable_service(key)
    return _history_page(
        service.name, "service", service.id, url_for("maintenance.edit_service", key=key), service_key=key
    )


@bp.post("/diensten/<key>/terugzetten/<int:entry_id>")
@login_required
@write_request
def restore_service(key: str, entry_id: int):
    """The service's own fields as they were just before a change."""
    service = _editable_service(key)
    entry = db.session.get(AuditEntry, entry_id)
    if entry is None or not (
        (entry.entity == "service" and entry.entity_id == service.id)
        or (entry.parent == "service" and entry.parent_id == service.id)
    ):
        abort(404)
    restored = history.restore_before(db.session, service, entry, current_user.actor)
    if restored:
        flash(_("Teruggezet: %(fields)s.", fields=", ".join(presenters.field_label(f) for f in restored)))
    else:
        flash(_("Er was niets terug te zetten: de velden hebben die waarden al."))
    return redirect(url_for("maintenance.service_history", key=key))


def _history_page(title: str, entity: str, entity_id: int, back: str, **extra):
    """An entry's history (with its parts), newest first, with a revert button
    on each change that can be reverted."""
    entries = history.entry_history(db.session, entity, entity_id)
    return render_template(
        "maintenance/history.html",
        title=title,
        back=back,
        entries=entries,
        revertible={e.id for e in entries if history.revert_problem(db.session, e) is None},
        **extra,
    )


@bp.get("/verwijsroutes/<key>/geschiedenis")
@login_required
def route_history(key: str):
    route = _editable_route(key)
    return _history_page(route.title, "referral_route", route.id, url_for("maintenance.edit_route", key=key))


@bp.get("/locaties/<key>/geschiedenis")
@login_required
def location_history(key: str):
    location = _editable_location(key)
    return _history_page(location.address, "location", location.id, url_for("maintenance.edit_location", key=key))


@bp.post("/wijzigingen/<int:entry_id>/terugdraaien")
@login_required
@write_request
def revert_change(entry_id: int):
    """Revert one change of a service's, organisation's or location's own field."""
    entry = db.session.get(AuditEntry, entry_id)
    if entry is None:
        abort(404)
    model, may_edit, history_page = {
        "service": (Service, permissions.may_edit_service, "maintenance.service_history"),
        "organisation": (Organisation, permissions.may_edit_organisation, "maintenance.organisation_history"),
        "location": (Location, permissions.may_edit_location, "maintenance.location_history"),
    }.get(entry.entity, (None, None, None))
    target = db.session.get(model, entry.entity_id) if model is not None else None
    if target is None:
        abort(404)
    if not may_edit(db.session, _account(), target):
        abort(403)
    try:
        history.revert(db.session, entry, current_user.actor)
    except history.RevertRefused as exc:
        flash(str(exc), "error")
    except Invalid as exc:
        db.session.rollback()
        flash(_("Terugdraaien kan niet: %(why)s", why="; ".join(exc.errors.values())), "error")
    else:
        flash(_("De wijziging is teruggedraaid."))
    return redirect(url_for(history_page, key=target.key))


@bp.get("/logboek")
@login_required
def region_log():
    if not permissions.may_see_region_log(_account()):
        abort(403)
    args = request.args
    errors = {}

    def day(name: str) -> date | None:
        value = (args.get(name) or "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            errors[name] = _("geen datum (JJJJ-MM-DD): %(value)s", value=value[:20])
            return None

    page = args.get("page", "1")
    log_filter = history.LogFilter(
        actor=(args.get("actor") or "").strip()[:100],
        entity=(args.get("entity") or "").strip()[:50],
        since=day("since"),
        until=day("until"),
        page=int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1,
    )
    entries = history.region_log(db.session, log_filter)
    return render_template(
        "maintenance/log.html",
        entries=entries[: history.PAGE_SIZE],
        more=len(entries) > history.PAGE_SIZE,
        f=log_filter,
        errors=errors,
        entities=(
            "service",
            "contact",
            "schedule_rule",
            "service_facet",
            "organisation",
            "location",
            "referral_route",
            "route_step",
            "route_transition",
            "need_term",
        ),
    ), 400 if errors else 200


from socialmap.maintenance import freshness_views, round_views  # noqa: E402, F401  (their pages, on this blueprint)
