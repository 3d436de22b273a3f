"""The index follows the database: written after commit, untouched by a rollback,
rebuilt by reindex, checked by check, and reported when missing or stale."""

import pytest

from socialmap.catalogue.models import Service
from socialmap.catalogue.operations import InvalidChange, update_service
from socialmap.search import places
from socialmap.search.engine import SearchRequest, search
from socialmap.search.indexer import check, current_index, health, reindex
from socialmap.transaction import unit_of_work
from tests import factories as f


@pytest.fixture
def indexed(session, backend):
    toy = f.toy_region(session)
    debt = f.need(session, "fin.debt", "Schulden", en="Debts")
    svc = f.service(
        session, serves=[toy["GM9999"]], needs=[debt], name="Geldhulp Toydorp", summary="Hulp bij rekeningen."
    )
    other = f.service(session, serves=[toy["WK9999B0"]], name="Buurthuis Oost", summary="Koffie en praten.")
    session.commit()
    reindex(session, current_index())
    return svc, other


def names(session, text):
    return [h.name for h in search(session, current_index(), SearchRequest(text=text)).hits]


def test_committed_edit_is_searchable_right_after(session, indexed):
    svc, _ = indexed
    assert names(session, "rouwgroep") == []
    with unit_of_work(session):
        update_service(session, svc, "test:editor", name="Rouwgroep Toydorp")
    assert names(session, "rouwgroep") == ["Rouwgroep Toydorp"]
    assert check(session, current_index())["ok"]


def test_rolled_back_edit_leaves_the_index_unchanged(session, indexed):
    svc, _ = indexed
    before = current_index().stored()
    with pytest.raises(InvalidChange):
        with unit_of_work(session):
            update_service(session, svc, "test:editor", name="Rouwgroep Toydorp")  # flushed ...
            update_service(session, svc, "test:editor", status="gesloten")  # ... then fails: all rolled back
    assert names(session, "rouwgroep") == []
    assert current_index().stored() == before
    assert check(session, current_index())["ok"]


def test_ended_service_leaves_the_index(session, indexed):
    _, other = indexed
    with unit_of_work(session):
        update_service(session, other, "test:editor", status="ended")
    assert "Buurthuis Oost" not in names(session, "koffie")
    assert check(session, current_index())["ok"]


def test_check_reports_drift_and_reindex_repairs_it(session, indexed):
    svc, _ = indexed
    # A change that bypasses the after-commit hook (as a crash between commit and index write would).
    session.execute(Service.__table__.update().where(Service.id == svc.id).values(summary="Anders."))
    session.commit()
    report = check(session, current_index())
    assert not report["ok"] and report["different"] == [str(svc.id)]
    reindex(session, current_index())
    assert check(session, current_index())["ok"]


def test_health_says_what_to_do(session, indexed, tmp_path):
    assert health(session, current_index())[0] == "ok"
    from socialmap.search.index import SearchIndex

    state, message = health(session, SearchIndex(tmp_path / "nowhere"))
    assert state == "missing" and "search reindex" in message
    f.service(session, name="Nieuw")
    session.commit()
    current_index().apply([], [], ["tampered"])
    assert health(session, current_index())[0] == "stale"


def test_search_near_a_place_reads_only_nearby_shards(session, indexed):
    place = places.place_at(session, 5.005, 52.005)
    response = search(session, current_index(), SearchRequest(text="hulp", place=place, radius_m=1000))
    assert set(response.shards) <= {"GM9999", "wide"}
    assert response.hits and response.hits[0].serves_here


def test_cli_check_and_reindex(app, indexed):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0 and "index and database agree" in result.output
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "indexed 2 services" in result.output


def test_parallel_reindex_writes_the_same_index(session, indexed):
    reindex(session, current_index(), processes=2)
    report = check(session, current_index())
    assert report["ok"] and report["index"] == 2
    assert [h.name for h in search(session, current_index(), SearchRequest(text="geldhulp")).hits] == [
        "Geldhulp Toydorp"
    ]


def test_an_index_written_by_another_version_is_not_read(session, indexed):
    """Documents changed (SCHEMA_VERSION): until `search reindex`, the search says it
    is being updated rather than read documents it does not understand."""
    from dataclasses import replace

    from socialmap.search.index import SCHEMA_VERSION

    index = current_index()
    index.write_manifest(replace(index.manifest(), schema_version=SCHEMA_VERSION - 1))
    assert search(session, index, SearchRequest(text="geldhulp")).index_missing
    state, message = health(session, index)
    assert state == "stale" and "search reindex" in message
    reindex(session, index)
    assert names(session, "geldhulp") == ["Geldhulp Toydorp"]
