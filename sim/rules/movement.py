"""The movement phase: check both sides' orders, then carry out the moves one by one.

Both sides give their orders against the same position, so every order is checked first
(`sim.rules.legality`) against the position at the start of the phase; a refused order is
logged with its reason ("order_rejected") and skipped, never raised. The moves are then
carried out one at a time, alternating between the sides, each side's in the order it gave
them (its own priority). The side that moves first alternates by turn — the Armenian side on
odd turns, the Azerbaijani side on even ones — so neither always wins the race for a hex.

Each unit walks the cheapest path found when its order was checked. Earlier moves may have
changed the ground: it stops before a hex enemy troops now hold, stops on entering a hex that
is now in the enemy's zone of control, and where stacking no longer lets it end its move it
falls back along its path to the last hex that has room (its start if need be).

What later phases read from `ctx.scratch`:

- "moved": `{unit id: hex it started from}` for every unit that changed hex, in the order they
  moved (a dict, so membership tests read like a set and iteration is deterministic);
- "entered": `[(hex, side), ...]` hexes a side's unit entered that the side did not hold,
  passed through or stopped in, in the order entered; the control phase decides what changes
  hands;
- "attacks": `{side: [Attack, ...]}` the attacks that passed the checks, in the order given.

Field fortification: a ground unit given no order digs in one step more (at most
`DUG_IN_MAX`); one that moved starts again from 0; one ordered to attack, or whose move was
blocked before it left its hex, spent the turn on that and keeps what it had.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from sim.orders import Attack, MalformedOrder, Move
from sim.rules.context import TurnContext
from sim.rules.legality import (
    Verdict,
    check_orders,
    hex_label,
    place_at,
    points_text,
    support_distance_km,
)
from sim.rules.reach import Positions, movement_points
from sim.sides import SIDE_ADJECTIVES, SIDE_CODES, SIDE_IDS, other_side

DUG_IN_MAX = 3


def run(ctx: TurnContext) -> None:
    state = ctx.state
    pos = Positions.of(state)
    verdicts: dict[str, list[Verdict]] = {}
    for side in SIDE_IDS:
        verdicts[side] = check_orders(state, side, ctx.orders.get(side, ()), pos, ctx.season)
    for side in sorted(k for k in ctx.orders if k not in SIDE_IDS):
        error = MalformedOrder(f"{side!r} is not a side")
        verdicts[side] = [Verdict(order, side, error) for order in ctx.orders[side]]
    for side_verdicts in verdicts.values():
        for verdict in side_verdicts:
            if not verdict.legal:
                _record_rejection(ctx, verdict)

    legal = {side: [v for v in verdicts[side] if v.legal] for side in SIDE_IDS}
    attacks = {
        side: [v.order for v in legal[side] if isinstance(v.order, Attack)] for side in SIDE_IDS
    }
    moves = {side: [v for v in legal[side] if isinstance(v.order, Move)] for side in SIDE_IDS}
    first = SIDE_IDS[(ctx.turn - 1) % 2]
    second = other_side(first)

    moved: dict[str, int] = {}
    entered: list[tuple[int, str]] = []
    seen_entered: set[tuple[int, str]] = set()
    for pair in zip_longest(moves[first], moves[second]):
        for verdict in pair:
            if verdict is not None:
                _carry_out(ctx, verdict, pos, moved, entered, seen_entered)

    ordered = {uid for side in SIDE_IDS for v in legal[side] for uid in v.units}
    for unit in state.units.values():
        if not unit.active or unit.is_air or unit.index < 0:
            continue
        if unit.id in moved:
            unit.dug_in = 0
        elif unit.id not in ordered:
            unit.dug_in = min(DUG_IN_MAX, unit.dug_in + 1)

    ctx.scratch["moved"] = moved
    ctx.scratch["entered"] = entered
    ctx.scratch["attacks"] = attacks


def _carry_out(
    ctx: TurnContext,
    verdict: Verdict,
    pos: Positions,
    moved: dict[str, int],
    entered: list[tuple[int, str]],
    seen_entered: set[tuple[int, str]],
) -> None:
    state = ctx.state
    unit = state.units[verdict.order.unit]
    if unit.is_air:
        _rebase(ctx, verdict, moved)
        return
    side = unit.side
    path = verdict.path
    theatre = state.theatre
    enemy = SIDE_ADJECTIVES[other_side(side)]
    stopped = ""
    reached = 0
    for k in range(1, len(path)):
        here = path[k]
        if pos.enemy_at(side, here):
            stopped = f"{enemy} troops now stand at {hex_label(theatre, here)}"
            break
        if k == 1 and pos.in_enemy_zoc(side, path[0]) and pos.in_enemy_zoc(side, here):
            stopped = (
                f"its start and {hex_label(theatre, here)} are now both in the {enemy} "
                "zone of control"
            )
            break
        reached = k
        if k < len(path) - 1 and pos.in_enemy_zoc(side, here):
            stopped = f"entered the {enemy} zone of control"
            break
    if reached > 0 and not pos.has_room(unit, path[reached]):
        problem = pos.stacking_problem(unit, path[reached], hex_label(theatre, path[reached]))
        stopped = f"stacking limit: {problem}"
        while reached > 0 and not pos.has_room(unit, path[reached]):
            reached -= 1

    origin, dest = path[0], path[reached]
    if reached > 0:
        pos.remove(unit, origin)
        pos.add(unit, dest)
        unit.index = dest
        moved[unit.id] = origin
        code = SIDE_CODES[side]
        for here in path[1 : reached + 1]:
            if int(state.control[here]) != code and (here, side) not in seen_entered:
                seen_entered.add((here, side))
                entered.append((here, side))
    _record_move(ctx, verdict, unit.id, path[: reached + 1], verdict.costs[reached], stopped)


def _rebase(ctx: TurnContext, verdict: Verdict, moved: dict[str, int]) -> None:
    state = ctx.state
    unit = state.units[verdict.order.unit]
    origin, dest = verdict.path
    km = support_distance_km(state.theatre, origin, dest)
    unit.index = dest
    moved[unit.id] = origin
    data: dict[str, Any] = {
        "unit": unit.id,
        "side": unit.side,
        "from": state.theatre.hex_of(origin).as_list(),
        "to": state.theatre.hex_of(dest).as_list(),
        "km": km,
    }
    if (place := place_at(state.theatre, dest)) is not None:
        data["place"] = place.id
    text = (
        f"{unit.name} ({SIDE_ADJECTIVES[unit.side]}) moved its base from "
        f"{hex_label(state.theatre, origin)} to {hex_label(state.theatre, dest)} ({km:,.0f} km)."
    )
    ctx.record("move", text, data)


def _record_move(
    ctx: TurnContext,
    verdict: Verdict,
    unit_id: str,
    walked: tuple[int, ...],
    cost: float,
    stopped: str,
) -> None:
    """One compact entry per move: from, to, named places on the way, points spent."""
    state = ctx.state
    theatre = state.theatre
    unit = state.units[unit_id]
    points = movement_points(unit.type, state.scenario.turn_days)
    origin, dest, ordered_to = walked[0], walked[-1], verdict.path[-1]
    via = [p.id for i in walked[1:-1] if (p := place_at(theatre, i)) is not None]
    data: dict[str, Any] = {
        "unit": unit.id,
        "side": unit.side,
        "from": theatre.hex_of(origin).as_list(),
        "to": theatre.hex_of(dest).as_list(),
        "cost": cost,
        "points": points,
    }
    if (place := place_at(theatre, dest)) is not None:
        data["place"] = place.id
    if via:
        data["via"] = via
    if dest != ordered_to:
        data["ordered_to"] = theatre.hex_of(ordered_to).as_list()
    if stopped:
        data["stopped"] = stopped
    who = f"{unit.name} ({SIDE_ADJECTIVES[unit.side]})"
    start = hex_label(theatre, origin)
    if dest == origin:
        text = (
            f"{who} could not set out from {start} for {hex_label(theatre, ordered_to)}: {stopped}."
        )
    else:
        names = [theatre.places[p].name for p in via]
        through = f" via {', '.join(names)}" if names else ""
        spent = (
            f"{points_text(cost)} of {points_text(points)} movement points"
            if cost <= points
            else f"one step for {points_text(cost)} points, more than its {points_text(points)}"
        )
        text = f"{who} moved from {start} to {hex_label(theatre, dest)}{through} ({spent})"
        if stopped:
            text += f", short of {hex_label(theatre, ordered_to)}: {stopped}"
        text += "."
    ctx.record("move", text, data)


def _record_rejection(ctx: TurnContext, verdict: Verdict) -> None:
    order = verdict.order
    try:
        shown = order.to_dict()
    except (AttributeError, TypeError):
        shown = {"order": repr(order)[:80]}
    kind = "malformed" if isinstance(verdict.error, MalformedOrder) else "illegal"
    reason = str(verdict.error)
    side = SIDE_ADJECTIVES.get(verdict.side, str(verdict.side))
    data = {"side": verdict.side, "order": shown, "error": kind, "reason": reason}
    ctx.record("order_rejected", f"{side} order refused: {reason[:1].upper()}{reason[1:]}.", data)
