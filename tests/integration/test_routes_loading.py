"""Loading route files, validation on every save, coverage per neighbourhood, the CLI."""

import copy

import pytest
import yaml
from sqlalchemy import func, select

from socialmap.catalogue.areas import AreaTree
from socialmap.interop.routes_yaml import load_routes
from socialmap.problems import ImportFailed
from socialmap.routes.models import Route, RouteStep, RouteTransition
from socialmap.routes.operations import RouteInvalid, save_route
from socialmap.routes.validation import coverage_gaps
from tests import factories as f

ROUTE = {
    "key": "toy-route",
    "title": {"nl": "Toy-route", "en": "Toy route"},
    "purpose": {"nl": "Om te testen."},
    "scope": "GM9999",
    "owner": "netwerk",
    "version": "1.0",
    "status": "published",
    "valid_from": "2026-01-01",
    "review_date": "2027-01-01",
    "steps": [
        {
            "key": "huisarts",
            "kind": "gp",
            "entry": True,
            "title": {"nl": "Huisarts"},
            "services": {"kinds": ["gp_practice"]},
        },
        {
            "key": "cafe",
            "kind": "welfare_peer",
            "title": {"nl": "Financieel café"},
            "services": {"kinds": ["financial_cafe"]},
            "client_present": True,
        },
        {"key": "poh", "kind": "poh_ggz", "title": {"nl": "POH-ggz"}, "services": {"kinds": ["poh_ggz"]}},
    ],
    "transitions": [
        {"from": "huisarts", "to": "cafe", "kind": "referral", "when": {"needs": ["fin"]}},
        {"from": "huisarts", "to": "poh", "kind": "referral", "when": {"needs": ["fin.debt"], "urgency": ["routine"]}},
        {"from": "cafe", "to": "huisarts", "kind": "return"},
        {"from": "poh", "to": "huisarts", "kind": "return"},
    ],
}


@pytest.fixture
def region(session):
    areas = f.toy_region(session)
    fin = f.need(session, "fin", "Geld")
    f.need(session, "fin.debt", "Schulden", parent=fin)
    org = f.organisation(session, key="netwerk", name="Netwerk Toydorp")
    return {"areas": areas, "org": org}


def write(tmp_path, route: dict, name="route.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"route": route}, allow_unicode=True), encoding="utf-8")
    return path


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_valid_route_loads_and_reloads_by_key(region, session, tmp_path, backend):
    report = load_routes(session, [write(tmp_path, ROUTE)])
    assert (report.routes, report.steps, report.transitions) == (1, 3, 4)
    route = session.scalar(select(Route))
    assert route.title == "Toy-route" and route.translations == {"en": {"title": "Toy route"}}
    assert route.entry.key == "huisarts" and route.scope.code == "GM9999"
    changed = copy.deepcopy(ROUTE)
    changed["version"] = "1.1"
    changed["steps"][1]["title"] = {"nl": "Geldcafé"}
    load_routes(session, [write(tmp_path, changed)])
    assert count(session, Route) == 1 and count(session, RouteStep) == 3 and count(session, RouteTransition) == 4
    assert session.scalar(select(Route.version)) == "1.1"


def broken(path: list, value):
    route = copy.deepcopy(ROUTE)
    target = route
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return route


@pytest.mark.parametrize(
    "route, expected",
    [
        (broken(["scope"], "GM0000"), "route toy-route: scope: onbekende regio of gemeente 'GM0000'"),
        (broken(["owner"], "nobody"), "route toy-route: owner: onbekende organisatie 'nobody'"),
        (
            broken(["status"], "final"),
            "route toy-route: status: 'final' is geen status; kies een van: draft, published, retired",
        ),
        (broken(["review_date"], "2025-01-01"), "route toy-route: review_date: moet na valid_from liggen"),
        (
            broken(["steps", 1, "kind"], "hairdresser"),
            "route toy-route: step cafe.kind: onbekende soort stap 'hairdresser'",
        ),
        (
            broken(["steps", 1, "services"], {"kinds": ["barber"]}),
            "route toy-route: step cafe.services.kinds: onbekende code 'barber'",
        ),
        (
            broken(["transitions", 0, "when"], {"needs": ["fin.nope"]}),
            "route toy-route: transitions[0].when.needs: onbekende code 'fin.nope'",
        ),
        (
            broken(["transitions", 0, "when"], {"urgency": ["whenever"]}),
            "route toy-route: transitions[0].when.urgency: onbekende code 'whenever'",
        ),
        (
            broken(["transitions", 0, "when"], {"flags": {"required": ["nope"]}}),
            "route toy-route: transitions[0].when.flags.required: onbekende code 'nope'",
        ),
        (broken(["transitions", 0, "to"], "nowhere"), "route toy-route: transitions[0]: to: onbekende stap 'nowhere'"),
        (
            broken(["transitions", 0, "kind"], "teleport"),
            "route toy-route: transitions[0].kind: 'teleport' is geen soort overgang; kies een van:",
        ),
        (
            broken(["transitions", 0, "when"], {"colour": "red"}),
            "route toy-route: transitions[0]: when.colour: onbekend veld 'colour'",
        ),
        (broken(["steps", 0, "entry"], False), "route toy-route: steps: moet precies één beginstap hebben, heeft er 0"),
        (
            broken(["transitions", 2], {"from": "huisarts", "to": "cafe", "kind": "warm_handover"}),
            "route toy-route: stap cafe: is een doodlopend eind: geen overgang leidt verder",
        ),
        (
            broken(["transitions", 3], {"from": "poh", "to": "huisarts", "kind": "step_down"}),
            "route toy-route: stap poh: is een zorgstap (poh_ggz) zonder terugweg",
        ),
        (
            broken(["transitions", 3], {"from": "poh", "to": "huisarts", "kind": "step_down"}),
            "route toy-route: transitions: kringloop zonder terugverwijzing: huisarts -> poh -> huisarts",
        ),
        (broken(["title"], {"en": "English only"}), "route toy-route: title.nl: Nederlandse tekst is verplicht"),
        (
            broken(["audience"], {"min_age": 60, "max_age": 18}),
            "route toy-route: audience: de minimumleeftijd 60 ligt boven de maximumleeftijd 18",
        ),
        (
            broken(
                ["transitions", 0, "when"], {"flags": {"required": ["client_absent"], "excluded": ["client_absent"]}}
            ),
            "route toy-route: transitions[0].when.flags: client_absent staat zowel bij required als bij excluded",
        ),
        (
            broken(["steps"], ROUTE["steps"] + [ROUTE["steps"][1]]),
            "route toy-route: step cafe.key: twee stappen hebben de sleutel 'cafe'",
        ),
        (
            broken(["steps", 1, "services"], {"kinds": ["financial_cafee"]}),
            "onbekende code 'financial_cafee'; bedoelt u 'financial_cafe'?",
        ),
    ],
)
def test_every_problem_names_route_and_field_and_nothing_is_written(region, session, tmp_path, route, expected):
    with pytest.raises(ImportFailed) as exc:
        load_routes(session, [write(tmp_path, route)])
    assert any(expected in str(p) for p in exc.value.problems), [str(p) for p in exc.value.problems]
    # every problem names the file and the line of the part it is about
    lines = (tmp_path / "route.yaml").read_text(encoding="utf-8").splitlines()
    for p in exc.value.problems:
        assert p.where.startswith(f"route.yaml:{p.line}: route toy-route") and 1 <= p.line <= len(lines), str(p)
    assert count(session, Route) == 0


def test_one_bad_file_stops_all_files(region, session, tmp_path):
    other = broken(["key"], "second")
    other["steps"][1]["kind"] = "hairdresser"
    with pytest.raises(ImportFailed):
        load_routes(session, [write(tmp_path, ROUTE, "a.yaml"), write(tmp_path, other, "b.yaml")])
    assert count(session, Route) == 0


def test_saving_a_route_that_breaks_a_rule_writes_nothing(region, session, tmp_path):
    load_routes(session, [write(tmp_path, ROUTE)])
    route = session.scalar(select(Route))
    poh = route.step("poh")
    route.transitions = [t for t in route.transitions if not (t.from_step is poh and t.is_return)]
    with pytest.raises(RouteInvalid) as exc:
        save_route(session, route, "test:editor")
    assert [str(p) for p in exc.value.problems] == [
        "route toy-route: stap poh: is een doodlopend eind: geen overgang leidt verder",
        "route toy-route: stap poh: is een zorgstap (poh_ggz) zonder terugweg naar een thuisstap",
    ]


def test_coverage_gaps_are_reported_per_neighbourhood(region, session, tmp_path, backend):
    areas = region["areas"]
    load_routes(session, [write(tmp_path, ROUTE)])
    route = session.scalar(select(Route))
    # a GP practice for the whole municipality; a café only for wijk A; a closed POH for buurt B1
    f.service(session, kinds=["gp_practice"], domains=["care"], serves=[areas["GM9999"]])
    f.service(session, kinds=["financial_cafe"], domains=["debt_money"], serves=[areas["WK9999A0"]])
    f.service(session, kinds=["poh_ggz"], domains=["care"], serves=[areas["BU9999B001"]], status="temporarily_closed")
    gaps = {g.step_key: [code for code, _name in g.buurten] for g in coverage_gaps(session, route, AreaTree(session))}
    assert gaps == {"cafe": ["BU9999B001"], "poh": ["BU9999A001", "BU9999A002", "BU9999B001"]}


def test_cli_load_and_check(region, session, tmp_path, app):
    runner = app.test_cli_runner()
    session.commit()  # the toy region, so the CLI's own transaction sees it
    bad = write(tmp_path, broken(["owner"], "nobody"), "bad.yaml")
    result = runner.invoke(args=["referral-routes", "load", str(bad)])
    assert result.exit_code == 1 and "owner: onbekende organisatie 'nobody'" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(args=["referral-routes", "load", str(write(tmp_path, ROUTE))])
    assert result.exit_code == 0, result.output
    assert "1 routes, 3 steps, 4 transitions loaded" in result.output
    check = runner.invoke(args=["referral-routes", "check"])
    assert check.exit_code == 0, check.output
    assert "route toy-route v1.0 (published): ok" in check.output
    assert "step huisarts" in check.output and "BU9999A001 Buurt A1" in check.output  # no services at all yet
    strict = runner.invoke(args=["referral-routes", "check", "--strict"])
    assert strict.exit_code == 1


def test_the_demo_routes_keep_every_rule(demo_session, backend):
    from socialmap.routes.operations import route_problems
    from socialmap.routes.queries import all_routes

    routes = all_routes(demo_session)
    assert len(routes) >= 7
    assert {r.key for r in routes} >= {
        "directe-verwijzing",
        "verkennend-gesprek",
        "doco",
        "consultatie-vooraf",
        "crisis",
        "terug-uit-de-ggz",
        "jeugd-psychische-klachten",
    }
    for route in routes:
        assert route_problems(demo_session, route) == [], route.key
    kinds = {s.kind for r in routes for s in r.steps}
    assert kinds >= {
        "gp",
        "poh_ggz",
        "ggz_consultation",
        "social_consultation",
        "exploratory_conversation",
        "case_consultation",
        "self_care",
        "social_domain",
        "welfare_peer",
        "basic_ggz",
        "specialist_ggz",
        "fact",
        "crisis_service",
        "resource_group",
    }
    assert {t.kind for r in routes for t in r.transitions} == {
        "referral",
        "consultation",
        "warm_handover",
        "step_up",
        "step_down",
        "return",
    }
    assert {r.scope.level for r in routes} == {"region", "municipality"}


def test_demo_coverage_gaps_are_the_catalogue_s_real_gaps(demo_session, backend):
    """The financial café of Noord is temporarily closed: Noord's buurten are reported."""
    from socialmap.routes.queries import route_by_key

    route = route_by_key(demo_session, "verkennend-gesprek")
    gaps = {g.step_key: g for g in coverage_gaps(demo_session, route)}
    cafe = {code for code, _name in gaps["financieel-cafe"].buurten}
    assert any(code.startswith("BU0363N") for code in cafe)
    assert not any(code.startswith("BU0363T") for code in cafe)  # Zuidoost has an open café
    assert "verkennend-gesprek" not in gaps  # every buurt has an exploratory conversation


def test_a_load_never_deletes_and_retires_only_when_asked(region, session, tmp_path, backend):
    """Loading one file of many leaves the others; --retire-missing sets status, never deletes."""
    other = copy.deepcopy(ROUTE)
    other["key"] = "andere-route"
    load_routes(session, [write(tmp_path, ROUTE, "a.yaml"), write(tmp_path, other, "b.yaml")])
    report = load_routes(session, [write(tmp_path, ROUTE, "a.yaml")])
    assert report.retired == 0 and count(session, Route) == 2
    assert {r.is_demo for r in session.scalars(select(Route))} == {False}  # a region's routes are not demo
    report = load_routes(session, [write(tmp_path, ROUTE, "a.yaml")], retire_missing=True)
    assert report.retired_keys == ["andere-route"] and count(session, Route) == 2
    assert session.scalar(select(Route.status).where(Route.key == "andere-route")) == "retired"
