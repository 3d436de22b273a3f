"""Messages out: into the outbox in the same transaction as what they are
about, and sent by SMTP only once that transaction has committed (a rolled-back
round sends nothing). Without SMTP settings they wait in the outbox, which a
coordinator reads and passes on (the demo works that way)."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from socialmap.extensions import db
from socialmap.freshness.models import OutboxMessage
from socialmap.transaction import after_commit

log = logging.getLogger(__name__)
_QUEUED = "socialmap_outbox_queued"


def queue(session: Session, to: str, subject: str, body: str, purpose: str, by: str | None = None) -> OutboxMessage:
    """Put a message in the outbox (``by``: the actor who caused it); with SMTP
    configured it is sent after the commit."""
    message = OutboxMessage(to_address=to, subject=subject, body=body, purpose=purpose, created_by=by)
    session.add(message)
    session.flush()
    if current_app.config.get("SMTP_HOST"):
        pending = session.info.setdefault(_QUEUED, [])
        if not pending:
            after_commit(session, lambda: deliver(session.info.pop(_QUEUED, [])))
        pending.append(message.id)
    return message


def deliver(ids: list[int]) -> int:
    """Send these outbox messages by SMTP; each gets its sent time or the error
    (it stays in the outbox to send again). Returns how many were sent."""
    config = current_app.config
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(OutboxMessage.id, OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.body).where(
                OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None)
            )
        ).all()
    sent = 0
    results: list[tuple[int, datetime | None, str | None]] = []
    try:
        with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=15) as smtp:
            if config.get("SMTP_STARTTLS") and smtp.has_extn("starttls"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            for message_id, to, subject, body in rows:
                mail = EmailMessage()
                mail["From"], mail["To"], mail["Subject"] = config["MAIL_FROM"], to, subject
                mail.set_content(body)
                try:
                    smtp.send_message(mail)
                    results.append((message_id, datetime.now(UTC).replace(tzinfo=None), None))
                    sent += 1
                except smtplib.SMTPException as exc:
                    results.append((message_id, None, str(exc)[:500]))
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail not sent (%s); the messages wait in the outbox", exc)
        done = {r[0] for r in results}
        results += [(row[0], None, str(exc)[:500]) for row in rows if row[0] not in done]
    with db.engine.begin() as conn:
        for message_id, at, error in results:
            conn.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(sent_at=at, error=error))
    return sent
