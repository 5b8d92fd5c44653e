"""What an attack would meet: the forces and modifiers of one attack, read from the state.

`plan_attack(state, target, units, season)` is pure (no generator, no change to the state):
the window calls it to show the odds before a player commits, the AI to weigh its attacks and
the combat phase to resolve them, so all three see the same numbers. Its `inputs` are the
odds' inputs; the units behind them are what the combat phase needs to apply the result.

Every weight lives in `CombatRules` (one frozen value, `RULES`); the numbers are the
defaults the issue asked for, and each combat entry records the modifiers it used with their
factors and reasons. Choices the issue left open:

- Supply: a unit's supply factor is 1.0 when at least 75% of its need arrived and 0.5 when cut
  off (under 25% arrived: the supply phase's `SHORT` and `CUT_OFF`). In between, when short, it
  rises in step with the share that arrived (`supply_ramp`): a garrison that gets two-fifths
  of its ammunition and food fights worse than one that gets seven-tenths, and a flat 0.8 for
  both made a town hanging on one long mountain road (Shusha on the Lachin road in spring 1992,
  "the region's last bastion", source §Capture of Shusha) as strong as one a little short.
  Switched off, every short unit counts 0.8. A side's units are averaged weighted by combat
  power.
- Ammunition: each artillery piece in a combat fires `shells_per_piece` supply points (one
  point is one railway car, about 50 t; 0.1 is some 150-200 shells a gun in a week's
  fighting). The guns fire at the share of that need the side's stock can meet.
- Air support: within `sim.rules.legality.SUPPORT_RANGE_KM` of the air unit's base (aircraft
  150 km, helicopters 60 km, counted in hexes across the flats), the range the movement
  phase checks orders against. Air units listed in the attack take part; other air units of
  the side in range join the first attack of the turn they can reach unless a later attack
  lists them. Each flies once a turn. Their crews do not count as fighting men. The
  defender gets no air support (the orders name the attacker's aircraft only).
- Winter cloud: in winter, against a defender in mountain or high-mountain terrain, the air
  support counts at `winter_mountain_air` of its power. Low cloud and fog sit on the
  Karabakh ridges for days at a time in winter and the days are short, so aircraft and
  helicopters can support only part of a week's fighting there; in the valleys and on the
  plains the winter modifier alone applies.
- Elevation: the defender's hex against the mean height of the attackers' hexes, weighted by
  the attacking power in each; differences under 10 m are noise in a 30" elevation model.
- River: each attacking hex's share of the power is scaled by 0.7 if a river runs along the
  side it attacks across (0.5 for the Araxes and Kura), whether or not a road bridges it.
- Surprise: the first attack on a hex that saw no combat in the previous four turns. It needs
  the state's record of the last combat per hex (`GameState.last_combat`); without one,
  no surprise is given rather than a surprise every turn.
- Morale, experience and supply are inside each side's `Force`, not modifiers: they are the
  state of the units, the modifiers the situation they fight in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sim.hexgrid import hex_distance
from sim.orders import IllegalOrder
from sim.rules.combat_odds import CombatInputs, Force, Modifier, Weights
from sim.rules.control import settlement_at
from sim.rules.legality import SUPPORT_RANGE_KM, support_distance_km
from sim.rules.supply import CUT_OFF, SHORT
from sim.sides import SIDE_ADJECTIVES
from sim.state import UNIT_ACTIVE, GameState, UnitState


@dataclass(frozen=True, slots=True)
class CombatRules:
    """Every weight the combat phase uses, in one place."""

    terrain: tuple[tuple[str, float], ...] = (
        ("plain", 1.0),
        ("river_valley", 1.15),
        ("hills", 1.3),
        ("mountain", 1.6),
        ("high_mountain", 2.0),
    )
    """Defender's terrain."""
    elevation_per_m: float = 0.001
    """Defender higher by Δ m: ×(1 + Δ·0.001)."""
    elevation_cap: float = 1.5
    elevation_min_m: float = 10.0
    river: float = 0.7
    """Attacker, for the share of its power attacking across a river."""
    major_river: float = 0.5
    settlement: tuple[tuple[str, float], ...] = (("city", 1.5), ("town", 1.3), ("village", 1.1))
    """Defender in a named settlement."""
    dug_in_per_turn: float = 1.1
    """Defender, per turn dug in (compounded)."""
    dug_in_cap: float = 1.3
    ground_cap: float = 2.5
    """Most the defender's ground can give, all told (terrain × height × settlement ×
    fieldworks): the four overlap — a mountain town's height is part of why it is a mountain
    town — and stacked at full value they made a clifftop town like Shusha all but
    untakeable, which the source's account of 8–9 May 1992 contradicts."""
    concentric_two: float = 1.1
    """Attacker from two different hexes."""
    concentric_three: float = 1.25
    """Attacker from three or more hexes."""
    winter_attacker: float = 0.85
    winter_mountain_air: float = 0.5
    """Share of the air support's power that counts in winter over mountains (cloud, fog)."""
    surprise: float = 1.15
    surprise_quiet_turns: int = 4
    supplied_from: float = SHORT
    """Supply share from which a unit counts as supplied (the supply phase's threshold)."""
    cut_off_below: float = CUT_OFF
    """Supply share below which a unit counts as cut off (the supply phase's threshold)."""
    short_of_supply: float = 0.8
    """Supply factor of a short unit when `supply_ramp` is off."""
    cut_off: float = 0.5
    supply_ramp: bool = True
    """Between cut off and supplied the factor rises linearly with the share that arrived,
    from `cut_off` to 1.0 (False: a flat `short_of_supply`)."""
    shells_per_piece: float = 0.1
    """Supply points (railway cars) one artillery piece fires in one combat."""
    equipment_loss: float = 1.0
    """Tanks and armour lost at this share of the men's loss rate."""
    artillery_loss: float = 0.5
    """Artillery, further back, lost at this share of the men's loss rate."""
    air_loss: float = 0.25
    """Aircraft and helicopters lost at this share of the attacker's loss rate."""
    remnant_men: float = 5.0
    """A unit with fewer men and no equipment left is destroyed."""
    morale_shift: tuple[tuple[str, float, float], ...] = (
        ("rout", 0.10, -0.25),
        ("capture", 0.05, -0.10),
        ("stalemate", 0.0, 0.0),
        ("repulse", -0.10, 0.05),
    )
    """(result, attacker change, defender change) to each engaged unit's morale."""
    morale_floor: float = 0.2
    morale_ceiling: float = 2.0

    def terrain_factor(self, name: str) -> float:
        return dict(self.terrain).get(name, 1.0)

    def settlement_factor(self, kind: str) -> float:
        return dict(self.settlement).get(kind, 1.0)

    def morale_change(self, result: str) -> tuple[float, float]:
        for r, att, dfn in self.morale_shift:
            if r == result:
                return att, dfn
        return 0.0, 0.0

    def supply_factor(self, share: float) -> tuple[float, str]:
        """Combat factor and its name for a unit's supply share."""
        if share >= self.supplied_from:
            return 1.0, "supplied"
        if share >= self.cut_off_below:
            if not self.supply_ramp:
                return self.short_of_supply, "short of supply"
            t = (share - self.cut_off_below) / (self.supplied_from - self.cut_off_below)
            return self.cut_off + t * (1.0 - self.cut_off), "short of supply"
        return self.cut_off, "cut off"


RULES = CombatRules()
AIR_TYPES = ("air", "helicopter")
"""Unit types that support attacks from the air (`UnitState.is_air`)."""
DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class AttackPlan:
    """One attack as it stands before the roll: who takes part, and the odds' inputs."""

    side: str
    defender_side: str
    target: int
    attackers: tuple[str, ...]
    """Ground units attacking, in the order given."""
    air: tuple[str, ...]
    """Aircraft and helicopter units supporting."""
    defenders: tuple[str, ...]
    attack_hexes: tuple[int, ...]
    """Distinct hexes the ground attack comes from, sorted."""
    ammunition: tuple[float, float]
    """Share of the artillery's need met: (attacker, defender)."""
    shells: tuple[float, float]
    """Supply points the artillery would fire at full supply: (attacker, defender)."""
    supply: tuple[str, str]
    """Supply state of each side in words ('supplied', 'short of supply', 'cut off')."""
    inputs: CombatInputs
    left_out: tuple[tuple[str, str], ...] = ()
    """(unit id, reason) for listed units that cannot take part."""


def legal_attack(
    state: GameState,
    target_index: int,
    unit_ids: Sequence[str],
    season: str,
    *,
    side: str | None = None,
    air_taken: Iterable[str] = (),
    last_combat: Mapping[int, int] | None = None,
) -> AttackPlan | None:
    """`plan_attack`, or None where the rules would refuse the attack: for planners weighing
    attacks they may not give, which need the odds rather than the reason."""
    try:
        return plan_attack(
            state, target_index, unit_ids, season,
            side=side, air_taken=air_taken, last_combat=last_combat,
        )
    except IllegalOrder:
        return None


def unit_problem(
    state: GameState, unit_id: str, side: str, target_index: int, rules: CombatRules = RULES
) -> str | None:
    """Why a unit cannot join an attack on a hex, or None if it can."""
    unit = state.units.get(unit_id)
    if unit is None:
        return f"there is no unit {unit_id!r}"
    if unit.side != side:
        return f"{unit.name} is {SIDE_ADJECTIVES.get(unit.side, unit.side)}"
    if not unit.active or unit.index < 0:
        return f"{unit.name} is not on the map ({unit.status})"
    if unit.is_air:
        km = _distance_km(state, unit.index, target_index)
        reach = air_range_km(unit, rules)
        if km > reach:
            return f"{unit.name} is out of range ({km:.0f} km, range {reach:.0f} km)"
        return None
    if hex_distance(state.theatre.hex_of(unit.index), state.theatre.hex_of(target_index)) != 1:
        return f"{unit.name} is not next to the target"
    return None


def air_range_km(unit: UnitState, rules: CombatRules = RULES) -> float:
    """How far from its base an air unit supports attacks (the legality rules' range)."""
    return SUPPORT_RANGE_KM.get(unit.type, 0.0)


def plan_attack(
    state: GameState,
    target_index: int,
    unit_ids: Sequence[str],
    season: str,
    *,
    side: str | None = None,
    air_taken: Iterable[str] = (),
    last_combat: Mapping[int, int] | None = None,
    rules: CombatRules = RULES,
    weights: Weights = DEFAULT_WEIGHTS,
) -> AttackPlan:
    """Who takes part in an attack and the inputs of its odds; pure.

    `side` is the side giving the order (default: the side of the first unit listed);
    `air_taken` names air units that have flown already this turn.
    """
    if not 0 <= target_index < state.theatre.n:
        raise IllegalOrder(f"hex {target_index} is not on the map")
    side = side or _attacking_side(state, unit_ids)
    taken = set(air_taken)
    left_out: list[tuple[str, str]] = []
    ground: list[UnitState] = []
    air: list[UnitState] = []
    for uid in dict.fromkeys(unit_ids):
        problem = unit_problem(state, uid, side, target_index, rules)
        if problem is None and uid in taken:
            problem = f"{state.units[uid].name} has already flown this turn"
        if problem is not None:
            left_out.append((uid, problem))
            continue
        unit = state.units[uid]
        (air if unit.is_air else ground).append(unit)
    if not ground:
        reasons = "; ".join(reason for _, reason in left_out) or "no units given"
        raise IllegalOrder(f"no ground unit can make this attack: {reasons}")
    listed = {u.id for u in air}
    defenders: list[UnitState] = []
    for unit in state.units.values():
        if unit.status != UNIT_ACTIVE:
            continue
        if unit.type in AIR_TYPES:
            if (
                unit.side == side
                and unit.id not in listed
                and unit.id not in taken
                and unit.index >= 0
                and _distance_km(state, unit.index, target_index) <= air_range_km(unit, rules)
            ):
                air.append(unit)
        elif unit.index == target_index and unit.side != side:
            defenders.append(unit)
    if not defenders:
        raise IllegalOrder("no enemy ground unit holds the target hex: move in instead")
    built = build_inputs(
        state, target_index, ground, air, defenders, season,
        last_combat=last_combat, rules=rules, weights=weights,
    )
    return replace(built, left_out=tuple(left_out))


def build_inputs(
    state: GameState,
    target_index: int,
    ground: Sequence[UnitState],
    air: Sequence[UnitState],
    defenders: Sequence[UnitState],
    season: str,
    *,
    last_combat: Mapping[int, int] | None = None,
    rules: CombatRules = RULES,
    weights: Weights = DEFAULT_WEIGHTS,
) -> AttackPlan:
    """The plan for exactly these units, unchecked: for re-evaluating an attack with one
    thing changed (no air support, one more unit) without searching the state again."""
    side, defender_side = ground[0].side, defenders[0].side
    stock_a = max(0.0, state.ammunition.get(side, 0.0))
    stock_d = max(0.0, state.ammunition.get(defender_side, 0.0))
    shells_a = sum(u.artillery for u in ground) * rules.shells_per_piece
    shells_d = sum(u.artillery for u in defenders) * rules.shells_per_piece
    ammo_a = 1.0 if shells_a <= 0 else min(1.0, stock_a / shells_a)
    ammo_d = 1.0 if shells_d <= 0 else min(1.0, stock_d / shells_d)

    attacker = _force([*ground, *air], ammo_a, rules, weights)
    defender = _force(defenders, ammo_d, rules, weights)
    hexes = tuple(sorted({u.index for u in ground}))
    modifiers = _modifiers(
        state, target_index, ground, air, defenders, hexes, season, last_combat,
        ammo_a, rules, weights,
    )
    return AttackPlan(
        side=side,
        defender_side=defender_side,
        target=target_index,
        attackers=tuple(u.id for u in ground),
        air=tuple(u.id for u in air),
        defenders=tuple(u.id for u in defenders),
        attack_hexes=hexes,
        ammunition=(ammo_a, ammo_d),
        shells=(shells_a, shells_d),
        supply=(_supply_word(attacker.supply, rules), _supply_word(defender.supply, rules)),
        inputs=CombatInputs(attacker, defender, tuple(modifiers), weights),
    )


def _supply_word(factor: float, rules: CombatRules) -> str:
    """Name the averaged supply factor of a side by the nearest unit state (with the ramp, any
    factor the text shows below 1.00 is short and only one near the floor is cut off)."""
    if rules.supply_ramp:
        supplied_from, cut_below = 0.995, rules.cut_off + 0.05
    else:
        supplied_from = (1.0 + rules.short_of_supply) / 2
        cut_below = (rules.short_of_supply + rules.cut_off) / 2
    if factor >= supplied_from:
        return "supplied"
    if factor >= cut_below:
        return "short of supply"
    return "cut off"


def _attacking_side(state: GameState, unit_ids: Sequence[str]) -> str:
    for uid in unit_ids:
        unit = state.units.get(uid)
        if unit is not None:
            return unit.side
    raise IllegalOrder("none of the units in the attack exists")


def _distance_km(state: GameState, a: int, b: int) -> float:
    return support_distance_km(state.theatre, a, b)


def unit_power(unit: UnitState, ammo: float, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """A unit's raw combat power (men plus weighted equipment), before morale and supply."""
    men = 0.0 if unit.is_air else unit.men
    return max(
        0.0,
        men
        + weights.tank * unit.tanks
        + weights.afv * unit.afv
        + weights.artillery * unit.artillery * ammo
        + weights.aircraft * unit.aircraft
        + weights.helicopter * unit.helicopters,
    )


def _force(
    units: Sequence[UnitState], ammo: float, rules: CombatRules, weights: Weights
) -> Force:
    totals = dict.fromkeys(("men", "tanks", "afv", "artillery", "aircraft", "helicopters"), 0.0)
    w_sum = morale = experience = supply = 0.0
    for u in units:
        if not u.is_air:
            totals["men"] += u.men
        totals["tanks"] += u.tanks
        totals["afv"] += u.afv
        totals["artillery"] += u.artillery
        totals["aircraft"] += u.aircraft
        totals["helicopters"] += u.helicopters
        w = unit_power(u, ammo, weights)
        w_sum += w
        morale += w * u.morale
        experience += w * u.experience
        supply += w * rules.supply_factor(u.supply)[0]
    if w_sum > 0:
        morale, experience, supply = morale / w_sum, experience / w_sum, supply / w_sum
    else:
        morale = experience = supply = 1.0
    return Force(
        ammunition=ammo, morale=morale, experience=experience, supply=supply, **totals
    )


def _modifiers(
    state: GameState,
    target: int,
    ground: Sequence[UnitState],
    air: Sequence[UnitState],
    defenders: Sequence[UnitState],
    hexes: tuple[int, ...],
    season: str,
    last_combat: Mapping[int, int] | None,
    ammo: float,
    rules: CombatRules,
    weights: Weights,
) -> list[Modifier]:
    theatre = state.theatre
    out: list[Modifier] = []

    terrain = theatre.terrain_names[int(theatre.terrain[target])]
    f = rules.terrain_factor(terrain)
    if f != 1.0:
        name = terrain.replace("_", " ")
        out.append(Modifier("terrain", f, "defender", f"{name} terrain favours the defender"))

    place = settlement_at(theatre, target)
    if place is not None:
        f = rules.settlement_factor(place.kind)
        reason = f"the defenders hold the {place.kind} of {place.name}"
        if terrain in ("mountain", "high_mountain"):
            both = f * rules.terrain_factor(terrain)
            reason += f", on its {terrain.replace('_', ' ')} heights (×{both:.2f} together)"
        out.append(Modifier("settlement", f, "defender", reason))

    power_at: dict[int, float] = {}
    for u in ground:
        power_at[u.index] = power_at.get(u.index, 0.0) + unit_power(u, ammo, weights)
    ground_power = sum(power_at.values())
    share = {
        i: (p / ground_power if ground_power > 0 else 1.0 / len(power_at))
        for i, p in power_at.items()
    }
    mean_height = sum(share[i] * float(theatre.elevation[i]) for i in hexes)
    rise = float(theatre.elevation[target]) - mean_height
    if rise >= rules.elevation_min_m:
        f = min(rules.elevation_cap, 1.0 + rise * rules.elevation_per_m)
        out.append(Modifier(
            "elevation", f, "defender", f"the defenders stand {rise:.0f} m above the attackers"
        ))

    w_sum = dug = 0.0
    turns = 0.0
    for u in defenders:
        w = unit_power(u, 1.0, weights)
        w_sum += w
        dug += w * min(rules.dug_in_cap, rules.dug_in_per_turn ** max(0, u.dug_in))
        turns += w * max(0, u.dug_in)
    if w_sum > 0 and dug / w_sum > 1.0 + 1e-9:
        f = dug / w_sum
        out.append(Modifier(
            "fortification", f, "defender",
            f"the defenders have dug in ({turns / w_sum:.1f} turns in place)",
        ))

    ground_keys = ("terrain", "settlement", "elevation", "fortification")
    ground_bonus = 1.0
    for m in out:
        if m.key in ground_keys:
            ground_bonus *= m.factor
    if ground_bonus > rules.ground_cap:
        out.append(Modifier(
            "overlap", rules.ground_cap / ground_bonus, "defender",
            f"ground, town and fieldworks overlap: together they give ×{rules.ground_cap:.1f}, "
            f"not ×{ground_bonus:.2f}",
        ))

    air_power = sum(unit_power(u, ammo, weights) for u in air)
    total = ground_power + air_power
    crossing = 0.0
    major = False
    crossing_share = 0.0
    for i in hexes:
        d = _direction(theatre.neighbours[i], target)
        factor = 1.0
        if d is not None and (int(theatre.major_river_sides[i]) >> d) & 1:
            factor, major = rules.major_river, True
        elif d is not None and (int(theatre.river_sides[i]) >> d) & 1:
            factor = rules.river
        if factor < 1.0:
            crossing_share += share[i]
        crossing += share[i] * ground_power * factor
    if total > 0 and crossing_share > 0:
        f = (crossing + air_power) / total
        river = "a major river" if major else "a river"
        out.append(Modifier(
            "river", f, "attacker",
            f"{crossing_share:.0%} of the ground attack crosses {river}",
        ))

    if season == "winter" and air_power > 0 and terrain in ("mountain", "high_mountain"):
        f = (ground_power + air_power * rules.winter_mountain_air) / total
        out.append(Modifier(
            "weather", f, "attacker",
            "winter cloud over the mountains keeps the aircraft and helicopters grounded "
            f"much of the week (air support at {rules.winter_mountain_air:.0%})",
        ))

    if len(hexes) >= 3:
        out.append(Modifier(
            "concentric", rules.concentric_three, "attacker",
            f"attacked from {len(hexes)} sides at once",
        ))
    elif len(hexes) == 2:
        out.append(Modifier(
            "concentric", rules.concentric_two, "attacker", "attacked from two sides at once"
        ))

    if season == "winter":
        out.append(Modifier(
            "winter", rules.winter_attacker, "attacker", "winter: snow and cold slow the attack"
        ))

    if last_combat is not None:
        now = state.turn + 1
        last = last_combat.get(target)
        if last is None or now - last > rules.surprise_quiet_turns:
            out.append(Modifier(
                "surprise", rules.surprise, "attacker",
                f"surprise: no fighting here in the last {rules.surprise_quiet_turns} turns",
            ))
    return out


def _direction(row: Sequence[int], target: int) -> int | None:
    for d in range(6):
        if int(row[d]) == target:
            return d
    return None
