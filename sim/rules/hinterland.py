"""The open country follows its town: ground no one defends goes with the settlement it lies by.

A district's villages, pastures and mountains were held through its towns: when Lachin,
Kalbajar or Agdam fell, the administration, the population and the garrisons left, and the
whole district changed hands within days (source §Lachin corridor, §Kalbajar; history-notes
§c2 counts the 1994 line by district). Units alone cannot show that — a few battalions stand
on a handful of hexes — so without this rule a captured town is an island in country its
former holder no longer has anyone in.

Each land hex belongs to the "cell" of the nearest town or city in its own district: the
seats of districts and the market towns the country was run from. Villages do not anchor the
country (Agdaban was burnt in April 1992, yet the Kalbajar district around it stayed
Azerbaijani-held for another year; source §Kalbajar). A hex whose holder at the start agreed
with its town's holder follows that town: when the town is in the other side's hands, the hex
goes over too, spreading outward from that side's ground at most `SPREAD_STEPS` hexes a turn,
and never into ground within `DEFENDED_WITHIN` hexes of a unit of its holder (troops that
stand keep what is around them; an attacker has to take it). Hexes that disagreed with their
town at the start (a village held against its district, say) are left to the units.

Troops cut off from supply keep only the hexes they stand in (`CUT_OFF_HOLD_THEIR_HEX`): a
surrounded remnant left behind in a district whose town has fallen holds its own position
until taken, but no longer the villages and pastures around it, which went with the town,
its people and its administration — as the districts lost in 1993 went whole, with 'most of
their positions' abandoned (source §Agdam, Fuzuli, Jabrail and Zangilan). A village militia
living on its own village's stores (`sim.rules.supply.HOME_STORES`) counts as cut off here:
the stores feed the men in the village, and the roads to the country around it are closed.
"""

from __future__ import annotations

import functools

import numpy as np

from sim.hexgrid import distance_array, grow
from sim.rules.supply import CUT_OFF, STORES
from sim.sides import ARMENIAN, AZERBAIJANI, NEUTRAL
from sim.state import GameState
from sim.theatre import Theatre

SETTLEMENT_KINDS: tuple[str, ...] = ("city", "town", "village")
"""Places that are settlements, largest first: what a garrison defends and morale counts."""
ANCHOR_KINDS: tuple[str, ...] = SETTLEMENT_KINDS[:2]
"""Settlements the open country around them follows: cities and towns."""
DEFENDED_WITHIN = 2
"""Hexes within this distance (about 7 km) of a unit of their holder do not change hands."""
SPREAD_STEPS = 4
"""Hex steps (about 14 km) the change spreads a turn from ground the new holder already has."""
CUT_OFF_HOLD_THEIR_HEX = True
"""Whether troops cut off from supply keep only their own hex (False: all units keep the
ground within `DEFENDED_WITHIN`)."""


@functools.lru_cache(maxsize=8)
def settlement_cells(theatre: Theatre) -> np.ndarray:
    """Per hex, the map index of the nearest town or city in its district (-1: none, or water).

    Ties go to the settlement listed first in the gazetteer, so the cells never depend on
    anything but the map files.
    """
    cells = np.full(theatre.n, -1, dtype=np.int64)
    best = np.full(theatre.n, np.iinfo(np.int64).max, dtype=np.int64)
    land = theatre.passable()
    for place in theatre.places.values():
        if place.index is None or place.kind not in ANCHOR_KINDS:
            continue
        district = theatre.district[place.index]
        same = (theatre.district == district) & land
        q0, r0 = int(theatre.q[place.index]), int(theatre.r[place.index])
        d = distance_array(theatre.q, theatre.r, q0, r0)
        closer = same & (d < best)
        cells[closer] = place.index
        best[closer] = d[closer]
    cells.flags.writeable = False
    return cells


def follows_settlement(theatre: Theatre, start_control: np.ndarray) -> np.ndarray:
    """Hexes that start in the same hands as their town and so follow it later."""
    cells = settlement_cells(theatre)
    has_cell = cells >= 0
    agrees = np.zeros(theatre.n, dtype=bool)
    agrees[has_cell] = start_control[has_cell] == start_control[cells[has_cell]]
    return agrees & ((start_control == ARMENIAN) | (start_control == AZERBAIJANI))


def follow_settlements(
    theatre: Theatre,
    control: np.ndarray,
    occupancy: np.ndarray,
    start_control: np.ndarray,
    followed: np.ndarray,
    cut_off: np.ndarray | None = None,
) -> np.ndarray:
    """Hand undefended hexes over to the side holding their town; returns their indices.

    `cut_off` (one bool a hex) marks hexes whose every unit is cut off from supply: with
    `CUT_OFF_HOLD_THEIR_HEX` those units keep their own hex only.

    Two cases, both only for hexes that agreed with their town at the start:
    - a hex still in its first holder's hands goes to the side now holding its town;
    - a hex that went over with its town (`followed`) comes back when the town does.
    Ground the other side's units took themselves is theirs to lose in a fight: an advance
    does not melt away behind the column because the town ahead still holds.

    `control` and `followed` are changed in place. The spread is simultaneous for both sides
    and a hex changes at most once a turn.
    """
    cells = settlement_cells(theatre)
    nb = theatre.neighbours
    has_cell = cells >= 0
    cell_holder = np.full(theatre.n, NEUTRAL, dtype=control.dtype)
    cell_holder[has_cell] = control[cells[has_cell]]
    follows = follows_settlement(theatre, start_control)
    first_hands = follows & (control == start_control)
    gone_with_town = follows & followed & (cell_holder == start_control)
    flips: list[tuple[int, np.ndarray]] = []
    for code, enemy in ((ARMENIAN, AZERBAIJANI), (AZERBAIJANI, ARMENIAN)):
        # hexes the enemy holds, in cells whose town `code` now holds
        eligible = (first_hands | gone_with_town) & (control == enemy) & (cell_holder == code)
        if not eligible.any():
            continue
        guards = occupancy == enemy
        around = guards
        if CUT_OFF_HOLD_THEIR_HEX and cut_off is not None:
            around = guards & ~cut_off
        eligible &= ~grow(nb, around, DEFENDED_WITHIN) & ~guards
        reached = control == code
        taken = np.zeros(theatre.n, dtype=bool)
        for _ in range(SPREAD_STEPS):
            padded = np.append(reached, False)
            step = eligible & ~taken & padded[nb].any(axis=1)
            if not step.any():
                break
            taken |= step
            reached |= step
        if taken.any():
            flips.append((code, np.flatnonzero(taken)))
    for code, indices in flips:
        control[indices] = code
        followed[indices] = control[indices] != start_control[indices]
    if not flips:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.concatenate([indices for _, indices in flips]))


def by_settlement(theatre: Theatre, indices: np.ndarray) -> dict[str, int]:
    """How many of `indices` lie in each settlement's cell, keyed by place id, largest first."""
    cells = settlement_cells(theatre)
    counts: dict[int, int] = {}
    for i in indices.tolist():
        counts[int(cells[i])] = counts.get(int(cells[i]), 0) + 1
    names = {p.index: p.id for p in theatre.places.values() if p.kind in ANCHOR_KINDS}
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], names.get(kv[0], "")))
    return {names[c]: n for c, n in ordered if c in names}


def cut_off_hexes(state: GameState) -> np.ndarray:
    """Per hex, whether it has ground units and every one of them is cut off from supply (a
    militia on its village's stores alone counts as cut off: no road reaches it)."""
    held = np.zeros(state.theatre.n, dtype=bool)
    supplied = np.zeros(state.theatre.n, dtype=bool)
    for u in state.units.values():
        if u.active and not u.is_air and u.index >= 0:
            held[u.index] = True
            if u.supply >= CUT_OFF and u.supply_via != STORES:
                supplied[u.index] = True
    return held & ~supplied
