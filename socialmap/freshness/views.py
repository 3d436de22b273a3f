"""Public pages of keeping the map current, without an account:

* ``/bijwerken?t=<token>``: an organisation's page in an update round (its
  entries; "still right" per section; corrections to propose);
* ``/dienst/<key>/melden``: anyone reports what is wrong on a service page.

A provider token travels in the query string (the access log leaves query
strings out, see gunicorn_config). Reports ask nothing personal; an optional
e-mail address is kept only until the report is handled.
"""

from __future__ import annotations

import functools
import time
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict

from socialmap.catalogue import queries
from socialmap.extensions import db, limiter
from socialmap.freshness import rounds
from socialmap.freshness.presenters import REPORT_FIELDS, SECTION_LABELS
from socialmap.freshness.provenance import applicable, section_checks
from socialmap.freshness.stages import Thresholds
from socialmap.maintenance import editing
from socialmap.maintenance.models import ProposedChange
from socialmap.maintenance.review import REPORTED
from socialmap.problems import Invalid, _
from socialmap.safety.help import help_for
from socialmap.transaction import write_request
from socialmap.web import crisis_lines_files

bp = Blueprint("freshness", __name__)


LINK_LIMIT = "120 per minute"  # per address; a token cannot be guessed, this keeps scanners off


def with_link(view):
    """The view gets the provider link its ``t`` names; a link that does not
    work answers with the reason (404) and nothing else."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        try:
            link = rounds.link_for(db.session, request.args.get("t"))
        except rounds.LinkRefused as exc:
            return render_template("freshness/link_refused.html", reason=str(exc)), 404
        return view(link, *args, **kwargs)

    return guarded


def _provider_page(link, services, values=None, errors=None, status: int = 200):
    return render_template(
        "freshness/provider.html",
        link=link,
        services=services,
        checks=section_checks(db.session, services),
        sections={s.id: applicable(s) for s in services},
        section_labels=SECTION_LABELS,
        values=values or {s.id: editing.blank_rows(editing.service_values(s)) for s in services},
        token=request.args.get("t"),
        errors=errors or {},
    ), status


def _service_of(link, key: str):
    service = next((s for s in rounds.services_of(db.session, link) if s.key == key), None)
    if service is None:
        abort(404)
    return service


@bp.route("/bijwerken", methods=["GET"])
@limiter.limit(LINK_LIMIT)
@write_request
@with_link
def provider_page(link):
    rounds.opened(link)
    return _provider_page(link, rounds.services_of(db.session, link))


@bp.post("/bijwerken/<key>/klopt")
@limiter.limit(LINK_LIMIT)
@write_request
@with_link
def provider_confirm(link, key: str):
    service = _service_of(link, key)
    sections = request.form.getlist("section")
    if not sections:
        flash(_("Kruis aan wat nog klopt."), "error")
    else:
        try:
            rounds.confirm(db.session, link, service, sections, Thresholds.from_config(current_app.config))
        except Invalid as exc:
            db.session.rollback()
            flash(_("Niet vastgelegd: %(why)s", why=exc.describe()), "error")
        else:
            flash(
                _(
                    "Dank u. Vastgelegd dat dit nog klopt: %(what)s.",
                    what=", ".join(str(SECTION_LABELS.get(s, s)) for s in sections),
                )
            )
    return redirect(url_for("freshness.provider_page", t=request.args.get("t")) + f"#s-{key}")


@bp.post("/bijwerken/<key>/wijziging")
@limiter.limit(LINK_LIMIT)
@write_request
@with_link
def provider_propose(link, key: str):
    service = _service_of(link, key)
    problems = []

    def fail(field_: str, message: str) -> None:
        problems.append((field_, message))

    form = request.form
    values = {f: (form.get(f) or "").strip() for f in ("summary", "conditions", "cost_note")}
    if not values["summary"]:
        fail("summary", _("is verplicht"))
    values.update(editing.read_waiting(form, fail))
    values["contacts"] = editing.read_contacts(form, fail)
    values["hours"] = editing.read_hours(form, fail)
    note = (form.get("note") or "").strip()[:500] or None
    if problems:
        services = rounds.services_of(db.session, link)
        shown = {s.id: editing.blank_rows(editing.service_values(s)) for s in services}
        shown[service.id] = editing.blank_rows({**editing.service_values(service), **values})
        return _provider_page(link, services, shown, {service.id: dict(problems)}, 400)
    proposal = rounds.propose(db.session, link, service, values, note)
    if proposal is not None:
        flash(_("Dank u. Uw wijziging is doorgegeven; de coördinator zet haar op de kaart."))
    elif service.organisation.trusted:
        flash(_("Dank u. Uw wijziging staat op de kaart."))
    else:
        flash(_("Er was niets gewijzigd."))
    return redirect(url_for("freshness.provider_page", t=request.args.get("t")) + f"#s-{key}")


# --- public reports ------------------------------------------------------------------

# What a visitor can say is wrong: a service form field the reviewer can take
# over as it is, or a part the reviewer corrects in the form (REPORTED).
DIRECT = ("cost_note", "conditions")  # taken over as text after review (edited if need be)
MAX_TEXT = 1000


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="report-form")


def _report_limit() -> str:
    return str(current_app.config["REPORT_RATE_LIMIT"])


@bp.route("/dienst/<key>/melden", methods=["GET", "POST"])
@limiter.limit(_report_limit, methods=["POST"])
@write_request
def report(key: str):
    """Report what is wrong: no account, no captcha; a hidden field and a
    minimum time filter out robots; nothing personal is asked."""
    service = queries.service_detail(db.session, key)
    if service is None:
        abort(404)
    form = request.form if request.method == "POST" else MultiDict()
    values = {
        "field": form.get("field", ""),
        "value": (form.get("value") or "").strip(),
        "text": (form.get("text") or "").strip(),
        "contact": (form.get("contact") or "").strip(),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        if form.get("website"):  # the hidden field only a robot fills in
            return redirect(url_for("catalogue.service", key=key))
        try:
            started = _serializer().loads(form.get("started", ""), max_age=86400)
        except BadSignature:
            started = None
        if started is None or time.time() - float(started) < float(current_app.config["REPORT_MIN_SECONDS"]):
            errors["text"] = _("Dat ging erg snel. Kijk uw melding na en verstuur haar nog eens.")
        if values["field"] not in REPORT_FIELDS:
            errors["field"] = _("kies wat er niet klopt")
        if not (values["value"] or values["text"]):
            errors["value"] = _("schrijf wat er wel klopt, of licht het toe")
        for name in ("value", "text"):
            if len(values[name]) > MAX_TEXT:
                errors[name] = _(
                    "is %(length)d tekens lang; de grens is %(max)d", length=len(values[name]), max=MAX_TEXT
                )
        if (
            values["field"] == "waiting_weeks"
            and values["value"]
            and not (values["value"].isdigit() and int(values["value"]) <= 520)
        ):
            errors["value"] = _("vul een aantal weken in (0 tot 520)")
        if values["contact"] and ("@" not in values["contact"] or len(values["contact"]) > 200):
            errors["contact"] = _("geen e-mailadres: laat het leeg of vul een e-mailadres in")
        crisis = (
            None
            if form.get("crisis_seen")
            else help_for(db.session, f"{values['value']} {values['text']}", crisis_lines_files())
        )
        if crisis is not None and not errors:
            # The words speak of a crisis: the crisis lines first; nothing is stored
            # until the person sends it again (it may be about the map after all).
            return render_template(
                "freshness/report.html",
                service=service,
                values=values,
                errors={},
                fields=REPORT_FIELDS,
                started=form.get("started", ""),
                crisis=crisis,
            )
        if not errors:
            _store_report(service, values)
            flash(_("Dank u. Een coördinator kijkt uw melding na."))
            return redirect(url_for("catalogue.service", key=key))
    return render_template(
        "freshness/report.html",
        service=service,
        values=values,
        errors=errors,
        fields=REPORT_FIELDS,
        started=_serializer().dumps(str(time.time())),
    ), 400 if errors else 200


def _store_report(service, values: dict) -> None:
    stored = editing.service_values(service)
    field_ = values["field"]
    if field_ in DIRECT and values["value"]:
        changes, base = {field_: values["value"]}, {field_: stored[field_]}
    elif field_ == "waiting_weeks" and values["value"]:
        changes = {"waiting_weeks": values["value"], "waiting_updated": datetime.now(UTC).date().isoformat()}
        base = {f: stored[f] for f in changes}
    else:
        changes, base = {REPORTED + field_: values["value"] or values["text"]}, {}
    db.session.add(
        ProposedChange(
            entity="service",
            entity_id=service.id,
            entity_key=service.key,
            proposed_by="report",
            base=base,
            changes=changes,
            note=values["text"][:500] or None,
            status="open",
            source="report",
            contact=values["contact"] or None,
        )
    )
    db.session.flush()
