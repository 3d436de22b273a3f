"""Public pages: rendered, in Dutch by default, English on request, no private data."""
from sqlalchemy import select

from socialmap.catalogue.models import Contact, Service


def test_home_shows_the_counts_per_domain(client):
    page = client.get("/", headers={"Accept-Language": "nl"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Geld en schulden" in html and "diensten van" in html


def test_english_from_accept_language_and_remembered_choice(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Find help in" in html
    client.get("/?lang=nl")
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="nl">' in html  # the explicit choice wins and is remembered


def test_service_page_hides_professional_contacts(client, demo_session):
    svc = demo_session.scalars(select(Service).join(Contact).where(Contact.audience == "professional")).first()
    html = client.get(f"/dienst/{svc.key}?lang=nl").get_data(as_text=True)
    assert svc.name in html
    for c in svc.professional_contacts:
        if c.phone:
            assert c.phone not in html
        assert c.label not in html
    for c in svc.public_contacts:
        assert c.label in html


def test_untranslated_content_is_marked_dutch(client, demo_session):
    svc = next(s for s in demo_session.scalars(select(Service)) if "en" not in (s.translations or {}))
    html = client.get(f"/dienst/{svc.key}?lang=en").get_data(as_text=True)
    assert f'<h1><span lang="nl">{svc.name}</span></h1>' in html or f'lang="nl">{svc.name}<' in html


def test_unknown_service_is_a_plain_404(client):
    page = client.get("/dienst/bestaat-niet?lang=nl")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "Pagina niet gevonden" in html and "Traceback" not in html


def test_security_headers(client):
    page = client.get("/")
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
