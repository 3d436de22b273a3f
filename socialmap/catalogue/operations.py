"""Writes to the catalogue. Operations flush, never commit: the caller (a
request or CLI command, through ``transaction.unit_of_work``) commits once."""
from __future__ import annotations

from sqlalchemy.orm import Session

from socialmap.audit import acting
from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.models import Service
from socialmap.problems import Invalid, Problem, _, shown

EDITABLE_TEXT = ("name", "summary", "description", "conditions", "cost_note", "status_note")


class InvalidChange(Invalid):
    """An edit breaks a rule; nothing was set."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__([Problem("", field, message)])


def update_service(session: Session, service: Service, actor: str, **changes) -> Service:
    """Change a service's texts, status or codes; validated before anything is set.
    ``actor`` (who acts: an account, ``"cli:<user>"``) is written to the audit log
    with each changed field."""
    for field, value in changes.items():
        if field in EDITABLE_TEXT:
            if field in ("name", "summary") and not (value or "").strip():
                raise InvalidChange(field, _("is verplicht"))
        elif field == "status":
            if value not in voc.STATUS:
                raise InvalidChange(field, _("%(value)s is geen status; kies een van: %(codes)s",
                                             value=shown(value), codes=", ".join(voc.STATUS)))
        elif field == "domains":
            if not value or set(value) - set(voc.DOMAINS):
                raise InvalidChange(field, _("kies een of meer domeinen uit: %(codes)s",
                                             codes=", ".join(voc.DOMAINS)))
        else:
            raise InvalidChange(field, _("kan hier niet worden gewijzigd"))
    with acting(session, actor):
        for field, value in changes.items():
            if field == "domains":
                service.set_codes("domain", list(value))
            else:
                setattr(service, field, value.strip() if isinstance(value, str) else value)
        session.flush()
    return service
