"""How hard the enemy could hit one of our hexes this turn: the rules' odds, turned round.

An attack needs its ground units next to the target when the orders are given, so this
turn's danger to a hex is an attack by the visible enemy units next to it. The AI weighs it
with the same pure function it weighs its own attacks with (`plan_attack` and `odds`, from
the enemy's side): terrain, height, the town, digging in, supply and morale all count as the
rules will count them. What the side cannot see it allows for with `UNSEEN_SUPPORT`: enemy
aircraft and helicopters are never in its view, but every commander knew the other side had
them.

The odds depend only on the ratio of the modified powers, so one estimate answers "how
likely is the hex lost" and "how much more strength would make it safe" alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sim.ai.view import SideView
from sim.rules.combat_inputs import legal_attack
from sim.rules.combat_odds import CombatInputs, Force, modified_powers, odds

UNSEEN_SUPPORT = 1.25
"""Enemy attacking power is taken this much above what is seen (air support, guns behind)."""


def success_at(ratio: float) -> float:
    """The rules' chance that an attack at this modified power ratio takes the hex."""
    return odds(CombatInputs(Force(men=max(ratio, 1e-6)), Force(men=1.0))).success


@lru_cache(maxsize=64)
def ratio_for(success: float) -> float:
    """The power ratio at which an attack takes the hex with chance `success` (0 < s < 1)."""
    lo, hi = -6.0, 6.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if success_at(math.exp(mid)) < success:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


@dataclass(frozen=True, slots=True)
class Danger:
    """The enemy's best attack on one of our hexes this turn, as far as we can see."""

    index: int
    attack: float
    """Enemy power after modifiers, with the allowance for unseen support."""
    defence: float
    """Our power in the hex after modifiers."""
    scale: float
    """Our modifiers' product: modified power per point of a unit's strength moved in."""

    def success(self, extra: float = 0.0) -> float:
        """Chance the enemy takes the hex, with `extra` strength added to the defenders."""
        return success_at(self.attack / max(self.defence + extra * self.scale, 1e-6))

    def strength_for(self, success: float) -> float:
        """Strength to add to the defenders to bring the enemy's chance down to `success`."""
        need = self.attack / ratio_for(round(success, 3))
        return max(0.0, (need - self.defence) / max(self.scale, 1e-6))


def danger_at(view: SideView, index: int, attackers: Sequence[str]) -> Danger | None:
    """The danger to our hex `index` from the visible enemy ground units `attackers` (next to
    it), or None if the rules would not allow that attack."""
    plan = legal_attack(
        view.state, index, attackers, view.season,
        side=view.enemy, last_combat=view.state.last_combat,
    )
    if plan is None:
        return None
    attack, defence = modified_powers(plan.inputs)
    raw = plan.inputs.defender.power(plan.inputs.weights)
    scale = defence / raw if raw > 0 else 1.0
    return Danger(index, attack * UNSEEN_SUPPORT, defence, scale)
