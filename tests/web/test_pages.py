"""Public pages: rendered, in Dutch by default, English on request, no private data."""

import re

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


def test_counted_words_agree_with_the_number(demo_apps):
    from types import SimpleNamespace

    from socialmap.catalogue import presenters

    app = demo_apps("spatialite")
    with app.app_context(), app.test_request_context("/?lang=nl"):

        def weeks(n):
            return presenters.waiting_text(SimpleNamespace(waiting_weeks=n))

        def ages(lo, hi):
            return presenters.age_text(SimpleNamespace(min_age=lo, max_age=hi))

        assert weeks(1) == "Ongeveer 1 week wachten"
        assert weeks(2) == "Ongeveer 2 weken wachten"
        assert weeks(0) == "Geen wachtlijst" and weeks(None) is None
        assert ages(None, 1) == "Tot en met 1 jaar" and ages(2, None) == "Vanaf 2 jaar"
        assert ages(12, 23) == "Van 12 tot en met 23 jaar"


def test_waiting_weeks_on_the_service_page(client, demo_session):
    one = demo_session.scalar(select(Service).where(Service.waiting_weeks == 1))
    two = demo_session.scalar(select(Service).where(Service.waiting_weeks == 2))
    assert "Ongeveer 1 week wachten" in client.get(f"/dienst/{one.key}?lang=nl").get_data(as_text=True)
    assert "Ongeveer 2 weken wachten" in client.get(f"/dienst/{two.key}/afdrukken?lang=nl").get_data(as_text=True)


def test_home_counts_in_words(client):
    html = client.get("/?lang=nl").get_data(as_text=True)
    assert re.search(r"\d+ diensten van \d+ organisaties in \d+ buurten en \d+ wijken\.", html)


def test_print_view_has_the_qr_code_beside_the_name(client):
    html = client.get("/dienst/s-bt-centrum-west/afdrukken?lang=nl").get_data(as_text=True)
    head = html[
        html.index('<header class="service-head">') : html.index("</header>", html.index('class="service-head"'))
    ]
    assert '<figure class="print-online">' in head and "data:image/svg+xml" in head
    assert "Scan de code voor de nieuwste gegevens." in head
    assert 'class="print-source"' in html and "http://localhost/dienst/s-bt-centrum-west" in html
