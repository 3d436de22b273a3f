"""socialmap: a regional social map and referral-route directory."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask

from socialmap.config import PROJECT_ROOT, from_environment

__version__ = "0.1.0"


def create_app(config: dict | None = None) -> Flask:
    """The application factory. Init steps run in this order:

    1. settings (defaults < SOCIALMAP_* environment < ``config``)
    2. database and migrations (SpatiaLite loaded per connection)
    3. translations
    4. blueprints, error pages, CLI

    The only module whose imports stay inside a function: every part of the
    product is a submodule of this package, and importing one (a search-index
    writer process, the benchmark, a migration) runs this file first; it must
    not drag in the web app, so the factory imports what it wires.
    """
    settings = from_environment()
    settings.update(config or {})
    app = Flask(
        __name__,
        instance_path=str(settings.get("INSTANCE_DIR") or PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=None,  # served by socialmap.assets under content-hashed URLs
    )
    _configure(app, settings)

    from socialmap.db import engine_options, prepare_engine
    from socialmap.extensions import babel, db, migrate

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SPATIALITE_LIBRARY_PATH"]
    )
    import socialmap.catalogue.models
    import socialmap.freshness.models
    import socialmap.maintenance.models
    import socialmap.routes.models  # noqa: F401  (referral routes' tables)
    from socialmap import audit, revision, transaction
    from socialmap.search import indexer

    # The session hooks, each registered once (docs/architecture.md, "Writes"):
    transaction.install()  # the one after-commit queue
    audit.install()  # every flush records who changed which field
    revision.install()  # a change of need terms or areas gives them a new stamp
    indexer.init_app(app)  # documents built before commit, written after it

    db.init_app(app)
    with app.app_context():
        prepare_engine(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))

    from socialmap.i18n import select_locale

    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories=str(Path(__file__).parent / "translations")
    )

    from socialmap import web

    web.init_app(app)

    from socialmap.catalogue.views import bp as catalogue_bp

    app.register_blueprint(catalogue_bp)
    from socialmap.routes.views import bp as routes_bp

    app.register_blueprint(routes_bp)  # referral routes: pages
    from socialmap.api.routes import bp as routes_api_bp

    app.register_blueprint(routes_api_bp)  # referral routes: /api/v1/routes, /api/v1/route-finder
    from socialmap.api.views import bp as api_bp
    from socialmap.maps.views import bp as maps_bp
    from socialmap.search.views import bp as search_bp

    for blueprint in (search_bp, maps_bp, api_bp):
        app.register_blueprint(blueprint)

    from socialmap.health import bp as health_bp
    from socialmap.safety.views import bp as safety_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(safety_bp)

    # Accounts and the coordinator pages; CSRF on every POST but the public
    # route-finder forms, which change nothing (POST keeps criteria out of URLs).
    from socialmap.extensions import csrf, limiter
    from socialmap.maintenance import auth
    from socialmap.maintenance.views import bp as maintenance_bp

    csrf.init_app(app)
    for endpoint in ("routes.finder_page", "routes.card", "routes_api.api_finder"):
        csrf.exempt(app.view_functions[endpoint])
    limiter.init_app(app)
    auth.init_app(app)
    app.register_blueprint(maintenance_bp)
    from socialmap.freshness.views import bp as freshness_bp

    app.register_blueprint(freshness_bp)  # provider links of update rounds, public change reports

    from socialmap.cli import register

    register(app)
    _check_search_index(app)
    return app


def _check_search_index(app: Flask) -> None:
    """Say at start when the search index is missing or behind the database."""
    from sqlalchemy.exc import SQLAlchemyError

    from socialmap.extensions import db
    from socialmap.search.indexer import current_index, health

    with app.app_context():
        try:
            state, message = health(db.session, current_index())
        except SQLAlchemyError:
            state, message = "unknown", "the database is not set up: run `flask --app socialmap demo setup`"
        finally:
            db.session.remove()
    app.extensions["search_health"] = (state, message)
    if message:
        app.logger.warning(message)
    elif app.config.get("SEARCH_WARM_AT_START", True):
        _warm_search_on_first_request(app)


def _warm_search_on_first_request(app: Flask) -> None:
    """Load the search shards in the background when the web app gets its first
    request (not for CLI commands, which create the app too)."""
    import threading

    from socialmap.search.index import index_at

    started = threading.Event()

    @app.before_request
    def _warm() -> None:
        if not started.is_set():
            started.set()
            index = index_at(app.config["SEARCH_INDEX_DIR"])
            threading.Thread(target=index.warm, name="search-warm", daemon=True).start()


def _configure(app: Flask, settings: dict) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    url = settings.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'socialmap.sqlite'}"
    app.config.update(settings)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config["BABEL_DEFAULT_LOCALE"] = settings["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = settings["TIMEZONE"]
    app.config.setdefault("SEARCH_INDEX_DIR", None)
    if not app.config["SEARCH_INDEX_DIR"]:
        app.config["SEARCH_INDEX_DIR"] = str(Path(app.instance_path) / "search-index")
    # The session cookie: signed, HttpOnly, SameSite=Lax, Secure (unless the
    # local demo over http says COOKIE_SECURE=false), ending after SESSION_HOURS.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = bool(settings.get("COOKIE_SECURE", True))
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=float(settings.get("SESSION_HOURS", 8)))
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # a token lives as long as the session
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
