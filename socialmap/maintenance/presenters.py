"""How the coordinator pages name fields, entries, roles and stored values."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from socialmap.extensions import db
from socialmap.freshness.models import ProviderLink
from socialmap.freshness.presenters import REPORT_FIELDS
from socialmap.i18n import _

FIELD_LABELS = {
    "name": _l("Naam"),
    "summary": _l("Korte uitleg"),
    "description": _l("Beschrijving"),
    "conditions": _l("Voor wie, voorwaarden"),
    "cost_note": _l("Kosten, toelichting"),
    "status_note": _l("Toelichting bij de status"),
    "name_en": _l("Naam (Engels)"),
    "summary_en": _l("Korte uitleg (Engels)"),
    "description_en": _l("Beschrijving (Engels)"),
    "status": _l("Status"),
    "waiting_weeks": _l("Wachttijd in weken"),
    "waiting_updated": _l("Wachttijd gold op"),
    "contacts": _l("Contact"),
    "hours": _l("Openingstijden"),
    "serves": _l("Gebied"),
    "locations": _l("Locaties"),
    "translations": _l("Vertalingen"),
    "areas_served": _l("Gebied"),
    "needs": _l("Hulpvragen"),
    "phone": _l("Telefoon"),
    "email": _l("E-mail"),
    "url": _l("Website"),
    "label": _l("Naam van het contact"),
    "hours_text": _l("Bereikbaar"),
    "audience": _l("Voor wie"),
    "opens_at": _l("Open"),
    "closes_at": _l("Dicht"),
    "weekday": _l("Dag"),
    "street": _l("Straat"),
    "house_number": _l("Huisnummer"),
    "postcode": _l("Postcode"),
    "city": _l("Plaats"),
    "geom": _l("Plek op de kaart"),
    "neighbourhood_id": _l("Buurt"),
    "approximate": _l("Plek bij benadering"),
    "title": _l("Titel"),
    "performer": _l("Wie"),
    "activity": _l("Wat gebeurt er"),
    "version": _l("Versie"),
    "meetings": _l("Bijeenkomsten"),
    "exceptions": _l("Uitzonderingen op de openingstijden"),
    "website": _l("Website"),
    "kvk_number": _l("KvK-nummer"),
    "agb_code": _l("AGB-code"),
    "lon": _l("Lengtegraad"),
    "lat": _l("Breedtegraad"),
    "postcode_centre": _l("Midden van de postcode"),
    "purpose": _l("Doel"),
    "title_en": _l("Titel (Engels)"),
    "valid_from": _l("Geldt vanaf"),
    "review_date": _l("Herzien op"),
    "min_age": _l("Vanaf leeftijd"),
    "max_age": _l("Tot leeftijd"),
    "entry": _l("Beginstap"),
    "steps": _l("Stappen"),
    "transitions": _l("Overgangen"),
    "trusted": _l("Vertrouwd"),
    "review_interval_days": _l("Controleren na (dagen)"),
    "freshness_stage": _l("Actualiteit"),
    "stage_since": _l("Actualiteit sinds"),
    "verified_at": _l("Gecontroleerd op"),
    "verified_by": _l("Gecontroleerd door"),
}
# Where a part names a field differently from the same name elsewhere.
PART_FIELD_LABELS = {
    ("route_transition", "label"): _l("Opschrift van de overgang"),
    ("route_step", "kind"): _l("Soort stap"),
    ("route_transition", "kind"): _l("Soort overgang"),
}
ENTITY_LABELS = {
    "service": _l("Dienst"),
    "contact": _l("Contact"),
    "schedule_rule": _l("Openingstijd of bijeenkomst"),
    "schedule_exception": _l("Uitzondering op de openingstijden"),
    "service_facet": _l("Code van een dienst"),
    "organisation": _l("Organisatie"),
    "location": _l("Locatie"),
    "referral_route": _l("Verwijsroute"),
    "route_step": _l("Stap van een route"),
    "route_transition": _l("Overgang in een route"),
    "need_term": _l("Hulpvraag (taxonomie)"),
}
ROLE_LABELS = {
    "admin": _l("beheerder"),
    "coordinator": _l("coördinator"),
    "org_editor": _l("redacteur"),
    "professional": _l("professional"),
}
ACTIONS = {"insert": _l("toegevoegd"), "update": _l("gewijzigd"), "delete": _l("verwijderd")}


def field_label(name: str | None, entity: str | None = None) -> str:
    if name and name.startswith("report:"):  # what a visitor reported, in words
        part = name.removeprefix("report:")
        return _("Melding over: %(what)s", what=str(REPORT_FIELDS.get(part, part)).lower())
    label = PART_FIELD_LABELS.get((entity, name)) or FIELD_LABELS.get(name or "", name or "")
    return str(label)


def entity_label(entity: str) -> str:
    return str(ENTITY_LABELS.get(entity, entity))


def change_label(entry) -> str:
    what = entity_label(entry.entity)
    if entry.entity_key and entry.entity != "service":
        what += f" {entry.entity_key}"
    if entry.field:
        return f"{what}: {field_label(entry.field, entry.entity)}"
    return f"{what} {ACTIONS.get(entry.action, entry.action)}"


def show_value(value, limit: int = 160) -> str:
    """A stored value for a person: lists and records in one readable line."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dict):
        text = "; ".join(
            f"{field_label(k)}: {show_value(v, 60)}"
            for k, v in value.items()
            if v not in (None, "", [], {}) and k not in ("id", "service_id", "position")
        )
    elif isinstance(value, list):
        text = ", ".join(show_value(v, 60) for v in value)
    elif value is True:
        text = _("ja")
    elif value is False:
        text = _("nee")
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def local_time(at: datetime) -> datetime:
    """A stored moment (naive, UTC) in the region's time zone."""
    return at.replace(tzinfo=UTC).astimezone(ZoneInfo(str(current_app.config["TIMEZONE"])))


def actor_label(actor: str) -> str:
    """Who, shortly: a load of many files names the first and how many more; a
    provider link its organisation; a public report says so."""
    if actor.startswith("link:") and actor.removeprefix("link:").isdigit():
        link = db.session.get(ProviderLink, int(actor.removeprefix("link:")))
        if link is not None:
            return _("%(org)s via updateronde %(round)d", org=link.organisation.name, round=link.round_id)
    if actor == "report":
        return _("een bezoeker (melding)")
    if actor.startswith("import:") and "," in actor:
        files = actor.removeprefix("import:").split(",")
        return _("import van %(file)s en %(n)d andere bestanden", file=files[0], n=len(files) - 1)
    return actor


def shown_change(entry) -> tuple[str, str]:
    """The before and after of a history row as shown; a code added or removed
    is named in the row's label already."""
    if entry.entity == "service_facet":
        return "—", "—"
    return show_value(entry.before), show_value(entry.after)


def role_name(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def role_label(grant) -> str:
    label = str(ROLE_LABELS.get(grant.role, grant.role))
    scope = [
        x
        for x in (
            (grant.area.name if grant.area is not None else None),
            (grant.organisation.name if grant.organisation is not None else None),
        )
        if x
    ]
    return f"{label} ({', '.join(scope)})" if scope else label
