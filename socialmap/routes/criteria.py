"""Reading the route finder's criteria from a form, a query string or JSON.

Every parameter is checked; each problem names the parameter and says why, so
the form can show it at the field and the API can answer 400 with it. Only
these parameters are read, and nothing of them is logged or kept.

Parameters: ``needs`` (need codes, repeated or comma-separated), ``q`` (the
need in the person's own words), ``postcode`` / ``buurt`` / ``place`` (a
4-digit postcode, or a buurt by CBS code or name), ``age`` (0-120),
``urgency`` (routine, soon, urgent, crisis) and ``flags`` (codes, repeated or
comma-separated).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.catalogue.models import AreaUnit, NeedTerm
from socialmap.i18n import _
from socialmap.problems import Invalid, Problem
from socialmap.routes import vocabulary as voc
from socialmap.routes.finder import CRISIS_NEED, Criteria, Origin, origin_of_area
from socialmap.safety.crisis import detect
from socialmap.search import places
from socialmap.search.needs import matcher_for

MAX_TEXT = 200
INVALID = "<invalid>"
PARAMETERS = ("needs", "q", "postcode", "buurt", "place", "age", "urgency", "flags")


class CriteriaError(Invalid):
    """Invalid criteria: one problem per parameter (``errors`` maps each to its message)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__([Problem("", name, message) for name, message in errors.items()])


@dataclass(frozen=True)
class Parsed:
    criteria: Criteria
    origin: Origin
    place_label: str
    text: str
    # Words of ``text`` that speak of suicidal thoughts or an acute crisis
    # (safety.crisis.detect): the urgency is then crisis, whatever was chosen.
    crisis_words: tuple[str, ...] = ()
    urgency_chosen: str | None = None  # what was chosen, when crisis wording overrode it


def _values(source, name: str) -> list[str]:
    """All values of a parameter from a MultiDict or a JSON object, split on commas."""
    if hasattr(source, "getlist"):
        raw = source.getlist(name)
    else:
        value = source.get(name)
        raw = value if isinstance(value, list) else ([] if value is None else [value])
    found = []
    for item in raw:
        if not isinstance(item, (str, int)) or isinstance(item, bool):
            found.append(INVALID)  # a value of the wrong type: fails every check below
            continue
        found += [part.strip() for part in str(item).split(",") if part.strip()]
    return found


def _text(source, name: str) -> str:
    """A free-text parameter as typed (commas are part of what people write)."""
    value = source.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) else ""


def _single(source, name: str) -> str | None:
    values = _values(source, name)
    return values[0] if values else None


def parse(session: Session, source) -> Parsed:
    """Criteria and place from ``source``; raises CriteriaError naming every bad parameter."""
    errors: dict[str, str] = {}
    if not hasattr(source, "getlist") and not isinstance(source, dict):
        raise CriteriaError({"body": _("Verwacht een JSON-object met de criteria.")})

    known = set(session.scalars(select(NeedTerm.code)))
    chosen = _values(source, "needs")
    bad = [n for n in chosen if n not in known]
    if bad:
        errors["needs"] = _("Onbekende hulpvraag-code(s): %(codes)s.", codes=", ".join(str(b) for b in bad))

    text = _text(source, "q")
    if len(text) > MAX_TEXT:
        errors["q"] = _("Gebruik hoogstens %(n)d tekens.", n=MAX_TEXT)
        text = ""
    understood: list[tuple[str, tuple[str, ...]]] = []
    signal = detect(text) if text else None
    crisis_words = tuple(signal.words) if signal is not None and signal.is_crisis else ()
    if text:
        interpretation = matcher_for(session).interpret(text)
        understood = [(code, tuple(interpretation.needs[code].words)) for code in interpretation.need_codes]
        if crisis_words and CRISIS_NEED in known and CRISIS_NEED not in dict(understood):
            understood.insert(0, (CRISIS_NEED, (" ".join(crisis_words),)))  # one phrase
        if not understood and not chosen:
            errors["q"] = _("We herkennen hierin geen hulpvraag. Kies er een uit de lijst of gebruik andere woorden.")

    age = None
    age_text = _single(source, "age")
    if age_text not in (None, ""):
        try:
            age = int(age_text)
            if not 0 <= age <= 120:
                raise ValueError
        except ValueError:
            errors["age"] = _("Vul een leeftijd in jaren in, van 0 tot 120.")
            age = None

    urgency = _single(source, "urgency") or None
    if urgency is not None and urgency not in voc.URGENCY:
        errors["urgency"] = _("Kies een van: %(codes)s.", codes=", ".join(voc.URGENCY))
        urgency = None

    flags = _values(source, "flags")
    bad_flags = [f for f in flags if f not in voc.FLAGS]
    if bad_flags:
        errors["flags"] = _("Onbekende situatie(s): %(codes)s.", codes=", ".join(str(f) for f in bad_flags))

    origin, label = None, ""
    for name in ("buurt", "postcode", "place"):
        value = _single(source, name)
        if value:
            origin, label, problem = resolve_place(session, value)
            if problem:
                errors[name] = problem
            break
    else:
        errors["place"] = _("Vul een postcode of buurt in: de route hangt af van waar iemand woont.")

    # Safety first: crisis wording always means the crisis route (Criteria.effective_urgency),
    # and the page says which urgency was set aside.
    urgency_chosen = urgency if crisis_words and urgency != "crisis" else None
    needs = tuple(dict.fromkeys([n for n in chosen if n in known] + [code for code, _words in understood]))
    situations = {"professional_dilemma", "specialist_care_ending"} & set(flags)
    if not needs and urgency != "crisis" and not situations and not ({"q", "needs"} & set(errors)):
        errors["needs"] = _("Kies minstens één hulpvraag, of beschrijf die in eigen woorden.")
    if errors:
        raise CriteriaError(errors)
    criteria = Criteria(
        needs=needs,
        understood=tuple(understood),
        age=age,
        urgency=urgency,
        flags=frozenset(f for f in flags if f in voc.FLAGS),
        crisis_words=crisis_words,
    )
    return Parsed(criteria, origin, label, text, crisis_words, urgency_chosen)


def resolve_place(session: Session, text: str) -> tuple[Origin | None, str, str | None]:
    """(origin, label, problem): a postcode's centre, or a buurt's. In a
    municipality loaded without buurten the municipality stands in for the buurt."""
    if len(text) > 100:
        return None, "", _("Dat is te lang voor een postcode of buurtnaam.")
    place = places.resolve(session, text)
    if place is None:
        return None, "", _("Onbekende postcode of buurt: %(text)s.", text=text)
    code = place.neighbourhood_code or _without_buurten(
        session, place.municipality_code if place.kind == "postcode" else place.area_code
    )
    if code is None:
        if place.kind == "postcode":
            return None, "", _("Postcode %(text)s ligt buiten de regio van deze kaart.", text=text)
        return None, "", _("%(text)s is geen buurt. Vul een postcode of een buurtnaam in.", text=text)
    area = session.scalar(select(AreaUnit).where(AreaUnit.code == code))
    if place.kind == "postcode":
        return Origin(area, place.lon, place.lat, places.POSTCODE.match(text).group(1)), place.label, None
    return origin_of_area(area), area.name, None


def origin_from(session: Session, values) -> Origin | None:
    """The place a route page or its API was asked for (``buurt`` or
    ``postcode``), or None; CriteriaError naming the parameter when unknown."""
    for name in ("buurt", "postcode"):
        value = values.get(name)
        value = value.strip() if isinstance(value, str) else ""
        if value:
            origin, _label, problem = resolve_place(session, value)
            if problem:
                raise CriteriaError({name: problem})
            return origin
    return None


def _without_buurten(session: Session, code: str | None) -> str | None:
    """``code`` when it is a municipality loaded without buurten, else None."""
    if not code or not code.startswith("GM"):
        return None
    has_buurten = session.scalar(
        select(AreaUnit.id).where(AreaUnit.level == "neighbourhood", AreaUnit.code.startswith("BU" + code[2:])).limit(1)
    )
    return None if has_buurten is not None else code
