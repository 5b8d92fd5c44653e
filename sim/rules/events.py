"""The events phase: what the scenario says happens this turn, before anyone moves.

A change dated within a turn takes effect at the start of that turn (the turn covers its
days, and everything in it is resolved at once). So at the start of each turn:

- every scenario event dated on or before the turn's last day that has not fired, fires;
- every triggered event whose trigger holds fires:
  `place_captured` when last turn's control phase recorded the place changing hands to the
  named side (`GameState.last_captures`) and that side still holds it, so a place held from
  the start never counts as captured; `morale_below` when the side's national morale is under
  the threshold; `event` once the other event has fired and `days_after` days have passed
  since it did by the end of this turn;
- units arrive and withdraw on their own dates (`arrives`, `withdraws` in the scenario);
- supply lines opening or closing, airlifts ending and blockades beginning or ending on
  their dates are announced (the supply phase applies them; see `sim.rules.supply`).

Events fire once each, in file order, in passes until none is left to fire, so an event
waiting for another with `days_after = 0` fires in the same turn. `GameState.event_dates`
keeps the day each event took effect: its own date, or for a triggered event the first day
of the turn (or, for an `event` trigger, the day its wait ran out, if later). Ranges in
effects are drawn from the game's generator in that same order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from sim.hexgrid import distance_array
from sim.rules.context import TurnContext
from sim.rules.supply import (
    airlift_in_service,
    blockade_active,
    blockade_text,
    channel_name,
)
from sim.rules.supply_words import capitalised, place_at, strength, where
from sim.scenario.model import FORCE_FIELDS, Blockade, Effect, Event, Provenance
from sim.sides import SIDE_ADJECTIVES, SIDE_CODES, other_side
from sim.state import UNIT_ACTIVE, UNIT_WAITING, UNIT_WITHDRAWN, GameState, UnitState

MORALE_RANGE = (0.0, 2.0)
"""National and unit morale stay within the scenario format's bounds."""

Follow = tuple[str, str, dict[str, Any]]
"""A further entry an effect asks for: (kind, text, data)."""


def run(ctx: TurnContext) -> None:
    """Fire this turn's events, then the units' own dates, then announce supply dates."""
    _scenario_events(ctx)
    _unit_dates(ctx)
    _supply_dates(ctx)


# --- scenario events ----------------------------------------------------------------------------


def _scenario_events(ctx: TurnContext) -> None:
    state = ctx.state
    fired = set(state.fired_events)
    waiting = [e for e in state.scenario.events if e.id not in fired]
    progress = True
    while progress:
        progress = False
        for ev in waiting:
            if ev.id in fired:
                continue
            when = _due(ctx, ev)
            if when is None:
                continue
            _fire(ctx, ev, when)
            fired.add(ev.id)
            progress = True


def _due(ctx: TurnContext, ev: Event) -> dt.date | None:
    """The day `ev` takes effect if it fires this turn, else None."""
    state = ctx.state
    if ev.date is not None:
        return ev.date if ev.date <= ctx.last_day else None
    t = ev.trigger
    if t is None:
        return None
    if t.kind == "place_captured":
        changed = any(p == t.place and to == t.side for p, _, to in state.last_captures)
        return ctx.date if changed and t.place and state.holder_of(t.place) == t.side else None
    if t.kind == "morale_below":
        morale = state.national_morale.get(t.side or "", 1.0)
        return ctx.date if t.threshold is not None and morale < t.threshold else None
    if t.kind == "event":
        if t.event not in state.fired_events:
            return None
        since = state.event_dates.get(t.event)
        start = dt.date.fromisoformat(since) if since else ctx.date
        due = start + dt.timedelta(days=t.days_after)
        return max(due, ctx.date) if due <= ctx.last_day else None
    return None


def _fire(ctx: TurnContext, ev: Event, when: dt.date) -> None:
    state = ctx.state
    applied: list[dict[str, Any]] = []
    follows: list[Follow] = []
    for effect in ev.effects:
        summary, more = _apply(ctx, ev, effect, when)
        applied.append(summary)
        follows.extend(more)
    state.fired_events.append(ev.id)
    state.event_dates[ev.id] = when.isoformat()
    data: dict[str, Any] = {
        "event": ev.id,
        "event_kind": ev.kind,
        "fired_on": when,
        "trigger": _trigger_data(ev),
        "effects": applied,
        "source": ev.provenance.cite() if ev.provenance else "",
    }
    if ev.trigger is not None and ev.trigger.kind == "place_captured" and ev.trigger.place:
        data["place"] = ev.trigger.place
    history = {"id": ev.history} if ev.history else None
    ctx.record("event", ev.text, data, history)
    for kind, text, more in follows:
        ctx.record(kind, text, more)


def _trigger_data(ev: Event) -> dict[str, Any] | None:
    t = ev.trigger
    if t is None:
        return None
    if t.kind == "place_captured":
        return {"type": t.kind, "place": t.place, "by": t.side}
    if t.kind == "morale_below":
        return {"type": t.kind, "side": t.side, "threshold": t.threshold}
    return {"type": t.kind, "event": t.event, "days_after": t.days_after}


def _apply(
    ctx: TurnContext, ev: Event, effect: Effect, when: dt.date
) -> tuple[dict[str, Any], list[Follow]]:
    """Apply one effect; return what changed (before/after) and any entries to follow."""
    state = ctx.state
    kind = effect.type
    out: dict[str, Any] = {"type": kind}
    if kind in ("national_morale", "ammunition"):
        side = effect.side or ""
        delta = effect.delta.resolve(ctx.rng, ctx.state.midpoint) if effect.delta else 0.0
        stock = state.national_morale if kind == "national_morale" else state.ammunition
        before = stock.get(side, 1.0 if kind == "national_morale" else 0.0)
        after = before + delta
        after = _clamp_morale(after) if kind == "national_morale" else max(0.0, after)
        stock[side] = after
        out.update(side=side, delta=delta, before=before, after=after)
        return out, []
    if kind == "unit_morale":
        u = state.units[effect.unit or ""]
        delta = effect.delta.resolve(ctx.rng, ctx.state.midpoint) if effect.delta else 0.0
        before = u.morale
        u.morale = _clamp_morale(before + delta)
        out.update(unit=u.id, delta=delta, before=before, after=u.morale)
        return out, []
    if kind == "capacity":
        target = effect.target or ""
        factor = effect.factor.resolve(ctx.rng, ctx.state.midpoint) if effect.factor else 1.0
        before = state.capacity_factor.get(target, 1.0)
        state.capacity_factor[target] = before * factor
        out.update(target=target, factor=factor, before=before, after=before * factor)
        return out, []
    if kind == "blockade":
        blockade = _blockade(state, effect.blockade or "")
        before = blockade_active(blockade, state, ctx.last_day) if blockade else None
        state.blockades[effect.blockade or ""] = bool(effect.active)
        out.update(blockade=effect.blockade, before=before, after=bool(effect.active))
        return out, []
    if kind == "ceasefire":
        out.update(before=state.ceasefire, after=True)
        state.ceasefire = True
        return out, []
    if kind == "arrive":
        u = state.units[effect.unit or ""]
        out["unit"] = u.id
        if u.status != UNIT_WAITING:
            out.update(result=f"not waiting ({u.status})")
            return out, []
        follow = arrive(state, u, when, cause=ev.id)
        out.update(result=u.status, hex=follow[2]["hex"], moved=follow[2]["moved"])
        return out, [follow]
    if kind == "withdraw":
        u = state.units[effect.unit or ""]
        fraction = effect.fraction.resolve(ctx.rng, ctx.state.midpoint) if effect.fraction else 1.0
        out.update(unit=u.id, fraction=fraction, before=u.strength(), status_before=u.status)
        follow = withdraw(state, u, fraction, when, cause=ev.id)
        out.update(after=u.strength(), status_after=u.status)
        return out, [follow] if follow else []
    out["result"] = "unknown effect"
    return out, []


def _clamp_morale(x: float) -> float:
    return min(MORALE_RANGE[1], max(MORALE_RANGE[0], x))


def _blockade(state: GameState, blockade_id: str) -> Blockade | None:
    return next((b for b in state.scenario.blockades if b.id == blockade_id), None)


# --- units coming and going ---------------------------------------------------------------------


def arrive(state: GameState, u: UnitState, when: dt.date, cause: str = "") -> Follow:
    """Bring a waiting unit onto the map at its hex, or the nearest friendly hex free of the
    enemy when its own is held or occupied by the enemy; returns its 'arrival' entry."""
    theatre = state.theatre
    planned = u.index
    index = _arrival_hex(state, u)
    data: dict[str, Any] = {
        "unit": u.id,
        "side": u.side,
        "arrives_on": when,
        "strength": u.strength(),
        "moved": index is not None and index != planned,
    }
    if cause:
        data["event"] = cause
    if index is None:
        data["hex"] = None
        text = (
            f"{u.name} could not arrive with its {strength(u.strength())}: no "
            f"{SIDE_ADJECTIVES[u.side]}-held ground is free of the enemy."
        )
        return "arrival", text, data
    u.index = index
    u.status = UNIT_ACTIVE
    data["hex"] = theatre.hex_of(index).as_list()
    if place := place_at(theatre).get(index):
        data["place"] = place
    text = f"{u.name} arrives {where(theatre, index)}"
    if data["moved"]:
        data["planned_hex"] = theatre.hex_of(planned).as_list()
        text += f" (not {where(theatre, planned)}, which the enemy holds)"
    return "arrival", f"{text} with {strength(u.strength())}.", data


def _arrival_hex(state: GameState, u: UnitState) -> int | None:
    """Its own hex if the side can stand there; else the nearest hex the side holds that is
    passable and free of enemy units (ties: the lowest hex number)."""
    theatre = state.theatre
    own, enemy = SIDE_CODES[u.side], SIDE_CODES[other_side(u.side)]
    occupancy = state.occupancy()
    free = theatre.passable() & (state.control == own) & (occupancy != enemy)
    if 0 <= u.index < theatre.n and free[u.index]:
        return u.index
    candidates = np.flatnonzero(free)
    if candidates.size == 0 or u.index < 0:
        return None
    h = theatre.hex_of(u.index)
    d = distance_array(theatre.q[candidates], theatre.r[candidates], h.q, h.r)
    return int(candidates[int(np.argmin(d))])


def withdraw(
    state: GameState, u: UnitState, fraction: float, when: dt.date, cause: str = ""
) -> Follow | None:
    """Take `fraction` of a unit's men and equipment out of the theatre (all of it: the unit
    is withdrawn). They leave; they are not losses."""
    if u.status not in (UNIT_ACTIVE, UNIT_WAITING) or fraction <= 0:
        return None
    before = u.strength()
    fraction = min(1.0, fraction)
    data: dict[str, Any] = {
        "unit": u.id,
        "side": u.side,
        "fraction": fraction,
        "leaving_on": when,
        "before": before,
    }
    if cause:
        data["event"] = cause
    if u.index >= 0 and (place := place_at(state.theatre).get(u.index)):
        data["place"] = place
    if fraction >= 1.0:
        u.status = UNIT_WITHDRAWN
        data["after"] = before
        text = f"{u.name} leaves the theatre with {strength(before)}."
    else:
        leaving = {name: before[name] * fraction for name in FORCE_FIELDS}
        for name in FORCE_FIELDS:
            setattr(u, name, before[name] - leaving[name])
        data["leaving"] = leaving
        data["after"] = u.strength()
        text = (
            f"{capitalised(strength(leaving))} of {u.name} leave the theatre "
            f"({fraction:.0%}); {strength(u.strength())} stay."
        )
    return "withdrawal", text, data


def _unit_dates(ctx: TurnContext) -> None:
    """Reinforcements and withdrawals on the dates written in the units' own records."""
    state = ctx.state
    by_event = state.scenario.arriving_by_event()
    for record in state.scenario.units:
        u = state.units.get(record.id)
        if u is None:
            continue
        if (
            record.arrives is not None
            and record.arrives <= ctx.last_day
            and u.status == UNIT_WAITING
            and record.id not in by_event
        ):
            ctx.record(*arrive(state, u, record.arrives))
        if record.withdraws is not None and record.withdraws <= ctx.last_day:
            follow = withdraw(state, u, 1.0, record.withdraws)
            if follow:
                ctx.record(*follow)


# --- supply channels and blockades on their dates ----------------------------------------------


def _supply_dates(ctx: TurnContext) -> None:
    """Announce what the supply phase will apply this turn because its date has come."""
    state = ctx.state
    first, last = ctx.date, ctx.last_day
    supply = state.scenario.supply

    def within(day: dt.date | None) -> bool:
        return day is not None and first <= day <= last

    day_after = dt.timedelta(days=1)
    for line in supply.lines:
        name = channel_name(line)
        if within(line.opens) and line.id not in state.opened:
            text = f"The {name} opens to supply."
            _announce(ctx, "supply_line", text, line.id, line.provenance, opens=line.opens)
        if within(line.closes):
            text = f"The {name} closes to supply."
            _announce(ctx, "supply_line", text, line.id, line.provenance, closes=line.closes)
    for a in supply.airlifts:
        ends = a.until is not None and within(a.until + day_after)
        if ends and not airlift_in_service(a, state, last):
            text = f"The {channel_name(a)} ends."
            _announce(ctx, "supply_line", text, a.id, a.provenance, until=a.until)
    for b in state.scenario.blockades:
        if b.id in state.blockades:
            continue
        reduction = b.reduction.midpoint
        facts = {"blockade": b.id, "by": b.by, "reduction": reduction, "start": b.start,
                 "until": b.until}
        already = state.turn == 0 and b.start < first and blockade_active(b, state, last)
        if within(b.start) or already:
            verb = "begins" if within(b.start) else "is in force"
            text = (
                f"{capitalised(blockade_text(b, state))} {verb}: "
                f"{reduction:.0%} of its capacity is cut."
            )
            _announce(ctx, "blockade", text, b.target, b.provenance, **facts, active=True)
        elif b.until is not None and within(b.until + day_after):
            text = f"{capitalised(blockade_text(b, state))} is lifted."
            _announce(ctx, "blockade", text, b.target, b.provenance, **facts, active=False)


def _announce(
    ctx: TurnContext, kind: str, text: str, target: str, provenance: Provenance | None, **facts
) -> None:
    data = {"target": target, **facts, "source": provenance.cite() if provenance else ""}
    ctx.record(kind, text, data)
