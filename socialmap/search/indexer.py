"""Keeping the index in step with the database, after commits only.

During a transaction, flushes record which services changed. Just before the
commit, their documents are built (the session can still read) and their
writing is queued with :func:`socialmap.transaction.after_commit`: it happens
just after a successful commit, and a rollback drops it, so a write the
database did not keep never reaches the index. :func:`init_app` registers the
two hooks; ``create_app`` calls it.

Two cases are not done in the committing request:
* a change of the needs taxonomy touches every document (their ``named_needs``
  come from its phrases): it queues a whole rebuild, run in a thread after the
  commit in a web process, at once in a command (:func:`_rebuild_later`);
* a load that rebuilds the index itself right after (``demo setup``) says so
  with :func:`reindex_follows`, and no document is built twice.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict

from flask import current_app, has_app_context, has_request_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from socialmap.catalogue.areas import area_tree
from socialmap.catalogue.models import (
    Contact,
    Location,
    NeedTerm,
    Organisation,
    ScheduleException,
    ScheduleRule,
    Service,
    ServiceFacet,
    service_area,
    service_location,
)
from socialmap.extensions import db
from socialmap.search.documents import build_documents, shard_for
from socialmap.search.index import SCHEMA_VERSION, SearchIndex, index_at
from socialmap.transaction import after_commit

log = logging.getLogger(__name__)
CHANGED = "search_changed"
CHILDREN = (ServiceFacet, Contact, ScheduleRule, ScheduleException)


def db_fingerprint(session: Session) -> list:
    """A cheap summary of the catalogue, to notice an index that fell behind."""
    count, max_id, max_updated = session.execute(
        select(func.count(Service.id), func.max(Service.id), func.max(Service.updated_at)).where(
            Service.status != "ended"
        )
    ).one()
    return [count, max_id, str(max_updated) if max_updated else None]


def current_index() -> SearchIndex | None:
    if not has_app_context():
        return None
    return index_at(current_app.config["SEARCH_INDEX_DIR"])


REINDEX_FOLLOWS = "search_reindex_follows"


def init_app(app) -> None:
    """Register the hooks that keep the index in step (idempotent)."""
    if not event.contains(Session, "after_flush", _record):
        event.listen(Session, "after_flush", _record)
        event.listen(Session, "before_commit", _prepare)
        event.listen(Session, "after_rollback", _drop)


def reindex_follows(session: Session) -> None:
    """This transaction is followed by a whole reindex: build no documents at its commit."""
    session.info[REINDEX_FOLLOWS] = True


def _record(session: Session, _flush_context) -> None:
    changed = session.info.setdefault(
        CHANGED, {"services": set(), "orgs": set(), "locations": set(), "deleted": set(), "needs": False}
    )
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Service):
            (changed["deleted"] if obj in session.deleted else changed["services"]).add(obj.id)
        elif isinstance(obj, CHILDREN):
            changed["services"].add(obj.service_id)
        elif isinstance(obj, Organisation):
            changed["orgs"].add(obj.id)
        elif isinstance(obj, Location):
            changed["locations"].add(obj.id)
        elif isinstance(obj, NeedTerm):
            changed["needs"] = True


def _prepare(session: Session) -> None:
    index = current_index()
    if index is None:
        return
    if session.new or session.dirty or session.deleted:
        session.flush()  # a change not flushed yet is recorded now (commit would flush it after this hook)
    changed = session.info.get(CHANGED)
    if not changed:
        return
    changed = session.info.pop(CHANGED, None) or changed
    if session.info.pop(REINDEX_FOLLOWS, False) or not index.exists():
        return  # rebuilt whole right after, or nothing to keep current yet
    if changed["needs"]:
        after_commit(session, _rebuild_later(index))
        return
    ids = {i for i in changed["services"] if i is not None}
    if changed["orgs"]:
        ids.update(session.scalars(select(Service.id).where(Service.organisation_id.in_(changed["orgs"]))))
    if changed["locations"]:
        ids.update(
            session.scalars(
                select(service_location.c.service_id).where(service_location.c.location_id.in_(changed["locations"]))
            )
        )
    deleted = {str(i) for i in changed["deleted"] if i is not None}
    if not ids and not deleted:
        return
    docs = build_documents(session, sorted(ids))
    kept = {d["id"] for d in docs}
    deleted |= {str(i) for i in ids} - kept  # ended services leave the index
    fingerprint = db_fingerprint(session)

    def apply() -> None:
        try:
            index.apply(docs, sorted(deleted), fingerprint)
        except Exception:  # the database is right; the index can be rebuilt
            log.exception("search index update failed; run `flask --app socialmap search reindex`")

    after_commit(session, apply)


def _rebuild_later(index: SearchIndex):
    """A whole rebuild after the commit: in a thread of a web process (the request
    does not wait; searches meanwhile use the old index), at once in a command."""
    app = current_app._get_current_object()

    def rebuild() -> None:
        with app.app_context():
            try:
                reindex(db.session, index)
            except Exception:
                log.exception("search index rebuild failed; run `flask --app socialmap search reindex`")
            finally:
                db.session.remove()

    def queued() -> None:
        if has_request_context():
            threading.Thread(target=rebuild, name="search-rebuild", daemon=True).start()
        else:
            rebuild()

    return queued


def _drop(session: Session) -> None:
    session.info.pop(CHANGED, None)
    session.info.pop(REINDEX_FOLLOWS, None)


def reindex(session: Session, index: SearchIndex, processes: int = 1):
    """Rebuild the whole index from the database, in ``processes`` processes
    (each builds and writes a share of the shards, balanced by size)."""
    fingerprint = db_fingerprint(session)
    if processes <= 1:
        return index.rebuild(build_documents(session), fingerprint)
    groups = balanced_groups(shard_assignment(session), processes)
    url = session.get_bind().url.render_as_string(hide_password=False)
    return index.rebuild_parallel(url, [g for g in groups if g], fingerprint)


def shard_assignment(session: Session) -> dict[int, str]:
    """service id -> shard for every live service (from its served areas only)."""
    tree = area_tree(session)
    areas: dict[int, list[int]] = defaultdict(list)
    live = select(Service.id).where(Service.status != "ended")
    for sid, area_id in session.execute(
        select(service_area.c.service_id, service_area.c.area_id).where(service_area.c.service_id.in_(live))
    ):
        areas[sid].append(area_id)
    return {sid: shard_for(areas.get(sid, []), tree) for sid in session.scalars(live)}


def balanced_groups(assignment: dict[int, str], groups: int) -> list[list[int]]:
    """Split the services into ``groups`` lists that never share a shard, largest
    shards first onto the lightest group."""
    by_shard: dict[str, list[int]] = defaultdict(list)
    for sid, shard in assignment.items():
        by_shard[shard].append(sid)
    out: list[list[int]] = [[] for _ in range(groups)]
    for _, ids in sorted(by_shard.items(), key=lambda kv: -len(kv[1])):
        min(out, key=len).extend(ids)
    return out


def check(session: Session, index: SearchIndex) -> dict:
    """Compare index and database: counts and per-service content checksums."""
    docs = {d["id"]: d for d in build_documents(session)}
    stored = index.stored() if index.exists() else {}
    missing = sorted(set(docs) - set(stored), key=int)
    extra = sorted(set(stored) - set(docs), key=int)
    different = sorted(
        (
            i
            for i in set(docs) & set(stored)
            if docs[i]["checksum"] != stored[i].get("checksum") or docs[i]["shard"] != stored[i]["shard"]
        ),
        key=int,
    )
    return {
        "database": len(docs),
        "index": len(stored),
        "missing": missing,
        "extra": extra,
        "different": different,
        "ok": index.exists() and not (missing or extra or different),
    }


def health(session: Session, index: SearchIndex) -> tuple[str, str | None]:
    """('ok' | 'missing' | 'stale', message saying what to do) -- cheap, for app start."""
    fix = "run `flask --app socialmap search reindex`"
    if not index.exists():
        return "missing", f"the search index is missing: {fix}"
    manifest = index.manifest()

    if manifest is not None and manifest.schema_version != SCHEMA_VERSION:
        return "stale", f"the search index was built by an older version: {fix}"
    if manifest is None or manifest.fingerprint != db_fingerprint(session):
        return "stale", f"the search index is behind the database: {fix}"
    return "ok", None
