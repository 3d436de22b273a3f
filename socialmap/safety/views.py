"""``/hulp-nu``: the crisis lines and the region's crisis services, one click
from every page (the header links to it), for anyone who needs help now."""

from __future__ import annotations

from flask import Blueprint, render_template

from socialmap.extensions import db
from socialmap.safety.help import help_for
from socialmap.web import crisis_lines_files

bp = Blueprint("safety", __name__)


@bp.get("/hulp-nu")
def help_now():
    return render_template("safety/help_now.html", help=help_for(db.session, None, crisis_lines_files(), always=True))
