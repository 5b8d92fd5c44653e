"""River lines and the hex sides they run along.

A river "runs between" hexes a and b when its line crosses the segment joining their centres;
that puts rivers on hex sides, where they cost movement and help a defender. Lines come from
Natural Earth and, for the rivers no open dataset has, from tracing the DEM downstream from a
hand-placed headwater until the trace meets another river, a lake or the edge of the map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dem import D8_DC, D8_DR, Dem

# Samples per DEM cell when a line is burnt into the grid, so that no cell it crosses is missed.
_BURN_SAMPLES_PER_CELL = 4
# Traces are cut off after this many cells (more than any river in the box needs).
_MAX_TRACE_CELLS = 2000


@dataclass(frozen=True)
class RiverLine:
    """One river as lon/lat polylines; `major` rivers also mark `major_river_sides`."""

    id: str
    parts: tuple[np.ndarray, ...]
    major: bool


def densify(line: np.ndarray, step: float) -> np.ndarray:
    """Points along a polyline no more than `step` apart (same units as the line)."""
    out = [line[:1]]
    for a, b in zip(line[:-1], line[1:], strict=True):
        k = max(1, int(np.ceil(np.hypot(*(b - a)) / step)))
        t = (np.arange(1, k + 1) / k)[:, None]
        out.append(a + (b - a) * t)
    return np.concatenate(out)


class RiverNet:
    """The DEM cells rivers and lakes occupy, so that a new trace knows where to stop.

    Each occupied cell remembers a point of the river or lake in it and whose it is; a trace
    that steps into such a cell ends exactly on that point, joining the line it met without a gap.
    """

    def __init__(self, dem: Dem) -> None:
        self.dem = dem
        self.point = np.full(dem.shape + (2,), np.nan)
        self.owner = np.full(dem.shape, -1, dtype=np.int64)
        self.names: list[str] = []

    def _mark(
        self, name: str, row: np.ndarray, col: np.ndarray, lon: np.ndarray, lat: np.ndarray
    ) -> None:
        if name not in self.names:
            self.names.append(name)
        rows, cols = self.dem.shape
        ok = (row >= 0) & (row < rows) & (col >= 0) & (col < cols)
        row, col, lon, lat = row[ok], col[ok], lon[ok], lat[ok]
        free = self.owner[row, col] < 0
        # The first point to claim a cell keeps it (numpy keeps the last of duplicate writes).
        order = np.arange(row.size)[free][::-1]
        self.point[row[order], col[order]] = np.column_stack([lon[order], lat[order]])
        self.owner[row[order], col[order]] = self.names.index(name)

    def add_line(self, name: str, line: np.ndarray) -> None:
        """Occupy the cells along a lon/lat polyline and their eight neighbours.

        The neighbours count too because a Natural Earth line and the DEM's own valley floor
        can disagree by a cell or two; a tributary should stop at the river, not run beside it.
        """
        pts = densify(line, self.dem.cell_deg / _BURN_SAMPLES_PER_CELL)
        row, col = self.dem.cell_of(pts[:, 1], pts[:, 0])
        self._mark(name, row, col, pts[:, 0], pts[:, 1])
        for dr, dc in zip(D8_DR, D8_DC, strict=True):
            self._mark(name, row + dr, col + dc, pts[:, 0], pts[:, 1])

    def add_cells(self, name: str, mask: np.ndarray) -> None:
        """Occupy whole cells (lakes and reservoirs), each by its own centre."""
        lat, lon = self.dem.centres()
        row, col = np.nonzero(mask)
        self._mark(name, row, col, lon[row, col], lat[row, col])

    def trace(
        self,
        directions: np.ndarray,
        lat: float,
        lon: float,
        box: tuple[float, float, float, float],
        end_below_m: float | None = None,
    ) -> tuple[np.ndarray, str]:
        """The lon/lat line downstream from a headwater, by D8, and where it ended.

        It ends on the first river or lake it meets (the headwater cell itself never stops
        it), on leaving `box` (lat_min, lat_max, lon_min, lon_max), or, with `end_below_m`, on
        the first cell lower than that: where a river fades into the irrigated lowland, whose
        slope GLOBE resolves but whose channels it does not.
        """
        rows, cols = self.dem.shape
        r, c = (int(x) for x in self.dem.cell_of(lat, lon))
        if not (0 <= r < rows and 0 <= c < cols):
            raise ValueError(f"headwater {lat}, {lon} lies outside the DEM")
        pts = [(lon, lat)]
        lat_min, lat_max, lon_min, lon_max = box
        for _ in range(_MAX_TRACE_CELLS):
            k = int(directions[r, c])
            if k < 0:
                return np.asarray(pts, dtype=np.float64), "the edge of the elevation grid"
            r, c = r + int(D8_DR[k]), c + int(D8_DC[k])
            if self.owner[r, c] >= 0:
                pts.append(tuple(self.point[r, c]))
                return np.asarray(pts, dtype=np.float64), self.names[self.owner[r, c]]
            clat, clon = self.dem.centre(r, c)
            pts.append((clon, clat))
            if not (lat_min <= clat <= lat_max and lon_min <= clon <= lon_max):
                return np.asarray(pts, dtype=np.float64), "the edge of the map"
            if end_below_m is not None and self.dem.heights[r, c] < end_below_m:
                return np.asarray(pts, dtype=np.float64), f"the plain below {end_below_m:g} m"
        raise ValueError(f"trace from {lat}, {lon} did not end in {_MAX_TRACE_CELLS} cells")


def crossed_sides(
    seg_a: np.ndarray, seg_b: np.ndarray, line: np.ndarray, block: int = 256
) -> np.ndarray:
    """Which of the segments a[i]-b[i] (x, y km) the polyline `line` (x, y km) crosses."""
    hit = np.zeros(len(seg_a), dtype=bool)
    ax, ay = seg_a[:, 0:1], seg_a[:, 1:2]
    bx, by = seg_b[:, 0:1], seg_b[:, 1:2]
    for start in range(0, len(line) - 1, block):
        c = line[start:start + block + 1]
        cx, cy = c[:-1, 0][None, :], c[:-1, 1][None, :]
        dx, dy = c[1:, 0][None, :], c[1:, 1][None, :]
        # Only pairs whose bounding boxes overlap can cross; skip the rest cheaply.
        near = (
            (np.minimum(ax, bx) <= np.maximum(cx, dx))
            & (np.minimum(cx, dx) <= np.maximum(ax, bx))
            & (np.minimum(ay, by) <= np.maximum(cy, dy))
            & (np.minimum(cy, dy) <= np.maximum(ay, by))
        )
        if not near.any():
            continue
        d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx)
        d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx)
        d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
        d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
        # Touching counts as crossing on one side only (>= vs <), so a line through a hex centre
        # is not counted on both of the centre's segments.
        crosses = near & ((d1 > 0) != (d2 > 0)) & ((d3 >= 0) != (d4 >= 0))
        hit |= crosses.any(axis=1)
    return hit


def side_bits(
    neighbours: np.ndarray, centres_km: np.ndarray, lines_km: list[np.ndarray]
) -> np.ndarray:
    """uint8 bitmask per hex: bit d set when some line crosses the side towards neighbour d.

    Only directions 0-2 are tested (each side once); the opposite bit is set on the neighbour,
    which makes the masks symmetric by construction.
    """
    n = len(neighbours)
    bits = np.zeros(n, dtype=np.uint8)
    for d in range(3):
        has = neighbours[:, d] >= 0
        i = np.flatnonzero(has)
        j = neighbours[i, d]
        hit = np.zeros(len(i), dtype=bool)
        for line in lines_km:
            hit |= crossed_sides(centres_km[i], centres_km[j], line)
        bits[i[hit]] |= np.uint8(1 << d)
        bits[j[hit]] |= np.uint8(1 << (d + 3))
    return bits
