"""An organisation editor's changes wait for a coordinator, unless the
organisation is trusted.

A proposal keeps, per field, the value the editor saw and the value proposed
(the form's shape of a service or a location). A coordinator (or admin) who
may edit the entry accepts it field by field, or rejects it; accepted fields
go through the same audited operation as any edit, named after the reviewer
with a note naming the proposal and its author. A field that changed since the
editor saw it is not applied blindly: it is refused with the reason. Nobody
reviews their own proposal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.catalogue.models import Location, Service
from socialmap.catalogue.operations import update_location, update_service
from socialmap.freshness import mail
from socialmap.freshness.operations import verify
from socialmap.maintenance import editing, permissions
from socialmap.maintenance.models import Account, ProposedChange
from socialmap.problems import _


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Kind:
    """What review needs to know of one kind of entry."""

    model: type
    values: Callable  # entry -> its values in the form's shape
    may_edit: Callable  # (session, account, entry) -> bool
    apply: Callable  # (session, entry, actor, note, values, stored) -> None, through the audited operation
    name: Callable  # entry -> how a person recognises it


def _apply_service(session: Session, service: Service, actor: str, note: str, values: dict, stored: dict) -> None:
    update_service(session, service, actor, note=note, **editing.as_changes(values, stored))


def _apply_location(session: Session, location: Location, actor: str, note: str, values: dict, stored: dict) -> None:
    update_location(session, location, actor, note=note, **editing.location_changes(values, stored))


KINDS = {
    "service": Kind(Service, editing.service_values, permissions.may_edit_service, _apply_service, lambda s: s.name),
    "location": Kind(
        Location, editing.location_values, permissions.may_edit_location, _apply_location, lambda loc: loc.address
    ),
}


def _entity_of(entry) -> str:
    return next(name for name, kind in KINDS.items() if isinstance(entry, kind.model))


def _reviewer_grants(account: Account) -> list:
    return [g for g in account.grants if g.role in ("admin", "coordinator")]


def may_review(session: Session, account: Account | None, entry: Service | Location) -> bool:
    """A coordinator or admin who may edit the entry (an editor's own role does not count)."""
    if account is None or not account.is_active:
        return False
    return KINDS[_entity_of(entry)].may_edit(session, _WithGrants(_reviewer_grants(account)), entry)


class _WithGrants:
    """An account seen with only some of its grants (to ask the permissions as a reviewer)."""

    is_active = True

    def __init__(self, grants: list):
        self.grants = grants


def needs_review(session: Session, account: Account, entry: Service | Location) -> bool:
    """Whether this account's edit of the entry waits for a coordinator: it may
    edit it only as the organisation's editor, and the organisation is not trusted."""
    trusted = entry.organisation is not None and entry.organisation.trusted
    return not may_review(session, account, entry) and not trusted


def propose(
    session: Session, entry: Service | Location, actor: str, base: dict, values: dict, note: str | None = None
) -> ProposedChange:
    """Keep the fields where ``values`` differ from ``base`` (what the editor saw) as an open proposal."""
    changed = {f: values[f] for f in base if f in values and values[f] != base[f]}
    proposal = ProposedChange(
        entity=_entity_of(entry),
        entity_id=entry.id,
        entity_key=entry.key,
        proposed_by=actor,
        base={f: base[f] for f in changed},
        changes=changed,
        note=note,
        status="open",
    )
    session.add(proposal)
    session.flush()
    return proposal


@dataclass(frozen=True)
class Open:
    proposal: ProposedChange
    name: str  # of the entry it is about
    current: dict  # the entry's values now


def entry_of(session: Session, proposal: ProposedChange):
    kind = KINDS.get(proposal.entity)
    return session.get(kind.model, proposal.entity_id) if kind is not None else None


def open_proposals(session: Session, account: Account) -> list[Open]:
    """The open proposals this account may review, oldest first."""
    found = []
    for proposal in session.scalars(
        select(ProposedChange).where(ProposedChange.status == "open").order_by(ProposedChange.id)
    ):
        entry = entry_of(session, proposal)
        if entry is not None and may_review(session, account, entry):
            kind = KINDS[proposal.entity]
            found.append(Open(proposal, kind.name(entry), kind.values(entry)))
    return found


@dataclass(frozen=True)
class Decision:
    applied: list[str]
    refused: dict[str, str]  # field -> why


class ReviewRefused(Exception):
    """The reviewer may not decide this proposal; ``str()`` says why."""


# A form field of a service and the section of the entry a reviewer's
# acceptance counts as checked (freshness.provenance).
FIELD_SECTIONS = {
    "hours": "hours",
    "meetings": "hours",
    "exceptions": "hours",
    "contacts": "contacts",
    "cost_note": "access",
    "conditions": "access",
    "waiting_weeks": "waiting",
    "waiting_updated": "waiting",
    "locations": "location",
}
# A public report's fields that say what is wrong in words; the reviewer makes
# the change in the form (they are marked handled, never applied as they are).
REPORTED = "report:"


def decide(
    session: Session,
    proposal: ProposedChange,
    reviewer: Account,
    accept: set[str],
    note: str | None = None,
    edits: dict | None = None,
) -> Decision:
    """Accept the fields in ``accept`` (none: reject the proposal) and close it.
    ``edits``: a reviewer's own value for an accepted text field (edit before
    accepting). Accepted fields of a service count as checked, and a reporter
    who left an address is told the outcome (the address is then removed)."""
    entry = entry_of(session, proposal)
    if proposal.status != "open":
        raise ReviewRefused(_("Over dit voorstel is al beslist."))
    if reviewer.actor == proposal.proposed_by:
        raise ReviewRefused(_("U kunt uw eigen voorstel niet beoordelen."))
    if entry is None or not may_review(session, reviewer, entry):
        raise ReviewRefused(_("U kunt voorstellen voor dit item niet beoordelen."))
    kind = KINDS[proposal.entity]
    stored = kind.values(entry)
    applied, refused, values = [], {}, dict(stored)
    handled = []
    for field_ in sorted(accept & set(proposal.changes)):
        if field_.startswith(REPORTED):
            handled.append(field_)
            continue
        if stored.get(field_) != proposal.base.get(field_):
            refused[field_] = _("is sinds het voorstel al gewijzigd; bekijk de huidige waarde")
            continue
        value = proposal.changes[field_]
        if edits and field_ in edits and isinstance(value, str):
            value = edits[field_].strip()
        values[field_] = value
        applied.append(field_)
    why = _("voorstel %(id)d van %(who)s", id=proposal.id, who=proposal.proposed_by)
    if applied:
        kind.apply(session, entry, reviewer.actor, f"{why}: {note}" if note else why, values, stored)
        sections = sorted({FIELD_SECTIONS[f] for f in applied if f in FIELD_SECTIONS})
        if proposal.entity == "service" and sections:
            verify(session, entry, reviewer.actor, "review", sections, note=why)
    proposal.status = "accepted" if applied or handled else "rejected"
    proposal.decided_by, proposal.decided_at, proposal.decision_note = reviewer.actor, _now(), note
    if proposal.contact:
        mail.queue(
            session,
            proposal.contact,
            _("Uw melding over %(name)s", name=kind.name(entry)),
            _outcome(proposal, kind.name(entry), applied or handled),
            "outcome",
            by=reviewer.actor,
        )
        proposal.contact = None  # given only to hear the outcome: not kept after it
    session.flush()
    return Decision(applied + handled, refused)


def _outcome(proposal: ProposedChange, name: str, taken: list[str]) -> str:
    if taken:
        text = _("Dank u voor uw melding over %(name)s. We hebben het nagekeken en de kaart aangepast.", name=name)
    else:
        text = _("Dank u voor uw melding over %(name)s. We hebben het nagekeken en niets veranderd.", name=name)
    if proposal.decision_note:
        text += "\n\n" + proposal.decision_note
    return text + "\n"
