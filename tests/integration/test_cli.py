"""CLI commands: clear messages, exit code 1, no traceback, nothing written."""
from sqlalchemy import func, select

from socialmap.catalogue.models import AreaUnit


def test_area_import_with_missing_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["areas", "import", str(tmp_path / "nope.geojson")])
    assert result.exit_code == 1
    assert "file not found" in result.output
    assert "Traceback" not in result.output


def test_area_import_with_wrong_field_mapping(app, tmp_path, session):
    path = tmp_path / "b.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                    '"geometry": {"type": "Polygon", "coordinates": [[[5,52],[5.01,52],[5.01,52.01],[5,52]]]}, '
                    '"properties": {"cbsCode": "BU0999AA01", "naam": "X"}}]}')
    result = app.test_cli_runner().invoke(args=["areas", "import", str(path), "--code-field", "buurtcode"])
    assert result.exit_code == 1
    assert "feature 0: buurtcode: not a CBS buurt code" in result.output
    assert session.scalar(select(func.count()).select_from(AreaUnit)) == 0
    ok = app.test_cli_runner().invoke(args=["areas", "import", str(path)])
    assert ok.exit_code == 0, ok.output
    assert "1 buurten, 1 wijken, 1 municipalities imported" in ok.output


def test_catalogue_load_with_unknown_references(app, tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("services:\n  - key: x\n    organisation: nobody\n")
    result = app.test_cli_runner().invoke(args=["catalogue", "load", str(bad)])
    assert result.exit_code == 1
    assert "service x: organisation: unknown organisation 'nobody'" in result.output
