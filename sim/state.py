"""The state of one game: per-hex numpy layers, unit records, stocks and the date.

Only the turn resolution (`sim.rules.turn`) changes a `GameState`; controllers and the window
read it. `copy()` gives an independent state for look-ahead, and `checksum()` a digest of
everything that affects the future, so a replay can stop at the first turn that diverges.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, fields

import numpy as np

from sim.scenario.model import FORCE_FIELDS, Scenario
from sim.sides import SIDE_CODES, SIDE_IDS
from sim.theatre import Theatre

UNIT_WAITING = "waiting"
UNIT_ACTIVE = "active"
UNIT_WITHDRAWN = "withdrawn"
UNIT_DESTROYED = "destroyed"


@dataclass(slots=True)
class UnitState:
    """A unit as it stands now. Strength is fractional so attrition is smooth."""

    id: str
    name: str
    side: str
    type: str
    index: int
    men: float
    tanks: float = 0.0
    afv: float = 0.0
    artillery: float = 0.0
    aircraft: float = 0.0
    helicopters: float = 0.0
    morale: float = 1.0
    experience: float = 1.0
    status: str = UNIT_ACTIVE
    supply: float = 1.0
    """Share of its supply need met in the last supply phase (0-1)."""
    supply_via: str = ""
    """Id of the supply source, line or airlift it drew on; empty when cut off."""
    turns_cut: int = 0
    dug_in: int = 0
    """Turns spent in place without moving: the defender's field fortification."""

    @property
    def active(self) -> bool:
        return self.status == UNIT_ACTIVE

    @property
    def is_air(self) -> bool:
        return self.type in ("air", "helicopter")

    def strength(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in FORCE_FIELDS}


@dataclass(slots=True)
class GameState:
    scenario: Scenario
    theatre: Theatre
    control: np.ndarray
    units: dict[str, UnitState]
    national_morale: dict[str, float]
    ammunition: dict[str, float]
    midpoint: bool = False
    """True when the sources' ranges are taken at their middle (`--sources midpoint`)."""
    turn: int = 0
    """Turns resolved so far; turn `t` covers the days from `date_of(t)`."""
    fired_events: list[str] = field(default_factory=list)
    event_dates: dict[str, str] = field(default_factory=dict)
    """ISO date on which each fired event took effect, for `event` triggers' `days_after`."""
    blockades: dict[str, bool] = field(default_factory=dict)
    """Blockades switched on or off by events, overriding their dates."""
    capacity_factor: dict[str, float] = field(default_factory=dict)
    """Multipliers on supply sources, lines and airlifts set by events."""
    opened: list[str] = field(default_factory=list)
    """Supply lines and airlifts opened by events before their dates."""
    ceasefire: bool = False
    ended: str = ""
    losses: dict[str, dict[str, float]] = field(default_factory=dict)
    captured: dict[str, dict[str, float]] = field(default_factory=dict)
    last_combat: dict[int, int] = field(default_factory=dict)
    """Hex index -> the turn of its last combat (a quiet sector can be surprised)."""
    last_captures: list[tuple[str, str, str]] = field(default_factory=list)
    """(place, from_side, to_side) changes of the last turn, for triggers and the AI."""
    levers: dict[str, float] = field(default_factory=dict)
    """Rule settings the what-if levers give (`sim.scenario.levers`); empty: as it happened."""
    start_control: np.ndarray | None = None
    """Who held each hex on the first day; read-only, shared by copies. The open country
    follows its town only where it agreed with it then (`sim.rules.hinterland`)."""
    followed: np.ndarray | None = None
    """Per hex: True while it is held because it went over with its town (not taken by
    units), so it returns if the town does."""
    history_marks: dict[str, dict] = field(default_factory=dict)
    """Place id -> the last attack on it and when each side last took it, so the log can say
    why a historical capture did not happen (`sim.rules.history_notes`). It only words the
    log and follows from the turns played, so it is left out of the checksum."""

    # --- time --------------------------------------------------------------------------

    def date_of(self, turn: int) -> dt.date:
        return self.scenario.start + dt.timedelta(days=turn * self.scenario.turn_days)

    @property
    def date(self) -> dt.date:
        """First day of the next turn to resolve."""
        return self.date_of(self.turn)

    @property
    def over(self) -> bool:
        return bool(self.ended)

    # --- queries ------------------------------------------------------------------------

    def active_units(self, side: str | None = None) -> list[UnitState]:
        return [u for u in self.units.values() if u.active and (side is None or u.side == side)]

    def units_at(self, index: int) -> list[UnitState]:
        return [u for u in self.units.values() if u.active and u.index == index]

    def occupancy(self) -> np.ndarray:
        """Per hex: which side has active ground units there (sim.sides codes, 0 none)."""
        occ = np.zeros(self.theatre.n, dtype=np.int8)
        for u in self.units.values():
            if u.active and not u.is_air and u.index >= 0:
                occ[u.index] = SIDE_CODES[u.side]
        return occ

    def holder_of(self, place_id: str) -> str:
        place = self.theatre.places[place_id]
        if place.index is None:
            return ""
        code = int(self.control[place.index])
        return SIDE_IDS[code - 1] if code else ""

    # --- copies and digests -------------------------------------------------------------

    def copy(self) -> GameState:
        """An independent copy for look-ahead; scenario and theatre are shared (immutable)."""
        return GameState(
            scenario=self.scenario,
            theatre=self.theatre,
            control=self.control.copy(),
            units={k: copy.copy(u) for k, u in self.units.items()},
            national_morale=dict(self.national_morale),
            ammunition=dict(self.ammunition),
            midpoint=self.midpoint,
            turn=self.turn,
            fired_events=list(self.fired_events),
            event_dates=dict(self.event_dates),
            blockades=dict(self.blockades),
            capacity_factor=dict(self.capacity_factor),
            opened=list(self.opened),
            ceasefire=self.ceasefire,
            ended=self.ended,
            losses=copy.deepcopy(self.losses),
            captured=copy.deepcopy(self.captured),
            last_combat=dict(self.last_combat),
            last_captures=list(self.last_captures),
            levers=dict(self.levers),
            start_control=self.start_control,
            followed=None if self.followed is None else self.followed.copy(),
            history_marks=copy.deepcopy(self.history_marks),
        )

    def checksum(self) -> str:
        """SHA-256 of everything that shapes the rest of the game, floats rounded to 1e-6."""
        payload = {
            "turn": self.turn,
            "control": hashlib.sha256(self.control.tobytes()).hexdigest(),
            "followed": _digest(self.followed),
            "units": [_rounded([getattr(u, f) for f in _UNIT_FIELDS]) for u in self.units.values()],
            "national_morale": _rounded(self.national_morale),
            "ammunition": _rounded(self.ammunition),
            "fired_events": self.fired_events,
            "event_dates": self.event_dates,
            "blockades": self.blockades,
            "capacity_factor": _rounded(self.capacity_factor),
            "opened": self.opened,
            "ceasefire": self.ceasefire,
            "ended": self.ended,
            "losses": _rounded(self.losses),
            "captured": _rounded(self.captured),
            "last_combat": sorted(self.last_combat.items()),
        }
        if self.levers:
            payload["levers"] = _rounded(self.levers)
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


_UNIT_FIELDS = tuple(f.name for f in fields(UnitState))


def _digest(layer: np.ndarray | None) -> str:
    return "" if layer is None else hashlib.sha256(layer.tobytes()).hexdigest()


def _rounded(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def empty_tally() -> dict[str, dict[str, float]]:
    return {side: dict.fromkeys(FORCE_FIELDS, 0.0) for side in SIDE_IDS}
