"""Cross-cutting HTTP concerns: error pages, security headers, template helpers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException

from socialmap import safepoint_gc
from socialmap.assets import AssetDirectory, respond
from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.demo import demo_shown
from socialmap.config import PROJECT_ROOT
from socialmap.extensions import compress, db
from socialmap.i18n import _, current_locale, localized, pick
from socialmap.routes.access import viewer_is_professional
from socialmap.safety.help import help_for
from socialmap.transaction import StaleWrite


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        localized=localized,
        pick=pick,
        voc=voc,
        current_locale=current_locale,
        demo_shown=demo_shown,
        viewer_is_professional=viewer_is_professional,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.after_request(_security_headers)
    app.context_processor(_crisis_context)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StaleWrite, _stale_write)
    app.register_error_handler(CSRFError, _form_expired)
    app.register_error_handler(Exception, _unexpected_error)
    _static_assets(app)
    _compression(app)
    if app.config.get("GC_BETWEEN_REQUESTS", True):
        safepoint_gc.install(app)


def crisis_lines_files() -> list[str]:
    """The region's crisis-line files (relative paths are from the project root)."""
    return [str(PROJECT_ROOT / f) for f in current_app.config.get("CRISIS_LINES_FILES") or []]


def crisis_help_for_request():
    """Crisis help for what the visitor typed in this request (``q``, in the
    query string or a form), or None. Every page shows it first."""
    if "crisis_help" not in g:
        text = request.values.get("q", type=str)
        g.crisis_help = help_for(db.session, text[:500] if text else None, crisis_lines_files())
    return g.crisis_help


def _crisis_context() -> dict:
    try:
        return {"crisis": crisis_help_for_request()}
    except RuntimeError:  # rendering outside a request (e.g. a route card made for print)
        return {"crisis": None}


def _static_assets(app: Flask) -> None:
    """``static`` endpoint: /static/<content digest>/<file>, compressed, cached a year."""
    static = AssetDirectory(Path(__file__).parent / "static")

    def serve(digest: str, filename: str):
        asset = static.get(filename)
        if asset is None:  # /static/css/site.css without a digest: the current file, not cached long
            return respond(static.get(f"{digest}/{filename}"), current=False)
        return respond(asset, current=digest == asset.digest)

    app.add_url_rule("/static/<digest>/<path:filename>", endpoint="static", view_func=serve)

    @app.url_defaults
    def _digest(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "digest" not in values and "filename" in values:
            values["digest"] = static.digest(values["filename"])


def _compression(app: Flask) -> None:
    """gzip/brotli for pages, JSON and map scripts (static files come precompressed)."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/plain",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/geo+json",
            "image/svg+xml",
        ],
    )
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    compress.init_app(app)


def content_security_policy() -> str:
    """Only what the pages use: our own scripts/styles, map tiles from the tile server."""
    tile_origin = _origin(current_app.config["TILE_URL"])
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src 'self' data: {tile_origin}".strip(),
            "script-src 'self'",
            "style-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


def _origin(url: str) -> str:
    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Language", current_locale())
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_texts(code: int | None) -> tuple[str, str]:
    texts = {
        400: (_("Dat klopt niet helemaal"), _("Uw zoekvraag of formulier bevat iets wat we niet begrijpen.")),
        404: (_("Pagina niet gevonden"), _("Deze pagina bestaat niet (meer). Misschien is de dienst gestopt.")),
        405: (_("Dat kan hier niet"), _("Deze pagina kan niet op deze manier worden gebruikt.")),
        403: (_("Geen toegang"), _("Met uw account kunt u dit niet bekijken of wijzigen.")),
        429: (_("Even wachten"), _("Te veel pogingen achter elkaar. Wacht een minuut en probeer het opnieuw.")),
    }
    return texts.get(code or 0, (_("Er ging iets mis"), _("Probeer het later opnieuw.")))


def _http_error(exc: HTTPException):
    """Our own words for the common errors; a specific message (e.g. which
    parameter is wrong) is kept when the code raised one."""
    title, default = _error_texts(exc.code)
    message = exc.description if getattr(exc, "socialmap_message", False) else default
    if _wants_json():
        return {"error": exc.name, "message": message, "status": exc.code}, exc.code
    return render_template("errors/error.html", code=exc.code, title=title, message=message), exc.code


def _form_expired(_exc: CSRFError):
    """400 for a form without a valid CSRF token: usually a page left open too long."""
    return _http_error(
        bad_request(
            _("Dit formulier is verlopen of kwam niet van deze site. Laad de pagina opnieuw en probeer het nog eens.")
        )
    )


def _stale_write(exc: StaleWrite):
    """409: someone saved the record first. Nothing of this request was kept;
    the page shows, per field, what this write wanted and what is stored now."""
    title = _("Iemand anders was u voor")
    message = _(
        "Iemand heeft dit intussen opgeslagen. Uw wijziging is niet bewaard. "
        "Vergelijk hieronder, en doe uw wijziging opnieuw als die nog nodig is."
    )
    if _wants_json():
        return {
            "error": "Conflict",
            "status": 409,
            "message": message,
            "conflicts": [
                {
                    "entity": c.entity,
                    "key": c.key,
                    "fields": [{"field": f, "yours": mine, "stored": theirs} for f, mine, theirs in c.fields],
                }
                for c in exc.conflicts
            ],
        }, 409
    return render_template("errors/stale.html", title=title, message=message, conflicts=exc.conflicts), 409


def bad_request(message: str):
    """A 400 whose message (already translated) is shown to the visitor as is."""
    exc = BadRequest(message)
    exc.socialmap_message = True
    return exc


def _unexpected_error(exc: Exception):
    """Log the traceback; show the visitor a plain page without it."""
    db.session.rollback()
    current_app.logger.exception("unhandled error on %s", request.path)
    message = _("Er ging iets mis aan onze kant. Probeer het later opnieuw.")
    if _wants_json():
        return {"error": "Internal Server Error", "message": message, "status": 500}, 500
    return render_template("errors/error.html", code=500, title=_("Fout"), message=message), 500
