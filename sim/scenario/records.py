"""The schema of each scenario table, and the step from a TOML table to a model record.

One function per kind of record. Each reports every problem it finds and still returns a
record when it knows the record's id, with neutral stand-ins for the broken parts, so that the
cross-reference pass that follows can check everything else and does not report a unit as
missing only because its place was misspelt. Records with problems never leave the loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sim.hexgrid import Hex
from sim.scenario.fields import PROVENANCE_KEYS, Fields
from sim.scenario.mapref import MapRefs
from sim.scenario.model import (
    FORCE_FIELDS,
    ONE,
    ZERO,
    Airlift,
    Area,
    Blockade,
    ControlRule,
    Limit,
    Origin,
    Side,
    SupplyLine,
    SupplySource,
    Unit,
    VictoryCondition,
)
from sim.scenario.problems import Report, describe, suggest
from sim.sides import SIDE_IDS

SCENARIO_KEYS = ("id", "title", "summary", "start", "end", "turn_days", "theatre", "include")
SIDE_KEYS = ("id", "name", "national_morale", "ammunition", *PROVENANCE_KEYS)
CONTROL_KEYS = ("area", "radius_km", "side", "as_of", *PROVENANCE_KEYS)
UNIT_TYPES = (
    "infantry",
    "motor_rifle",
    "tank",
    "artillery",
    "militia",
    "special",
    "air",
    "helicopter",
)
UNIT_KEYS = (
    "id",
    "name",
    "side",
    "type",
    "place",
    "hex",
    *FORCE_FIELDS,
    "morale",
    "experience",
    "arrives",
    "withdraws",
    *PROVENANCE_KEYS,
)
SOURCE_KEYS = ("id", "side", "name", "place", "capacity", "pools", *PROVENANCE_KEYS)
LINE_KEYS = ("id", "side", "name", "from", "route", "capacity", "opens", "closes", *PROVENANCE_KEYS)
AIRLIFT_KEYS = ("id", "side", "name", "from", "to", "capacity", "until", *PROVENANCE_KEYS)
BLOCKADE_BY = (*SIDE_IDS, "turkey", "other")
BLOCKADE_KEYS = ("id", "by", "target", "from", "until", "reduction", *PROVENANCE_KEYS)
VICTORY_KINDS = ("hold_places", "hold_districts")
VICTORY_KEYS = ("side", "kind", "places", "districts", "text")
LIMIT_KEYS = ("id", "side", "areas", "text", *PROVENANCE_KEYS)
AREA_FORMS = ("country:<code>", "nkao", "district:<id>", "place:<place>")
NOWHERE_HEX = Hex(0, 0)


@dataclass(frozen=True, slots=True)
class Header:
    """The `[scenario]` table."""

    title: str
    summary: str
    start: date | None
    end: date | None
    turn_days: int | None
    theatre: str
    include: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Context:
    """What every record reader needs: where to report, the map, and the scenario's dates."""

    report: Report
    refs: MapRefs
    start: date | None
    end: date | None

    def within(self, f: Fields, key: str, day: date | None) -> None:
        """Dates that must fall inside the scenario (else they would never take effect)."""
        if day is None or self.start is None or self.end is None:
            return
        if not self.start <= day <= self.end:
            f.problem(
                key,
                expected=f"a date from {self.start} to {self.end} (the scenario's start and end)",
                found=describe(day),
            )


def after(f: Fields, key: str, day: date | None, earlier: date | None, what: str) -> None:
    if day is not None and earlier is not None and day < earlier:
        f.problem(key, expected=f"a date on or after {what} ({earlier})", found=describe(day))


def read_header(report: Report, origin: Origin, table: dict, stem: str) -> Header:
    f = Fields(report, origin, table, SCENARIO_KEYS)
    scenario_id = f.text("id")
    if scenario_id is not None and scenario_id != stem:
        expected = f'"{stem}" (the file name without .toml)'
        f.problem("id", expected=expected, found=describe(scenario_id))
    start, end = f.date("start", required=True), f.date("end", required=True)
    after(f, "end", end, start, "start")
    return Header(
        title=f.text("title", required=True, default="") or "",
        summary=f.text("summary", default="") or "",
        start=start,
        end=end,
        turn_days=f.integer("turn_days", 1, 31, required=True),
        theatre=f.text("theatre", default="theatre") or "theatre",
        include=f.texts("include"),
    )


def read_side(ctx: Context, origin: Origin, table: dict) -> Side | None:
    f = Fields(ctx.report, origin, table, SIDE_KEYS)
    prov = f.provenance()
    side_id = f.choice("id", SIDE_IDS, required=True)
    side = Side(
        id=side_id or "",
        name=f.text("name", required=True, default="") or "",
        national_morale=f.quantity("national_morale", 0, 2, ONE, prov, required=True) or ONE,
        ammunition=f.quantity("ammunition", 0, None, ZERO, prov, required=True) or ZERO,
        provenance=prov,
        where=origin,
    )
    f.need_provenance(prov)
    return side if side_id else None


def read_control(ctx: Context, origin: Origin, table: dict) -> ControlRule | None:
    f = Fields(ctx.report, origin, table, CONTROL_KEYS)
    prov = f.provenance()
    area = f.text("area", required=True)
    side = f.choice("side", SIDE_IDS, required=True)
    radius = f.number("radius_km", lo=0, default=0.0) or 0.0
    if f.has("radius_km"):
        f.borrows_provenance = True
    as_of = f.date("as_of")
    f.need_provenance(prov)
    if area is None:
        return None
    kind, _, ref = area.partition(":")
    found = _control_area(ctx, f, origin, kind, ref, area)
    if found is None:
        return None
    kind, canonical = found
    if f.has("radius_km") and kind != "place":
        f.problem("radius_km", "radius_km applies only to a place: area")
    return ControlRule(area, kind, canonical, side or "", radius, as_of, prov, origin)


def read_limit(ctx: Context, origin: Origin, table: dict) -> Limit | None:
    """A political limit: the ground it covers, named as `[[control]]` rules name it, and
    always a source or an estimate's reasoning (it says what a leadership would not do)."""
    f = Fields(ctx.report, origin, table, LIMIT_KEYS)
    prov = f.provenance()
    limit_id = f.text("id", required=True)
    side = f.choice("side", SIDE_IDS, required=True)
    names = f.texts("areas", required=True)
    text = f.text("text", required=True, default="") or ""
    if prov is None:
        ctx.report.add(
            origin, (), 'a limit needs source = "..." or estimate = true with why = "..."'
        )
    if f.has("areas") and table["areas"] == []:
        f.problem("areas", expected="at least one area", found="an empty array")
    areas = []
    for i, name in enumerate(names):
        kind, _, ref = name.partition(":")
        found = _control_area(ctx, f, origin, kind, ref, name, ("areas", i))
        if found is not None:
            areas.append(Area(name, found[0], found[1]))
    if limit_id is None or len(areas) != len(names):
        return None
    return Limit(limit_id, side or "", tuple(areas), text, prov, origin)


def _control_area(
    ctx: Context,
    f: Fields,
    origin: Origin,
    kind: str,
    ref: str,
    area: str,
    path: tuple = ("area",),
) -> tuple[str, str | None] | None:
    if area == "nkao":
        return "nkao", None
    if kind == "country" and ref:
        return (kind, ref) if ctx.refs.country(origin, path, ref) else None
    if kind == "district" and ref:
        district = ctx.refs.district(origin, path, ref)
        return (kind, district) if district else None
    if kind == "place" and ref:
        place = ctx.refs.place(origin, path, ref)
        return (kind, place.id) if place is not None else None
    hint = suggest(kind, ("country", "nkao", "district", "place"))
    if hint and hint != "nkao":
        hint = f"{hint}:{ref}" if ref else None
    f.problem(
        path, expected="one of " + ", ".join(AREA_FORMS), found=describe(area), suggestion=hint
    )
    return None


def _location(ctx: Context, f: Fields, origin: Origin) -> tuple[Hex | None, str | None]:
    """A unit's starting hex and place id, checked to be land on the map outside Iran."""
    if f.has("place") and f.has("hex"):
        f.problem("hex", "give place or hex, not both")
        return None, None
    if not f.has("place") and not f.has("hex"):
        f.problem((), 'missing key "place" (or "hex"): where the unit starts')
        return None, None
    if f.has("place"):
        name = f.text("place")
        place = ctx.refs.place(origin, ("place",), name) if name else None
        if place is None or place.index is None:
            return None, None
        ok = ctx.refs.standing_ground(origin, ("place",), place.index, describe(name))
        return (place.hex, place.id) if ok else (None, None)
    h = f.hex("hex")
    if h is None:
        return None, None
    index = ctx.refs.hex_index(origin, ("hex",), h)
    if index is None or not ctx.refs.standing_ground(origin, ("hex",), index, f"[{h.q}, {h.r}]"):
        return None, None
    return h, None


def read_unit(ctx: Context, origin: Origin, table: dict) -> Unit | None:
    f = Fields(ctx.report, origin, table, UNIT_KEYS)
    prov = f.provenance()
    unit_id = f.text("id", required=True)
    name = f.text("name", required=True, default="") or ""
    side = f.choice("side", SIDE_IDS, required=True) or ""
    unit_type = f.choice("type", UNIT_TYPES, required=True) or ""
    hex_, place = _location(ctx, f, origin)
    forces = {k: f.quantity(k, 0, None, ZERO, prov) or ZERO for k in FORCE_FIELDS}
    morale = f.quantity("morale", 0, 2, ONE, prov) or ONE
    experience = f.quantity("experience", 0, 2, ONE, prov) or ONE
    arrives, withdraws = f.date("arrives"), f.date("withdraws")
    ctx.within(f, "arrives", arrives)
    began = arrives or ctx.start
    if withdraws is not None and began is not None and withdraws <= began:
        what = "arrives" if arrives else "the scenario's start"
        f.problem("withdraws", expected=f"a date after {what} ({began})", found=describe(withdraws))
    f.need_provenance(prov)
    if unit_id is None:
        return None
    return Unit(
        id=unit_id,
        name=name,
        side=side,
        type=unit_type,
        hex=hex_ or NOWHERE_HEX,
        place=place,
        morale=morale,
        experience=experience,
        arrives=arrives,
        withdraws=withdraws,
        provenance=prov,
        where=origin,
        **forces,
    )


def read_supply_source(ctx: Context, origin: Origin, table: dict) -> SupplySource | None:
    f = Fields(ctx.report, origin, table, SOURCE_KEYS)
    prov = f.provenance()
    source_id = f.text("id", required=True)
    side = f.choice("side", SIDE_IDS, required=True) or ""
    name = f.text("name", required=True, default="") or ""
    place_name = f.text("place", required=True)
    place = ctx.refs.place(origin, ("place",), place_name) if place_name else None
    capacity = f.quantity("capacity", 0, None, ZERO, prov, required=True) or ZERO
    pools = f.flag("pools", default=True)
    f.need_provenance(prov)
    if source_id is None:
        return None
    return SupplySource(
        id=source_id,
        side=side,
        name=name,
        place=place.id if place else "",
        hex=place.hex if place and place.hex else NOWHERE_HEX,
        capacity=capacity,
        pools=bool(pools),
        provenance=prov,
        where=origin,
    )


def read_supply_line(ctx: Context, origin: Origin, table: dict) -> SupplyLine | None:
    f = Fields(ctx.report, origin, table, LINE_KEYS)
    prov = f.provenance()
    line_id = f.text("id", required=True)
    side = f.choice("side", SIDE_IDS, required=True) or ""
    name = f.text("name", default="") or ""
    supply_source = f.text("from", required=True) or ""
    route = f.text("route", required=True) or ""
    if route:
        ctx.refs.route(origin, ("route",), route)
    capacity = f.quantity("capacity", 0, None, ZERO, prov, required=True) or ZERO
    opens, closes = f.date("opens"), f.date("closes")
    after(f, "closes", closes, opens, "opens")
    f.need_provenance(prov)
    if line_id is None:
        return None
    return SupplyLine(
        line_id, side, supply_source, route, capacity, name, opens, closes, prov, origin
    )


def read_airlift(ctx: Context, origin: Origin, table: dict) -> Airlift | None:
    f = Fields(ctx.report, origin, table, AIRLIFT_KEYS)
    prov = f.provenance()
    airlift_id = f.text("id", required=True)
    side = f.choice("side", SIDE_IDS, required=True) or ""
    name = f.text("name", default="") or ""
    supply_source = f.text("from", required=True) or ""
    to_name = f.text("to", required=True)
    place = ctx.refs.place(origin, ("to",), to_name) if to_name else None
    capacity = f.quantity("capacity", 0, None, ZERO, prov, required=True) or ZERO
    until = f.date("until")
    f.need_provenance(prov)
    if airlift_id is None:
        return None
    return Airlift(
        id=airlift_id,
        side=side,
        supply_source=supply_source,
        to=place.id if place else "",
        hex=place.hex if place and place.hex else NOWHERE_HEX,
        capacity=capacity,
        name=name,
        until=until,
        provenance=prov,
        where=origin,
    )


def read_blockade(ctx: Context, origin: Origin, table: dict) -> Blockade | None:
    f = Fields(ctx.report, origin, table, BLOCKADE_KEYS)
    prov = f.provenance()
    blockade_id = f.text("id", required=True)
    by = f.choice("by", BLOCKADE_BY, required=True) or ""
    target = f.text("target", required=True) or ""
    start, until = f.date("from", required=True), f.date("until")
    after(f, "until", until, start, "from")
    reduction = f.quantity("reduction", 0, 1, ZERO, prov, required=True) or ZERO
    f.need_provenance(prov)
    if blockade_id is None:
        return None
    return Blockade(blockade_id, by, target, start or date.min, reduction, until, prov, origin)


def read_victory(ctx: Context, origin: Origin, table: dict) -> VictoryCondition | None:
    f = Fields(ctx.report, origin, table, VICTORY_KEYS)
    side = f.choice("side", SIDE_IDS, required=True) or ""
    kind = f.choice("kind", VICTORY_KINDS, required=True)
    text = f.text("text", required=True, default="") or ""
    places: list[str] = []
    districts: list[str] = []
    if kind is not None:
        key, other = ("places", "districts") if kind == "hold_places" else ("districts", "places")
        names = f.texts(key, required=True)
        if f.has(key) and table[key] == []:
            f.problem(key, expected="at least one name", found="an empty array")
        for i, name in enumerate(names):
            if kind == "hold_places":
                place = ctx.refs.place(origin, (key, i), name)
                if place is not None:
                    places.append(place.id)
            else:
                district = ctx.refs.district(origin, (key, i), name)
                if district is not None:
                    districts.append(district)
        if f.has(other):
            f.problem(other, f'{other} goes with kind = "hold_{other}"')
    return VictoryCondition(side, kind or "", text, tuple(places), tuple(districts), origin)
