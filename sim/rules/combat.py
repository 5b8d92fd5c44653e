"""The combat phase: each attack's odds, one roll, and what follows from the result.

Attacks are resolved one at a time in a fixed order: the sides' attack orders interleaved,
first one of the side that goes first this turn (Armenian on odd turns, Azerbaijani on even
turns, so neither always strikes first), each side's in the order given. For each attack
`combat_inputs.plan_attack` builds the pure inputs, `combat_odds.odds` the distribution, and
one `ctx.rng.random()` draw picks the result. Nothing else in this phase draws a number.

What a result does (weights in `combat_inputs.RULES`):

- losses: `combat_odds.loss_rates` of each side's engaged men, tanks and armour at that rate,
  artillery at half of it, aircraft and helicopters at a quarter of the attacker's; every unit
  loses the same share, so losses are spread in proportion to strength. A unit left with
  fewer than five men and no equipment is destroyed.
- ammunition: each side's artillery fires its shells from the side's stock (never below 0).
- rout: the defenders fall back up to two hexes through their own side's hexes, away from the
  attackers; units with nowhere to go surrender. Morale of the defenders drops sharply.
- capture: the defenders fall back one hex (or surrender), the attackers advance into the hex
  up to the stacking limit (artillery stays where it fired from, unless it attacked alone),
  and the control phase gives the hex to them.
- in both, a share of the defenders' lost tanks and armour is captured intact and joins the
  strongest attacking unit (and `state.captured`); the defenders' aircraft and helicopters
  based in the hex fly out to where the ground units went, or are lost with them.
- stalemate: losses only. repulse: the attackers lose more, and morale.

An attack on an enemy-held hex with no enemy unit in it is no battle: the attackers move in.
Each combat entry carries the inputs, modifiers, odds, roll, result, losses, captured
equipment, `influences` (what each modifier did to the chance of taking the hex) and `flip`:
the single change that would most have turned the result around.

Reads from the movement phase `ctx.scratch["attacks"]` ({side: [Attack]}, the attacks that
passed `sim.rules.legality`; the movement phase logged the others); without it (a test, a
look-ahead) the attacks in `ctx.orders`, less any in `ctx.scratch["rejected_orders"]`, checked
here only as far as the combat needs (adjacent, on the map, an enemy there), a refusal logged
as "order_rejected". Leaves for later phases: `ctx.scratch["combat_losses"]` (men and
equipment lost per side this turn, for politics) and `ctx.scratch["combats"]` (one summary per
combat). Records `state.last_combat[hex] = turn` when the state has that field (surprise).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import replace
from typing import Any

from sim.orders import Attack, IllegalOrder
from sim.rules import combat_text
from sim.rules.combat_inputs import (
    AIR_TYPES,
    RULES,
    AttackPlan,
    CombatRules,
    build_inputs,
    plan_attack,
    unit_power,
    unit_problem,
)
from sim.rules.combat_odds import Influence, influences, loss_rates, odds, resolve
from sim.rules.context import TurnContext
from sim.rules.control import describe_hex, hex_reference, settlement_at, where
from sim.rules.reach import STACK_MEN, STACK_UNITS
from sim.rules.terrain import step_costs
from sim.scenario.model import FORCE_FIELDS
from sim.sides import SIDE_ADJECTIVES, SIDE_CODES, SIDE_IDS, other_side
from sim.state import UNIT_ACTIVE, UNIT_DESTROYED, GameState, UnitState

STAY_BEHIND = ("artillery",)
"""Unit types that support an attack from where they stand and do not advance after it
(unless nothing else can): the guns stay back, and a garrison's battery keeps its hex."""
FLIP_MIN_CHANGE = 0.01
"""A counterfactual that moves the chance of taking the hex by less is not worth a sentence."""


def has_room(count: int, men: float, unit: UnitState) -> bool:
    """The movement rules' stacking limit (`sim.rules.reach`): at most STACK_UNITS units and
    STACK_MEN men end a turn in a hex, though a unit may always enter a hex its side does not
    yet occupy. Advancing attackers and retreating defenders obey it too."""
    return count == 0 or (count < STACK_UNITS and men + unit.men <= STACK_MEN)


def ordered_attacks(
    orders: Mapping[str, Sequence[object]], turn: int
) -> list[tuple[str, Attack]]:
    """Both sides' attacks interleaved, the side going first alternating by turn."""
    first = SIDE_IDS[(turn - 1) % 2]
    sides = (first, other_side(first))
    queues = [[o for o in orders.get(side, ()) if isinstance(o, Attack)] for side in sides]
    out: list[tuple[str, Attack]] = []
    for i in range(max((len(q) for q in queues), default=0)):
        for side, queue in zip(sides, queues, strict=True):
            if i < len(queue):
                out.append((side, queue[i]))
    return out


def run(ctx: TurnContext) -> None:
    state = ctx.state
    checked = ctx.scratch.get("attacks")
    if checked is not None:
        attacks = ordered_attacks(checked, ctx.turn)
    else:
        rejected = ctx.scratch.get("rejected_orders") or ()
        attacks = [
            (s, a) for s, a in ordered_attacks(ctx.orders, ctx.turn) if not _in(a, rejected)
        ]
    air_listed: dict[str, int] = {}
    for n, (_, order) in enumerate(attacks):
        for uid in order.units:
            unit = state.units.get(uid)
            if unit is not None and unit.is_air:
                air_listed.setdefault(uid, n)
    last_combat = state.last_combat
    phase = _Phase(ctx, last_combat, air_listed)
    for n, (side, order) in enumerate(attacks):
        phase.attack(n, side, order)
    ctx.scratch["combat_losses"] = phase.losses
    ctx.scratch["combats"] = phase.summaries


def _in(order: Attack, rejected: object) -> bool:
    try:
        return order in rejected  # type: ignore[operator]
    except TypeError:
        return False


class _Phase:
    """The bookkeeping of one combat phase: who has attacked, which aircraft have flown."""

    def __init__(
        self,
        ctx: TurnContext,
        last_combat: MutableMapping[int, int] | None,
        air_listed: Mapping[str, int],
        rules: CombatRules = RULES,
    ) -> None:
        self.ctx = ctx
        self.state = ctx.state
        self.last_combat = last_combat
        self.air_listed = air_listed
        self.rules = rules
        self.committed: set[str] = set()
        self.flown: set[str] = set()
        self.losses = {side: dict.fromkeys(FORCE_FIELDS, 0.0) for side in SIDE_IDS}
        self.summaries: list[dict[str, Any]] = []

    # --- one order ----------------------------------------------------------------------

    def attack(self, n: int, side: str, order: Attack) -> None:
        state = self.state
        theatre = state.theatre
        target = theatre.index_of(order.target)
        if target is None:
            h = order.target
            self._reject(side, order, None, f"hex ({h.q}, {h.r}) is off the map")
            return
        units = [u for u in order.units if u not in self.committed]
        dropped = [
            (u, f"{state.units[u].name} has already attacked this turn")
            for u in order.units
            if u in self.committed and u in state.units
        ]
        if not units:
            self._reject(side, order, target, "; ".join(r for _, r in dropped))
            return
        enemy_here = any(
            u.index == target and u.side != side and u.status == UNIT_ACTIVE
            and u.type not in AIR_TYPES
            for u in state.units.values()
        )
        if not enemy_here:
            self._move_in(side, order, target, units)
            return
        # Air units another attack lists later are kept for it; those listed here or
        # earlier, and those that have flown, are not free to join unasked.
        air_taken = self.flown | {
            uid for uid, first in self.air_listed.items() if first != n and uid not in units
        }
        try:
            plan = plan_attack(
                state, target, units, self.ctx.season,
                side=side, air_taken=air_taken, last_combat=self.last_combat, rules=self.rules,
            )
        except IllegalOrder as e:
            self._reject(side, order, target, str(e))
            return
        self._resolve(plan, order, dropped + list(plan.left_out))

    def _reject(self, side: str, order: Attack, target: int | None, reason: str) -> None:
        where_words = "" if target is None else " on " + describe_hex(self.state.theatre, target)
        self.ctx.record(
            "order_rejected",
            f"{SIDE_ADJECTIVES[side]} attack{where_words} not made: {reason}.",
            {"side": side, "order": order.to_dict(), "reason": reason},
        )

    def _move_in(self, side: str, order: Attack, target: int, units: Sequence[str]) -> None:
        """An attack on an empty hex: the adjacent ground units listed simply move in."""
        state = self.state
        code = SIDE_CODES[side]
        if int(state.control[target]) == code:
            self._reject(side, order, target, "no enemy holds the hex")
            return
        if not state.theatre.passable()[target]:
            self._reject(side, order, target, "no one can enter the hex")
            return
        movers: list[UnitState] = []
        men = 0.0
        for uid in units:
            unit = state.units.get(uid)
            if (
                unit is not None and not unit.is_air
                and unit_problem(state, uid, side, target, self.rules) is None
                and has_room(len(movers), men, unit)
            ):
                movers.append(unit)
                men += unit.men
        if not movers:
            self._reject(side, order, target, "none of its ground units is next to the hex")
            return
        for u in movers:
            u.index = target
            u.dug_in = 0
            self.committed.add(u.id)
        self.ctx.scratch.setdefault("entered", []).append((target, side))
        ref = hex_reference(state.theatre, target)
        words = describe_hex(state.theatre, target)
        self.ctx.record(
            "advance",
            f"{SIDE_ADJECTIVES[side]} forces ({combat_text.count(len(movers), 'unit', 'units')}) "
            f"moved into {words} unopposed.",
            {"side": side, "units": [u.id for u in movers], **ref},
        )

    # --- one combat -----------------------------------------------------------------------

    def _resolve(self, plan: AttackPlan, order: Attack, left_out: list[tuple[str, str]]) -> None:
        ctx, state, rules = self.ctx, self.state, self.rules
        theatre = state.theatre
        o = odds(plan.inputs)
        found = influences(plan.inputs)
        cfs = self._counterfactuals(plan, o.success, found)
        roll = float(ctx.rng.random())
        result = resolve(o, roll)
        success = result in ("rout", "capture")
        flip = _flip(cfs, success)

        attackers = [state.units[u] for u in plan.attackers]
        air = [state.units[u] for u in plan.air]
        defenders = [state.units[u] for u in plan.defenders]
        before = {u.id: _strength(u) for u in (*attackers, *air, *defenders)}
        morale_before = {u.id: u.morale for u in (*attackers, *air, *defenders)}
        from_hex = {u.id: u.index for u in (*attackers, *defenders)}

        rates = loss_rates(result, o.ratio)
        lost = {plan.side: _zero(), plan.defender_side: _zero()}
        for u in attackers:
            _add(lost[plan.side], _take_losses(u, rates.attacker, rules))
        for u in air:
            _add(lost[plan.side], _take_losses(u, rates.attacker * rules.air_loss, rules))
        for u in defenders:
            _add(lost[plan.defender_side], _take_losses(u, rates.defender, rules))

        used = self._fire(plan)

        d_att, d_def = rules.morale_change(result)
        for u in (*attackers, *air):
            u.morale = _clamp(u.morale + d_att, rules.morale_floor, rules.morale_ceiling)
        for u in defenders:
            u.morale = _clamp(u.morale + d_def, rules.morale_floor, rules.morale_ceiling)

        retreats: list[dict[str, Any]] = []
        surrendered: list[str] = []
        surrendered_men = 0.0
        advanced: list[str] = []
        if success:
            steps = 2 if result == "rout" else 1
            retreats, gone = self._fall_back(defenders, plan, steps)
            for u in gone:
                given_up = _surrender(u)
                _add(lost[plan.defender_side], given_up)
                surrendered.append(u.id)
                surrendered_men += given_up["men"]
            advanced = self._advance(attackers, plan.target)

        captured = _zero()
        taker: UnitState | None = None
        if rates.equipment_captured > 0:
            side_lost = lost[plan.defender_side]
            captured["tanks"] = side_lost["tanks"] * rates.equipment_captured
            captured["afv"] = side_lost["afv"] * rates.equipment_captured
            alive = [u for u in attackers if u.active]
            if alive and (captured["tanks"] > 0 or captured["afv"] > 0):
                taker = max(alive, key=lambda u: unit_power(u, 1.0))
                taker.tanks += captured["tanks"]
                taker.afv += captured["afv"]
                tally = state.captured.setdefault(plan.side, dict.fromkeys(FORCE_FIELDS, 0.0))
                tally["tanks"] = tally.get("tanks", 0.0) + captured["tanks"]
                tally["afv"] = tally.get("afv", 0.0) + captured["afv"]
            else:
                captured = _zero()

        for u in (*attackers, *air, *defenders):
            if u.active and _spent(u, rules):
                _add(lost[u.side], _surrender(u))
        for side, amounts in lost.items():
            book = state.losses.setdefault(side, dict.fromkeys(FORCE_FIELDS, 0.0))
            _add(book, amounts)
            _add(self.losses.setdefault(side, _zero()), amounts)

        self.committed.update(plan.attackers)
        self.flown.update(plan.air)
        if self.last_combat is not None:
            self.last_combat[plan.target] = ctx.turn

        ref = hex_reference(theatre, plan.target)
        place, near = where(theatre, plan.target)
        target_words = describe_hex(theatre, plan.target)
        if place is None:
            place_words = "the hex"
        else:
            place_words = f"the position near {place.name}" if near else place.name
        terrain = theatre.terrain_names[int(theatre.terrain[plan.target])]
        settlement = settlement_at(theatre, plan.target)

        def snap(u: UnitState) -> dict[str, Any]:
            h = theatre.hex_of(from_hex.get(u.id, u.index))
            return {
                "unit": u.id,
                "name": u.name,
                "type": u.type,
                "air": u.is_air,
                "hex": [h.q, h.r],
                "before": before[u.id],
                "after": _strength(u),
                "morale_before": morale_before[u.id],
                "morale_after": u.morale,
                "status": u.status,
            }

        att_snaps = [snap(u) for u in (*attackers, *air)]
        def_snaps = [snap(u) for u in defenders]
        captured_out = {k: v for k, v in captured.items() if k in ("tanks", "afv")}
        text = combat_text.combat_sentence(
            side=plan.side,
            defender_side=plan.defender_side,
            attackers=att_snaps,
            defenders=def_snaps,
            target_words=target_words,
            place_words=place_words,
            inputs=plan.inputs,
            supply=plan.supply,
            terrain=terrain,
            settlement_kind=None if settlement is None else settlement.kind,
            o=o,
            roll=roll,
            result=result,
            losses=lost,
            captured=captured_out,
            flip=flip,
            aftermath=combat_text.aftermath_phrase(
                len(retreats),
                2 if result == "rout" else 1,
                len(surrendered),
                surrendered_men,
                len(advanced),
            ),
        )
        if flip is not None:
            flip = {**flip, "text": combat_text.flip_phrase(flip, success, target_words)}
        data = {
            "side": plan.side,
            "defender_side": plan.defender_side,
            **ref,
            "order": order.to_dict(),
            "attackers": att_snaps,
            "defenders": def_snaps,
            "left_out": [{"unit": u, "reason": r} for u, r in left_out],
            "attack_hexes": [theatre.hex_of(i).as_list() for i in plan.attack_hexes],
            "forces": {
                "attacker": _fields(plan.inputs.attacker),
                "defender": _fields(plan.inputs.defender),
            },
            "supply": {"attacker": plan.supply[0], "defender": plan.supply[1]},
            "modifiers": [
                {"key": m.key, "factor": m.factor, "side": m.side, "reason": m.reason}
                for m in plan.inputs.modifiers
            ],
            "weights": _fields(plan.inputs.weights),
            "powers": {"attacker": o.attacker_power, "defender": o.defender_power},
            "ratio": o.ratio,
            "probabilities": dict(o.probabilities),
            "roll": roll,
            "result": result,
            "loss_rates": {"attacker": rates.attacker, "defender": rates.defender},
            "losses": lost,
            "captured": {**captured_out, "by": None if taker is None else taker.id},
            "retreats": retreats,
            "surrendered": surrendered,
            "advanced": advanced,
            "ammunition": used,
            "influences": [
                {
                    "key": i.key,
                    "reason": i.reason,
                    "factor": i.factor,
                    "success_with": i.success_with,
                    "success_without": i.success_without,
                    "delta": i.delta,
                }
                for i in found
            ],
            "flip": flip,
            "counterfactuals": cfs,
        }
        ctx.record("combat", text, data)
        self.summaries.append({
            "side": plan.side,
            "target": plan.target,
            "result": result,
            "success": o.success,
            "losses": {s: v["men"] for s, v in lost.items()},
        })

    # --- parts of a result ------------------------------------------------------------------

    def _fire(self, plan: AttackPlan) -> dict[str, dict[str, float]]:
        """Take the shells both sides' guns fired from their stocks."""
        state = self.state
        used: dict[str, dict[str, float]] = {}
        for role, side, need, share in (
            ("attacker", plan.side, plan.shells[0], plan.ammunition[0]),
            ("defender", plan.defender_side, plan.shells[1], plan.ammunition[1]),
        ):
            stock = max(0.0, state.ammunition.get(side, 0.0))
            fired = min(stock, need * share)
            state.ammunition[side] = stock - fired
            used[role] = {"share": share, "fired": fired, "left": state.ammunition[side]}
        return used

    def _fall_back(
        self, defenders: Sequence[UnitState], plan: AttackPlan, steps: int
    ) -> tuple[list[dict[str, Any]], list[UnitState]]:
        """Move the defenders back; return where each went and those with nowhere to go."""
        state = self.state
        theatre = state.theatre
        side = plan.defender_side
        options = retreat_hexes(state, plan.target, side, steps, plan.attack_hexes,
                                self.ctx.season)
        stack: dict[int, list[float]] = {}
        for u in state.units.values():
            if u.active and not u.is_air and u.side == side and u.index != plan.target:
                here = stack.setdefault(u.index, [0, 0.0])
                here[0] += 1
                here[1] += u.men
        moves: list[dict[str, Any]] = []
        gone: list[UnitState] = []
        for u in defenders:
            if not u.active:
                continue
            dest = next(
                (i for i in options if has_room(*_count_men(stack.get(i)), u)), None
            )
            if dest is None:
                gone.append(u)
                continue
            here = stack.setdefault(dest, [0, 0.0])
            here[0] += 1
            here[1] += u.men
            origin = u.index
            u.index = dest
            u.dug_in = 0
            moves.append({
                "unit": u.id,
                "from": theatre.hex_of(origin).as_list(),
                "to": theatre.hex_of(dest).as_list(),
            })
        # Aircraft and helicopters based in the hex fly out with them, or are lost on the ground.
        for u in state.units.values():
            if u.index == plan.target and u.side == side and u.active and u.is_air:
                if not options:
                    gone.append(u)
                    continue
                moves.append({
                    "unit": u.id,
                    "from": theatre.hex_of(u.index).as_list(),
                    "to": theatre.hex_of(options[0]).as_list(),
                })
                u.index = options[0]
        return moves, gone

    def _advance(self, attackers: Sequence[UnitState], target: int) -> list[str]:
        able = [u for u in attackers if u.active and not _spent(u, self.rules)]
        going = [u for u in able if u.type not in STAY_BEHIND] or able[:1]
        moved: list[str] = []
        men = 0.0
        for u in going:
            if has_room(len(moved), men, u):
                u.index = target
                u.dug_in = 0
                moved.append(u.id)
                men += u.men
        return moved

    def _counterfactuals(
        self, plan: AttackPlan, base: float, found: Sequence[Influence]
    ) -> list[dict[str, Any]]:
        """The odds again with one thing changed, for the log's 'what would have flipped it'."""
        state = self.state
        inputs = plan.inputs
        out: list[dict[str, Any]] = []

        def add(key: str, change: str, success: float) -> None:
            out.append({"key": key, "change": change, "success": success,
                        "delta": success - base})

        if inputs.defender.supply < 1.0:
            fixed = replace(inputs, defender=replace(inputs.defender, supply=1.0))
            add("defender_supply", "with their supply intact", odds(fixed).success)
        if inputs.attacker.supply < 1.0:
            fixed = replace(inputs, attacker=replace(inputs.attacker, supply=1.0))
            add("attacker_supply", "with the attackers fully supplied", odds(fixed).success)
        if inputs.attacker.artillery > 0 and inputs.attacker.ammunition < 1.0:
            fixed = replace(inputs, attacker=replace(inputs.attacker, ammunition=1.0))
            add("attacker_ammunition", "with shells for every attacking gun",
                odds(fixed).success)
        if inputs.defender.artillery > 0 and inputs.defender.ammunition < 1.0:
            fixed = replace(inputs, defender=replace(inputs.defender, ammunition=1.0))
            add("defender_ammunition", "with shells for every defending gun",
                odds(fixed).success)
        for i in found:
            change = combat_text.WITHOUT.get(i.key, f"without {i.reason}")
            add(f"without_{i.key}", change, i.success_without)
        season = self.ctx.season
        ground = [state.units[u] for u in plan.attackers]
        air = [state.units[u] for u in plan.air]
        defenders = [state.units[u] for u in plan.defenders]

        def again(ground, air) -> float:
            changed = build_inputs(
                state, plan.target, ground, air, defenders, season,
                last_combat=self.last_combat, rules=self.rules,
            )
            return odds(changed.inputs).success

        if air:
            add("without_air", "without air support", again(ground, []))
        extra = self._reserve(plan)
        if extra is not None:
            add("one_more_unit", f"with {extra.name} joining the attack",
                again([*ground, extra], air))
        return out

    def _reserve(self, plan: AttackPlan) -> UnitState | None:
        """The strongest unit next to the target that could have joined the attack."""
        best: tuple[float, UnitState] | None = None
        theatre = self.state.theatre
        nb = {int(i) for i in theatre.neighbours[plan.target] if i >= 0}
        for u in self.state.units.values():
            if (
                u.index in nb and u.status == UNIT_ACTIVE and u.side == plan.side
                and u.type not in AIR_TYPES
                and u.id not in plan.attackers and u.id not in self.committed
            ):
                p = unit_power(u, 1.0)
                if best is None or p > best[0]:
                    best = (p, u)
        return None if best is None else best[1]


def retreat_hexes(
    state: GameState,
    start: int,
    side: str,
    steps: int,
    away_from: Iterable[int],
    season: str,
) -> list[int]:
    """Where units of `side` in `start` can fall back, best first.

    Up to `steps` moves through passable hexes that `side` holds and no enemy stands in;
    the furthest first, then those furthest from the attacking hexes, then by index.
    """
    theatre = state.theatre
    cost = step_costs(theatre, season)
    code = SIDE_CODES[side]
    enemy = {
        u.index for u in state.units.values()
        if u.side != side and u.status == UNIT_ACTIVE and u.type not in AIR_TYPES
    }
    depth = {start: 0}
    frontier = [start]
    for level in range(1, steps + 1):
        nxt = []
        for i in frontier:
            for d in range(6):
                j = int(theatre.neighbours[i, d])
                if j < 0 or j in depth or not math.isfinite(float(cost[i, d])):
                    continue
                if int(state.control[j]) != code or j in enemy:
                    continue
                depth[j] = level
                nxt.append(j)
        frontier = nxt
    q, r = theatre.q, theatre.r
    sources = [(int(q[a]), int(r[a])) for a in away_from]

    def clearance(j: int) -> int:
        qj, rj = int(q[j]), int(r[j])
        return min(
            ((abs(qj - qa) + abs(rj - ra) + abs(qj + rj - qa - ra)) // 2 for qa, ra in sources),
            default=0,
        )

    options = [j for j in depth if j != start]
    options.sort(key=lambda j: (-depth[j], -clearance(j), j))
    return options


# --- small helpers -----------------------------------------------------------------------------


def _count_men(here: list[float] | None) -> tuple[int, float]:
    return (0, 0.0) if here is None else (int(here[0]), here[1])


def _fields(value: Any) -> dict[str, Any]:
    """A slotted dataclass's fields as a dict (dataclasses.asdict is slow for the log)."""
    return {name: getattr(value, name) for name in value.__slots__}


def _zero() -> dict[str, float]:
    return dict.fromkeys(FORCE_FIELDS, 0.0)


def _add(into: dict[str, float], amounts: Mapping[str, float]) -> None:
    for k, v in amounts.items():
        into[k] = into.get(k, 0.0) + v


def _strength(u: UnitState) -> dict[str, float]:
    return {name: float(getattr(u, name)) for name in FORCE_FIELDS}


def _clamp(x: float, low: float, high: float) -> float:
    return min(high, max(low, x))


def _take_losses(u: UnitState, rate: float, rules: CombatRules) -> dict[str, float]:
    """Remove `rate` of a unit's men and the matching shares of its equipment."""
    rate = _clamp(rate, 0.0, 1.0)
    kit = _clamp(rate * rules.equipment_loss, 0.0, 1.0)
    guns = _clamp(rate * rules.artillery_loss, 0.0, 1.0)
    lost = {}
    for name, share in (("men", rate), ("tanks", kit), ("afv", kit), ("artillery", guns),
                        ("aircraft", rate), ("helicopters", rate)):
        have = getattr(u, name)
        if have <= 0.0:
            setattr(u, name, 0.0)
            lost[name] = 0.0
            continue
        gone = have * share
        setattr(u, name, have - gone)
        lost[name] = gone
    return lost


def _surrender(u: UnitState) -> dict[str, float]:
    """The unit is gone: everything it had left counts as lost."""
    lost = {name: max(0.0, float(getattr(u, name))) for name in FORCE_FIELDS}
    for name in FORCE_FIELDS:
        setattr(u, name, 0.0)
    u.status = UNIT_DESTROYED
    return lost


def _spent(u: UnitState, rules: CombatRules) -> bool:
    """Too little left to fight on as a unit."""
    kit = u.tanks + u.afv + u.artillery + u.aircraft + u.helicopters
    if u.is_air:
        return u.aircraft + u.helicopters < 0.5
    return u.men < rules.remnant_men and kit < 0.5


def _flip(cfs: Sequence[Mapping[str, Any]], success: bool) -> dict[str, Any] | None:
    """The counterfactual that most turns the chance against the result that happened."""
    if success:
        pool = [c for c in cfs if c["delta"] <= -FLIP_MIN_CHANGE]
        best = min(pool, key=lambda c: (c["delta"], c["key"]), default=None)
    else:
        pool = [c for c in cfs if c["delta"] >= FLIP_MIN_CHANGE]
        best = max(pool, key=lambda c: (c["delta"], c["key"]), default=None)
    return None if best is None else dict(best)
