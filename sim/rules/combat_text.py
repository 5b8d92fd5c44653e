"""The sentences of the combat log, rendered from the entry's data.

Kept apart from the rules so the wording can change without touching a number: every
function here takes values the combat phase has already decided and only phrases them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sim.rules.combat_odds import CombatInputs, Modifier, Odds
from sim.sides import SIDE_ADJECTIVES

EQUIPMENT_WORDS: tuple[tuple[str, str, str], ...] = (
    ("tanks", "tank", "tanks"),
    ("afv", "armoured vehicle", "armoured vehicles"),
    ("artillery", "gun", "guns"),
    ("aircraft", "aircraft", "aircraft"),
    ("helicopters", "helicopter", "helicopters"),
)

MODIFIER_LABELS: dict[str, str] = {
    "elevation": "height",
    "fortification": "dug in",
    "river": "river crossing",
    "concentric": "concentric attack",
    "winter": "winter",
    "weather": "winter cloud",
    "surprise": "surprise",
}

WITHOUT: dict[str, str] = {
    "terrain": "on open ground",
    "settlement": "outside the settlement",
    "elevation": "without the defenders' height",
    "fortification": "had the defenders not dug in",
    "river": "without a river to cross",
    "concentric": "attacking from one side only",
    "winter": "out of winter",
    "weather": "with clear skies for the aircraft",
    "surprise": "without surprise",
}
"""How a counterfactual without each modifier is put in a sentence."""

RESULT_WORDS: dict[str, str] = {
    "rout": "{place} taken, the defenders routed",
    "capture": "{place} captured",
    "stalemate": "neither side gained ground",
    "repulse": "the attack was repulsed",
}


def number(x: float) -> str:
    """A strength as a reader wants it: rounded, with thousands separators."""
    return f"{round(x):,}"


def count(n: float, one: str, many: str) -> str:
    r = round(n)
    return f"{r:,} {one if r == 1 else many}"


def equipment(totals: Mapping[str, float]) -> list[str]:
    """'4 tanks', '6 armoured vehicles' ... for the equipment present (rounded, at least 1)."""
    return [
        count(totals.get(key, 0.0), one, many)
        for key, one, many in EQUIPMENT_WORDS
        if round(totals.get(key, 0.0)) >= 1
    ]


def force_summary(units: Sequence[Mapping[str, Any]]) -> str:
    """'3 units, 1,100 men, 4 tanks' from unit snapshots (air crews not counted as men)."""
    totals: dict[str, float] = {}
    for u in units:
        for key, value in u["before"].items():
            if key == "men" and u.get("air"):
                continue
            totals[key] = totals.get(key, 0.0) + value
    parts = [count(len(units), "unit", "units"), f"{number(totals.get('men', 0.0))} men"]
    return ", ".join(parts + equipment(totals))


def modifier_label(m: Modifier, terrain: str, settlement_kind: str | None) -> str:
    if m.key == "terrain":
        return terrain.replace("_", " ")
    if m.key == "settlement":
        return settlement_kind or "settlement"
    return MODIFIER_LABELS.get(m.key, m.key.replace("_", " "))


def modifiers_phrase(
    modifiers: Sequence[Modifier], terrain: str, settlement_kind: str | None
) -> str:
    """'mountain ×1.6 and town ×1.3 for the defender; winter ×0.85 for the attacker'."""
    parts = []
    for side in ("defender", "attacker"):
        mine = [
            f"{modifier_label(m, terrain, settlement_kind)} ×{m.factor:.2f}"
            for m in modifiers
            if m.side == side
        ]
        if mine:
            joined = ", ".join(mine[:-1]) + (" and " if len(mine) > 1 else "") + mine[-1]
            parts.append(f"{joined} for the {side}")
    return "; ".join(parts)


def force_factors_phrase(inputs: CombatInputs, supply: tuple[str, str]) -> str:
    """Supply, morale and shells of both sides where they differ from ordinary."""
    parts = []
    for role, force, word in (
        ("attacker", inputs.attacker, supply[0]),
        ("defender", inputs.defender, supply[1]),
    ):
        if force.supply < 0.995:
            parts.append(f"{role} {word} (×{force.supply:.2f})")
        if abs(force.morale - 1.0) >= 0.05:
            parts.append(f"{role} morale {force.morale:.1f}")
        if force.artillery >= 0.5 and force.ammunition < 0.995:
            parts.append(f"{role}'s guns at {force.ammunition:.0%} of their shells")
    return "; ".join(parts)


def odds_phrase(o: Odds) -> str:
    shares = ", ".join(f"{r} {share_words(p)}" for r, p in o.probabilities)
    return f"Odds {o.ratio:.2f}:1 — {shares}"


def share_words(p: float) -> str:
    """A percentage that never shows a possible result as 0% or a possible failure as 100%."""
    if 0.0 < p < 0.005:
        return "<1%"
    if 0.995 <= p < 1.0:
        return ">99%"
    return f"{p:.0%}"


def outcome_phrase(result: str, place_words: str) -> str:
    return RESULT_WORDS[result].format(place=place_words)


def flip_phrase(flip: Mapping[str, Any] | None, success: bool, target_words: str) -> str:
    """'With their supply intact, the defenders would have held in 61%.'"""
    if not flip:
        return ""
    change = flip["change"]
    change = change[0].upper() + change[1:]
    if success:
        return f"{change}, the defenders would have held in {1.0 - flip['success']:.0%}."
    return f"{change}, the attack would have taken {target_words} in {flip['success']:.0%}."


def combat_sentence(
    *,
    side: str,
    defender_side: str,
    attackers: Sequence[Mapping[str, Any]],
    defenders: Sequence[Mapping[str, Any]],
    target_words: str,
    place_words: str,
    inputs: CombatInputs,
    supply: tuple[str, str],
    terrain: str,
    settlement_kind: str | None,
    o: Odds,
    roll: float,
    result: str,
    losses: Mapping[str, Mapping[str, float]],
    captured: Mapping[str, float],
    flip: Mapping[str, Any] | None,
    aftermath: str = "",
) -> str:
    """The whole entry in a paragraph a reader can follow."""
    adj, dadj = SIDE_ADJECTIVES[side], SIDE_ADJECTIVES[defender_side]
    def_totals: dict[str, float] = {}
    for u in defenders:
        for key, value in u["before"].items():
            def_totals[key] = def_totals.get(key, 0.0) + value
    kit = equipment({k: v for k, v in def_totals.items() if k != "men"})
    held = f"held by {number(def_totals.get('men', 0.0))} {dadj} troops"
    if kit:
        held += " with " + _and(kit)
    text = f"{adj} forces ({force_summary(attackers)}) attacked {target_words}, {held}."
    situation = "; ".join(
        p for p in (modifiers_phrase(inputs.modifiers, terrain, settlement_kind),
                    force_factors_phrase(inputs, supply)) if p
    )
    if situation:
        text += " " + situation[0].upper() + situation[1:] + "."
    text += f" {odds_phrase(o)}; roll {roll:.2f}: {outcome_phrase(result, place_words)}."
    lost_a = losses.get(side, {}).get("men", 0.0)
    lost_d = losses.get(defender_side, {}).get("men", 0.0)
    text += f" Losses: {number(lost_a)} {adj} and {number(lost_d)} {dadj} men"
    taken = equipment(captured)
    text += (f"; {_and(taken)} captured." if taken else ".")
    if aftermath:
        text += " " + aftermath
    flip_text = flip_phrase(flip, result in ("rout", "capture"), target_words)
    if flip_text:
        text += " " + flip_text
    return text


def aftermath_phrase(
    retreated: int, steps: int, surrendered: int, surrendered_men: float, advanced: int
) -> str:
    """What became of the units: who fell back, who gave up, who moved in."""
    parts = []
    if retreated:
        hexes = "hex" if steps == 1 else "hexes"
        parts.append(f"{count(retreated, 'defending unit', 'defending units')} fell back "
                     f"{'one' if steps == 1 else steps} {hexes}")
    if surrendered:
        parts.append(f"{count(surrendered, 'unit', 'units')} ({number(surrendered_men)} men) "
                     "had nowhere to go and surrendered")
    if advanced:
        parts.append(f"{count(advanced, 'attacking unit', 'attacking units')} moved in")
    if not parts:
        return ""
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
