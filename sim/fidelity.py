"""How closely the historical plan reproduces history: events, dates and the final front.

Both sides play the historical plan (`--control armenian=historical,azerbaijani=historical`)
and the rules decide; this module plays a scenario on a range of seeds and sets the results
beside the timeline: for each historical change of control in the scenario's dates, on how
many seeds it happened within `MATCH_DAYS` of its window and how far off the dates were; on how
many Stepanakert never fell; and, for a scenario that runs to the ceasefire, each district's
Armenian-held share at the end against the ceasefire figures of history-notes §c2
(`scenarios/history/ceasefire-1994.toml`).

The same records serve the regression tests: `divergence_message` words one event that did not
happen on one seed, naming the event, the seed and what the game did instead, e.g. "Shusha: in
history 8–9 May 1992; in seed 3 not taken by 1992-05-31 (last attack repulsed at odds 0.9:1)".

`play_seed` depends only on the scenario, the seed and the sources mode, so seeds can be spread
over processes (`benchmarks/history_fidelity.py`) and give the same figures.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sim.controllers import make_controller
from sim.history import HistoricalEvent, Timeline, date_phrase, load_timeline
from sim.rules.control import district_control
from sim.scenario import Scenario, load_scenario
from sim.session import Session
from sim.sides import SIDE_IDS

__all__ = [
    "MATCH_DAYS",
    "EventFigures",
    "Fidelity",
    "SeedRecord",
    "divergence_message",
    "measure",
    "play_seed",
    "scenario_captures",
]

MATCH_DAYS = 21
"""A capture within this many days of history's window counts as reproduced."""
CAPITAL = "stepanakert"


@dataclass(frozen=True, slots=True)
class Capture:
    place: str
    to_side: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class Attack:
    """The last attack on a place in a run, for saying why it did not fall."""

    place: str
    side: str
    date: dt.date
    ratio: float
    result: str


@dataclass(frozen=True)
class SeedRecord:
    """What one seed of the historical plan did: its captures, attacks and final control."""

    scenario: str
    seed: int
    last_day: dt.date
    captures: tuple[Capture, ...]
    attacks: dict[str, Attack]
    armenian_share: dict[str, float]
    holders: dict[str, str] = field(default_factory=dict)
    """Who held each place of the scenario's historical captures at the end."""
    ended: str = ""
    """Why the game stopped ("end_date", or a victory, ceasefire or collapse)."""

    def taken(self, event: HistoricalEvent) -> dt.date | None:
        """The date the run's capture nearest the event's window happened, or None."""
        change = event.change
        assert change is not None
        dates = [
            c.date for c in self.captures
            if c.place == change.place and c.to_side == change.to_side
        ]
        if not dates:
            return None
        return min(dates, key=lambda d: (abs(event.days_from(d)), d))

    def reproduced(self, event: HistoricalEvent, days: int = MATCH_DAYS) -> bool:
        day = self.taken(event)
        return day is not None and abs(event.days_from(day)) <= days

    @property
    def capital_fell(self) -> bool:
        return any(c.place == CAPITAL and c.to_side == "azerbaijani" for c in self.captures)


def scenario_captures(
    scenario: Scenario, timeline: Timeline, key_only: bool = False
) -> list[HistoricalEvent]:
    """The timeline's changes of control inside the scenario's dates, on its map."""
    from sim.theatre import load_theatre

    theatre = load_theatre(scenario.theatre_dir)
    out = []
    for event in timeline.captures():
        assert event.change is not None
        place = theatre.places.get(event.change.place)
        if place is None or place.index is None:
            continue
        if event.end_date < scenario.start or event.date > scenario.end:
            continue
        if key_only and not event.key:
            continue
        out.append(event)
    return out


def play_seed(scenario_id: str, seed: int, sources: str = "draw") -> SeedRecord:
    """Play a whole scenario with both sides on the historical plan and record the outcome."""
    scenario = load_scenario(scenario_id)
    controllers = {side: make_controller("historical", side) for side in SIDE_IDS}
    session = Session.new(scenario, seed, sources=sources, controllers=controllers)
    session.play()
    captures: list[Capture] = []
    attacks: dict[str, Attack] = {}
    for entry in session.log:
        data = entry.data
        if entry.kind == "capture" and data.get("to_side"):
            captures.append(Capture(str(data["place"]), str(data["to_side"]), entry.date))
        elif entry.kind == "combat" and data.get("place") and not data.get("near"):
            place = str(data["place"])
            attacks[place] = Attack(
                place, str(data.get("side")), entry.date, float(data.get("ratio", 0.0)),
                str(data.get("result")),
            )
    state = session.state
    shares = district_control(state.theatre, state.control)["armenian"]
    armenian_share = {d.id: float(shares[i]) for i, d in enumerate(state.theatre.districts)}
    holders = {
        e.change.place: state.holder_of(e.change.place)
        for e in scenario_captures(scenario, load_timeline())
        if e.change is not None
    }
    return SeedRecord(
        scenario=scenario.id,
        seed=seed,
        last_day=state.date - dt.timedelta(days=1),
        captures=tuple(captures),
        attacks=attacks,
        armenian_share=armenian_share,
        holders=holders,
        ended=_end_words(session),
    )


def _end_words(session: Session) -> str:
    """'end_date', or the reason the game ended early with the side(s) concerned."""
    reason = session.end_reason
    if reason == "end_date":
        return reason
    for entry in reversed(session.log):
        if entry.kind == "game_end":
            sides = entry.data.get("collapsed") or []
            if sides:
                return f"{reason} ({', '.join(sides)})"
            break
    return reason


def divergence_message(record: SeedRecord, event: HistoricalEvent) -> str:
    """One line: the event, history's dates and what this seed did instead."""
    change = event.change
    assert change is not None
    from sim.theatre import load_theatre

    name = load_theatre().places[change.place].name
    head = f"{name}: in history {date_phrase(event)}; in seed {record.seed}"
    day = record.taken(event)
    if day is not None:
        offset = event.days_from(day)
        side = "early" if offset < 0 else "late"
        return f"{head} taken on {day.isoformat()}, {abs(offset)} days {side}"
    attack = record.attacks.get(change.place)
    if attack is None or attack.side != change.to_side:
        why = "no attack on it"
    else:
        words = {"repulse": "repulsed", "stalemate": "held to a stalemate"}.get(
            attack.result, attack.result
        )
        why = f"last attack {words} at odds {attack.ratio:.1f}:1 on {attack.date.isoformat()}"
    return f"{head} not taken by {record.last_day.isoformat()} ({why})"


# --- many seeds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFigures:
    event: HistoricalEvent
    runs: int
    reproduced: int
    """Seeds on which it happened within MATCH_DAYS of the window."""
    happened: int
    """Seeds on which the place changed hands that way at any time."""
    median_days: float | None
    """Median of the days off the window, over the seeds on which it happened."""

    @property
    def share(self) -> float:
        return self.reproduced / self.runs if self.runs else 0.0


@dataclass(frozen=True)
class Fidelity:
    scenario: str
    seeds: tuple[int, ...]
    events: tuple[EventFigures, ...]
    endings: tuple[tuple[str, int], ...]
    """(why the game stopped, on how many seeds), most common first."""
    capital_held: int
    districts: tuple[tuple[str, float, float | None], ...]
    """(district id, mean simulated Armenian share at the end, ceasefire share or None)."""

    @property
    def runs(self) -> int:
        return len(self.seeds)

    def table(self) -> str:
        """The figures as plain text for a terminal."""
        lines = [
            f"{self.scenario}: {self.runs} seeds, both sides on the historical plan",
            "",
            f"{'event':28} {'history':34} {'within 21 d':>11} {'ever':>6} {'median days':>12}",
        ]
        for f in self.events:
            median = "—" if f.median_days is None else f"{f.median_days:+.0f}"
            mark = "*" if f.event.key else " "
            lines.append(
                f"{mark}{f.event.id:27} {date_phrase(f.event):34} "
                f"{f.share:>10.0%} {f.happened / self.runs:>6.0%} {median:>12}"
            )
        key = [f for f in self.events if f.event.key]
        if key:
            total = sum(f.reproduced for f in key) / (len(key) * self.runs)
            lines.append(f"key events (*) reproduced within 21 days: {total:.0%}")
        lines.append(f"Stepanakert never fell: {self.capital_held}/{self.runs}")
        lines.append("games ended: " + "; ".join(f"{why} {n}" for why, n in self.endings))
        if any(h is not None for _, _, h in self.districts):
            lines += ["", f"{'district':16} {'simulated':>10} {'ceasefire':>10} {'gap':>7}"]
            for did, sim_share, hist in self.districts:
                if hist is None:
                    continue
                lines.append(
                    f"{did:16} {sim_share:>10.0%} {hist:>10.0%} {sim_share - hist:>+7.0%}"
                )
            gaps = [abs(s - h) for _, s, h in self.districts if h is not None]
            lines.append(f"mean absolute gap: {statistics.fmean(gaps):.0%}")
        return "\n".join(lines)


def measure(
    scenario_id: str,
    records: Sequence[SeedRecord],
    ceasefire: dict[str, float] | None = None,
) -> Fidelity:
    """Reduce many seeds' records to the figures; `ceasefire` adds the district comparison."""
    scenario = load_scenario(scenario_id)
    events = scenario_captures(scenario, load_timeline())
    figures = []
    for event in events:
        days = []
        reproduced = 0
        for record in records:
            day = record.taken(event)
            if day is not None:
                days.append(event.days_from(day))
                reproduced += abs(event.days_from(day)) <= MATCH_DAYS
        figures.append(EventFigures(
            event, len(records), reproduced, len(days),
            statistics.median(days) if days else None,
        ))
    held = sum(not r.capital_fell for r in records)
    endings = Counter(r.ended for r in records).most_common()
    districts: list[tuple[str, float, float | None]] = []
    if records:
        for did in records[0].armenian_share:
            mean = statistics.fmean(r.armenian_share[did] for r in records)
            districts.append((did, mean, (ceasefire or {}).get(did)))
    return Fidelity(
        scenario=scenario.id,
        seeds=tuple(r.seed for r in records),
        events=tuple(figures),
        capital_held=held,
        endings=tuple(endings),
        districts=tuple(districts),
    )


def ceasefire_shares() -> dict[str, float]:
    """History-notes §c2's Armenian-held share per district at the ceasefire of May 1994."""
    from sim.report.districts import read_ceasefire

    return {c.district: c.armenian_share for c in read_ceasefire()}


def reaches_ceasefire(scenario: Scenario) -> bool:
    """Whether the scenario runs to the ceasefire of 12 May 1994, so its end is comparable."""
    return scenario.end >= dt.date(1994, 5, 1)


def seeds_of(text: Iterable[int] | str) -> list[int]:
    """Seeds from "1-20" or "1,5,9" (or a list of ints)."""
    if not isinstance(text, str):
        return list(text)
    out: list[int] = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-", 1)
            out.extend(range(int(a), int(b) + 1))
        elif part.strip():
            out.append(int(part))
    return out
