"""Generate the synthetic national catalogue of the benchmark (issue 3).

Deterministic (seeded) and cached: when ``.bench/generated.json`` holds the
digest of the parameters, this file and its input files, and both databases
are there with the expected number of services, nothing is done.

* Areas: each real municipality of data/areas/gemeenten_2023.geojson (342 with
  a population; "Buitenland" has none and is skipped) is cut into wijken and
  each wijk into buurten by a Voronoi diagram of random seeds (two Lloyd
  steps) clipped to the polygon, so buurten exactly partition their wijk and
  wijken their municipality. Buurten per municipality are proportional to its
  population (``aantalInwoners``, at least 1), ~10 buurten per wijk.
  Municipalities are grouped into 25 regions by k-means on their centroids,
  under the country NL. CBS-style codes: GMxxxx (the real codes), WKxxxxnn,
  BUxxxxnnmm, RG-01.., NL.
* Services: each is a copy of a demo service (data/demo/catalogue/*.yaml):
  same kinds, domains, needs, access, formats, languages, audience,
  schedule and contacts, with the Amsterdam place names in its texts
  replaced by the new place (or the place added to its name). Served areas
  follow a fixed mix (buurt 20 %, wijk 35 %, municipality 30 %, region 12 %,
  national 3 %); local services are spread over municipalities by population.
  Organisations hold ~3 services each; every service has 0-2 locations (as
  its template has none or some), each a random point inside a buurt of its
  served area, sometimes shared with a sibling service of the organisation.
* Written with SQLAlchemy Core bulk inserts into the product's schema (made by
  its migrations) in a SpatiaLite file under .bench/ and in the PostgreSQL
  database socialmap_bench (the same rows and ids in both).

Run: ``.venv/bin/python -m bench.generate [--force] [--services N] [--no-postgres]``
(the knobs are for the test suite's smoke run; ``make bench`` uses the defaults).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np
import shapely
import yaml
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.ops import unary_union

from bench.common import (
    AMSTERDAM_BUURTEN_FILE,
    BENCH_DIR,
    CATALOGUE_DIR,
    MUNICIPALITIES_FILE,
    NEEDS_FILE,
    PC4_FILE,
    PG_DATABASE,
    SQLITE_PATH,
    STAMP,
    make_app,
    pg_admin,
    pg_connect,
    pg_database_exists,
    pg_url,
    say,
    sqlite_url,
    step,
)

PARAMS = {
    "version": 1,
    "seed": 20261124,
    "buurten": 13_000,  # target total; per municipality proportional to population, >= 1
    "buurten_per_wijk": 10,
    "regions": 25,
    "live_services": 100_000,  # services that are not ended (these are indexed)
    "ended_services": 1_000,  # ended services on top (kept in the catalogue, never indexed)
    "level_mix": {"neighbourhood": 0.20, "district": 0.35, "municipality": 0.30, "region": 0.12, "country": 0.03},
    "org_size_weights": {1: 2, 2: 3, 3: 4, 4: 3, 5: 2, 6: 1},  # services per organisation
    "second_location": 0.15,  # share of located services with two locations
    "share_location": 0.5,  # chance a location is one of the organisation's existing ones
    "multi_municipality": 0.15,  # municipal services that serve 1-2 neighbouring municipalities too
}

GM, RG = "\x01G\x01", "\x01R\x01"  # place holders in template texts
AREA = "\x01A{}\x01"  # the n-th local place name in a text

COMPASS = ["Centrum", "Noord", "Oost", "Zuid", "West", "Noordoost", "Zuidoost", "Zuidwest", "Noordwest", "Binnenstad"]
NAME_HEADS = [
    "Molen",
    "Kerk",
    "Vogel",
    "Bloemen",
    "Schilders",
    "Bomen",
    "Rivieren",
    "Zeehelden",
    "Dichters",
    "Park",
    "Haven",
    "Dijk",
    "Berg",
    "Veld",
    "Beek",
    "Horst",
    "Linden",
    "Eiken",
    "Wilgen",
    "Kastanje",
    "Sterren",
    "Componisten",
    "Bloemhof",
    "Oranje",
    "Prinsen",
    "Hof",
    "Polder",
    "Weide",
    "Bos",
    "Akker",
    "Esch",
    "Brink",
    "Slot",
    "Burg",
    "Water",
    "Vaart",
    "Sluis",
    "Brug",
    "Markt",
    "Station",
]
NAME_TAILS = ["buurt", "wijk", "kwartier", "hof", "park", "veld", "laan", "dorp", "hoek", "kamp"]
STREETS = [
    "Kerkstraat",
    "Dorpsstraat",
    "Schoolstraat",
    "Molenweg",
    "Stationsweg",
    "Julianastraat",
    "Wilhelminastraat",
    "Beatrixlaan",
    "Marktplein",
    "Hoofdstraat",
    "Parkweg",
    "Nieuwstraat",
    "Raadhuisplein",
    "Emmalaan",
    "Prins Bernhardlaan",
    "Kastanjelaan",
    "Lindenlaan",
    "Eikenlaan",
    "Sportlaan",
    "Industrieweg",
    "Havenstraat",
    "Dijkweg",
    "Brinkstraat",
    "Torenstraat",
    "Oranjestraat",
    "Burgemeester de Withstraat",
    "Zuiderweg",
    "Noorderweg",
    "Oosterstraat",
    "Westerstraat",
    "Gezondheidsplein",
    "Wijkcentrumplein",
    "Vondellaan",
    "Rembrandtplein",
    "Tulpstraat",
    "Rozenlaan",
    "Boslaan",
    "Veldweg",
    "Singel",
    "Gracht",
]
# Amsterdam place names used in the demo texts (besides the 518 buurt names of its GeoJSON).
AMSTERDAM_PLACES = [
    "Centrum-West",
    "Centrum-Oost",
    "Centrum",
    "Nieuw-West",
    "Zuidoost",
    "Noord-West",
    "Noord-Oost",
    "Noord",
    "Oost",
    "Zuid",
    "West",
    "Weesp",
    "Driemond",
    "IJburg",
    "Zeeburgereiland",
    "Osdorp",
    "Slotermeer",
    "Geuzenveld",
    "Slotervaart",
    "Bos en Lommer",
    "De Pijp",
    "Oud-Zuid",
    "Oud-Oost",
    "Oud-Noord",
    "Oud-West",
    "Buitenveldert",
    "Bijlmer",
    "Gaasperdam",
    "Jordaan",
    "Binnenstad",
    "Nieuwmarkt",
    "Rivierenbuurt",
    "Watergraafsmeer",
    "Indische Buurt",
    "Landelijk Noord",
    "Nieuwendam",
    "Buikslotermeer",
    "Holendrecht",
    "Ganzenhoef",
    "Kraaiennest",
    "Reigersbos",
    "Gein",
    "Staatslieden",
    "Kadoelen",
    "Osdorpplein",
    "Javaplein",
    "Oostelijke Eilanden",
    "Haarlemmerbuurt",
    "Zuidas",
    "Sloterdijk",
    "Amstelveen",
    "Diemen",
    "Westpoort",
    "Nieuw-Sloten",
    "Riekerpolder",
    "Aetsveld",
    "Weesp Nieuwstad",
    "Noord-Holland",
]


# --- areas ---------------------------------------------------------------------------


@dataclass
class Area:
    id: int
    code: str
    level: str
    name: str
    parent: Area | None = None
    geom: object = None  # shapely (Multi)Polygon, lon/lat
    population: int = 0
    children: list = field(default_factory=list)
    centroid: tuple = (0.0, 0.0)

    @property
    def municipality(self) -> Area:
        node = self
        while node.level != "municipality":
            node = node.parent
        return node


def _polygonal(geom) -> MultiPolygon:
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    if not parts:
        raise ValueError(f"no polygon in {geom.geom_type}")
    return MultiPolygon(parts)


def _sample_points(geom, n: int, rng: np.random.Generator) -> np.ndarray:
    """n uniform random points inside ``geom`` (rejection from its bounding box)."""
    shapely.prepare(geom)
    minx, miny, maxx, maxy = geom.bounds
    found = np.empty((0, 2))
    while len(found) < n:
        batch = max(64, 4 * (n - len(found)))
        xy = np.column_stack([rng.uniform(minx, maxx, batch), rng.uniform(miny, maxy, batch)])
        found = np.vstack([found, xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]])
    return found[:n]


def _voronoi_cells(seeds: np.ndarray, extend_to) -> np.ndarray:
    """The Voronoi cells of ``seeds``, cell i holding seed i. GEOS 3.12 can keep that
    order itself (``ordered=True``); the GEOS the product links (Debian's 3.11) cannot,
    so each cell is matched to the one seed it contains -- the same cells, the same order."""
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=extend_to))
    seed_i, cell_i = shapely.STRtree(cells).query(shapely.points(seeds), predicate="within")
    if len(cells) != len(seeds) or sorted(seed_i.tolist()) != list(range(len(seeds))):
        raise ValueError(f"{len(seeds)} seeds gave {len(cells)} Voronoi cells ({len(seed_i)} matched)")
    ordered = np.empty(len(seeds), dtype=object)
    ordered[seed_i] = cells[cell_i]
    return ordered


def subdivide(geom, n: int, rng: np.random.Generator, lloyd: int = 2) -> list[MultiPolygon]:
    """Cut ``geom`` into ``n`` pieces: a Voronoi diagram of random seeds (moved
    twice to their cell's centroid) clipped to ``geom``. Computed with x scaled by
    cos(latitude) so cells are about as wide as they are high."""
    geom = _polygonal(geom)
    if n <= 1:
        return [geom]
    k = math.cos(math.radians(geom.centroid.y))
    metric = shapely.transform(geom, lambda c: c * [k, 1.0])
    shapely.prepare(metric)
    seeds = _sample_points(metric, n, rng)
    for step_ in range(lloyd + 1):
        cells = _voronoi_cells(seeds, metric)
        clipped = shapely.intersection(cells, metric)
        if step_ == lloyd:
            break
        centroids = shapely.get_coordinates(shapely.centroid(clipped))
        inside = shapely.contains_xy(metric, centroids[:, 0], centroids[:, 1])
        seeds = np.where(inside[:, None], centroids, seeds)
    pieces = []
    for cell in clipped:
        try:
            pieces.append(_polygonal(shapely.transform(cell, lambda c: c / [k, 1.0])))
        except ValueError:
            continue  # cannot happen for a seed inside the polygon; kept safe
    return pieces


def _kmeans(points: np.ndarray, k: int, rng: np.random.Generator, rounds: int = 50) -> np.ndarray:
    """Cluster labels (k-means++ start, Lloyd iterations)."""
    centres = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        d2 = np.min(((points[:, None, :] - np.array(centres)[None]) ** 2).sum(-1), axis=1)
        centres.append(points[rng.choice(len(points), p=d2 / d2.sum())])
    centres = np.array(centres)
    labels = np.zeros(len(points), dtype=int)
    for _ in range(rounds):
        labels = ((points[:, None, :] - centres[None]) ** 2).sum(-1).argmin(1)
        new = np.array([points[labels == i].mean(0) if (labels == i).any() else centres[i] for i in range(k)])
        if np.allclose(new, centres):
            break
        centres = new
    return labels


def _largest_remainder(total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """Split ``total`` into integers proportional to ``weights``, each >= minimum."""
    n = len(weights)
    rest = total - minimum * n
    if rest <= 0:
        return [minimum] * n
    s = sum(weights) or 1.0
    raw = [rest * w / s for w in weights]
    out = [minimum + int(r) for r in raw]
    for i in sorted(range(n), key=lambda i: -(raw[i] - int(raw[i])))[: total - sum(out)]:
        out[i] += 1
    return out


def _unique(name: str, taken: set[str]) -> str:
    for candidate in [name] + [f"{name}-{side}" for side in ("Noord", "Zuid", "Oost", "West")]:
        if candidate not in taken:
            break
    i = 2
    while candidate in taken:
        candidate, i = f"{name} {i}", i + 1
    taken.add(candidate)
    return candidate


def _area_names(rnd: random.Random, count: int, municipality: str, taken: set[str], compass: bool) -> list[str]:
    names = []
    for i in range(count):
        if compass and i < len(COMPASS):
            names.append(_unique(f"{municipality}-{COMPASS[i]}" if i else f"{municipality}-Centrum", taken))
        else:
            names.append(_unique(rnd.choice(NAME_HEADS) + rnd.choice(NAME_TAILS), taken))
    return names


def build_areas(rnd: random.Random, rng: np.random.Generator) -> tuple[list[Area], dict[str, Area]]:
    doc = json.loads(MUNICIPALITIES_FILE.read_text(encoding="utf-8"))
    munis = []
    for f in doc["features"]:
        p = f["properties"]
        if not p.get("aantalInwoners"):
            continue  # GM0998 "Buitenland": no territory, no people
        geom = shape(f["geometry"])
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        munis.append((p["gemeentecode"], p["gemeentenaam"], int(p["aantalInwoners"]), _polygonal(geom)))
    munis.sort()
    total_pop = sum(m[2] for m in munis)

    areas: list[Area] = []
    country = Area(1, "NL", "country", "Nederland", population=total_pop)
    areas.append(country)
    # Regions: k-means on the municipalities' centroids (x scaled by cos 52 degrees).
    cents = np.array([[m[3].centroid.x * math.cos(math.radians(52)), m[3].centroid.y] for m in munis])
    labels = _kmeans(cents, PARAMS["regions"], rng)
    order = sorted(set(labels), key=lambda lab: (-cents[labels == lab][:, 1].mean(), cents[labels == lab][:, 0].mean()))
    regions = {}
    for i, lab in enumerate(order, start=1):
        members = [m for m, m_lab in zip(munis, labels) if m_lab == lab]
        biggest = max(members, key=lambda m: m[2])[1]
        region = Area(
            len(areas) + 1,
            f"RG-{i:02d}",
            "region",
            f"Regio {biggest}",
            parent=country,
            population=sum(m[2] for m in members),
        )
        region.geom = _polygonal(unary_union([m[3] for m in members]).buffer(0))
        country.children.append(region)
        areas.append(region)
        regions[lab] = region
    municipalities = []
    for (code, name, pop, geom), lab in zip(munis, labels):
        gm = Area(len(areas) + 1, code, "municipality", name, parent=regions[lab], geom=geom, population=pop)
        regions[lab].children.append(gm)
        areas.append(gm)
        municipalities.append(gm)

    # Buurten per municipality proportional to population, >= 1; ~10 per wijk.
    counts = [max(1, round(PARAMS["buurten"] * gm.population / total_pop)) for gm in municipalities]
    for gm, n_buurten in zip(municipalities, counts):
        n_wijken = max(1, round(n_buurten / PARAMS["buurten_per_wijk"]))
        wijk_shapes = subdivide(gm.geom, n_wijken, rng)
        per_wijk = _largest_remainder(n_buurten, [w.area for w in wijk_shapes])
        taken: set[str] = set()
        wijk_names = _area_names(rnd, len(wijk_shapes), gm.name, taken, compass=True)
        for wi, (wgeom, wname, nb) in enumerate(zip(wijk_shapes, wijk_names, per_wijk)):
            wk = Area(len(areas) + 1, f"WK{gm.code[2:]}{wi:02d}", "district", wname, parent=gm, geom=wgeom)
            gm.children.append(wk)
            areas.append(wk)
            for bi, bgeom in enumerate(subdivide(wgeom, nb, rng)):
                name = wname if nb == 1 else _unique(rnd.choice(NAME_HEADS) + rnd.choice(NAME_TAILS), taken)
                bu = Area(
                    len(areas) + 1, f"BU{gm.code[2:]}{wi:02d}{bi:02d}", "neighbourhood", name, parent=wk, geom=bgeom
                )
                wk.children.append(bu)
                areas.append(bu)
    for a in areas:
        if a.geom is not None:
            c = a.geom.centroid
            a.centroid = (c.x, c.y)
    return areas, {a.code: a for a in areas}


# --- templates -----------------------------------------------------------------------


@dataclass
class Template:
    key: str
    org: dict
    category: str
    level: str
    texts: dict  # field -> {lang: text with place holders}
    areas_in_texts: int  # how many distinct local place names the texts use
    data: dict  # codes, audience, cost, schedule, contacts, ...
    n_locations: int


def _placeholders(places_re: re.Pattern):
    def convert(text: str, lang: str, seen: dict[str, int]) -> str:
        text = text.replace("Amsterdam-Amstelland", RG).replace("Amstelland", RG)
        text = text.replace("Amsterdammers", "inwoners van " + GM if lang == "nl" else "residents of " + GM)
        text = text.replace("Amsterdam", GM)

        def area(m: re.Match) -> str:
            return AREA.format(seen.setdefault(m.group(0), len(seen)))

        return places_re.sub(area, text)

    return convert


def load_templates() -> tuple[list[Template], list[str]]:
    # The catalogue loader's own checks, so the templates read the YAML as the product does.
    from socialmap.interop.catalogue_records import _check_contacts, _check_schedule
    from socialmap.interop.checking import FieldChecker
    from socialmap.problems import Problems

    buurt_names = [
        f["properties"]["naam"] for f in json.loads(AMSTERDAM_BUURTEN_FILE.read_text(encoding="utf-8"))["features"]
    ]
    words = sorted(set(AMSTERDAM_PLACES) | {n for n in buurt_names if len(n) > 3}, key=lambda w: (-len(w), w))
    places_re = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])")
    convert = _placeholders(places_re)

    docs = [(path, yaml.safe_load(path.read_text(encoding="utf-8"))) for path in sorted(CATALOGUE_DIR.glob("*.yaml"))]
    orgs = {o["key"]: o for _, doc in docs for o in doc.get("organisations") or []}
    templates, problems = [], Problems()
    for path, doc in docs:
        for item in doc.get("services") or []:
            org = orgs[item["organisation"]]
            serves = item["serves"]
            level = (
                "country"
                if "NL" in serves
                else "region"
                if any(s.startswith("RG") for s in serves)
                else "municipality"
                if any(s.startswith("GM") for s in serves)
                else "district"
            )
            c = FieldChecker(problems, item["key"], item, path.name)
            audience = item.get("audience") or {}
            cost = item.get("cost") or {}
            seen: dict[str, int] = {}
            texts = {}
            for field_, value in (
                ("name", c.translated("name")),
                ("summary", c.translated("summary")),
                ("description", c.translated("description")),
                ("conditions", c.nested(audience).translated("conditions")),
                ("cost_note", c.nested(cost).translated("note")),
                ("status_note", c.translated("status_note")),
            ):
                texts[field_] = {lang: convert(t, lang, seen) for lang, t in value.items()}
            org_text = {lang: convert(t, lang, seen) for lang, t in (org.get("description") or {}).items()}
            waiting, verified = item.get("waiting") or {}, item.get("verified") or {}
            data = {
                "kinds": item.get("kinds") or [],
                "domains": item.get("domains") or [],
                "access": item.get("access") or [],
                "formats": item.get("formats") or [],
                "languages": item.get("languages") or [],
                "accessibility": item.get("accessibility") or [],
                "groups": audience.get("groups") or [],
                "needs": item.get("needs") or [],
                "min_age": audience.get("min_age"),
                "max_age": audience.get("max_age"),
                "cost_type": cost.get("type"),
                "status": item.get("status", "active"),
                "waiting_weeks": waiting.get("weeks"),
                "waiting_updated": waiting.get("updated"),
                "verified_at": verified.get("at"),
                "verified_by": verified.get("by"),
                "review_interval_days": verified.get("interval_days") or 180,
                "contacts": _check_contacts(c, item.get("contacts")),
                **_check_schedule(c, item.get("schedule")),
            }
            locations = list(item.get("locations") or [])
            templates.append(
                Template(
                    item["key"],
                    {
                        "key": org["key"],
                        "name": org["name"].replace("Amsterdam", GM),
                        "description": org_text,
                        "agb": org.get("agb"),
                    },
                    path.stem,
                    level,
                    texts,
                    len(seen),
                    data,
                    0 if not locations else min(2, len(locations)),
                )
            )
    if problems:
        raise SystemExit(f"the demo catalogue has problems:\n{problems.items}")
    return templates, words


# --- services --------------------------------------------------------------------------


def _exact_mix(total: int, mix: dict[str, float], rnd: random.Random) -> list[str]:
    counts = _largest_remainder(total, list(mix.values()), minimum=0)
    levels = [lvl for lvl, n in zip(mix, counts) for _ in range(n)]
    rnd.shuffle(levels)
    return levels


def _slug(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _fill(text: str | None, gm: str, rg: str, local: list[str]) -> str | None:
    if not text:
        return text
    text = text.replace(GM, gm).replace(RG, rg)
    if "\x01A" in text:
        text = re.sub("\x01A(\\d+)\x01", lambda m: local[int(m.group(1)) % len(local)], text)
    return text


def _pc4_lookup():
    rows = []
    with open(PC4_FILE, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lon, lat = float(row["lon"]), float(row["lat"])
            if 3.2 <= lon <= 7.3 and 50.7 <= lat <= 53.7:
                rows.append((row["pc4"], lon, lat))
    codes = [r[0] for r in rows]
    xy = np.array([[r[1] * 0.62, r[2]] for r in rows])

    def nearest(points: np.ndarray) -> list[str]:
        out = []
        for i in range(0, len(points), 2000):
            chunk = points[i : i + 2000] * [0.62, 1.0]
            out += [codes[j] for j in ((chunk[:, None, :] - xy[None]) ** 2).sum(-1).argmin(1)]
        return out

    return nearest


def build_catalogue(
    areas: list[Area], by_code: dict[str, Area], rnd: random.Random, rng: np.random.Generator
) -> dict[str, list[dict]]:
    templates, _ = load_templates()
    pool = defaultdict(list)
    for t in templates:
        pool[t.level].append(t)
    pool["neighbourhood"] = pool["district"]  # buurt services are copies of wijk services
    municipalities = [a for a in areas if a.level == "municipality"]
    regions = [a for a in areas if a.level == "region"]
    country = by_code["NL"]
    gm_cum = np.cumsum([gm.population for gm in municipalities]).tolist()
    rg_cum = np.cumsum([rg.population for rg in regions]).tolist()

    buurten_cache: dict[int, list[Area]] = {}

    def buurten_of(area: Area) -> list[Area]:
        if area.level == "neighbourhood":
            return [area]
        if area.id not in buurten_cache:
            buurten_cache[area.id] = [b for c in area.children for b in buurten_of(c)]
        return buurten_cache[area.id]

    def nearest(items: list[Area], to: Area, k: int) -> list[Area]:
        return sorted(
            items, key=lambda a: (a.centroid[0] - to.centroid[0]) ** 2 * 0.38 + (a.centroid[1] - to.centroid[1]) ** 2
        )[:k]

    total = PARAMS["live_services"] + PARAMS["ended_services"]
    levels = _exact_mix(total, PARAMS["level_mix"], rnd)
    ended = set(rnd.sample(range(total), PARAMS["ended_services"]))
    plans = []  # (level, template, home municipality, served areas, ended)
    for i, level in enumerate(levels):
        template = rnd.choice(pool[level])
        if level == "region":
            region = rnd.choices(regions, cum_weights=rg_cum)[0]
            home = rnd.choices(region.children, weights=[g.population for g in region.children])[0]
            served = [region]
        else:
            home = rnd.choices(municipalities, cum_weights=gm_cum)[0]
            if level == "country":
                served = [country]
            elif level == "municipality":
                served = [home]
                if rnd.random() < PARAMS["multi_municipality"]:
                    served += nearest([g for g in home.parent.children if g is not home], home, rnd.randint(1, 2))
            elif level == "district":
                first = rnd.choice(buurten_of(home)).parent  # wijken weighted by their buurten
                served = nearest(home.children, first, rnd.choices([1, 2, 3], weights=[5, 3, 2])[0])
            else:
                first = rnd.choice(buurten_of(home))
                served = nearest(first.parent.children, first, rnd.choices([1, 2, 3], weights=[6, 3, 1])[0])
        plans.append((level, template, home, served, i in ended))

    # Organisations: services of one municipality and one catalogue part, ~3 each.
    groups = defaultdict(list)
    for i, plan in enumerate(plans):
        groups[(plan[2].code, plan[1].category)].append(i)
    sizes, weights = list(PARAMS["org_size_weights"]), list(PARAMS["org_size_weights"].values())
    org_of = {}
    org_members = []
    for key in sorted(groups):
        members = groups[key]
        rnd.shuffle(members)
        while members:
            n = rnd.choices(sizes, weights=weights)[0]
            chunk, members = members[:n], members[n:]
            for i in chunk:
                org_of[i] = len(org_members)
            org_members.append(chunk)

    rows = defaultdict(list)
    org_names: set[str] = set()
    loc_points: list[tuple[float, float]] = []
    for org_index, members in enumerate(org_members):
        org_id = org_index + 1
        level, template, home, served, _ = plans[members[0]]
        t_org = template.org
        base = _fill(t_org["name"], home.name, home.parent.name, [home.name])
        if home.name not in base:
            base = f"{base} {home.name}"
        name = _unique(base, org_names)
        slug = _slug(name)[:60]
        rows["organisation"].append(
            {
                "id": org_id,
                "key": f"o{org_id}-{slug}"[:100],
                "name": name[:200],
                "description": _fill(t_org["description"].get("nl"), home.name, home.parent.name, [home.name]),
                "translations": (
                    {"en": {"description": _fill(t_org["description"]["en"], home.name, home.parent.name, [home.name])}}
                    if t_org["description"].get("en")
                    else {}
                ),
                "website": f"https://{slug}.example",
                "email": f"info@{slug}.example",
                "phone": f"0{rnd.randint(10, 99)} 555 {rnd.randint(0, 9999):04d}",
                "kvk_number": f"{rnd.randint(0, 99_999_999):08d}",
                "agb_code": f"{rnd.randint(0, 99_999_999):08d}" if t_org.get("agb") else None,
                "is_demo": True,
            }
        )
        org_locations: list[tuple[int, Area]] = []
        for i in members:
            level, template, home, served, is_ended = plans[i]
            sid = i + 1
            d = template.data
            local_areas = (
                [b for a in served for b in buurten_of(a)]
                if level in ("neighbourhood", "district", "municipality")
                else buurten_of(home)
            )
            primary = (
                served[0].name
                if level in ("neighbourhood", "district")
                else rnd.choice(home.children).name
                if level == "municipality"
                else home.name
            )
            # Distinct local names for the place names of the template's texts: the served
            # area first, then buurten in it, then other buurten of the municipality.
            nearby = rnd.sample(local_areas, min(5, len(local_areas)))
            if len(nearby) < 5:
                others = buurten_of(home)
                nearby += rnd.sample(others, min(5, len(others)))
            local = list(dict.fromkeys([primary] + [b.name for b in nearby]))
            region_name = home.parent.name
            texts = {
                f: {lang: _fill(t, home.name, region_name, local) for lang, t in v.items()}
                for f, v in template.texts.items()
            }
            name_nl = texts["name"]["nl"]
            if "\x01" not in "".join(template.texts["name"].values()) and level != "country":
                place = {
                    "neighbourhood": served[0].name,
                    "district": served[0].name,
                    "municipality": home.name,
                    "region": region_name,
                }[level]
                texts["name"] = {lang: f"{t} {place}" for lang, t in texts["name"].items()}
                name_nl = texts["name"]["nl"]
            translations = {}
            for f, v in texts.items():
                for lang, t in v.items():
                    if lang != "nl" and t:
                        translations.setdefault(lang, {})[f] = t
            status = "ended" if is_ended else ("active" if d["status"] == "ended" else d["status"])
            verified = d["verified_at"] - timedelta(days=rnd.randint(0, 300)) if d["verified_at"] else None
            rows["service"].append(
                {
                    "id": sid,
                    "key": f"s{sid}-{template.key}"[:100],
                    "organisation_id": org_id,
                    "name": name_nl[:200],
                    "summary": texts["summary"]["nl"],
                    "description": texts["description"].get("nl"),
                    "conditions": texts["conditions"].get("nl"),
                    "cost_note": texts["cost_note"].get("nl"),
                    "status_note": texts["status_note"].get("nl"),
                    "translations": translations,
                    "min_age": d["min_age"],
                    "max_age": d["max_age"],
                    "cost_type": d["cost_type"],
                    "status": status,
                    "open_24_7": d["open_24_7"],
                    "closed_on_public_holidays": d["closed_on_public_holidays"],
                    "waiting_weeks": d["waiting_weeks"],
                    "waiting_updated": d["waiting_updated"],
                    "verified_at": verified,
                    "verified_by": d["verified_by"],
                    "review_interval_days": d["review_interval_days"],
                    "is_demo": True,
                }
            )
            for facet, key in (
                ("kind", "kinds"),
                ("domain", "domains"),
                ("access", "access"),
                ("format", "formats"),
                ("language", "languages"),
                ("accessibility", "accessibility"),
                ("group", "groups"),
            ):
                for code in dict.fromkeys(d[key]):
                    rows["service_facet"].append({"service_id": sid, "facet": facet, "code": code})
            for code in dict.fromkeys(d["needs"]):
                rows["service_need"].append({"service_id": sid, "need_code": code})
            for a in served:
                rows["service_area"].append({"service_id": sid, "area_id": a.id})
            for pos, ct in enumerate(d["contacts"]):
                label, hours = ct["label"], ct["hours"] or {}
                email = ct["email"].split("@")[0] + f"@{slug}.example" if ct["email"] else None
                rows["contact"].append(
                    {
                        "service_id": sid,
                        "label": label.get("nl"),
                        "hours": hours.get("nl"),
                        "translations": {
                            lang: {k: v for k, v in (("label", label.get(lang)), ("hours", hours.get(lang))) if v}
                            for lang in (set(label) | set(hours)) - {"nl"}
                        },
                        "phone": ct["phone"] and f"0{rnd.randint(10, 99)} 555 {rnd.randint(0, 9999):04d}",
                        "email": email,
                        "url": ct["url"],
                        "audience": ct["audience"],
                        "position": pos,
                    }
                )
            for pos, r in enumerate(d["rules"]):
                rows["schedule_rule"].append({"service_id": sid, "position": pos, **r})
            for ex in d["exceptions"]:
                note = ex["note"] or {}
                rows["schedule_exception"].append(
                    {
                        "service_id": sid,
                        "start": ex["start"],
                        "end": ex["end"],
                        "closed": ex["closed"],
                        "opens_at": ex["opens_at"],
                        "closes_at": ex["closes_at"],
                        "note": note.get("nl"),
                        "translations": {lang: {"note": t} for lang, t in note.items() if lang != "nl"},
                    }
                )
            # Locations: 0-2, each in a buurt of the served area (the home municipality for
            # regional and national services), sometimes one the organisation already has.
            n_loc = 0 if template.n_locations == 0 else (2 if rnd.random() < PARAMS["second_location"] else 1)
            allowed = {b.id for b in local_areas}
            chosen: list[int] = []
            for _ in range(n_loc):
                reuse = [lid for lid, b in org_locations if b.id in allowed and lid not in chosen]
                if reuse and rnd.random() < PARAMS["share_location"]:
                    chosen.append(rnd.choice(reuse))
                    continue
                buurt = rnd.choice(local_areas)
                lid = len(rows["location"]) + 1
                x, y = (float(v) for v in _sample_points(buurt.geom, 1, rng)[0])
                loc_points.append((x, y))
                rows["location"].append(
                    {
                        "id": lid,
                        "key": f"l{lid}-{slug}"[:100],
                        "organisation_id": org_id,
                        "name": None if rnd.random() < 0.5 else f"{name[:120]} {buurt.name}"[:200],
                        "street": rnd.choice(STREETS),
                        "house_number": str(rnd.randint(1, 250)),
                        "postcode": None,
                        "city": buurt.municipality.name,
                        "neighbourhood_id": buurt.id,
                        "wkt": f"POINT({x!r} {y!r})",
                    }
                )
                org_locations.append((lid, buurt))
                chosen.append(lid)
            for lid in chosen:
                rows["service_location"].append({"service_id": sid, "location_id": lid})
    nearest_pc4 = _pc4_lookup()
    letters = "ABCDEFGHJKLMNPRSTVWXZ"
    for loc, pc4 in zip(rows["location"], nearest_pc4(np.array(loc_points))):
        loc["postcode"] = f"{pc4} {rnd.choice(letters)}{rnd.choice(letters)}"
    rows["service"].sort(key=lambda r: r["id"])
    return rows


def area_rows(areas: list[Area]) -> list[dict]:
    return [
        {
            "id": a.id,
            "code": a.code,
            "level": a.level,
            "name": a.name,
            "parent_id": a.parent.id if a.parent else None,
            "wkt": None if a.geom is None else shapely.to_wkt(a.geom, rounding_precision=-1),
        }
        for a in areas
    ]


# --- writing -----------------------------------------------------------------------------

TABLE_ORDER = [
    "area_unit",
    "organisation",
    "location",
    "service",
    "service_facet",
    "service_need",
    "service_area",
    "service_location",
    "contact",
    "schedule_rule",
    "schedule_exception",
]


def write_database(url: str, rows: dict[str, list[dict]]) -> None:
    from flask_migrate import upgrade
    from geoalchemy2 import WKTElement
    from sqlalchemy import select, text

    from socialmap.catalogue.models import NeedTerm
    from socialmap.db import Base
    from socialmap.extensions import db
    from socialmap.interop.taxonomy import load_needs

    app = make_app(url)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_needs(db.session, NEEDS_FILE)
        db.session.commit()
        need_id = dict(db.session.execute(select(NeedTerm.code, NeedTerm.id)).all())
        db.session.remove()
        tables = Base.metadata.tables
        with db.engine.begin() as conn:
            for name in TABLE_ORDER:
                table, data = tables[name], rows[name]
                if name in ("area_unit", "location"):
                    data = [
                        {
                            **{k: v for k, v in r.items() if k != "wkt"},
                            "geom": None if r["wkt"] is None else WKTElement(r["wkt"], srid=4326),
                        }
                        for r in data
                    ]
                elif name == "service_need":
                    data = [{"service_id": r["service_id"], "need_id": need_id[r["need_code"]]} for r in data]
                started = time.perf_counter()
                for i in range(0, len(data), 20_000):
                    conn.execute(table.insert(), data[i : i + 20_000])
                say(f"  {name}: {len(data):,} rows in {time.perf_counter() - started:.1f} s")
            if conn.dialect.name == "postgresql":
                for name in (
                    "area_unit",
                    "organisation",
                    "location",
                    "service",
                    "contact",
                    "schedule_rule",
                    "schedule_exception",
                    "need_term",
                ):
                    conn.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
                    )
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        db.session.remove()
        db.engine.dispose()


# --- cache -------------------------------------------------------------------------------


def inputs_digest() -> str:
    h = hashlib.sha256(json.dumps(PARAMS, sort_keys=True).encode())
    for path in [
        Path(__file__),
        MUNICIPALITIES_FILE,
        AMSTERDAM_BUURTEN_FILE,
        NEEDS_FILE,
        PC4_FILE,
        *sorted(CATALOGUE_DIR.glob("*.yaml")),
    ]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    h.update(f"numpy {np.__version__} shapely {shapely.__version__} geos {shapely.geos_version}".encode())
    return h.hexdigest()


def _count_services_sqlite() -> int | None:
    if not SQLITE_PATH.exists():
        return None
    import pysqlite3.dbapi2 as sqlite

    try:
        with sqlite.connect(str(SQLITE_PATH)) as conn:
            return conn.execute("SELECT count(*) FROM service").fetchone()[0]
    except sqlite.Error:
        return None


def _count_services_pg() -> int | None:
    if not pg_database_exists():
        return None
    try:
        with pg_connect() as conn:
            return conn.execute("SELECT count(*) FROM service").fetchone()[0]
    except Exception:
        return None


def up_to_date(digest: str, postgres: bool = True) -> bool:
    expected = PARAMS["live_services"] + PARAMS["ended_services"]
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return False
    return (
        stamp.get("digest") == digest
        and _count_services_sqlite() == expected
        and (not postgres or (stamp.get("postgres", True) and _count_services_pg() == expected))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="regenerate even when the cache is current")
    parser.add_argument(
        "--services",
        type=int,
        metavar="N",
        help=f"live services (default {PARAMS['live_services']:,}; ended ones: 1 %% on top); "
        "fewer for a quick smoke run",
    )
    parser.add_argument(
        "--no-postgres",
        action="store_true",
        help="write the SpatiaLite database only (then run bench.run with --no-postgres)",
    )
    args = parser.parse_args(argv)
    if args.services is not None:
        if args.services < 1:
            parser.error("--services must be at least 1")
        PARAMS.update(
            live_services=args.services,
            ended_services=round(args.services * PARAMS["ended_services"] / PARAMS["live_services"]),
        )
    postgres = not args.no_postgres
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    digest = inputs_digest()
    if not args.force and up_to_date(digest, postgres):
        say(f"synthetic catalogue up to date ({STAMP.relative_to(BENCH_DIR.parent)}); skipping generation")
        return 0
    started = time.perf_counter()
    STAMP.unlink(missing_ok=True)
    rnd, rng = random.Random(PARAMS["seed"]), np.random.default_rng(PARAMS["seed"])
    with step("areas: subdividing municipalities into wijken and buurten"):
        areas, by_code = build_areas(rnd, rng)
    with step("catalogue: organisations, locations, services"):
        rows = build_catalogue(areas, by_code, rnd, rng)
        rows["area_unit"] = area_rows(areas)
    levels = defaultdict(int)
    for a in areas:
        levels[a.level] += 1
    say(
        "generated: "
        + ", ".join(f"{n:,} {lvl}" for lvl, n in levels.items())
        + "; "
        + ", ".join(f"{len(rows[t]):,} {t}" for t in TABLE_ORDER[1:])
    )
    with step(f"SpatiaLite: {SQLITE_PATH.relative_to(BENCH_DIR.parent)}"):
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        write_database(sqlite_url(), rows)
    if postgres:
        with step(f"PostgreSQL: {PG_DATABASE}"):
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            pg_admin(f"CREATE DATABASE {PG_DATABASE}")
            write_database(pg_url(), rows)
    STAMP.write_text(
        json.dumps(
            {
                "digest": digest,
                "params": PARAMS,
                "postgres": postgres,
                "generated_at": time.strftime("%Y-%m-%d %H:%M:%S"),
                "seconds": round(time.perf_counter() - started, 1),
                "counts": {"areas": dict(levels), **{t: len(rows[t]) for t in TABLE_ORDER}},
            },
            indent=1,
        )
    )
    say(f"generation took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
