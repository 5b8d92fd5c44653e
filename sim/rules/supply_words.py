"""Words for the supply and events phases' log sentences: places, strengths, counts.

Kept apart from the rules so the sentences read the same wherever a unit, a place or a
number of supply points is named (strengths rounded, with thousands separators).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from sim.hexgrid import distance_array
from sim.theatre import Theatre

EQUIPMENT_NOUNS: dict[str, tuple[str, str]] = {
    "tanks": ("tank", "tanks"),
    "afv": ("armoured vehicle", "armoured vehicles"),
    "artillery": ("gun", "guns"),
    "aircraft": ("aircraft", "aircraft"),
    "helicopters": ("helicopter", "helicopters"),
}
NEAR_HEXES = 3
"""A hex this close to a named place is described as 'near' it."""


@lru_cache(maxsize=8)
def place_at(theatre: Theatre) -> dict[int, str]:
    """Hex index -> id of the first named place in that hex."""
    out: dict[int, str] = {}
    for p in theatre.places.values():
        if p.index is not None:
            out.setdefault(p.index, p.id)
    return out


@lru_cache(maxsize=8)
def _on_map_places(theatre: Theatre) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    placed = [p for p in theatre.places.values() if p.hex is not None]
    q = np.array([p.hex.q for p in placed], dtype=np.int64)
    r = np.array([p.hex.r for p in placed], dtype=np.int64)
    return q, r, tuple(p.name for p in placed)


def where(theatre: Theatre, index: int) -> str:
    """'at Shusha', 'near Shusha' (within NEAR_HEXES hexes) or 'at hex (7, 1)'.

    The nearest place wins, the first in places.toml among equally near ones.
    """
    place = place_at(theatre).get(index)
    if place:
        return f"at {theatre.places[place].name}"
    h = theatre.hex_of(index)
    q, r, names = _on_map_places(theatre)
    if names:
        d = distance_array(q, r, h.q, h.r)
        k = int(np.argmin(d))
        if d[k] <= NEAR_HEXES:
            return f"near {names[k]}"
    return f"at hex ({h.q}, {h.r})"


def men(n: float) -> str:
    k = round(n)
    return "1 man" if k == 1 else f"{k:,} men"


def equipment(name: str, n: float) -> str:
    one, many = EQUIPMENT_NOUNS[name]
    k = round(n)
    return f"{k:,} {one if k == 1 else many}"


def strength(forces: Mapping[str, float]) -> str:
    """'600 men, 4 tanks and 10 armoured vehicles': men always, equipment from one piece up."""
    parts = [men(forces.get("men", 0.0))]
    parts += [
        equipment(name, forces[name]) for name in EQUIPMENT_NOUNS if forces.get(name, 0.0) >= 0.5
    ]
    return join(parts)


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def points(x: float) -> str:
    """Supply points: whole numbers from 10 up, one decimal below."""
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.1f}".removesuffix(".0")


def join(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
