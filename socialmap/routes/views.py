"""HTTP handlers of referral routes: thin adapters over queries, finder and schemas.

Pages: the list of routes, a route page (diagram, text alternative, services
per step for a chosen buurt), the route finder (a POST form: the criteria
travel in the request body, never in the URL, history or access logs) and the
route card (a one-page print view in a language chosen per card). API:
``/api/v1/routes``, ``/api/v1/routes/<key>`` and ``/api/v1/route-finder``
live with the rest of the JSON API in :mod:`socialmap.api.routes`.
Nothing about the patient is stored or logged.
"""

from __future__ import annotations

from datetime import date

import segno
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import force_locale
from markupsafe import Markup

from socialmap import geo
from socialmap.catalogue import queries as catalogue_queries
from socialmap.extensions import db
from socialmap.i18n import _, current_locale, localized
from socialmap.problems import Invalid
from socialmap.routes import access, cardmap, diagram, finder, presenters, queries
from socialmap.routes import vocabulary as voc
from socialmap.routes.criteria import CriteriaError, origin_from, parse
from socialmap.routes.models import Route
from socialmap.web import bad_request

bp = Blueprint("routes", __name__)

CARD_LANGUAGES = ("nl", "en")


@bp.context_processor
def _helpers():
    return {
        "rp": presenters,
        "rvoc": voc,
        "professional": access.viewer_is_professional(),
        "legend_sample": diagram.legend_sample,
    }


def _visible_route(key: str) -> Route:
    """A route by key as this visitor may see it (:func:`access.visible_route`); 404 otherwise."""
    route = access.visible_route(db.session, key)
    if route is None:
        abort(404)
    return route


def _place_from(values) -> finder.Origin | None:
    """The buurt (or postcode) a page was asked for, or None; 400 when unknown."""
    try:
        return origin_from(db.session, values)
    except CriteriaError as exc:
        raise bad_request(str(exc.problems[0])) from None


def _diagram(route: Route) -> Markup:
    return diagram.render(
        route,
        localized,
        presenters.step_kind_label,
        presenters.client_present_note,
        title=_("Schema van de route %(title)s", title=localized(route, "title")),
        desc_id=f"route-{route.key}-text",
    )


# --- pages -------------------------------------------------------------------


@bp.get("/verwijsroutes")
def index():
    routes = [r for r in queries.all_routes(db.session) if r.status == "published" or access.viewer_is_professional()]
    return render_template("routes/index.html", routes=routes, today=date.today())


@bp.get("/verwijsroutes/<key>")
def route_page(key: str):
    route = _visible_route(key)
    origin = _place_from(request.args)
    per_step = finder.services_per_step(db.session, route, origin) if origin is not None else {}
    return render_template(
        "routes/route.html", route=route, origin=origin, per_step=per_step, diagram=_diagram(route), today=date.today()
    )


@bp.route("/verwijzen", methods=["GET", "POST"])
def finder_page():
    """GET: the empty form. POST: the options (criteria only in the request body)."""
    errors, result, parsed = {}, None, None
    if request.method == "POST":
        try:
            parsed = parse(db.session, request.form)
        except CriteriaError as exc:
            errors = exc.errors
        else:
            result = finder.find(db.session, parsed.criteria, parsed.origin)
    status = 400 if errors else 200
    response = render_template(
        "routes/finder.html",
        errors=errors,
        result=result,
        parsed=parsed,
        form=request.form,
        needs=catalogue_queries.need_tree(db.session),
        need_labels=catalogue_queries.need_labels(db.session, current_locale()),
        card_languages=CARD_LANGUAGES,
    )
    return response, status, {"Cache-Control": "no-store"}


@bp.route("/verwijsroutes/<key>/kaart", methods=["GET", "POST"])
def card(key: str):
    """The route card for one next step: GET from the public route page, POST
    from the finder (so the plan stays out of URLs and logs)."""
    route = _visible_route(key)
    values = request.values
    if request.method == "GET" and not values.get("step"):
        # e.g. the language switch on a card that was made by POST: show the route instead
        return redirect(url_for("routes.route_page", key=route.key))
    step = route.step((values.get("step") or "").strip())
    if step is None:
        raise bad_request(_("step: kies een stap van deze route."))
    lang = values.get("card_lang") or current_locale()
    if lang not in CARD_LANGUAGES:
        raise bad_request(_("card_lang: kies nl of en."))
    origin = _place_from(values)
    if origin is None:
        raise bad_request(_("buurt: kies de buurt waar de cliënt woont."))
    try:
        plan = finder.card_plan(
            db.session,
            route,
            step,
            origin,
            _card_age(request.form),
            (values.get("service") or "").strip(),
            tuple(k for k in values.getlist("also") if k),
        )
    except Invalid as exc:
        raise bad_request(exc.problems[0].message) from None
    chosen, follow = plan.chosen, plan.follow
    live_url = url_for(
        "routes.route_page",
        key=route.key,
        buurt=origin.area.code,
        lang=lang,
        _external=True,
        _anchor=f"stap-{step.key}",
    )
    with force_locale(lang):
        card_html = render_template(
            "routes/_card.html",
            route=route,
            step=step,
            chosen=chosen,
            incoming=plan.incoming,
            follow=follow,
            returns=plan.returns,
            origin=origin,
            live_url=live_url,
            qr=_qr(live_url),
            card_lang=lang,
            card_map=_card_map(origin, chosen, follow),
            today=date.today(),
            rp=presenters,
            rvoc=voc,
        )
    return (
        render_template(
            "routes/card.html", route=route, step=step, card_html=Markup(card_html), card_lang=lang, origin=origin
        ),
        200,
        {"Cache-Control": "no-store"},
    )


def _card_age(form) -> int | None:
    """The age from the finder's card form (POST only: an age never goes in a URL)."""
    text = (form.get("age") or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 120:
        raise bad_request(f"age: {_('Vul een leeftijd in jaren in, van 0 tot 120.')}")
    return int(text)


def _qr(url: str) -> Markup:
    svg = segno.make(url, error="m").svg_inline(scale=3, border=2, dark="#000000")
    label = _("QR-code: de actuele versie van deze route")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


def _card_map(origin, chosen, follow) -> Markup:
    pins = []
    for number, local in enumerate([chosen] + [s for _t, s in follow], start=1):
        if local is not None and local.location is not None:
            point = geo.from_db(local.location.geom)
            pins.append((str(number), point.x, point.y))
    return cardmap.render(
        db.session,
        origin.area,
        pins,
        label=_("Kaartje: uw buurt en waar u heen gaat"),
        home_label=origin.area.name,
        scale_label=lambda m: presenters.distance_text(m),
    )
