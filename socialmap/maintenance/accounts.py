"""Making accounts and changing their roles: the operations behind the CLI
(``flask --app socialmap accounts ...``) and, later, the admin pages. They
flush, never commit; each names what is wrong with its input (Invalid).

There is no sign-up: an admin makes an account, and the person sets the
password through a one-time invitation link that expires.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.catalogue.models import AreaUnit, Organisation
from socialmap.maintenance.auth import find_account, hash_password, password_problem
from socialmap.maintenance.models import ROLES, Account, Grant, Invitation
from socialmap.problems import Invalid, Problem, _, did_you_mean, shown

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
INVITATION_DAYS = 3
# The levels a coordinator's scope may have.
SCOPE_LEVELS = ("country", "region", "municipality")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _invalid(field: str, message: str) -> Invalid:
    return Invalid([Problem("", field, message)])


def create_account(session: Session, username: str, display_name: str, email: str | None = None) -> Account:
    name = (username or "").strip().lower()
    if not USERNAME.match(name):
        raise _invalid(
            "username",
            _("gebruik 2 tot 80 kleine letters, cijfers, punten, streepjes: %(value)s", value=shown(username)),
        )
    if find_account(session, name) is not None:
        raise _invalid("username", _("er is al een account %(value)s", value=shown(name)))
    if not (display_name or "").strip():
        raise _invalid("name", _("is verplicht"))
    account = Account(username=name, display_name=display_name.strip()[:120], email=(email or "").strip() or None)
    session.add(account)
    session.flush()
    return account


def account_named(session: Session, username: str) -> Account:
    account = find_account(session, username)
    if account is None:
        raise _invalid("username", _("geen account %(value)s", value=shown(username)))
    return account


def _scope(session: Session, role: str, area_code: str | None, organisation_key: str | None):
    area = organisation = None
    if area_code:
        area = session.scalar(select(AreaUnit).where(AreaUnit.code == area_code))
        if area is None:
            raise _invalid("area", _("onbekend gebied %(value)s", value=shown(area_code)))
        if area.level not in SCOPE_LEVELS:
            raise _invalid(
                "area",
                _("een coördinator werkt voor een regio of gemeente, niet voor %(value)s", value=shown(area_code)),
            )
    if organisation_key:
        organisation = session.scalar(select(Organisation).where(Organisation.key == organisation_key))
        if organisation is None:
            raise _invalid("organisation", _("onbekende organisatie %(value)s", value=shown(organisation_key)))
    if role == "coordinator" and area is None:
        raise _invalid("area", _("een coördinator heeft een gebied nodig (--area, bijvoorbeeld GM0363)"))
    if role == "org_editor" and organisation is None:
        raise _invalid("organisation", _("een redacteur hoort bij een organisatie (--organisation)"))
    if role in ("admin", "professional") and (area is not None or organisation is not None):
        raise _invalid("role", _("de rol %(role)s heeft geen gebied of organisatie", role=role))
    return area, organisation


def grant(
    session: Session,
    account: Account,
    role: str,
    area_code: str | None = None,
    organisation_key: str | None = None,
    by: str | None = None,
) -> Grant:
    if role not in ROLES:
        raise _invalid(
            "role",
            did_you_mean(
                _("onbekende rol %(value)s; kies een van: %(codes)s", value=shown(role), codes=", ".join(ROLES)),
                role,
                ROLES,
            ),
        )
    area, organisation = _scope(session, role, area_code, organisation_key)
    for g in account.grants:
        if g.role == role and g.area is area and g.organisation is organisation:
            return g
    new = Grant(role=role, area=area, organisation=organisation, created_by=by)
    account.grants.append(new)
    session.flush()
    return new


def revoke(
    session: Session, account: Account, role: str, area_code: str | None = None, organisation_key: str | None = None
) -> int:
    """Remove the matching grants; how many were removed."""
    matching = [
        g
        for g in account.grants
        if g.role == role
        and (area_code is None or (g.area is not None and g.area.code == area_code))
        and (organisation_key is None or (g.organisation is not None and g.organisation.key == organisation_key))
    ]
    for g in matching:
        account.grants.remove(g)
    session.flush()
    return len(matching)


def invite(session: Session, account: Account, by: str | None = None, days: int = INVITATION_DAYS) -> str:
    """A new one-time token for setting the password (earlier unused ones stop working)."""
    for old in session.scalars(
        select(Invitation).where(Invitation.account_id == account.id, Invitation.used_at.is_(None))
    ):
        old.used_at = _now()
    token = secrets.token_urlsafe(32)
    session.add(
        Invitation(account=account, token_hash=_digest(token), expires_at=_now() + timedelta(days=days), created_by=by)
    )
    session.flush()
    return token


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for(session: Session, token: str) -> Invitation | None:
    """The usable invitation with this token (unused, not expired), or None."""
    found = session.scalar(select(Invitation).where(Invitation.token_hash == _digest(token or "")))
    if found is None or found.used_at is not None or found.expires_at < _now():
        return None
    return found


def accept(session: Session, invitation: Invitation, password: str, repeated: str) -> Account:
    """Set the account's password with the invitation (used up)."""
    problems = []
    problem = password_problem(password or "")
    if problem:
        problems.append(Problem("", "password", problem))
    elif password != repeated:
        problems.append(Problem("", "repeated", _("de twee wachtwoorden zijn niet gelijk")))
    if problems:
        raise Invalid(problems)
    account = invitation.account
    account.password_hash = hash_password(password)
    account.locked_at = None
    account.failed_logins = 0
    invitation.used_at = _now()
    session.flush()
    return account


def set_password(session: Session, account: Account, password: str) -> None:
    problem = password_problem(password or "")
    if problem:
        raise _invalid("password", problem)
    account.password_hash = hash_password(password)
    session.flush()
