"""The end phase: does the game stop this turn, and who achieved what.

A game ends, in this order of precedence, when
- a ceasefire is in force (`state.ceasefire`, set by an event): `ended = "ceasefire"`;
- a side's national morale has fallen below `COLLAPSE_BELOW` (0.25, just above the 0.2 floor
  politics keeps it at): that side can no longer hold its army together, as Azerbaijan's
  front came apart in the summer of 1993: `ended = "collapse"`, the side(s) in the entry;
- the turn's last day reaches the scenario's end date: `ended = "end_date"`.

Victory conditions are judged only when the game ends, on the map as it stands then:
`hold_places` is met when the side holds every listed place's hex, `hold_districts` when it
holds more than half of each listed district's land hexes. The "game_end" entry lists each
condition with its status and details and the district control table.
"""

from __future__ import annotations

from typing import Any

from sim.rules.context import TurnContext
from sim.rules.control import district_control, district_holders
from sim.sides import SIDE_ADJECTIVES, SIDE_IDS
from sim.state import GameState

COLLAPSE_BELOW = 0.25
"""National morale below which a side's war effort collapses and the game ends."""

REASON_WORDS = {
    "ceasefire": "a ceasefire came into force",
    "collapse": "{sides} war effort collapsed",
    "end_date": "the scenario's last day was reached",
}


def run(ctx: TurnContext) -> None:
    state = ctx.state
    collapsed = [
        side for side in SIDE_IDS
        if side in state.national_morale and state.national_morale[side] < COLLAPSE_BELOW
    ]
    reasons = []
    if state.ceasefire:
        reasons.append("ceasefire")
    if collapsed:
        reasons.append("collapse")
    if ctx.last_day >= state.scenario.end:
        reasons.append("end_date")
    if not reasons:
        return
    state.ended = reasons[0]

    conditions = victory_status(state)
    table = district_table(state)
    who = " and ".join(SIDE_ADJECTIVES[s] for s in collapsed)
    why = REASON_WORDS[state.ended].format(sides=f"the {who}")
    text = f"The game ended on {ctx.last_day.isoformat()}: {why}."
    if "collapse" in reasons:
        morale = "; ".join(
            f"{SIDE_ADJECTIVES[s]} {state.national_morale[s]:.2f}" for s in collapsed
        )
        text += f" National morale below {COLLAPSE_BELOW}: {morale}."
    for c in conditions:
        status = "achieved" if c["met"] else "not achieved"
        aim = c["text"].rstrip(". ")
        text += f" {SIDE_ADJECTIVES.get(c['side'], c['side'])} aim ({aim}): {status}"
        missing = [p["name"] for p in c.get("places", []) if p["holder"] != c["side"]]
        missing += [d["name"] for d in c.get("districts", []) if d["holder"] != c["side"]]
        text += f", not holding {', '.join(missing)}." if missing else "."
    ctx.record(
        "game_end",
        text,
        {
            "ended": state.ended,
            "reasons": reasons,
            "collapsed": collapsed,
            "last_day": ctx.last_day,
            "national_morale": dict(state.national_morale),
            "conditions": conditions,
            "districts": table,
        },
    )


def victory_status(state: GameState) -> list[dict[str, Any]]:
    """Each victory condition with whether it is met on the map as it stands."""
    theatre = state.theatre
    shares = district_control(theatre, state.control)
    holders = district_holders(shares)
    out = []
    for cond in state.scenario.victory:
        entry: dict[str, Any] = {"side": cond.side, "kind": cond.kind, "text": cond.text}
        if cond.kind == "hold_places":
            places = [
                {"place": pid, "name": theatre.places[pid].name, "holder": state.holder_of(pid)}
                for pid in cond.places
            ]
            entry["places"] = places
            entry["met"] = all(p["holder"] == cond.side for p in places)
        elif cond.kind == "hold_districts":
            districts = []
            for did in cond.districts:
                i = theatre.district_index(did)
                districts.append({
                    "district": did,
                    "name": theatre.districts[i].name if i is not None else did,
                    "holder": holders[i] if i is not None else "",
                    "shares": {s: float(shares[s][i]) if i is not None else 0.0 for s in SIDE_IDS},
                })
            entry["districts"] = districts
            entry["met"] = all(d["holder"] == cond.side for d in districts)
        else:
            entry["met"] = False
        out.append(entry)
    return out


def district_table(state: GameState) -> list[dict[str, Any]]:
    """Share of each contested-area district held by each side (districts either side holds)."""
    theatre = state.theatre
    shares = district_control(theatre, state.control)
    holders = district_holders(shares)
    rows = []
    for i, d in enumerate(theatre.districts):
        held = {s: float(shares[s][i]) for s in SIDE_IDS}
        if sum(held.values()) <= 0:
            continue
        rows.append({"district": d.id, "name": d.name, "holder": holders[i], **held})
    return rows
