"""The generic CSV import (one organisation per row: name, text, address), the
municipality import for a municipality without buurten, and searching there
by postcode."""

import json

import pytest
from sqlalchemy import select

from socialmap.catalogue.models import AreaUnit, Location, Organisation, Service
from socialmap.interop.catalogue_csv import Columns, import_csv, parse_address, slug
from socialmap.problems import ImportFailed
from socialmap.search.places import postcode_centroids
from tests.integration.loading import cli, count, statuses, toy

# Invented rows (test input only). Line numbers: the header is line 1.
ROWS = """\
naam,beschrijving,adres
Buurthuis De Linde,"Koffie, een krant en een praatje.","Lindelaan 4, 2801AB Gouda"
Schuldhulp Samen,Hulp bij geldzorgen en schulden.,
Taalcafé,"Oefen Nederlands met anderen, elke week.","Markt 1a, 2801 cd Gouda"
Taalcafé,"Oefen Nederlands met anderen, elke week.","Kerkstraat 9, 2802AA Gouda"
Buurthuis De Linde,"Koffie, een krant en een praatje.","Lindelaan 4, 2801AB Gouda"
Inloop Zuid,Zomaar binnenlopen.,ergens in Zuid
Inloop-Zuid,Een andere tekst over dezelfde naam.,ergens in Zuid
"""


def write(tmp_path, text=ROWS, name="organisaties.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_address_and_slug():
    assert parse_address("Groningenweg 8a, 2803PV Gouda") == parse_address("Groningenweg 8a , 2803 pv Gouda")
    assert parse_address("Atlantisplein 1kamer 2.14, 1093NE Amsterdam").number == "1kamer 2.14"
    assert parse_address("Jac.P. Thijsselaan 45, 2803RT Gouda").street == "Jac.P. Thijsselaan"
    assert parse_address("ergens in Zuid") is None and parse_address("") is None
    assert slug("Stichting Hulp & Zorg (Gouda)") == "stichting-hulp-zorg-gouda"
    assert slug("Taalcafé Één") == "taalcafe-een"


def test_rows_become_organisations_with_one_service(session, tmp_path, backend):
    toy(session)
    report = import_csv(session, write(tmp_path), ["GM9999"])
    assert (report.organisations, report.services, report.locations, report.approximate_locations) == (6, 6, 3, 3)
    keys = sorted(session.scalars(select(Service.key)))
    # Same slug: told apart by postcode; same name and address, other text: by a digest of the row.
    assert keys[0] == "buurthuis-de-linde" and keys[3:] == ["schuldhulp-samen", "taalcafe-2801-cd", "taalcafe-2802-aa"]
    assert (
        all(
            k.startswith("inloop-zuid-zonder-adres-") and len(k) == len("inloop-zuid-zonder-adres-") + 6
            for k in keys[1:3]
        )
        and keys[1] != keys[2]
    )
    svc = session.scalar(select(Service).where(Service.key == "buurthuis-de-linde"))
    assert (svc.name, svc.summary, svc.organisation.name) == (
        "Buurthuis De Linde",
        "Koffie, een krant en een praatje.",
        "Buurthuis De Linde",
    )
    assert (svc.kinds, svc.domains, svc.needs, svc.languages, svc.cost_type) == ([], [], [], [], "")
    assert [a.code for a in svc.areas_served] == ["GM9999"] and not svc.is_demo
    loc = svc.locations[0]
    lon, lat, _city = postcode_centroids()["2801"]
    assert (loc.street, loc.house_number, loc.postcode, loc.city, loc.approximate) == (
        "Lindelaan",
        "4",
        "2801 AB",
        "Gouda",
        True,
    )
    assert session.scalar(select(Location.key).where(Location.postcode == "2801 CD")) == "taalcafe-2801-cd"
    notes = "\n".join(report.notes)
    assert "organisaties.csv:6: dezelfde rij als regel 2; één keer geladen" in notes
    assert "organisaties.csv:7: adres 'ergens in Zuid' is niet te lezen" in notes
    assert "organisaties.csv:8: naam 'Inloop-Zuid' geeft dezelfde sleutel als regel 7" in notes
    # A new export of the same rows updates the same entries.
    again = import_csv(session, write(tmp_path), ["GM9999"])
    assert (again.new_services, again.updated_services) == (0, 6)
    assert count(session, Organisation) == 6


def test_the_keys_do_not_depend_on_the_order_of_the_rows(session, tmp_path):
    toy(session)
    header, *rows = ROWS.splitlines()
    import_csv(session, write(tmp_path, "\n".join([header, *reversed(rows)]) + "\n", "omgekeerd.csv"), ["GM9999"])
    reversed_keys = set(session.scalars(select(Service.key)))
    session.rollback()
    toy(session)
    import_csv(session, write(tmp_path), ["GM9999"])
    assert set(session.scalars(select(Service.key))) == reversed_keys


def test_semicolons_and_other_column_names(session, tmp_path):
    toy(session)
    path = write(tmp_path, "Naam;Tekst\nSpreekuur;Elke dinsdag.\n", "export.csv")
    report = import_csv(session, path, ["GM9999"], Columns("Naam", "Tekst", None))
    assert (report.services, report.locations) == (1, 0)


def test_a_wrong_column_says_which_columns_there_are(app, session, tmp_path):
    toy(session, commit=True)
    result = cli(app, "catalogue", "import-csv", write(tmp_path), "--serves", "GM9999", "--name-column", "name")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (
        "organisaties.csv:1: --name-column: kolom 'name' staat niet in de kopregel "
        "(naam, beschrijving, adres); bedoelt u 'naam'?"
    ) in result.output
    assert count(session, Service) == 0


def test_a_row_without_text_is_a_problem_with_its_line(session, tmp_path):
    toy(session)
    with pytest.raises(ImportFailed) as caught:
        import_csv(session, write(tmp_path, "naam,beschrijving,adres\nLeeg,,\n"), ["GM9999"])
    assert [str(p) for p in caught.value.problems] == [
        "organisaties.csv:2: dienst leeg: summary.nl: Nederlandse tekst is verplicht"
    ]
    assert count(session, Organisation) == 0


def test_import_csv_command_dry_run_then_load(app, session, tmp_path, backend):
    toy(session, commit=True)
    path = write(tmp_path)
    dry = cli(app, "catalogue", "import-csv", path, "--serves", "GM9999", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Proefdraai: 6 organisaties, 3 locaties en 6 diensten gecontroleerd" in dry.output
    assert count(session, Service) == 0
    done = cli(app, "catalogue", "import-csv", path, "--serves", "GM9999")
    assert done.exit_code == 0, done.output
    assert "6 organisaties, 3 locaties en 6 diensten geladen: 6 diensten nieuw, 0 diensten bijgewerkt." in done.output
    assert "3 locaties staan bij benadering op de kaart" in done.output
    # One organisation left the export: retiring it needs the scope, a dry run and its code.
    fewer = write(tmp_path, "\n".join(ROWS.splitlines()[:-2]) + "\n", "minder.csv")
    refused = cli(app, "catalogue", "import-csv", fewer, "--serves", "GM9999", "--retire-missing", "--scope", "GM9999")
    assert refused.exit_code == 1 and "  - inloop-zuid-zonder-adres-" in refused.output
    assert set(statuses(session).values()) == {"active"}


def _municipality_file(tmp_path):
    """GM8888, a municipality without buurten around the centroid of postcode 2801."""
    lon, lat, _city = postcode_centroids()["2801"]
    ring = [
        [lon - 0.02, lat - 0.02],
        [lon + 0.02, lat - 0.02],
        [lon + 0.02, lat + 0.02],
        [lon - 0.02, lat + 0.02],
        [lon - 0.02, lat - 0.02],
    ]
    path = tmp_path / "gemeenten.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                        "properties": {"gemeentecode": "GM8888", "gemeentenaam": "Proefstad"},
                    }
                ],
            }
        )
    )
    return path


def test_import_municipalities_refuses_unknown_codes(app, session, tmp_path):
    path = _municipality_file(tmp_path)
    result = cli(app, "areas", "import-municipalities", path, "--codes", "GM8889")
    assert result.exit_code == 1
    assert "gemeentecode 'GM8889' staat niet in dit bestand; bedoelt u 'GM8888'?" in result.output
    by_name = cli(app, "areas", "import-municipalities", path, "--codes", "proefstad")
    assert "bedoelt u GM8888 (Proefstad)?" in by_name.output
    assert count(session, AreaUnit) == 0


def test_a_municipality_without_buurten_is_found_by_postcode(app, session, tmp_path, backend):
    from socialmap.search import places
    from socialmap.search.engine import SearchRequest, search
    from socialmap.search.indexer import current_index, reindex

    toy(session, commit=True)
    result = cli(app, "areas", "import-municipalities", _municipality_file(tmp_path), "--codes", "GM8888")
    assert result.exit_code == 0 and "1 gemeente geïmporteerd: GM8888" in result.output, result.output
    gm = session.scalar(select(AreaUnit).where(AreaUnit.code == "GM8888"))
    assert (gm.level, gm.name, gm.parent.code) == ("municipality", "Proefstad", "NL")
    import_csv(session, write(tmp_path), ["GM8888"])
    session.commit()
    reindex(session, current_index())

    place = places.resolve(session, "2801")
    assert (place.municipality_code, place.neighbourhood_code) == ("GM8888", None)
    assert place.serving_codes == ("GM8888", "NL")
    found = search(session, current_index(), SearchRequest(text="schulden", place=place))
    assert [h.key for h in found.hits] == ["schuldhulp-samen"]  # no address: found because it serves GM8888
    assert found.hits[0].serves_here
