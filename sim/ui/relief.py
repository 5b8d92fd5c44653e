"""Hill shading and the fill colour of every hex.

Shading is computed per hex, not per pixel, so the printed map keeps the faceted hex look of a
board wargame while the eye still reads ridges and valleys. The slope of a hex is the
least-squares plane through its six neighbours: for a regular hexagon of neighbour offsets
``v_i`` the normal equations reduce to ``grad = sum((z_i - z_0) * v_i) / (3 * d**2)``, so the
whole map is one vectorised pass. A missing neighbour (map edge) counts as level ground.

The light comes from the north-west, the cartographic convention: with light from the south
the eye inverts the relief and valleys read as ridges.
"""

from __future__ import annotations

import math

import numpy as np

from sim.hexgrid import DIRECTIONS
from sim.ui import palette

__all__ = ["hex_fill_colours", "hillshade", "side_filter"]

LIGHT_AZIMUTH_DEG = 315.0
LIGHT_ALTITUDE_DEG = 45.0
# Slopes averaged over a 3.5 km hex are gentle; exaggerate them so the relief reads.
VERTICAL_EXAGGERATION = 4.0
SHADE_STRENGTH = 0.75


def hillshade(theatre, exaggeration: float = VERTICAL_EXAGGERATION) -> np.ndarray:
    """Illumination per hex in 0..1, where level ground gives ``sin(altitude)`` (~0.71)."""
    projection = theatre.projection
    elevation = np.asarray(theatre.elevation, dtype=np.float64)
    neighbours = np.asarray(theatre.neighbours)
    n = elevation.size
    if n == 0:
        return np.zeros(0)
    vx, vy = projection.axial_to_km(
        np.array([d.q for d in DIRECTIONS]), np.array([d.r for d in DIRECTIONS])
    )
    spacing = projection.hex_across_flats_km
    z_nb = np.where(neighbours >= 0, elevation[np.clip(neighbours, 0, None)], elevation[:, None])
    dz = (z_nb - elevation[:, None]) / 1000.0  # km, like the offsets
    gx = (dz * vx[None, :]).sum(axis=1) / (3.0 * spacing**2) * exaggeration
    gy = (dz * vy[None, :]).sum(axis=1) / (3.0 * spacing**2) * exaggeration

    az = math.radians(LIGHT_AZIMUTH_DEG)
    alt = math.radians(LIGHT_ALTITUDE_DEG)
    # Towards the light, in x-east / y-south / z-up: azimuth is clockwise from north.
    lx = math.sin(az) * math.cos(alt)
    ly = -math.cos(az) * math.cos(alt)
    lz = math.sin(alt)
    norm = np.sqrt(gx * gx + gy * gy + 1.0)
    shade = (-gx * lx - gy * ly + lz) / norm
    return np.clip(shade, 0.0, 1.0)


def terrain_colours(theatre) -> np.ndarray:
    """`(n, 3)` float colours of each hex's terrain class before shading."""
    table = np.array(
        [
            palette.TERRAIN_COLOURS.get(name, palette.UNKNOWN_TERRAIN)
            for name in theatre.terrain_names
        ],
        dtype=np.float64,
    )
    terrain = np.asarray(theatre.terrain, dtype=np.int64)
    return table[np.clip(terrain, 0, len(table) - 1)]


def water_mask(theatre) -> np.ndarray:
    names = tuple(theatre.terrain_names)
    if "water" not in names:
        return np.zeros(np.asarray(theatre.terrain).shape, dtype=bool)
    return np.asarray(theatre.terrain) == names.index("water")


def foreign_mask(theatre) -> np.ndarray:
    """Hexes of countries outside the war (Iran): shown for orientation, washed out."""
    codes = tuple(theatre.country_codes)
    foreign = np.array([c not in ("ARM", "AZE") for c in codes], dtype=bool)
    country = np.asarray(theatre.country, dtype=np.int64)
    if foreign.size == 0:
        return np.zeros(country.shape, dtype=bool)
    return foreign[np.clip(country, 0, foreign.size - 1)]


def side_filter(colour: tuple[int, int, int], strength: float | None = None) -> np.ndarray:
    """The multiplier a side's tint applies to the colour under it.

    Tinting multiplies, like a coloured film laid over a printed map, instead of mixing in the
    side colour: the light and dark of the relief and the terrain classes still show through,
    where an alpha mix would grey them out towards the tint.
    """
    a = palette.SIDE_TINT_ALPHA if strength is None else strength
    return 1.0 - a + a * np.asarray(colour, dtype=np.float64) / 255.0


def hex_fill_colours(
    theatre, control: np.ndarray | None = None, shade: np.ndarray | None = None
) -> np.ndarray:
    """`(n, 3)` uint8 fill colour of every hex: terrain, shaded, tinted by the side holding it.

    Applying the side tint to the fill here (instead of blending a translucent layer over the
    map) costs one numpy pass and keeps the render to one polygon per hex. Water is never
    tinted or shaded: nobody holds a lake, and flat blue keeps it recognisable.
    """
    base = terrain_colours(theatre)
    if shade is None:
        shade = hillshade(theatre)
    flat = math.sin(math.radians(LIGHT_ALTITUDE_DEG))
    factor = 1.0 + SHADE_STRENGTH * (shade - flat)
    lit = np.where(
        factor[:, None] > 1.0,
        base + (255.0 - base) * (factor[:, None] - 1.0),
        base * factor[:, None],
    )

    water = water_mask(theatre)
    foreign = foreign_mask(theatre) & ~water
    wash = np.array(palette.FOREIGN_WASH, dtype=np.float64)
    lit[foreign] = (
        lit[foreign] * (1 - palette.FOREIGN_WASH_ALPHA) + wash * palette.FOREIGN_WASH_ALPHA
    )

    if control is not None:
        control = np.asarray(control)
        for code, colour in palette.SIDE_COLOURS.items():
            held = (control == code) & ~water
            lit[held] = lit[held] * side_filter(colour)

    lit[water] = np.array(palette.WATER, dtype=np.float64)
    return np.clip(np.rint(lit), 0, 255).astype(np.uint8)
