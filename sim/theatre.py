"""The theatre map at run time: hexes, terrain, borders, rivers, roads and named places.

`tools/build_theatre.py` turns the hand-written files in `scenarios/theatre/` (places, routes,
districts, rivers) and the geographic reference data into `map.npz` and `map.toml`; this module
reads those two built files plus `places.toml` and `districts.toml`, which stay the one place
where names and aliases are kept. It never touches the raw GeoJSON, so the game runs without
the reference data (see docs/map-format.md).

Per-hex layers are numpy arrays indexed by hex number (sorted by row, then column) and are
read-only: game state copies what it changes. The readers of the hand-written files are
public because the build uses them too, so both agree on what a valid file is.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import UserError
from sim.geo import Projection
from sim.hexgrid import Hex, neighbour_table

__all__ = [
    "DEFAULT_THEATRE_DIR",
    "PLACE_KINDS",
    "TERRAIN",
    "District",
    "Place",
    "Route",
    "Theatre",
    "fold_name",
    "load_theatre",
    "one_of",
    "read_districts",
    "read_places",
    "read_toml",
]

TERRAIN: tuple[str, ...] = ("water", "plain", "river_valley", "hills", "mountain", "high_mountain")
PLACE_KINDS: tuple[str, ...] = (
    "city", "town", "village", "pass", "dam", "airfield", "station", "site", "offmap",
)
DISTRICT_KINDS: tuple[str, ...] = ("rayon", "city", "marz", "province")
COUNTRIES: tuple[str, ...] = ("ARM", "AZE", "IRN")
DEFAULT_THEATRE_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "theatre"

MAP_ARRAYS: dict[str, str] = {
    "q": "int16",
    "r": "int16",
    "elevation": "int16",
    "ruggedness": "int16",
    "terrain": "uint8",
    "country": "uint8",
    "district": "int16",
    "nkao": "bool",
    "river_sides": "uint8",
    "major_river_sides": "uint8",
    "road_sides": "uint8",
    "rail_sides": "uint8",
    "ceasefire_1994": "int8",
}

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_BUILD_HINT = "rebuild it with: python tools/build_theatre.py --geo ../shared/reference/geo"


@dataclass(frozen=True)
class Place:
    """A named place; `hex`, `index` and `district` are None off the map."""

    id: str
    name: str
    aliases: tuple[str, ...]
    lat: float
    lon: float
    kind: str
    source: str
    hex: Hex | None
    index: int | None
    district: str | None
    edge: str | None


@dataclass(frozen=True)
class District:
    """A rayon, city, marz or province; its position in `Theatre.districts` is its code."""

    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    kind: str


@dataclass(frozen=True)
class Route:
    """A road or railway as the connected hex path the build drew for it."""

    id: str
    name: str
    kind: str
    hexes: tuple[Hex, ...]
    source: str


# --- reading the hand-written files ---------------------------------------------------------


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file; a missing or malformed file is the user's to fix, not a crash."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise UserError(f"{path}: not valid TOML: {e}") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read: {e.strerror}") from None


Check = Callable[[Any], str | None]


def _is_str(v: Any) -> str | None:
    return None if isinstance(v, str) and v.strip() else "expected a non-empty string"


def _is_number(v: Any) -> str | None:
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    return None if ok else "expected a number"


def _is_bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "expected true or false"


def _is_strings(v: Any) -> str | None:
    ok = isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v)
    return None if ok else "expected an array of non-empty strings"


def _is_slug(v: Any) -> str | None:
    ok = isinstance(v, str) and _SLUG.match(v)
    return None if ok else "expected a lowercase ascii id like 'krasnyy-bazar'"


def one_of(options: Iterable[str]) -> Check:
    options = tuple(options)

    def check(v: Any) -> str | None:
        return None if v in options else f"expected one of {', '.join(options)}"

    return check


STR: Check = _is_str
NUMBER: Check = _is_number
BOOL: Check = _is_bool
STRINGS: Check = _is_strings
SLUG: Check = _is_slug


def check_records(
    data: Mapping[str, Any],
    path: Path,
    table: str,
    required: Mapping[str, Check],
    optional: Mapping[str, Check],
    errors: list[str],
) -> list[dict[str, Any]]:
    """The `[[table]]` records of a file, each checked against its keys.

    Problems are appended to `errors` as "file: table[i] (id 'x').key: message" so a user sees
    every mistake in one run; records with problems are still returned for later checks.
    """
    records = data.get(table)
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        errors.append(f"{path}: {table}: expected an array of tables [[{table}]]")
        return []
    for i, rec in enumerate(records):
        where = f"{path}: {table}[{i}]" + (f" (id {rec['id']!r})" if "id" in rec else "")
        for key, check in required.items():
            if key not in rec:
                errors.append(f"{where}: missing key {key!r}")
            elif (problem := check(rec[key])) is not None:
                errors.append(f"{where}.{key}: {problem}, found {rec[key]!r}")
        for key, value in rec.items():
            if key in required:
                continue
            if key not in optional:
                known = ", ".join(sorted({*required, *optional}))
                errors.append(f"{where}: unknown key {key!r} (known keys: {known})")
            elif (problem := optional[key](value)) is not None:
                errors.append(f"{where}.{key}: {problem}, found {value!r}")
    return records


def check_provenance(rec: Mapping[str, Any], where: str, errors: list[str]) -> None:
    """Every coordinate carries a `source`, or `estimate = true` with a `why`."""
    if rec.get("estimate") is True:
        if not isinstance(rec.get("why"), str):
            errors.append(f"{where}: estimate = true needs a 'why'")
    elif "why" in rec:
        errors.append(f"{where}: 'why' goes with estimate = true")
    if not isinstance(rec.get("source"), str) and rec.get("estimate") is not True:
        errors.append(f"{where}: needs a 'source', or estimate = true with a 'why'")


def check_unique_ids(
    records: list[dict[str, Any]], path: Path, table: str, errors: list[str]
) -> None:
    seen: dict[str, int] = {}
    for i, rec in enumerate(records):
        rid = rec.get("id")
        if isinstance(rid, str):
            if rid in seen:
                first = seen[rid]
                errors.append(f"{path}: {table}[{i}]: id {rid!r} already used by {table}[{first}]")
            seen.setdefault(rid, i)


def raise_errors(errors: list[str]) -> None:
    if errors:
        raise UserError("\n".join(errors))


PLACE_KEYS_REQUIRED: dict[str, Check] = {
    "id": SLUG, "name": STR, "lat": NUMBER, "lon": NUMBER, "kind": one_of(PLACE_KINDS),
}
PLACE_KEYS_OPTIONAL: dict[str, Check] = {
    "aliases": STRINGS, "source": STR, "estimate": BOOL, "why": STR, "edge": SLUG, "note": STR,
}


def read_places(path: Path, box: Mapping[str, float] | None = None) -> tuple[Place, ...]:
    """Places as written (hex, index and district unset), checked for shape and consistency.

    With `box`, an on-map place outside it is an error: it belongs off the map with an `edge`.
    """
    data = read_toml(path)
    errors: list[str] = []
    _no_other_tables(data, path, {"places"}, errors)
    records = check_records(data, path, "places", PLACE_KEYS_REQUIRED, PLACE_KEYS_OPTIONAL, errors)
    check_unique_ids(records, path, "places", errors)
    ids = {r["id"] for r in records if isinstance(r.get("id"), str)}
    labels: dict[str, str] = {}
    for i, rec in enumerate(records):
        where = f"{path}: places[{i}] (id {rec.get('id')!r})"
        check_provenance(rec, where, errors)
        offmap = rec.get("kind") == "offmap"
        edge = rec.get("edge")
        if offmap != ("edge" in rec):
            errors.append(f"{where}: 'edge' is required for kind = 'offmap' and only then")
        elif offmap and (not isinstance(edge, str) or edge not in ids or edge == rec.get("id")):
            errors.append(f"{where}.edge: {edge!r} is not another place id")
        lat, lon = rec.get("lat"), rec.get("lon")
        if box is not None and not offmap and _is_number(lat) is None and _is_number(lon) is None:
            inside = (box["lat_min"] <= lat <= box["lat_max"]
                      and box["lon_min"] <= lon <= box["lon_max"])
            if not inside:
                errors.append(f"{where}: lies outside the map box; make it kind = 'offmap'")
        for label in _labels_of(rec):
            key = fold_name(label)
            other = labels.setdefault(key, rec.get("id", "?"))
            if other != rec.get("id"):
                errors.append(f"{where}: name or alias {label!r} also names place {other!r}")
    raise_errors(errors)
    places = []
    for rec in records:
        parts = [rec["source"]] if "source" in rec else []
        if rec.get("estimate"):
            parts.append(f"estimate: {rec['why']}")
        source = "; ".join(parts)
        places.append(Place(
            id=rec["id"], name=rec["name"], aliases=tuple(rec.get("aliases", ())),
            lat=float(rec["lat"]), lon=float(rec["lon"]), kind=rec["kind"], source=source,
            hex=None, index=None, district=None, edge=rec.get("edge"),
        ))
    return tuple(places)


DISTRICT_KEYS_REQUIRED: dict[str, Check] = {
    "id": SLUG, "name": STR, "country": one_of(COUNTRIES), "kind": one_of(DISTRICT_KINDS),
    "adm1_codes": STRINGS, "ne_name": STR,
}
DISTRICT_KEYS_OPTIONAL: dict[str, Check] = {
    "aliases": STRINGS, "area_km2": NUMBER, "area_source": STR, "note": STR,
    "nkao": one_of(("inside", "outside")),
}


def read_districts(path: Path) -> tuple[tuple[District, ...], tuple[dict[str, Any], ...]]:
    """Districts in file order (the order is their code), with the raw records for the build."""
    data = read_toml(path)
    errors: list[str] = []
    _no_other_tables(data, path, {"districts"}, errors)
    records = check_records(
        data, path, "districts", DISTRICT_KEYS_REQUIRED, DISTRICT_KEYS_OPTIONAL, errors
    )
    check_unique_ids(records, path, "districts", errors)
    for i, rec in enumerate(records):
        if ("area_km2" in rec) != ("area_source" in rec):
            errors.append(f"{path}: districts[{i}]: area_km2 and area_source go together")
    raise_errors(errors)
    districts = tuple(
        District(id=r["id"], name=r["name"], aliases=tuple(r.get("aliases", ())),
                 country=r["country"], kind=r["kind"])
        for r in records
    )
    return districts, tuple(records)


def _no_other_tables(
    data: Mapping[str, Any], path: Path, allowed: set[str], errors: list[str]
) -> None:
    for key in data:
        if key not in allowed:
            errors.append(f"{path}: unknown key {key!r} (expected {', '.join(sorted(allowed))})")


def _labels_of(rec: Mapping[str, Any]) -> list[str]:
    aliases = rec.get("aliases", [])
    labels = [rec.get("id"), rec.get("name"), *(aliases if isinstance(aliases, list) else [])]
    return [x for x in labels if isinstance(x, str)]


def fold_name(name: str) -> str:
    """A name reduced for matching: case, accents, spaces and punctuation ignored.

    Azerbaijani schwa and dotless i have no decomposition, so they are mapped by hand
    (Xankəndi -> xankendi, Laçın -> lacin).
    """
    s = name.casefold().replace("ə", "e").replace("ı", "i")
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if ch.isalnum() and not unicodedata.combining(ch))


# --- the built map ----------------------------------------------------------------------------


class Theatre:
    """The loaded map. Arrays are per hex and read-only; see docs/map-format.md for meanings."""

    directory: Path
    projection: Projection
    n: int
    q: np.ndarray
    r: np.ndarray
    elevation: np.ndarray
    ruggedness: np.ndarray
    terrain: np.ndarray
    country: np.ndarray
    district: np.ndarray
    nkao: np.ndarray
    river_sides: np.ndarray
    major_river_sides: np.ndarray
    road_sides: np.ndarray
    rail_sides: np.ndarray
    ceasefire_1994: np.ndarray
    neighbours: np.ndarray
    terrain_names: tuple[str, ...]
    country_codes: tuple[str, ...]
    districts: tuple[District, ...]
    places: dict[str, Place]
    routes: dict[str, Route]
    hex_km: float

    def __init__(
        self,
        directory: Path,
        projection: Projection,
        arrays: Mapping[str, np.ndarray],
        terrain_names: tuple[str, ...],
        country_codes: tuple[str, ...],
        districts: tuple[District, ...],
        places: Iterable[Place],
        routes: Iterable[Route],
    ) -> None:
        self.directory = directory
        self.projection = projection
        for name in MAP_ARRAYS:
            arr = np.array(arrays[name])
            arr.setflags(write=False)
            setattr(self, name, arr)
        self.n = int(self.q.size)
        self.neighbours = neighbour_table(self.q, self.r)
        self.neighbours.setflags(write=False)
        self.terrain_names = terrain_names
        self.country_codes = country_codes
        self.districts = districts
        self.hex_km = projection.hex_across_flats_km
        q = self.q.astype(np.int64)
        r = self.r.astype(np.int64)
        self._q0, self._r0 = (int(q.min()), int(r.min())) if self.n else (0, 0)
        shape = (int(r.max()) - self._r0 + 1, int(q.max()) - self._q0 + 1) if self.n else (0, 0)
        self._lookup = np.full(shape, -1, dtype=np.int32)
        self._lookup[r - self._r0, q - self._q0] = np.arange(self.n, dtype=np.int32)
        self._x_km, self._y_km = projection.axial_to_km(q, r)
        self._district_codes = {d.id: i for i, d in enumerate(districts)}
        self.places = {p.id: self._locate(p) for p in places}
        self.routes = {rt.id: rt for rt in routes}
        self._by_label: dict[str, str] = {}
        for p in self.places.values():
            for label in (p.id, p.name, *p.aliases):
                self._by_label.setdefault(fold_name(label), p.id)

    def __repr__(self) -> str:
        return f"Theatre({str(self.directory)!r}, n={self.n}, places={len(self.places)})"

    def _locate(self, place: Place) -> Place:
        if place.kind == "offmap":
            return place
        h = self.projection.hex_at(place.lat, place.lon)
        i = self.index_of(h)
        district = None if i is None else self.districts[int(self.district[i])].id
        return replace(place, hex=h, index=i, district=district)

    def index_of(self, h: Hex) -> int | None:
        """The hex number of `h`, or None when it is off the map."""
        row, col = h.r - self._r0, h.q - self._q0
        if 0 <= row < self._lookup.shape[0] and 0 <= col < self._lookup.shape[1]:
            i = int(self._lookup[row, col])
            return i if i >= 0 else None
        return None

    def hex_of(self, i: int) -> Hex:
        return Hex(int(self.q[i]), int(self.r[i]))

    def latlon_of(self, i: int) -> tuple[float, float]:
        """Latitude and longitude of the centre of hex `i`."""
        return self.projection.hex_centre(self.hex_of(i))

    def find_place(self, name: str) -> Place | None:
        """A place by id, name or alias, ignoring case, accents, spaces and punctuation."""
        pid = self._by_label.get(fold_name(name))
        return None if pid is None else self.places[pid]

    def place_labels(self) -> list[str]:
        """Every id, name and alias once, in file order: the candidates for "did you mean"."""
        labels: dict[str, None] = {}
        for p in self.places.values():
            for label in (p.id, p.name, *p.aliases):
                labels.setdefault(label)
        return list(labels)

    def district_index(self, district_id: str) -> int | None:
        return self._district_codes.get(district_id)

    def passable(self) -> np.ndarray:
        """Hexes a unit may enter: land outside Iran (the war did not cross the Araxes)."""
        water = self.terrain == TERRAIN.index("water")
        iran = self.country == self.country_codes.index("IRN")
        return ~water & ~iran

    def hexes_within_km(self, lat: float, lon: float, km: float) -> np.ndarray:
        """Indices of the hexes whose centres lie within `km` of a point."""
        x, y = self.projection.to_km(lat, lon)
        d2 = (self._x_km - float(x)) ** 2 + (self._y_km - float(y)) ** 2
        return np.flatnonzero(d2 <= km * km)


def load_theatre(directory: Path | str | None = None) -> Theatre:
    """Load (once per directory) the theatre map built in `directory` (default: the game's)."""
    path = Path(directory) if directory is not None else DEFAULT_THEATRE_DIR
    return _load_resolved(path.resolve())


@functools.lru_cache(maxsize=8)
def _load_resolved(directory: Path) -> Theatre:
    meta_path = directory / "map.toml"
    meta = read_toml(meta_path)
    errors: list[str] = []
    projection = _read_projection(meta, meta_path, errors)
    box = meta.get("box")
    if not isinstance(box, dict) or any(_is_number(box.get(k)) for k in _BOX_KEYS):
        errors.append(f"{meta_path}: box: expected numbers {', '.join(_BOX_KEYS)}")
        box = None
    terrain = meta.get("terrain")
    if terrain != list(TERRAIN):
        errors.append(f"{meta_path}: terrain: expected {list(TERRAIN)}, found {terrain!r}")
    countries = meta.get("countries")
    if _is_strings(countries) or "IRN" not in countries:
        errors.append(f"{meta_path}: countries: expected an array of country codes incl. IRN")
        countries = list(COUNTRIES)
    district_ids = meta.get("districts")
    if _is_strings(district_ids):
        errors.append(f"{meta_path}: districts: expected an array of district ids")
    routes = _read_routes(meta, meta_path, errors)
    raise_errors(errors)

    districts, _ = read_districts(directory / "districts.toml")
    if [d.id for d in districts] != district_ids:
        raise UserError(
            f"{directory / 'districts.toml'}: the districts differ from those map.toml was built "
            f"with; {_BUILD_HINT}"
        )
    places = read_places(directory / "places.toml", box)
    arrays = _read_arrays(directory / "map.npz", len(districts), len(countries))
    return Theatre(
        directory=directory,
        projection=projection,
        arrays=arrays,
        terrain_names=TERRAIN,
        country_codes=tuple(countries),
        districts=districts,
        places=places,
        routes=routes,
    )


_BOX_KEYS = ("lat_min", "lat_max", "lon_min", "lon_max")


def _read_projection(meta: Mapping[str, Any], path: Path, errors: list[str]) -> Projection:
    proj = meta.get("projection")
    keys = ("lat0", "lon0", "hex_size_km")
    if not isinstance(proj, dict) or any(_is_number(proj.get(k)) for k in keys):
        errors.append(f"{path}: projection: expected numbers {', '.join(keys)}")
        return Projection(0.0, 0.0, 1.0)
    return Projection(float(proj["lat0"]), float(proj["lon0"]), float(proj["hex_size_km"]))


def _read_routes(meta: Mapping[str, Any], path: Path, errors: list[str]) -> list[Route]:
    table = meta.get("routes", {})
    if not isinstance(table, dict):
        errors.append(f"{path}: routes: expected a table of routes")
        return []
    routes = []
    for rid, rec in table.items():
        where = f"{path}: routes.{rid}"
        if not isinstance(rec, dict):
            errors.append(f"{where}: expected a table")
            continue
        problems = [
            f"{where}.{k}: expected a non-empty string"
            for k in ("name", "kind", "source") if _is_str(rec.get(k))
        ]
        hexes = rec.get("hexes")
        if not (isinstance(hexes, list) and hexes and all(
            isinstance(h, list) and len(h) == 2 and all(type(v) is int for v in h) for h in hexes
        )):
            problems.append(f"{where}.hexes: expected an array of [q, r] integer pairs")
        errors.extend(problems)
        if not problems:
            routes.append(Route(
                id=rid, name=rec["name"], kind=rec["kind"],
                hexes=tuple(Hex(q, r) for q, r in hexes), source=rec["source"],
            ))
    return routes


def _read_arrays(path: Path, n_districts: int, n_countries: int) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except FileNotFoundError:
        raise UserError(f"{path}: file not found; {_BUILD_HINT}") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        raise UserError(f"{path}: cannot read the map arrays ({e}); {_BUILD_HINT}") from None
    errors = []
    n = arrays["q"].size if "q" in arrays else 0
    for name, dtype in MAP_ARRAYS.items():
        arr = arrays.get(name)
        if arr is None:
            errors.append(f"{path}: missing array {name!r}; {_BUILD_HINT}")
        elif arr.dtype != np.dtype(dtype) or arr.shape != (n,):
            errors.append(
                f"{path}: array {name!r}: expected {dtype} of length {n}, "
                f"found {arr.dtype} of shape {arr.shape}"
            )
    for name in arrays:
        if name not in MAP_ARRAYS:
            errors.append(f"{path}: unknown array {name!r}")
    raise_errors(errors)
    if n and (arrays["district"].min() < 0 or arrays["district"].max() >= n_districts):
        errors.append(f"{path}: district codes out of range; {_BUILD_HINT}")
    if n and arrays["country"].max() >= n_countries:
        errors.append(f"{path}: country codes out of range; {_BUILD_HINT}")
    if n and arrays["terrain"].max() >= len(TERRAIN):
        errors.append(f"{path}: terrain codes out of range; {_BUILD_HINT}")
    raise_errors(errors)
    return arrays
