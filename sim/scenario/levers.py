"""`[[levers]]`: named what-ifs, and how a game applies them at set-up as patches to the data.

A lever is a switch (`type = "bool"`, off by default: off is what happened) or a number
(`type = "number"`, its default changes nothing). Its effects name what they touch by id —
events (or the timeline entries events link to with `history`), units, supply records,
blockades — or by a side, so one shared file of levers serves every scenario: an effect whose
targets are not in a scenario does nothing there, and a lever none of whose effects finds a
target is not offered in that scenario (`python main.py levers` says which and why).

Applying levers never runs code from the file and draws nothing: it returns a patched copy of
the scenario (events skipped or switched on, strengths, capacities and blockade reductions
scaled) and the rule settings the phases read from `GameState.levers` (the winter's length,
how hard national morale falls). A lever left at its default changes nothing at all, so a
game with every lever at its default is the very game played without levers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sim.errors import UserError
from sim.scenario.fields import PROVENANCE_KEYS, Fields
from sim.scenario.model import (
    FORCE_FIELDS,
    Effect,
    Event,
    Lever,
    LeverEffect,
    Origin,
    Quantity,
    Scenario,
    Supply,
)
from sim.scenario.problems import Report, describe, suggest
from sim.scenario.records import BLOCKADE_BY, Context
from sim.sides import SIDE_IDS

LEVER_TYPES = ("bool", "number")
LEVER_KEYS = ("id", "name", "description", "type", "default", "min", "max", "effects",
              *PROVENANCE_KEYS)
EFFECT_KEYS: dict[str, tuple[str, ...]] = {
    "skip_events": ("events", "history"),
    "enable_events": ("events", "history"),
    "scale_units": ("units", "side", "forces", "factor"),
    "scale_capacity": ("targets", "factor"),
    "scale_blockades": ("blockades", "by", "factor"),
    "scale_ammunition": ("side", "factor"),
    "winter": (),
    "morale_falls": ("side",),
}
WHEN_KEYS = ("from", "until")
"""Optional on every effect: it applies only in scenarios starting within these dates."""
SWITCH_ONLY = ("skip_events", "enable_events")
NUMBER_ONLY = ("winter", "morale_falls")
SCALES = ("scale_units", "scale_capacity", "scale_blockades", "scale_ammunition")
SELECTORS: dict[str, tuple[str, ...]] = {
    "skip_events": ("events", "history"),
    "enable_events": ("events", "history"),
    "scale_units": ("units", "side"),
    "scale_capacity": ("targets",),
    "scale_blockades": ("blockades", "by"),
    "scale_ammunition": ("side",),
}
WINTER = "winter_months"
"""Rule setting: months the winter starts earlier and ends later (negative: a milder one)."""
MORALE_FALLS = "morale_falls."
"""Rule setting prefix, then a side: the factor on that side's falls in national morale."""
TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")

LeverValue = bool | float


# --- reading ----------------------------------------------------------------------------------


def read_lever(ctx: Context, origin: Origin, table: dict) -> Lever | None:
    f = Fields(ctx.report, origin, table, LEVER_KEYS)
    lever_id = f.text("id", required=True)
    name = f.text("name", required=True, default="") or ""
    description = f.text("description", required=True, default="") or ""
    kind = f.choice("type", LEVER_TYPES, required=True)
    default, low, high = _default_and_bounds(f, kind)
    effects = []
    for i, effect_table in f.tables("effects"):
        effect_origin = Origin(origin.file, origin.path + ("effects", i))
        effect = _read_effect(ctx.report, effect_origin, effect_table, kind)
        if effect is not None:
            effects.append(effect)
    if not f.has("effects") or table.get("effects") == []:
        f.problem("effects", expected="at least one effect", found="none")
    prov = f.provenance()
    if prov is None:
        f.problem(
            (),
            'a lever is a claim about what could have been: add source = "..." '
            '(or estimate = true with why = "...")',
        )
    if lever_id is None or kind is None:
        return None
    return Lever(lever_id, name, description, kind, default, low, high, tuple(effects), prov,
                 origin)


def _default_and_bounds(f: Fields, kind: str | None) -> tuple[float, float | None, float | None]:
    if kind == "bool":
        for key in ("min", "max"):
            if f.has(key):
                f.problem(key, f'{key} goes with type = "number"')
        default = f.flag("default", required=True)
        if default is True:
            f.problem("default", 'a switch is off by default (off is what happened): default = '
                      'false; describe the what-if as the switch turned on')
        return 0.0, None, None
    if kind != "number":
        return 0.0, None, None
    low = f.number("min", required=True)
    high = f.number("max", required=True)
    default = f.number("default", required=True)
    if low is not None and high is not None and low > high:
        f.problem("max", expected=f"a number >= min ({describe(low)})", found=describe(high))
    elif default is not None and low is not None and high is not None:
        if not low <= default <= high:
            f.problem("default", expected=f"a number between min and max ({low} to {high})",
                      found=describe(default))
    return default if default is not None else 0.0, low, high


def _read_effect(
    report: Report, origin: Origin, table: dict, kind: str | None
) -> LeverEffect | None:
    effect_type = table.get("type")
    if not isinstance(effect_type, str) or effect_type not in EFFECT_KEYS:
        what = "one of " + ", ".join(f'"{t}"' for t in EFFECT_KEYS)
        if "type" not in table:
            report.add(origin, (), f'missing key "type" (expected {what})')
        else:
            hint = suggest(effect_type, EFFECT_KEYS) if isinstance(effect_type, str) else None
            report.add(origin, ("type",), expected=what, found=describe(effect_type),
                       suggestion=hint)
        return None
    f = Fields(report, origin, table, ("type", *EFFECT_KEYS[effect_type], *WHEN_KEYS))
    if kind == "number" and effect_type in SWITCH_ONLY:
        f.problem("type", f'"{effect_type}" needs a switch: type = "bool" on the lever')
    if kind == "bool" and effect_type in NUMBER_ONLY:
        f.problem("type", f'"{effect_type}" takes the lever\'s number: type = "number"')
    values: dict = {}
    for key in ("events", "history", "units", "targets", "blockades"):
        if key in EFFECT_KEYS[effect_type]:
            values[key] = f.texts(key)
    if "side" in EFFECT_KEYS[effect_type]:
        needed = effect_type in ("morale_falls", "scale_ammunition")
        values["side"] = f.choice("side", SIDE_IDS, required=needed)
    if "forces" in EFFECT_KEYS[effect_type]:
        forces = []
        for i, name in enumerate(f.texts("forces")):
            if name in FORCE_FIELDS:
                forces.append(name)
            else:
                f.problem(("forces", i), expected="one of " + ", ".join(FORCE_FIELDS),
                          found=describe(name), suggestion=suggest(name, FORCE_FIELDS))
        values["forces"] = tuple(forces)
    values["starts_from"], values["starts_until"] = f.date("from"), f.date("until")
    if "by" in EFFECT_KEYS[effect_type]:
        values["by"] = f.choice("by", BLOCKADE_BY)
    if effect_type in SCALES:
        if kind == "bool":
            values["factor"] = f.number("factor", lo=0, hi=100, required=True)
        elif f.has("factor"):
            f.problem("factor", "a number lever's value is the factor; leave factor out")
    selectors = SELECTORS.get(effect_type, ())
    if selectors and not any(f.has(k) for k in selectors):
        f.problem((), "expected something to act on: " + " or ".join(selectors))
    return LeverEffect(effect_type, **values, where=origin)


# --- what a lever finds in a scenario ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reach:
    """What a lever would act on in one scenario."""

    lever: Lever
    found: tuple[str, ...]
    """Each record or rule it changes, as 'event mutalibov-resigns', 'unit arm-goris', ..."""
    missing: tuple[str, ...]
    """Ids it names that this scenario does not have."""

    @property
    def offered(self) -> bool:
        return bool(self.found)


def reach(lever: Lever, scenario: Scenario) -> Reach:
    found: list[str] = []
    missing: list[str] = []
    for effect in lever.effects:
        got, absent = _effect_reach(effect, scenario)
        found.extend(x for x in got if x not in found)
        missing.extend(x for x in absent if x not in missing)
    return Reach(lever, tuple(found), tuple(missing))


def _effect_reach(effect: LeverEffect, scenario: Scenario) -> tuple[list[str], list[str]]:
    t = effect.type
    if not effect.applies_to(scenario.start):
        since = f" from {effect.starts_from}" if effect.starts_from else ""
        until = f" until {effect.starts_until}" if effect.starts_until else ""
        return [], [f"{t} (only in scenarios starting{since}{until})"]
    if t in ("skip_events", "enable_events"):
        pool = scenario.events + scenario.dormant_events
        if t == "enable_events":
            pool = scenario.dormant_events
        hits = [e for e in pool if _event_matches(effect, e)]
        ids = {e.id for e in hits}
        links = {e.history for e in hits if e.history}
        absent = [f"event {x}" for x in effect.events if x not in ids]
        absent += [f"history {x}" for x in effect.history if x not in links]
        return [f"event {e.id}" for e in hits], absent
    if t == "scale_units":
        hits = [u.id for u in scenario.units if u.id in effect.units or u.side == effect.side]
        known = {u.id for u in scenario.units}
        return [f"unit {u}" for u in hits], [f"unit {u}" for u in effect.units if u not in known]
    if t == "scale_capacity":
        supply = scenario.supply
        known = [r.id for r in (*supply.sources, *supply.lines, *supply.airlifts)]
        hits = [x for x in known if x in effect.targets]
        absent = [f"supply {x}" for x in effect.targets if x not in known]
        return [f"supply {x}" for x in hits], absent
    if t == "scale_blockades":
        hits = [b.id for b in scenario.blockades if b.id in effect.blockades or b.by == effect.by]
        known = {b.id for b in scenario.blockades}
        absent = [f"blockade {b}" for b in effect.blockades if b not in known]
        return [f"blockade {b}" for b in hits], absent
    if t == "scale_ammunition":
        hits = [s.id for s in scenario.sides if s.id == effect.side]
        return [f"ammunition {s}" for s in hits], []
    if t == "winter":
        return ["rule: length of the winter"], []
    if t == "morale_falls":
        return [f"rule: falls in {effect.side} national morale"], []
    return [], []


def _event_matches(effect: LeverEffect, event: Event) -> bool:
    return event.id in effect.events or (event.history is not None and event.history in
                                         effect.history)


def check_levers(report: Report, levers: Sequence[Lever]) -> None:
    """Lever ids are unique (targets may be absent: see the module docstring)."""
    seen: dict[str, Lever] = {}
    for lever in levers:
        first = seen.setdefault(lever.id, lever)
        if first is not lever:
            report.add(lever.where, ("id",), f"lever id {describe(lever.id)} is used twice "
                       f"(also at {report.where(first.where, ('id',))})")


# --- values given by the user -----------------------------------------------------------------


def lever_named(scenario: Scenario, lever_id: str) -> Lever:
    """The scenario's lever with this id, offered in it; else a UserError saying why not."""
    for lever in scenario.levers:
        if lever.id == lever_id:
            r = reach(lever, scenario)
            if not r.offered:
                raise UserError(
                    f"lever {lever_id!r} does nothing in scenario {scenario.id}: none of what"
                    f" it acts on is there ({', '.join(r.missing) or 'nothing named'})"
                )
            return lever
    known = [lv.id for lv in scenario.levers]
    hint = suggest(lever_id, known)
    where = f"; did you mean {hint!r}?" if hint else ""
    listing = ", ".join(known) if known else "none"
    raise UserError(
        f"no lever {lever_id!r} in scenario {scenario.id}{where} (levers: {listing}; see"
        f" python main.py levers {scenario.id})"
    )


def parse_value(lever: Lever, value: object) -> LeverValue:
    """A value for the lever from the command line (text) or a file (bool or number)."""
    if lever.type == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
            return value.strip().lower() in TRUE_WORDS
        raise UserError(f"lever {lever.id} is a switch: give true or false, not {value!r}")
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    assert lever.low is not None and lever.high is not None
    if number is None or not math.isfinite(number) or not lever.low <= number <= lever.high:
        raise UserError(
            f"lever {lever.id} takes a number from {_num(lever.low)} to {_num(lever.high)}"
            f" (default {_num(lever.default)}), not {value!r}"
        )
    return number


def lever_values(scenario: Scenario, given: Mapping[str, object] | None) -> dict[str, LeverValue]:
    """The values given, checked, in the order the levers are declared."""
    given = dict(given or {})
    checked = {lid: parse_value(lever_named(scenario, lid), v) for lid, v in given.items()}
    return {lv.id: checked[lv.id] for lv in scenario.levers if lv.id in checked}


def default_value(lever: Lever) -> LeverValue:
    return False if lever.type == "bool" else lever.default


def value_text(value: LeverValue) -> str:
    """How a lever's value is written in tables: true/false, or the number."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _num(value)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# --- applying ---------------------------------------------------------------------------------


def apply_levers(
    scenario: Scenario, values: Mapping[str, LeverValue]
) -> tuple[Scenario, dict[str, float]]:
    """The scenario as the levers patch it, and the rule settings for `GameState.levers`.

    `values` must come from `lever_values`. Levers at their default are left out entirely.
    """
    rules: dict[str, float] = {}
    for lever in scenario.levers:
        if lever.id not in values or values[lever.id] == default_value(lever):
            continue
        value = values[lever.id]
        for effect in lever.effects:
            if effect.applies_to(scenario.start):
                scenario = _apply(scenario, lever, effect, value, rules)
    return scenario, rules


def _apply(
    scenario: Scenario, lever: Lever, effect: LeverEffect, value: LeverValue,
    rules: dict[str, float],
) -> Scenario:
    t = effect.type
    if t in SCALES:
        factor = effect.factor if lever.type == "bool" else float(value)
        assert factor is not None
    if t == "skip_events":
        return replace(
            scenario,
            events=tuple(e for e in scenario.events if not _event_matches(effect, e)),
            dormant_events=tuple(
                e for e in scenario.dormant_events if not _event_matches(effect, e)
            ),
        )
    if t == "enable_events":
        woken = tuple(replace(e, enabled=True) for e in scenario.dormant_events
                      if _event_matches(effect, e))
        return replace(
            scenario,
            events=scenario.events + woken,
            dormant_events=tuple(
                e for e in scenario.dormant_events if not _event_matches(effect, e)
            ),
        )
    if t == "scale_units":
        forces = effect.forces or FORCE_FIELDS
        units = tuple(
            replace(u, **{k: scaled(u.force(k), factor) for k in forces})
            if u.id in effect.units or u.side == effect.side else u
            for u in scenario.units
        )
        return replace(scenario, units=units)
    if t == "scale_ammunition":
        sides = tuple(
            replace(s, ammunition=scaled(s.ammunition, factor)) if s.id == effect.side else s
            for s in scenario.sides
        )
        return replace(scenario, sides=sides)
    if t == "scale_capacity":
        s = scenario.supply

        def cap(records: Iterable) -> tuple:
            return tuple(
                replace(r, capacity=scaled(r.capacity, factor)) if r.id in effect.targets else r
                for r in records
            )

        return replace(scenario, supply=Supply(cap(s.sources), cap(s.lines), cap(s.airlifts)))
    if t == "scale_blockades":
        blockades = tuple(
            replace(b, reduction=scaled(b.reduction, factor, ceiling=1.0))
            if b.id in effect.blockades or b.by == effect.by else b
            for b in scenario.blockades
        )
        return replace(scenario, blockades=blockades)
    if t == "winter":
        rules[WINTER] = float(value)
        return scenario
    if t == "morale_falls":
        side = effect.side or ""
        falls = 1.0 / float(value) if float(value) > 0 else 1.0
        rules[MORALE_FALLS + side] = falls
        return replace(scenario, events=tuple(_soften(e, side, falls) for e in scenario.events),
                       dormant_events=tuple(_soften(e, side, falls)
                                            for e in scenario.dormant_events))
    return scenario


def _soften(event: Event, side: str, falls: float) -> Event:
    """Scale the event's falls in `side`'s national morale (never its rises)."""

    def one(effect: Effect) -> Effect:
        d = effect.delta
        if effect.type != "national_morale" or effect.side != side or d is None:
            return effect
        top = d.value if d.value is not None else d.high
        if top is None or top > 0:
            return effect
        return replace(effect, delta=scaled(d, falls))

    effects = tuple(one(e) for e in event.effects)
    return event if effects == event.effects else replace(event, effects=effects)


def scaled(q: Quantity, factor: float, ceiling: float | None = None) -> Quantity:
    """The quantity times `factor` (a range scales both ends), capped at `ceiling`."""

    def f(x: float | None) -> float | None:
        if x is None:
            return None
        y = x * factor
        return min(y, ceiling) if ceiling is not None else y

    return replace(q, value=f(q.value), low=f(q.low), high=f(q.high))
