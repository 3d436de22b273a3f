"""Update rounds: each organisation with entries in a selection gets a
personal, expiring link (no account) to a page with its entries, where it
confirms sections ("nothing changed") or proposes changes.

Only a token's SHA-256 is stored. A link works until it expires, is revoked,
or its round closes. A confirmation is a verification (how: provider_link,
with the round); a proposed change waits in the review queue unless the
organisation is trusted, when it applies at once. Both are audited as
``link:<id>``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.audit import acting
from socialmap.catalogue.areas import area_tree
from socialmap.catalogue.models import Service
from socialmap.catalogue.operations import update_service
from socialmap.freshness import mail
from socialmap.freshness.models import ProviderLink, UpdateRound, Verification
from socialmap.freshness.operations import verify
from socialmap.freshness.stages import Thresholds
from socialmap.maintenance import editing
from socialmap.maintenance.models import ProposedChange
from socialmap.problems import Invalid, Problem, _

SELECTIONS = ("overdue", "due", "organisation", "kind", "area", "all")
LATE = ("overdue", "possibly_outdated", "demoted")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def select_services(session: Session, candidates: list[Service], which: str, value: str = "") -> list[Service]:
    """Of ``candidates`` (the services the coordinator may edit, running), those the selection names."""
    if which == "overdue":
        return [s for s in candidates if s.freshness_stage in LATE]
    if which == "due":
        return [s for s in candidates if s.freshness_stage in ("due", *LATE)]
    if which == "organisation":
        return [s for s in candidates if s.organisation.key == value]
    if which == "kind":
        return [s for s in candidates if value in s.kinds]
    if which == "area":
        tree = area_tree(session)
        area = tree.id_of.get(value)
        if area is None:
            return []
        inside = tree.ids_under(area) | {area}
        return [
            s
            for s in candidates
            if any(a.id in inside for a in s.areas_served) or any(loc.neighbourhood_id in inside for loc in s.locations)
        ]
    return list(candidates)


def contact_address(services: list[Service]) -> str | None:
    """Where an organisation is asked: its own e-mail, else its services' first public contact address."""
    organisation = services[0].organisation
    if organisation.email:
        return organisation.email
    return next((c.email for s in services for c in s.public_contacts if c.email), None)


@dataclass
class Started:
    round: UpdateRound
    links: list[tuple[ProviderLink, str]]  # each link with its token (shown/sent once)
    without_address: list[str]  # organisations nobody can be asked (no e-mail known)


def start_round(
    session: Session,
    actor: str,
    title: str,
    services: list[Service],
    base_url: str,
    link_days: int = 28,
    remind_after_days: int = 7,
    selection: dict | None = None,
) -> Started:
    """A round for ``services``: per organisation one link, mailed (or put in the outbox)."""
    problems = []
    if not title.strip():
        problems.append(Problem("", "title", _("geef de ronde een naam")))
    if not services:
        problems.append(Problem("", "which", _("deze keuze bevat geen diensten")))
    if not 1 <= link_days <= 365:
        problems.append(Problem("", "days", _("een link werkt 1 tot 365 dagen")))
    if problems:
        raise Invalid(problems)
    now = _now()
    per_org: dict[int, list[Service]] = {}
    for service in services:
        per_org.setdefault(service.organisation_id, []).append(service)
    with acting(session, actor):
        round_ = UpdateRound(
            title=title.strip(),
            selection=selection or {},
            service_ids=sorted(s.id for s in services),
            created_by=actor,
            closes_at=now + timedelta(days=link_days),
            remind_after_days=remind_after_days,
        )
        session.add(round_)
        session.flush()
        links, without = [], []
        for org_services in per_org.values():
            address = contact_address(org_services)
            if address is None:
                without.append(org_services[0].organisation.name)
                continue
            token = secrets.token_urlsafe(32)
            link = ProviderLink(
                round_id=round_.id,
                organisation_id=org_services[0].organisation_id,
                email=address,
                token_hash=_hash(token),
                expires_at=round_.closes_at,
                sent_at=now,
            )
            session.add(link)
            session.flush()
            links.append((link, token))
            mail.queue(
                session,
                address,
                _("Kloppen uw gegevens op de sociale kaart nog?"),
                _round_message(org_services, round_, f"{base_url.rstrip('/')}/bijwerken?t={token}"),
                "round",
                by=actor,
            )
    return Started(round_, links, without)


def _round_message(services: list[Service], round_: UpdateRound, url: str) -> str:
    names = "\n".join(f"- {s.name}" for s in services)
    return _(
        "Goedendag,\n\nOp de sociale kaart staan deze diensten van %(org)s:\n%(names)s\n\n"
        "Wilt u nakijken of de openingstijden, contactgegevens, kosten, wachttijd en het adres nog kloppen? "
        "Klopt alles, dan is één klik genoeg. Is er iets veranderd, dan geeft u het op dezelfde pagina door.\n\n"
        "%(url)s\n\nDeze link is alleen voor uw organisatie en werkt tot %(until)s. U heeft geen account nodig.\n",
        org=services[0].organisation.name,
        names=names,
        url=url,
        until=round_.closes_at.date().isoformat(),
    )


class LinkRefused(Exception):
    """The link does not work (unknown, expired, revoked, round closed); ``str()`` says which."""


def link_for(session: Session, token: str | None, now: datetime | None = None) -> ProviderLink:
    now = now or _now()
    link = session.scalar(select(ProviderLink).where(ProviderLink.token_hash == _hash(token or "")))
    if link is None:
        raise LinkRefused(
            _("Deze link kennen we niet. Gebruik de link uit de e-mail, of vraag de coördinator om een nieuwe.")
        )
    if link.revoked_at is not None:
        raise LinkRefused(_("Deze link is ingetrokken. Vraag de coördinator om een nieuwe."))
    if link.round.closed_at is not None or now > link.expires_at:
        raise LinkRefused(_("Deze link werkt niet meer: de ronde is voorbij. Vraag de coördinator om een nieuwe."))
    return link


def services_of(session: Session, link: ProviderLink) -> list[Service]:
    """The link's entries: its organisation's services in the round (still running)."""
    ids = link.round.service_ids or []
    return list(
        session.scalars(
            select(Service)
            .where(
                Service.id.in_(ids or [-1]), Service.organisation_id == link.organisation_id, Service.status != "ended"
            )
            .order_by(Service.name)
        )
    )


def opened(link: ProviderLink) -> None:
    if link.opened_at is None:
        link.opened_at = _now()


def confirm(
    session: Session, link: ProviderLink, service: Service, sections: list[str], thresholds: Thresholds | None = None
) -> None:
    """The organisation says these sections are still right."""
    if service not in services_of(session, link):
        raise Invalid([Problem("", "service", _("deze dienst hoort niet bij deze link"))])
    verify(
        session,
        service,
        link.actor,
        "provider_link",
        sections,
        note=_("updateronde %(id)d", id=link.round_id),
        round_id=link.round_id,
        thresholds=thresholds,
    )
    link.confirmed_at = link.confirmed_at or _now()


# What a provider may change on its page (the service form's names).
PROVIDER_FIELDS = ("summary", "conditions", "cost_note", "waiting_weeks", "waiting_updated", "contacts", "hours")


def propose(
    session: Session, link: ProviderLink, service: Service, values: dict, note: str | None, today: date | None = None
) -> ProposedChange | None:
    """The organisation's corrections: a proposal in the review queue, or, for a
    trusted organisation, applied at once. None when nothing differs."""
    if service not in services_of(session, link):
        raise Invalid([Problem("", "service", _("deze dienst hoort niet bij deze link"))])
    stored = editing.service_values(service)
    proposed = dict(stored)
    proposed.update({f: values[f] for f in PROVIDER_FIELDS if f in values})
    if proposed["waiting_weeks"] != stored["waiting_weeks"] and proposed["waiting_updated"] in (
        "",
        stored["waiting_updated"],
    ):
        proposed["waiting_updated"] = (today or _now().date()).isoformat()  # a new waiting time applies today
    changed = [f for f in PROVIDER_FIELDS if proposed[f] != stored[f]]
    if not changed and not note:
        return None
    why = _("updateronde %(id)d", id=link.round_id) + (f": {note}" if note else "")
    link.proposed_at = link.proposed_at or _now()
    if service.organisation.trusted and changed:
        update_service(session, service, link.actor, note=why, **editing.as_changes(proposed, stored))
        return None
    proposal = ProposedChange(
        entity="service",
        entity_id=service.id,
        entity_key=service.key,
        proposed_by=link.actor,
        base={f: stored[f] for f in changed},
        changes={f: proposed[f] for f in changed},
        note=why[:500],
        status="open",
        source="link",
    )
    session.add(proposal)
    session.flush()
    return proposal


def due_reminders(session: Session, now: datetime | None = None) -> list[ProviderLink]:
    """Links of open rounds never opened, sent at least the round's reminder days ago, not reminded yet."""
    now = now or _now()
    found = []
    for link in session.scalars(
        select(ProviderLink).where(
            ProviderLink.opened_at.is_(None), ProviderLink.reminded_at.is_(None), ProviderLink.revoked_at.is_(None)
        )
    ):
        if (
            link.round.closed_at is None
            and now < link.expires_at
            and link.sent_at is not None
            and now - link.sent_at >= timedelta(days=link.round.remind_after_days)
        ):
            found.append(link)
    return found


def remind(session: Session, base_url: str, now: datetime | None = None, round_id: int | None = None) -> int:
    """Send a reminder, with a fresh token (the old one stops working), to every link due one."""
    now = now or _now()
    count = 0
    for link in due_reminders(session, now):
        if round_id is not None and link.round_id != round_id:
            continue
        token = secrets.token_urlsafe(32)
        link.token_hash, link.reminded_at = _hash(token), now
        services = services_of(session, link)
        if not services:
            continue
        mail.queue(
            session,
            link.email,
            _("Herinnering: kloppen uw gegevens op de sociale kaart nog?"),
            _round_message(services, link.round, f"{base_url.rstrip('/')}/bijwerken?t={token}"),
            "reminder",
            by=link.round.created_by,
        )
        count += 1
    session.flush()
    return count


@dataclass(frozen=True)
class Progress:
    link: ProviderLink
    services: int


def round_progress(session: Session, round_: UpdateRound) -> tuple[float, list[Progress]]:
    """The share of the round's entries confirmed in it, and each organisation's link."""
    ids = set(round_.service_ids or [])
    confirmed = set(session.scalars(select(Verification.service_id).where(Verification.round_id == round_.id)))
    share = len(confirmed & ids) / len(ids) if ids else 0.0
    counts: dict[int, int] = {}
    for _service_id, organisation_id in session.execute(
        select(Service.id, Service.organisation_id).where(Service.id.in_(ids or [-1]))
    ):
        counts[organisation_id] = counts.get(organisation_id, 0) + 1
    return share, [Progress(link, counts.get(link.organisation_id, 0)) for link in round_.links]
