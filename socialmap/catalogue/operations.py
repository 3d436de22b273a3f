"""Writes to the catalogue. Operations flush, never commit: the caller (a
request or CLI command, through ``transaction.unit_of_work``) commits once.
Every change is checked whole first (all problems at once, nothing set when
one is wrong) and audited with its actor and, when given, why."""

from __future__ import annotations

import difflib
import re
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap import geo
from socialmap.audit import acting
from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.keys import free_key, slug
from socialmap.catalogue.models import (
    AreaUnit,
    Contact,
    Location,
    Organisation,
    ScheduleException,
    ScheduleRule,
    Service,
)
from socialmap.catalogue.queries import neighbourhood_ref_at
from socialmap.problems import Invalid, Problem, _, shown
from socialmap.search.places import NL_BOUNDS, postcode_centroids

EDITABLE_TEXT = ("name", "summary", "description", "conditions", "cost_note", "status_note")
ENGLISH_TEXT = ("name_en", "summary_en", "description_en")
# Fields of the service row itself a single revert can set back (see maintenance.history).
REVERTIBLE = (*EDITABLE_TEXT, "status", "waiting_weeks", "waiting_updated", "review_interval_days")


class InvalidChange(Invalid):
    """An edit breaks a rule; nothing was set."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__([Problem("", field, message)])


def _raise_if_any(problems: list[Problem]) -> None:
    """One problem as InvalidChange (its field and message at hand), several as Invalid."""
    if len(problems) == 1:
        raise InvalidChange(problems[0].field, problems[0].message)
    if problems:
        raise Invalid(problems)


def _problems(session: Session, service: Service, changes: dict) -> list[Problem]:
    problems: list[Problem] = []

    def fail(field_: str, message: str) -> None:
        problems.append(Problem("", field_, message))

    for field, value in changes.items():
        if field in EDITABLE_TEXT or field in ENGLISH_TEXT:
            if value is not None and not isinstance(value, str):
                fail(field, _("verwacht tekst"))
            elif field in ("name", "summary") and not (value or "").strip():
                fail(field, _("is verplicht"))
        elif field == "status":
            if value not in voc.STATUS:
                fail(
                    field,
                    _(
                        "%(value)s is geen status; kies een van: %(codes)s",
                        value=shown(value),
                        codes=", ".join(voc.STATUS),
                    ),
                )
            elif value != "ended" and _organisation_retired(session, service):
                fail(field, _("de organisatie is opgeheven; zet de organisatie eerst terug"))
        elif field == "domains":
            if not value or set(value) - set(voc.DOMAINS):
                fail(field, _("kies een of meer domeinen uit: %(codes)s", codes=", ".join(voc.DOMAINS)))
        elif field == "waiting_weeks":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 520):
                fail(field, _("verwacht een aantal weken van 0 tot 520"))
        elif field == "waiting_updated":
            if value is not None and not isinstance(value, date):
                fail(field, _("verwacht een datum"))
        elif field == "review_interval_days":
            if isinstance(value, bool) or not isinstance(value, int) or not 7 <= value <= 1095:
                fail(field, _("verwacht een aantal dagen van 7 tot 1095"))
        elif field == "contacts":
            for i, c in enumerate(value or []):
                if not (c.get("label") or "").strip():
                    fail(f"contact-{i}-label", _("is verplicht"))
                if not (c.get("phone") or c.get("email") or c.get("url")):
                    fail(f"contact-{i}-phone", _("een telefoonnummer, e-mailadres of url is nodig"))
                if c.get("audience", "public") not in voc.CONTACT_AUDIENCE:
                    fail(f"contact-{i}-audience", _("kies public of professional"))
        elif field == "hours":
            for i, h in enumerate(value or []):
                if not (isinstance(h.get("weekday"), int) and 0 <= h["weekday"] <= 6):
                    fail(f"hours-{i}-day", _("kies een dag"))
                if not (
                    isinstance(h.get("opens_at"), time)
                    and isinstance(h.get("closes_at"), time)
                    and h["opens_at"] < h["closes_at"]
                ):
                    fail(f"hours-{i}-closes", _("sluit voor het opengaat"))
        elif field == "meetings":
            for i, m in enumerate(value or []):
                if not (isinstance(m.get("weekday"), int) and 0 <= m["weekday"] <= 6) or m.get("freq") not in (
                    "weekly",
                    "monthly",
                ):
                    fail(f"meeting-{i}-day", _("kies een dag en hoe vaak"))
                if not (m.get("opens_at") and m.get("closes_at") and m["opens_at"] < m["closes_at"]):
                    fail(f"meeting-{i}-closes", _("sluit voor het opengaat"))
        elif field == "exceptions":
            for i, e in enumerate(value or []):
                if not (isinstance(e.get("start"), date) and isinstance(e.get("end"), date) and e["start"] <= e["end"]):
                    fail(f"exception-{i}-end", _("de einddatum ligt voor de begindatum"))
        elif field == "serves":
            if not value:
                fail(field, _("kies minstens één gebied waar de dienst voor is"))
        elif field == "locations":
            pass  # resolved below
        else:
            fail(field, _("kan hier niet worden gewijzigd"))
    if "serves" in changes and changes["serves"]:
        known = set(session.scalars(select(AreaUnit.code).where(AreaUnit.code.in_(changes["serves"]))))
        for code in sorted(set(changes["serves"]) - known):
            fail("serves", _("onbekend gebied %(value)s", value=shown(code)))
    if "locations" in changes and changes["locations"]:
        found = {
            loc.key: loc for loc in session.scalars(select(Location).where(Location.key.in_(changes["locations"])))
        }
        for key in changes["locations"]:
            if key not in found:
                fail("locations", _("onbekende locatie %(value)s", value=shown(key)))
            elif found[key].organisation_id not in (None, service.organisation_id):
                fail("locations", _("locatie %(value)s hoort bij een andere organisatie", value=shown(key)))
            elif found[key].status == "retired" and found[key] not in service.locations:
                fail("locations", _("locatie %(value)s is opgeheven; zet haar eerst terug", value=shown(key)))
    return problems


def _organisation_retired(session: Session, service: Service) -> bool:
    organisation = service.organisation or (
        session.get(Organisation, service.organisation_id) if service.organisation_id else None
    )
    return organisation is not None and organisation.status == "retired"


ENTRY_STATUS = ("active", "retired")


def _status_problem(entry: Organisation | Location, value) -> str | None:
    """Why an organisation or location cannot get status ``value``: only
    active or retired, and retired only when no service that has not ended
    still depends on it (end or move those first; nothing is ended as a side effect)."""
    if value not in ENTRY_STATUS:
        return _("kies actief of opgeheven")
    live = [s.name for s in entry.services if s.status != "ended"]
    if value == "retired" and live:
        return _(
            "nog %(n)d lopende diensten hangen hieraan (%(names)s); beëindig ze eerst of koppel ze los",
            n=len(live),
            names=", ".join(live[:5]) + (" …" if len(live) > 5 else ""),
        )
    return None


def update_service(session: Session, service: Service, actor: str, note: str | None = None, **changes) -> Service:
    """Change a service: its texts (Dutch; ``name_en`` and the like for English),
    status, waiting time (``waiting_weeks`` with ``waiting_updated``), domains,
    contacts (a list of dicts), weekly opening hours (``hours``: weekday,
    opens_at, closes_at; meetings and exceptions stay), served areas (codes) and
    locations (keys). Checked whole before anything is set (InvalidChange /
    Invalid naming each field). ``actor`` (an account, ``"cli:<user>"``) and
    ``note`` (why) are written to the audit log with each changed field."""
    problems = _problems(session, service, changes)
    _raise_if_any(problems)
    with acting(session, actor, note):
        with session.no_autoflush:
            for field, value in changes.items():
                _set(session, service, field, value)
        session.flush()
    return service


def create_service(
    session: Session,
    organisation: Organisation,
    actor: str,
    *,
    name: str,
    summary: str,
    domains: list[str],
    serves: list[str],
    cost_type: str = "free",
    note: str | None = None,
) -> Service:
    """A new, active service of ``organisation`` with a key made from its name.
    Checked whole first (name, summary, domains, served areas, cost); audited.
    The rest (contacts, hours, locations, ...) is filled in with update_service."""
    draft = Service(organisation_id=organisation.id)
    problems = _problems(session, draft, {"name": name, "summary": summary, "domains": domains, "serves": serves})
    if cost_type not in voc.COST:
        problems.append(Problem("", "cost_type", _("kies een van: %(codes)s", codes=", ".join(voc.COST))))
    if organisation.status == "retired":
        problems.append(Problem("", "organisation", _("de organisatie is opgeheven; zet haar eerst terug")))
    _raise_if_any(problems)
    key = free_key(session, Service, name)
    areas = list(session.scalars(select(AreaUnit).where(AreaUnit.code.in_(serves))))
    with acting(session, actor, note), session.no_autoflush:
        service = Service(
            key=key,
            organisation=organisation,
            name=name.strip(),
            summary=summary.strip(),
            cost_type=cost_type,
            status="active",
            translations={},
        )
        session.add(service)
        service.set_codes("domain", list(domains))
        service.areas_served = areas
        session.flush()
    return service


def similar_services(session: Session, name: str, limit: int = 5) -> list[Service]:
    """Services whose name is close to ``name`` (the duplicate warning while creating)."""
    wanted = _plain(name)
    if not wanted:
        return []
    found = []
    for service in session.scalars(select(Service).where(Service.status != "ended")):
        plain = _plain(service.name)
        ratio = difflib.SequenceMatcher(None, wanted, plain).ratio()
        if ratio >= 0.82 or (len(wanted) >= 8 and (wanted in plain or plain in wanted)):
            found.append((ratio, service))
    return [s for _ratio, s in sorted(found, key=lambda x: -x[0])[:limit]]


def _plain(text: str) -> str:
    return slug(text or "").replace("-", " ")


def _set(session: Session, service: Service, field: str, value) -> None:
    if field == "domains":
        service.set_codes("domain", list(value))
    elif field in ENGLISH_TEXT:
        name = field.removesuffix("_en")
        translations = {lang: dict(texts) for lang, texts in (service.translations or {}).items()}
        english = translations.setdefault("en", {})
        if (value or "").strip():
            english[name] = value.strip()
        else:
            english.pop(name, None)
        service.translations = {lang: texts for lang, texts in translations.items() if texts}
    elif field == "contacts":
        service.set_contacts(
            [
                Contact(
                    label=c["label"].strip(),
                    phone=c.get("phone"),
                    email=c.get("email"),
                    url=c.get("url"),
                    hours=c.get("hours"),
                    audience=c.get("audience", "public"),
                    translations=_kept_translations(service.contacts, i),
                    position=i,
                )
                for i, c in enumerate(value)
            ]
        )
    elif field in ("hours", "meetings"):
        hours = [_copy_rule(r) for r in service.schedule_rules if r.kind == "hours"]
        meetings = [_copy_rule(r) for r in service.schedule_rules if r.kind != "hours"]
        if field == "hours":
            hours = [
                ScheduleRule(
                    kind="hours",
                    freq="weekly",
                    interval=1,
                    weekday=h["weekday"],
                    nth=None,
                    dtstart=None,
                    opens_at=h["opens_at"],
                    closes_at=h["closes_at"],
                )
                for h in sorted(value, key=lambda h: (h["weekday"], h["opens_at"]))
            ]
        else:
            meetings = [ScheduleRule(kind="meeting", **m) for m in value]
        rules = hours + meetings
        for i, rule in enumerate(rules):
            rule.position = i
        service.set_schedule(rules, [_copy_exception(e) for e in service.schedule_exceptions])
    elif field == "exceptions":
        old = list(service.schedule_exceptions)
        service.set_schedule(
            [_copy_rule(r) for r in service.schedule_rules],
            [
                ScheduleException(translations=dict(old[i].translations or {}) if i < len(old) else {}, **e)
                for i, e in enumerate(value)
            ],
        )
    elif field == "serves":
        service.areas_served = list(session.scalars(select(AreaUnit).where(AreaUnit.code.in_(value))))
    elif field == "locations":
        service.locations = list(session.scalars(select(Location).where(Location.key.in_(value)))) if value else []
    else:
        setattr(service, field, value.strip() if isinstance(value, str) else value)


def _kept_translations(contacts: list[Contact], i: int) -> dict:
    """A contact row's other-language texts stay with the row at its position."""
    return dict(contacts[i].translations or {}) if i < len(contacts) else {}


def _copy_rule(rule: ScheduleRule) -> ScheduleRule:
    return ScheduleRule(
        **{
            c.key: getattr(rule, c.key)
            for c in ScheduleRule.__table__.columns
            if not c.primary_key and not c.foreign_keys
        }
    )


def _copy_exception(exception):
    cls = type(exception)
    return cls(
        **{c.key: getattr(exception, c.key) for c in cls.__table__.columns if not c.primary_key and not c.foreign_keys}
    )


LOCATION_TEXT = ("name", "street", "house_number", "postcode", "city")
POSTCODE = re.compile(r"^(\d{4})\s?([A-Z]{2})?$")


def update_location(
    session: Session,
    location: Location,
    actor: str,
    note: str | None = None,
    *,
    point: tuple[float, float] | None = None,
    postcode_centre: bool = False,
    **changes,
) -> Location:
    """Change a location's address and point. The point is given (``point``:
    lon, lat) or, with ``postcode_centre``, is the centre of its 4-digit
    postcode (then marked approximate). The buurt is derived from the point and
    must exist: a point outside the mapped region is refused. Checked whole
    first; audited with ``actor`` and ``note``."""
    problems: list[Problem] = []

    def fail(field_: str, message: str) -> None:
        problems.append(Problem("", field_, message))

    for field, value in changes.items():
        if field == "status":
            why = _status_problem(location, value)
            if why:
                fail(field, why)
        elif field not in LOCATION_TEXT:
            fail(field, _("kan hier niet worden gewijzigd"))
        elif field in ("street", "house_number", "city") and not (value or "").strip():
            fail(field, _("is verplicht"))
    postcode = (changes.get("postcode", location.postcode) or "").strip().upper()
    if postcode and not POSTCODE.match(postcode):
        fail("postcode", _("geen postcode (1234 AB of 1234): %(value)s", value=shown(postcode)))
    approximate = location.approximate
    if postcode_centre:
        match = POSTCODE.match(postcode)
        centre = postcode_centroids().get(match.group(1)) if match else None
        if centre is None:
            fail(
                "postcode", _("geen bekend midden voor postcode %(value)s; geef de coördinaten", value=shown(postcode))
            )
        else:
            point, approximate = (centre[0], centre[1]), True
    elif point is not None:
        approximate = False
    buurt = None
    if point is not None and not problems:
        lon, lat = point
        if not (NL_BOUNDS[0] <= lon <= NL_BOUNDS[2] and NL_BOUNDS[1] <= lat <= NL_BOUNDS[3]):
            fail(
                "lat",
                _("dit punt ligt niet in Nederland (lengtegraad %(lon)s, breedtegraad %(lat)s)", lon=lon, lat=lat),
            )
        else:
            ref = neighbourhood_ref_at(session, lon, lat)
            if ref is None:
                fail("lat", _("dit punt ligt in geen enkele buurt van de kaart"))
            else:
                buurt = session.get(AreaUnit, ref[0])
    _raise_if_any(problems)
    with acting(session, actor, note):
        for field, value in changes.items():
            value = value.strip() if isinstance(value, str) else value
            if field == "postcode":
                value = _postcode_text(value)
            if getattr(location, field) != (value or None if field in ("name", "postcode") else value):
                setattr(location, field, value or None if field in ("name", "postcode") else value)
        if point is not None:
            location.geom = geo.to_db(geo.point(*point))
            location.approximate = approximate
            if location.neighbourhood_id != buurt.id:
                location.neighbourhood = buurt
        session.flush()
    return location


def _postcode_text(value: str | None) -> str | None:
    match = POSTCODE.match((value or "").strip().upper())
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}" if match.group(2) else match.group(1)


ORGANISATION_TEXT = ("name", "description", "website", "email", "phone", "kvk_number", "agb_code")


def update_organisation(
    session: Session, organisation: Organisation, actor: str, note: str | None = None, **changes
) -> Organisation:
    """Change an organisation's name, description and contact details; checked
    whole first (a website starts with http(s)://, KvK and AGB are 8 digits); audited."""
    problems: list[Problem] = []

    def fail(field_: str, message: str) -> None:
        problems.append(Problem("", field_, message))

    for field, value in changes.items():
        value = (value or "").strip()
        if field == "status":
            why = _status_problem(organisation, value)
            if why:
                fail(field, why)
        elif field not in ORGANISATION_TEXT:
            fail(field, _("kan hier niet worden gewijzigd"))
        elif field == "name" and not value:
            fail(field, _("is verplicht"))
        elif field == "website" and value and not value.startswith(("https://", "http://")):
            fail(field, _("een webadres begint met https://"))
        elif field == "email" and value and "@" not in value:
            fail(field, _("geen e-mailadres: %(value)s", value=shown(value)))
        elif field in ("kvk_number", "agb_code") and value and not (value.isdigit() and len(value) == 8):
            fail(field, _("verwacht 8 cijfers, niet %(value)s", value=shown(value)))
    _raise_if_any(problems)
    with acting(session, actor, note):
        for field, value in changes.items():
            value = (value or "").strip() or (None if field != "name" else value)
            if getattr(organisation, field) != value:
                setattr(organisation, field, value)
        session.flush()
    return organisation


def create_organisation(session: Session, actor: str, note: str | None = None, **details) -> Organisation:
    """A new organisation with a key made from its name; its details checked as
    by :func:`update_organisation`; audited."""
    name = (details.get("name") or "").strip()
    if not name:
        raise InvalidChange("name", _("is verplicht"))
    organisation = Organisation(key=free_key(session, Organisation, name), name=name, translations={})
    update_organisation(session, organisation, actor, note, **{k: v for k, v in details.items() if k != "name"})
    with acting(session, actor, note):
        session.add(organisation)
        session.flush()
    return organisation


def similar_organisations(session: Session, name: str, phone: str = "", website: str = "") -> list[Organisation]:
    """Organisations with a close name, the same phone number or the same website."""
    wanted, digits, host = _plain(name), _digits(phone), _host(website)
    found = []
    for organisation in session.scalars(select(Organisation)):
        close = wanted and difflib.SequenceMatcher(None, wanted, _plain(organisation.name)).ratio() >= 0.85
        same_phone = digits and len(digits) >= 6 and _digits(organisation.phone or "") == digits
        same_site = host and _host(organisation.website or "") == host
        if close or same_phone or same_site:
            found.append(organisation)
    return found[:5]


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text or "")
    return "0" + digits[2:] if digits.startswith("31") else digits


def _host(url: str) -> str:
    host = re.sub(r"^https?://", "", (url or "").strip().lower()).split("/")[0]
    return host.removeprefix("www.")


def create_location(
    session: Session,
    organisation: Organisation,
    actor: str,
    note: str | None = None,
    *,
    point: tuple[float, float] | None = None,
    postcode_centre: bool = False,
    **address,
) -> Location:
    """A new location of ``organisation``: the address, and the point as
    coordinates or its postcode's centre; the buurt is derived (see
    :func:`update_location`). Audited."""
    street, number = (address.get("street") or "").strip(), (address.get("house_number") or "").strip()
    if point is None and not postcode_centre:
        raise InvalidChange("lat", _("geef de coördinaten of kies het midden van de postcode"))
    key = free_key(session, Location, f"{organisation.key}-{street}-{number}")
    # Not yet in the session (and not linked through the organisation's list):
    # update_location checks and sets everything first.
    location = Location(
        key=key,
        organisation_id=organisation.id,
        street=street or "?",
        house_number=number or "?",
        city=(address.get("city") or "").strip() or "?",
        geom=geo.to_db(geo.point(0, 0)),
        approximate=False,
    )
    update_location(session, location, actor, note, point=point, postcode_centre=postcode_centre, **address)
    with acting(session, actor, note):
        session.add(location)
        session.flush()
    return location


def locations_near(session: Session, lon: float, lat: float, metres: float = 50) -> list[Location]:
    """Locations within ``metres`` of the point (the duplicate warning for a new location)."""
    here = geo.sql_point(lon, lat)
    return list(
        session.scalars(
            select(Location)
            .where(geo.distance_m(Location.geom, here, session.get_bind().dialect.name) <= metres)
            .limit(5)
        )
    )
