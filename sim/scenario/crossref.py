"""Checks between records, run once every record has been read: ids and what names them.

A duplicate id names both places; a dangling reference suggests the closest id that exists.
Supply lines and airlifts must draw on their own side's source; event triggers must not wait
on each other in a circle (none of them would ever fire).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from sim.scenario.model import (
    Airlift,
    Blockade,
    Event,
    Origin,
    Side,
    SupplyLine,
    SupplySource,
    Unit,
)
from sim.scenario.problems import Report, describe, suggest
from sim.sides import SIDE_IDS


class _Identified(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def where(self) -> Origin: ...


R = TypeVar("R", bound=_Identified)


def unique(report: Report, records: Iterable[R], what: str) -> dict[str, R]:
    """Records by id; the second of two with the same id is reported with the first's place."""
    seen: dict[str, R] = {}
    for record in records:
        first = seen.get(record.id)
        if first is None:
            seen[record.id] = record
            continue
        report.add(
            record.where,
            ("id",),
            f"{what} id {describe(record.id)} is used twice "
            f"(also at {report.where(first.where, ('id',))})",
        )
    return seen


def _dangling(
    report: Report, origin: Origin, key: str, value: str | None, known: dict, what: str
) -> bool:
    if not value or value in known:
        return False
    report.add(
        origin,
        (key,),
        f"{describe(value)} is not {what} in this scenario",
        found=describe(value),
        suggestion=suggest(value, known),
    )
    return True


def check_sides(report: Report, main: Origin, sides: Sequence[Side], complete: bool) -> None:
    """Both sides, once each; a side may be missing only because an include could not be read."""
    present = unique(report, sides, "side")
    for side_id in SIDE_IDS:
        if complete and side_id not in present:
            report.add(main, ("sides",), f'missing [[sides]] entry with id = "{side_id}"')


def check_references(
    report: Report,
    units: Sequence[Unit],
    sources: Sequence[SupplySource],
    lines: Sequence[SupplyLine],
    airlifts: Sequence[Airlift],
    blockades: Sequence[Blockade],
    events: Sequence[Event],
) -> None:
    unit_ids = unique(report, units, "unit")
    supply_ids = unique(report, [*sources, *lines, *airlifts], "supply")
    source_ids = {s.id: s for s in sources}
    blockade_ids = unique(report, blockades, "blockade")
    event_ids = unique(report, events, "event")

    for record in (*lines, *airlifts):
        origin, source_id = record.where, record.supply_source
        if _dangling(report, origin, "from", source_id, source_ids, "a supply source"):
            continue
        source = source_ids.get(record.supply_source)
        if source is not None and source.side and record.side and source.side != record.side:
            report.add(
                record.where,
                ("from",),
                f"supply source {describe(source.id)} belongs to the {source.side} side, "
                f"not the {record.side}",
            )
    for blockade in blockades:
        _dangling(report, blockade.where, "target", blockade.target, supply_ids, "a supply id")

    arriving: dict[str, Origin] = {}
    for event in events:
        for effect in event.effects:
            where = effect.where
            _dangling(report, where, "unit", effect.unit, unit_ids, "a unit id")
            _dangling(report, where, "target", effect.target, supply_ids, "a supply id")
            _dangling(report, where, "blockade", effect.blockade, blockade_ids, "a blockade id")
            if effect.type == "arrive" and effect.unit:
                _check_arrival(report, effect.where, effect.unit, unit_ids, arriving)
        trigger = event.trigger
        if trigger is not None and trigger.kind == "event" and trigger.event:
            origin = Origin(event.where.file, event.where.path + ("trigger",))
            if trigger.event == event.id:
                report.add(origin, ("event",), "an event cannot wait for itself")
            else:
                _dangling(report, origin, "event", trigger.event, event_ids, "an event id")
    _check_trigger_cycles(report, events)


def _check_arrival(
    report: Report,
    origin: Origin,
    unit_id: str,
    units: dict[str, Unit],
    arriving: dict[str, Origin],
) -> None:
    """A unit arrives by its date or by one event, never both."""
    unit = units.get(unit_id)
    if unit is not None and unit.arrives is not None:
        report.add(
            origin,
            ("unit",),
            f"unit {describe(unit_id)} already arrives on {unit.arrives} "
            f"({report.where(unit.where, ('arrives',))}); give it a date or an event, not both",
        )
    if unit_id in arriving:
        report.add(
            origin,
            ("unit",),
            f"unit {describe(unit_id)} already arrives by an event "
            f"({report.where(arriving[unit_id], ('unit',))})",
        )
    arriving.setdefault(unit_id, origin)


def _check_trigger_cycles(report: Report, events: Sequence[Event]) -> None:
    waits_for = {
        e.id: e.trigger.event
        for e in events
        if e.trigger is not None and e.trigger.kind == "event" and e.trigger.event
    }
    by_id = {e.id: e for e in events}
    reported: set[str] = set()
    for start in waits_for:
        chain = [start]
        current = waits_for.get(start)
        while current is not None and current not in chain and current in waits_for:
            chain.append(current)
            current = waits_for.get(current)
        if current == start and start != waits_for[start] and not reported & set(chain):
            reported.update(chain)
            event = by_id[start]
            circle = " -> ".join(describe(c) for c in [*chain, start])
            report.add(
                event.where,
                ("trigger", "event"),
                f"these events wait for each other and none will ever fire: {circle}",
            )
