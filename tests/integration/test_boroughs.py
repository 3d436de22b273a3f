"""The optional level between municipality and wijk (stadsdelen, gebieden):
imported from a small YAML file, checked whole before anything is written,
found by name, and serving every buurt inside it."""

import textwrap

import pytest
from sqlalchemy import select

from socialmap.catalogue.models import AreaUnit
from socialmap.interop.areas import import_boroughs, import_neighbourhoods
from socialmap.problems import ImportFailed
from tests.integration.test_imports import feature, write_geojson


@pytest.fixture
def voorbeeldstad(session, tmp_path):
    """GM0999 with wijken AA, AB (letter A) and BA (letter B)."""
    path = write_geojson(
        tmp_path,
        [
            feature("BU0999AA01", "Havenbuurt-Noord", 5.0),
            feature("BU0999AB01", "Dorp", 5.01),
            feature("BU0999BA01", "Polder", 5.02),
        ],
    )
    import_neighbourhoods(session, path, municipality_names={"GM0999": "Voorbeeldstad"})
    return path


def write_yaml(tmp_path, text):
    path = tmp_path / "stadsdelen.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD = """
    municipality: GM0999
    boroughs:
      - {code: SD0999A, name: Haven, wijken: WK0999A}
      - {code: SD0999B, name: Polder, wijken: [WK0999BA]}
"""


def parent(session, code):
    return session.scalar(select(AreaUnit).where(AreaUnit.code == code)).parent.code


def test_boroughs_go_between_municipality_and_wijken(session, tmp_path, voorbeeldstad):
    report = import_boroughs(session, write_yaml(tmp_path, GOOD))
    assert (report.boroughs, report.districts) == (2, 3)
    assert [parent(session, c) for c in ("WK0999AA", "WK0999AB", "WK0999BA")] == ["SD0999A", "SD0999A", "SD0999B"]
    assert parent(session, "SD0999A") == "GM0999"
    haven = session.scalar(select(AreaUnit).where(AreaUnit.code == "SD0999A"))
    assert haven.level == "borough" and haven.geom is not None
    # Importing the buurten again keeps the wijken under their borough; the file again changes nothing.
    import_neighbourhoods(session, voorbeeldstad)
    import_boroughs(session, write_yaml(tmp_path, GOOD))
    assert parent(session, "WK0999AB") == "SD0999A"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            """
        municipality: GM0998
        boroughs: [{code: SD1, name: X, wijken: WK0998}]
     """,
            "gemeente 'GM0998' is niet geladen",
        ),
        (
            """
        municipality: GM0999
        boroughs:
          - {code: SD0999A, name: Haven, wijken: WK0999A}
     """,
            "deze wijken horen bij geen enkel gebied: WK0999BA",
        ),
        (
            """
        municipality: GM0999
        boroughs:
          - {code: SD0999A, name: Haven, wijken: [WK0999A, WK0999BA]}
          - {code: SD0999B, name: Polder, wijken: WK0999B}
     """,
            "wijk WK0999BA hoort al bij SD0999A",
        ),
        (
            """
        municipality: GM0999
        boroughs:
          - {code: SD0999A, name: Haven, wijken: WK0999A}
          - {code: SD0999B, name: Polder, wijken: WK0999C}
     """,
            "geen wijk van GM0999 heeft een code die begint met 'WK0999C'",
        ),
        (
            """
        municipality: GM0999
        boroughs:
          - {code: SD0999A, name: Haven, wijken: WK0999A}
          - {code: SD0999A, name: Polder, wijken: WK0999B}
     """,
            "komt twee keer voor; de eerste keer in boroughs[0]",
        ),
        (
            """
        municipality: GM0999
        boroughs:
          - {code: WK0999AA, name: Haven, wijken: WK0999A}
          - {code: SD0999B, name: Polder, wijken: WK0999B}
     """,
            "'WK0999AA' is al de code van een gebied van een ander niveau",
        ),
        ("municipality: GM0999\nboroughs: [\n", "geen geldige YAML"),
    ],
)
def test_a_bad_file_says_what_and_where_and_writes_nothing(session, tmp_path, voorbeeldstad, text, expected):
    with pytest.raises(ImportFailed) as caught:
        import_boroughs(session, write_yaml(tmp_path, text))
    assert expected in str(caught.value), str(caught.value)
    assert session.scalar(select(AreaUnit).where(AreaUnit.level == "borough")) is None
    assert parent(session, "WK0999AA") == "GM0999"


def test_unknown_field_gets_a_did_you_mean(session, tmp_path, voorbeeldstad):
    with pytest.raises(ImportFailed) as caught:
        import_boroughs(
            session,
            write_yaml(
                tmp_path,
                """
            municipality: GM0999
            boroughs:
              - {code: SD0999A, naam: Haven, wijken: WK0999A}
        """,
            ),
        )
    assert "onbekend veld 'naam'" in str(caught.value) and "name" in str(caught.value)


def test_demo_stadsdeel_serves_its_buurten_and_is_found_by_name(demo_apps):
    """A demo service serving SD0363F (Nieuw-West, one code) is local in a buurt of
    Nieuw-West and when the person names the stadsdeel; its page says so in one line."""
    from socialmap.extensions import db
    from socialmap.search import places
    from socialmap.search.engine import SearchRequest, search
    from socialmap.search.indexer import current_index

    app = demo_apps("spatialite")
    with app.app_context():
        nieuw_west = places.resolve(db.session, "Nieuw-West")
        assert nieuw_west.area_code == "SD0363F" and "WK0363FA" in nieuw_west.inner_codes
        osdorp = places.resolve(db.session, "1068")  # a postcode in Nieuw-West
        assert "SD0363F" in osdorp.serving_codes
        for place in (nieuw_west, osdorp):
            found = search(db.session, current_index(), SearchRequest(text="financieel café", place=place))
            fincafe = next(h for h in found.hits if h.key == "s-gv-fincafe-nieuw-west")
            assert fincafe.serves == ["SD0363F"] and fincafe.serves_here
        db.session.remove()
    page = app.test_client().get("/dienst/s-gv-fincafe-nieuw-west").get_data(as_text=True)
    assert "Nieuw-West (stadsdeel)" in page
