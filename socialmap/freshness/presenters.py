"""How checks and stages are named for people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

HOW_LABELS = {
    "phone": _l("telefonisch nagevraagd"),
    "email": _l("per e-mail nagevraagd"),
    "visit": _l("bij een bezoek"),
    "provider_link": _l("bevestigd door de organisatie"),
    "import": _l("uit het bestand van de organisatie"),
    "review": _l("bij de beoordeling van een doorgegeven wijziging"),
    "edit": _l("bijgewerkt door de redactie"),
    "source": _l("volgens de bron"),
}
# The choices a coordinator has when recording a check.
CHECK_CHOICES = ("phone", "email", "visit")
SECTION_LABELS = {
    "all": _l("alles"),
    "hours": _l("openingstijden en bijeenkomsten"),
    "contacts": _l("contactgegevens"),
    "access": _l("kosten en hoe je erin komt"),
    "waiting": _l("wachttijd"),
    "location": _l("adres"),
}
# What a visitor can say is wrong on a service page: a service form field the
# reviewer can take over as it is, or a part the reviewer corrects in the form.
REPORT_FIELDS = {
    "hours": _l("Openingstijden"),
    "contacts": _l("Telefoonnummer of e-mail"),
    "address": _l("Adres"),
    "cost_note": _l("Kosten"),
    "waiting_weeks": _l("Wachttijd (in weken)"),
    "conditions": _l("Voor wie"),
    "other": _l("Iets anders"),
}
STAGE_LABELS = {
    "current": _l("actueel"),
    "due": _l("binnenkort controleren"),
    "overdue": _l("controle te laat"),
    "possibly_outdated": _l("mogelijk verouderd"),
    "demoted": _l("lang niet gecontroleerd (lager in de lijst)"),
}


def how_label(how: str) -> str:
    return str(HOW_LABELS.get(how, how))
