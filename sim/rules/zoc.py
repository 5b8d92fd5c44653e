"""Zones of control: the hexes a side's ground units hold under their guns.

A hex is in a side's zone of control if one of its active ground units stands in it or next
to it. Entering an enemy zone of control ends a move, and supply cannot be traced through one
unless a friendly unit stands in that hex.
"""

from __future__ import annotations

import numpy as np

from sim.sides import SIDE_CODES
from sim.state import GameState


def occupied_by(state: GameState, side: str) -> np.ndarray:
    """Bool per hex: an active ground unit of `side` stands there."""
    return state.occupancy() == SIDE_CODES[side]


def zone_of_control(state: GameState, side: str) -> np.ndarray:
    """Bool per hex: in or next to a hex held by an active ground unit of `side`."""
    occupied = occupied_by(state, side)
    nb = state.theatre.neighbours
    adjacent = np.where(nb >= 0, occupied[np.where(nb >= 0, nb, 0)], False).any(axis=1)
    return occupied | adjacent
