"""The relevance table: realistic queries on the demo region and the services a
person should find in the top 5. Lay words, compounds, typos, English, with and
without a place. Each row: (words, where, services of which at least one -- or,
with ``all_of``, every one -- must be in the top 5, services that must NOT be first).
"""

import pytest

from socialmap.search import places
from socialmap.search.engine import SearchRequest, search
from socialmap.search.indexer import current_index

GRIEF = {
    "s-rk-rouwgroep-oost",
    "s-rk-rouwgroep-turks",
    "s-mn-rouwgroep-arabisch",
    "s-rk-jongvolwassenen",
    "s-rk-rouwcafe-noord",
    "s-rk-rouwgroep-weesp",
    "s-rk-ouders-kind-verloren",
    "c-zelfhulpwijzer-rouw",
}
DEBT = {"s-sd-schuldhulp"}
MONEY = {"s-sd-schuldhulp", "s-gv-geldlijn", "s-gv-geldmaatjes", "s-sd-jongeren-geldpunt"}
FIN_CAFE = {
    "s-gv-fincafe-centrum",
    "s-gv-fincafe-west",
    "s-gv-fincafe-nieuw-west",
    "s-gv-fincafe-noord",
    "s-gv-fincafe-oost",
    "s-gv-fincafe-zuidoost",
    "s-wz-fincafe-pijp",
    "s-ws-fincafe-weesp",
}
HOMELESS = {"c-loket-dak-intake", "c-onderdak-nachtopvang", "c-onderdak-dagcentrum", "c-loket-dak-jongeren"}
DV = {"c-thuis-veilig-advieslijn", "c-zonnehuis-ambulant", "c-zonnehuis-opvang"}
CARERS = {"s-mz-consulent", "s-mz-respijt", "s-mz-mantelzorgcafe", "s-mz-jonge-mantelzorgers"}
DUTCH = {"s-ob-taalhuis", "s-lp-nederlands-nt2", "s-tm-taalcafe-oost", "s-tm-taalcafe-nieuw-west", "s-tm-taalmaatje"}
RECOVERY = {"s-ha-wrap", "s-ha-herstellen-doe-je-zelf", "s-ha-herstelcafe"}
SUICIDE = {"c-nachtlicht-praatlijn"}
ADDICTION = {
    "c-debrug-inloop-centrum",
    "c-debrug-behandeling-alcohol-drugs",
    "c-debrug-inloop-zuidoost",
    "c-debrug-naasten",
    "s-zh-verslaving-herstel",
}
LONELY = {
    "s-mw-vriendendienst",
    "s-mw-maatje-ouderen",
    "s-ow-makassar-inloop",
    "s-ww-staatslieden-inloop",
    "s-bb-huiskamer-haarlemmerdijk",
    "s-wn-werengouw-inloop",
    "s-wn-kadoelen-buurtpost",
    "s-bs-hoptille-buurtkamer",
    "s-hz-ouderen",
}

TABLE = [
    # lay Dutch words
    ("schulden", None, DEBT),
    ("in de schulden", "1103", DEBT),
    ("geldzorgen", None, MONEY | FIN_CAFE),
    ("ik heb geldzorgen", "1103", MONEY | {"s-gv-fincafe-zuidoost"}),
    ("eenzaam", "1024", LONELY),
    ("somber", None, {"s-zh-somberheid", "s-zh-online-somber"}),
    ("burn-out", None, {"s-zh-burnout"}),
    ("overspannen", None, {"s-zh-burnout", "c-de-kade-basis-ggz"}),
    ("angst", None, {"s-zh-angst"}),
    ("dakloos", None, HOMELESS),
    ("huiselijk geweld", None, DV),
    ("verslaving", None, ADDICTION),
    ("gokken", None, {"c-debrug-gokken-gamen"}),
    ("mantelzorg", None, CARERS),
    ("werk zoeken", None, {"s-wk-ips", "s-sd-werk-inkomen-loket", "s-jv-jongerencoach"}),
    ("opvoeding", None, {"s-gp-cursus-opvoeden", "s-gp-opvoedspreekuur"}),
    ("nederlands leren", None, DUTCH),
    ("gedachten aan zelfmoord", None, SUICIDE),
    ("beschermd wonen", None, {"c-thuishaven-bw-west", "c-thuishaven-bw-zuidoost"}),
    ("herstelacademie", None, RECOVERY),
    # compounds
    ("schuldhulpverlening", None, DEBT),
    ("rouw", None, GRIEF),
    ("rouwgroep", "1094", {"s-rk-rouwgroep-oost"}),
    ("rouwverwerking", None, GRIEF),
    ("taalcafé", None, {"s-tm-taalcafe-oost", "s-tm-taalcafe-nieuw-west"}),
    ("financieel café", "1103", {"s-gv-fincafe-zuidoost"}),
    # typos
    ("schuldhulp verleneing", None, DEBT),
    ("rouwgroup", None, GRIEF),
    ("verslavnig", None, ADDICTION),
    ("mantelzrog", None, CARERS),
    # English (searched with the English interface)
    ("money worries", "1103", MONEY | {"s-gv-fincafe-zuidoost"}),
    ("grief", None, GRIEF),
    ("grief group", "1031", GRIEF),
    ("lonely", None, LONELY),
    ("homeless", None, HOMELESS),
    ("domestic violence", None, DV),
    ("informal carer", None, CARERS),
    ("suicidal thoughts", None, SUICIDE),
    ("recovery college", None, RECOVERY),
    ("learn dutch", None, DUTCH),
]


ENGLISH_FROM = next(i for i, row in enumerate(TABLE) if row[0] == "money worries")


@pytest.fixture(scope="module")
def run(demo_apps):
    app = demo_apps("spatialite")

    def go(text, where, locale="nl", per_page=5):
        from socialmap.extensions import db

        with app.app_context():
            place = places.resolve(db.session, where) if where else None
            assert where is None or place is not None, f"unknown place {where}"
            response = search(
                db.session, current_index(), SearchRequest(text=text, place=place, per_page=per_page, locale=locale)
            )
            db.session.remove()
            return response

    return go


@pytest.mark.parametrize("text, where, expected", TABLE, ids=[f"{t}@{w}" if w else t for t, w, _ in TABLE])
def test_expected_services_in_the_top_five(run, text, where, expected):
    english = text in {row[0] for row in TABLE[ENGLISH_FROM:]}
    response = run(text, where, "en" if english else "nl")
    top = [h.key for h in response.hits]
    assert set(top) & expected, f"{text!r}: top 5 was {top}"
    assert all(h.matched_needs or h.matched_kinds or h.matched_words or h.related_words for h in response.hits), (
        "every hit says why it matched"
    )


def test_the_right_neighbourhood_team_comes_first(run):
    """1103 lies in Bijlmer-Oost (wijk TE..); the team of another district is not first."""
    response = run("buurtteam", "1103")
    first = response.hits[0]
    assert first.key == "s-bt-bijlmer-oost" and first.serves_here
    others = [h for h in response.hits if "neighbourhood_team" in h.kinds and h.key != first.key]
    assert all(not h.serves_here for h in others)


def test_reasons_name_the_need_and_the_words(run):
    hit = run("rouwgroep", "1094").hits[0]
    assert "Rouw en verlies" in hit.matched_needs
    assert "grief_group" in hit.matched_kinds
    english = run("grief", None, locale="en").hits[0]
    assert "Grief and loss" in english.matched_needs


def test_distance_is_given_with_a_place(run):
    response = run("financieel café", "1103")
    located = [h for h in response.hits if h.locations]
    assert located and all(h.distance_m is not None for h in located)
    assert response.hits[0].distance_m < 5000
