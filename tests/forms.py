"""Reading and sending the site's forms as a browser would, for the Flask test client."""

from __future__ import annotations

import html
import re


def token_of(page: str) -> str:
    """The CSRF token a page's forms carry."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username: str, password: str):
    page = client.get("/beheer/inloggen").get_data(as_text=True)
    return client.post(
        "/beheer/inloggen", data={"username": username, "password": password, "csrf_token": token_of(page)}
    )


def form_of(page: str, marker: str = '<form method="post" class="edit-form"') -> dict[str, list[str]]:
    """The fields a browser would send for the form starting at ``marker``:
    inputs (checkboxes and radios only when checked), textareas, selected options."""
    form = page[page.index(marker) :]
    form = form[: form.index("</form>")]
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or " disabled" in tag:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio") and " checked" not in tag:
            continue
        default = "on" if kind and kind.group(1) == "checkbox" else ""
        data.setdefault(name.group(1), []).append(html.unescape(value.group(1)) if value else default)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = [html.unescape(body)]
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = [html.unescape(chosen.group(1)) if chosen else ""]
    return data


def make_account(
    app,
    username: str,
    role: str | None = None,
    area: str | None = None,
    organisation: str | None = None,
    password: str = "een lange zin als wachtwoord",
) -> None:
    """An account with a password and, when given, one role (as an admin makes it)."""
    from socialmap.extensions import db
    from socialmap.maintenance import accounts
    from socialmap.transaction import unit_of_work

    with app.app_context(), unit_of_work():
        account = accounts.create_account(db.session, username, username.title())
        accounts.set_password(db.session, account, password)
        if role:
            accounts.grant(db.session, account, role, area, organisation, by="test")
