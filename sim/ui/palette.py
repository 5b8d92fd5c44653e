"""Colours and line weights of the map, in one place so the print and the window agree.

The terrain colours are the muted tints of a printed wargame map: light enough that black
text, red roads and the side tints stay readable on top of them. The two sides use the
Okabe–Ito colour-blind-safe pair (orange and blue) rather than flag colours, so the map takes
no side and a player with red–green colour blindness still tells them apart; the Armenian side
is additionally hatched so the difference survives a greyscale print.

Colours are plain ``(r, g, b)`` tuples: this module imports nothing, so tests and the rules
side can read them without pygame.
"""

from __future__ import annotations

RGB = tuple[int, int, int]

# --- terrain, by name in theatre.terrain_names ------------------------------------------------

TERRAIN_COLOURS: dict[str, RGB] = {
    "water": (100, 168, 232),
    "plain": (226, 232, 184),
    "river_valley": (196, 222, 160),
    "hills": (224, 208, 156),
    "mountain": (196, 166, 124),
    "high_mountain": (222, 204, 196),
}
TERRAIN_LABELS: dict[str, str] = {
    "water": "Lake, reservoir",
    "plain": "Plain",
    "river_valley": "River valley",
    "hills": "Hills",
    "mountain": "Mountain",
    "high_mountain": "High mountain",
}
UNKNOWN_TERRAIN: RGB = (200, 200, 200)
WATER: RGB = TERRAIN_COLOURS["water"]

# Land outside the two belligerents (Iran) is washed towards this colour: it is on the map for
# orientation but out of play.
FOREIGN_WASH: RGB = (236, 236, 236)
FOREIGN_WASH_ALPHA = 0.55

# --- sides (Okabe–Ito) -------------------------------------------------------------------------

ARMENIAN: RGB = (230, 159, 0)  # #E69F00 orange
AZERBAIJANI: RGB = (0, 114, 178)  # #0072B2 blue
SIDE_COLOURS: dict[int, RGB] = {1: ARMENIAN, 2: AZERBAIJANI}
SIDE_TINT_ALPHA = 0.30
HATCH_ALPHA = 120

# --- lines -------------------------------------------------------------------------------------

RIVER: RGB = (40, 110, 190)
SHORE: RGB = (60, 125, 195)
ROAD: RGB = (178, 34, 34)
ROAD_CASING: RGB = (255, 250, 235)
RAIL: RGB = (30, 30, 30)
BORDER: RGB = (60, 40, 70)
BORDER_BAND: RGB = (150, 90, 160)
BORDER_BAND_ALPHA = 110
NKAO: RGB = (200, 0, 120)
DISTRICT: RGB = (60, 60, 60)
DISTRICT_ALPHA = 190
FRONT: RGB = (20, 20, 20)
GRID_DARKEN = 0.88

# --- text and furniture ------------------------------------------------------------------------

INK: RGB = (25, 25, 25)
HALO: RGB = (255, 255, 250)
PAPER: RGB = (246, 242, 230)
FRAME: RGB = (40, 40, 40)
LEGEND_BG: RGB = (252, 250, 244)
MUTED_INK: RGB = (80, 80, 80)
