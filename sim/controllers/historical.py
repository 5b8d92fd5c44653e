"""The historical plan: a side gives the orders of the offensives that really happened.

Kind "historical". It reads the scenario's `[[operations]]` (who attacked where, when, with
which units) and nothing else; the rules decide every outcome, so an operation that history
records as a success can fail here, and the log says why.

An operation's units act from `ASSEMBLY_DAYS` before its start to its end:

- before the start they assemble: they march towards the operation's `stage` (or its first
  objective) by the shortest way over their own side's ground (`ASSEMBLE_OVER_OWN_GROUND`; to
  an objective the enemy holds, along the terrain's way as far as their ground allows, which
  brings them to the side of it the attack will come from), taking nothing on the way.
  They set out `ASSEMBLY_DAYS` before the start, or earlier if the furthest of them needs
  more turns than that to get there ("Armenians massed a force to take Fuzuli and Jebrail",
  source §Agdam, Fuzuli, Jabrail and Zangilan: a force is gathered before it attacks, not
  fed in as it arrives), though never more than `MAX_ASSEMBLY_DAYS` before;
- from the start they advance on the first objective their side does not hold, along the
  cheapest way over the terrain (taking the empty enemy-held hexes they pass), and every
  unit next to it attacks it, at poor odds too (history says they attacked) though not at
  hopeless ones (`OBJECTIVE_MIN_ODDS`), the units closing up spreading over its sides so the
  attack comes from several directions; once the
  first objective is taken, a unit that finds enemy troops in its way to the next first tries
  to go round them (`BYPASS_BLOCKERS`: another move that brings it nearer the objective, say by
  the hills rather than the road through the plain where they stand), so that the force moves
  on together from one objective to the next rather than part of it fighting for the road
  while the rest goes on alone; a unit that finds enemy troops in its way and cannot go round
  them, or is pinned by their zone of control, attacks them instead, but only at odds of at
  least `BLOCKER_MIN_ODDS`: history names the objective, not the troops met on the way, and a
  column does not storm a position twenty times its strength week after week to get past it
  (it waits where it is instead).
  The units in contact wait while more men are still closing up than are ready to attack,
  unless it is the operation's last turn: the attack goes in with the force history named,
  not piecemeal.
  An objective with no enemy troops in it is simply entered;
- objectives are taken in the order written; once all are held, the units hold them, one
  of them standing in the last objective if it is empty;
- once the operation is over, its units standing in one of its objectives that is not a town
  or city (a village, a pass, a height) keep there a garrison sized to the threat: units go,
  the strongest first, while those left still have `HELD_GARRISON_RATIO` times the enemy's men
  within `holding.THREAT_HEXES` (and at least one unit stays). The units let go fall back to the
  nearest town or city their side holds that they can reach over its ground this turn, to
  stand there as the reserve of that front and be available to the holding rules. A front
  was held by garrisons in the villages and the line with the rest behind, not by a whole
  army left in the last village it took: kept there, the force stands in one hex on the
  only road, no attack on that village can succeed and no town behind it has a garrison.
  Towns and cities keep everything: the holding rules already judge what they need.

A unit named in several operations serves the earliest active one that still has something to
take. Aircraft and helicopters named in an operation support its main attack when in range
(the rules add other air units in range by themselves).

Units in no active operation hold the line (`sim.controllers.holding`), and then clear the
side's working supply roads of enemy troops stranded on them (`sim.controllers.road_clearing`):
a road the side has won but that carries nothing is not a line held sensibly. Every order is checked
with the rules' own legality check before it is handed over; one the rules would refuse is
dropped. The controller keeps no memory: its orders follow from the state it is shown, so a
game continued from a save plays on exactly as it would have, and it draws no random numbers.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from sim.controllers.holding import (
    GARRISON_KINDS,
    TurnPlan,
    attack_ratio,
    distance_to,
    hold_the_line,
    own_ground_distance,
    threat_men,
)
from sim.controllers.road_clearing import clear_supply_roads
from sim.orders import Order
from sim.rules.combat_odds import NO_GAIN_BELOW
from sim.rules.legality import SUPPORT_RANGE_KM, support_distance_km
from sim.rules.reach import movement_points
from sim.scenario.model import Operation
from sim.state import GameState, UnitState

__all__ = [
    "ASSEMBLE_OVER_OWN_GROUND",
    "ASSEMBLY_DAYS",
    "BLOCKER_MIN_ODDS",
    "BYPASS_BLOCKERS",
    "HELD_GARRISON_RATIO",
    "MAX_ASSEMBLY_DAYS",
    "OBJECTIVE_MIN_ODDS",
    "RESERVE_HEXES",
    "WAIT_FOR_CLOSING",
    "HistoricalController",
    "active_operations",
]

ASSEMBLY_DAYS = 10
"""Days before an operation's start in which its units march to their assembly area."""
MAX_ASSEMBLY_DAYS = 35
"""The earliest an operation's units set out for its assembly area, in days before its start
(0 or less: always `ASSEMBLY_DAYS`, whatever the distance)."""

ASSEMBLE_OVER_OWN_GROUND = True
"""Whether units assembling in an area their side holds follow the shortest way over their
side's own ground (True) or the terrain's shortest way as far as their own ground allows,
taking their own ground's only when that leaves them stuck (False). The terrain's way often
runs up to the enemy's edge and stops there: a unit following it walks to that edge, finds no
way on, walks back along its own ground the next turn, and so to and fro, and never reaches
the assembly area. Where the short way is cut (Lachin still Azerbaijani-held) the own-ground
way to Hadrut runs round through Armenia and Kalbajar, weeks of marching: over seeds 1-8 of
the whole war it brought the tank group from Kornidzor to Hadrut in time in one seed, left it
where it was in five and sent it the long way round in two."""

BLOCKER_MIN_ODDS = 0.5
"""Least odds (attacker's power over defender's, after every modifier) at which units attack
enemy troops that stand in their way but are not the operation's objective. Below about 0.5:1
the rules all but guarantee a repulse with the attackers' heavier losses (tests pin the
curve), so the attack would only wear the force down before it reaches the objective.
0 turns the check off (every blocker is attacked, whatever the odds)."""

OBJECTIVE_MIN_ODDS = NO_GAIN_BELOW
"""Least odds at which an operation's units attack its objective: 1:3, under which the rules
give no chance of taking a hex (`sim.rules.combat_odds.NO_GAIN_BELOW`). History says they
attacked, and they do at poor odds ("ineffective human wave attacks", source §1993–1994,
exhaustion and peace), but below it the attackers would lose men every week for nothing; such
an offensive "soon petered out" (the same section): the units wait where they are. Over seeds
1-120 of the whole war (`benchmarks/history_fidelity.py`) a floor at 0.25:1 cut the wars
ending in an Azerbaijani collapse after the winter offensives of 1994 from 9 to 3; at 1:3 one
is left. 0 turns the check off (the objective is attacked whatever the odds)."""

BYPASS_BLOCKERS = True
"""Whether, once an operation has taken its first objective, a unit that finds enemy troops in
its way to the next (not in the objective) first tries to get nearer the objective by another
way, attacking them only if no move brings it nearer (True), or attacks them at once (False).
The shortest way is often the road through the plain where the enemy stands; a column that
can go round by the hills does so rather than fight for the road while the rest of the force
goes on alone. Not before the first objective: there the troops in the way are the front the
attack has to break, and going round them leads into pockets where the attackers are cut off."""

WAIT_FOR_CLOSING = 0.5
"""The units in contact with an operation's objective wait a turn while the men still closing
up number more than this share of theirs (the attack would go in a third or more short of
the force history named). 1: they wait only while most of the force is on its way."""

HELD_GARRISON_RATIO = 1.0
"""Men a finished operation leaves in an objective that is not a town, as a multiple of the
enemy's men within `holding.THREAT_HEXES` of it: as many as threaten it, since the defender of a
village has the ground and the odds rules reward that (tests pin the curve). 0 turns the rule
off (the whole force stays where it ended)."""
RESERVE_HEXES = 8
"""Farthest (in hexes) a town may be for the units a finished operation lets go to fall back
to it as their front's reserve."""


def active_operations(
    state: GameState,
    side: str,
    assembly_days: int = ASSEMBLY_DAYS,
    max_assembly_days: int = MAX_ASSEMBLY_DAYS,
) -> list[tuple[Operation, bool]]:
    """The side's operations that act in the coming turn, by start date, with whether they
    may attack yet (False while the units are still assembling)."""
    first = state.date
    last = first + dt.timedelta(days=state.scenario.turn_days - 1)
    out = []
    for op in sorted(state.scenario.operations, key=lambda o: (o.start, o.id)):
        if op.side != side or op.end < first:
            continue
        if op.start <= last:
            out.append((op, True))
        elif op.start - dt.timedelta(days=assembly_days) <= last:
            out.append((op, False))
        elif op.start - dt.timedelta(days=max_assembly_days) <= last:
            lead = _march_days(state, op, assembly_days, first, last)
            if op.start - dt.timedelta(days=lead) <= last:
                out.append((op, False))
    return out


def _march_days(
    state: GameState, op: Operation, assembly_days: int, first: dt.date, last: dt.date
) -> int:
    """Days the furthest of the operation's free units needs to reach its assembly area over
    its side's ground, in whole turns. Units away in an operation that acts now are not
    waited for; nor are units with no way there over their own side's ground."""
    goal = op.stage if op.stage is not None else _open_objective(state, op)
    target = state.theatre.places[goal].index if goal is not None else None
    if target is None:
        return assembly_days
    busy = {
        uid
        for other in state.scenario.operations
        if other is not op
        and other.side == op.side
        and other.end >= first
        and other.start - dt.timedelta(days=assembly_days) <= last
        for uid in other.units
    }
    dist = own_ground_distance(state, op.side, target)
    days = state.scenario.turn_days
    turns = 0
    for uid in op.units:
        unit = state.units.get(uid)
        if unit is None or not unit.active or unit.index < 0 or unit.is_air or uid in busy:
            continue
        cost = float(dist[unit.index])
        points = movement_points(unit.type, days)
        if math.isfinite(cost) and points > 0:
            turns = max(turns, math.ceil(cost / points))
    return max(assembly_days, turns * days)


class HistoricalController:
    kind = "historical"
    changes_state = False
    """It only reads the state and keeps none of it, so the session shows it the live state
    rather than a copy (a test checks that its orders leave the state's checksum unchanged)."""

    def __init__(self, side: str, assembly_days: int = ASSEMBLY_DAYS) -> None:
        if isinstance(assembly_days, bool) or not isinstance(assembly_days, int):
            raise TypeError("assembly_days must be a whole number of days")
        self.side = side
        self.assembly_days = assembly_days

    def orders(self, state: GameState, rng: np.random.Generator) -> list[Order]:
        if state.over:
            return []
        plan = TurnPlan(state, self.side)
        for assigned, engaged in self._assign(state, plan):
            _Operation(plan, assigned, engaged).orders()
        if HELD_GARRISON_RATIO > 0:
            _stand_down(plan)
        hold_the_line(plan)
        clear_supply_roads(plan)
        return plan.legal_orders()

    def _assign(self, state: GameState, plan: TurnPlan) -> list[tuple[_Assigned, bool]]:
        """Each active operation with the units it commands this turn."""
        taken: set[str] = set()
        out = []
        for op, engaged in active_operations(state, self.side, self.assembly_days):
            done = _open_objective(state, op) is None
            units = []
            for uid in op.units:
                unit = state.units.get(uid)
                if unit is None or not unit.active or unit.index < 0 or uid in taken:
                    continue
                if done and _serves_later(state, op, uid, self.side, self.assembly_days):
                    continue
                units.append(unit)
                taken.add(uid)
            out.append((_Assigned(op, units), engaged))
        return out

    def __repr__(self) -> str:
        return f"HistoricalController({self.side!r})"


class _Assigned:
    __slots__ = ("op", "units")

    def __init__(self, op: Operation, units: list[UnitState]) -> None:
        self.op = op
        self.units = units


def _open_objective(state: GameState, op: Operation) -> str | None:
    """The first objective the operation's side does not hold yet, or None."""
    for place in op.objectives:
        if state.holder_of(place) != op.side and state.theatre.places[place].index is not None:
            return place
    return None


def _serves_later(
    state: GameState, done: Operation, unit_id: str, side: str, assembly_days: int
) -> bool:
    """Whether a unit of a finished operation is wanted by another active one."""
    return any(
        op is not done and unit_id in op.units and _open_objective(state, op) is not None
        for op, _ in active_operations(state, side, assembly_days)
    )


class _Operation:
    """One operation's orders for one turn."""

    def __init__(self, plan: TurnPlan, assigned: _Assigned, engaged: bool) -> None:
        self.plan = plan
        self.op = assigned.op
        self.units = assigned.units
        self.engaged = engaged
        self.state = plan.state
        self.target = -1

    def orders(self) -> None:
        plan = self.plan
        theatre = self.state.theatre
        objective = _open_objective(self.state, self.op)
        if objective is None:
            self._hold_objective()
            return
        goal = objective
        if not self.engaged and self.op.stage is not None:
            goal = self.op.stage
        target = theatre.places[goal].index
        assert target is not None
        self.target = target
        dist = distance_to(theatre, plan.season, target)
        # While assembling, a unit takes the shortest way over its side's own ground; the
        # shortest way over the terrain may lead into country the enemy holds, which an
        # assembling unit may not enter, and following it up to the enemy's edge and back
        # costs the march whole turns (the module docstring). Only a unit with no way there
        # over its own ground follows the terrain.
        march = None if self.engaged else own_ground_distance(self.state, plan.side, target)
        ground = [u for u in self.units if not u.is_air]
        attacks: dict[int, list[str]] = {}
        movers: list[UnitState] = []
        for unit in ground:
            if unit.id in plan.busy:
                continue
            hit = self._attack_target(unit, target, dist) if self.engaged else None
            if hit is not None and hit != target and self._moving_on():
                hit = None  # tries to get past first; attacks them only if it cannot
            if hit is not None:
                attacks.setdefault(hit, []).append(unit.id)
            else:
                movers.append(unit)
        # The movers go in order of how far they have to go, the nearest first; one that
        # cannot get nearer (enemy zones of control pin it) attacks what pins it.
        movers.sort(key=lambda u: (dist[u.index], u.id))
        closing = 0.0
        for unit in movers:
            if any(self._advance(unit, way) for way in self._ways(unit, dist, march)):
                closing += unit.men
                continue
            if self.engaged:
                pinned = self._pinning(unit, dist)
                if pinned is not None:
                    attacks.setdefault(pinned, []).append(unit.id)
                    continue
            plan.busy.add(unit.id)
        attacks = self._worth_attacking(attacks, target)
        if not attacks:
            return
        ready = sum(self.state.units[uid].men for ids in attacks.values() for uid in ids)
        if closing > WAIT_FOR_CLOSING * ready and not self._last_turn():
            # Much of the force is still on its way: those in contact wait for it.
            for ids in attacks.values():
                plan.busy.update(ids)
            return
        main = target if target in attacks else max(attacks, key=lambda h: (len(attacks[h]), -h))
        for hex_index in sorted(attacks, key=lambda h: (h != main, h)):
            units = list(attacks[hex_index])
            if hex_index == main:
                units += self._air_support(main)
            plan.attack(hex_index, units)

    def _moving_on(self) -> bool:
        """Whether the operation has taken an objective and moves on to the next, its units
        going round troops in their way (`BYPASS_BLOCKERS`)."""
        if not BYPASS_BLOCKERS:
            return False
        held = [self.state.holder_of(p) == self.op.side for p in self.op.objectives]
        return bool(held) and held[0]

    def _ways(
        self, unit: UnitState, dist: np.ndarray, march: np.ndarray | None
    ) -> list[np.ndarray]:
        """The distance fields the unit follows this turn, in order of preference: while
        assembling in an area its side holds (the stage), the way over its side's own ground if
        it has one (with `ASSEMBLE_OVER_OWN_GROUND`); else the terrain's, then its own
        ground's (towards an enemy-held objective the terrain's way leads to the side of it the
        attack will come from)."""
        own_way = march is not None and math.isfinite(march[unit.index])
        held = self.state.control[self.target] == self.plan.own_code
        if own_way and held and ASSEMBLE_OVER_OWN_GROUND:
            return [march]
        return [dist, march] if own_way else [dist]

    def _worth_attacking(self, attacks: dict[int, list[str]], target: int) -> dict[int, list[str]]:
        """The attacks to make: on the objective at `OBJECTIVE_MIN_ODDS` or better, on troops in
        the way at `BLOCKER_MIN_ODDS` or better (the units of a dropped attack wait where they
        are)."""
        plan = self.plan
        kept: dict[int, list[str]] = {}
        for hex_index, ids in attacks.items():
            floor = BLOCKER_MIN_ODDS if hex_index != target else OBJECTIVE_MIN_ODDS
            if floor > 0:
                ratio = attack_ratio(plan, hex_index, ids)
                if ratio is None or ratio < floor:
                    plan.busy.update(ids)
                    continue
            kept[hex_index] = ids
        return kept

    def _last_turn(self) -> bool:
        """Whether the operation ends before the next turn begins."""
        days = self.state.scenario.turn_days
        return self.op.end < self.state.date + dt.timedelta(days=days)

    def _attack_target(self, unit: UnitState, target: int, dist: np.ndarray) -> int | None:
        """The enemy-held hex next to the unit it should attack: the objective, else enemy
        troops nearer the objective than the unit is (in its way), the nearest first."""
        plan = self.plan
        around = plan.neighbours(unit.index)
        if target in around and plan.enemy_at(target):
            return target
        if target in around:
            return None  # empty: walk in
        blocking = [j for j in around if plan.enemy_at(j) and dist[j] < dist[unit.index]]
        if not blocking:
            return None
        return min(blocking, key=lambda j: (dist[j], j))

    def _advance(self, unit: UnitState, dist: np.ndarray) -> bool:
        """Move towards the target as far as this turn allows; False if no move brings the
        unit nearer. While assembling only over the side's own ground; once the operation has
        begun across enemy-held ground too (taking the empty hexes it passes), though of two
        moves that get as near, the one over own ground."""
        plan = self.plan
        own = plan.destinations(unit, own_ground=True)
        options = own if not self.engaged else plan.destinations(unit, own_ground=False)
        options = {i: c for i, c in options.items() if plan.positions.has_room(unit, i)}
        if not options:
            return False
        around = set(plan.neighbours(self.target)) if self.engaged else set()
        ready = [i for i in options if i in around]
        if ready and unit.index not in around:
            # Closing up to the objective: spread over its sides, for a concentric attack.
            best = min(ready, key=lambda i: (plan.own_units_at(i), dist[i], options[i], i))
            plan.move(unit, best)
            return True
        best = min(options, key=lambda i: (dist[i], i not in own, options[i], i))
        if dist[best] < dist[unit.index]:
            plan.move(unit, best)
            return True
        return False

    def _pinning(self, unit: UnitState, dist: np.ndarray) -> int | None:
        """The adjacent enemy troops nearest the target: what keeps the unit from it."""
        plan = self.plan
        enemies = [j for j in plan.neighbours(unit.index) if plan.enemy_at(j)]
        return min(enemies, key=lambda j: (dist[j], j)) if enemies else None

    def _air_support(self, target: int) -> list[str]:
        theatre = self.state.theatre
        out = []
        for unit in self.units:
            if not unit.is_air or unit.id in self.plan.busy:
                continue
            limit = SUPPORT_RANGE_KM.get(unit.type, 0.0)
            if support_distance_km(theatre, unit.index, target) <= limit:
                out.append(unit.id)
        return out

    def _hold_objective(self) -> None:
        """All objectives held: stay, with one unit in the last objective if it is empty."""
        plan = self.plan
        last = self.state.theatre.places[self.op.objectives[-1]].index
        ground = [u for u in self.units if not u.is_air and u.id not in plan.busy]
        if last is not None and not plan.own_units_at(last):
            dist = distance_to(self.state.theatre, plan.season, last)
            for unit in sorted(ground, key=lambda u: (dist[u.index], u.id)):
                options = plan.destinations(unit, own_ground=True)
                if last in options and plan.positions.has_room(unit, last):
                    plan.move(unit, last)
                    break
        for unit in self.units:
            plan.busy.add(unit.id)


# --- after an operation -------------------------------------------------------------------------


def _stand_down(plan: TurnPlan) -> None:
    """Thin out the stacks finished operations left in their objectives (module docstring)."""
    state = plan.state
    theatre = state.theatre
    seen: set[int] = set()
    ended = sorted(
        (op for op in state.scenario.operations if op.side == plan.side and op.end < state.date),
        key=lambda o: (o.start, o.id),
    )
    for op in ended:
        for place in op.objectives:
            index = theatre.places[place].index
            if index is None or index in seen or state.control[index] != plan.own_code:
                continue
            seen.add(index)
            if theatre.places[place].kind in GARRISON_KINDS:
                continue
            named = {uid for o in ended for uid in o.units if place in o.objectives}
            _release_surplus(plan, index, named)


def _release_surplus(plan: TurnPlan, index: int, named: set[str]) -> None:
    """Send the units of `named` in hex `index` beyond the garrison it needs to the reserve."""
    need = HELD_GARRISON_RATIO * threat_men(plan, index)
    here = sorted(
        (
            u
            for u in plan.ground_units()
            if u.index == index and u.id in named and u.id not in plan.busy
        ),
        key=lambda u: (-u.men, u.id),
    )
    for unit in here:
        if plan.own_units_at(index) <= 1:
            return
        if plan.positions.men[plan.side].get(index, 0.0) - unit.men < need:
            continue
        town = _reserve_town(plan, unit)
        if town is not None:
            plan.move(unit, town)


def _reserve_town(plan: TurnPlan, unit: UnitState) -> int | None:
    """The nearest town or city of the side (by movement cost) that the unit can reach this
    turn over the side's own ground and stack in, with no enemy in it; None if there is none."""
    state = plan.state
    theatre = state.theatre
    here = theatre.hex_of(unit.index)
    towns = sorted(
        {
            p.index
            for p in theatre.places.values()
            if p.index is not None
            and p.index != unit.index
            and p.kind in GARRISON_KINDS
            and state.control[p.index] == plan.own_code
            and here.distance(theatre.hex_of(p.index)) <= RESERVE_HEXES
        }
    )
    options = plan.destinations(unit, own_ground=True)
    reachable = [
        t
        for t in towns
        if t in options and not plan.enemy_at(t) and plan.positions.has_room(unit, t)
    ]
    return min(reachable, key=lambda t: (options[t], t), default=None)
