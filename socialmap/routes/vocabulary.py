"""Controlled lists of referral routes: codes (part of the data format, never
rename one) with interface labels marked for translation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROUTE_STATUS = {
    "draft": _l("Concept"),
    "published": _l("Vastgesteld"),
    "retired": _l("Vervallen"),
}

# Levels a route's scope may have (the area unit it is agreed for).
SCOPE_LEVELS = {"region": _l("Regio"), "municipality": _l("Gemeente")}

TRANSITION_KINDS = {
    "referral": _l("Verwijzing"),
    "consultation": _l("Consultatie"),
    "warm_handover": _l("Warme overdracht"),
    "step_up": _l("Opschalen"),
    "step_down": _l("Afschalen"),
    "return": _l("Terug"),
}
# Transitions that lead back (to the GP, the social domain, a resource group):
# the only ones that may close a cycle.
RETURN_KINDS = frozenset({"return"})

URGENCY = {
    "routine": _l("Gewoon (binnen enkele weken)"),
    "soon": _l("Snel (binnen een week)"),
    "urgent": _l("Spoed (vandaag of morgen)"),
    "crisis": _l("Crisis (acuut gevaar)"),
}
URGENCY_ORDER = tuple(URGENCY)
DEFAULT_URGENCIES = ("routine", "soon", "urgent")  # "crisis" must be allowed explicitly

# Situations a GP can tick in the route finder.
FLAGS = {
    "professional_dilemma": _l("Hulpverleners staan zelf voor een dilemma"),
    "multiple_domains": _l("Problemen op meerdere levensgebieden"),
    "client_prefers_no_ggz": _l("Cliënt wil liever geen ggz"),
    "client_absent": _l("Bespreken zonder de cliënt erbij"),
    "gp_wants_advice": _l("Huisarts wil eerst advies (consultatie)"),
    "specialist_care_ending": _l("Specialistische ggz-behandeling loopt af"),
}

CLIENT_PRESENT = {
    "yes": _l("De cliënt is erbij"),
    "no": _l("Zonder de cliënt"),
    "optional": _l("De cliënt mag erbij zijn"),
}

# Who makes the appointment at the next step.
APPOINTMENT_BY = {
    "referrer": _l("De verwijzer maakt de afspraak"),
    "client": _l("De cliënt maakt zelf de afspraak"),
    "receiver": _l("De ontvangende dienst neemt contact op"),
}
# The same, said to the client on the route card.
APPOINTMENT_BY_CLIENT = {
    "referrer": _l("Uw huisartsenpraktijk meldt u aan."),
    "client": _l("U maakt zelf een afspraak."),
    "receiver": _l("Zij nemen zelf contact met u op."),
}
