"""Map geometry in kilometres: hex corners, hex sides and the lines drawn along or across them.

Everything here is computed once per theatre (or once per control layer, for the front) and
is independent of zoom, so the window can redraw at any scale by transforming these arrays
through a `MapView`. No pygame here.

Side ``d`` of a pointy-top hex (the side shared with the neighbour in direction ``d``: E, NE,
NW, W, SW, SE) runs between corners ``SIDE_CORNERS[d]``; corner ``k`` sits at angle
``60k - 30`` degrees with y growing south, so corner 0 is east-north-east and corner 5 is the
top.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "SIDE_CORNERS",
    "boundary_pairs",
    "boundary_sides",
    "centre_segments",
    "hex_centres_km",
    "hex_corners_km",
    "side_segments",
    "sides_to_segments",
]

SIDE_CORNERS: tuple[tuple[int, int], ...] = ((0, 1), (5, 0), (4, 5), (3, 4), (2, 3), (1, 2))
_SIDE_A = np.array([a for a, _ in SIDE_CORNERS])
_SIDE_B = np.array([b for _, b in SIDE_CORNERS])


def hex_centres_km(theatre) -> np.ndarray:
    """`(n, 2)` hex centres (x east, y south) in km."""
    x, y = theatre.projection.axial_to_km(theatre.q, theatre.r)
    return np.stack([np.atleast_1d(x), np.atleast_1d(y)], axis=1)


def hex_corners_km(theatre) -> np.ndarray:
    """`(n, 6, 2)` corners of every hex in km, vectorised (the projection's per-hex
    `hex_corners_km` does the same for one hex)."""
    centres = hex_centres_km(theatre)
    size = theatre.projection.hex_size_km
    angles = np.radians(60.0 * np.arange(6) - 30.0)
    offsets = np.stack([np.cos(angles), np.sin(angles)], axis=1) * size
    return centres[:, None, :] + offsets[None, :, :]


def _unique_sides(theatre, hexes: np.ndarray, dirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep each shared side once (from the lower-indexed hex); sides on the map edge stay."""
    neighbours = np.asarray(theatre.neighbours)
    other = neighbours[hexes, dirs]
    keep = (other < 0) | (hexes < other)
    return hexes[keep], dirs[keep]


def side_segments(theatre, bitmask: np.ndarray, corners: np.ndarray | None = None) -> np.ndarray:
    """`(m, 2, 2)` km endpoints of every hex side whose bit is set in `bitmask` (rivers)."""
    bits = np.asarray(bitmask, dtype=np.int64)
    hexes, dirs = np.nonzero((bits[:, None] >> np.arange(6)[None, :]) & 1)
    hexes, dirs = _unique_sides(theatre, hexes, dirs)
    return _sides_to_segments(theatre, hexes, dirs, corners)


def boundary_sides(
    theatre,
    key: np.ndarray,
    corners: np.ndarray | None = None,
    pair: tuple[int, int] | None = None,
    include: np.ndarray | None = None,
) -> np.ndarray:
    """`(m, 2, 2)` km endpoints of the sides between neighbouring hexes whose `key` differs.

    With `pair=(a, b)` only sides between an `a` hex and a `b` hex count (the front between
    the two sides' hexes, not the edge of neutral ground). With `include` (a bool per hex)
    only sides where both hexes are included count.
    """
    hexes, others, dirs = boundary_pairs(theatre, key, pair, include)
    return _sides_to_segments(theatre, hexes, dirs, corners)


def boundary_pairs(
    theatre,
    key: np.ndarray,
    pair: tuple[int, int] | None = None,
    include: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The hexes either side of each boundary side `boundary_sides` finds, and the direction
    from the first to the second: (hexes, others, dirs), so a caller can tell which side of
    the line each hex lies on."""
    key = np.asarray(key)
    neighbours = np.asarray(theatre.neighbours)
    n = key.size
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    hexes = np.repeat(np.arange(n), 6)
    dirs = np.tile(np.arange(6), n)
    other = neighbours.reshape(-1)
    ok = (other >= 0) & (hexes < other)
    hexes, dirs, other = hexes[ok], dirs[ok], other[ok]
    a, b = key[hexes], key[other]
    differs = a != b
    if pair is not None:
        p, q = pair
        differs &= ((a == p) & (b == q)) | ((a == q) & (b == p))
    if include is not None:
        include = np.asarray(include, dtype=bool)
        differs &= include[hexes] & include[other]
    return hexes[differs], other[differs], dirs[differs]


def sides_to_segments(
    theatre, hexes: np.ndarray, dirs: np.ndarray, corners: np.ndarray | None = None
) -> np.ndarray:
    """`(m, 2, 2)` km endpoints of side `dirs[i]` of hex `hexes[i]`."""
    return _sides_to_segments(theatre, np.asarray(hexes), np.asarray(dirs), corners)


def _sides_to_segments(theatre, hexes, dirs, corners) -> np.ndarray:
    if corners is None:
        corners = hex_corners_km(theatre)
    if hexes.size == 0:
        return np.zeros((0, 2, 2))
    return np.stack([corners[hexes, _SIDE_A[dirs]], corners[hexes, _SIDE_B[dirs]]], axis=1)


def centre_segments(theatre, bitmask: np.ndarray, centres: np.ndarray | None = None) -> np.ndarray:
    """`(m, 2, 2)` km centre-to-centre segments for every side whose bit is set (roads, rail)."""
    bits = np.asarray(bitmask, dtype=np.int64)
    hexes, dirs = np.nonzero((bits[:, None] >> np.arange(6)[None, :]) & 1)
    hexes, dirs = _unique_sides(theatre, hexes, dirs)
    other = np.asarray(theatre.neighbours)[hexes, dirs]
    hexes, other = hexes[other >= 0], other[other >= 0]
    if centres is None:
        centres = hex_centres_km(theatre)
    if hexes.size == 0:
        return np.zeros((0, 2, 2))
    return np.stack([centres[hexes], centres[other]], axis=1)
