"""The catalogue import pipeline, shared by the YAML files and the CSV import.

A reader turns its input into records (plain dicts shaped as in
docs/demo-data-format.md, each with its file and line); then this module
checks every record and reference, plans what the load would do, and -- only
when nothing is wrong -- writes organisations, locations and services in that
order, by key, in the caller's transaction.

A load adds and updates; it never deletes. Services the files no longer hold
are retired (status ``ended``) only when asked, only within a stated scope,
and only with the confirmation code of a dry run that listed them.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialmap import geo
from socialmap.catalogue import queries
from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.demo import forget
from socialmap.catalogue.kinds import service_kinds
from socialmap.catalogue.models import (
    AreaUnit,
    Contact,
    Location,
    NeedTerm,
    Organisation,
    ScheduleException,
    ScheduleRule,
    Service,
    service_area,
)
from socialmap.interop.areas import municipality_names
from socialmap.interop.checking import FieldChecker, split_translations
from socialmap.interop.yaml_lines import line_of
from socialmap.problems import Problems, _, did_you_mean, ngettext, shown
from socialmap.search.places import NL_BOUNDS, postcode_centroids
from socialmap.transaction import after_commit

KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
POSTCODE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{2})?\s*$")
TRANSLATABLE_SERVICE_FIELDS = ("name", "summary", "description", "conditions", "cost_note", "status_note")
CODE_FIELDS = ("kinds", "domains", "access", "formats", "languages", "needs")

ORGANISATION_FIELDS = ("key", "name", "description", "website", "email", "phone", "kvk", "agb", "locations")
LOCATION_FIELDS = ("key", "name", "street", "number", "postcode", "city", "buurt", "lon", "lat")
SERVICE_FIELDS = (
    "key",
    "organisation",
    "name",
    "summary",
    "description",
    "kinds",
    "domains",
    "needs",
    "audience",
    "access",
    "cost",
    "languages",
    "accessibility",
    "formats",
    "schedule",
    "waiting",
    "contacts",
    "status",
    "status_note",
    "verified",
    "locations",
    "serves",
)
AUDIENCE_FIELDS = ("min_age", "max_age", "groups", "conditions")
COST_FIELDS = ("type", "note")
WAITING_FIELDS = ("weeks", "updated")
VERIFIED_FIELDS = ("at", "by", "interval_days")
CONTACT_FIELDS = ("label", "phone", "email", "url", "hours", "audience")
SCHEDULE_FIELDS = ("weekly", "meetings", "open_24_7", "closed_on_public_holidays", "exceptions")
WEEKLY_FIELDS = ("days", "opens", "closes")
MEETING_FIELDS = ("every", "day", "nth", "from", "opens", "closes")
EXCEPTION_FIELDS = ("date", "from", "until", "closed", "opens", "closes", "note")

AREAS_COMMAND = (
    "flask --app socialmap areas import BUURTEN.geojson  |  "
    "flask --app socialmap areas import-municipalities --codes GMxxxx"
)
NEEDS_COMMAND = "flask --app socialmap catalogue load-needs"


@dataclass(frozen=True)
class Item:
    """One record as read: its file (the name shown in messages), data and line."""

    file: str
    data: object
    line: int | None = None


@dataclass
class Source:
    """What a reader read: organisations (with their locations inline) and services.
    ``notes`` are things worth saying that do not stop the load."""

    organisations: list[Item] = field(default_factory=list)
    services: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return list(dict.fromkeys(i.file for i in [*self.organisations, *self.services]))


@dataclass(frozen=True)
class Rules:
    """What a source must give. The YAML format demands codes and a cost; a
    text-only catalogue (a CSV export of names and texts) has neither."""

    required_codes: frozenset[str]
    cost_required: bool


STRICT = Rules(frozenset(CODE_FIELDS), True)
TEXT_ONLY = Rules(frozenset(), False)


@dataclass(frozen=True)
class Placement:
    """Where a location is put: exact (coordinates) or approximate (a PC4 centroid)."""

    lon: float
    lat: float
    postcode: str | None
    approximate: bool = False


@dataclass(frozen=True)
class RetireScope:
    """Which services a load may retire when they are missing from its files:
    ``organisations`` -- those of the organisations in the files (default);
    ``demo`` -- the demo's entries; an area code -- those serving only inside it."""

    kind: str  # organisations | demo | area
    area_code: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> RetireScope:
        text = (text or "organisations").strip()
        if text in ("organisations", "organisaties"):
            return cls("organisations")
        if text == "demo":
            return cls("demo")
        return cls("area", text.upper())

    def __str__(self) -> str:
        return self.area_code if self.kind == "area" else self.kind

    def describe(self) -> str:
        if self.kind == "organisations":
            return _("de diensten van de organisaties in de bestanden")
        if self.kind == "demo":
            return _("de diensten van de demo")
        return _("de diensten die alleen binnen %(area)s werken", area=self.area_code)


@dataclass(frozen=True)
class Retiree:
    key: str
    name: str
    organisation: str

    def __str__(self) -> str:
        return f"{self.key}: {self.name} ({self.organisation})"


@dataclass(frozen=True)
class Plan:
    new: tuple[str, ...]
    existing: tuple[str, ...]
    retire: tuple[Retiree, ...]
    scope: RetireScope | None

    @property
    def code(self) -> str:
        """The confirmation code: a digest of the scope and exactly the keys to retire."""
        text = f"{self.scope}|" + "\n".join(r.key for r in self.retire)
        return hashlib.sha256(text.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class LoadReport:
    organisations: int
    locations: int
    services: int
    new_services: int
    updated_services: int
    approximate_locations: int
    retire: tuple[Retiree, ...]  # retired, or in a dry run: what would be
    dry_run: bool
    code: str | None
    notes: tuple[str, ...] = ()

    @property
    def retired(self) -> int:
        return 0 if self.dry_run else len(self.retire)


class RetireNotConfirmed(Exception):
    """Retiring was asked without the dry run's code (or with a stale one): nothing was written."""

    def __init__(self, plan: Plan, given: str | None):
        self.plan, self.given = plan, given
        super().__init__(plan.code)


@dataclass
class Checked:
    organisations: dict[str, dict]
    locations: dict[str, dict]
    services: dict[str, dict]
    needs: dict[str, NeedTerm]
    notes: list[str]


def read_placements(path: Path, problems: Problems) -> dict[str, Placement]:
    """location key -> coordinates and postcode (the demo's data/demo/placements.csv)."""
    placements: dict[str, Placement] = {}
    name = Path(path).name
    if not Path(path).exists():
        problems.add(str(path), "", _("bestand niet gevonden"))
        return placements
    with open(path, newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                placements[row["location"]] = Placement(
                    float(row["lon"]), float(row["lat"]), row.get("postcode") or None
                )
            except (KeyError, TypeError, ValueError) as exc:
                problems.add(f"{name}:{line}", "", _("onleesbare regel: %(error)s", error=str(exc)), line)
    return placements


def load(
    session: Session,
    source: Source,
    placements: dict[str, Placement] | None = None,
    *,
    rules: Rules = STRICT,
    demo: bool = False,
    retire: RetireScope | None = None,
    confirm: str | bool | None = None,
    dry_run: bool = False,
) -> LoadReport:
    """Check everything, plan, then write (unless ``dry_run``). Raises
    ImportFailed with every problem, or RetireNotConfirmed; then nothing is written.

    ``confirm`` is the code a dry run printed for exactly this retirement
    (``True``: the caller itself is the confirmation, as the demo set-up is)."""
    checked = check(session, source, placements or {}, rules)
    plan = make_plan(session, checked, retire)
    if not dry_run:
        confirmed = confirm is True or (isinstance(confirm, str) and confirm.strip().lower() == plan.code)
        if plan.retire and not confirmed:
            raise RetireNotConfirmed(plan, confirm if isinstance(confirm, str) else None)
        write(session, checked, demo)
        retire_services(session, plan.retire)

        after_commit(session, forget)  # the demo notice follows at once in this process
    return LoadReport(
        organisations=len(checked.organisations),
        locations=len(checked.locations),
        services=len(checked.services),
        new_services=len(plan.new),
        updated_services=len(plan.existing),
        approximate_locations=sum(1 for loc in checked.locations.values() if loc["placement"].approximate),
        retire=plan.retire,
        dry_run=dry_run,
        code=plan.code if plan.retire else None,
        notes=tuple(checked.notes),
    )


# -- checking ---------------------------------------------------------------


def check(session: Session, source: Source, placements: dict[str, Placement], rules: Rules) -> Checked:
    """Every record and reference checked; raises ImportFailed listing every problem."""
    problems = Problems()
    prerequisites(session, source, problems)
    problems.raise_if_any()
    run = _Run(session, problems, placements, rules)
    for item in source.organisations:
        run.organisation(item)
    for item in source.services:
        run.service(item)
    run.place_locations()
    run.report_missing_areas()
    problems.raise_if_any()
    return Checked(run.orgs, run.locations, run.services, run.needs, list(source.notes))


def prerequisites(session: Session, source: Source, problems: Problems) -> None:
    """One clear problem instead of hundreds when areas or the taxonomy are not loaded yet."""
    where = ", ".join(source.files) or "catalogus"
    if session.scalar(select(AreaUnit.id).limit(1)) is None:
        problems.add(
            where,
            "",
            _(
                "Er zijn nog geen gebieden geladen, dus geen gebiedscode kan kloppen. "
                "Laad eerst de gebieden: %(command)s",
                command=AREAS_COMMAND,
            ),
        )
    uses_needs = any(isinstance(i.data, dict) and i.data.get("needs") for i in source.services)
    if uses_needs and session.scalar(select(NeedTerm.id).limit(1)) is None:
        problems.add(
            where,
            "",
            _(
                "De behoeftentaxonomie is nog niet geladen, dus geen behoeftecode kan "
                "kloppen. Laad die eerst: %(command)s",
                command=NEEDS_COMMAND,
            ),
        )


class _Run:
    """The state of one check: what the files define, and what the database holds."""

    def __init__(self, session: Session, problems: Problems, placements: dict[str, Placement], rules: Rules):
        self.session, self.problems, self.placements, self.rules = session, problems, placements, rules
        self.needs = {n.code: n for n in session.scalars(select(NeedTerm))}
        self.kinds = service_kinds()
        self.area_codes = set(session.scalars(select(AreaUnit.code)))
        self.db_orgs = set(session.scalars(select(Organisation.key)))
        self.db_locations = set(session.scalars(select(Location.key)))
        self.orgs: dict[str, dict] = {}
        self.locations: dict[str, dict] = {}
        self.services: dict[str, dict] = {}
        self.first: dict[tuple[str, str], str] = {}  # (kind, key) -> "file:line" of its first occurrence
        self.broken: set[tuple[str, str]] = set()  # records whose own file already has the problem
        self.missing_areas: dict[str, list] = {}  # loadable municipality code -> [where, line, count]

    # records ------------------------------------------------------------

    def _start(self, item: Item, record, kind: str, label: str, allowed) -> tuple[str, FieldChecker] | None:
        """The record's key and a checker; None (with a problem) when the record is unusable."""
        line = line_of(record) or item.line
        if not isinstance(record, dict):
            self.problems.add(
                f"{item.file}:{line}" if line else item.file,
                "",
                _("verwacht een mapping (veld: waarde), niet %(value)s", value=shown(record)),
                line,
            )
            return None
        key = record.get("key")
        c = FieldChecker(self.problems, label % {"key": key if isinstance(key, str) else "?"}, record, item.file, line)
        c.unknown_fields(record, allowed)
        if not isinstance(key, str) or not KEY.match(key):
            c.fail(
                "key", _("ongeldige sleutel %(value)s: alleen kleine letters, cijfers en streepjes", value=shown(key))
            )
            if isinstance(key, (str, int)):
                self.broken.add((kind, str(key)))
            return None
        here = f"{item.file}:{c.line_for('key')}"
        if (kind, key) in self.first:
            c.fail(
                "key",
                _(
                    "sleutel %(key)s komt twee keer voor; de eerste keer in %(first)s",
                    key=shown(key),
                    first=self.first[(kind, key)],
                ),
            )
            return None
        self.first[(kind, key)] = here
        return key, c

    def organisation(self, item: Item) -> None:
        started = self._start(item, item.data, "organisation", _("organisatie %(key)s"), ORGANISATION_FIELDS)
        if started is None:
            # Its locations cannot be loaded either; references to them are this file's problem.
            locations = item.data.get("locations") if isinstance(item.data, dict) else None
            for loc in locations if isinstance(locations, list) else []:
                if isinstance(loc, dict) and isinstance(loc.get("key"), (str, int)):
                    self.broken.add(("location", str(loc["key"])))
            return
        key, c = started
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
                c.fail(field_, _("verwacht 8 cijfers, niet %(value)s", value=shown(org[field_])))
        if org["website"] and not org["website"].startswith(("http://", "https://")):
            c.fail("website", _("moet beginnen met https://, niet %(value)s", value=shown(org["website"])))
        if org["email"] and "@" not in org["email"]:
            c.fail("email", _("geen e-mailadres: %(value)s", value=shown(org["email"])))
        self.orgs[key] = org
        locations = c.record.get("locations") or []
        if not isinstance(locations, list):
            c.fail("locations", _("verwacht een lijst met locaties, niet %(value)s", value=shown(locations)))
            return
        for loc in locations:
            self.location(Item(item.file, loc, line_of(loc) or c.line_for("locations")), key)

    def location(self, item: Item, organisation: str) -> None:
        started = self._start(item, item.data, "location", _("locatie %(key)s"), LOCATION_FIELDS)
        if started is None:
            return
        key, c = started
        rec = c.record
        loc = {
            "key": key,
            "organisation": organisation,
            "checker": c,
            "name": c.text("name", max_len=200),
            "street": c.text("street", required=True, max_len=200),
            "number": c.text("number", required=True, max_len=20),
            "city": c.text("city", required=True, max_len=100),
            "postcode": self._postcode(c),
            "buurt": c.text("buurt"),
            "placement": None,
        }
        if loc["buurt"] and loc["buurt"] not in self.area_codes:
            c.fail(
                "buurt",
                did_you_mean(
                    _("onbekende buurtcode %(value)s", value=shown(loc["buurt"])),
                    loc["buurt"],
                    [a for a in self.area_codes if a.startswith("BU")],
                ),
            )
        has_lon, has_lat = rec.get("lon") is not None, rec.get("lat") is not None
        if has_lon or has_lat:
            loc["placement"] = self._coordinates(c, loc["postcode"])
        elif key in self.placements:
            loc["placement"] = self.placements[key]
        elif loc["postcode"]:
            loc["placement"] = self._centroid(c, loc["postcode"])
        else:
            c.fail("", _("geen plek: geef lon en lat, of een postcode (of een --placements-bestand met deze locatie)"))
        self.locations[key] = loc

    def _postcode(self, c: FieldChecker) -> str | None:
        """'2803PV', '2803 pv' -> '2803 PV'; '2803' stays."""
        text = c.text("postcode")
        if text is None:
            return None
        m = POSTCODE.match(text)
        if not m:
            c.fail("postcode", _("geen postcode (1234 AB of 1234): %(value)s", value=shown(text)))
            return None
        return f"{m.group(1)} {m.group(2).upper()}" if m.group(2) else m.group(1)

    def _coordinates(self, c: FieldChecker, postcode: str | None) -> Placement | None:
        lon, lat = c.record.get("lon"), c.record.get("lat")
        numbers = []
        for name, value in (("lon", lon), ("lat", lat)):
            if value is None:
                c.fail(name, _("lon en lat horen bij elkaar: %(field)s ontbreekt", field=name))
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                c.fail(name, _("verwacht een getal (graden), niet %(value)s", value=shown(value)))
            else:
                numbers.append(float(value))
        if len(numbers) != 2:
            return None
        lon, lat = numbers
        if not (NL_BOUNDS[0] <= lon <= NL_BOUNDS[2] and NL_BOUNDS[1] <= lat <= NL_BOUNDS[3]):
            swapped = NL_BOUNDS[0] <= lat <= NL_BOUNDS[2] and NL_BOUNDS[1] <= lon <= NL_BOUNDS[3]
            c.fail(
                "lon",
                _("lon %(lon)s, lat %(lat)s ligt niet in Nederland; zijn lon en lat verwisseld?", lon=lon, lat=lat)
                if swapped
                else _("lon %(lon)s, lat %(lat)s ligt niet in Nederland", lon=lon, lat=lat),
            )
            return None
        return Placement(lon, lat, postcode)

    def _centroid(self, c: FieldChecker, postcode: str) -> Placement | None:
        hit = postcode_centroids().get(postcode[:4])
        if hit is None:
            c.fail(
                "postcode",
                _(
                    "postcode %(value)s staat niet in de postcodelijst "
                    "(data/postcodes/pc4_centroids.csv); geef lon en lat",
                    value=shown(postcode),
                ),
            )
            return None
        return Placement(hit[0], hit[1], postcode, approximate=True)

    def service(self, item: Item) -> None:
        started = self._start(item, item.data, "service", _("dienst %(key)s"), SERVICE_FIELDS)
        if started is None:
            return
        key, c = started
        rec, rules = c.record, self.rules
        org = rec.get("organisation")
        if not isinstance(org, str) and org is not None:
            c.fail("organisation", _("verwacht een organisatiesleutel, niet %(value)s", value=shown(org)))
        elif org not in self.orgs and org not in self.db_orgs and ("organisation", str(org)) not in self.broken:
            if org is None:
                c.fail("organisation", _("is verplicht"))
            else:
                c.fail(
                    "organisation",
                    did_you_mean(
                        _("onbekende organisatie %(value)s", value=shown(org)), org, [*self.orgs, *self.db_orgs]
                    ),
                )

        audience = c.mapping("audience")
        ac = c.nested(audience)
        c.unknown_fields(audience, AUDIENCE_FIELDS, "audience")
        min_age = c.integer(audience, "min_age", "audience.min_age", 0, 120)
        max_age = c.integer(audience, "max_age", "audience.max_age", 0, 120)
        if min_age is not None and max_age is not None and min_age > max_age:
            c.fail("audience", _("min_age %(min)d is hoger dan max_age %(max)d", min=min_age, max=max_age))

        cost = c.mapping("cost")
        c.unknown_fields(cost, COST_FIELDS, "cost")
        cost_type = cost.get("type")
        if cost_type is None and not rules.cost_required:
            cost_type = ""
        elif not isinstance(cost_type, str) or cost_type not in voc.COST:
            message = (
                _("is verplicht")
                if cost_type is None
                else did_you_mean(_("onbekende code %(value)s", value=shown(cost_type)), cost_type, voc.COST)
            )
            c.fail_in(cost, "type", "cost.type", message + " " + _("(een van: %(codes)s)", codes=", ".join(voc.COST)))
        status = rec.get("status", "active")
        if not isinstance(status, str) or status not in voc.STATUS:
            c.fail("status", did_you_mean(_("onbekende status %(value)s", value=shown(status)), status, voc.STATUS))

        waiting, verified = c.mapping("waiting"), c.mapping("verified")
        c.unknown_fields(waiting, WAITING_FIELDS, "waiting")
        c.unknown_fields(verified, VERIFIED_FIELDS, "verified")

        loc_keys = rec.get("locations") or []
        if not isinstance(loc_keys, list) or not all(isinstance(lk, str) for lk in loc_keys):
            c.fail("locations", _("verwacht een lijst met locatiesleutels, niet %(value)s", value=shown(loc_keys)))
            loc_keys = []
        known_locations = [lk for lk in loc_keys if lk in self.locations or lk in self.db_locations]
        for lk in loc_keys:
            if lk not in self.locations and lk not in self.db_locations and ("location", str(lk)) not in self.broken:
                c.fail(
                    "locations",
                    did_you_mean(
                        _("onbekende locatie %(value)s", value=shown(lk)), lk, [*self.locations, *self.db_locations]
                    ),
                )

        required = rules.required_codes
        svc = {
            "key": key,
            "organisation": org,
            "texts": {f: {} for f in TRANSLATABLE_SERVICE_FIELDS},
            "kinds": c.codes("kinds", self.kinds, required="kinds" in required),
            "domains": c.codes("domains", voc.DOMAINS, required="domains" in required),
            "access": c.codes("access", voc.ACCESS, required="access" in required),
            "formats": c.codes("formats", voc.FORMATS, required="formats" in required),
            "languages": c.codes("languages", voc.LANGUAGES, required="languages" in required),
            "accessibility": c.codes("accessibility", voc.ACCESSIBILITY),
            "groups": ac.codes("groups", voc.TARGET_GROUPS),
            "needs": c.codes("needs", self.needs, required="needs" in required),
            "serves": self._serves(c),
            "locations": list(dict.fromkeys(known_locations)),
            "min_age": min_age,
            "max_age": max_age,
            "cost_type": cost_type,
            "status": status,
            "waiting_weeks": c.integer(waiting, "weeks", "waiting.weeks", 0, 520),
            "waiting_updated": c.day(waiting, "updated", "waiting.updated", required=bool(waiting)),
            "verified_at": c.day(verified, "at", "verified.at", required=False),
            "verified_by": c.nested(verified).text("by", max_len=200),
            "review_interval_days": c.integer(verified, "interval_days", "verified.interval_days", 1, 3650) or 180,
            "contacts": _check_contacts(c, rec.get("contacts")),
        }
        svc["texts"]["name"] = c.translated("name", required=True, max_len=200)
        svc["texts"]["summary"] = c.translated("summary", required=True)
        svc["texts"]["description"] = c.translated("description")
        svc["texts"]["conditions"] = ac.translated("conditions")
        svc["texts"]["cost_note"] = c.nested(cost).translated("note")
        svc["texts"]["status_note"] = c.translated("status_note")
        svc.update(_check_schedule(c, rec.get("schedule")))
        self.services[key] = svc

    def _serves(self, c: FieldChecker) -> list[str]:
        """The area codes served. A municipality that can be loaded but is not yet
        is one problem for the whole load (with the command), not one per service."""
        value = c.record.get("serves")
        if value is None or value == []:
            c.fail("serves", _("minstens één code is verplicht"))
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            c.fail("serves", _("verwacht een lijst met codes, niet %(value)s", value=shown(value)))
            return []
        loadable = None
        for code in value:
            if code in self.area_codes:
                continue
            if loadable is None:
                loadable = municipality_names()
            if code in loadable:
                seen = self.missing_areas.setdefault(code, [c.where_at(c.line_for("serves")), c.line_for("serves"), 0])
                seen[2] += 1
            else:
                c.fail(
                    "serves",
                    did_you_mean(_("onbekende gebiedscode %(value)s", value=shown(code)), code, self.area_codes),
                )
        return [v for v in value if v in self.area_codes]

    # after all records --------------------------------------------------

    def place_locations(self) -> None:
        """An exact point gets the buurt containing it (asked of the database) and must
        lie in the buurt the file claims; an approximate one keeps the claimed buurt."""
        areas = None
        for loc in self.locations.values():
            placement, claimed, c = loc["placement"], loc["buurt"], loc.pop("checker")
            loc["neighbourhood_id"] = None
            if placement is None:
                continue
            if placement.approximate:
                if claimed and claimed in self.area_codes:
                    if areas is None:
                        areas = dict(self.session.execute(select(AreaUnit.code, AreaUnit.id)).all())
                    loc["neighbourhood_id"] = areas[claimed]
                continue
            ref = queries.neighbourhood_ref_at(self.session, placement.lon, placement.lat)
            loc["neighbourhood_id"] = ref[0] if ref else None
            if claimed and claimed in self.area_codes and (ref is None or ref[1] != claimed):
                c.fail(
                    "buurt",
                    _(
                        "het punt (lon %(lon)s, lat %(lat)s) ligt in %(found)s, niet in %(claimed)s",
                        lon=placement.lon,
                        lat=placement.lat,
                        claimed=claimed,
                        found=ref[1] if ref else _("geen bekende buurt"),
                    ),
                )

    def report_missing_areas(self) -> None:
        for code, (where, line, count) in sorted(self.missing_areas.items()):
            self.problems.add(
                where,
                "serves",
                ngettext(
                    "gebied %(code)s is nog niet geladen (%(num)d dienst werkt er). Laad de gemeente eerst: "
                    "%(command)s",
                    "gebied %(code)s is nog niet geladen (%(num)d diensten werken er). Laad de gemeente eerst: "
                    "%(command)s",
                    count,
                    code=code,
                    command=f"flask --app socialmap areas import-municipalities --codes {code}",
                ),
                line,
            )


def _check_contacts(c, contacts) -> list[dict]:
    """A service's contacts, checked (``c``: the service's FieldChecker)."""
    if contacts is None:
        return []
    if not isinstance(contacts, list):
        c.fail("contacts", _("verwacht een lijst, niet %(value)s", value=shown(contacts)))
        return []
    checked = []
    for i, contact in enumerate(contacts):
        label = f"contacts[{i}]"
        if not isinstance(contact, dict):
            c.fail(label, _("verwacht een mapping (veld: waarde), niet %(value)s", value=shown(contact)))
            continue
        cc = c.nested(contact)
        c.unknown_fields(contact, CONTACT_FIELDS, label)
        audience = contact.get("audience", "public")
        if not isinstance(audience, str) or audience not in voc.CONTACT_AUDIENCE:
            c.fail_in(
                contact,
                "audience",
                f"{label}.audience",
                did_you_mean(
                    _("onbekende doelgroep %(value)s (public of professional)", value=shown(audience)),
                    audience,
                    voc.CONTACT_AUDIENCE,
                ),
            )
        entry = {
            "label": cc.translated("label", required=True, max_len=200),
            "hours": cc.translated("hours", max_len=200),
            "phone": cc.text("phone", max_len=50),
            "email": cc.text("email", max_len=200),
            "url": cc.text("url", max_len=300),
            "audience": audience,
        }
        if not (entry["phone"] or entry["email"] or entry["url"]):
            c.fail_in(contact, None, label, _("een telefoonnummer, e-mailadres of url is nodig"))
        checked.append(entry)
    return checked


def _check_schedule(c, schedule) -> dict:
    """A service's schedule: weekly hours, meetings, exceptions (``c``: the service's FieldChecker)."""
    out = {"rules": [], "exceptions": [], "open_24_7": False, "closed_on_public_holidays": True}
    if schedule is None:
        return out
    if not isinstance(schedule, dict):
        c.fail("schedule", _("verwacht een mapping (veld: waarde), niet %(value)s", value=shown(schedule)))
        return out
    c.unknown_fields(schedule, SCHEDULE_FIELDS, "schedule")
    out["open_24_7"] = bool(schedule.get("open_24_7", False))
    out["closed_on_public_holidays"] = bool(schedule.get("closed_on_public_holidays", True))

    def span(entry, label):
        opens, closes = c.clock(entry, "opens", f"{label}.opens"), c.clock(entry, "closes", f"{label}.closes")
        if opens and closes and closes <= opens:
            c.fail_in(
                entry,
                "closes",
                label,
                _("sluit (%(closes)s) voor het opengaat (%(opens)s)", closes=f"{closes:%H:%M}", opens=f"{opens:%H:%M}"),
            )
        return opens, closes

    for i, entry in enumerate(schedule.get("weekly") or []):
        label = f"schedule.weekly[{i}]"
        days = entry.get("days") if isinstance(entry, dict) else None
        if isinstance(entry, dict):
            c.unknown_fields(entry, WEEKLY_FIELDS, label)
        if not isinstance(days, list) or not days or any(d not in voc.WEEKDAYS for d in days):
            wrong = [d for d in days if d not in voc.WEEKDAYS] if isinstance(days, list) else days
            c.fail_in(
                entry if isinstance(entry, dict) else schedule,
                "days",
                f"{label}.days",
                _("verwacht een lijst van %(codes)s, niet %(value)s", codes=" ".join(voc.WEEKDAYS), value=shown(wrong)),
            )
            continue
        opens, closes = span(entry, label)
        for d in days:
            out["rules"].append(
                {
                    "kind": "hours",
                    "freq": "weekly",
                    "interval": 1,
                    "weekday": voc.WEEKDAYS.index(d),
                    "nth": None,
                    "dtstart": None,
                    "opens_at": opens,
                    "closes_at": closes,
                }
            )
    for i, entry in enumerate(schedule.get("meetings") or []):
        label = f"schedule.meetings[{i}]"
        if isinstance(entry, dict):
            c.unknown_fields(entry, MEETING_FIELDS, label)
        if not isinstance(entry, dict) or entry.get("day") not in voc.WEEKDAYS:
            day = entry.get("day") if isinstance(entry, dict) else entry
            c.fail_in(
                entry if isinstance(entry, dict) else schedule,
                "day",
                f"{label}.day",
                did_you_mean(
                    _("verwacht een van %(codes)s, niet %(value)s", codes=" ".join(voc.WEEKDAYS), value=shown(day)),
                    day,
                    voc.WEEKDAYS,
                ),
            )
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
                c.fail_in(
                    entry,
                    "nth",
                    f"{label}.nth",
                    _("verwacht 1, 2, 3, 4 of -1 (de laatste), niet %(value)s", value=shown(nth)),
                )
            rule.update(freq="monthly", interval=1, nth=nth)
        else:
            c.fail_in(
                entry,
                "every",
                f"{label}.every",
                did_you_mean(
                    _("verwacht 'week', '2 weeks' of 'month', niet %(value)s", value=shown(every)),
                    every,
                    ("week", "2 weeks", "month"),
                ),
            )
            continue
        rule["opens_at"], rule["closes_at"] = span(entry, label)
        out["rules"].append(rule)
    for i, entry in enumerate(schedule.get("exceptions") or []):
        label = f"schedule.exceptions[{i}]"
        if not isinstance(entry, dict):
            c.fail(label, _("verwacht een mapping (veld: waarde), niet %(value)s", value=shown(entry)))
            continue
        c.unknown_fields(entry, EXCEPTION_FIELDS, label)
        if "date" in entry:
            start = end = c.day(entry, "date", f"{label}.date")
        else:
            start, end = c.day(entry, "from", f"{label}.from"), c.day(entry, "until", f"{label}.until")
        if start and end and end < start:
            c.fail_in(
                entry,
                "until",
                label,
                _("'until' (%(until)s) ligt voor 'from' (%(start)s)", until=end.isoformat(), start=start.isoformat()),
            )
        closed = entry.get("closed", "opens" not in entry)
        opens = closes = None
        if not closed:
            opens, closes = span(entry, label)
        out["exceptions"].append(
            {
                "start": start,
                "end": end,
                "closed": bool(closed),
                "opens_at": opens,
                "closes_at": closes,
                "note": c.nested(entry).translated("note", max_len=300),
            }
        )
    return out


# -- planning and writing ---------------------------------------------------


def make_plan(session: Session, checked: Checked, scope: RetireScope | None) -> Plan:
    """Which services are new, which exist, and which the scope would retire."""
    existing = set(session.scalars(select(Service.key)))
    new = tuple(k for k in checked.services if k not in existing)
    kept = tuple(k for k in checked.services if k in existing)
    return Plan(new, kept, tuple(_to_retire(session, checked, scope)) if scope else (), scope)


def _to_retire(session: Session, checked: Checked, scope: RetireScope) -> list[Retiree]:
    rows = session.execute(
        select(Service.id, Service.key, Service.name, Service.is_demo, Organisation.key, Organisation.name)
        .join(Organisation)
        .where(Service.status != "ended")
        .order_by(Service.key)
    ).all()
    inside: set[int] | None = None
    if scope.kind == "area":
        inside = _serving_only_inside(session, scope.area_code)
    found = []
    for sid, key, name, is_demo, org_key, org_name in rows:
        if key in checked.services:
            continue
        if (
            scope.kind == "organisations"
            and org_key in checked.organisations
            or scope.kind == "demo"
            and is_demo
            or scope.kind == "area"
            and sid in inside
        ):
            found.append(Retiree(key, name, org_name))
    return found


def _serving_only_inside(session: Session, area_code: str) -> set[int]:
    """Ids of services that serve at least one area, all of them inside ``area_code``."""
    parent = dict(session.execute(select(AreaUnit.id, AreaUnit.parent_id)).all())
    code = dict(session.execute(select(AreaUnit.id, AreaUnit.code)).all())

    def inside(area_id: int | None) -> bool:
        while area_id is not None:
            if code[area_id] == area_code:
                return True
            area_id = parent[area_id]
        return False

    served: dict[int, list[int]] = {}
    for sid, area_id in session.execute(select(service_area.c.service_id, service_area.c.area_id)):
        served.setdefault(sid, []).append(area_id)
    return {sid for sid, areas in served.items() if all(inside(a) for a in areas)}


def scope_problem(session: Session, scope: RetireScope) -> str | None:
    """Why ``scope`` cannot be used (an unknown area), or None."""
    if scope.kind != "area":
        return None
    if session.scalar(select(func.count()).select_from(AreaUnit).where(AreaUnit.code == scope.area_code)):
        return None
    return did_you_mean(
        _(
            "onbekend gebied %(value)s voor --scope (gebruik organisations, demo of een gebiedscode)",
            value=shown(scope.area_code),
        ),
        scope.area_code,
        ["organisations", "demo", *session.scalars(select(AreaUnit.code))],
    )


def retire_services(session: Session, retirees) -> None:
    """Status ``ended`` for each, through the ORM (so the search index follows); nothing deleted."""
    keys = [r.key for r in retirees]
    for i in range(0, len(keys), 500):
        for svc in session.scalars(select(Service).where(Service.key.in_(keys[i : i + 500]))):
            svc.status = "ended"
    session.flush()


def write(session: Session, checked: Checked, demo: bool) -> None:
    """Organisations, locations, services, by key (updating what exists)."""
    orgs_in_files = checked.organisations
    existing_orgs = {o.key: o for o in session.scalars(select(Organisation))}
    existing_locs = {loc.key: loc for loc in session.scalars(select(Location))}
    existing_svcs = {s.key: s for s in session.scalars(select(Service))}
    areas = {a.code: a for a in session.scalars(select(AreaUnit))}
    area_by_id = {a.id: a for a in areas.values()}

    for key, data in orgs_in_files.items():
        org = existing_orgs.get(key) or Organisation(key=key)
        dutch, other = split_translations({"description": data["description"]})
        org.name, org.description, org.translations = data["name"], dutch["description"], other
        org.website, org.email, org.phone = data["website"], data["email"], data["phone"]
        org.kvk_number, org.agb_code, org.is_demo = data["kvk"], data["agb"], demo
        session.add(org)
        existing_orgs[key] = org
    for key, data in checked.locations.items():
        loc = existing_locs.get(key) or Location(key=key)
        p = data["placement"]
        loc.organisation = existing_orgs[data["organisation"]]
        loc.name, loc.street, loc.house_number, loc.city = data["name"], data["street"], data["number"], data["city"]
        loc.postcode = data["postcode"] or p.postcode
        loc.approximate = p.approximate
        loc.geom = geo.to_db(geo.point(p.lon, p.lat))
        loc.neighbourhood = area_by_id.get(data["neighbourhood_id"])
        session.add(loc)
        existing_locs[key] = loc
    for key, data in checked.services.items():
        svc = existing_svcs.get(key) or Service(key=key)
        dutch, other = split_translations(data["texts"])
        for f, value in dutch.items():
            setattr(svc, f, value)
        svc.translations = other
        svc.organisation = existing_orgs[data["organisation"]]
        for attr in (
            "min_age",
            "max_age",
            "cost_type",
            "status",
            "waiting_weeks",
            "waiting_updated",
            "verified_at",
            "verified_by",
            "review_interval_days",
            "open_24_7",
            "closed_on_public_holidays",
        ):
            setattr(svc, attr, data[attr])
        svc.is_demo = demo
        for facet, field_ in (
            ("kind", "kinds"),
            ("domain", "domains"),
            ("access", "access"),
            ("format", "formats"),
            ("language", "languages"),
            ("accessibility", "accessibility"),
            ("group", "groups"),
        ):
            svc.set_codes(facet, data[field_])
        svc.needs = [checked.needs[n] for n in data["needs"]]
        svc.locations = [existing_locs[lk] for lk in data["locations"]]
        svc.areas_served = [areas[code] for code in data["serves"]]
        contacts = []
        for i, ct in enumerate(data["contacts"]):
            dutch_ct, other_ct = split_translations({"label": ct["label"], "hours": ct["hours"]})
            contacts.append(
                Contact(
                    label=dutch_ct["label"],
                    hours=dutch_ct["hours"],
                    translations=other_ct,
                    phone=ct["phone"],
                    email=ct["email"],
                    url=ct["url"],
                    audience=ct["audience"],
                    position=i,
                )
            )
        svc.set_contacts(contacts)
        exceptions = []
        for ex in data["exceptions"]:
            note_nl, note_other = split_translations({"note": ex["note"]})
            exceptions.append(
                ScheduleException(
                    start=ex["start"],
                    end=ex["end"],
                    closed=ex["closed"],
                    opens_at=ex["opens_at"],
                    closes_at=ex["closes_at"],
                    note=note_nl["note"],
                    translations=note_other,
                )
            )
        svc.set_schedule([ScheduleRule(position=i, **r) for i, r in enumerate(data["rules"])], exceptions)
        session.add(svc)
    session.flush()
