""" "Why this result" says only what is true: a word is claimed only when the
service's text holds it (or its stem, or a compound containing it); a typo is
shown as the word the text holds; a need is claimed only when the service has it."""

import functools
import re

import pytest
from sqlalchemy import select

from socialmap.catalogue.models import NeedTerm, Service, service_need
from socialmap.search.analysis import stem, terms


@pytest.fixture(scope="module")
def run(demo_search):
    return functools.partial(demo_search, per_page=40)


def texts_of(session, key: str) -> tuple[str, str]:
    svc = session.scalar(select(Service).where(Service.key == key))
    en = (svc.translations or {}).get("en") or {}
    dutch = " ".join((svc.name, svc.summary, svc.description or "", svc.organisation.name))
    english = " ".join(en.get(f) or "" for f in ("name", "summary", "description"))
    return dutch, english


def by_key(response) -> dict:
    return {h.key: h for h in response.hits}


@pytest.mark.parametrize(
    "text, where",
    [
        ("rouwgroep", "1103"),
        ("rouwgroup", None),
        ("rouwverwerking", None),
        ("schuldhulp verleneing", None),
        ("verslavnig", None),
        ("geldzorgen", None),
        ("eenzaam", "1024"),
        ("mantelzrog", None),
        ("taalcafé", None),
    ],
)
def test_every_claimed_word_is_in_the_text(run, demo_session, text, where):
    for hit in run(text, where).hits:
        dutch, english = texts_of(demo_session, hit.key)
        words = set(re.findall(r"\w+", (dutch + " " + english).lower()))
        for word in hit.matched_words:
            assert (
                word in words or stem(word, "nl") in terms(dutch, "nl") or stem(word, "en") in terms(english, "en")
            ), f"{text!r}: {hit.key} claims {word!r}"


def test_a_typo_is_shown_as_the_word_the_text_holds(run):
    response = run("rouwgroup")
    assert all("rouwgroup" not in h.matched_words for h in response.hits)
    assert by_key(response)["s-rk-rouwgroep-oost"].matched_words == ["rouwgroep"]
    schulden = run("schuldhulp verleneing")
    assert all("verleneing" not in h.matched_words for h in schulden.hits)
    addiction = by_key(run("verslavnig"))
    assert addiction["c-debrug-naasten"].matched_words == ["verslaving"]


def test_a_compound_is_claimed_only_when_the_text_holds_it(run):
    hits = by_key(run("rouwgroep", "1103"))
    assert hits["s-rk-rouwgroep-oost"].matched_words == ["rouwgroep"]
    # the text says "rouw", not "rouwgroep"; and "herstelgroep", not "rouwgroep"
    assert hits["c-gaasperstroom-basis-ggz"].matched_words == ["rouw"]
    assert hits["s-zh-verslaving-herstel"].matched_words == ["herstelgroep"]
    # a compound in the text holds the word the person typed
    noord = by_key(run("rouw", per_page=100))["s-rk-rouwcafe-noord"]  # long unchecked: after the checked ones
    assert noord.matched_words == ["rouw"]


def test_a_need_only_the_taxonomy_matched_claims_no_words(run):
    """'Online cursus Verder na verlies' never says 'rouw': it helps with grief."""
    hit = by_key(run("rouwgroep", "1103"))["c-zelfhulpwijzer-rouw"]
    assert hit.matched_needs == ["Rouw en verlies"] and hit.matched_words == []


def test_chosen_needs_are_claimed_only_for_services_that_have_them(run, demo_session):
    labels = dict(demo_session.execute(select(NeedTerm.code, NeedTerm.label)).all())
    response = run(needs=("fin.debt", "house.eviction"), per_page=100)
    assert response.total > 0
    both = 0
    for hit in response.hits:
        codes = set(
            demo_session.scalars(select(NeedTerm.code).join(service_need).where(service_need.c.service_id == hit.id))
        )
        assert hit.matched_needs and set(hit.matched_needs) <= {labels[c] for c in codes}, hit.key
        both += len(hit.matched_needs) == 2
    assert 0 < both < response.total  # some have both, some only one


def test_the_page_says_only_what_the_text_holds(client):
    html = client.get("/zoeken?q=rouwgroup&where=1103&lang=nl").get_data(as_text=True)
    assert "de tekst noemt ‘rouwgroup’" not in html and "de tekst noemt ‘rouwgroep’" in html
    body = client.get("/api/v1/search?q=rouwgroup&where=1103").get_json()
    assert all("rouwgroup" not in r["why"]["words"] for r in body["results"])


def test_the_page_names_only_the_chosen_needs_a_service_has(client):
    html = client.get("/zoeken?need=fin.debt&need=house.eviction&per_page=100&lang=nl").get_data(as_text=True)
    items = re.findall(r'<li class="hit">.*?</li>\s*(?=<li class="hit">|</ol>)', html, re.S)
    why = {
        re.search(r'href="/dienst/([^"]+)"', i).group(1): re.sub(
            r"\s+", " ", re.search(r'<li class="hit-why">(.*?)</li>', i, re.S).group(1)
        )
        for i in items
    }
    assert "Schulden" in why["s-sd-schuldhulp"] and "Dreigende huisuitzetting" in why["s-sd-schuldhulp"]
    assert "Schulden" in why["c-debrug-gokken-gamen"] and "huisuitzetting" not in why["c-debrug-gokken-gamen"]
