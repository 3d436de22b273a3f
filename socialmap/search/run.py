"""One search, the way every door asks it: the results page, the JSON API and
the results map all call :func:`run_search` -- the parameters read by
:mod:`.params`, the engine's answer, and the names of the areas the hits
serve -- and only shape what comes back."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from socialmap.search.engine import SearchResponse, search
from socialmap.search.indexer import current_index
from socialmap.search.params import ParsedSearch, parse, search_args
from socialmap.search.presenters import AreaName, area_names


@dataclass(frozen=True)
class Found:
    args: MultiDict  # the search's own parameters, as links keep them
    parsed: ParsedSearch
    response: SearchResponse
    area_names: dict[str, AreaName]


def run_search(session: Session, query_string: MultiDict, locale: str, name_areas: bool = True, **changes) -> Found:
    """Read the parameters (raises ``ParamError`` naming the wrong one), search,
    and (unless ``name_areas`` is false: the map shows no area names) name the
    areas the hits serve. ``changes`` adjust the request (the map: every result
    on one page, no explanations)."""
    args = search_args(query_string)
    parsed = parse(args, session, locale)
    request = replace(parsed.request, **changes) if changes else parsed.request
    response = search(session, current_index(), request)
    names = (
        {}
        if response.index_missing or not name_areas
        else area_names(session, (c for h in response.hits for c in h.serves))
    )
    return Found(args, parsed, response, names)
