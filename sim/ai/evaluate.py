"""Weighing the position as one side sees it: strength, threats, odds and supply.

Everything here reads the side's view (`sim.ai.view`), never the true state. Attack odds come
from `sim.rules.combat_inputs.plan_attack` and `sim.rules.combat_odds.odds`, the same pure
functions the window shows a player and the combat phase resolves with, so the AI weighs an
attack exactly as the rules will (terrain, height, rivers, towns, digging in, supply,
ammunition, season, surprise, air support), except for what it cannot see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.ai.view import SideView
from sim.rules.combat_inputs import RULES, AttackPlan, legal_attack, unit_power
from sim.rules.combat_odds import Odds, odds
from sim.rules.supply import CUT_OFF, SHORT, SupplyResult, trace_supply
from sim.state import UnitState


def strength(unit: UnitState, ammunition: float = 1.0) -> float:
    """A unit's fighting power as the odds count it: raw power scaled by morale, experience
    and supply."""
    supply = RULES.supply_factor(unit.supply)[0]
    return unit_power(unit, ammunition) * unit.morale * unit.experience * supply


@dataclass(frozen=True, slots=True)
class AttackEstimate:
    """An attack as the AI weighs it."""

    target: int
    units: tuple[str, ...]
    air: tuple[str, ...]
    success: float
    """Chance the hex changes hands (rout or capture)."""
    ratio: float
    plan: AttackPlan


def estimate_attack(
    view: SideView, target: int, units: Sequence[str], air_taken: Iterable[str] = ()
) -> AttackEstimate | None:
    """The rules' odds for `units` (ground and listed air) attacking `target`, or None if the
    rules would not allow the attack (no ground unit can make it, no enemy there)."""
    plan = legal_attack(
        view.state, target, units, view.season, side=view.side,
        air_taken=air_taken, last_combat=view.state.last_combat,
    )
    if plan is None:
        return None
    result: Odds = odds(plan.inputs)
    listed = {u for u in units}
    return AttackEstimate(
        target=target,
        units=plan.attackers,
        air=tuple(a for a in plan.air if a in listed),
        success=result.success,
        ratio=result.ratio,
        plan=plan,
    )


class Distances:
    """Hex distances on the axial grid, from plain lists (faster than Hex objects)."""

    def __init__(self, q: np.ndarray, r: np.ndarray) -> None:
        self.q = q.tolist()
        self.r = r.tolist()

    def __call__(self, a: int, b: int) -> int:
        dq = self.q[a] - self.q[b]
        dr = self.r[a] - self.r[b]
        return (abs(dq) + abs(dr) + abs(dq + dr)) // 2


def threat_at(
    view: SideView, index: int, distance: Distances, radius: int = 2
) -> float:
    """Visible enemy power that could strike hex `index` soon: full for units next to it,
    half for units further off but within `radius` hexes."""
    total = 0.0
    for e in view.enemies:
        d = distance(e.index, index)
        if d <= 1:
            total += strength(e)
        elif d <= radius:
            total += 0.5 * strength(e)
    return total


def own_supply(view: SideView) -> SupplyResult:
    """The side's supply as it can work it out: traced on its own view of the map."""
    return trace_supply(view.state, view.side, view.season)


def cut_off_units(view: SideView, supply: SupplyResult) -> list[UnitState]:
    """Own ground units no supply channel reaches this turn, by id.

    A unit a channel reaches but cannot feed (a pocket on a thin airlift) is short, not cut
    off: pulling it back would bring it no nearer to more supply."""
    out = []
    for u in view.own:
        us = supply.units.get(u.id)
        if us is not None and not us.channel:
            out.append(u)
    return out


def channel_fill(supply: SupplyResult) -> list[float]:
    """Per channel (in `supply.channels` order, as `supply.via` counts them): the share of its
    units' need it delivers this turn (1.0 for a channel nobody draws on)."""
    return [
        min(1.0, c.delivered / c.demand) if c.demand > 0 else 1.0
        for c in supply.channels.values()
    ]


def fed_hexes(supply: SupplyResult, least: float = SHORT) -> np.ndarray:
    """Bool per hex: a channel reaches it that delivers at least `least` of its units' need
    (an overloaded airlift feeds its landing place, but not enough to keep more men alive)."""
    fill = np.asarray(channel_fill(supply) + [0.0])
    via = np.where(supply.via >= 0, supply.via, len(fill) - 1)
    return np.isfinite(supply.cost) & (fill[via] >= least)


def starving_units(view: SideView, supply: SupplyResult) -> list[UnitState]:
    """Own ground units a channel reaches but feeds below the rules' cut-off share: they
    suffer as if cut off (attrition after a few turns), so they too should move to better-fed
    ground, by id."""
    out = []
    for u in view.own:
        us = supply.units.get(u.id)
        if us is not None and us.channel and us.share < CUT_OFF:
            out.append(u)
    return out


def unmet_need(view: SideView, supply: SupplyResult) -> float:
    """Share of the side's supply need (its units on the map) that its channels and its
    villages' stores leave unmet this turn: 0 when every unit is fed, 1 when none gets
    anything. A side knows its own units' supply, so this is no peek behind the fog."""
    demand = short = 0.0
    for u in view.own:
        us = supply.units.get(u.id)
        if us is None or us.demand <= 0:
            continue
        demand += us.demand
        short += max(0.0, us.demand - us.delivered - us.stores)
    return short / demand if demand > 0 else 0.0


def distance_to_supply(view: SideView, supply: SupplyResult) -> np.ndarray:
    """Per hex: hexes to the nearest hex the side's supply reaches (a breadth-first count over
    passable ground, ignoring who holds it): the way home for a cut-off unit."""
    return distance_to(view, np.isfinite(supply.cost))


def distance_to(view: SideView, reached: np.ndarray) -> np.ndarray:
    """Per hex: hexes to the nearest hex of the bool mask `reached`, over passable ground."""
    theatre = view.state.theatre
    dist = np.where(reached, 0, np.iinfo(np.int32).max).astype(np.int64)
    passable = theatre.passable()
    nb = theatre.neighbours
    on_map = nb >= 0
    safe = np.where(on_map, nb, 0)
    frontier = reached.copy()
    step = 0
    while frontier.any() and step < 200:
        step += 1
        grown = (frontier[safe] & on_map).any(axis=1) & passable & (dist > step)
        dist[grown] = step
        frontier = grown
    return dist
