"""Import messages a coordinator can act on: the bad value, "did you mean", the
line, the first occurrence of a duplicate, the file that holds the mistake, and
what to load first. Messages are Dutch msgids (the CLI's default language)."""

import textwrap

import pytest
from sqlalchemy import func, select

from socialmap.catalogue.models import Service
from socialmap.interop.catalogue_yaml import load_catalogue
from socialmap.problems import ImportFailed
from tests.integration.loading import catalogue, cli, organisation, service, toy

GOOD = """\
organisations:
  - key: org-a
    name: Organisatie A
services:
  - key: svc-a
    organisation: org-a
    name: {nl: Inloop}
    summary: {nl: Kom langs.}
    kinds: [walk_in]
    domains: [social]
    needs: [fin.debt]
    access: [walk_in]
    cost: {type: free}
    formats: [group]
    languages: [nl]
    serves: [WK9999A0]
"""


def problems_of(session, *paths) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        load_catalogue(session, list(paths))
    assert session.scalar(select(func.count()).select_from(Service)) == 0  # nothing written
    return [str(p) for p in caught.value.problems]


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_did_you_mean_for_unknown_fields_codes_and_references(session, tmp_path):
    toy(session)
    text = (
        GOOD.replace("summary:", "summery:")
        .replace("[fin.debt]", "[fin.det]")
        .replace("kinds: [walk_in]", "kinds: [walkin]")
        .replace("organisation: org-a", "organisation: org-aa")
        .replace("serves: [WK9999A0]", "serves: [WK9999A1]")
    )
    found = problems_of(session, write(tmp_path, "cat.yaml", text))
    for expected in [
        "cat.yaml:8: dienst svc-a: summery: onbekend veld 'summery'; bedoelt u 'summary'?",
        "cat.yaml:6: dienst svc-a: organisation: onbekende organisatie 'org-aa'; bedoelt u 'org-a'?",
        "cat.yaml:11: dienst svc-a: needs: onbekende code 'fin.det'; bedoelt u 'fin.debt'?",
        "cat.yaml:9: dienst svc-a: kinds: onbekende code 'walkin'; bedoelt u 'walk_in'?",
        "cat.yaml:16: dienst svc-a: serves: onbekende gebiedscode 'WK9999A1'; bedoelt u 'WK9999A0'?",
    ]:
        assert expected in found, found


def test_the_bad_value_is_repeated(session, tmp_path):
    toy(session)
    text = GOOD + "    waiting: {weeks: zes, updated: 2026-13-01}\n    status: gestopt\n"
    found = problems_of(session, write(tmp_path, "cat.yaml", text))
    assert "cat.yaml:17: dienst svc-a: waiting.weeks: verwacht een geheel getal van 0 tot 520, niet 'zes'" in found
    assert "cat.yaml:17: dienst svc-a: waiting.updated: geen datum (JJJJ-MM-DD): '2026-13-01'" in found
    assert "cat.yaml:18: dienst svc-a: status: onbekende status 'gestopt'" in found


def test_duplicate_keys_name_their_first_occurrence(session, tmp_path):
    toy(session)
    first = write(tmp_path, "a.yaml", GOOD)
    second = write(tmp_path, "b.yaml", "services:\n" + GOOD.split("services:\n")[1])
    found = problems_of(session, first, second)
    assert found == ["b.yaml:2: dienst svc-a: key: sleutel 'svc-a' komt twee keer voor; de eerste keer in a.yaml:5"]


def test_a_field_written_twice_in_one_mapping_names_the_first_line(session, tmp_path):
    toy(session)
    text = GOOD.replace(
        "    summary: {nl: Kom langs.}\n", "    summary: {nl: Kom langs.}\n    summary: {nl: Nog eens.}\n"
    )
    found = problems_of(session, write(tmp_path, "cat.yaml", text))
    assert found == [
        "cat.yaml:9: summary: veld 'summary' staat twee keer in dezelfde mapping; de eerste keer op regel 8"
    ]


def test_the_file_holding_the_mistake_is_blamed(session, tmp_path):
    """An organisation with a broken key: its own file is blamed, not every
    file whose services refer to it."""
    toy(session)
    orgs = write(
        tmp_path,
        "organisaties.yaml",
        """\
        organisations:
          - key: Org_A
            name: Organisatie A
            locations:
              - {key: Loc 1, street: Dorpsstraat, number: "1", city: Toydorp, lon: 5.005, lat: 52.005}
        """,
    )
    services = write(
        tmp_path,
        "diensten.yaml",
        "services:\n"
        + GOOD.split("services:\n")[1].replace("organisation: org-a", "organisation: Org_A")
        + "    locations: [Loc 1]\n",
    )
    found = problems_of(session, orgs, services)
    assert all(p.startswith("organisaties.yaml") for p in found), found
    assert (
        "organisaties.yaml:2: organisatie Org_A: key: ongeldige sleutel 'Org_A': alleen kleine letters, "
        "cijfers en streepjes" in found
    )


def test_unreadable_yaml_gives_the_line(session, tmp_path):
    toy(session)
    found = problems_of(session, write(tmp_path, "kapot.yaml", GOOD.replace("name: {nl: Inloop}", "name: {nl: Inloop")))
    assert len(found) == 1 and found[0].startswith("kapot.yaml:8: geen geldige YAML")


def test_load_the_areas_first_says_so_once(app, session, tmp_path, backend):
    path = catalogue(tmp_path, "cat.yaml", [organisation("org-a")], [service(f"svc-{i}", "org-a") for i in range(50)])
    result = cli(app, "catalogue", "load", path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    # Two lines (no areas, no taxonomy), not a problem per service.
    assert "2 problemen; er is niets geschreven" in result.output
    assert "Er zijn nog geen gebieden geladen" in result.output
    assert "flask --app socialmap areas import" in result.output
    assert "De behoeftentaxonomie is nog niet geladen" in result.output


def test_load_the_taxonomy_first_says_so_once(session, tmp_path, backend):
    from tests import factories as f

    f.toy_region(session)  # areas, but no needs
    path = catalogue(tmp_path, "cat.yaml", [organisation("org-a")], [service(f"svc-{i}", "org-a") for i in range(50)])
    found = problems_of(session, path)
    assert len(found) == 1 and "De behoeftentaxonomie is nog niet geladen" in found[0]
    assert "flask --app socialmap catalogue load-needs" in found[0]


def test_a_municipality_not_yet_loaded_is_one_problem_with_its_command(session, tmp_path, backend):
    toy(session)
    path = catalogue(
        tmp_path,
        "cat.yaml",
        [organisation("org-a")],
        [service(f"svc-{i}", "org-a", serves=["GM0513"]) for i in range(3)],
    )
    found = problems_of(session, path)
    line = path.read_text().splitlines().index("  serves:") + 1  # svc-0's
    assert found == [
        f"cat.yaml:{line}: dienst svc-0: serves: gebied GM0513 is nog niet geladen (3 diensten werken er). "
        "Laad de gemeente eerst: flask --app socialmap areas import-municipalities --codes GM0513"
    ]


def test_the_cli_prints_problems_without_a_traceback_and_writes_nothing(app, session, tmp_path):
    toy(session, commit=True)
    path = write(tmp_path, "cat.yaml", GOOD.replace("[fin.debt]", "[fin.det]"))
    result = cli(app, "catalogue", "load", path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cat.yaml:11: dienst svc-a: needs: onbekende code 'fin.det'; bedoelt u 'fin.debt'?" in result.output
    assert session.scalar(select(func.count()).select_from(Service)) == 0


def test_messages_follow_the_cli_language(app):
    """Outside a request, messages are in CLI_LANGUAGE (SOCIALMAP_CLI_LANGUAGE); Dutch by default."""
    from socialmap.problems import _

    assert _("Gestopt") == "Gestopt"
    app.config["CLI_LANGUAGE"] = "en"
    assert _("Gestopt") == "Ended"  # a msgid that already has its English


def test_a_too_long_name_is_a_problem_not_a_database_error(session, tmp_path, backend):
    toy(session)
    found = problems_of(session, write(tmp_path, "cat.yaml", GOOD.replace("{nl: Inloop}", "{nl: " + "x" * 201 + "}")))
    assert len(found) == 1 and found[0].startswith(
        "cat.yaml:7: dienst svc-a: name.nl: is 201 tekens lang; de grens is 200: 'xxx"
    )
