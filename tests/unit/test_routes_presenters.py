"""Route wording: proper plural forms ("1 dag", "2 dagen"), never "1 dagen". A
service's waiting time and a route's ages are worded by catalogue.presenters
(plural forms there too); the finder page test checks "Ongeveer 1 week wachten"."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from socialmap.routes import presenters

PO = Path(__file__).resolve().parents[2] / "socialmap" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


@pytest.fixture
def dutch(app):
    with app.test_request_context("/?lang=nl"):
        yield


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def english_merged(msgid: str) -> bool:
    with PO.open("rb") as fh:
        return any(
            m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) == msgid and all(m.string) for m in read_po(fh)
        )


@pytest.mark.parametrize(
    "call, one, two",
    [
        (lambda n: presenters.wait_days_text(n), "ongeveer 1 dag", "ongeveer 2 dagen"),
        (lambda n: presenters.age_text(n), "1 jaar", "2 jaar"),
    ],
)
def test_dutch_plural_forms(dutch, call, one, two):
    assert (call(1), call(2)) == (one, two)


def test_agreed_waiting_in_days_up_to_two_weeks_then_in_weeks(dutch):
    assert [presenters.wait_days_text(d) for d in (7, 13, 14, 21)] == [
        "ongeveer 7 dagen",
        "ongeveer 13 dagen",
        "ongeveer 2 weken",
        "ongeveer 3 weken",
    ]


def test_nothing_to_count(dutch):
    assert presenters.wait_days_text(0) == "geen wachttijd" and presenters.wait_days_text(None) == ""


@pytest.mark.parametrize(
    "call, msgid, one, two",
    [
        (lambda n: presenters.wait_days_text(n), "ongeveer %(num)d dag", "about 1 day", "about 2 days"),
        (lambda n: presenters.age_text(n), "%(num)d jaar", "1 year old", "2 years old"),
    ],
)
def test_english_plural_forms(english, call, msgid, one, two):
    """Runs once the English of the new strings is merged (see the commit message)."""
    if not english_merged(msgid):
        pytest.skip(f"the English of {msgid!r} is not merged into messages.po yet")
    assert (call(1), call(2)) == (one, two)
