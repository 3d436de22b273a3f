"""What a person in crisis is shown first: the crisis lines (a data file, see
``crisis.crisis_lines``) and the region's own crisis services (from the
catalogue). Used by every page (``web.py``), the search, the route finder and
the API, so they all say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from socialmap.catalogue.audience import is_professional_only
from socialmap.catalogue.models import NeedTerm, Service, ServiceFacet
from socialmap.catalogue.models.service import service_need
from socialmap.i18n import localized
from socialmap.safety.crisis import CrisisLine, CrisisSignal, crisis_lines, detect

CRISIS_NEED = "mental.crisis"
CRISIS_KIND = "crisis_service"
MAX_SERVICES = 4


@dataclass(frozen=True)
class CrisisHelp:
    """The signal (None on the plain "help now" page), the lines, the services."""

    signal: CrisisSignal | None
    lines: list[CrisisLine]
    services: list[Service] = field(default_factory=list)


def is_crisis_service(kinds, direct_needs) -> bool:
    """A service the catalogue marks for a crisis: kind crisis service, or the
    crisis need among the needs it was made for."""
    return CRISIS_KIND in kinds or CRISIS_NEED in direct_needs


def crisis_services(session: Session) -> list[Service]:
    """The region's live crisis services for the public: crisis services first,
    then services tagged with the crisis need (e.g. the out-of-hours GP service)."""
    crisis_need = select(service_need.c.service_id).join(NeedTerm).where(NeedTerm.code == CRISIS_NEED)
    crisis_kind = select(ServiceFacet.service_id).where(ServiceFacet.facet == "kind", ServiceFacet.code == CRISIS_KIND)
    found = session.scalars(
        select(Service)
        .where(Service.status == "active", Service.id.in_(crisis_need) | Service.id.in_(crisis_kind))
        .options(selectinload(Service.facets), selectinload(Service.contacts), selectinload(Service.organisation))
        .order_by(Service.name)
    ).all()
    public = [s for s in found if not is_professional_only(s)]
    public.sort(key=lambda s: (CRISIS_KIND not in s.kinds, not s.open_24_7))
    return public[:MAX_SERVICES]


def help_for(session: Session | None, text: str | None, extra_files=(), always: bool = False) -> CrisisHelp | None:
    """The crisis help for what a person typed: None when the words show no crisis
    (unless ``always``). A bereavement by suicide gets the lines, not the services."""
    signal = detect(text) if text else None
    if signal is None and not always:
        return None
    lines = crisis_lines(extra_files)
    services = crisis_services(session) if session is not None and (always or signal.is_crisis) else []
    return CrisisHelp(signal, lines, services)


def as_json(help_: CrisisHelp | None, locale: str) -> dict | None:
    """The API's shape: the same content as the page's crisis box."""
    if help_ is None:
        return None
    return {
        "kind": help_.signal.kind if help_.signal else None,
        "is_crisis": bool(help_.signal and help_.signal.is_crisis),
        "words": list(help_.signal.words) if help_.signal else [],
        "lines": [
            {
                "key": line.key,
                "name": line.label(locale),
                "text": line.text_for(locale),
                "phone": line.phone,
                "phone_display": line.phone_display,
                "url": line.url,
                "chat_url": line.chat_url,
            }
            for line in help_.lines
        ],
        "services": [_service_json(s, locale) for s in help_.services],
    }


def _service_json(service: Service, locale: str) -> dict:
    return {
        "key": service.key,
        "name": str(localized(service, "name", locale)),
        "summary": str(localized(service, "summary", locale)),
        "phones": [c.phone for c in service.public_contacts if c.phone],
        "open_24_7": service.open_24_7,
        "url": url_for("catalogue.service", key=service.key, _external=True),
    }
