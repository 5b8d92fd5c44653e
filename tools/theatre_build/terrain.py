"""Terrain classes from elevation, relief and rivers.

A 2 km hex is small next to the ridges and valleys of the Lesser Caucasus, so a hex's own
elevation says little about how hard it is to cross; the *relief* around it does. Relief is the
range of mean elevations over a hex and its six neighbours (about 10 km across). Height counts
too: higher up, forests, snow and cold make the same slopes harder, and above the tree line
winter closes passes and plateaus however flat they are. So hills and mountains are told apart
by a score, relief + `score_per_m_elevation` x elevation: with 0.15, a thousand metres of height
weighs like 150 m of relief.

Classes, in the order they are decided (later ones override earlier ones):

1. plain: relief below `plain_max_relief_m` and elevation below `plain_max_elevation_m`
   (the flat Sevan basin at 1,900 m is hills, not plain);
2. hills: everything else below mountain;
3. mountain: a score of at least `mountain_min_score_m`, or elevation of at least
   `mountain_min_elevation_m`;
4. high_mountain: elevation of at least `high_mountain_min_elevation_m`;
5. river_valley: a river runs through the hex, it lies at least `valley_min_incision_m` below the
   mean of its neighbours, it is hills or mountain (plains stay plain, high mountains stay high),
   and its own cells are smooth (standard deviation at most `valley_max_ruggedness_m`): a valley
   floor wide enough to move along. A narrow gorge such as the Hakari at Lachin stays mountain;
6. water: the hex centre lies in a lake or reservoir.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from sim.theatre import TERRAIN

WATER, PLAIN, RIVER_VALLEY, HILLS, MOUNTAIN, HIGH_MOUNTAIN = range(6)
assert TERRAIN[HIGH_MOUNTAIN] == "high_mountain" and TERRAIN[RIVER_VALLEY] == "river_valley"


@dataclass(frozen=True)
class TerrainRules:
    """Thresholds in metres (documented in the module docstring and recorded in map.toml)."""

    plain_max_relief_m: float = 170.0
    plain_max_elevation_m: float = 1500.0
    score_per_m_elevation: float = 0.15
    mountain_min_score_m: float = 500.0
    mountain_min_elevation_m: float = 2000.0
    high_mountain_min_elevation_m: float = 2300.0
    valley_min_incision_m: float = 60.0
    valley_max_ruggedness_m: float = 75.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def neighbourhood(elevation: np.ndarray, neighbours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relief (max - min over the hex and its on-map neighbours) and incision (mean of the
    neighbours minus the hex)."""
    has = neighbours >= 0
    nb = np.where(has, elevation[np.where(has, neighbours, 0)], np.nan)
    with_self = np.column_stack([nb, elevation])
    relief = np.nanmax(with_self, axis=1) - np.nanmin(with_self, axis=1)
    count = has.sum(axis=1)
    nb_mean = np.where(count > 0, np.nansum(nb, axis=1) / np.maximum(count, 1), elevation)
    return relief, nb_mean - elevation


def classify(
    elevation: np.ndarray,
    ruggedness: np.ndarray,
    neighbours: np.ndarray,
    river_hex: np.ndarray,
    water: np.ndarray,
    rules: TerrainRules,
) -> np.ndarray:
    """uint8 terrain code per hex (indices into `sim.theatre.TERRAIN`)."""
    relief, incision = neighbourhood(elevation, neighbours)
    terrain = np.full(elevation.shape, HILLS, dtype=np.uint8)
    terrain[(relief < rules.plain_max_relief_m) & (elevation < rules.plain_max_elevation_m)] = PLAIN
    score = relief + rules.score_per_m_elevation * elevation
    mountain = (score >= rules.mountain_min_score_m) | (elevation >= rules.mountain_min_elevation_m)
    terrain[mountain] = MOUNTAIN
    terrain[elevation >= rules.high_mountain_min_elevation_m] = HIGH_MOUNTAIN
    valley = (
        river_hex
        & ((terrain == HILLS) | (terrain == MOUNTAIN))
        & (incision >= rules.valley_min_incision_m)
        & (ruggedness <= rules.valley_max_ruggedness_m)
    )
    terrain[valley] = RIVER_VALLEY
    terrain[water] = WATER
    return terrain
