"""`[[operations]]`: the offensives that really happened, as data for the historical plan.

An operation says who attacked where, when and with which units, and cites its source. The
historical-plan controller turns it into orders (assemble, advance, attack the objective);
the rules alone decide what comes of them, so nothing here fixes an outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sim.scenario.fields import PROVENANCE_KEYS, Fields
from sim.scenario.model import Operation, Origin, Unit
from sim.scenario.problems import Report, describe, suggest
from sim.scenario.records import Context
from sim.sides import SIDE_IDS

OPERATION_KEYS = (
    "id",
    "side",
    "name",
    "start",
    "end",
    "objective",
    "objectives",
    "units",
    "stage",
    "history",
    "text",
    *PROVENANCE_KEYS,
)
DEFAULT_LENGTH_DAYS = 14


def read_operation(ctx: Context, origin: Origin, table: dict) -> Operation | None:
    f = Fields(ctx.report, origin, table, OPERATION_KEYS)
    op_id = f.text("id", required=True)
    side = f.choice("side", SIDE_IDS, required=True) or ""
    name = f.text("name", required=True, default="") or ""
    start = f.date("start", required=True)
    end = f.date("end")
    if start is not None and end is not None and end < start:
        f.problem("end", expected=f"a date on or after start ({start})", found=str(end))
    objectives: list[str] = []
    names = list(f.texts("objectives"))
    single = f.text("objective")
    if single is not None:
        names.insert(0, single)
    if not names:
        f.problem("objective", expected="a place (objective) or places (objectives)", found="none")
    for i, place_name in enumerate(names):
        path = ("objective",) if single is not None and i == 0 else ("objectives", i)
        place = ctx.refs.place(origin, path, place_name)
        if place is not None:
            objectives.append(place.id)
    stage = None
    stage_name = f.text("stage")
    if stage_name is not None:
        place = ctx.refs.place(origin, ("stage",), stage_name)
        stage = place.id if place is not None else None
    units = f.texts("units", required=True)
    if f.has("units") and table.get("units") == []:
        f.problem("units", expected="at least one unit id", found="an empty array")
    history = f.text("history")
    text = f.text("text", default="") or ""
    prov = f.provenance()
    if prov is None:
        f.problem(
            (),
            'an operation is a historical claim: add source = "..." '
            '(or estimate = true with why = "...")',
        )
    if op_id is None or start is None:
        return None
    return Operation(
        id=op_id,
        side=side,
        name=name,
        start=start,
        end=end or start + timedelta(days=DEFAULT_LENGTH_DAYS),
        objectives=tuple(objectives),
        units=tuple(units),
        stage=stage,
        history=history,
        text=text,
        provenance=prov,
        where=origin,
    )


def check_operations(
    report: Report, operations: Sequence[Operation], units: dict[str, Unit]
) -> None:
    """Every committed unit exists and fights for the operation's side."""
    for op in operations:
        for i, unit_id in enumerate(op.units):
            unit = units.get(unit_id)
            if unit is None:
                report.add(
                    op.where,
                    ("units", i),
                    f"{describe(unit_id)} is not a unit in this scenario",
                    found=describe(unit_id),
                    suggestion=suggest(unit_id, units),
                )
            elif op.side and unit.side != op.side:
                report.add(
                    op.where,
                    ("units", i),
                    f"unit {describe(unit_id)} fights for the {unit.side} side, not the {op.side}",
                )
