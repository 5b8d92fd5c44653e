"""The operational plan of one side for one turn: who attacks, who holds, who moves where.

`plan_turn(state, side, doctrine, rng)` works through the side's units in a fixed order of
concerns, each taking the units it needs from those still free:

1. cut off: a unit its own supply trace no longer reaches pulls back toward supply (the
   nearest hex the trace reaches, else the hex fewest steps from it); a cut-off garrison of a
   key place holds it instead, and its besiegers become targets for relief;
2. garrisons: one unit (the strongest) stays in every key place the side holds near the
   enemy (a town, a pass) and in every city, supply entry and place a victory condition
   names;
3. defence: a key place with more visible enemy power near it than the doctrine's share of
   its defenders, or whose garrison the enemy next to it would take with more than the
   doctrine's `hold_risk` (the rules' odds turned round, `sim.ai.danger`), gets every unit in
   it held and reinforcements from the nearest free units; a victory place also keeps a
   garrison sized against the enemy gathering within `AIM_WATCH` hexes;
4. attacks: every visible enemy hex next to free units, valued by what taking it is worth
   (aims, towns, enemy supply roads, relief of cut-off units, places lost last turn, the
   ground the side fights well on) and ranked by value times the rules' chance of taking it.
   An attack is ordered only if that chance reaches the doctrine's threshold (higher in
   winter and when national morale is low) and the power ratio is not hopeless; each unit
   joins one attack; air units are listed where they tip the odds (all of them, for the
   Azerbaijani doctrine);
4b. pulling back: units in an ordinary position the enemy next to it would take with more
   than the doctrine's `exposed_risk` step back out of contact onto strong, fed ground;
4c. sieges: enemy-held key places too strong to attack today but within reach of the free
   units near them get those units gathered round them (and their supply roads raided first);
4d. starving: units a channel reaches but starves (an overloaded airlift, a road cut behind
   them) that no concern above has kept move to better-fed ground, the weakest staying to hold
   a key place nobody else holds. This comes after the defence and the sieges, not before: a
   garrison wears down over weeks of hunger, but an assault takes an emptied city in a day, and
   a cut road is reopened by the units standing next to what blocks it;
5. undefended places: free units move into enemy-held places in sight that no enemy unit
   holds, and
   step into empty enemy ground of a district the side must hold;
6. raids: a few free units go to stand on or beside enemy supply roads, which cuts them;
7. the rest: a reserve stays back near the side's own aims; other units out of contact move
   toward the front where the best targets are (massing where the odds are good), toward
   cut-off units to relieve them, or toward enemy-held aims; units in contact hold and dig
   in.

Throughout, hexes a political limit of the scenario keeps the side out of (`[[limits]]`,
e.g. Armenia proper for the Azerbaijani side) are neither attacked, nor moved into, nor
counted as goals: what the historical leadership would not do, the AI does not either.

Finally level-1 blunders and, for a doctrine with `turmoil`, orders lost to political
turmoil are drawn from the controller's generator, and every order is checked with
`sim.rules.legality.check_orders` against the position as the rules see it: only legal
orders are given. Chance comes only from the generator handed in (jitter between equally
good choices, blunders, turmoil), so the plan is a function of the state, the side, the
level and that generator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from sim.ai.danger import UNSEEN_SUPPORT, Danger, danger_at, ratio_for, success_at
from sim.ai.doctrine import Doctrine, turmoil
from sim.ai.evaluate import (
    AttackEstimate,
    Distances,
    cut_off_units,
    distance_to,
    distance_to_supply,
    estimate_attack,
    fed_hexes,
    own_supply,
    starving_units,
    strength,
    threat_at,
    unmet_need,
)
from sim.ai.objectives import ENEMY_AIM, OWN_AIM, Objectives, objectives_for, route_values
from sim.ai.view import SideView, side_view
from sim.orders import Attack, Move, Order
from sim.rules.combat_inputs import RULES
from sim.rules.combat_odds import modified_powers
from sim.rules.legality import SUPPORT_RANGE_KM, check_orders, support_distance_km
from sim.rules.reach import Positions, Search, search
from sim.rules.supply import CUT_OFF
from sim.rules.terrain import step_costs
from sim.sides import SIDE_CODES, other_side
from sim.state import GameState, UnitState
from sim.theatre import Theatre

KEY_PLACE = 3.0
"""Objective weight from which a place keeps a garrison (towns, passes, aims)."""
GARRISON_RADIUS = 3
"""A key place keeps a garrison when visible enemy units stand this near (victory places
always keep one); places further behind the front are left to the reserves."""
ALWAYS_GARRISON = 5.0
"""Places worth this much (cities, supply entries, aims) keep a garrison wherever the enemy is."""
HOLD_CUT_OFF = ENEMY_AIM
"""A cut-off unit in a place worth this much (a victory place, the capital) holds it rather
than pulling back; in an ordinary town it breaks out while it still can: a pocket starves,
and men lost to hunger and surrender weigh on national morale far more than a town given up."""
AIM_WATCH = 3
"""Hexes within which visible enemy units count as a threat to a victory place (a turn's
march on the roads; other places watch two hexes)."""
AIM_PREMIUM = 1.5
"""A victory place wants this much more defence for the same threat."""
RELIEF = 3.0
"""Value added to an attack that frees a cut-off unit or to a move toward one."""
RETAKE = 3.0
"""Value added to an attack on a place the enemy took last turn."""
REINFORCE_RADIUS = {1: 5, 2: 7, 3: 9}
"""How far (hexes) the AI looks for reinforcements for a threatened place."""
SIEGE_RADIUS = 6
"""Hexes from an enemy-held key place within which free units count toward a siege of it."""
SIEGE = 4.0
"""Value added to the ground round a place under siege, to draw units to it."""
SIEGE_ROUTE = 2.0
"""Cutting an enemy supply road within `SIEGE_ROAD` hexes of a besieged place is worth this
many times more: a garrison cut off fights at half strength."""
SIEGE_ROAD = 4
SIEGE_UNITS = 6
"""Most free units a turn sent to one siege."""
SIEGE_SPREAD = 0.85
"""Each unit already sent to the ground round a siege lowers its pull on the next this much
(0.6 elsewhere): a siege wants many units, an ordinary front hex a few."""
HUNGER_FULL = 0.2
"""Share of the side's supply need left unmet at which it fights for its own supply road with
all its doctrine's `open_supply` (with less hunger, proportionally less)."""
OPEN_ROUTE = 6.0
"""Value added, at full hunger, to an attack on, a siege of or a move into an enemy-held hex
of the side's own supply line: the road that would feed its starving units."""
HUNGRY_REACH = 3
"""Hexes a hungry side looks beyond `SIEGE_RADIUS` for units to besiege the place blocking
its supply road, and how many times `SIEGE_UNITS` it sends at most (the whole enclave's
strength, not the few units near by)."""
JITTER = 0.1
"""Relative noise on scores, so equally good choices vary from game to game."""
MAX_GOALS = 40


@dataclass(slots=True)
class TurnPlan:
    """The orders of one side for one turn, and why each unit does what it does."""

    orders: list[Order] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    """Unit id -> what it was told to do and why (for tests and the curious)."""
    dropped: list[tuple[Order, str]] = field(default_factory=list)
    """Orders not given: (order, why) — blunders, turmoil, or refused by the rules."""


@lru_cache(maxsize=8)
def _distances(theatre: Theatre) -> Distances:
    return Distances(theatre.q, theatre.r)


@lru_cache(maxsize=8)
def _neighbour_lists(theatre: Theatre) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(j for j in row if j >= 0) for row in theatre.neighbours.tolist())


def plan_turn(
    state: GameState, side: str, doctrine: Doctrine, rng: np.random.Generator
) -> TurnPlan:
    """The side's orders for the turn starting on `state.date` (the state is not changed)."""
    return _Planner(state, side, doctrine, rng).run()


class _Planner:
    def __init__(
        self, state: GameState, side: str, doctrine: Doctrine, rng: np.random.Generator
    ) -> None:
        self.truth = state
        self.side = side
        self.enemy = other_side(side)
        self.doctrine = doctrine
        self.rng = rng
        self.view: SideView = side_view(state, side, doctrine.local_sight)
        self.theatre = state.theatre
        self.code = SIDE_CODES[side]
        self.enemy_code = SIDE_CODES[self.enemy]
        self.control = state.control
        self.objectives: Objectives = objectives_for(state, side)
        self.distance = _distances(self.theatre)
        self.nb = _neighbour_lists(self.theatre)
        self.steps = step_costs(self.theatre, self.view.season)
        self.terrain = self.theatre.terrain.tolist()
        self.free: dict[str, UnitState] = {u.id: u for u in self.view.own}
        self.at: dict[int, list[UnitState]] = {}
        for u in self.view.own:
            self.at.setdefault(u.index, []).append(u)
        self.enemy_at: dict[int, list[UnitState]] = {}
        for e in self.view.enemies:
            self.enemy_at.setdefault(e.index, []).append(e)
        self.plan = TurnPlan()
        self.searches = 0
        self.enemy_routes = route_values(state, self.objectives, self.enemy)
        self.own_routes = route_values(state, self.objectives, side)
        self.relief: dict[int, float] = {}
        self.relief_goals: dict[int, float] = {}
        self.staging: dict[int, float] = {}
        self.retake = {
            self.theatre.places[pid].index
            for pid, lost_by, taken_by in state.last_captures
            if lost_by == side and taken_by == self.enemy
        }
        caution = doctrine.winter_caution if self.view.season == "winter" else 0.0
        if state.national_morale.get(side, 1.0) < 0.7:
            caution += doctrine.low_morale_caution
        self.threshold = doctrine.attack_threshold + caution
        self.air_used: set[str] = set()
        self.dangers: dict[int, Danger | None] = {}
        self.siege: dict[int, float] = {}
        self.supply = None
        self.fed = np.ones(self.theatre.n, dtype=bool)
        self.well_fed = self.fed
        self.hunger = 0.0
        """0-1: how hard the side's supply shortage drives it to open its own supply road."""
        self.barred = self.objectives.barred

    # --- the turn ---------------------------------------------------------------------------

    def run(self) -> TurnPlan:
        self._cut_off()
        self._garrisons()
        self._defend()
        self._attack()
        self._pull_back()
        self._sieges()
        self._starving()
        if self.doctrine.raid_first:
            self._raid()
            self._take_undefended()
        else:
            self._take_undefended()
            self._raid()
        self._advance()
        self._friction()
        self._legal()
        return self.plan

    # --- helpers ----------------------------------------------------------------------------

    def _hold(self, unit: UnitState, why: str) -> None:
        self.free.pop(unit.id, None)
        self.plan.reasons[unit.id] = why

    def _move(self, unit: UnitState, dest: int, why: str) -> None:
        self.free.pop(unit.id, None)
        self.plan.orders.append(Move(unit.id, self.theatre.hex_of(dest)))
        self.plan.reasons[unit.id] = why
        pos: Positions = self.view.positions
        pos.remove(unit, unit.index)
        pos.add(unit, dest)
        self.at[unit.index].remove(unit)
        self.at.setdefault(dest, []).append(unit)

    def _search(self, unit: UnitState) -> Search | None:
        if self.searches >= self.doctrine.search_budget:
            return None
        self.searches += 1
        found = search(self.view.state, unit, self.view.season, self.view.positions)
        if not self.barred or not (self.barred & found.cost.keys()):
            return found
        return replace(found, full=found.full | self._barred_ways(found))

    def _barred_ways(self, found: Search) -> frozenset[int]:
        """Hexes of a search that lie in barred ground or are reached through it: moving
        through a hex takes it as surely as stopping there."""
        tainted: dict[int, bool] = {found.origin: False}

        def through(i: int) -> bool:
            chain = []
            while i not in tainted:
                chain.append(i)
                i = found.previous[i]
            bad = tainted[i]
            for j in reversed(chain):
                bad = bad or j in self.barred
                tainted[j] = bad
            return tainted[chain[0]] if chain else bad

        return frozenset(i for i in found.cost if through(i))

    def _enemy_within(self, index: int, radius: int) -> bool:
        return any(self.distance(e.index, index) <= radius for e in self.view.enemies)

    def _in_contact(self, index: int) -> bool:
        return any(j in self.enemy_at for j in self.nb[index])

    def _enemy_power_next_to(self, index: int) -> float:
        return sum(strength(e) for j in self.nb[index] for e in self.enemy_at.get(j, ()))

    def _name(self, index: int) -> str:
        pid = self.objectives.names.get(index)
        if pid:
            return self.theatre.places[pid].name
        return str(self.theatre.hex_of(index).as_list())

    def _jitter(self) -> float:
        return 1.0 + JITTER * float(self.rng.random())

    def _can_step(self, a: int, b: int) -> bool:
        for d, j in enumerate(self.theatre.neighbours[a].tolist()):
            if j == b:
                return math.isfinite(float(self.steps[a, d]))
        return False

    # --- 1. cut-off units -------------------------------------------------------------------

    def _cut_off(self) -> None:
        supply = own_supply(self.view)
        self.supply = supply
        # An empty hex next to the enemy is in its zone of control and so out of the supply
        # trace until a unit stands there: count a hex fed when it or a neighbour is.
        self.fed = _grow(self.theatre, fed_hexes(supply, CUT_OFF), 1)
        if self.doctrine.open_supply > 0:
            self.hunger = min(1.0, unmet_need(self.view, supply) / HUNGER_FULL)
            self.well_fed = _grow(self.theatre, fed_hexes(supply), 1)
        cut = cut_off_units(self.view, supply)
        if not cut:
            return
        steps_home: np.ndarray | None = None
        for u in cut:
            if self.doctrine.relief:
                for e in self.view.enemies:
                    if self.distance(e.index, u.index) <= 2:
                        self.relief[e.index] = RELIEF
                self.relief_goals[u.index] = RELIEF + self.objectives.weight(u.index)
            if self.objectives.weight(u.index) >= HOLD_CUT_OFF:
                self._hold(u, f"holds {self._name(u.index)} though cut off, awaiting relief")
                continue
            if u.turns_cut + 1 < self.doctrine.withdraw_after:
                continue
            found = self._search(u)
            if found is None:
                continue
            dests = [i for i in found.destinations() if i != u.index]
            if not dests:
                continue
            cost = supply.cost
            reached = [i for i in dests if math.isfinite(float(cost[i]))]
            if reached:
                best = min(reached, key=lambda i: (float(cost[i]), found.cost[i], i))
            else:
                if steps_home is None:
                    steps_home = distance_to_supply(self.view, supply)
                home = steps_home
                best = min(dests, key=lambda i: (int(home[i]), found.cost[i], i))
                if home[best] >= home[u.index]:
                    continue
            self._move(u, best, "cut off: pulls back toward supply")

    # --- 4d. units starving on an overloaded channel --------------------------------------

    def _starving(self) -> None:
        """Units still free that a channel feeds below the cut-off share move to better-fed
        ground; a key place none of the concerns before has kept keeps its weakest one."""
        if not self.doctrine.relief or self.supply is None:
            return
        supply = self.supply
        starving = [u for u in starving_units(self.view, supply) if u.id in self.free]
        fed_home: np.ndarray | None = None
        keepers = {}  # the weakest starving unit keeps a key place: the fewest mouths to feed
        for u in starving:
            held = any(v.id not in self.free for v in self.at.get(u.index, ()))
            if self.objectives.weight(u.index) >= HOLD_CUT_OFF and not held:
                best = keepers.get(u.index)
                if best is None or (strength(u), u.id) < (strength(best), best.id):
                    keepers[u.index] = u
        for u in starving:
            if u.id not in self.free:
                continue
            if keepers.get(u.index) is u:
                self._hold(u, f"holds {self._name(u.index)} though short of supply")
                continue
            found = self._search(u)
            if found is None:
                continue
            if fed_home is None:
                fed_home = distance_to(self.view, fed_hexes(supply))
            home = fed_home
            dests = [i for i in found.destinations() if i != u.index]
            if not dests:
                continue
            best = min(dests, key=lambda i: (int(home[i]), found.cost[i], i))
            if home[best] >= home[u.index]:
                continue
            self._move(u, best, "starving on an overloaded channel: moves to better-fed ground")

    # --- 2. garrisons -----------------------------------------------------------------------

    def _garrisons(self) -> None:
        aims = self.objectives.own_aims | self.objectives.enemy_aims
        for index in sorted(self.objectives.place):
            if self.objectives.place[index] < KEY_PLACE or self.control[index] != self.code:
                continue
            weight = self.objectives.place[index]
            if (
                index not in aims
                and weight < ALWAYS_GARRISON
                and not self._enemy_within(index, GARRISON_RADIUS)
            ):
                continue
            here = [u for u in self.at.get(index, ()) if u.id in self.free]
            if not here:
                continue
            keeper = max(here, key=lambda u: (strength(u), u.id))
            self._hold(keeper, f"garrisons {self._name(index)}")

    # --- 3. defence -------------------------------------------------------------------------

    def _defend(self) -> None:
        obj = self.objectives
        radius = REINFORCE_RADIUS[self.doctrine.level]
        places = sorted(
            (i for i, w in obj.place.items() if w >= 1.0 and self.control[i] == self.code),
            key=lambda i: (-obj.place[i], i),
        )
        aims = obj.own_aims | obj.enemy_aims
        for index in places:
            aim = index in aims
            threat = threat_at(self.view, index, self.distance, AIM_WATCH if aim else 2)
            if threat <= 0.0:
                continue
            want = threat * self.doctrine.defence_ratio * (AIM_PREMIUM if aim else 1.0)
            here = sorted(self.at.get(index, ()), key=lambda u: (u.id in self.free, u.id))
            defence = 0.5 * sum(strength(u) for j in self.nb[index] for u in self.at.get(j, ()))
            # What the rules' odds ask of the garrison itself against the enemy next to it.
            inside = 0.0
            danger = self._danger(index) if obj.place[index] >= KEY_PLACE else None
            if danger is not None:
                inside = danger.strength_for(self.doctrine.hold_risk)
            elif aim:
                inside = self._garrison_wanted(index, threat)
            for u in here:
                if defence >= want and inside <= 0.0:
                    break
                defence += strength(u)
                if u.id in self.free:
                    self._hold(u, f"defends {self._name(index)}")
            if defence >= want and inside <= 0.0:
                continue
            near = sorted(
                (self.distance(u.index, index), u.id, u)
                for u in self.free.values()
                if not self._in_contact(u.index)
            )
            sent = 0
            for d, _, u in near:
                if d > radius or sent >= (6 if aim else 4) or (defence >= want and inside <= 0.0):
                    break
                found = self._search(u)
                if found is None:
                    break
                dest = self._defence_spot(found, index)
                if dest is None or (defence >= want and dest != index):
                    continue
                if self._starves_there(u, dest):
                    continue
                self._move(u, dest, f"reinforces threatened {self._name(index)}")
                defence += strength(u) * (1.0 if dest == index else 0.5)
                if dest == index:
                    inside -= strength(u)
                sent += 1

    def _garrison_wanted(self, index: int, threat: float) -> float:
        """Strength a victory place still needs inside it before the enemy gathering near it
        (not yet next to it) arrives: enough that the rules' odds would give an attack by all
        of it no more than the doctrine's `hold_risk`, on the place's own ground."""
        kind = self.theatre.places[self.objectives.names[index]].kind
        ground = min(
            RULES.ground_cap,
            RULES.terrain_factor(self.theatre.terrain_names[self.terrain[index]])
            * RULES.settlement_factor(kind),
        )
        need = threat * UNSEEN_SUPPORT / (ratio_for(self.doctrine.hold_risk) * ground)
        return max(0.0, need - sum(strength(u) for u in self.at.get(index, ())))

    def _danger(self, index: int) -> Danger | None:
        """This turn's danger to our hex `index` from the visible enemy next to it."""
        if index in self.dangers:
            return self.dangers[index]
        attackers = [e.id for j in self.nb[index] for e in self.enemy_at.get(j, ())]
        found = danger_at(self.view, index, attackers) if attackers else None
        self.dangers[index] = found
        return found

    def _starves_there(self, unit: UnitState, dest: int) -> bool:
        """Whether moving `unit` to `dest` takes it from ground its supply feeds onto ground
        no supply reaches (or, for a side whose doctrine weighs its supply, onto ground fed
        too thinly to keep more men): there it would only add to the hungry mouths. Moves to
        besiege what blocks the side's own supply road are exempt (`_advance`)."""
        if self.fed[unit.index] and not self.fed[dest]:
            return True
        return bool(self.well_fed[unit.index] and not self.well_fed[dest])

    def _defence_spot(self, found: Search, index: int) -> int | None:
        if found.can_end_in(index):
            return index
        spots = [
            j for j in self.nb[index]
            if self.control[j] == self.code and found.can_end_in(j) and j != found.origin
        ]
        if not spots:
            return None
        return min(spots, key=lambda j: (found.cost[j], j))

    # --- 4. attacks -------------------------------------------------------------------------

    def _attack_value(self, target: int) -> float:
        value = 1.0 + self.objectives.weight(target)
        value += self.enemy_routes.get(target, 0.0) * self.doctrine.raid_weight
        value += self.own_routes.get(target, 0.0)
        if self._opens_road(target):
            value += OPEN_ROUTE * self.hunger
        value += self.relief.get(target, 0.0)
        if target in self.retake:
            value += RETAKE
        terrain = self.theatre.terrain_names[self.terrain[target]]
        value += dict(self.doctrine.terrain_bonus).get(terrain, 0.0)
        return value

    def _attack_threshold(self, target: int) -> float:
        threshold = self.threshold - self._road_bonus(target)
        if self.doctrine.level >= 3 and self.objectives.weight(target) >= OWN_AIM:
            threshold -= 0.05
        return threshold

    def _opens_road(self, target: int) -> bool:
        """Whether taking `target` opens (part of) the side's own supply road while it
        starves: an enemy-held hex of one of its supply lines' routes."""
        return (
            self.hunger > 0.0
            and target in self.own_routes
            and self.control[target] == self.enemy_code
        )

    def _road_bonus(self, target: int) -> float:
        """How much thinner the odds the side accepts for taking `target`: a starving side's
        commander risks an attack on what blocks its road that he would not risk elsewhere."""
        if not self._opens_road(target):
            return 0.0
        return self.doctrine.open_supply * self.hunger

    def _attackers(self, target: int) -> list[str]:
        return [
            u.id
            for j in self.nb[target]
            for u in self.at.get(j, ())
            if u.id in self.free
            and u.morale >= self.doctrine.min_unit_morale
            and self._can_step(j, target)
        ]

    def _air_in_range(self, target: int) -> list[str]:
        return [
            a.id
            for a in self.view.air
            if a.id not in self.air_used
            and support_distance_km(self.theatre, a.index, target)
            <= SUPPORT_RANGE_KM.get(a.type, 0.0)
        ]

    def _attack(self) -> None:
        all_air = [a.id for a in self.view.air]
        ranked: list[tuple[float, int, float]] = []
        first: dict[int, tuple[list[str], AttackEstimate]] = {}
        for target in sorted(self.enemy_at):
            if target in self.barred:
                continue
            units = sorted(self._attackers(target))
            if not units:
                continue
            est = estimate_attack(self.view, target, units, air_taken=all_air)
            if est is None:
                continue
            first[target] = (units, est)
            value = self._attack_value(target)
            ranked.append((-value * est.success * self._jitter(), target, value))
        ranked.sort()
        for _, target, value in ranked:
            units = sorted(self._attackers(target))
            if not units:
                continue
            # The state does not change while a turn is planned: the same attackers give the
            # same odds, so only targets whose attackers earlier orders took are weighed again.
            known_units, est = first[target]
            if units != known_units:
                est = estimate_attack(self.view, target, units, air_taken=all_air)
                if est is None:
                    continue
            threshold = self._attack_threshold(target)
            air = self._air_in_range(target)
            if air and (self.doctrine.air_all or est.success < threshold):
                with_air = estimate_attack(
                    self.view, target, units + air, air_taken=self.air_used
                )
                if with_air is not None and with_air.success > est.success:
                    est = with_air
            if self.doctrine.level >= 2:
                est = self._allow_for_reinforcement(est)
            if est.success >= threshold and est.ratio >= self.doctrine.min_ratio:
                self._order_attack(est, value)
            elif est.success >= threshold - self.doctrine.stage_window:
                self.staging[target] = value * (1.0 + est.success)

    def _allow_for_reinforcement(self, est: AttackEstimate) -> AttackEstimate:
        """The odds again with half of the visible enemy strength two hexes from the target
        added to its defenders: moves are simultaneous, and the enemy may well send them in
        before the attack goes in (what took the Stepanakert garrison's numbers from a
        hundred to thousands in a week)."""
        extra = sum(
            strength(e) for e in self.view.enemies if self.distance(e.index, est.target) == 2
        )
        if extra <= 0.0:
            return est
        attack, defence = modified_powers(est.plan.inputs)
        raw = est.plan.inputs.defender.power(est.plan.inputs.weights)
        scale = defence / raw if raw > 0 else 1.0
        ratio = attack / max(defence + 0.5 * extra * scale, 1e-6)
        return replace(est, success=success_at(ratio), ratio=ratio)

    def _order_attack(self, est: AttackEstimate, value: float) -> None:
        ids = est.units + est.air
        self.plan.orders.append(Attack(self.theatre.hex_of(est.target), ids))
        name = self._name(est.target)
        for uid in est.units:
            self.free.pop(uid, None)
            self.plan.reasons[uid] = (
                f"attacks {name} ({est.success:.0%} to take it, ratio {est.ratio:.2f})"
            )
        for uid in est.air:
            self.air_used.add(uid)
            self.plan.reasons[uid] = f"supports the attack on {name}"

    # --- 4b. pulling back from positions about to be overrun -------------------------------

    def _pull_back(self) -> None:
        """Units in an ordinary position the enemy next to it would very likely take (the
        rules' odds, turned round) step back out of contact onto the best ground near by,
        rather than be routed or surrender: men lost weigh on national morale far more than
        a hillside given up. Key places are held and reinforced instead (`_defend`)."""
        if self.doctrine.exposed_risk >= 1.0:
            return
        aims = self.objectives.own_aims | self.objectives.enemy_aims
        hexes = sorted({u.index for u in self.free.values() if self._in_contact(u.index)})
        for index in hexes:
            if index in aims or self.objectives.weight(index) >= KEY_PLACE:
                continue
            danger = self._danger(index)
            if danger is None or danger.success() < self.doctrine.exposed_risk:
                continue
            for u in [u for u in self.at.get(index, ()) if u.id in self.free]:
                found = self._search(u)
                if found is None:
                    return
                spot = self._fallback_spot(found, index)
                if spot is None:
                    self._hold(u, "holds: no safer ground within reach")
                    continue
                self._move(
                    u, spot,
                    f"pulls back from {self._name(index)} "
                    f"(the enemy's odds of taking it {danger.success():.0%})",
                )

    def _fallback_spot(self, found: Search, origin: int) -> int | None:
        """The best own hex within reach out of contact with the enemy: strong ground, near
        where the unit stood, fed by its supply."""
        best, best_score = None, -math.inf
        for i in found.destinations():
            if i == origin or self.control[i] != self.code or self._in_contact(i):
                continue
            if not self.fed[i]:
                continue
            terrain = RULES.terrain_factor(self.theatre.terrain_names[self.terrain[i]])
            score = terrain - 0.25 * self.distance(origin, i) + 0.5 * bool(self.at.get(i))
            if score > best_score or (score == best_score and best is not None and i < best):
                best, best_score = i, score
        return best

    # --- 4c. sieges: gathering strength round a key place ------------------------------------

    def _sieges(self) -> None:
        """Choose the enemy-held key places worth a siege: a garrison too strong to attack
        today, but weak enough that the free units within `SIEGE_RADIUS` could take it with
        the rules' odds once gathered round it. Units move up to its edge over the coming
        turns (`_advance`) and raiders cut its supply roads first (`_raid`); the attack itself
        is ordered by `_attack` once the odds are good.

        A starving side first besieges what blocks its own supply road (`_opens_road`): from
        further off, with more units and at the thinner odds it then accepts."""
        if self.doctrine.sieges <= 0:
            return
        free = [u for u in self.free.values() if u.morale >= self.doctrine.min_unit_morale]
        ranked = []
        candidates = {i for i, w in self.objectives.place.items() if w >= KEY_PLACE}
        if self.hunger > 0.0:
            candidates |= {i for i in self.own_routes if i in self.enemy_at}
        for index in sorted(candidates):
            if self.control[index] != self.enemy_code or index in self.barred:
                continue
            held = self.enemy_at.get(index)
            if not held:
                continue
            road = self._opens_road(index)
            radius = SIEGE_RADIUS + (HUNGRY_REACH if road else 0)
            near = [u for u in free if self.distance(u.index, index) <= radius]
            if not near:
                continue
            power = sum(strength(u) for u in near)
            power += sum(
                strength(u) for j in self.nb[index] for u in self.at.get(j, ())
                if u.id not in self.free
            )
            ground = min(
                RULES.ground_cap,
                RULES.terrain_factor(self.theatre.terrain_names[self.terrain[index]])
                * RULES.settlement_factor("town") * RULES.dug_in_cap,
            )
            defence = sum(strength(e) for e in held) * ground * UNSEEN_SUPPORT
            chance = success_at(power / max(defence, 1e-6))
            if chance < self.threshold - self._road_bonus(index):
                continue
            value = self._attack_value(index)
            ranked.append((not road, -value * chance, index, value))
        ranked.sort()
        for _, _, index, value in ranked[: self.doctrine.sieges]:
            self.siege[index] = value + SIEGE
            if self._opens_road(index):
                self._gather(index, SIEGE_RADIUS + HUNGRY_REACH, SIEGE_UNITS * HUNGRY_REACH)
            else:
                self._gather(index)

    def _gather(self, target: int, radius: int = SIEGE_RADIUS, most: int = SIEGE_UNITS) -> None:
        """Send the free units near a besieged place to the ground round it, nearest first:
        at most `most` of them, from no more than `radius` hexes off."""
        name = self._name(target)
        ring = [
            j for j in self.nb[target]
            if self.control[j] == self.code and j not in self.enemy_at and self.fed[j]
        ]
        if not ring:
            return
        near = sorted(
            (self.distance(u.index, target), u.id, u)
            for u in self.free.values()
            if u.morale >= self.doctrine.min_unit_morale and not self._in_contact(u.index)
        )
        for d, _, u in near[:most]:
            if d > radius:
                break
            if d <= 1:
                self._hold(u, f"stands ready for the siege of {name}")
                continue
            found = self._search(u)
            if found is None:
                return
            dests = found.destinations()
            dest = min(
                dests, key=lambda i: (min(self.distance(i, j) for j in ring), found.cost[i], i)
            )
            if self.distance(dest, target) >= d:
                continue
            self._move(u, dest, f"gathers for the siege of {name}")

    # --- 5. undefended places and empty ground ----------------------------------------------

    def _take_undefended(self) -> None:
        obj = self.objectives
        goals = []
        seen = self.view.seen
        for index, w in obj.place.items():
            if self.control[index] != self.enemy_code or index in self.enemy_at:
                continue
            if not seen[index] or index in self.barred:
                continue
            goals.append((-(w + self.own_routes.get(index, 0.0)), index))
        if self.hunger > 0.0:
            for index, w in self.own_routes.items():
                if index in obj.place or not seen[index] or index in self.barred:
                    continue
                if self.control[index] == self.enemy_code and index not in self.enemy_at:
                    goals.append((-(w + OPEN_ROUTE * self.hunger), index))
        goals.sort()
        radius = REINFORCE_RADIUS[self.doctrine.level]
        for _, goal in goals[:MAX_GOALS]:
            near = sorted(
                (self.distance(u.index, goal), u.id, u)
                for u in self.free.values()
                if not self._in_contact(u.index)
            )
            for d, _, u in near[:2]:
                if d > radius:
                    break
                if self._enemy_power_next_to(goal) > 3.0 * strength(u):
                    continue
                found = self._search(u)
                if found is None:
                    return
                if found.can_end_in(goal):
                    self._move(u, goal, f"takes undefended {self._name(goal)}")
                    break
        self._creep()

    def _creep(self) -> None:
        """Step into empty enemy ground that counts toward a district aim, one hex."""
        area = self.objectives.area
        if not area.any():
            return
        pos = self.view.positions
        for u in list(self.free.values()):
            if self._in_contact(u.index) or not self.fed[u.index]:
                continue
            options = [
                j for j in self.nb[u.index]
                if area[j] > 0
                and j not in self.barred
                and self.control[j] == self.enemy_code
                and j not in self.enemy_at
                and not self._in_contact(j)
                and self._can_step(u.index, j)
                and pos.has_room(u, j)
            ]
            if options:
                best = max(options, key=lambda j: (area[j], -j))
                self._move(u, best, f"advances into empty ground at {self._name(best)}")

    # --- 6. raids on enemy supply roads -----------------------------------------------------

    def _raid(self) -> None:
        if self.doctrine.raids <= 0 or not self.enemy_routes:
            return
        routes = {
            i: v * (SIEGE_ROUTE if self._near_siege(i) else 1.0)
            for i, v in self.enemy_routes.items()
            if self.control[i] == self.enemy_code
            and i not in self.enemy_at
            and i not in self.barred
            and i not in self.view.positions.zoc[self.side]
        }
        if not routes:
            return
        mask = np.zeros(self.theatre.n, dtype=bool)
        mask[list(routes)] = True
        zone = _grow(self.theatre, mask, 6)
        sent = 0
        for u in list(self.free.values()):
            if sent >= self.doctrine.raids:
                break
            if not zone[u.index] or self._in_contact(u.index):
                continue
            found = self._search(u)
            if found is None:
                return
            best, best_value = -1, 0.5
            mine = strength(u)
            for i in found.destinations():
                if i == u.index:
                    continue
                value = max(
                    (routes.get(j, 0.0) for j in (i, *self.nb[i])), default=0.0
                ) * self.doctrine.raid_weight
                if value <= best_value:
                    continue
                if self._enemy_power_next_to(i) > 1.5 * mine:
                    continue
                best, best_value = i, value
            if best >= 0:
                self._move(u, best, "cuts the enemy supply road")
                sent += 1
                for j in (best, *self.nb[best]):
                    routes.pop(j, None)

    def _near_siege(self, index: int) -> bool:
        return any(self.distance(index, t) <= SIEGE_ROAD for t in self.siege)

    # --- 7. reserves and the rest -----------------------------------------------------------

    def _goals(self) -> list[tuple[int, float]]:
        goals: dict[int, float] = {}
        own_ground = self.code
        for target in self.enemy_at:
            if target in self.barred:
                continue
            value = self.staging.get(target) or 0.5 * self._attack_value(target)
            value = max(value, self.siege.get(target, 0.0))
            for j in self.nb[target]:
                if self.control[j] == own_ground and j not in self.enemy_at and self.fed[j]:
                    goals[j] = max(goals.get(j, 0.0), value)
        for index, value in self.relief_goals.items():
            for j in (index, *self.nb[index]):
                if j not in self.enemy_at:
                    goals[j] = max(goals.get(j, 0.0), value)
        for index in self.objectives.own_aims | self.objectives.enemy_aims:
            if self.control[index] == self.enemy_code and index not in self.barred:
                goals[index] = max(goals.get(index, 0.0), self.objectives.weight(index))
        ranked = sorted(goals.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:MAX_GOALS]

    def _advance(self) -> None:
        rear = [u for u in self.free.values() if not self._in_contact(u.index)]
        rear_ids = {u.id for u in rear}
        for u in self.free.values():
            if u.id not in rear_ids:
                self.plan.reasons.setdefault(u.id, "holds the line")
        if not rear:
            return
        aims = [i for i in self.objectives.own_aims if self.control[i] == self.code]
        if aims and self.doctrine.reserve_share > 0:
            keep = int(math.ceil(self.doctrine.reserve_share * len(rear)))
            by_aim = sorted(
                rear, key=lambda u: (min(self.distance(u.index, a) for a in aims), u.id)
            )
            for u in by_aim[:keep]:
                self._hold(u, "in reserve")
            rear = [u for u in rear if u.id in self.free]
        goals = self._goals()
        if not goals:
            return
        sent: dict[int, int] = {}
        siege_ground = {j: t for t in sorted(self.siege) for j in self.nb[t]}
        for u in rear:
            best, best_score = -1, 0.0
            for g, weight in goals:
                if self._starves_there(u, g) and not self._opens_road(siege_ground.get(g, -1)):
                    continue
                d = self.distance(u.index, g)
                spread = SIEGE_SPREAD if g in siege_ground else 0.6
                score = weight / (2.0 + d) * (spread ** sent.get(g, 0)) * self._jitter()
                if score > best_score:
                    best, best_score = g, score
            if best < 0:
                continue
            here = self.distance(u.index, best)
            if here <= 1:
                why = f"stands ready near {self._name(best)}"
                if best in siege_ground:
                    why = f"stands ready for the siege of {self._name(siege_ground[best])}"
                self._hold(u, why)
                continue
            found = self._search(u)
            if found is None:
                break
            dests = found.destinations()
            dest = min(dests, key=lambda i: (self.distance(i, best), found.cost[i], i))
            if self.distance(dest, best) >= here:
                continue
            sent[best] = sent.get(best, 0) + 1
            why = f"moves up toward {self._name(best)}"
            if best in siege_ground:
                why = f"gathers for the siege of {self._name(siege_ground[best])}"
            self._move(u, dest, why)

    # --- friction and the rules' check ------------------------------------------------------

    def _friction(self) -> None:
        loss = turmoil(self.doctrine, self.truth.national_morale.get(self.side, 1.0))
        blunder = self.doctrine.blunder
        if loss <= 0.0 and blunder <= 0.0:
            return
        kept: list[Order] = []
        for order in self.plan.orders:
            roll = float(self.rng.random())
            if roll < blunder:
                self.plan.dropped.append((order, "blunder"))
            elif roll < blunder + loss:
                self.plan.dropped.append((order, "political turmoil"))
            else:
                kept.append(order)
        self.plan.orders = kept

    def _legal(self) -> None:
        verdicts = check_orders(
            self.truth, self.side, self.plan.orders, Positions.of(self.truth), self.view.season
        )
        kept = []
        for v in verdicts:
            if not v.legal:
                self.plan.dropped.append((v.order, str(v.error)))
            elif self.barred and any(i in self.barred for i in v.path[1:]):
                self.plan.dropped.append((v.order, "its way runs through ground kept out of"))
            else:
                kept.append(v.order)
        if len(kept) < len(self.plan.orders) and self.barred:
            self.plan.orders = kept
            return self._legal()
        self.plan.orders = kept


def _grow(theatre: Theatre, mask: np.ndarray, steps: int) -> np.ndarray:
    nb = theatre.neighbours
    on_map = nb >= 0
    safe = np.where(on_map, nb, 0)
    out = mask.copy()
    for _ in range(steps):
        out = out | (out[safe] & on_map).any(axis=1)
    return out
