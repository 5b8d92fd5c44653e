"""The odds of an attack, apart from the roll that decides it.

`odds(inputs)` is a pure function: the window shows it before a player commits, the AI uses
it to choose attacks, and `resolve` maps one uniform draw through the same distribution. The
log stores inputs, modifiers, distribution, roll and result, so every outcome can be
re-checked and re-evaluated ("without the river the attackers would have won 41%").

Combat power is men plus weighted equipment, scaled by morale, experience and supply. The
ratio of the two sides' powers, after the situational modifiers, sets the probability of each
result through smooth logistic curves of log(ratio): doubling the odds always matters, and no
result is ever certain at odds a commander would choose. Below 1:2 the chance of taking the
hex fades out and is gone at 1:3: a force a third the defenders' strength can pin them and
bleed, but not dislodge them from their ground.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

RESULTS: tuple[str, ...] = ("rout", "capture", "stalemate", "repulse")
"""Possible results, best for the attacker first.

rout: the defenders break; the hex is taken with heavy defender losses and captured equipment.
capture: the defenders fall back; the attacker takes the hex.
stalemate: both sides lose men; nothing changes hands.
repulse: the attack fails with heavier losses to the attacker.
"""


@dataclass(frozen=True, slots=True)
class Weights:
    """What a piece of equipment is worth in men. Tunable; recorded in every combat entry."""

    tank: float = 25.0
    afv: float = 8.0
    artillery: float = 20.0
    aircraft: float = 30.0
    helicopter: float = 25.0


@dataclass(frozen=True, slots=True)
class Force:
    """One side's part in one combat, summed over the units taking part."""

    men: float
    tanks: float = 0.0
    afv: float = 0.0
    artillery: float = 0.0
    aircraft: float = 0.0
    helicopters: float = 0.0
    ammunition: float = 1.0
    """Share of the artillery's ammunition need that is met (0-1)."""
    morale: float = 1.0
    experience: float = 1.0
    supply: float = 1.0
    """1.0 supplied; less when short of supply or cut off."""

    def power(self, weights: Weights = Weights()) -> float:
        ammo = max(0.0, min(1.0, self.ammunition))
        raw = (
            self.men
            + weights.tank * self.tanks
            + weights.afv * self.afv
            + weights.artillery * self.artillery * ammo
            + weights.aircraft * self.aircraft
            + weights.helicopter * self.helicopters
        )
        return max(0.0, raw) * self.morale * self.experience * self.supply


@dataclass(frozen=True, slots=True)
class Modifier:
    """A situational multiplier on one side's power, with the reason the log gives."""

    key: str
    factor: float
    side: str
    """'attacker' or 'defender'."""
    reason: str


@dataclass(frozen=True, slots=True)
class CombatInputs:
    attacker: Force
    defender: Force
    modifiers: tuple[Modifier, ...] = ()
    weights: Weights = field(default_factory=Weights)

    def without(self, key: str) -> CombatInputs:
        return replace(self, modifiers=tuple(m for m in self.modifiers if m.key != key))


@dataclass(frozen=True, slots=True)
class Odds:
    attacker_power: float
    defender_power: float
    ratio: float
    probabilities: tuple[tuple[str, float], ...]
    """(result, probability) in RESULTS order; sums to 1."""

    def probability(self, result: str) -> float:
        return dict(self.probabilities)[result]

    @property
    def success(self) -> float:
        """Probability that the hex changes hands."""
        return self.probability("rout") + self.probability("capture")


# Calibration of the result curves (see tests/test_combat_odds.py for the anchor points):
# at 1:1 an attack takes the hex about 15% of the time, at 2:1 about 55%, at 3:1 about 80%.
_CAPTURE_MID = math.log(1.86)
_CAPTURE_SPREAD = 0.36
_ROUT_MID = math.log(3.0)
_ROUT_SPREAD = 0.40
_REPULSE_MID = math.log(0.9)
_REPULSE_SPREAD = 0.40
_MIN_POWER = 1e-6
NO_GAIN_BELOW = 1.0 / 3.0
"""Odds under which an attack cannot take the hex."""
_FULL_CHANCE_FROM = 0.5
"""Odds from which the logistic curve alone sets the chance of taking the hex."""


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def modified_powers(inputs: CombatInputs) -> tuple[float, float]:
    attack = inputs.attacker.power(inputs.weights)
    defend = inputs.defender.power(inputs.weights)
    for m in inputs.modifiers:
        if m.side == "attacker":
            attack *= m.factor
        elif m.side == "defender":
            defend *= m.factor
        else:
            raise ValueError(f"modifier {m.key!r} applies to unknown side {m.side!r}")
    return attack, defend


def odds(inputs: CombatInputs) -> Odds:
    """The distribution of results for an attack. Pure: same inputs, same odds."""
    attack, defend = modified_powers(inputs)
    ratio = max(attack, _MIN_POWER) / max(defend, _MIN_POWER)
    x = math.log(ratio)
    p_taken = _sigmoid((x - _CAPTURE_MID) / _CAPTURE_SPREAD) * _hopeless_fade(ratio)
    p_rout = p_taken * _sigmoid((x - _ROUT_MID) / _ROUT_SPREAD)
    p_repulse = (1.0 - p_taken) * _sigmoid(-(x - _REPULSE_MID) / _REPULSE_SPREAD)
    p_capture = p_taken - p_rout
    p_stalemate = 1.0 - p_taken - p_repulse
    probs = (p_rout, p_capture, p_stalemate, p_repulse)
    total = sum(probs)
    probabilities = tuple((r, p / total) for r, p in zip(RESULTS, probs, strict=True))
    return Odds(attack, defend, ratio, probabilities)


def _hopeless_fade(ratio: float) -> float:
    """1 from 1:2 up, 0 at 1:3 and below, smooth between (so better odds never hurt)."""
    t = (ratio - NO_GAIN_BELOW) / (_FULL_CHANCE_FROM - NO_GAIN_BELOW)
    t = min(1.0, max(0.0, t))
    return t * t * (3.0 - 2.0 * t)


def resolve(distribution: Odds, roll: float) -> str:
    """Map one uniform draw in [0, 1) to a result through the cumulative distribution."""
    if not 0.0 <= roll < 1.0:
        raise ValueError(f"roll must be in [0, 1), got {roll}")
    cumulative = 0.0
    for result, p in distribution.probabilities:
        cumulative += p
        if roll < cumulative:
            return result
    return distribution.probabilities[-1][0]


@dataclass(frozen=True, slots=True)
class Influence:
    """How much one modifier moved the attacker's chance of taking the hex."""

    key: str
    reason: str
    factor: float
    success_with: float
    success_without: float

    @property
    def delta(self) -> float:
        return self.success_with - self.success_without


def influences(inputs: CombatInputs) -> tuple[Influence, ...]:
    """Re-evaluate the odds without each modifier, largest effect first.

    Cheap because odds are apart from rolls; it is what lets the log say which factor
    decided a battle and what would have flipped it.
    """
    base = odds(inputs).success
    out = []
    for m in inputs.modifiers:
        out.append(Influence(m.key, m.reason, m.factor, base, odds(inputs.without(m.key)).success))
    out.sort(key=lambda i: (-abs(i.delta), i.key))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class LossRates:
    """Share of each side's engaged men lost (killed, wounded, captured) in one combat."""

    attacker: float
    defender: float
    equipment_captured: float
    """Share of the defender's lost tanks and armour taken intact by the attacker."""


_BASE_ATTACKER_LOSS = 0.07
_BASE_DEFENDER_LOSS = 0.05
_RESULT_LOSS = {
    # result: (attacker multiplier, defender multiplier, share of lost equipment captured)
    "rout": (0.6, 3.0, 0.5),
    "capture": (0.9, 1.8, 0.3),
    "stalemate": (1.0, 1.0, 0.0),
    "repulse": (1.6, 0.6, 0.0),
}


def loss_rates(result: str, ratio: float) -> LossRates:
    """Losses grow for the side that is outmatched; the result shifts them further.

    Scale: an attack of about 1,000 men on a town held by 2,000 costs the attacker
    roughly 60-120 men and the defender 100-300 in a week's fighting, the order the source
    gives for Shusha ("several hundred men were killed on both sides").
    """
    a_mult, d_mult, captured = _RESULT_LOSS[result]
    ratio = max(ratio, 1e-3)
    attacker = _BASE_ATTACKER_LOSS * a_mult * min(2.0, (1.0 / ratio) ** 0.5)
    defender = _BASE_DEFENDER_LOSS * d_mult * min(2.0, ratio**0.5)
    return LossRates(min(attacker, 0.6), min(defender, 0.9), captured)
