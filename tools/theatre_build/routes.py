"""Roads and railways: waypoint lists turned into connected hex paths and side bitmasks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.hexgrid import Hex, hex_line


def route_path(waypoint_hexes: Sequence[Hex]) -> list[Hex]:
    """Consecutive waypoints joined by hex lines, each hex adjacent to the next, no repeats in a
    row (two waypoints in one hex simply merge)."""
    path: list[Hex] = []
    for a, b in zip(waypoint_hexes[:-1], waypoint_hexes[1:], strict=True):
        for h in hex_line(a, b):
            if not path or path[-1] != h:
                path.append(h)
    if not path and waypoint_hexes:
        path.append(waypoint_hexes[0])
    return path


def path_bits(path: Sequence[Hex], index_of: dict[Hex, int], bits: np.ndarray) -> None:
    """Set the side bits joining each pair of consecutive hexes of `path` (both directions)."""
    for a, b in zip(path[:-1], path[1:], strict=True):
        d = a.direction_to(b)
        if d is None:
            raise ValueError(f"route hexes {a} and {b} are not adjacent")
        bits[index_of[a]] |= np.uint8(1 << d)
        bits[index_of[b]] |= np.uint8(1 << ((d + 3) % 6))
