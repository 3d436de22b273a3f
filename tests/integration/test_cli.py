"""CLI commands: clear messages, exit code 1, no traceback, nothing written."""

from sqlalchemy import func, select

from socialmap.catalogue.models import AreaUnit


def test_area_import_with_missing_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["areas", "import", str(tmp_path / "nope.geojson")])
    assert result.exit_code == 1
    assert "bestand niet gevonden" in result.output
    assert "Traceback" not in result.output


def test_area_import_with_wrong_field_mapping(app, tmp_path, session):
    path = tmp_path / "b.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"geometry": {"type": "Polygon", "coordinates": [[[5,52],[5.01,52],[5.01,52.01],[5,52]]]}, '
        '"properties": {"cbsCode": "BU0999AA01", "naam": "X"}}]}'
    )
    result = app.test_cli_runner().invoke(args=["areas", "import", str(path), "--code-field", "buurtcode"])
    assert result.exit_code == 1
    assert "feature 0: buurtcode: geen CBS-buurtcode (BU + 8 tekens): None" in result.output
    assert "bedoelt u 'cbsCode'?" in result.output
    assert session.scalar(select(func.count()).select_from(AreaUnit)) == 0
    ok = app.test_cli_runner().invoke(args=["areas", "import", str(path)])
    assert ok.exit_code == 0, ok.output
    assert "1 buurt, 1 wijk, 1 gemeente geïmporteerd" in ok.output


def test_catalogue_load_with_unknown_references(app, tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("services:\n  - key: x\n    organisation: nobody\n")
    result = app.test_cli_runner().invoke(args=["catalogue", "load", str(bad)])
    assert result.exit_code == 1
    # An empty database: one message saying what to load first, not a problem per reference.
    assert "Er zijn nog geen gebieden geladen" in result.output and "areas import" in result.output
    assert "Traceback" not in result.output
