"""The service print view on A4 (Chromium's own PDF printing): one page for a
service with long texts, the QR code at the top beside the name; a very long
service flows on to a second page without leaving the first one empty."""

import re

import pytest

# Demo services with the most to say: long descriptions, opening hours with
# meetings, several contacts, locations or served wijken.
LONG_SERVICES = [
    "s-bt-centrum-west",
    "c-huisartsenpost-amstelstad-spoed",
    "s-sd-schuldhulp",
    "s-doco-amsterdam",
    "c-amstelstroom-crisisdienst",
    "c-kompas-jeugd-ggz-noord",
]
MM = 96 / 25.4  # CSS px per millimetre


def pages(pdf: bytes) -> int:
    """Page objects in a PDF (Chromium writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("key", LONG_SERVICES)
def test_one_a4_page(open_page, key):
    page = open_page(f"/dienst/{key}/afdrukken?lang=nl")
    assert pages(page.pdf(format="A4")) == 1
    assert page.problems == []


def test_the_qr_code_is_at_the_top_beside_the_name(open_page):
    page = open_page("/dienst/s-bt-centrum-west/afdrukken?lang=nl")
    page.emulate_media(media="print")
    qr = page.locator(".print-online img").bounding_box()
    name = page.locator("h1").bounding_box()
    assert qr["width"] == pytest.approx(28 * MM, abs=1) and qr["height"] == pytest.approx(28 * MM, abs=1)
    assert qr["x"] > name["x"] + name["width"] - 1  # to the right of the name
    assert qr["y"] < name["y"] + name["height"]  # level with it, not below the text
    assert page.locator(".print-source").is_visible()  # the address in words, too


def test_a_very_long_service_flows_on_to_a_second_page(open_page):
    page = open_page("/dienst/s-bt-centrum-west/afdrukken?lang=nl")
    page.evaluate("""() => { const p = document.querySelector('#what + p');
                             p.textContent = Array(12).fill(p.textContent).join(' '); }""")
    assert pages(page.pdf(format="A4")) == 2  # not three: page 1 is not left empty
