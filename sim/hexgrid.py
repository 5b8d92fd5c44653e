"""Axial hex algebra for a pointy-top grid (Red Blob Games' vocabulary).

`Hex(q, r)` is an immutable value; `s = -q - r` is derived, never stored. Row `r` grows
southward and `q` eastward, so the six directions are E, NE, NW, W, SW, SE in that order:
direction ``d`` and ``(d + 3) % 6`` are opposite, which the map's per-side bitmasks rely on.

The free functions work on single hexes; the ``*_array`` functions do the same algebra on
numpy arrays so the map builder and the supply and zone-of-control passes stay vectorised.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DIRECTION_NAMES",
    "DIRECTIONS",
    "Hex",
    "hex_disc",
    "grow",
    "hex_distance",
    "hex_line",
    "hex_ring",
    "hex_round",
    "distance_array",
    "neighbour_table",
    "opposite",
    "round_array",
]


@dataclass(frozen=True, slots=True, order=True)
class Hex:
    """One hex in axial coordinates."""

    q: int
    r: int

    @property
    def s(self) -> int:
        return -self.q - self.r

    def __add__(self, other: Hex) -> Hex:
        return Hex(self.q + other.q, self.r + other.r)

    def __sub__(self, other: Hex) -> Hex:
        return Hex(self.q - other.q, self.r - other.r)

    def scale(self, k: int) -> Hex:
        return Hex(self.q * k, self.r * k)

    def neighbour(self, direction: int) -> Hex:
        return self + DIRECTIONS[direction % 6]

    def neighbours(self) -> tuple[Hex, ...]:
        return tuple(self + d for d in DIRECTIONS)

    def distance(self, other: Hex) -> int:
        return hex_distance(self, other)

    def direction_to(self, other: Hex) -> int | None:
        """The direction index from this hex to an adjacent one, or None if not adjacent."""
        delta = other - self
        try:
            return DIRECTIONS.index(delta)
        except ValueError:
            return None

    def as_list(self) -> list[int]:
        return [self.q, self.r]


DIRECTIONS: tuple[Hex, ...] = (
    Hex(1, 0),
    Hex(1, -1),
    Hex(0, -1),
    Hex(-1, 0),
    Hex(-1, 1),
    Hex(0, 1),
)
DIRECTION_NAMES: tuple[str, ...] = ("E", "NE", "NW", "W", "SW", "SE")
_DQ = np.array([d.q for d in DIRECTIONS], dtype=np.int64)
_DR = np.array([d.r for d in DIRECTIONS], dtype=np.int64)


def opposite(direction: int) -> int:
    return (direction + 3) % 6


def hex_distance(a: Hex, b: Hex) -> int:
    dq, dr = a.q - b.q, a.r - b.r
    return (abs(dq) + abs(dr) + abs(dq + dr)) // 2


def hex_round(fq: float, fr: float) -> Hex:
    """The hex containing fractional axial coordinates (cube rounding)."""
    q, r = round_array(np.array([fq]), np.array([fr]))
    return Hex(int(q[0]), int(r[0]))


def round_array(fq: np.ndarray, fr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cube rounding of fractional axial coordinates, element-wise."""
    fq = np.asarray(fq, dtype=np.float64)
    fr = np.asarray(fr, dtype=np.float64)
    fs = -fq - fr
    q, r, s = np.round(fq), np.round(fr), np.round(fs)
    dq, dr, ds = np.abs(q - fq), np.abs(r - fr), np.abs(s - fs)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    return q.astype(np.int64), r.astype(np.int64)


def hex_line(a: Hex, b: Hex) -> list[Hex]:
    """Hexes on the straight line from a to b inclusive, each adjacent to the next."""
    n = hex_distance(a, b)
    if n == 0:
        return [a]
    t = np.arange(n + 1) / n
    # A tiny nudge keeps points that fall exactly on a hex edge from rounding both ways.
    fq = a.q + (b.q - a.q) * t + 1e-6
    fr = a.r + (b.r - a.r) * t + 2e-6
    q, r = round_array(fq, fr)
    return [Hex(int(x), int(y)) for x, y in zip(q, r, strict=True)]


def hex_ring(center: Hex, radius: int) -> list[Hex]:
    if radius < 0:
        raise ValueError("radius must be >= 0")
    if radius == 0:
        return [center]
    ring = []
    h = center + DIRECTIONS[4].scale(radius)
    for side in range(6):
        for _ in range(radius):
            ring.append(h)
            h = h.neighbour(side)
    return ring


def hex_disc(center: Hex, radius: int) -> Iterator[Hex]:
    """Every hex within `radius` of `center`, centre first, ring by ring."""
    for k in range(radius + 1):
        yield from hex_ring(center, k)


def distance_array(q: np.ndarray, r: np.ndarray, q0: int, r0: int) -> np.ndarray:
    dq = np.asarray(q) - q0
    dr = np.asarray(r) - r0
    return (np.abs(dq) + np.abs(dr) + np.abs(dq + dr)) // 2


def grow(neighbours: np.ndarray, mask: np.ndarray, steps: int) -> np.ndarray:
    """`mask` (one bool per hex) grown by `steps` hex steps in every direction, over a
    `neighbour_table` (-1 off the map)."""
    out = mask.copy()
    for _ in range(steps):
        out = out | np.append(out, False)[neighbours].any(axis=1)
    return out


def neighbour_table(q: np.ndarray, r: np.ndarray) -> np.ndarray:
    """`(n, 6)` int32 table: index of each hex's neighbour in direction d, or -1 off the map.

    The hexes may be any set (not necessarily a rectangle); lookup goes through a dense
    offset grid so building the table is O(n).
    """
    q = np.asarray(q, dtype=np.int64)
    r = np.asarray(r, dtype=np.int64)
    n = q.size
    if n == 0:
        return np.zeros((0, 6), dtype=np.int32)
    q_min, r_min = q.min() - 1, r.min() - 1
    width, height = q.max() - q_min + 2, r.max() - r_min + 2
    lookup = np.full((height, width), -1, dtype=np.int32)
    lookup[r - r_min, q - q_min] = np.arange(n, dtype=np.int32)
    nq = q[:, None] + _DQ[None, :] - q_min
    nr = r[:, None] + _DR[None, :] - r_min
    return lookup[nr, nq]
