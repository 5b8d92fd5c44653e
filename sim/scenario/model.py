"""The scenario as frozen values: what a game starts from, after loading and validation.

Nothing here reads files or knows about TOML; `sim.scenario.load` builds these records and
only hands them out when the whole scenario is valid. Place and district references are stored
as the map's canonical ids, so the rules never deal with aliases or spelling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from sim.hexgrid import Hex

FORCE_FIELDS: tuple[str, ...] = ("men", "tanks", "afv", "artillery", "aircraft", "helicopters")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was written: the file (as shown to the user) and its key path there."""

    file: str = ""
    path: tuple[str | int, ...] = ()


NOWHERE = Origin()


@dataclass(frozen=True, slots=True)
class Provenance:
    """Why we believe a number: a citation, or an estimate with its reasoning."""

    source: str | None = None
    sources: tuple[str, ...] = ()
    estimate: bool = False
    why: str | None = None

    def cite(self) -> str:
        parts = ([self.source] if self.source else []) + list(self.sources)
        if self.estimate:
            parts.append(f"estimate: {self.why}" if self.why else "estimate")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as the sources give it: one value, or a range where they disagree.

    A game resolves every range once with its own generator, so the same seed always gives the
    same forces, and `--sources midpoint` gives the middle of each range.
    """

    value: float | None = None
    low: float | None = None
    high: float | None = None
    provenance: Provenance | None = None

    @classmethod
    def exact(cls, value: float, provenance: Provenance | None = None) -> Quantity:
        return cls(value=float(value), provenance=provenance)

    @property
    def is_range(self) -> bool:
        return self.value is None

    @property
    def midpoint(self) -> float:
        if self.value is not None:
            return self.value
        assert self.low is not None and self.high is not None
        return (self.low + self.high) / 2.0

    def draw(self, rng: np.random.Generator) -> float:
        """A value drawn uniformly from the range; an exact value is returned unchanged."""
        if self.value is not None:
            return self.value
        assert self.low is not None and self.high is not None
        if self.low == self.high:
            return self.low
        return float(rng.uniform(self.low, self.high))

    def resolve(self, rng: np.random.Generator | None = None, midpoint: bool = False) -> float:
        """A draw from `rng`; the midpoint without one or when asked (`--sources midpoint`).

        Asking for the midpoint draws nothing, so it leaves the generator's stream unchanged.
        """
        return self.midpoint if rng is None or midpoint else self.draw(rng)


ZERO = Quantity.exact(0.0)
ONE = Quantity.exact(1.0)


@dataclass(frozen=True, slots=True)
class Side:
    id: str
    name: str
    national_morale: Quantity = ONE
    ammunition: Quantity = ZERO
    provenance: Provenance | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ControlRule:
    """One statement of who held an area; `kind` is country, nkao, district or place."""

    area: str
    kind: str
    ref: str | None
    side: str
    radius_km: float = 0.0
    as_of: date | None = None
    provenance: Provenance | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    name: str
    side: str
    type: str
    hex: Hex
    place: str | None = None
    men: Quantity = ZERO
    tanks: Quantity = ZERO
    afv: Quantity = ZERO
    artillery: Quantity = ZERO
    aircraft: Quantity = ZERO
    helicopters: Quantity = ZERO
    morale: Quantity = ONE
    experience: Quantity = ONE
    arrives: date | None = None
    withdraws: date | None = None
    provenance: Provenance | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)

    def force(self, name: str) -> Quantity:
        """One of FORCE_FIELDS by name, for totals and tables."""
        if name not in FORCE_FIELDS:
            raise KeyError(name)
        return getattr(self, name)


@dataclass(frozen=True, slots=True)
class SupplySource:
    id: str
    side: str
    name: str
    place: str
    hex: Hex
    capacity: Quantity = ZERO
    pools: bool = True
    """Whether its channels share loads with other sources' channels whose areas border
    theirs; false for forward stores whose capacity is already what the roads behind them
    can bring up (`sim.rules.supply.POOL_BORDERING_CHANNELS`)."""
    provenance: Provenance | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SupplyLine:
    id: str
    side: str
    supply_source: str
    route: str
    capacity: Quantity = ZERO
    name: str = ""
    opens: date | None = None
    closes: date | None = None
    provenance: Provenance | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Airlift:
    id: str
    side: str
    supply_source: str
    to: str
    hex: Hex
    capacity: Quantity = ZERO
    name: str = ""
    until: date | None = None
    provenance: Provenance | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Supply:
    sources: tuple[SupplySource, ...] = ()
    lines: tuple[SupplyLine, ...] = ()
    airlifts: tuple[Airlift, ...] = ()

    def get(self, supply_id: str) -> SupplySource | SupplyLine | Airlift | None:
        for record in (*self.sources, *self.lines, *self.airlifts):
            if record.id == supply_id:
                return record
        return None


@dataclass(frozen=True, slots=True)
class Blockade:
    id: str
    by: str
    target: str
    start: date
    reduction: Quantity
    until: date | None = None
    provenance: Provenance | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Trigger:
    """When an undated event fires: `kind` is place_captured, morale_below or event."""

    kind: str
    place: str | None = None
    side: str | None = None
    threshold: float | None = None
    event: str | None = None
    days_after: int = 0


@dataclass(frozen=True, slots=True)
class Effect:
    """What an event changes; which fields are set depends on `type` (see the format doc)."""

    type: str
    side: str | None = None
    unit: str | None = None
    target: str | None = None
    blockade: str | None = None
    delta: Quantity | None = None
    fraction: Quantity | None = None
    factor: Quantity | None = None
    active: bool | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    kind: str
    text: str
    date: date | None = None
    trigger: Trigger | None = None
    effects: tuple[Effect, ...] = ()
    history: str | None = None
    provenance: Provenance | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)
    enabled: bool = True
    """False: a what-if event that happens only when a lever switches it on."""


@dataclass(frozen=True, slots=True)
class LeverEffect:
    """What a lever changes at set-up; which fields are set depends on `type`."""

    type: str
    events: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    blockades: tuple[str, ...] = ()
    side: str | None = None
    by: str | None = None
    factor: float | None = None
    forces: tuple[str, ...] = ()
    starts_from: date | None = None
    starts_until: date | None = None
    """The effect applies only in scenarios that start within these dates (when given)."""
    where: Origin = field(default=NOWHERE, compare=False, repr=False)

    def applies_to(self, start: date) -> bool:
        return (self.starts_from is None or start >= self.starts_from) and (
            self.starts_until is None or start <= self.starts_until
        )


@dataclass(frozen=True, slots=True)
class Lever:
    """A named what-if: a switch (`bool`) or a number, and the data patches it applies."""

    id: str
    name: str
    description: str
    type: str
    default: float
    low: float | None = None
    high: float | None = None
    effects: tuple[LeverEffect, ...] = ()
    provenance: Provenance | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Operation:
    """An offensive that really happened: the historical plan's orders come from these."""

    id: str
    side: str
    name: str
    start: date
    end: date
    objectives: tuple[str, ...]
    units: tuple[str, ...]
    stage: str | None = None
    history: str | None = None
    text: str = ""
    provenance: Provenance | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)

    def active_on(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class VictoryCondition:
    side: str
    kind: str
    text: str
    places: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    where: Origin = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Area:
    """Ground named as a `[[control]]` rule names it: `kind` country, nkao, district or place."""

    text: str
    kind: str
    ref: str | None
    radius_km: float = 0.0


@dataclass(frozen=True, slots=True)
class Limit:
    """A political limit on one side's AI: ground its leadership would not attack or enter.

    The rules forbid nothing: a player may cross the line; the AI playing `side` does not."""

    id: str
    side: str
    areas: tuple[Area, ...]
    text: str
    provenance: Provenance | None = None
    where: Origin = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: str
    summary: str
    start: date
    end: date
    turn_days: int
    theatre_dir: Path
    path: Path
    files: tuple[Path, ...]
    sha256: str
    sides: tuple[Side, ...]
    control: tuple[ControlRule, ...] = ()
    units: tuple[Unit, ...] = ()
    supply: Supply = Supply()
    blockades: tuple[Blockade, ...] = ()
    events: tuple[Event, ...] = ()
    victory: tuple[VictoryCondition, ...] = ()
    operations: tuple[Operation, ...] = ()
    dormant_events: tuple[Event, ...] = ()
    """Events written with `enabled = false`: they fire only when a lever switches them on."""
    levers: tuple[Lever, ...] = ()
    limits: tuple[Limit, ...] = ()
    """Political limits on the AI (`[[limits]]`)."""

    @property
    def turns(self) -> int:
        """Number of turns from the first day of `start` through the last day, `end`."""
        return math.ceil(((self.end - self.start).days + 1) / self.turn_days)

    def side(self, side_id: str) -> Side:
        for s in self.sides:
            if s.id == side_id:
                return s
        raise KeyError(side_id)

    def unit(self, unit_id: str) -> Unit:
        for u in self.units:
            if u.id == unit_id:
                return u
        raise KeyError(unit_id)

    def arriving_by_event(self) -> frozenset[str]:
        """Units an `arrive` effect brings on: they wait off the map until their event."""
        return frozenset(
            e.unit
            for ev in (*self.events, *self.dormant_events)
            for e in ev.effects
            if e.type == "arrive" and e.unit
        )

    def units_at_start(self) -> tuple[Unit, ...]:
        """Units on the map on the first day: no later arrival date and no arrival event."""
        waiting = self.arriving_by_event()
        return tuple(
            u
            for u in self.units
            if u.id not in waiting
            and (u.arrives is None or u.arrives <= self.start)
            and (u.withdraws is None or u.withdraws > self.start)
        )

    def start_totals(self) -> dict[str, dict[str, float]]:
        """Men and equipment per side on the map at the start, ranges at their midpoints."""
        totals = {s.id: dict.fromkeys(FORCE_FIELDS, 0.0) for s in self.sides}
        for u in self.units_at_start():
            side = totals.setdefault(u.side, dict.fromkeys(FORCE_FIELDS, 0.0))
            for name in FORCE_FIELDS:
                side[name] += u.force(name).midpoint
        return totals
