"""The schema of `[[events]]`: when an event fires (a date or a trigger) and what it changes.

Effect tables are checked against the keys their `type` takes, so a `unit` on a
`national_morale` effect is reported rather than silently ignored. Ids an effect names
(units, supply records, blockades, events) are checked later, once every record is read.
"""

from __future__ import annotations

from typing import Any

from sim.scenario.fields import PROVENANCE_KEYS, Fields
from sim.scenario.model import ONE, Effect, Event, Origin, Provenance, Trigger
from sim.scenario.problems import describe, suggest
from sim.scenario.records import Context
from sim.sides import SIDE_IDS

EVENT_KINDS = (
    "political",
    "reinforcement",
    "withdrawal",
    "aid",
    "blockade",
    "mobilisation",
    "ceasefire",
    "other",
)
EVENT_KEYS = (
    "id", "date", "trigger", "kind", "text", "effects", "history", "enabled", *PROVENANCE_KEYS
)
TRIGGER_KEYS = {
    "place_captured": ("place_captured", "by"),
    "morale_below": ("morale_below", "side"),
    "event": ("event", "days_after"),
}
EFFECT_KEYS = {
    "national_morale": ("side", "delta"),
    "ammunition": ("side", "delta"),
    "arrive": ("unit",),
    "withdraw": ("unit", "fraction"),
    "capacity": ("target", "factor"),
    "blockade": ("blockade", "active"),
    "unit_morale": ("unit", "delta"),
    "ceasefire": (),
}


def read_event(ctx: Context, origin: Origin, table: dict) -> Event | None:
    f = Fields(ctx.report, origin, table, EVENT_KEYS)
    prov = f.provenance()
    event_id = f.text("id", required=True)
    kind = f.choice("kind", EVENT_KINDS, required=True) or ""
    text = f.text("text", required=True, default="") or ""
    history = f.text("history")
    enabled = f.flag("enabled", default=True)
    day = f.date("date")
    trigger = None
    if f.has("date") == f.has("trigger"):
        f.problem((), "expected either date = ... or trigger = { ... }, not both or neither")
    elif f.has("date"):
        ctx.within(f, "date", day)
    else:
        trigger_table = f.table_of("trigger")
        if trigger_table is not None:
            trigger_origin = Origin(origin.file, origin.path + ("trigger",))
            trigger = read_trigger(ctx, trigger_origin, trigger_table)
    effects = []
    for i, effect_table in f.tables("effects"):
        effect_origin = Origin(origin.file, origin.path + ("effects", i))
        effect, borrows = read_effect(ctx, effect_origin, effect_table, prov)
        f.borrows_provenance |= borrows
        if effect is not None:
            effects.append(effect)
    f.need_provenance(prov)
    if event_id is None:
        return None
    return Event(
        event_id, kind, text, day, trigger, tuple(effects), history, prov, origin,
        enabled=enabled is not False,
    )


def read_trigger(ctx: Context, origin: Origin, table: dict) -> Trigger | None:
    kinds = [k for k in TRIGGER_KEYS if k in table]
    if len(kinds) != 1:
        found = ", ".join(kinds) if kinds else ", ".join(table) or "an empty table"
        hints = (suggest(k, TRIGGER_KEYS) for k in table)
        hint = next((h for h in hints if h), None)
        ctx.report.add(
            origin,
            (),
            expected="one of place_captured, morale_below or event",
            found=found,
            suggestion=hint,
        )
        return None
    kind = kinds[0]
    f = Fields(ctx.report, origin, table, TRIGGER_KEYS[kind])
    if kind == "place_captured":
        name = f.text("place_captured", required=True)
        side = f.choice("by", SIDE_IDS, required=True)
        place = ctx.refs.place(origin, ("place_captured",), name) if name else None
        return Trigger(kind, place=place.id if place else None, side=side)
    if kind == "morale_below":
        threshold = f.number("morale_below", 0, 2, required=True)
        side = f.choice("side", SIDE_IDS, required=True)
        return Trigger(kind, side=side, threshold=threshold)
    event = f.text("event", required=True)
    days = f.integer("days_after", lo=0, hi=3650, default=0) or 0
    return Trigger(kind, event=event, days_after=days)


def read_effect(
    ctx: Context, origin: Origin, table: dict, prov: Provenance | None
) -> tuple[Effect | None, bool]:
    """One effect, and whether its numbers need the event's provenance."""
    effect_type = table.get("type")
    if not isinstance(effect_type, str) or effect_type not in EFFECT_KEYS:
        what = "one of " + ", ".join(f'"{t}"' for t in EFFECT_KEYS)
        if "type" not in table:
            ctx.report.add(origin, (), f'missing key "type" (expected {what})')
        else:
            hint = suggest(effect_type, EFFECT_KEYS) if isinstance(effect_type, str) else None
            ctx.report.add(
                origin, ("type",), expected=what, found=describe(effect_type), suggestion=hint
            )
        return None, False
    keys = EFFECT_KEYS[effect_type]
    f = Fields(ctx.report, origin, table, ("type", *keys))
    values: dict[str, Any] = {}
    if "side" in keys:
        values["side"] = f.choice("side", SIDE_IDS, required=True)
    for key in ("unit", "target", "blockade"):
        if key in keys:
            values[key] = f.text(key, required=True)
    if "delta" in keys:
        bound = None if effect_type == "ammunition" else 2.0
        lo = None if bound is None else -bound
        values["delta"] = f.quantity("delta", lo, bound, None, prov, required=True)
    if "fraction" in keys:
        values["fraction"] = f.quantity("fraction", 0, 1, ONE, prov)
    if "factor" in keys:
        values["factor"] = f.quantity("factor", 0, None, None, prov, required=True)
    if "active" in keys:
        values["active"] = f.flag("active", required=True)
    return Effect(effect_type, **values, where=origin), f.borrows_provenance
