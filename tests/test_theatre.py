"""The built theatre map (scenarios/theatre/): geometry, terrain, borders, rivers, roads, places.

These read only the files in scenarios/theatre/, never the reference data they were built from.
The terrain and border checks are facts any rebuild must keep (Shusha is in the mountains, Barda
on the plain, Lachin was Armenian-held at the ceasefire).
"""

from __future__ import annotations

import shutil
import tomllib
from collections import deque
from pathlib import Path

import numpy as np
import pytest

from sim.errors import UserError
from sim.hexgrid import DIRECTIONS, Hex
from sim.sides import ARMENIAN, AZERBAIJANI, NEUTRAL
from sim.theatre import DEFAULT_THEATRE_DIR, TERRAIN, Theatre, fold_name, load_theatre

LAYERS = ("river_sides", "major_river_sides", "road_sides", "rail_sides")


@pytest.fixture(scope="module")
def theatre() -> Theatre:
    return load_theatre()


def terrain_at(t: Theatre, place_id: str) -> str:
    return t.terrain_names[int(t.terrain[t.places[place_id].index])]


def terrain_at_point(t: Theatre, lat: float, lon: float) -> str:
    return t.terrain_names[int(t.terrain[t.index_of(t.projection.hex_at(lat, lon))])]


def test_map_covers_the_box_with_small_hexes(theatre):
    meta = tomllib.loads((DEFAULT_THEATRE_DIR / "map.toml").read_text(encoding="utf-8"))
    box = meta["box"]
    assert (box["lat_min"], box["lat_max"], box["lon_min"], box["lon_max"]) == (
        38.8, 40.8, 45.2, 47.7,
    )
    assert theatre.projection.hex_across_corners_km <= 4.0
    assert theatre.hex_km == pytest.approx(theatre.projection.hex_across_flats_km)
    assert 3000 <= theatre.n <= 6000
    lat, lon = theatre.projection.hex_centres(theatre.q, theatre.r)
    assert lat.min() >= 38.8 and lat.max() <= 40.8
    assert lon.min() >= 45.2 and lon.max() <= 47.7
    # Every hex whose centre is in the box is on the map: missing neighbours lie outside it.
    for d, step in enumerate(DIRECTIONS):
        off = theatre.neighbours[:, d] < 0
        q, r = theatre.q[off] + step.q, theatre.r[off] + step.r
        nlat, nlon = theatre.projection.hex_centres(q, r)
        outside = (nlat < 38.8) | (nlat > 40.8) | (nlon < 45.2) | (nlon > 47.7)
        assert outside.all()


def test_hexes_are_sorted_by_row_then_column(theatre):
    key = theatre.r.astype(np.int64) * 10_000 + theatre.q
    assert np.all(np.diff(key) > 0)


def test_arrays_are_read_only_and_the_npz_is_plain_and_small(theatre):
    for name in ("q", "terrain", "district", "road_sides", "ceasefire_1994", "neighbours"):
        assert not getattr(theatre, name).flags.writeable
    path = DEFAULT_THEATRE_DIR / "map.npz"
    assert path.stat().st_size < 1_000_000
    with np.load(path, allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)


def test_each_place_lies_in_the_hex_holding_its_coordinates(theatre):
    proj = theatre.projection
    for p in theatre.places.values():
        if p.kind == "offmap":
            assert p.hex is None and p.index is None and p.district is None
            assert theatre.places[p.edge].index is not None
            continue
        assert p.hex == proj.hex_at(p.lat, p.lon), p.id
        assert p.index is not None, p.id
        assert theatre.hex_of(p.index) == p.hex
        assert theatre.index_of(p.hex) == p.index
        clat, clon = theatre.latlon_of(p.index)
        assert proj.hex_at(clat, clon) == p.hex
        x0, y0 = proj.to_km(p.lat, p.lon)
        x1, y1 = proj.to_km(clat, clon)
        assert np.hypot(x1 - x0, y1 - y0) <= proj.hex_size_km + 1e-9
        assert p.district == theatre.districts[int(theatre.district[p.index])].id


def test_every_place_in_the_gazetteer_is_there(theatre):
    for pid in (
        "stepanakert", "shusha", "khojaly", "lachin", "kalbajar", "agdam", "fuzuli", "jabrayil",
        "zangilan", "qubadli", "martakert", "martuni", "hadrut", "askeran", "shahumyan",
        "goranboy", "ganja", "goris", "horadiz", "omar-pass", "sarsang", "gulustan", "karintak",
        "malibeyli", "gushchular", "karadagly", "agdaban", "chapar", "karakend", "dzhangasan",
        "kerkicahan", "machkalashen", "jardar", "krasnyy-bazar", "maraga", "meshali", "barda",
        "tartar", "nakhchivan", "kapan", "vardenis", "sotk-pass", "beylagan", "yevlakh",
        "imaret-garvand",
    ):
        assert theatre.places[pid].index is not None, pid
    for pid in ("yerevan", "baku", "batumi"):
        assert theatre.places[pid].kind == "offmap"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Xankəndi", "stepanakert"),
        ("khankendi", "stepanakert"),
        ("SHUSHI", "shusha"),
        ("Berdzor", "lachin"),
        ("Kəlbəcər", "kalbajar"),
        ("Karvachar", "kalbajar"),
        ("Akna", "agdam"),
        ("Mardakert", "martakert"),
        ("Aghdara", "martakert"),
        ("Varanda", "fuzuli"),
        ("Jebrail", "jabrayil"),
        ("Kovsakan", "zangilan"),
        ("Kubatly", "qubadli"),
        ("Khojavend", "martuni"),
        ("Mayraberd", "askeran"),
        ("Ivanyan", "khojaly"),
        ("krasnyy bazar", "krasnyy-bazar"),
        ("Omar pass", "omar-pass"),
        ("Laçın", "lachin"),
    ],
)
def test_find_place_by_any_name(theatre, name, expected):
    assert theatre.find_place(name).id == expected


def test_unknown_names_and_labels(theatre):
    assert theatre.find_place("Atlantis") is None
    labels = theatre.place_labels()
    assert "Berdzor" in labels and "stepanakert" in labels
    assert len(labels) == len(set(labels))
    folded = [fold_name(label) for p in theatre.places.values() for label in {
        fold_name(x) for x in (p.id, p.name, *p.aliases)
    }]
    assert len(folded) == len(set(folded)), "a name or alias names two places"


@pytest.mark.parametrize("place", ["shusha", "kalbajar", "lachin"])
def test_mountain_towns(theatre, place):
    assert terrain_at(theatre, place) in ("mountain", "high_mountain")


@pytest.mark.parametrize("place", ["barda", "agdam", "horadiz"])
def test_plain_towns(theatre, place):
    assert terrain_at(theatre, place) == "plain"


@pytest.mark.parametrize("place", ["omar-pass", "sotk-pass"])
def test_passes_are_high_mountain(theatre, place):
    assert terrain_at(theatre, place) == "high_mountain"


def test_lakes_and_the_sarsang_reservoir_are_water(theatre):
    assert terrain_at_point(theatre, 40.35, 45.25) == "water"  # Lake Sevan
    near_dam = theatre.hexes_within_km(40.17, 46.56, 6.0)
    water = theatre.terrain[near_dam] == TERRAIN.index("water")
    assert water.sum() >= 2
    assert terrain_at(theatre, "stepanakert") != "water"


def test_terrain_codes_and_classes(theatre):
    assert theatre.terrain_names == TERRAIN
    counts = np.bincount(theatre.terrain, minlength=len(TERRAIN))
    assert counts.min() > 0, "every terrain class occurs"
    # The Kura-Araxes lowland is plain, the Karabakh upland high mountain.
    assert terrain_at_point(theatre, 40.10, 47.40) == "plain"
    assert terrain_at_point(theatre, 39.90, 46.05) == "high_mountain"


def test_every_land_hex_has_a_district_and_a_country(theatre):
    assert theatre.district.min() >= 0
    assert theatre.district.max() < len(theatre.districts)
    assert theatre.country.max() < len(theatre.country_codes)
    district_country = np.array(
        [theatre.country_codes.index(d.country) for d in theatre.districts]
    )
    assert np.array_equal(district_country[theatre.district], theatre.country)
    assert np.all(np.bincount(theatre.district, minlength=len(theatre.districts)) > 0)


def test_districts_of_the_main_towns(theatre):
    expected = {
        "stepanakert": "stepanakert", "shusha": "shusha", "lachin": "lachin",
        "kalbajar": "kalbajar", "agdam": "agdam", "fuzuli": "fuzuli", "qubadli": "qubadli",
        "zangilan": "zangilan", "askeran": "khojaly", "hadrut": "khojavend",
        "martakert": "tartar", "goris": "syunik", "barda": "barda", "ganja": "ganja",
    }
    for place, district in expected.items():
        assert theatre.places[place].district == district, place
    assert theatre.district_index("lachin") is not None
    assert theatre.district_index("atlantis") is None


def test_nkao(theatre):
    for pid in ("stepanakert", "shusha", "martakert", "hadrut"):
        assert theatre.nkao[theatre.places[pid].index], pid
    for pid in ("lachin", "agdam", "kalbajar"):
        assert not theatre.nkao[theatre.places[pid].index], pid
    area = theatre.nkao.sum() * theatre.projection.hex_area_km2
    assert 3800 < area < 4900  # official 4,388 km²


@pytest.mark.parametrize("layer", LAYERS)
def test_side_bitmasks_are_symmetric(theatre, layer):
    bits = getattr(theatre, layer)
    for d in range(6):
        has = (bits >> d) & 1 == 1
        j = theatre.neighbours[has, d]
        assert np.all(j >= 0), "no side towards a hex off the map"
        assert np.all((bits[j] >> ((d + 3) % 6)) & 1 == 1)


def test_rivers(theatre):
    assert np.count_nonzero(theatre.river_sides) > 300
    assert np.all(theatre.major_river_sides & ~theatre.river_sides == 0)
    # Iran's border with the Caucasus states is the Araxes: every Iranian hex on the border has
    # the river on one of its sides or on a neighbour's (the border and the 1:10m river line
    # differ by up to a kilometre or two).
    iran = theatre.country == theatre.country_codes.index("IRN")
    nb = theatre.neighbours
    has_major = theatre.major_river_sides > 0
    on_border = np.zeros(theatre.n, dtype=bool)
    near_major = has_major.copy()
    for d in range(6):
        j = nb[:, d]
        on_border |= iran & (j >= 0) & ~iran[np.maximum(j, 0)]
        near_major |= (j >= 0) & has_major[np.maximum(j, 0)]
    assert on_border.sum() > 50
    assert near_major[on_border].all()


def _route_waypoints() -> dict[str, list]:
    with open(DEFAULT_THEATRE_DIR / "routes.toml", "rb") as f:
        return {r["id"]: r["waypoints"] for r in tomllib.load(f)["routes"]}


def test_routes_are_connected_paths_through_their_waypoints(theatre):
    waypoints = _route_waypoints()
    assert set(waypoints) == set(theatre.routes)
    for route in theatre.routes.values():
        layer = theatre.road_sides if route.kind == "road" else theatre.rail_sides
        assert route.kind in ("road", "rail")
        for a, b in zip(route.hexes[:-1], route.hexes[1:], strict=True):
            d = a.direction_to(b)
            assert d is not None, f"{route.id}: {a} and {b} are not adjacent"
            i = theatre.index_of(a)
            assert i is not None and (layer[i] >> d) & 1, route.id
        for h in route.hexes:
            assert theatre.terrain[theatre.index_of(h)] != TERRAIN.index("water"), route.id
        for w in waypoints[route.id]:
            h = theatre.places[w].hex if isinstance(w, str) else theatre.projection.hex_at(*w)
            assert h in route.hexes, f"{route.id} misses {w}"


def _road_reachable(t: Theatre, start: Hex) -> set[int]:
    seen = {t.index_of(start)}
    queue = deque(seen)
    while queue:
        i = queue.popleft()
        for d in range(6):
            j = int(t.neighbours[i, d])
            if (t.road_sides[i] >> d) & 1 and j not in seen:
                seen.add(j)
                queue.append(j)
    return seen


def test_the_lachin_road_joins_goris_to_stepanakert(theatre):
    road = theatre.routes["lachin-road"]
    assert road.hexes[0] == theatre.places["goris"].hex
    assert road.hexes[-1] == theatre.places["stepanakert"].hex
    assert theatre.places["lachin"].hex in road.hexes
    # About 90 km by a winding road (history-notes §c3.1), 65 km as the hexes go.
    assert 15 <= len(road.hexes) <= 40
    assert theatre.places["stepanakert"].index in _road_reachable(theatre, road.hexes[0])


def test_iran_lies_south_of_the_araxes_and_is_impassable(theatre):
    iran = theatre.country == theatre.country_codes.index("IRN")
    assert iran.sum() > 100
    assert not theatre.passable()[iran].any()
    lat, _ = theatre.projection.hex_centres(theatre.q[iran], theatre.r[iran])
    assert lat.max() < 39.8
    assert theatre.country_codes[int(theatre.country[theatre.index_of(
        theatre.projection.hex_at(39.30, 47.40))])] == "IRN"
    land = theatre.terrain != TERRAIN.index("water")
    assert np.array_equal(theatre.passable(), land & ~iran)


def test_ceasefire_1994(theatre):
    side = theatre.ceasefire_1994
    for pid in ("lachin", "kalbajar", "shusha", "agdam", "goris"):
        assert side[theatre.places[pid].index] == ARMENIAN, pid
    for pid in ("barda", "ganja", "horadiz", "tartar"):
        assert side[theatre.places[pid].index] == AZERBAIJANI, pid
    iran = theatre.country == theatre.country_codes.index("IRN")
    assert np.all(side[iran] == NEUTRAL)


def test_hexes_within_km(theatre):
    lat, lon = theatre.places["stepanakert"].lat, theatre.places["stepanakert"].lon
    near = set(theatre.hexes_within_km(lat, lon, 8.0).tolist())
    assert theatre.places["shusha"].index in near
    assert theatre.places["agdam"].index not in near
    assert theatre.hexes_within_km(lat, lon, 0.0).size <= 1


def test_loading_is_cached_per_directory(theatre):
    assert load_theatre(str(DEFAULT_THEATRE_DIR)) is theatre
    assert load_theatre(DEFAULT_THEATRE_DIR / ".") is theatre


# --- errors in the theatre files ---------------------------------------------------------------


@pytest.fixture()
def theatre_copy(tmp_path) -> Path:
    directory = tmp_path / "theatre"
    shutil.copytree(DEFAULT_THEATRE_DIR, directory)
    return directory


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unknown_key_names_file_and_key(theatre_copy):
    _edit(theatre_copy / "places.toml", 'id = "shusha"\n', 'id = "shusha"\nlattitude = 1\n')
    with pytest.raises(UserError) as err:
        load_theatre(theatre_copy)
    assert "places.toml" in str(err.value) and "lattitude" in str(err.value)


def test_bad_toml_and_missing_files(theatre_copy):
    _edit(theatre_copy / "districts.toml", 'id = "lachin"', 'id = "lachin')
    with pytest.raises(UserError, match="districts.toml: not valid TOML"):
        load_theatre(theatre_copy)


def test_missing_map_arrays(theatre_copy):
    (theatre_copy / "map.npz").unlink()
    with pytest.raises(UserError, match=r"map\.npz: file not found"):
        load_theatre(theatre_copy)


def test_a_place_without_provenance(theatre_copy):
    _edit(
        theatre_copy / "places.toml",
        'source = "history-notes §c1 [S21; 720 m, S22]"\n', "",
    )
    with pytest.raises(UserError, match="hadrut.*needs a 'source'"):
        load_theatre(theatre_copy)


def test_districts_must_match_the_build(theatre_copy):
    _edit(theatre_copy / "districts.toml", 'id = "lachin"', 'id = "berdzor"')
    with pytest.raises(UserError, match="rebuild"):
        load_theatre(theatre_copy)


def test_every_mistake_in_a_places_file_is_reported_at_once(theatre_copy):
    (theatre_copy / "places.toml").write_text(
        '[[places]]\nid = "Bad Id"\nname = ""\nlat = "north"\nkind = "castle"\n'
        'aliases = "Shushi"\nsource = "x"\n\n'
        '[[places]]\nid = "nowhere"\nname = "Nowhere"\nlat = 10.0\nlon = 10.0\n'
        'kind = "town"\nestimate = true\n\n'
        '[[places]]\nid = "far"\nname = "Far"\nlat = 40.0\nlon = 44.0\nkind = "offmap"\n'
        'edge = ["x"]\nsource = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(UserError) as err:
        load_theatre(theatre_copy)
    message = str(err.value)
    for expected in (
        "places[0] (id 'Bad Id').id", "places[0] (id 'Bad Id').name", ".lat: expected a number",
        "missing key 'lon'", ".kind: expected one of", ".aliases: expected an array",
        "estimate = true needs a 'why'", "lies outside the map box", "places[2] (id 'far').edge",
    ):
        assert expected in message, expected
