"""Coordinator pages for update rounds and the outbox (on the maintenance
blueprint, so the authorization matrix covers them):

* ``/beheer/rondes``: the rounds, and a new round for a selection;
* ``/beheer/rondes/<id>``: progress per organisation; remind, revoke a link, close;
* ``/beheer/uitgaand``: messages the account caused, sent or waiting (without
  SMTP settings a coordinator passes them on by hand).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from socialmap.catalogue.models import Service
from socialmap.extensions import db
from socialmap.freshness import rounds
from socialmap.freshness.models import OutboxMessage, ProviderLink, UpdateRound
from socialmap.maintenance import permissions
from socialmap.maintenance.views import _coordinator_only, bp
from socialmap.problems import Invalid, _, ngettext
from socialmap.transaction import write_request

SELECTION_LABELS = {
    "overdue": _l("controle te laat (en ouder)"),
    "due": _l("binnenkort te controleren en te laat"),
    "organisation": _l("één organisatie (vul de sleutel in)"),
    "kind": _l("één soort hulp (vul de code in)"),
    "area": _l("één gebied (vul de code van wijk, stadsdeel of gemeente in)"),
    "all": _l("alles"),
}


def _editable_services(account) -> list[Service]:
    services = db.session.scalars(
        select(Service)
        .where(Service.status != "ended")
        .options(
            selectinload(Service.areas_served),
            selectinload(Service.organisation),
            selectinload(Service.facets),
            selectinload(Service.locations),
            selectinload(Service.contacts),
        )
    )
    return [s for s in services if permissions.may_edit_service(db.session, account, s)]


def _round_in_reach(round_id: int) -> UpdateRound:
    account = _coordinator_only()
    round_ = db.session.get(UpdateRound, round_id)
    if round_ is None:
        abort(404)
    if not account.is_admin and round_.created_by != account.actor:
        services = db.session.scalars(select(Service).where(Service.id.in_(round_.service_ids or [-1])))
        if not any(permissions.may_edit_service(db.session, account, s) for s in services):
            abort(403)
    return round_


@bp.route("/rondes", methods=["GET", "POST"])
@login_required
@write_request
def update_rounds():
    account = _coordinator_only()
    values = {
        "title": (request.form.get("title") or "").strip(),
        "which": request.form.get("which", "overdue"),
        "value": (request.form.get("value") or "").strip(),
        "days": (request.form.get("days") or str(current_app.config["ROUND_LINK_DAYS"])).strip(),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        if values["which"] not in rounds.SELECTIONS:
            errors["which"] = _("kies wat de ronde vraagt")
        if values["which"] in ("organisation", "kind", "area") and not values["value"]:
            errors["value"] = _("vul in welke organisatie, soort of welk gebied")
        if not values["days"].isdigit():
            errors["days"] = _("vul een aantal dagen in")
        if not errors:
            services = rounds.select_services(db.session, _editable_services(account), values["which"], values["value"])
            try:
                started = rounds.start_round(
                    db.session,
                    account.actor,
                    values["title"],
                    services,
                    current_app.config["PUBLIC_URL"],
                    int(values["days"]),
                    int(current_app.config["ROUND_REMIND_AFTER_DAYS"]),
                    {"which": values["which"], "value": values["value"]},
                )
            except Invalid as exc:
                db.session.rollback()
                errors = exc.errors
            else:
                flash(
                    ngettext(
                        "De ronde is gestart: %(num)d organisatie krijgt een link.",
                        "De ronde is gestart: %(num)d organisaties krijgen een link.",
                        len(started.links),
                    )
                )
                if started.without_address:
                    flash(
                        _(
                            "Geen e-mailadres bekend van: %(names)s. Vul het in bij de organisatie of bel ze.",
                            names=", ".join(started.without_address),
                        ),
                        "error",
                    )
                return redirect(url_for("maintenance.update_round", round_id=started.round.id))
    found = [
        r
        for r in db.session.scalars(select(UpdateRound).order_by(UpdateRound.id.desc()))
        if account.is_admin or r.created_by == account.actor
    ]
    return render_template(
        "maintenance/rounds.html",
        rounds=[(r, rounds.round_progress(db.session, r)[0]) for r in found],
        values=values,
        errors=errors,
        selections=SELECTION_LABELS,
    ), 400 if errors else 200


@bp.route("/rondes/<int:round_id>", methods=["GET", "POST"])
@login_required
@write_request
def update_round(round_id: int):
    round_ = _round_in_reach(round_id)
    if request.method == "POST":
        action = request.form.get("action")
        now = datetime.now(UTC).replace(tzinfo=None)
        if action == "close" and round_.closed_at is None:
            round_.closed_at = now
            flash(_("De ronde is gesloten; de links werken niet meer."))
        elif action == "remind":
            count = rounds.remind(db.session, current_app.config["PUBLIC_URL"], round_id=round_.id)
            flash(_("%(n)d herinneringen klaargezet.", n=count))
        elif action == "revoke":
            link = db.session.get(ProviderLink, request.form.get("link", type=int) or -1)
            if link is None or link.round_id != round_.id:
                abort(404)
            link.revoked_at = link.revoked_at or now
            flash(_("De link van %(org)s is ingetrokken.", org=link.organisation.name))
        else:
            flash(_("Onbekende actie."), "error")
        return redirect(url_for("maintenance.update_round", round_id=round_id))
    share, progress = rounds.round_progress(db.session, round_)
    return render_template("maintenance/round.html", round=round_, share=share, progress=progress)


@bp.get("/uitgaand")
@login_required
def outbox():
    account = _coordinator_only()
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)
    if not account.is_admin:
        query = query.where(OutboxMessage.created_by == account.actor)
    return render_template(
        "maintenance/outbox.html",
        messages=db.session.scalars(query).all(),
        smtp=bool(current_app.config.get("SMTP_HOST")),
    )
