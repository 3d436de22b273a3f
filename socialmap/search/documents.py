"""Search documents built from the database with a few bulk queries.

One document per live (not ended) service: its texts in Dutch and English,
its codes (needs with their ancestors, kinds, domains, access, ...), the
needs and kinds its own text names (:meth:`.NeedMatcher.named_in_text`: an
untagged catalogue is found by need too), the
area codes it serves, its locations, and a checksum of all of that, so
``search check`` can compare index and database field by field.

Each document goes to one *shard*: the municipality whose areas it serves,
else the region it serves in, else ``wide`` (the country, several regions).
A search near a place reads only the shards of the municipalities around it,
its region's shard and the wide shard -- the last two filtered to services
that serve the place.

A document also says whether the service is for professionals only (see
:func:`professionals_only`), so the search can leave it out for the public
without asking the database, and which languages other than Dutch it is
held in (:func:`.languages.held_in`), so a group in another language can rank
below the general one.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.catalogue.areas import AreaTree, area_tree
from socialmap.catalogue.audience import professionals_only
from socialmap.catalogue.models import (
    Location,
    NeedTerm,
    Organisation,
    Service,
    ServiceFacet,
    service_area,
    service_location,
    service_need,
)
from socialmap.geo import from_db
from socialmap.search.languages import held_in
from socialmap.search.needs import matcher_for

WIDE = "wide"
AGE_MIN, AGE_MAX = 0, 200


def _chunks(ids: list[int], size: int = 900) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def shard_for(area_ids: Iterable[int], tree: AreaTree) -> str:
    """The municipality whose areas the service serves; else the one region it
    serves in; else ``wide`` (the country, or several regions)."""
    area_ids = list(area_ids)
    if any(tree.level[a] == "country" for a in area_ids):
        return WIDE
    municipalities = {tree.municipality_of(a) for a in area_ids if tree.level[a] != "region"}
    if len(municipalities) == 1 and None not in municipalities and not any(tree.level[a] == "region" for a in area_ids):
        return municipalities.pop()
    regions = {tree.region_of(a) for a in area_ids}
    if len(regions) == 1 and None not in regions:
        return regions.pop()
    return WIDE


def build_documents(session: Session, service_ids: list[int] | None = None, tree: AreaTree | None = None) -> list[dict]:
    """Documents for the given services (all live services when None)."""
    tree = tree or area_tree(session)
    query = (
        select(
            Service.id,
            Service.key,
            Service.name,
            Service.summary,
            Service.description,
            Service.translations,
            Service.status,
            Service.cost_type,
            Service.min_age,
            Service.max_age,
            Service.waiting_weeks,
            Service.open_24_7,
            Service.freshness_stage,
            Organisation.name,
        )
        .join(Organisation)
        .where(Service.status != "ended")
    )
    rows = []
    if service_ids is None:
        rows = session.execute(query).all()
    else:
        for chunk in _chunks(sorted(set(service_ids))):
            rows += session.execute(query.where(Service.id.in_(chunk))).all()
    ids = [r[0] for r in rows]
    if not ids:
        return []
    in_ids = (lambda col: True) if service_ids is None else None

    def where_ids(col, chunk):
        return col.in_(chunk)

    facets: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    needs: dict[int, list[str]] = defaultdict(list)
    areas: dict[int, list[int]] = defaultdict(list)
    locations: dict[int, list] = defaultdict(list)
    need_parent = dict(session.execute(select(NeedTerm.code, NeedTerm.parent_id)).all())
    need_code = dict(session.execute(select(NeedTerm.id, NeedTerm.code)).all())
    for chunk in [None] if in_ids else list(_chunks(ids)):

        def q(stmt, col, chunk=chunk):
            return stmt if chunk is None else stmt.where(where_ids(col, chunk))

        for sid, facet, code in session.execute(
            q(select(ServiceFacet.service_id, ServiceFacet.facet, ServiceFacet.code), ServiceFacet.service_id)
        ):
            facets[sid][facet].append(code)
        for sid, need_id in session.execute(
            q(select(service_need.c.service_id, service_need.c.need_id), service_need.c.service_id)
        ):
            needs[sid].append(need_code[need_id])
        for sid, area_id in session.execute(
            q(select(service_area.c.service_id, service_area.c.area_id), service_area.c.service_id)
        ):
            areas[sid].append(area_id)
        for sid, key, street, number, postcode, city, geom in session.execute(
            q(
                select(
                    service_location.c.service_id,
                    Location.key,
                    Location.street,
                    Location.house_number,
                    Location.postcode,
                    Location.city,
                    Location.geom,
                ).join(Location, Location.id == service_location.c.location_id),
                service_location.c.service_id,
            )
        ):
            pt = from_db(geom)
            locations[sid].append(
                [round(pt.x, 6), round(pt.y, 6), f"{street} {number}, {postcode or ''} {city}".replace("  ", " "), key]
            )

    parent_code = {code: need_code.get(pid) for code, pid in need_parent.items()}

    def with_ancestors_of(codes) -> set[str]:
        out = set(codes)
        for code in codes:
            parent = parent_code.get(code)
            while parent:
                out.add(parent)
                parent = parent_code.get(parent)
        return out

    matcher = matcher_for(session)
    docs = []
    for (
        sid,
        key,
        name,
        summary,
        description,
        translations,
        status,
        cost,
        min_age,
        max_age,
        waiting,
        open_24_7,
        freshness,
        org_name,
    ) in rows:
        en = (translations or {}).get("en") or {}
        f = facets[sid]
        need_codes = sorted(set(needs[sid]))
        with_ancestors = with_ancestors_of(need_codes)
        named_needs, named_kinds = matcher.named_in_text(
            [
                ("nl", name),
                ("nl", summary),
                ("nl", description),
                ("nl", org_name),
                ("en", en.get("name")),
                ("en", en.get("summary")),
                ("en", en.get("description")),
            ]
        )
        kind_codes = sorted(f.get("kind", []))
        served = sorted({tree.code[a] for a in areas[sid]})
        doc = {
            "id": str(sid),
            "key": key,
            "shard": shard_for(areas[sid], tree),
            "name_nl": name,
            "name_en": en.get("name") or "",
            "summary_nl": summary or "",
            "summary_en": en.get("summary") or "",
            "description_nl": description or "",
            "description_en": en.get("description") or "",
            "org": org_name,
            "needs": sorted(with_ancestors),
            "direct_needs": need_codes,
            "kinds": kind_codes,
            "named_needs": sorted(with_ancestors_of(named_needs)),
            "named_kinds": sorted(named_kinds),
            "domains": sorted(f.get("domain", [])),
            "access": sorted(f.get("access", [])),
            "formats": sorted(f.get("format", [])),
            "languages": sorted(f.get("language", [])),
            "held_in": held_in((name, en.get("name")), f.get("language", [])),
            "groups": sorted(f.get("group", [])),
            "professionals_only": professionals_only(f.get("group", [])),
            "cost": cost,
            "status": status,
            "freshness": freshness or "current",
            "min_age": AGE_MIN if min_age is None else min_age,
            "max_age": AGE_MAX if max_age is None else max_age,
            "waiting_weeks": -1 if waiting is None else waiting,
            "open_24_7": bool(open_24_7),
            "serves": served,
            "locations": sorted(locations[sid], key=lambda loc: loc[3]),
            "has_en": bool(en.get("name")),
        }
        doc["checksum"] = checksum(doc)
        docs.append(doc)
    return docs


def checksum(doc: dict) -> str:
    content = {k: v for k, v in doc.items() if k != "checksum"}
    return hashlib.sha1(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
