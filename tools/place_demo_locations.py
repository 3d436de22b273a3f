"""Give every demo location a point inside the buurt it claims, and a postcode.

Writes data/demo/placements.csv (location,lon,lat,postcode). Deterministic: the
same key always gets the same point, so re-running changes only new locations.
Run: .venv/bin/python tools/place_demo_locations.py
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import sys
from pathlib import Path

import yaml
from shapely.geometry import Point, shape
from shapely.prepared import prep

ROOT = Path(__file__).resolve().parent.parent
BUURTEN = ROOT / "data" / "areas" / "amsterdam_buurten.geojson"
POSTCODES = ROOT / "data" / "postcodes" / "pc4_centroids.csv"
CATALOGUE = ROOT / "data" / "demo" / "catalogue"
OUT = ROOT / "data" / "demo" / "placements.csv"
INSET_DEGREES = 0.00015  # ~15 m: keep points clear of the buurt's edge


def main() -> int:
    polygons = {f["properties"]["cbsCode"]: shape(f["geometry"]) for f in json.loads(BUURTEN.read_text())["features"]}
    with open(POSTCODES, newline="") as fh:
        postcodes = [
            (r["pc4"], float(r["lon"]), float(r["lat"]))
            for r in csv.DictReader(fh)
            if r["city"] in ("Amsterdam", "Weesp", "Driemond", "Amsterdam-Duivendrecht")
            and 52.2 < float(r["lat"]) < 52.5
            and 4.7 < float(r["lon"]) < 5.15
        ]
    rows = []
    for path in sorted(CATALOGUE.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text()) or {}
        for org in doc.get("organisations") or []:
            for loc in org.get("locations") or []:
                poly = polygons.get(loc.get("buurt"))
                if poly is None:
                    print(f"{path.name}: location {loc.get('key')}: unknown buurt {loc.get('buurt')}", file=sys.stderr)
                    continue
                lon, lat = _point_inside(poly, loc["key"])
                pc = min(postcodes, key=lambda p: (p[1] - lon) ** 2 + (p[2] - lat) ** 2)[0]
                rows.append((loc["key"], f"{lon:.6f}", f"{lat:.6f}", pc))
    rows.sort()
    with open(OUT, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["location", "lon", "lat", "postcode"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} placements to {OUT.relative_to(ROOT)}")
    return 0


def _point_inside(poly, key: str) -> tuple[float, float]:
    inner = poly.buffer(-INSET_DEGREES)
    target = inner if not inner.is_empty and inner.area > poly.area * 0.05 else poly
    rng = random.Random(hashlib.sha256(key.encode()).hexdigest())
    minx, miny, maxx, maxy = target.bounds
    test = prep(target)
    for _ in range(10_000):
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if test.contains(p):
            return round(p.x, 6), round(p.y, 6)
    p = target.representative_point()
    return round(p.x, 6), round(p.y, 6)


if __name__ == "__main__":
    sys.exit(main())
