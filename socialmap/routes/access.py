"""Who may see professional-only details (consultation lines, referral instructions).

There are no accounts yet (a later issue adds them): every visitor is
anonymous, so nothing professional-only is shown. Views and templates ask
only this function, so accounts need to change it and nothing else.
"""
from __future__ import annotations

from flask import g


def viewer_is_professional() -> bool:
    user = g.get("user")
    return bool(user is not None and getattr(user, "is_professional", False))
