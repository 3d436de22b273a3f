"""What a process caches (need matcher, need labels, area tree) follows an edit
made anywhere: a commit that writes need terms or areas raises a counter in the
database (a new stamp), which every cache compares before it is reused."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.catalogue.areas import area_tree
from socialmap.catalogue.models import AreaUnit, NeedTerm
from socialmap.catalogue.queries import need_labels
from socialmap.extensions import db
from socialmap.revision import current
from socialmap.search.needs import matcher_for
from tests import factories as f


def elsewhere(change) -> None:
    """Commit ``change(session)`` in another session, as another worker would."""
    other = Session(bind=db.engine)
    try:
        change(other)
        other.commit()
    finally:
        other.close()


def test_an_in_place_edit_of_a_synonym_or_label_reaches_the_caches(session, backend):
    f.need(session, "fin.debt", "Schulden", en="Debts")
    session.commit()
    before = current(session, "needs")
    assert "fin.debt" not in matcher_for(session).interpret("deurwaarder").needs
    assert need_labels(session, "nl")["fin.debt"] == "Schulden"

    def edit(other):
        term = other.scalar(select(NeedTerm).where(NeedTerm.code == "fin.debt"))
        term.synonyms = {"nl": ["deurwaarder"]}
        term.label = "Schulden en deurwaarders"

    elsewhere(edit)  # same number of rows, same largest id: only the counter tells
    assert current(session, "needs") != before
    assert "fin.debt" in matcher_for(session).interpret("deurwaarder").needs
    assert need_labels(session, "nl")["fin.debt"] == "Schulden en deurwaarders"


def test_a_renamed_area_reaches_the_area_tree(session, backend):
    toy = f.toy_region(session)
    session.commit()
    area_id = toy["WK9999B0"].id
    assert area_tree(session).name[area_id] == toy["WK9999B0"].name

    def rename(other):
        other.get(AreaUnit, area_id).name = "Oost-Toydorp"

    elsewhere(rename)
    assert area_tree(session).name[area_id] == "Oost-Toydorp"
