"""Test fixtures: real spatial databases (SpatiaLite always, PostGIS when
SOCIALMAP_TEST_POSTGRES_URL is set), built by the migrations.

* ``demo_app``  -- the Amsterdam demo region, loaded once per backend (read-only tests)
* ``app``       -- an empty, migrated database per test (write tests), copied from a
                   template so each test starts clean in milliseconds
Tests that take ``backend`` run on both; PostGIS tests are skipped when no
server is configured, unless SOCIALMAP_REQUIRE_POSTGIS=1 (CI), where that fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from socialmap import create_app

PG_URL = os.environ.get("SOCIALMAP_TEST_POSTGRES_URL")
REQUIRE_PG = os.environ.get("SOCIALMAP_REQUIRE_POSTGIS") == "1"
BACKENDS = ["spatialite", "postgis"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec and callspec.params.get("backend") == "postgis":
            item.add_marker(pytest.mark.postgis)


def _need_postgis():
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("SOCIALMAP_REQUIRE_POSTGIS=1 but SOCIALMAP_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostGIS server (set SOCIALMAP_TEST_POSTGRES_URL)")


def _pg_admin(sql: str) -> None:
    import psycopg

    url = make_url(PG_URL)
    with psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def _pg_url(dbname: str) -> str:
    return make_url(PG_URL).set(database=dbname).render_as_string(hide_password=False)


def _make_app(url: str, tmp: Path, **extra):
    config = {
        "DATABASE_URL": url,
        "TESTING": True,
        "SECRET_KEY": "test",
        "SEARCH_INDEX_DIR": str(tmp / "index"),
        "INSTANCE_DIR": str(tmp / "instance"),
        "SEARCH_WARM_AT_START": False,
        **extra,
    }
    return create_app(config)


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)


def _dispose(app) -> None:
    from socialmap.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    """One migrated empty database per backend, copied for each ``app`` test."""
    made = {}

    def get(backend: str):
        if backend in made:
            return made[backend]
        tmp = tmp_path_factory.mktemp(f"template-{backend}")
        if backend == "spatialite":
            path = tmp / "template.sqlite"
            app = _make_app(f"sqlite:///{path}", tmp)
            _migrate(app)
            _dispose(app)
            made[backend] = path
        else:
            _pg_admin("DROP DATABASE IF EXISTS socialmap_template WITH (FORCE)")
            _pg_admin("CREATE DATABASE socialmap_template")
            app = _make_app(_pg_url("socialmap_template"), tmp)
            _migrate(app)
            _dispose(app)
            made[backend] = "socialmap_template"
        return made[backend]

    return get


@pytest.fixture(params=BACKENDS)
def backend(request):
    if request.param == "postgis":
        _need_postgis()
    return request.param


@pytest.fixture
def app(templates, tmp_path, request):
    """An empty migrated database; SpatiaLite unless the test asks for ``backend``."""
    kind = request.getfixturevalue("backend") if "backend" in request.fixturenames else "spatialite"
    template = templates(kind)
    if kind == "spatialite":
        path = tmp_path / "test.sqlite"
        shutil.copy(template, path)
        application = _make_app(f"sqlite:///{path}", tmp_path)
    else:
        _pg_admin("DROP DATABASE IF EXISTS socialmap_case WITH (FORCE)")
        _pg_admin(f"CREATE DATABASE socialmap_case TEMPLATE {template}")
        application = _make_app(_pg_url("socialmap_case"), tmp_path)
    with application.app_context():
        yield application
    _dispose(application)


@pytest.fixture
def session(app):
    from socialmap.extensions import db

    return db.session


@pytest.fixture(scope="session")
def demo_apps(tmp_path_factory):
    """The demo region, loaded once per backend and kept for the session."""
    made = {}

    def get(kind: str):
        if kind not in made:
            tmp = tmp_path_factory.mktemp(f"demo-{kind}")
            if kind == "spatialite":
                url = f"sqlite:///{tmp / 'demo.sqlite'}"
            else:
                _pg_admin("DROP DATABASE IF EXISTS socialmap_demo WITH (FORCE)")
                _pg_admin("CREATE DATABASE socialmap_demo")
                url = _pg_url("socialmap_demo")
            application = _make_app(url, tmp)
            from socialmap.cli import setup_demo

            with application.app_context():
                setup_demo(force=True)
            made[kind] = application
        return made[kind]

    yield get
    for application in made.values():
        _dispose(application)


@pytest.fixture
def demo_app(demo_apps, request):
    kind = request.getfixturevalue("backend") if "backend" in request.fixturenames else "spatialite"
    application = demo_apps(kind)
    with application.app_context():
        yield application
        from socialmap.extensions import db

        db.session.rollback()


@pytest.fixture
def demo_session(demo_app):
    from socialmap.extensions import db

    return db.session


@pytest.fixture
def client(demo_apps, request):
    """A test client on the demo region. It does not push an app context itself:
    requests share ``g`` with a pushed context, and Flask-Babel caches the
    locale there, which would leak one request's language into the next."""
    kind = request.getfixturevalue("backend") if "backend" in request.fixturenames else "spatialite"
    return demo_apps(kind).test_client()


@pytest.fixture(scope="session")
def real_server(tmp_path_factory, mail_server):
    """The demo region served by ``make run`` (gunicorn, SpatiaLite) in its own
    process group, sending its mail to the test SMTP server; see tests/real_server.py."""
    from tests import real_server as real

    smtp = {
        f"SOCIALMAP_{k}": str(v).lower() if isinstance(v, bool) else str(v) for k, v in mail_server.settings().items()
    }
    server = real.start(tmp_path_factory.mktemp("real-server"), smtp)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mail_server():
    """A real SMTP server (aiosmtpd) on a free port; ``.inbox.to(address)`` reads what arrived."""
    from tests.mail_server import MailServer

    server = MailServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def demo_search(demo_apps):
    """``demo_search(text, where=None, locale="nl", per_page=20, **filters)``: a
    SearchResponse from the demo region (SpatiaLite), straight from the engine."""
    app = demo_apps("spatialite")

    def go(text="", where=None, locale="nl", per_page=20, **filters):
        from socialmap.extensions import db
        from socialmap.search import places
        from socialmap.search.engine import Filters, SearchRequest, search
        from socialmap.search.indexer import current_index

        with app.app_context():
            place = places.resolve(db.session, where) if where else None
            response = search(
                db.session,
                current_index(),
                SearchRequest(text=text, place=place, per_page=per_page, locale=locale, filters=Filters(**filters)),
            )
            db.session.remove()
            return response

    return go


@pytest.fixture
def editable_demo(demo_apps, tmp_path):
    """A copy of the demo region (SpatiaLite database and search index) that a
    test may change: the coordinator pages write to it."""

    from sqlalchemy.engine import make_url

    source = demo_apps("spatialite")
    database = Path(make_url(source.config["SQLALCHEMY_DATABASE_URI"]).database)
    shutil.copy(database, tmp_path / "demo.sqlite")
    shutil.copytree(source.config["SEARCH_INDEX_DIR"], tmp_path / "index")
    application = _make_app(
        f"sqlite:///{tmp_path / 'demo.sqlite'}",
        tmp_path,
        COOKIE_SECURE=False,
        LOGIN_MAX_FAILURES=3,
        LOGIN_RATE_LIMIT="50 per minute",
        REPORT_RATE_LIMIT="50 per minute",
    )
    yield application
    _dispose(application)
