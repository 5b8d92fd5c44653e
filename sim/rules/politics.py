"""The morale and politics phase: losses and lost places move each side's national morale.

National morale (0.2-2.0, 1.0 ordinary) is the willingness of a side to go on fighting. It
moves each turn with:

- men lost this turn, relative to the men the side had on the map: −0.02 for every 1% lost
  (a side losing a twentieth of its men in a week loses 0.1);
- named places that changed hands this turn (`state.last_captures`, set by the control
  phase): a city ±0.08, a town ±0.04, a village ±0.01, gained by one side and lost by the
  other. Passes, airfields, stations and other sites count through the fighting for them, not
  by themselves.

Each unit's morale then closes `drift` (15%) of the gap to its own standing: its starting
morale scaled by how its side's national morale has moved since the start. A routed unit
recovers over some turns, a victorious one settles, and units keep their differences (a
village defending its homes stays keener than conscripts far from home).

Thresholds that fire events (`morale_below` triggers) are checked by the events phase of the
next turn; this phase only moves the numbers and logs why.
Reads: `ctx.scratch["combat_losses"]` (combat phase) and the men lost to lack of supply: the
supply phase's "attrition" entries of this turn, or `ctx.scratch["attrition"]` ({side: men} or
{side: {"men": men, ...}}) if a phase leaves one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sim.chronicle import Entry
from sim.rules.context import TurnContext
from sim.sides import SIDE_ADJECTIVES
from sim.state import GameState


@dataclass(frozen=True, slots=True)
class MoraleRules:
    """Every weight of the politics phase in one place."""

    per_percent_lost: float = 0.02
    """National morale lost per 1% of the side's men lost this turn."""
    place_value: tuple[tuple[str, float], ...] = (("city", 0.08), ("town", 0.04), ("village", 0.01))
    floor: float = 0.2
    ceiling: float = 2.0
    drift: float = 0.15
    """Share of the gap to its standing a unit's morale closes each turn."""
    recovery: float = 0.05
    """Share of the gap to the side's standing national morale (its scenario value) closed
    each turn: a nation absorbs its losses, replaces men and rallies, and victories fade.
    Without it morale could only ratchet down, and every long war ended in collapse."""

    def value_of(self, kind: str) -> float:
        return dict(self.place_value).get(kind, 0.0)


MORALE_RULES = MoraleRules()
LOG_MIN_CHANGE = 0.001
"""Smaller moves of national morale are applied but not logged: they would read "from 0.986
to 0.986", below the precision anyone reads morale at."""


def run(ctx: TurnContext) -> None:
    state = ctx.state
    rules = MORALE_RULES
    lost = men_lost_this_turn(ctx.scratch, ctx.log)
    on_map = men_on_map(state)
    place_changes = _place_changes(state, rules)
    for side in list(state.national_morale):
        before = state.national_morale[side]
        lost_men = lost.get(side, 0.0)
        at_start = on_map.get(side, 0.0) + lost_men
        percent = 100.0 * lost_men / at_start if at_start > 0 else 0.0
        falls = state.levers.get(f"morale_falls.{side}", 1.0)
        from_losses = -rules.per_percent_lost * percent * falls
        places = [
            {**p, "change": p["change"] * falls} if p["change"] < 0 else p
            for p in place_changes
            if p["side"] == side
        ]
        from_places = sum(p["change"] for p in places)
        standing = standing_morale(state, side)
        from_recovery = rules.recovery * (standing - before)
        raw = before + from_recovery + from_losses + from_places
        after = min(rules.ceiling, max(rules.floor, raw))
        state.national_morale[side] = after
        if abs(after - before) >= LOG_MIN_CHANGE:
            _record(ctx, side, before, after, lost_men, at_start, percent, from_losses,
                    places, from_places, raw != after, (standing, from_recovery))
    drift_unit_morale(state, rules)


def standing_morale(state: GameState, side: str) -> float:
    """The side's national morale as the scenario sets it (the middle of a sourced range)."""
    try:
        return state.scenario.side(side).national_morale.midpoint
    except KeyError:
        return 1.0


def men_lost_this_turn(
    scratch: Mapping[str, Any], log: Iterable[Entry] = ()
) -> dict[str, float]:
    """Men each side lost this turn in combat and to lack of supply.

    Combat losses come from the combat phase's `combat_losses`; attrition from
    `scratch["attrition"]` if a phase left it, else from this turn's "attrition" entries
    (their `side` and `losses.men`), which the supply phase writes.
    """
    out: dict[str, float] = {}
    sources = [scratch.get("combat_losses") or {}]
    if "attrition" in scratch:
        sources.append(scratch["attrition"] or {})
    else:
        from_log: dict[str, float] = {}
        for e in log:
            if e.kind == "attrition" and isinstance(e.data.get("losses"), Mapping):
                side = str(e.data.get("side", ""))
                from_log[side] = from_log.get(side, 0.0) + float(e.data["losses"].get("men", 0))
        sources.append(from_log)
    for losses in sources:
        for side, value in losses.items():
            men = value.get("men", 0.0) if isinstance(value, Mapping) else value
            out[side] = out.get(side, 0.0) + max(0.0, float(men))
    return out


def men_on_map(state: GameState) -> dict[str, float]:
    out: dict[str, float] = {}
    for u in state.units.values():
        if u.active:
            out[u.side] = out.get(u.side, 0.0) + max(0.0, u.men)
    return out


def _place_changes(state: GameState, rules: MoraleRules) -> list[dict[str, Any]]:
    out = []
    for place_id, from_side, to_side in state.last_captures:
        place = state.theatre.places.get(place_id)
        if place is None:
            continue
        value = rules.value_of(place.kind)
        if value == 0.0:
            continue
        if to_side:
            out.append({"side": to_side, "place": place_id, "name": place.name,
                        "kind": place.kind, "change": value})
        if from_side:
            out.append({"side": from_side, "place": place_id, "name": place.name,
                        "kind": place.kind, "change": -value})
    return out


def drift_unit_morale(state: GameState, rules: MoraleRules = MORALE_RULES) -> None:
    """Move each unit's morale part of the way to its standing under today's national morale."""
    base_units = {u.id: u.morale.midpoint for u in state.scenario.units}
    base_nation = {s.id: s.national_morale.midpoint for s in state.scenario.sides}
    for u in state.units.values():
        if not u.active:
            continue
        start = base_nation.get(u.side, 1.0)
        scale = state.national_morale.get(u.side, start) / start if start > 0 else 1.0
        target = base_units.get(u.id, 1.0) * scale
        moved = u.morale + rules.drift * (target - u.morale)
        u.morale = min(rules.ceiling, max(rules.floor, moved))


def _record(
    ctx: TurnContext,
    side: str,
    before: float,
    after: float,
    lost_men: float,
    at_start: float,
    percent: float,
    from_losses: float,
    places: list[dict[str, Any]],
    from_places: float,
    clamped: bool,
    recovery: tuple[float, float] = (1.0, 0.0),
) -> None:
    adj = SIDE_ADJECTIVES.get(side, side)
    verb = "rose" if after > before else "fell"
    reasons = []
    if lost_men > 0:
        reasons.append(
            f"{round(lost_men):,} men lost ({percent:.1f}% of {round(at_start):,}) "
            f"{_signed(from_losses)}"
        )
    for p in places:
        gained = "taken" if p["change"] > 0 else "lost"
        reasons.append(f"{p['name']} {gained} {_signed(p['change'])}")
    standing, from_recovery = recovery
    if abs(from_recovery) >= LOG_MIN_CHANGE / 10:
        toward = "recovering toward" if from_recovery > 0 else "settling back toward"
        reasons.append(f"{toward} its standing {standing:.2f} {_signed(from_recovery)}")
    digits = 2 if round(before, 2) != round(after, 2) else 3
    text = f"{adj} national morale {verb} from {before:.{digits}f} to {after:.{digits}f}"
    text += ": " + "; ".join(reasons) if reasons else ""
    if clamped:
        text += f" (kept within {MORALE_RULES.floor:.1f}-{MORALE_RULES.ceiling:.1f})"
    falls = ctx.state.levers.get(f"morale_falls.{side}", 1.0)
    if falls != 1.0:
        text += f" (falls x{falls:.2f}, the political-stability lever)"
    text += "."
    ctx.record(
        "morale",
        text,
        {
            "side": side,
            "before": before,
            "after": after,
            "men_lost": lost_men,
            "men_at_start": at_start,
            "percent_lost": percent,
            "from_losses": from_losses,
            "per_percent_lost": MORALE_RULES.per_percent_lost,
            "places": [{k: v for k, v in p.items() if k != "side"} for p in places],
            "from_places": from_places,
            "standing": standing,
            "from_recovery": from_recovery,
            "recovery_rate": MORALE_RULES.recovery,
            "clamped": clamped,
        },
    )


def _signed(x: float) -> str:
    """+0.04, -0.10; three decimals when two would show a change as zero."""
    return f"{x:+.2f}" if abs(x) >= 0.005 or x == 0 else f"{x:+.3f}"
