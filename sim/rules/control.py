"""The control phase: hexes and named places change hands, districts and the front are counted.

A hex belongs to the side whose ground units stand in it; units that moved into empty
enemy-held hexes (the movement phase lists them in `ctx.scratch["entered"]`) and attackers
that advanced after a capture therefore take their hexes here, not in the phases that moved
them. This keeps one place where control changes, so every change of a named place gives
exactly one "capture" entry.

Mopping up: an enemy-held hex with no enemy unit in it or next to it (outside the enemy's
zone of control), surrounded on at least `MOP_UP_SIDES` of its six sides by hexes of the
other side and next to one of that side's units, falls to that side too: a pocket no one
defends does not hold out behind the front, while a garrison's outskirts do.
The test is made once per turn on the control after occupation (no chain reaction), with the
neighbour table, so it costs a few numpy passes over the map whatever the number of units.

`front_line` and `district_control` are pure functions of the map and a control layer; the
window draws the front and the district table from them.

Leaves in `ctx.scratch`: "district_control" ({side: share of each district's land hexes}),
"front_line" ([(hex, direction)]) and "control_changes" ([(hex, from_side, to_side)]); sets
`state.last_captures` to this turn's named places that changed hands.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from sim.rules.context import TurnContext
from sim.rules.hinterland import (
    DEFENDED_WITHIN,
    SETTLEMENT_KINDS,
    by_settlement,
    cut_off_hexes,
    follow_settlements,
)
from sim.sides import ARMENIAN, AZERBAIJANI, NEUTRAL, SIDE_ADJECTIVES, SIDE_CODES, SIDE_IDS
from sim.state import GameState
from sim.theatre import Place, Theatre

MOP_UP_SIDES = 4
"""Sides of an undefended enemy hex that must touch the other side's hexes for it to fall."""
NEAR_PLACE_KM = 5.0
"""A hex without a named place is described as "near" the closest place within this distance."""

_PLACE_RANK = {kind: rank for rank, kind in enumerate(SETTLEMENT_KINDS)}


# --- named places on the map -------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _places_by_hex(theatre: Theatre) -> dict[int, tuple[Place, ...]]:
    """On-map places per hex index, settlements first (city, town, village), then file order."""
    found: dict[int, list[tuple[int, int, Place]]] = {}
    for order, p in enumerate(theatre.places.values()):
        if p.index is not None:
            rank = _PLACE_RANK.get(p.kind, len(SETTLEMENT_KINDS))
            found.setdefault(p.index, []).append((rank, order, p))
    return {i: tuple(p for _, _, p in sorted(v, key=lambda t: t[:2])) for i, v in found.items()}


def places_at(theatre: Theatre, index: int) -> tuple[Place, ...]:
    """Named places whose hex is `index`, the most important settlement first."""
    return _places_by_hex(theatre).get(index, ())


def settlement_at(theatre: Theatre, index: int) -> Place | None:
    """The largest city, town or village in a hex, or None."""
    for p in places_at(theatre, index):
        if p.kind in SETTLEMENT_KINDS:
            return p
    return None


@functools.lru_cache(maxsize=8)
def _place_points_km(theatre: Theatre) -> tuple[tuple[Place, ...], np.ndarray, np.ndarray]:
    placed = tuple(p for p in theatre.places.values() if p.index is not None)
    x, y = theatre.projection.to_km([p.lat for p in placed], [p.lon for p in placed])
    return placed, np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


@functools.lru_cache(maxsize=8192)
def where(theatre: Theatre, index: int) -> tuple[Place | None, bool]:
    """The place a hex is named after: (place, False) in it, (place, True) near it, or (None, _).

    A hex holding a named place takes it; otherwise the closest place within
    `NEAR_PLACE_KM` of the hex centre, so a log reader can find the fighting on a map.
    """
    here = places_at(theatre, index)
    if here:
        return here[0], False
    placed, x, y = _place_points_km(theatre)
    if not placed:
        return None, False
    hx, hy = theatre.projection.axial_to_km(int(theatre.q[index]), int(theatre.r[index]))
    d2 = (x - float(hx)) ** 2 + (y - float(hy)) ** 2
    best = int(np.argmin(d2))
    if d2[best] <= NEAR_PLACE_KM * NEAR_PLACE_KM:
        return placed[best], True
    return None, False


def describe_hex(theatre: Theatre, index: int) -> str:
    """'Shusha', 'positions near Shusha' or 'a hex in the Lachin district' for a sentence."""
    place, near = where(theatre, index)
    if place is not None:
        return f"positions near {place.name}" if near else place.name
    district = theatre.districts[int(theatre.district[index])].name
    h = theatre.hex_of(index)
    return f"a hex in the {district} district ({h.q}, {h.r})"


def hex_reference(theatre: Theatre, index: int) -> dict[str, Any]:
    """The log's fields for a hex: its coordinates, district and place (or nearby place)."""
    h = theatre.hex_of(index)
    place, near = where(theatre, index)
    return {
        "hex": [h.q, h.r],
        "district": theatre.districts[int(theatre.district[index])].id,
        "place": None if place is None else place.id,
        "near": bool(place is not None and near),
    }


# --- pure views of a control layer -------------------------------------------------------------


def front_line(theatre: Theatre, control: np.ndarray) -> list[tuple[int, int]]:
    """Hex sides between Armenian- and Azerbaijani-held hexes, as (index, direction).

    Each side is listed once, from its Armenian-held hex, sorted by index then direction.
    """
    other = np.append(control, NEUTRAL)[theatre.neighbours]  # off the map (-1) reads neutral
    mask = (control == ARMENIAN)[:, None] & (other == AZERBAIJANI)
    rows, dirs = np.nonzero(mask)
    return list(zip(rows.tolist(), dirs.tolist(), strict=True))


@functools.lru_cache(maxsize=8)
def _land_per_district(theatre: Theatre) -> np.ndarray:
    land = theatre.terrain != theatre.terrain_names.index("water")
    return np.bincount(theatre.district, weights=land, minlength=len(theatre.districts))


def district_control(theatre: Theatre, control: np.ndarray) -> dict[str, np.ndarray]:
    """Share of each district's land hexes held by each side (arrays in district order)."""
    land = _land_per_district(theatre)
    denominator = np.where(land > 0, land, 1.0)
    n = len(theatre.districts)
    return {
        side: np.bincount(theatre.district, weights=control == SIDE_CODES[side], minlength=n)
        / denominator
        for side in SIDE_IDS
    }


def district_holders(shares: Mapping[str, np.ndarray]) -> list[str]:
    """Per district, the side holding more than half of it, or '' where neither does."""
    n = len(next(iter(shares.values())))
    holders = [""] * n
    for side in SIDE_IDS:
        for i in np.flatnonzero(shares[side] > 0.5):
            holders[int(i)] = side
    return holders


# --- the phase ---------------------------------------------------------------------------------


def run(ctx: TurnContext) -> None:
    state = ctx.state
    theatre = state.theatre
    before = state.control.copy()
    occupy(state, ctx.scratch.get("entered", []))
    occupied = state.control.copy()
    mopped = mop_up(state)
    state.followed[state.control != before] = False  # taken by units: theirs to hold
    followed = follow_settlements(
        theatre,
        state.control,
        state.occupancy(),
        state.start_control,
        state.followed,
        cut_off_hexes(state),
    )
    changed = np.flatnonzero(state.control != before)

    captures = _capture_entries(ctx, before, changed)
    state.last_captures = captures

    shares = district_control(theatre, state.control)
    ctx.scratch["district_control"] = shares
    ctx.scratch["front_line"] = front_line(theatre, state.control)
    ctx.scratch["control_changes"] = [
        (int(i), _side_of(int(before[i])), _side_of(int(state.control[i]))) for i in changed
    ]
    if changed.size:
        old_holders = district_holders(district_control(theatre, before))
        _summary_entry(ctx, before, occupied, mopped, followed, changed, old_holders, shares)


def occupy(state: GameState, entered: Iterable[Any] = ()) -> np.ndarray:
    """Give every hex where only one side's ground units stand to that side.

    `entered` (from the movement phase) may name hexes units passed into as hex indices,
    unit ids or (index, side) pairs; such a hex goes to that side unless enemy units stand
    in it. Returns the indices that changed.
    """
    control = state.control
    before = control.copy()
    n = state.theatre.n
    present = {side: np.zeros(n, dtype=bool) for side in SIDE_IDS}
    for u in state.units.values():
        if u.active and not u.is_air and 0 <= u.index < n and u.side in present:
            present[u.side][u.index] = True
    arm, aze = present["armenian"], present["azerbaijani"]
    passable = state.theatre.passable()
    control[arm & ~aze & passable] = ARMENIAN
    control[aze & ~arm & passable] = AZERBAIJANI
    for index, side in _entered_hexes(state, entered):
        enemy = present["azerbaijani" if side == "armenian" else "armenian"]
        if 0 <= index < n and passable[index] and not enemy[index]:
            control[index] = SIDE_CODES[side]
    return np.flatnonzero(control != before)


def _entered_hexes(state: GameState, entered: Iterable[Any]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for item in entered:
        if isinstance(item, str):
            unit = state.units.get(item)
            if unit is not None and unit.active and not unit.is_air:
                out.append((unit.index, unit.side))
        elif isinstance(item, (tuple, list)) and len(item) == 2 and item[1] in SIDE_CODES:
            out.append((int(item[0]), str(item[1])))
        elif isinstance(item, (int, np.integer)):
            for u in state.units.values():
                if u.active and not u.is_air and u.index == int(item):
                    out.append((int(item), u.side))
                    break
    return out


def mop_up(state: GameState) -> np.ndarray:
    """Flip undefended enemy hexes cut off inside a side's ground; returns the flipped indices.

    One simultaneous pass: a hex that falls this turn does not help its neighbour fall. Only
    hexes next to a unit can fall, so only those are looked at.
    """
    nb = state.theatre.neighbours
    control = state.control
    occ = state.occupancy()
    control_pad = np.append(control, NEUTRAL)  # index -1 (off the map) reads as neutral
    occ_pad = np.append(occ, NEUTRAL)
    flips = []
    for side in SIDE_IDS:
        code = SIDE_CODES[side]
        enemy = AZERBAIJANI if code == ARMENIAN else ARMENIAN
        near = nb[occ == code].ravel()
        cand = np.unique(near[near >= 0])
        cand = cand[(control[cand] == enemy) & (occ[cand] != enemy)]
        if cand.size == 0:
            continue
        around = nb[cand]
        held_around = (control_pad[around] == code).sum(axis=1)
        covered = (occ_pad[around] == enemy).any(axis=1)
        flips.append((code, cand[(held_around >= MOP_UP_SIDES) & ~covered]))
    for code, falls in flips:
        control[falls] = code
    if not flips:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.concatenate([falls for _, falls in flips]))


def _side_of(code: int) -> str:
    return SIDE_IDS[code - 1] if code in (ARMENIAN, AZERBAIJANI) else ""


def _capture_entries(
    ctx: TurnContext, before: np.ndarray, changed: np.ndarray
) -> list[tuple[str, str, str]]:
    theatre = ctx.state.theatre
    changed_set = {int(i) for i in changed}
    captures: list[tuple[str, str, str]] = []
    for place in theatre.places.values():
        if place.index is None or place.index not in changed_set:
            continue
        from_side = _side_of(int(before[place.index]))
        to_side = _side_of(int(ctx.state.control[place.index]))
        captures.append((place.id, from_side, to_side))
        taker = SIDE_ADJECTIVES.get(to_side, "No")
        if from_side:
            text = (
                f"{taker} forces took {place.name} ({place.kind}) from "
                f"{SIDE_ADJECTIVES[from_side]} forces."
            )
        else:
            text = f"{taker} forces took {place.name} ({place.kind})."
        h = theatre.hex_of(place.index)
        ctx.record(
            "capture",
            text,
            {
                "place": place.id,
                "place_kind": place.kind,
                "from_side": from_side,
                "to_side": to_side,
                "district": place.district,
                "hex": [h.q, h.r],
            },
        )
    return captures


def _summary_entry(
    ctx: TurnContext,
    before: np.ndarray,
    occupied: np.ndarray,
    mopped: np.ndarray,
    followed: np.ndarray,
    changed: np.ndarray,
    old_holders: list[str],
    shares: Mapping[str, np.ndarray],
) -> None:
    theatre = ctx.state.theatre
    after = ctx.state.control
    gained = {side: int((after[changed] == SIDE_CODES[side]).sum()) for side in SIDE_IDS}
    by_occupation = int((occupied != before).sum())
    new_holders = district_holders(shares)
    majority = []
    for i, (old, new) in enumerate(zip(old_holders, new_holders, strict=True)):
        if old != new:
            d = theatre.districts[i]
            majority.append(
                {
                    "district": d.id,
                    "from_side": old,
                    "to_side": new,
                    "shares": {side: float(shares[side][i]) for side in SIDE_IDS},
                }
            )
    mopped_by = {side: int((after[mopped] == SIDE_CODES[side]).sum()) for side in SIDE_IDS}
    followed_by = {
        side: by_settlement(theatre, followed[after[followed] == SIDE_CODES[side]])
        for side in SIDE_IDS
    }
    parts = []
    for side in SIDE_IDS:
        if not gained[side]:
            continue
        part = f"{SIDE_ADJECTIVES[side]} forces gained {gained[side]:,} "
        part += "hex" if gained[side] == 1 else "hexes"
        notes = []
        if mopped_by[side]:
            notes.append(f"{mopped_by[side]:,} cut off and undefended, mopped up")
        if followed_by[side]:
            notes.append(_followed_phrase(theatre, side, followed_by[side]))
        if notes:
            part += " (" + "; ".join(notes) + ")"
        parts.append(part)
    text = "Control: " + " and ".join(parts) + "."
    for m in majority:
        name = theatre.districts[theatre.district_index(m["district"])].name
        if m["to_side"]:
            text += f" {name} is now mostly {SIDE_ADJECTIVES[m['to_side']]}-held."
        else:
            text += f" {name} is now contested."
    ctx.record(
        "control",
        text,
        {
            "gained": gained,
            "by_occupation": by_occupation,
            "mopped_up": mopped_by,
            "followed_settlement": followed_by,
            "majority_changed": majority,
            "front_sides": len(ctx.scratch.get("front_line", [])),
        },
    )


def _followed_phrase(theatre: Theatre, side: str, counts: Mapping[str, int]) -> str:
    """'12 of open country that went with Lachin and Zabukh, undefended'."""
    names = [theatre.places[p].name for p in counts]
    if len(names) > 3:
        names = names[:3] + [f"{len(counts) - 3} more"]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    other = "azerbaijani" if side == "armenian" else "armenian"
    return (
        f"{sum(counts.values()):,} of open country that went with {listed}, "
        f"with no {SIDE_ADJECTIVES[other]} unit left within "
        f"{DEFENDED_WITHIN * theatre.hex_km:.0f} km"
    )
