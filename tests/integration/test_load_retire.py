"""A load adds and updates; it never removes. Retiring what the files no longer
hold needs --retire-missing, a scope, and the code of a dry run that listed it."""

import re

import pytest
from sqlalchemy import select

from socialmap.catalogue.models import Location, Organisation, Service
from socialmap.interop.catalogue_records import RetireNotConfirmed, RetireScope
from socialmap.interop.catalogue_yaml import load_catalogue
from tests import factories as f
from tests.integration.loading import catalogue, cli, count, location, organisation, service, statuses, toy

POINT = {"lon": 5.005, "lat": 52.005}


@pytest.fixture
def three_files(session, tmp_path, backend):
    """Three organisations in three files, loaded and committed."""
    toy(session)
    files = {
        name: catalogue(
            tmp_path,
            f"{name}.yaml",
            [organisation(f"org-{name}", location(f"loc-{name}", **POINT))],
            [
                service(f"svc-{name}-1", f"org-{name}", locations=[f"loc-{name}"]),
                service(f"svc-{name}-2", f"org-{name}"),
            ],
        )
        for name in ("a", "b", "c")
    }
    load_catalogue(session, list(files.values()))
    session.commit()
    return files


def test_loading_two_files_leaves_the_others_untouched(app, session, three_files, tmp_path):
    changed = catalogue(
        tmp_path,
        "a.yaml",
        [organisation("org-a", location("loc-a", **POINT))],
        [service("svc-a-1", "org-a", name={"nl": "Nieuwe naam"}, locations=["loc-a"])],
    )
    result = cli(app, "catalogue", "load", changed, three_files["b"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    # svc-a-2 is missing from a.yaml and c.yaml was not given: all stays, nothing ended.
    assert statuses(session) == dict.fromkeys(
        ("svc-a-1", "svc-a-2", "svc-b-1", "svc-b-2", "svc-c-1", "svc-c-2"), "active"
    )
    assert session.scalar(select(Service.name).where(Service.key == "svc-a-1")) == "Nieuwe naam"
    assert (count(session, Organisation), count(session, Location), count(session, Service)) == (3, 3, 6)


def _without_a2(tmp_path):
    """a.yaml again, without svc-a-2 and with a changed name for svc-a-1."""
    return catalogue(
        tmp_path,
        "a-new.yaml",
        [organisation("org-a", location("loc-a", **POINT))],
        [service("svc-a-1", "org-a", name={"nl": "Nieuwe naam"}, locations=["loc-a"])],
    )


def test_retire_missing_dry_run_lists_and_changes_nothing(app, session, three_files, tmp_path):
    result = cli(app, "catalogue", "load", _without_a2(tmp_path), "--retire-missing", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "1 dienst staat niet in de bestanden en zou worden beëindigd" in result.output
    assert "  - svc-a-2: Dienst svc-a-2 (Organisatie org-a)" in result.output
    assert "svc-b" not in result.output and "svc-c" not in result.output  # other organisations: out of scope
    assert re.search(r"--confirm [0-9a-f]{8}", result.output)
    assert "Er is niets gewijzigd." in result.output
    assert set(statuses(session).values()) == {"active"}
    assert session.scalar(select(Service.name).where(Service.key == "svc-a-1")) == "Dienst svc-a-1"


def test_retire_missing_without_the_code_changes_nothing(app, session, three_files, tmp_path):
    path = _without_a2(tmp_path)
    result = cli(app, "catalogue", "load", path, "--retire-missing")
    assert result.exit_code == 1
    assert "  - svc-a-2: Dienst svc-a-2 (Organisatie org-a)" in result.output
    assert "Er is niets gewijzigd." in result.output and "Traceback" not in result.output
    stale = cli(app, "catalogue", "load", path, "--retire-missing", "--confirm", "0badc0de")
    assert stale.exit_code == 1 and "De code 0badc0de hoort niet bij deze lijst" in stale.output
    assert set(statuses(session).values()) == {"active"}
    assert session.scalar(select(Service.name).where(Service.key == "svc-a-1")) == "Dienst svc-a-1"
    # --scope and --confirm belong to --retire-missing
    assert cli(app, "catalogue", "load", path, "--confirm", "0badc0de").exit_code == 2


def test_retire_with_the_dry_runs_code_ends_and_deletes_nothing(app, session, three_files, tmp_path):
    path = _without_a2(tmp_path)
    dry = cli(app, "catalogue", "load", path, "--retire-missing", "--dry-run")
    code = re.search(r"--confirm ([0-9a-f]{8})", dry.output).group(1)
    result = cli(app, "catalogue", "load", path, "--retire-missing", "--confirm", code)
    assert result.exit_code == 0, result.output
    assert "1 dienst beëindigd (status ended; niets verwijderd):" in result.output
    assert statuses(session) == {
        "svc-a-1": "active",
        "svc-a-2": "ended",
        "svc-b-1": "active",
        "svc-b-2": "active",
        "svc-c-1": "active",
        "svc-c-2": "active",
    }
    assert (count(session, Organisation), count(session, Location), count(session, Service)) == (3, 3, 6)
    assert session.scalar(select(Service.name).where(Service.key == "svc-a-1")) == "Nieuwe naam"
    # Back in the file: active again.
    load_catalogue(session, [three_files["a"]])
    assert statuses(session)["svc-a-2"] == "active"


def test_retire_scope_area_and_demo(session, tmp_path, backend):
    areas = toy(session)
    org = f.organisation(session, key="org-x")
    f.service(session, org, key="old-in-wijk-a", serves=[areas["WK9999A0"]])
    f.service(session, org, key="old-in-gm-and-nl", serves=[areas["GM9999"], areas["NL"]])
    f.service(session, org, key="old-demo", serves=[areas["NL"]], is_demo=True)
    path = catalogue(tmp_path, "new.yaml", [organisation("org-new")], [service("svc-new", "org-new")])

    dry = load_catalogue(session, [path], retire=RetireScope.parse("GM9999"), dry_run=True)
    assert [r.key for r in dry.retire] == ["old-in-wijk-a"]  # the one serving NL too is not inside GM9999
    assert dry.code and count(session, Service) == 3  # a dry run writes nothing

    with pytest.raises(RetireNotConfirmed):
        load_catalogue(session, [path], retire=RetireScope.parse("GM9999"))
    assert count(session, Service) == 3

    report = load_catalogue(session, [path], retire=RetireScope.parse("GM9999"), confirm=dry.code)
    assert report.retired == 1
    demo = load_catalogue(session, [path], retire=RetireScope.parse("demo"), dry_run=True)
    assert [r.key for r in demo.retire] == ["old-demo"]
    assert statuses(session) == {
        "old-in-wijk-a": "ended",
        "old-in-gm-and-nl": "active",
        "old-demo": "active",
        "svc-new": "active",
    }


def test_unknown_scope_is_refused_before_anything(app, session, three_files, tmp_path):
    result = cli(app, "catalogue", "load", _without_a2(tmp_path), "--retire-missing", "--scope", "GM9998")
    assert result.exit_code == 2
    assert "onbekend gebied 'GM9998' voor --scope" in result.output and "bedoelt u 'GM9999'?" in result.output
    assert set(statuses(session).values()) == {"active"}
