"""Settings from the environment, and the Dutch fallback of translatable content."""

from socialmap.catalogue.models import Service
from socialmap.config import from_environment
from socialmap.i18n import localized, pick


def test_environment_overrides_defaults_and_parses_json():
    settings = from_environment(
        {"SOCIALMAP_DATABASE_URL": "postgresql://x/y", "SOCIALMAP_LANGUAGES": '["nl", "en"]', "OTHER": "1"}
    )
    assert settings["DATABASE_URL"] == "postgresql://x/y"
    assert settings["LANGUAGES"] == ["nl", "en"]
    assert "OTHER" not in settings


def test_translation_used_when_present_else_dutch_marked_as_dutch():
    svc = Service(name="Rouwgroep", summary="Praten over verlies.", translations={"en": {"name": "Grief group"}})
    assert (localized(svc, "name", "en").text, localized(svc, "name", "en").lang) == ("Grief group", "en")
    summary = localized(svc, "summary", "en")
    assert (summary.text, summary.lang) == ("Praten over verlies.", "nl")
    assert localized(svc, "name", "nl").text == "Rouwgroep"


def test_pick_falls_back_to_dutch():
    assert pick({"nl": "Geld"}, "en").lang == "nl"
    assert pick({"nl": "Geld", "en": "Money"}, "en").text == "Money"
