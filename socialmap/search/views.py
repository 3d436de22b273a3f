"""The public search page: the form, the results as a list (complete without
JavaScript), filters as links and a form, pages, and a map of the results."""
from __future__ import annotations

from functools import cached_property

from flask import Blueprint, render_template, request, url_for

from socialmap.catalogue import queries
from socialmap.catalogue import vocabulary as voc
from socialmap.extensions import db
from socialmap.i18n import _, current_locale, localized
from socialmap.search import presenters as search_presenters
from socialmap.search.engine import RADII, search
from socialmap.search.indexer import current_index
from socialmap.search.params import ParamError, parse

bp = Blueprint("search", __name__)


@bp.app_context_processor
def _helpers():
    return {"search_present": search_presenters}


@bp.get("/zoeken")
def results():
    args = search_presenters.search_args(request.args)
    page = SearchPage(args)
    try:
        parsed = parse(args, db.session, current_locale())
    except ParamError as error:
        return render_template("search/results.html", page=page, error=error, response=None), 400
    response = search(db.session, current_index(), parsed.request)
    if response.index_missing:
        return render_template("search/results.html", page=page, error=None, response=response), 503
    hits = response.hits
    names = search_presenters.area_names(db.session, (code for h in hits for code in h.serves))
    return render_template(
        "search/results.html", page=page, error=None, response=response, parsed=parsed,
        area_names=names,
        open_states=search_presenters.open_states(db.session, [h.id for h in hits], parsed.request.now,
                                           response.scheduled),
        map_script=url_for("maps.results_script",
                           **{k: args.getlist(k) for k in args if k not in ("page", "per_page")}))


class SearchPage:
    """What the template needs to redraw the form and make links that keep the search."""

    radii = [r // 1000 for r in RADII]
    domains, formats = voc.DOMAINS, voc.FORMATS

    def __init__(self, args):
        self.args = args
        self._needs = None

    # values as the person gave them (also when one of them is wrong)
    def value(self, name: str, default: str = "") -> str:
        return self.args.get(name, default)

    def values(self, name: str) -> list[str]:
        return self.args.getlist(name)

    @property
    def radius(self) -> str:
        return self.value("radius", "5")

    @cached_property
    def languages(self) -> list[tuple[str, str]]:
        return sorted(((code, str(label)) for code, label in voc.LANGUAGES.items()), key=lambda cl: cl[1])

    @property
    def needs(self):
        if self._needs is None:
            self._needs = queries.need_tree(db.session)
        return self._needs

    def need_label(self, code: str) -> str:
        for top in self.needs:
            for need in [top, *top.children]:
                if need.code == code:
                    return str(localized(need, "label"))
        return code

    # links
    def url(self, **changes) -> str:
        return search_presenters.url("search.results", search_presenters.changed(self.args, **changes))

    def page_url(self, number: int) -> str:
        return search_presenters.url("search.results", search_presenters.changed(self.args, keep_page=True, page=number))

    def toggle_url(self, name: str, value: str) -> str:
        return search_presenters.url("search.results", search_presenters.toggled(self.args, name, value))

    @cached_property
    def active_filters(self) -> list[tuple[str, str]]:
        """(label, link that removes it) for each filter in use."""
        found = []
        for code in self.values("domain"):
            found.append((_label(voc.DOMAINS, code), self.toggle_url("domain", code)))
        for code in self.values("need"):
            found.append((self.need_label(code), self.toggle_url("need", code)))
        if self.value("access") == "open":
            found.append((_("Geen verwijzing nodig"), self.url(access=None)))
        if self.value("cost") == "free":
            found.append((str(voc.COST["free"]), self.url(cost=None)))
        for code in self.values("language"):
            found.append((_label(voc.LANGUAGES, code), self.toggle_url("language", code)))
        for code in self.values("format"):
            found.append((_label(voc.FORMATS, code), self.toggle_url("format", code)))
        if self.value("age"):
            found.append((_("%(age)s jaar", age=self.value("age")), self.url(age=None)))
        if self.value("open") in ("now", "today"):
            found.append((OPEN_LABELS[self.value("open")](), self.url(open=None)))
        return found

    def clear_filters_url(self) -> str:
        return self.url(domain=None, need=None, access=None, cost=None, language=None, format=None, age=None,
                        open=None)

    def pages(self, current: int, last: int) -> list[int | None]:
        """Page numbers to link, None for a gap: 1 … 4 5 [6] 7 8 … 20."""
        shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
        out: list[int | None] = []
        for n in shown:
            if out and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out


def _label(mapping: dict, code: str) -> str:
    return str(mapping.get(code, code))


OPEN_LABELS = {"now": lambda: _("Nu open"), "today": lambda: _("Vandaag open")}
