"""The map renderer, headless: what a player looking at the picture would notice.

Most tests draw a small synthetic theatre built here (same attributes as `sim.theatre.Theatre`)
so they run without the real map data; the real-data tests skip until it exists.
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from sim.geo import Projection  # noqa: E402
from sim.hexgrid import DIRECTIONS, Hex, hex_line, neighbour_table  # noqa: E402
from sim.sides import ARMENIAN, AZERBAIJANI, NEUTRAL  # noqa: E402
from sim.ui import init_pygame, palette  # noqa: E402
from sim.ui.geometry import SIDE_CORNERS, hex_centres_km, hex_corners_km  # noqa: E402
from sim.ui.map_render import MapRenderer  # noqa: E402
from sim.ui.relief import hillshade  # noqa: E402
from sim.ui.sheet import SheetText, render_sheet, write_png  # noqa: E402
from sim.ui.view import MapView  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REAL_MAP = ROOT / "scenarios" / "theatre" / "map.npz"

TERRAIN = ("water", "plain", "river_valley", "hills", "mountain", "high_mountain")
WATER, PLAIN, VALLEY, HILLS, MOUNTAIN, HIGH = range(6)


@dataclass(frozen=True)
class FakePlace:
    id: str
    name: str
    kind: str
    index: int | None
    aliases: tuple[str, ...] = ()
    edge: str | None = None
    lat: float | None = None
    lon: float | None = None


def _set_side_bits(bits: np.ndarray, nbr: np.ndarray, index: dict, path: list[Hex]) -> None:
    for a, b in zip(path, path[1:], strict=False):
        d = a.direction_to(b)
        i, j = index[a], index[b]
        bits[i] |= 1 << d
        bits[j] |= 1 << ((d + 3) % 6)
        assert nbr[i, d] == j


def synthetic_theatre(cols: int = 24, rows: int = 20) -> SimpleNamespace:
    """A small rectangular theatre: Armenia west, Azerbaijan east, Iran along the south, a
    ridge, a lake, a river, a major border river, a road, a railway and a few places."""
    hexes = [Hex(c - r // 2, r) for r in range(rows) for c in range(cols)]
    q = np.array([h.q for h in hexes], dtype=np.int16)
    r = np.array([h.r for h in hexes], dtype=np.int16)
    index = {h: i for i, h in enumerate(hexes)}
    projection = Projection(lat0=39.8, lon0=46.45, hex_size_km=2.0)
    nbr = neighbour_table(q, r)
    col = np.array([c for _ in range(rows) for c in range(cols)])
    row = r.astype(np.int64)

    elevation = (300 + 2200 * np.exp(-((col - 8) ** 2) / 18.0) * (row < rows - 3)).astype(np.int16)
    terrain = np.full(len(hexes), PLAIN, dtype=np.uint8)
    terrain[elevation > 600] = HILLS
    terrain[elevation > 1200] = MOUNTAIN
    terrain[elevation > 2200] = HIGH
    lake = [index[Hex(16 - 3, 6)], index[Hex(17 - 3, 6)], index[Hex(16 - 3, 7)]]
    terrain[lake] = WATER

    country = np.where(col < 12, 0, 1).astype(np.uint8)
    country[row >= rows - 3] = 2
    district = (col // 6 + 4 * (row // 10)).astype(np.int16)
    nkao = (np.hypot(col - 12, row - 9) < 4).astype(bool)

    river = np.zeros(len(hexes), dtype=np.uint8)
    major = np.zeros(len(hexes), dtype=np.uint8)
    for i in range(len(hexes)):
        if row[i] == rows - 4:  # sides between the last Azerbaijani row and Iran
            for d in (4, 5):
                j = nbr[i, d]
                if j >= 0:
                    major[i] |= 1 << d
                    major[j] |= 1 << ((d + 3) % 6)
        if row[i] == 3 and 4 <= col[i] < 20:
            j = nbr[i, 0]
            if j >= 0:  # a river along the shared sides of one row with the row below
                for d in (4, 5):
                    k = nbr[i, d]
                    if k >= 0:
                        river[i] |= 1 << d
                        river[k] |= 1 << ((d + 3) % 6)
    river |= major

    road = np.zeros(len(hexes), dtype=np.uint8)
    rail = np.zeros(len(hexes), dtype=np.uint8)
    _set_side_bits(road, nbr, index, hex_line(Hex(1 - 6, 12), Hex(22 - 6, 12)))
    _set_side_bits(rail, nbr, index, hex_line(Hex(2 - 8, 16), Hex(20 - 8, 16)))

    places = {
        "westtown": FakePlace("westtown", "Westtown", "city", index[Hex(4 - 5, 10)]),
        "eastburg": FakePlace("eastburg", "Eastburg", "town", index[Hex(18 - 6, 12)]),
        "hamlet": FakePlace("hamlet", "Hamlet", "village", index[Hex(10 - 2, 5)]),
        "gap": FakePlace("gap", "High Gap", "pass", index[Hex(8 - 1, 2)]),
        "far": FakePlace("far", "Faraway", "offmap", None, edge="westtown", lat=40.18, lon=44.51),
    }
    return SimpleNamespace(
        projection=projection,
        n=len(hexes),
        q=q,
        r=r,
        elevation=elevation,
        ruggedness=np.zeros(len(hexes), dtype=np.int16),
        terrain=terrain,
        terrain_names=TERRAIN,
        country=country,
        country_codes=("ARM", "AZE", "IRN"),
        district=district,
        districts=(),
        nkao=nkao,
        river_sides=river,
        major_river_sides=major,
        road_sides=road,
        rail_sides=rail,
        neighbours=nbr,
        ceasefire_1994=np.zeros(len(hexes), dtype=np.int8),
        places=places,
        routes={},
        index=index,
        col=col,
        row=row,
    )


def country_control(theatre) -> np.ndarray:
    codes = {"ARM": ARMENIAN, "AZE": AZERBAIJANI}
    table = np.array([codes.get(c, NEUTRAL) for c in theatre.country_codes], dtype=np.int8)
    return table[theatre.country]


@pytest.fixture(scope="module")
def theatre():
    init_pygame()
    return synthetic_theatre()


@pytest.fixture(scope="module")
def renderer(theatre):
    return MapRenderer(theatre)


def _draw(renderer, control, labels=True, size=(900, 760)):
    surface = pygame.Surface(size)
    surface.fill(palette.PAPER)
    view = MapView.fit(renderer.bounds_km(), *size, margin_px=10)
    drawing = renderer.draw(surface, view, control, labels=labels)
    return surface, view, drawing


def _pixel(surface, view, xy_km):
    x, y = view.km_to_px(*xy_km)
    return tuple(surface.get_at((int(round(float(x))), int(round(float(y)))))[:3])


def _mean_colour(surface, view, xy_km, half=4):
    x, y = (int(round(float(v))) for v in view.km_to_px(*xy_km))
    block = pygame.surfarray.pixels3d(surface)[x - half : x + half + 1, y - half : y + half + 1]
    return block.reshape(-1, 3).mean(axis=0)


# --- geometry ---------------------------------------------------------------------------------


def test_side_corners_face_their_neighbour(theatre):
    """Side d's midpoint lies halfway to the neighbour in direction d, so rivers and the front
    are drawn on the side the data means."""
    corners = hex_corners_km(theatre)
    centres = hex_centres_km(theatre)
    i = theatre.index[Hex(10 - 5, 10)]
    for d, (a, b) in enumerate(SIDE_CORNERS):
        mid = (corners[i, a] + corners[i, b]) / 2
        j = theatre.neighbours[i, d]
        assert np.allclose(mid, (centres[i] + centres[j]) / 2), DIRECTIONS[d]


def test_hillshade_lights_slopes_facing_north_west(theatre):
    shade = hillshade(theatre)
    row = theatre.row == 10
    west_slope = shade[row & (theatre.col == 6)]  # rises to the east: faces west
    east_slope = shade[row & (theatre.col == 10)]  # falls to the east: faces east
    assert west_slope.mean() > east_slope.mean()


def test_view_round_trip_and_zoom_keeps_the_point_under_the_cursor():
    view = MapView(800, 600, 5.0, 10.0, 20.0)
    x, y = view.km_to_px(13.0, 17.5)
    assert np.allclose(view.px_to_km(x, y), (13.0, 17.5))
    zoomed = view.zoomed(2.5, about_px=(100.0, 450.0))
    assert np.allclose(zoomed.px_to_km(100.0, 450.0), view.px_to_km(100.0, 450.0))
    panned = view.panned(30, -10)
    assert np.allclose(panned.km_to_px(13.0, 17.5), (float(x) + 30, float(y) - 10))


# --- what the picture shows -------------------------------------------------------------------


def test_water_hexes_are_drawn_in_the_water_colour(theatre, renderer):
    surface, view, _ = _draw(renderer, country_control(theatre), labels=False)
    centres = hex_centres_km(theatre)
    water = np.nonzero(theatre.terrain == WATER)[0]
    assert water.size
    for i in water:
        assert _pixel(surface, view, centres[i]) == palette.WATER


def test_armenian_and_azerbaijani_hexes_get_different_colours(theatre, renderer):
    surface, view, _ = _draw(renderer, country_control(theatre), labels=False)
    centres = hex_centres_km(theatre)
    # Two plain hexes far from any line or name, one each side of the border.
    arm = theatre.index[Hex(2 - 4, 8)]
    aze = theatre.index[Hex(21 - 4, 8)]
    assert theatre.terrain[arm] == theatre.terrain[aze] == PLAIN
    c_arm = _mean_colour(surface, view, centres[arm])
    c_aze = _mean_colour(surface, view, centres[aze])
    assert np.abs(c_arm - c_aze).sum() > 60
    assert c_arm[0] > c_arm[2]  # orange: more red than blue
    assert c_aze[2] > c_aze[0]  # blue


def test_front_line_is_drawn_between_opposing_hexes(theatre, renderer):
    centres = hex_centres_km(theatre)
    a = theatre.index[Hex(11 - 4, 8)]  # last Armenian column
    b = theatre.neighbours[a, 0]  # its eastern neighbour, Azerbaijani
    control = country_control(theatre)
    assert (control[a], control[b]) == (ARMENIAN, AZERBAIJANI)
    midpoint = (centres[a] + centres[b]) / 2

    surface, view, _ = _draw(renderer, control, labels=False)
    assert _pixel(surface, view, midpoint) == palette.FRONT

    quiet = np.where(control == AZERBAIJANI, ARMENIAN, control).astype(np.int8)
    surface, view, _ = _draw(renderer, quiet, labels=False)
    assert _pixel(surface, view, midpoint) != palette.FRONT


def test_place_names_are_drawn_without_overlapping(theatre, renderer):
    surface, view, drawing = _draw(renderer, country_control(theatre))
    names = {label.text for label in drawing.labels}
    assert {"Westtown", "Eastburg"} <= names
    assert "Faraway" not in names  # off the map: an arrow at the edge says how far instead
    (far,) = [label for label in drawing.labels if label.place_id == "far"]
    assert far.text.startswith("Faraway ") and far.text.endswith(" km")
    assert far.rect.left < surface.get_width() / 3  # it lies to the west
    rects = [label.rect for label in drawing.labels]
    for i, rect in enumerate(rects):
        assert surface.get_rect().contains(rect)
        inner = rect.inflate(-6, -6)
        assert inner.collidelist(rects[:i] + rects[i + 1 :]) == -1


def test_a_city_name_wins_over_crowding_villages():
    """Villages packed around a city must not cost the city its name: the name goes where it
    fits best and the villages it covers are dropped, marker and all."""
    from sim.ui.labels import FontBook, LabelRequest, place_labels
    from sim.ui.map_render import marker_rect

    init_pygame()
    city = (200.0, 150.0)
    requests = [
        LabelRequest(
            "Capital",
            city,
            9,
            0,
            24,
            bold=True,
            key=0,
            marker=marker_rect(city, 7),
            may_displace=True,
        )
    ]
    ring = [(200 + dx, 150 + dy) for dx in (-40, 0, 40) for dy in (-22, 0, 22) if dx or dy]
    for key, xy in enumerate(ring, start=1):
        requests.append(LabelRequest(f"v{key}", xy, 5, 3, 14, key=key, marker=marker_rect(xy, 3)))
    placement = place_labels(requests, FontBook(), pygame.Rect(0, 0, 400, 300))
    placed = {req.key for req, _, _ in placement.labels}
    assert 0 in placed
    assert placement.hidden and not (placement.hidden & placed)


def test_zoomed_view_draws_only_what_it_shows(theatre, renderer):
    view = MapView.fit(renderer.bounds_km(), 400, 300).zoomed(4.0)
    surface = pygame.Surface((400, 300))
    drawing = renderer.draw(surface, view, country_control(theatre))
    for label in drawing.labels:
        assert surface.get_rect().contains(label.rect)


def test_sheet_png_has_the_requested_size(tmp_path, theatre, renderer):
    sheet = render_sheet(
        theatre,
        country_control(theatre),
        width=1000,
        height=900,
        text=SheetText("Test theatre", "Control on 1 January 1992"),
        renderer=renderer,
    )
    out = tmp_path / "sheet.png"
    write_png(sheet.surface, out)
    image = pygame.image.load(str(out))
    assert image.get_size() == (1000, 900)
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind
    # The legend keeps clear of every name.
    legend = sheet.legend_rect
    assert all(not legend.colliderect(lab.rect) for lab in sheet.drawing.labels)


def test_sheet_height_follows_the_map_when_not_given(theatre, renderer):
    sheet = render_sheet(theatre, None, width=800, renderer=renderer)
    w, h = sheet.surface.get_size()
    assert w == 800 and 500 < h < 1200


# --- real data --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_theatre():
    if not REAL_MAP.exists():
        pytest.skip("scenarios/theatre/map.npz not built yet")
    from sim.theatre import load_theatre

    init_pygame()
    return load_theatre()


def test_real_map_renders_with_stepanakert_named(real_theatre, tmp_path):
    sheet = render_sheet(real_theatre, country_control(real_theatre), width=2400)
    label = sheet.drawing.label_for("stepanakert")
    assert label is not None, "Stepanakert has no label"
    area = sheet.surface.subsurface(sheet.map_rect).subsurface(label.rect)
    pixels = pygame.surfarray.array3d(area).reshape(-1, 3).astype(int)
    dark = (pixels.sum(axis=1) < 200).sum()
    assert dark > 30, "Stepanakert's label area is blank"
    out = tmp_path / "real.png"
    write_png(sheet.surface, out)
    assert out.stat().st_size > 100_000


# --- the command ------------------------------------------------------------------------------


def _a_scenario() -> Path | None:
    found = sorted(p for p in (ROOT / "scenarios").glob("*.toml"))
    return found[0] if found and REAL_MAP.exists() else None


def test_map_command_writes_the_png(tmp_path):
    scenario = _a_scenario()
    if scenario is None:
        pytest.skip("no scenario and map data yet")
    from sim.cli import main

    out = tmp_path / "map.png"
    assert main(["map", scenario.stem, "--png", str(out), "--width", "1200"]) == 0
    assert out.exists()
    assert pygame.image.load(str(out)).get_width() == 1200


def test_map_command_reports_a_bad_output_path(tmp_path, capsys):
    from sim.cli import main

    code = main(["map", "1992-winter", "--png", str(tmp_path / "no" / "such" / "dir" / "m.png")])
    assert code == 2
    assert "folder" in capsys.readouterr().err


def test_map_command_reports_an_unknown_scenario(tmp_path, capsys):
    if not REAL_MAP.exists():
        pytest.skip("no map data yet")
    from sim.cli import main

    code = main(["map", "no-such-scenario", "--png", str(tmp_path / "m.png")])
    assert code == 2
    err = capsys.readouterr().err
    assert "no-such-scenario" in err and "Traceback" not in err
