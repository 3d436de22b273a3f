"""Signing in and out.

* Passwords: argon2id hashes (argon2-cffi), rehashed at sign-in when the
  parameters change; an unknown user name costs the same work as a wrong
  password, so the answer does not tell which names exist.
* Sessions: Flask's signed cookie (HttpOnly, SameSite=Lax, Secure unless
  ``COOKIE_SECURE`` is false, as for the local demo over http), emptied and
  made anew at sign-in; the id in it includes the account's
  ``session_token``, so "sign out everywhere" (a new token) ends every session.
* Guessing: per address and per account name at most ``LOGIN_RATE_LIMIT``
  attempts (Flask-Limiter), and after ``LOGIN_MAX_FAILURES`` failures in a row
  the account locks until an admin unlocks it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, request, session
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialmap.extensions import db
from socialmap.maintenance.models import Account, new_session_token
from socialmap.problems import _


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # stored naive, in UTC


_hasher = PasswordHasher()
# Verified against when the name is unknown, so both answers take as long.
_DUMMY_HASH = _hasher.hash("not a password of anyone")

login_manager = LoginManager()
login_manager.login_view = "maintenance.login"
login_manager.session_protection = None  # the session_token in the id does this, across workers


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_message = None  # the sign-in page says why by itself


@login_manager.user_loader
def _load(user_id: str) -> Account | None:
    account_id, _sep, token = user_id.partition(":")
    if not account_id.isdigit() or not token:
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or not account.is_active or account.locked_at is not None or account.session_token != token:
        return None
    return account


def hash_password(password: str) -> str:
    return _hasher.hash(password)


MIN_PASSWORD_LENGTH = 12


def password_problem(password: str) -> str | None:
    """Why a new password is not good enough, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("kies een wachtwoord van minstens %(n)d tekens", n=MIN_PASSWORD_LENGTH)
    if len(set(password)) < 5:
        return _("kies een wachtwoord met meer verschillende tekens")
    return None


def find_account(session: Session, username: str) -> Account | None:
    name = (username or "").strip().lower()
    if not name:
        return None
    return session.scalar(select(Account).where(func.lower(Account.username) == name))


def authenticate(session: Session, username: str, password: str) -> Account | None:
    """The account when name and password fit and it may sign in; else None.
    Counts failures and locks the account after ``LOGIN_MAX_FAILURES``. The
    caller commits (a failure's count too)."""
    account = find_account(session, username)
    stored = account.password_hash if account is not None and account.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password or "")
        correct = account is not None and account.password_hash is not None
    except (VerificationError, InvalidHashError):
        correct = False
    if account is None:
        return None
    if not correct or not account.is_active or account.locked_at is not None:
        if account.locked_at is None:
            account.failed_logins = (account.failed_logins or 0) + 1
            if account.failed_logins >= int(current_app.config["LOGIN_MAX_FAILURES"]):
                account.locked_at = _now()
        return None
    account.failed_logins = 0
    account.last_login_at = _now()
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return account


def sign_in(account: Account) -> None:
    """A new session for ``account`` (the old one's contents are dropped; the
    chosen language stays)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session.permanent = True
    login_user(account)


def sign_out() -> None:
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def sign_out_everywhere(account: Account) -> None:
    """Every session of the account ends (their ids no longer match)."""
    account.session_token = new_session_token()


def unlock(account: Account) -> None:
    account.locked_at = None
    account.failed_logins = 0


def login_rate_key() -> str:
    """Flask-Limiter's key for the per-account limit: the name tried."""
    return "account:" + (request.form.get("username") or "").strip().lower()[:80]
