"""Controlled lists of the catalogue: codes, stored as strings, with labels.

The codes are part of the data format (data/demo/catalogue/*.yaml, imports,
the API); never rename one. Labels are interface strings, marked for
translation.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DOMAINS = {
    "care": _l("Zorg"),
    "social": _l("Sociaal domein"),
    "housing": _l("Wonen"),
    "education": _l("Onderwijs en taal"),
    "work_income": _l("Werk en inkomen"),
    "debt_money": _l("Geld en schulden"),
    "safety_justice": _l("Veiligheid en recht"),
    "peer_informal": _l("Lotgenoten en informele steun"),
}

ACCESS = {
    "walk_in": _l("Binnenlopen zonder afspraak"),
    "self_referral": _l("Zelf aanmelden"),
    "gp_referral": _l("Verwijzing van de huisarts nodig"),
    "neighbourhood_team": _l("Via het buurtteam"),
    "wmo_decision": _l("Besluit van de gemeente (Wmo) nodig"),
    "professional_referral": _l("Via een hulpverlener"),
}
# Access routes a person can take on their own, without anyone referring them.
OPEN_ACCESS = frozenset({"walk_in", "self_referral"})

COST = {
    "free": _l("Gratis"),
    "basic_insurance": _l("Vergoed uit de basisverzekering"),
    "municipality": _l("Betaald door de gemeente"),
    "own_contribution": _l("Eigen bijdrage"),
}

FORMATS = {
    "individual": _l("Individueel"),
    "group": _l("In een groep"),
    "online": _l("Online"),
    "phone": _l("Telefonisch"),
    "walk_in": _l("Inloop"),
}

ACCESSIBILITY = {
    "wheelchair": _l("Toegankelijk met rolstoel"),
    "accessible_toilet": _l("Aangepast toilet"),
    "lift": _l("Lift"),
    "hearing_loop": _l("Ringleiding"),
    "sign_language": _l("Gebarentaal"),
    "easy_read": _l("Informatie in eenvoudige taal"),
    "quiet_room": _l("Stille ruimte"),
    "parking": _l("Parkeerplaats"),
    "guide_dogs": _l("Hulphonden welkom"),
}

TARGET_GROUPS = {
    "adults": _l("Volwassenen"),
    "youth": _l("Jongeren"),
    "children": _l("Kinderen"),
    "parents": _l("Ouders"),
    "elderly": _l("Ouderen"),
    "informal_carers": _l("Mantelzorgers"),
    "migrants": _l("Migranten"),
    "refugees": _l("Vluchtelingen"),
    "lgbtiq": _l("LHBTIQ+"),
    "women": _l("Vrouwen"),
    "men": _l("Mannen"),
    "students": _l("Studenten"),
    "families": _l("Gezinnen"),
    "professionals": _l("Professionals"),
}

STATUS = {
    "active": _l("Actief"),
    "temporarily_closed": _l("Tijdelijk gesloten"),
    "ended": _l("Gestopt"),
}

CONTACT_AUDIENCE = ("public", "professional")

# "borough" (stadsdeel, gebied) is optional: a municipality's wijken may hang
# directly under it (interop.areas.import_boroughs).
AREA_LEVELS = ("country", "region", "municipality", "borough", "district", "neighbourhood")
AREA_LEVEL_LABELS = {
    "country": _l("Land"),
    "region": _l("Regio"),
    "municipality": _l("Gemeente"),
    "borough": _l("Stadsdeel"),
    "district": _l("Wijk"),
    "neighbourhood": _l("Buurt"),
}

WEEKDAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
WEEKDAY_LABELS = (
    _l("maandag"),
    _l("dinsdag"),
    _l("woensdag"),
    _l("donderdag"),
    _l("vrijdag"),
    _l("zaterdag"),
    _l("zondag"),
)

# ISO 639-1 codes the catalogue may list as "languages spoken", with their names.
LANGUAGES = {
    "nl": _l("Nederlands"),
    "en": _l("Engels"),
    "tr": _l("Turks"),
    "ar": _l("Arabisch"),
    "ber": _l("Berbers"),
    "pl": _l("Pools"),
    "es": _l("Spaans"),
    "pt": _l("Portugees"),
    "fr": _l("Frans"),
    "de": _l("Duits"),
    "so": _l("Somalisch"),
    "ti": _l("Tigrinya"),
    "fa": _l("Perzisch"),
    "zh": _l("Chinees"),
    "bg": _l("Bulgaars"),
    "ro": _l("Roemeens"),
    "uk": _l("Oekraïens"),
    "ru": _l("Russisch"),
    "ur": _l("Urdu"),
    "hi": _l("Hindi"),
    "tw": _l("Twi"),
    "ak": _l("Akan"),
    "srn": _l("Sranantongo"),
    "pap": _l("Papiamento"),
    "am": _l("Amhaars"),
    "ku": _l("Koerdisch"),
    "sgn": _l("Nederlandse Gebarentaal"),
    "it": _l("Italiaans"),
    "hu": _l("Hongaars"),
    "el": _l("Grieks"),
    "ps": _l("Pasjtoe"),
    "he": _l("Hebreeuws"),
    "sw": _l("Swahili"),
    "prs": _l("Dari"),
    "yue": _l("Kantonees"),
    "vi": _l("Vietnamees"),
    "bn": _l("Bengaals"),
    "id": _l("Indonesisch"),
}
