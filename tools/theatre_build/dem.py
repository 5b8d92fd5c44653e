"""The GLOBE 30" elevation grid: per-hex statistics, depression filling and flow directions.

Rivers missing from every open dataset (the Hakari, Gargar, Khachinchay ...) are traced on this
grid: first every closed depression is filled (priority-flood, Barnes et al. 2014, with a tiny
rise per cell so filled flats still drain), then each cell drains to the neighbour with the
steepest descent in metres per kilometre (D8). Cell widths are taken in kilometres, since a
30" cell is 0.93 km north-south but only 0.71 km east-west here.
"""

from __future__ import annotations

import heapq
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import UserError
from sim.geo import KM_PER_DEG_LAT, KM_PER_DEG_LON_EQUATOR

# D8 neighbour offsets (row, column); row 0 is the northern edge.
D8_DR = np.array([-1, -1, 0, 1, 1, 1, 0, -1])
D8_DC = np.array([0, 1, 1, 1, 0, -1, -1, -1])
# Rise given to each cell of a filled depression so that it still drains (metres).
FILL_EPSILON_M = 1e-3


@dataclass(frozen=True)
class Dem:
    """Elevations (m) on a regular lat/lon grid; cell (r, c) is centred at `centre(r, c)`."""

    heights: np.ndarray
    north: float
    west: float
    cell_deg: float

    @property
    def shape(self) -> tuple[int, int]:
        return self.heights.shape

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """(lat, lon) of every cell centre, as 2-D arrays shaped like `heights`."""
        rows, cols = self.shape
        lat = self.north - (np.arange(rows) + 0.5) * self.cell_deg
        lon = self.west + (np.arange(cols) + 0.5) * self.cell_deg
        return np.meshgrid(lat, lon, indexing="ij")

    def cell_of(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        row = np.floor((self.north - np.asarray(lat)) / self.cell_deg).astype(np.int64)
        col = np.floor((np.asarray(lon) - self.west) / self.cell_deg).astype(np.int64)
        return row, col

    def centre(self, row: int, col: int) -> tuple[float, float]:
        return (self.north - (row + 0.5) * self.cell_deg, self.west + (col + 0.5) * self.cell_deg)


def load_dem(geo_dir: Path) -> Dem:
    """The int16 grid and its georeferencing (`dem_globe30s_int16.json`)."""
    grid_path = geo_dir / "dem_globe30s_int16.npy"
    meta_path = geo_dir / "dem_globe30s_int16.json"
    try:
        heights = np.load(grid_path, allow_pickle=False)
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        bounds = meta["bounds"]
        rows, cols = meta["shape_rows_cols"]
    except FileNotFoundError as e:
        raise UserError(f"{e.filename}: file not found") from None
    except (KeyError, ValueError, TypeError) as e:
        raise UserError(f"{meta_path}: unexpected georeferencing ({e})") from None
    cell = (bounds["east"] - bounds["west"]) / cols
    if heights.shape != (rows, cols) or not math.isclose(
        cell, (bounds["north"] - bounds["south"]) / rows
    ):
        raise UserError(f"{grid_path}: shape {heights.shape} does not match {meta_path}")
    return Dem(heights.astype(np.float64), float(bounds["north"]), float(bounds["west"]), cell)


def hex_statistics(
    dem: Dem, hex_index: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, standard deviation and count of the cells whose centres fall in each hex.

    `hex_index` gives, per DEM cell, the hex number or -1 for cells off the map.
    """
    sel = hex_index.ravel() >= 0
    idx = hex_index.ravel()[sel]
    v = dem.heights.ravel()[sel]
    count = np.bincount(idx, minlength=n).astype(np.float64)
    if np.any(count == 0):
        raise UserError("the DEM leaves some hexes without a single cell; is it the right grid?")
    mean = np.bincount(idx, v, minlength=n) / count
    # Deviations from each hex's own mean avoid the cancellation of E[x^2] - E[x]^2.
    dev = v - mean[idx]
    std = np.sqrt(np.bincount(idx, dev * dev, minlength=n) / count)
    return mean, std, count


def fill_depressions(heights: np.ndarray) -> np.ndarray:
    """Heights with every closed depression filled, draining to the grid's edge.

    Priority-flood: grow inward from the edge, always from the lowest cell reached so far; a cell
    lower than the one that reached it is raised to just above it. Ties break on cell number,
    so the result is deterministic.
    """
    rows, cols = heights.shape
    filled = heights.astype(np.float64).copy()
    seen = np.zeros((rows, cols), dtype=bool)
    seen[0, :] = seen[-1, :] = seen[:, 0] = seen[:, -1] = True
    edge = np.flatnonzero(seen.ravel())
    flat = filled.ravel()
    heap = [(float(flat[i]), int(i)) for i in edge]
    heapq.heapify(heap)
    seen_flat = seen.ravel()
    while heap:
        h, i = heapq.heappop(heap)
        r, c = divmod(i, cols)
        for dr, dc in zip(D8_DR.tolist(), D8_DC.tolist(), strict=True):
            rr, cc = r + dr, c + dc
            if 0 <= rr < rows and 0 <= cc < cols:
                j = rr * cols + cc
                if not seen_flat[j]:
                    seen_flat[j] = True
                    if flat[j] <= h:
                        flat[j] = h + FILL_EPSILON_M
                    heapq.heappush(heap, (float(flat[j]), j))
    return filled


def flow_directions(filled: np.ndarray, dem: Dem) -> np.ndarray:
    """D8 direction (0..7, index into D8_DR/D8_DC) of steepest descent per cell; -1 for none."""
    rows, cols = filled.shape
    lat, _ = dem.centres()
    dy = KM_PER_DEG_LAT * dem.cell_deg
    dx = KM_PER_DEG_LON_EQUATOR * np.cos(np.radians(lat)) * dem.cell_deg
    padded = np.pad(filled, 1, constant_values=np.inf)
    best = np.full((rows, cols), -1, dtype=np.int8)
    best_slope = np.zeros((rows, cols))
    for k in range(8):
        dr, dc = int(D8_DR[k]), int(D8_DC[k])
        neighbour = padded[1 + dr:1 + dr + rows, 1 + dc:1 + dc + cols]
        slope = (filled - neighbour) / np.hypot(dr * dy, dc * dx)
        steeper = slope > best_slope
        best[steeper] = k
        best_slope[steeper] = slope[steeper]
    return best
