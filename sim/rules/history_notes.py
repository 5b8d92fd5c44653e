"""The history phase: set what happened in the game beside what happened in 1992–94.

Runs after the control phase. It changes nothing in the war; it only words the log:

- every "capture" entry of the turn that matches a historical capture (same place, same side
  taking it; `Timeline.match_capture`) gets `history` — the event's id, dates, summary, quote
  and section, and how far the game's date lies from history's — and its sentence ends with
  " — in history on 8–9 May 1992, three weeks later: '<quote>'";
- a historical capture whose window ended `GRACE_DAYS` before the turn's last day, on a place
  of this map, that did not happen in the game (the place is not held by the side that took it
  in history, and that side did not take it anywhere near the window) gets one "divergence"
  entry saying so and why:
  the last attack on it was repulsed (at what odds), or no attack was made and what stood in
  the way (no troops within reach, troops out of supply, a garrison much stronger).

To say why, the phase keeps a small record per place in `GameState.history_marks`: the last
attack on the place's hex and the date each side last took it. Nothing in this phase draws a
random number, so adding it changes no game's course, only its log.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace
from typing import Any

from sim.chronicle import Entry
from sim.hexgrid import Hex
from sim.history import HistoricalEvent, Timeline, compare_dates, date_phrase, load_timeline
from sim.rules.context import TurnContext
from sim.rules.control import places_at
from sim.rules.supply import CUT_OFF
from sim.sides import SIDE_ADJECTIVES, other_side
from sim.state import GameState

__all__ = ["GRACE_DAYS", "MATCH_DAYS", "REACH_HEXES", "history_note", "run", "when"]

MATCH_DAYS = 21
"""A side that took a place this close to history's window reproduced the event."""
GRACE_DAYS = 7
"""A divergence is told this long after history's window ends: an attack under way on the
last historical day gets a week to finish before the log says history went otherwise."""
REACH_HEXES = 4
"""Troops this close (in hexes) to a place could have attacked it within a turn or two."""
STRONGER = 1.5
"""A garrison with this many times the men of the troops within reach is 'much stronger'."""
RESULT_WORDS = {
    "repulse": "was repulsed",
    "stalemate": "ended in a stalemate",
    "capture": "took it",
    "rout": "took it",
}


@functools.lru_cache(maxsize=1)
def _timeline() -> Timeline:
    return load_timeline()


def run(ctx: TurnContext) -> None:
    state = ctx.state
    timeline = _timeline()
    _remember(ctx)
    for i, entry in enumerate(ctx.log):
        if entry.kind == "capture" and entry.history is None:
            event = timeline.match_capture(
                str(entry.data.get("place")), str(entry.data.get("to_side")), entry.date
            )
            if event is not None:
                ctx.log[i] = _linked(entry, event)
    grace = dt.timedelta(days=GRACE_DAYS)
    for event in timeline.due(ctx.date - dt.timedelta(days=1) - grace, ctx.last_day - grace):
        if event.change is not None and _relevant(state, event) and not _happened(state, event):
            _record_divergence(ctx, event)


def when(phrase: str) -> str:
    """'on 8–9 May 1992', 'in early February 1992': the preposition a date phrase needs."""
    return f"on {phrase}" if phrase[:1].isdigit() else f"in {phrase}"


def history_note(event: HistoricalEvent, day: dt.date) -> dict[str, Any]:
    """The `history` of a log entry: the event, its dates and how `day` stands to them."""
    return {
        "id": event.id,
        "date": event.date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "date_phrase": date_phrase(event),
        "days": event.days_from(day),
        "difference": compare_dates(day, event),
        "summary": event.summary,
        "quote": event.quote,
        "section": event.section,
        "source": event.source,
        "text": f"{event.summary} ({event.source})",
    }


def _linked(entry: Entry, event: HistoricalEvent) -> Entry:
    note = history_note(event, entry.date)
    difference = note["difference"]
    phrase = when(note["date_phrase"])
    if difference == "on the historical date":
        tail = f" — as in history, {phrase}: '{event.quote}'"
    else:
        tail = f" — in history {phrase}, {difference}: '{event.quote}'"
    return replace(entry, text=entry.text + tail, history=note)


# --- what the game did to each place ------------------------------------------------------------


def _remember(ctx: TurnContext) -> None:
    """Note this turn's attacks on named places and captures in `state.history_marks`."""
    state = ctx.state
    marks = state.history_marks
    for entry in ctx.log:
        data = entry.data
        if entry.kind == "combat" and not data.get("near") and "hex" in data:
            q, r = data["hex"]
            index = state.theatre.index_of(Hex(int(q), int(r)))
            if index is None:
                continue
            for place in places_at(state.theatre, index):
                marks.setdefault(place.id, {})["attack"] = {
                    "date": entry.date.isoformat(),
                    "side": data.get("side"),
                    "ratio": float(data.get("ratio", 0.0)),
                    "result": data.get("result"),
                }
        elif entry.kind == "capture" and data.get("to_side"):
            taken = marks.setdefault(str(data.get("place")), {}).setdefault("taken", {})
            taken[str(data["to_side"])] = entry.date.isoformat()


def _relevant(state: GameState, event: HistoricalEvent) -> bool:
    """A capture on this map, its window inside the scenario's dates."""
    assert event.change is not None
    place = state.theatre.places.get(event.change.place)
    return (
        place is not None
        and place.index is not None
        and event.end_date >= state.scenario.start
        and event.date <= state.scenario.end
    )


def _happened(state: GameState, event: HistoricalEvent) -> bool:
    """The place is held by history's taker, or it took the place near the window."""
    assert event.change is not None
    change = event.change
    if state.holder_of(change.place) == change.to_side:
        return True
    taken = state.history_marks.get(change.place, {}).get("taken", {}).get(change.to_side)
    if taken is None:
        return False
    return abs(event.days_from(dt.date.fromisoformat(taken))) <= MATCH_DAYS


def _record_divergence(ctx: TurnContext, event: HistoricalEvent) -> None:
    state = ctx.state
    assert event.change is not None
    change = event.change
    place = state.theatre.places[change.place]
    attacker = change.to_side
    holder = state.holder_of(change.place)
    defenders = [u for u in state.units_at(place.index) if not u.is_air and u.side != attacker]
    if defenders:
        clause = f"the {SIDE_ADJECTIVES[defenders[0].side]} garrison holds"
    elif holder:
        clause = f"it stays in {SIDE_ADJECTIVES[holder]} hands"
    else:
        clause = "neither side holds it"
    key, reason, extra = _reason(state, event, defenders)
    phrase = when(date_phrase(event))
    text = (
        f"In history {SIDE_ADJECTIVES[attacker]} forces took {place.name} {phrase}; "
        f"here {clause}: {reason}."
    )
    data = {
        "event": event.id,
        "place": change.place,
        "from_side": change.from_side,
        "to_side": attacker,
        "holder": holder,
        "reason": key,
        "garrison_men": sum(u.men for u in defenders),
        **extra,
    }
    ctx.record("divergence", text, data, history_note(event, ctx.date))


def _reason(
    state: GameState, event: HistoricalEvent, defenders: list
) -> tuple[str, str, dict[str, Any]]:
    """Why the capture did not happen, as (key, words, data), from the game's own record."""
    assert event.change is not None
    change = event.change
    attacker = change.to_side
    adjective = SIDE_ADJECTIVES[attacker]
    marks = state.history_marks.get(change.place, {})
    attack = marks.get("attack")
    lost = marks.get("taken", {}).get(other_side(attacker))
    if attack is not None and attack.get("side") == attacker:
        result = str(attack.get("result"))
        ratio = float(attack.get("ratio", 0.0))
        words = RESULT_WORDS.get(result, result)
        reason = f"the last {adjective} attack, on {attack['date']}, {words} at odds {ratio:.1f}:1"
        if result in ("capture", "rout") and lost is not None:
            reason += f", but the place was lost again on {lost}"
        return "attack_failed", reason, {"last_attack": dict(attack)}
    place = state.theatre.places[change.place]
    here = state.theatre.hex_of(place.index)
    near = [
        u for u in state.active_units(attacker)
        if not u.is_air and u.index >= 0
        and here.distance(state.theatre.hex_of(u.index)) <= REACH_HEXES
    ]
    men = sum(u.men for u in near)
    garrison = sum(u.men for u in defenders)
    extra = {"attackers_near_men": men}
    if not near:
        return "none_in_reach", f"no {adjective} troops were within reach", extra
    if all(u.supply < CUT_OFF for u in near):
        return "out_of_supply", f"the {adjective} troops within reach are out of supply", extra
    if garrison >= STRONGER * men:
        return (
            "garrison_stronger",
            f"the garrison ({garrison:,.0f} men) far outnumbers the {adjective} troops within "
            f"reach ({men:,.0f} men), and no attack was made",
            extra,
        )
    reason = f"the {adjective} troops within reach ({men:,.0f} men) made no attack on it"
    return "no_attack", reason, extra
