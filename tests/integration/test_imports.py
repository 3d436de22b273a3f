"""Imports validate everything first, report record and field, and write nothing on a problem."""

import json
import textwrap

import pytest
from sqlalchemy import func, select

from socialmap.catalogue.models import AreaUnit, NeedTerm, Organisation, Service
from socialmap.interop.areas import FieldMapping, import_neighbourhoods
from socialmap.interop.catalogue_yaml import load_catalogue
from socialmap.interop.taxonomy import load_needs
from socialmap.problems import ImportFailed
from tests import factories as f


def feature(code, name, x0, props=None):
    ring = [[x0, 52.0], [x0 + 0.01, 52.0], [x0 + 0.01, 52.01], [x0, 52.01], [x0, 52.0]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"cbsCode": code, "naam": name, **(props or {})},
    }


def write_geojson(tmp_path, features, name="buurten.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_buurt_import_derives_wijken_and_municipality(session, tmp_path):
    path = write_geojson(
        tmp_path,
        [
            feature("BU0999AA01", "Havenbuurt-Noord", 5.0),
            feature("BU0999AA02", "Havenbuurt-Zuid", 5.01),
            feature("BU0999AB01", "Dorp", 5.02),
        ],
    )
    report = import_neighbourhoods(session, path, municipality_names={"GM0999": "Voorbeeldstad"})
    assert (report.neighbourhoods, report.districts, report.municipalities) == (3, 2, 1)
    wk = session.scalar(select(AreaUnit).where(AreaUnit.code == "WK0999AA"))
    assert wk.name == "Havenbuurt" and wk.parent.code == "GM0999" and wk.parent.name == "Voorbeeldstad"
    assert sorted(c.code for c in wk.children) == ["BU0999AA01", "BU0999AA02"]
    # A second import updates in place.
    import_neighbourhoods(session, path)
    assert count(session, AreaUnit) == 6


def test_buurt_import_configurable_fields(session, tmp_path):
    feat = {
        "type": "Feature",
        "geometry": feature("x", "x", 5.0)["geometry"],
        "properties": {"buurtcode": "BU0999AA01", "buurtnaam": "Centrum", "wijknaam": "Binnenstad"},
    }
    path = write_geojson(tmp_path, [feat])
    import_neighbourhoods(session, path, FieldMapping("buurtcode", "buurtnaam", "wijknaam"))
    assert session.scalar(select(AreaUnit.name).where(AreaUnit.code == "WK0999AA")) == "Binnenstad"


def test_buurt_import_reports_every_bad_feature_and_writes_nothing(session, tmp_path):
    bad_geom = feature("BU0999AA02", "Punt", 5.01)
    bad_geom["geometry"] = {"type": "Point", "coordinates": [5.0, 52.0]}
    path = write_geojson(
        tmp_path,
        [
            feature("BU0999AA01", "Goed", 5.0),
            bad_geom,
            feature("GM0999", "Fout", 5.02),
            feature("BU0999AA03", "", 5.03),
            feature("BU0999AA01", "Dubbel", 5.04),
        ],
    )
    with pytest.raises(ImportFailed) as caught:
        import_neighbourhoods(session, path)
    messages = [str(p) for p in caught.value.problems]
    assert any("BU0999AA02: geometry" in m for m in messages)
    assert any("feature 2: cbsCode" in m and "GM0999" in m for m in messages)
    assert any("BU0999AA03: naam" in m for m in messages)
    assert any("BU0999AA01: cbsCode: komt twee keer voor; de eerste keer in feature 0" in m for m in messages)
    assert count(session, AreaUnit) == 0


@pytest.mark.parametrize(
    "content, expected",
    [
        ("not json", "geen geldige JSON"),
        ('{"type": "Feature"}', "verwacht een GeoJSON FeatureCollection, niet 'Feature'"),
        ('{"type": "FeatureCollection", "features": []}', "het bestand bevat geen features"),
    ],
)
def test_buurt_import_rejects_bad_files(session, tmp_path, content, expected):
    path = tmp_path / "x.geojson"
    path.write_text(content)
    with pytest.raises(ImportFailed, match=expected):
        import_neighbourhoods(session, path)


def test_needs_taxonomy_validation(session, tmp_path):
    path = tmp_path / "needs.yaml"
    path.write_text(
        textwrap.dedent("""
        needs:
          - {code: fin, label: {nl: Geld, en: Money}}
          - {code: fin.debt, parent: fin, label: {nl: Schulden}, synonyms: {nl: [Rood staan]}}
          - {code: fin.x, parent: nope, label: {nl: X}}
          - {code: "Bad Code", label: {nl: Y}}
          - {code: fin.y, parent: fin, label: {en: only english}}
    """)
    )
    with pytest.raises(ImportFailed) as caught:
        load_needs(session, path)
    text = str(caught.value)
    assert "need fin.x: parent: unknown parent 'nope'" in text
    assert "invalid code 'Bad Code'" in text
    assert "need fin.y: label.nl: Dutch label is required" in text
    assert count(session, NeedTerm) == 0


def _catalogue(tmp_path, services_yaml: str, placements="loc-1,5.005,52.005,1000\n"):
    cat = tmp_path / "cat.yaml"
    cat.write_text(
        textwrap.dedent("""
        organisations:
          - key: org-a
            name: Organisatie A
            website: https://a.example
            locations:
              - {key: loc-1, street: Dorpsstraat, number: "1", city: Toydorp, buurt: BU9999A001}
        services:
    """)
        + textwrap.indent(textwrap.dedent(services_yaml), "  ")
    )
    place = tmp_path / "placements.csv"
    place.write_text("location,lon,lat,postcode\n" + placements)
    return [cat], place


GOOD_SERVICE = """
- key: svc-a
  organisation: org-a
  name: {nl: Rouwgroep, en: Grief group}
  summary: {nl: Praten met anderen over verlies.}
  kinds: [grief_group]
  domains: [peer_informal]
  needs: [fin.debt]
  access: [walk_in]
  cost: {type: free}
  formats: [group]
  languages: [nl]
  serves: [WK9999A0]
  locations: [loc-1]
  schedule:
    meetings: [{every: month, nth: 2, day: tu, opens: "19:00", closes: "21:00"}]
  contacts:
    - {label: {nl: Algemeen}, phone: "020 555 0000"}
    - {label: {nl: Lijn voor huisartsen}, phone: "020 555 0001", audience: professional}
"""


def test_catalogue_loads_and_reloads(session, tmp_path):
    f.toy_region(session)
    f.need(session, "fin.debt", "Schulden")
    paths, place = _catalogue(tmp_path, GOOD_SERVICE)
    report = load_catalogue(session, paths, place)
    assert (report.organisations, report.locations, report.services) == (1, 1, 1)
    svc = session.scalar(select(Service))
    assert svc.translations == {"en": {"name": "Grief group"}}
    assert [c.audience for c in svc.contacts] == ["public", "professional"]
    assert svc.locations[0].neighbourhood.code == "BU9999A001"
    assert svc.schedule_rules[0].nth == 2
    load_catalogue(session, paths, place)
    assert count(session, Service) == 1 and count(session, Organisation) == 1


def test_catalogue_problems_name_record_and_field(session, tmp_path):
    f.toy_region(session)
    f.need(session, "fin.debt", "Schulden")
    bad = (
        GOOD_SERVICE.replace("needs: [fin.debt]", "needs: [fin.nope]")
        .replace("domains: [peer_informal]", "domains: [cooking]")
        .replace('closes: "21:00"', 'closes: "18:00"')
    )
    bad += """
- key: svc-b
  organisation: org-missing
  name: {en: English only}
  summary: {nl: x}
  kinds: [walk_in]
  domains: [social]
  needs: [fin.debt]
  access: [walk_in]
  cost: {type: gratis}
  formats: [group]
  languages: [nl]
  serves: [WK0000XX]
  audience: {min_age: 30, max_age: 18}
"""
    paths, place = _catalogue(tmp_path, bad, placements="loc-1,5.025,52.005,1000\n")
    with pytest.raises(ImportFailed) as caught:
        load_catalogue(session, paths, place)
    text = str(caught.value)
    for expected in [  # file:line: record: field: message (Dutch: the CLI's default language)
        "cat.yaml:16: dienst svc-a: needs: onbekende code 'fin.nope'; bedoelt u 'fin.debt'?",
        "cat.yaml:15: dienst svc-a: domains: onbekende code 'cooking'",
        "cat.yaml:24: dienst svc-a: schedule.meetings[0]: sluit (18:00) voor het opengaat (19:00)",
        "cat.yaml:30: dienst svc-b: organisation: onbekende organisatie 'org-missing'",
        "cat.yaml:31: dienst svc-b: name.nl: Nederlandse tekst is verplicht",
        "cat.yaml:37: dienst svc-b: cost.type: onbekende code 'gratis'",
        "cat.yaml:40: dienst svc-b: serves: onbekende gebiedscode 'WK0000XX'",
        "cat.yaml:41: dienst svc-b: audience: min_age 30 is hoger dan max_age 18",
        "cat.yaml:7: locatie loc-1: buurt: het punt (lon 5.025, lat 52.005) ligt in BU9999B001, niet in BU9999A001",
    ]:
        assert expected in text, expected
    assert count(session, Service) == 0 and count(session, Organisation) == 0


def test_catalogue_rejects_unreadable_yaml(session, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("services: [unclosed")
    place = tmp_path / "p.csv"
    place.write_text("location,lon,lat,postcode\n")
    with pytest.raises(ImportFailed, match="broken.yaml:1: geen geldige YAML"):
        load_catalogue(session, [path], place)


def test_reloading_an_unchanged_catalogue_writes_nothing_and_one_change_is_one_audited_row(session, tmp_path):
    """Contacts and schedule rows that did not change keep their rows: a reload
    leaves no audit noise, and a changed phone number is one audited change."""
    from socialmap.audit import AuditEntry

    f.toy_region(session)
    f.need(session, "fin.debt", "Schulden")
    with_exception = GOOD_SERVICE.replace(
        "  contacts:", "    exceptions: [{from: 2026-12-24, until: 2026-12-26}]\n  contacts:"
    )
    paths, place = _catalogue(tmp_path, with_exception)
    load_catalogue(session, paths, place)
    session.commit()
    first = session.scalar(select(func.max(AuditEntry.id)))
    load_catalogue(session, paths, place)
    session.commit()
    assert session.scalar(select(func.max(AuditEntry.id))) == first
    paths[0].write_text(paths[0].read_text().replace("020 555 0001", "020 555 0002"))
    load_catalogue(session, paths, place)
    session.commit()
    changed = session.scalars(select(AuditEntry).where(AuditEntry.id > first)).all()
    assert [(e.entity, e.field, e.before, e.after) for e in changed] == [
        ("contact", "phone", "020 555 0001", "020 555 0002")
    ]
