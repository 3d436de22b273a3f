"""An organisation editor's changes wait for a coordinator, unless the
organisation is trusted.

A proposal keeps, per field, the value the editor saw and the value proposed
(the service form's shape). A coordinator (or admin) who may edit the service
accepts it field by field, or rejects it; accepted fields go through the same
audited operation as any edit, named after the reviewer with a note naming the
proposal and its author. A field that changed since the editor saw it is not
applied blindly: it is refused with the reason. Nobody reviews their own
proposal.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.catalogue.models import Service
from socialmap.catalogue.operations import update_service
from socialmap.maintenance import editing, permissions
from socialmap.maintenance.models import Account, ProposedChange
from socialmap.problems import _


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _reviewer_grants(account: Account) -> list:
    return [g for g in account.grants if g.role in ("admin", "coordinator")]


def may_review(session: Session, account: Account | None, service: Service) -> bool:
    """A coordinator or admin who may edit the service (an editor's own role does not count)."""
    if account is None or not account.is_active:
        return False
    return permissions.may_edit_service(session, _WithGrants(_reviewer_grants(account)), service)


class _WithGrants:
    """An account seen with only some of its grants (to ask the permissions as a reviewer)."""

    is_active = True

    def __init__(self, grants: list):
        self.grants = grants


def needs_review(session: Session, account: Account, service: Service) -> bool:
    """Whether this account's edit of the service waits for a coordinator: it
    may edit it only as the organisation's editor, and the organisation is not trusted."""
    return not may_review(session, account, service) and not service.organisation.trusted


def propose(session: Session, service: Service, actor: str, base: dict, values: dict,
            note: str | None = None) -> ProposedChange:
    changed = {f: values[f] for f in editing.FIELDS if values[f] != base[f]}
    proposal = ProposedChange(entity="service", entity_id=service.id, entity_key=service.key, proposed_by=actor,
                              base={f: base[f] for f in changed}, changes=changed, note=note, status="open")
    session.add(proposal)
    session.flush()
    return proposal


def open_proposals(session: Session, account: Account) -> list[tuple[ProposedChange, Service]]:
    """The open proposals this account may review, oldest first."""
    found = []
    for proposal in session.scalars(select(ProposedChange).where(ProposedChange.status == "open")
                                    .order_by(ProposedChange.id)):
        service = session.get(Service, proposal.entity_id)
        if service is not None and may_review(session, account, service):
            found.append((proposal, service))
    return found


@dataclass(frozen=True)
class Decision:
    applied: list[str]
    refused: dict[str, str]  # field -> why


class ReviewRefused(Exception):
    """The reviewer may not decide this proposal; ``str()`` says why."""


def decide(session: Session, proposal: ProposedChange, reviewer: Account, accept: set[str],
           note: str | None = None) -> Decision:
    """Accept the fields in ``accept`` (none: reject the proposal) and close it."""
    service = session.get(Service, proposal.entity_id)
    if proposal.status != "open":
        raise ReviewRefused(_("Over dit voorstel is al beslist."))
    if reviewer.actor == proposal.proposed_by:
        raise ReviewRefused(_("U kunt uw eigen voorstel niet beoordelen."))
    if service is None or not may_review(session, reviewer, service):
        raise ReviewRefused(_("U kunt voorstellen voor deze dienst niet beoordelen."))
    stored = editing.service_values(service)
    applied, refused, values = [], {}, dict(stored)
    for field_ in sorted(accept & set(proposal.changes)):
        if stored[field_] != proposal.base[field_]:
            refused[field_] = _("is sinds het voorstel al gewijzigd; bekijk de huidige waarde")
            continue
        values[field_] = proposal.changes[field_]
        applied.append(field_)
    if applied:
        why = _("voorstel %(id)d van %(who)s", id=proposal.id, who=proposal.proposed_by)
        update_service(session, service, reviewer.actor, note=f"{why}: {note}" if note else why,
                       **editing.as_changes(values, stored))
    proposal.status = "accepted" if applied else "rejected"
    proposal.decided_by, proposal.decided_at, proposal.decision_note = reviewer.actor, _now(), note
    session.flush()
    return Decision(applied, refused)
