"""Writes to the catalogue. Operations flush, never commit: the caller (a
request or CLI command, through ``transaction.unit_of_work``) commits once."""
from __future__ import annotations

from sqlalchemy.orm import Session

from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.models import Service

EDITABLE_TEXT = ("name", "summary", "description", "conditions", "cost_note", "status_note")


class InvalidChange(ValueError):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


def update_service(session: Session, service: Service, **changes) -> Service:
    """Change a service's texts, status or codes; validated before anything is set."""
    for field, value in changes.items():
        if field in EDITABLE_TEXT:
            if field in ("name", "summary") and not (value or "").strip():
                raise InvalidChange(field, "is required")
        elif field == "status":
            if value not in voc.STATUS:
                raise InvalidChange(field, f"expected one of {list(voc.STATUS)}")
        elif field == "domains":
            if not value or set(value) - set(voc.DOMAINS):
                raise InvalidChange(field, "expected one or more known domains")
        else:
            raise InvalidChange(field, "cannot be changed here")
    for field, value in changes.items():
        if field == "domains":
            service.set_codes("domain", list(value))
        else:
            setattr(service, field, value.strip() if isinstance(value, str) else value)
    session.flush()
    return service
