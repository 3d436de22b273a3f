"""``/health``: is this instance able to serve? For whoever runs it (load
balancers, monitoring), not for visitors.

200 when the database answers and the search index is present and current;
503 otherwise, with what is wrong. Nothing personal, no timing details.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from socialmap.extensions import db
from socialmap.search.indexer import current_index
from socialmap.search.indexer import health as index_health

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    report: dict = {"database": {"ok": True}, "search_index": {"ok": False}}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        report["database"] = {"ok": False, "message": type(exc).__name__}
    if report["database"]["ok"]:
        try:
            state, message = index_health(db.session, current_index())
        except SQLAlchemyError as exc:
            db.session.rollback()
            state, message = "unknown", f"database not set up ({type(exc).__name__})"
        report["search_index"] = {"ok": state == "ok", "state": state}
        if message:
            report["search_index"]["message"] = message
    ok = report["database"]["ok"] and report["search_index"]["ok"]
    report["status"] = "ok" if ok else "unavailable"
    response = jsonify(report)
    response.status_code = 200 if ok else 503
    response.cache_control.no_store = True
    return response
