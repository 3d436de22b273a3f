"""Load a catalogue written as YAML files (see docs/demo-data-format.md).

A pipeline: read every file, check the structure and every value, resolve
every reference (organisations, locations, needs, kinds, areas), check each
location lies in the buurt it claims -- and only when nothing is wrong, write
organisations, locations and services in that order, updating by key. The
caller commits; on any problem nothing is written.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap import geo
from socialmap.catalogue import queries
from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.kinds import service_kinds
from socialmap.catalogue.models import (AreaUnit, Contact, Location, NeedTerm, Organisation,
                                        ScheduleException, ScheduleRule, Service)
from socialmap.interop.checking import RecordChecker, split_translations
from socialmap.interop.problems import Problems

KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TRANSLATABLE_SERVICE_FIELDS = ("name", "summary", "description", "conditions", "cost_note", "status_note")


@dataclass(frozen=True)
class LoadReport:
    organisations: int
    locations: int
    services: int
    removed: int


@dataclass(frozen=True)
class Placement:
    lon: float
    lat: float
    postcode: str | None


def read_placements(path: Path, problems: Problems) -> dict[str, Placement]:
    """location key -> coordinates and postcode (data/demo/placements.csv)."""
    placements: dict[str, Placement] = {}
    if not Path(path).exists():
        problems.add(str(path), "", "placements file not found")
        return placements
    with open(path, newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                placements[row["location"]] = Placement(float(row["lon"]), float(row["lat"]),
                                                         row.get("postcode") or None)
            except (KeyError, TypeError, ValueError) as exc:
                problems.add(f"{Path(path).name}: line {line}", "", f"unreadable row: {exc}")
    return placements


def read_files(paths: list[Path], problems: Problems) -> tuple[list, list]:
    """(organisations, services), each item paired with its file name."""
    organisations, services = [], []
    for path in paths:
        try:
            doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            problems.add(Path(path).name, "", f"cannot read: {exc}")
            continue
        if not isinstance(doc, dict) or set(doc) - {"organisations", "services"}:
            problems.add(Path(path).name, "", "expected only the lists 'organisations' and 'services'")
            continue
        for name, into in (("organisations", organisations), ("services", services)):
            items = doc.get(name) or []
            if not isinstance(items, list):
                problems.add(Path(path).name, name, "expected a list")
                continue
            into.extend((Path(path).name, item) for item in items)
    return organisations, services


def load_catalogue(session: Session, paths: list[Path], placements_path: Path,
                   demo: bool = True, remove_missing: bool = True) -> LoadReport:
    """Validate everything, then write. Raises ImportFailed listing every problem."""
    problems = Problems()
    org_items, service_items = read_files(paths, problems)
    placements = read_placements(placements_path, problems)
    problems.raise_if_any()

    needs = {n.code: n for n in session.scalars(select(NeedTerm))}
    kinds = service_kinds()
    area_codes = set(session.scalars(select(AreaUnit.code)))

    orgs: dict[str, dict] = {}
    locations: dict[str, dict] = {}
    for file_name, item in org_items:
        org = _check_organisation(problems, file_name, item, orgs, locations, placements, area_codes)
        if org:
            orgs[org["key"]] = org
    services: dict[str, dict] = {}
    for file_name, item in service_items:
        svc = _check_service(problems, file_name, item, orgs, locations, needs, kinds, area_codes, services)
        if svc:
            services[svc["key"]] = svc
    _check_placement_in_buurt(session, problems, locations)
    problems.raise_if_any()

    return _write(session, orgs, locations, services, needs, demo, remove_missing)


def _keyed_record(problems, file_name: str, item, kind: str, seen: dict) -> tuple[str, RecordChecker] | None:
    """The record's key and a checker for it; None (with a problem) when unusable."""
    if not isinstance(item, dict):
        problems.add(file_name, f"{kind}s", f"every {kind} must be a mapping")
        return None
    key = item.get("key")
    c = RecordChecker(problems, f"{file_name}: {kind} {key}", item)
    if not isinstance(key, str) or not KEY.match(key):
        c.fail("key", f"invalid key {key!r} (lower-case letters, digits, dashes)")
        return None
    if key in seen:
        c.fail("key", "appears twice")
    return key, c


def _check_organisation(problems, file_name, item, orgs, locations, placements, area_codes) -> dict | None:
    record = _keyed_record(problems, file_name, item, "organisation", orgs)
    if record is None:
        return None
    key, c = record
    where = c.where
    org = {
        "key": key,
        "name": c.text("name", required=True, max_len=200),
        "description": c.translated("description"),
        "website": c.text("website", max_len=300),
        "email": c.text("email", max_len=200),
        "phone": c.text("phone", max_len=50),
        "kvk": c.text("kvk"),
        "agb": c.text("agb"),
    }
    for field_ in ("kvk", "agb"):
        if org[field_] and not re.fullmatch(r"\d{8}", org[field_]):
            c.fail(field_, "expected 8 digits")
    if org["website"] and not org["website"].startswith(("http://", "https://")):
        c.fail("website", "must start with https://")
    if org["email"] and "@" not in org["email"]:
        c.fail("email", "not an e-mail address")
    for i, loc in enumerate(item.get("locations") or []):
        lc = RecordChecker(problems, f"{where}: location {i}", loc if isinstance(loc, dict) else {})
        lkey = loc.get("key") if isinstance(loc, dict) else None
        if not isinstance(lkey, str) or not KEY.match(lkey):
            lc.fail("key", f"invalid key {lkey!r}")
            continue
        lc.where = f"{file_name}: location {lkey}"
        if lkey in locations:
            lc.fail("key", "appears twice")
        buurt = lc.text("buurt", required=True)
        if buurt and buurt not in area_codes:
            lc.fail("buurt", f"unknown buurt code {buurt}")
        placement = placements.get(lkey)
        if placement is None:
            lc.fail("", "no coordinates in placements.csv (run tools/place_demo_locations.py)")
        locations[lkey] = {
            "key": lkey, "organisation": key, "where": lc.where,
            "name": lc.text("name", max_len=200), "street": lc.text("street", required=True, max_len=200),
            "number": lc.text("number", required=True, max_len=20), "city": lc.text("city", required=True),
            "buurt": buurt, "placement": placement,
        }
    return org


def _check_service(problems, file_name, item, orgs, locations, needs, kinds, area_codes, services) -> dict | None:
    record = _keyed_record(problems, file_name, item, "service", services)
    if record is None:
        return None
    key, c = record
    where = c.where
    org = item.get("organisation")
    if org not in orgs:
        c.fail("organisation", f"unknown organisation {org!r}")

    audience = c.mapping("audience")
    ac = RecordChecker(problems, where, audience)
    min_age = c.integer(audience, "min_age", "audience.min_age", 0, 120)
    max_age = c.integer(audience, "max_age", "audience.max_age", 0, 120)
    if min_age is not None and max_age is not None and min_age > max_age:
        c.fail("audience", f"min_age {min_age} is above max_age {max_age}")

    cost = item.get("cost") or {}
    if not isinstance(cost, dict) or cost.get("type") not in voc.COST:
        c.fail("cost.type", f"expected one of {list(voc.COST)}")
        cost = {} if not isinstance(cost, dict) else cost
    status = item.get("status", "active")
    if status not in voc.STATUS:
        c.fail("status", f"expected one of {list(voc.STATUS)}")

    waiting = c.mapping("waiting", "expected {weeks, updated}")
    verified = c.mapping("verified", "expected {at, by, interval_days}")

    loc_keys = item.get("locations") or []
    if not isinstance(loc_keys, list):
        c.fail("locations", "expected a list of location keys")
        loc_keys = []
    for lk in loc_keys:
        if lk not in locations:
            c.fail("locations", f"unknown location {lk!r}")
    serves = c.codes("serves", area_codes, required=True)
    need_codes = c.codes("needs", needs, required=True)

    svc = {
        "key": key, "organisation": org,
        "texts": {f: {} for f in TRANSLATABLE_SERVICE_FIELDS},
        "kinds": c.codes("kinds", kinds, required=True),
        "domains": c.codes("domains", voc.DOMAINS, required=True),
        "access": c.codes("access", voc.ACCESS, required=True),
        "formats": c.codes("formats", voc.FORMATS, required=True),
        "languages": c.codes("languages", voc.LANGUAGES, required=True),
        "accessibility": c.codes("accessibility", voc.ACCESSIBILITY),
        "groups": ac.codes("groups", voc.TARGET_GROUPS),
        "needs": need_codes, "serves": serves, "locations": [lk for lk in loc_keys if lk in locations],
        "min_age": min_age, "max_age": max_age, "cost_type": cost.get("type"), "status": status,
        "waiting_weeks": c.integer(waiting, "weeks", "waiting.weeks", 0, 520),
        "waiting_updated": c.day(waiting, "updated", "waiting.updated", required=bool(waiting)),
        "verified_at": c.day(verified, "at", "verified.at", required=False),
        "verified_by": verified.get("by"),
        "review_interval_days": c.integer(verified, "interval_days", "verified.interval_days", 1, 3650) or 180,
        "contacts": _check_contacts(c, item.get("contacts")),
    }
    svc["texts"]["name"] = c.translated("name", required=True)
    svc["texts"]["summary"] = c.translated("summary", required=True)
    svc["texts"]["description"] = c.translated("description")
    svc["texts"]["conditions"] = ac.translated("conditions")
    svc["texts"]["cost_note"] = RecordChecker(problems, where, cost).translated("note")
    svc["texts"]["status_note"] = c.translated("status_note")
    svc.update(_check_schedule(c, item.get("schedule")))
    return svc


def _check_contacts(c: RecordChecker, contacts) -> list[dict]:
    if contacts is None:
        return []
    if not isinstance(contacts, list):
        c.fail("contacts", "expected a list")
        return []
    checked = []
    for i, contact in enumerate(contacts):
        if not isinstance(contact, dict):
            c.fail(f"contacts[{i}]", "expected a mapping")
            continue
        cc = RecordChecker(c.problems, c.where, contact)
        audience = contact.get("audience", "public")
        if audience not in voc.CONTACT_AUDIENCE:
            c.fail(f"contacts[{i}].audience", "expected public or professional")
        entry = {"label": cc.translated("label", required=True), "hours": cc.translated("hours"),
                 "phone": cc.text("phone"), "email": cc.text("email"), "url": cc.text("url"),
                 "audience": audience}
        if not (entry["phone"] or entry["email"] or entry["url"]):
            c.fail(f"contacts[{i}]", "needs a phone number, e-mail address or url")
        checked.append(entry)
    return checked


def _check_schedule(c: RecordChecker, schedule) -> dict:
    out = {"rules": [], "exceptions": [], "open_24_7": False, "closed_on_public_holidays": True}
    if schedule is None:
        return out
    if not isinstance(schedule, dict):
        c.fail("schedule", "expected a mapping")
        return out
    out["open_24_7"] = bool(schedule.get("open_24_7", False))
    out["closed_on_public_holidays"] = bool(schedule.get("closed_on_public_holidays", True))

    def span(entry, label):
        opens, closes = c.clock(entry, "opens", f"{label}.opens"), c.clock(entry, "closes", f"{label}.closes")
        if opens and closes and closes <= opens:
            c.fail(label, f"closes ({closes:%H:%M}) before it opens ({opens:%H:%M})")
        return opens, closes

    for i, entry in enumerate(schedule.get("weekly") or []):
        label = f"schedule.weekly[{i}]"
        days = entry.get("days") if isinstance(entry, dict) else None
        if not isinstance(days, list) or not days or any(d not in voc.WEEKDAYS for d in days):
            c.fail(f"{label}.days", f"expected a list of {list(voc.WEEKDAYS)}")
            continue
        opens, closes = span(entry, label)
        for d in days:
            out["rules"].append({"kind": "hours", "freq": "weekly", "interval": 1,
                                 "weekday": voc.WEEKDAYS.index(d), "nth": None, "dtstart": None,
                                 "opens_at": opens, "closes_at": closes})
    for i, entry in enumerate(schedule.get("meetings") or []):
        label = f"schedule.meetings[{i}]"
        if not isinstance(entry, dict) or entry.get("day") not in voc.WEEKDAYS:
            c.fail(f"{label}.day", f"expected one of {list(voc.WEEKDAYS)}")
            continue
        every = str(entry.get("every", "week")).strip()
        rule = {"kind": "meeting", "weekday": voc.WEEKDAYS.index(entry["day"]), "nth": None, "dtstart": None}
        if every == "week":
            rule.update(freq="weekly", interval=1)
        elif every == "2 weeks":
            rule.update(freq="weekly", interval=2, dtstart=c.day(entry, "from", f"{label}.from"))
        elif every == "month":
            nth = entry.get("nth")
            if nth not in (1, 2, 3, 4, -1):
                c.fail(f"{label}.nth", "expected 1, 2, 3, 4 or -1 (last)")
            rule.update(freq="monthly", interval=1, nth=nth)
        else:
            c.fail(f"{label}.every", "expected 'week', '2 weeks' or 'month'")
            continue
        rule["opens_at"], rule["closes_at"] = span(entry, label)
        out["rules"].append(rule)
    for i, entry in enumerate(schedule.get("exceptions") or []):
        label = f"schedule.exceptions[{i}]"
        if not isinstance(entry, dict):
            c.fail(label, "expected a mapping")
            continue
        if "date" in entry:
            start = end = c.day(entry, "date", f"{label}.date")
        else:
            start, end = c.day(entry, "from", f"{label}.from"), c.day(entry, "until", f"{label}.until")
        if start and end and end < start:
            c.fail(label, "'until' is before 'from'")
        closed = entry.get("closed", "opens" not in entry)
        opens = closes = None
        if not closed:
            opens, closes = span(entry, label)
        out["exceptions"].append({"start": start, "end": end, "closed": bool(closed), "opens_at": opens,
                                  "closes_at": closes,
                                  "note": RecordChecker(c.problems, c.where, entry).translated("note")})
    return out


def _check_placement_in_buurt(session: Session, problems: Problems, locations: dict) -> None:
    """Each location's point must lie in the buurt its address claims (asked of the database)."""
    for loc in locations.values():
        placement, claimed = loc["placement"], loc["buurt"]
        if placement is None or claimed is None:
            continue
        try:
            found = queries.neighbourhood_at(session, placement.lon, placement.lat)
        except ValueError as exc:
            problems.add(loc["where"], "placement", str(exc))
            continue
        loc["neighbourhood"] = found
        if found is None or found.code != claimed:
            problems.add(loc["where"], "buurt",
                         f"the point lies in {found.code if found else 'no known buurt'}, not in {claimed}")


def _write(session, orgs, locations, services, needs, demo, remove_missing) -> LoadReport:
    existing_orgs = {o.key: o for o in session.scalars(select(Organisation))}
    existing_locs = {loc.key: loc for loc in session.scalars(select(Location))}
    existing_svcs = {s.key: s for s in session.scalars(select(Service))}
    areas = {a.code: a for a in session.scalars(select(AreaUnit))}

    for key, data in orgs.items():
        org = existing_orgs.get(key) or Organisation(key=key)
        dutch, other = split_translations({"description": data["description"]})
        org.name, org.description, org.translations = data["name"], dutch["description"], other
        org.website, org.email, org.phone = data["website"], data["email"], data["phone"]
        org.kvk_number, org.agb_code, org.is_demo = data["kvk"], data["agb"], demo
        session.add(org)
        existing_orgs[key] = org
    for key, data in locations.items():
        loc = existing_locs.get(key) or Location(key=key)
        p = data["placement"]
        loc.organisation = existing_orgs[data["organisation"]]
        loc.name, loc.street, loc.house_number, loc.city = data["name"], data["street"], data["number"], data["city"]
        loc.postcode = p.postcode
        loc.geom = geo.to_db(geo.point(p.lon, p.lat))
        loc.neighbourhood = data.get("neighbourhood") or areas[data["buurt"]]
        session.add(loc)
        existing_locs[key] = loc
    for key, data in services.items():
        svc = existing_svcs.get(key) or Service(key=key)
        dutch, other = split_translations(data["texts"])
        for f, value in dutch.items():
            setattr(svc, f, value)
        svc.translations = other
        svc.organisation = existing_orgs[data["organisation"]]
        for attr in ("min_age", "max_age", "cost_type", "status", "waiting_weeks", "waiting_updated",
                     "verified_at", "verified_by", "review_interval_days", "open_24_7",
                     "closed_on_public_holidays"):
            setattr(svc, attr, data[attr])
        svc.is_demo = demo
        for facet, field_ in (("kind", "kinds"), ("domain", "domains"), ("access", "access"),
                              ("format", "formats"), ("language", "languages"),
                              ("accessibility", "accessibility"), ("group", "groups")):
            svc.set_codes(facet, data[field_])
        svc.needs = [needs[n] for n in data["needs"]]
        svc.locations = [existing_locs[lk] for lk in data["locations"]]
        svc.areas_served = [areas[code] for code in data["serves"]]
        svc.contacts = []
        for i, ct in enumerate(data["contacts"]):
            dutch_ct, other_ct = split_translations({"label": ct["label"], "hours": ct["hours"]})
            svc.contacts.append(Contact(label=dutch_ct["label"], hours=dutch_ct["hours"], translations=other_ct,
                                        phone=ct["phone"], email=ct["email"], url=ct["url"],
                                        audience=ct["audience"], position=i))
        svc.schedule_rules = [ScheduleRule(position=i, **r) for i, r in enumerate(data["rules"])]
        svc.schedule_exceptions = []
        for ex in data["exceptions"]:
            note_nl, note_other = split_translations({"note": ex["note"]})
            svc.schedule_exceptions.append(ScheduleException(
                start=ex["start"], end=ex["end"], closed=ex["closed"], opens_at=ex["opens_at"],
                closes_at=ex["closes_at"], note=note_nl["note"], translations=note_other))
        session.add(svc)
    session.flush()

    removed = 0
    if remove_missing:
        for key, svc in existing_svcs.items():
            if key not in services and svc.is_demo == demo:
                session.delete(svc)
                removed += 1
        session.flush()
        for key, loc in existing_locs.items():
            if key not in locations and loc.organisation is not None and loc.organisation.is_demo == demo:
                session.delete(loc)
        for key, org in existing_orgs.items():
            if key not in orgs and org.is_demo == demo:
                session.delete(org)
        session.flush()
    return LoadReport(len(orgs), len(locations), len(services), removed)
