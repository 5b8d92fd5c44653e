"""Reading a scenario: its file and includes, the schema, the map references, the model.

Files are parsed with the standard library's `tomllib` and nothing in them is ever executed.
Every problem in every file is gathered before anything is returned: the caller gets either a
valid `Scenario` or a `ScenarioError` listing all that is wrong, never any other exception.

Included files are read in the order given and their records come before the main file's,
as if pasted where `include` stands, so shared files state the broad picture and the
scenario its exceptions (this matters for `[[control]]`, applied in order).
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import UserError
from sim.scenario.crossref import check_references, check_sides, unique
from sim.scenario.events import read_event
from sim.scenario.fields import Fields
from sim.scenario.levers import check_levers, read_lever
from sim.scenario.mapref import MapRefs
from sim.scenario.model import Origin, Scenario, Supply
from sim.scenario.operations import check_operations, read_operation
from sim.scenario.paths import display_path, scenario_path
from sim.scenario.problems import Problem, Report, ScenarioError, describe, suggest
from sim.scenario.records import (
    Context,
    Header,
    read_airlift,
    read_blockade,
    read_control,
    read_header,
    read_limit,
    read_side,
    read_supply_line,
    read_supply_source,
    read_unit,
    read_victory,
)
from sim.theatre import Theatre, load_theatre

RECORD_KINDS = (
    "sides",
    "control",
    "units",
    "blockades",
    "events",
    "victory",
    "operations",
    "levers",
    "limits",
)
SUPPLY_KINDS = ("sources", "lines", "airlifts")
TOP_KEYS = ("scenario", *RECORD_KINDS[:3], "supply", *RECORD_KINDS[3:])
INCLUDE_KEYS = tuple(k for k in TOP_KEYS if k != "scenario")
_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")

Entries = dict[str, list[tuple[Origin, dict]]]


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    display: str
    data: bytes
    doc: dict[str, Any] | None


def read_toml(report: Report, path: Path, display: str, origin: Origin | None = None) -> SourceFile:
    """Bytes and parsed table of one file; unreadable or malformed files become problems.

    `origin` is where the file was asked for (an include entry), to blame when it is missing.
    """
    report.add_file(display, None)
    try:
        data = path.read_bytes()
    except (OSError, ValueError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        if origin is not None:
            report.add(origin, (), f"cannot read {display}: {reason}")
        else:
            report.add(Origin(display), (), f"cannot read the file: {reason}")
        return SourceFile(path, display, b"", None)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        report.add(Origin(display), (), f"not UTF-8 text (byte {err.start})", line=line)
        return SourceFile(path, display, data, None)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message, line = _syntax_position(str(err), text)
        report.add(Origin(display), (), f"TOML syntax error: {message}", line=line)
        return SourceFile(path, display, data, None)
    except (ValueError, RecursionError) as err:
        report.add(Origin(display), (), f"TOML value the reader cannot take: {str(err)[:80]}")
        return SourceFile(path, display, data, None)
    report.add_file(display, text)
    return SourceFile(path, display, data, doc)


def _syntax_position(message: str, text: str) -> tuple[str, int]:
    match = _POSITION.search(message)
    if not match:
        return message, 1
    head = message[: match.start()]
    if match.group(1):
        return f"{head} (column {match.group(2)})", int(match.group(1))
    last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
    return f"{head} (at the end of the file)", max(1, last_line)


def _entries(report: Report, source: SourceFile, allowed: tuple[str, ...], into: Entries) -> None:
    """Append the file's records, by kind, to `into`, reporting keys that are not tables."""
    assert source.doc is not None
    top = Fields(report, Origin(source.display), source.doc, allowed)
    for kind in RECORD_KINDS:
        for i, table in top.tables(kind):
            into.setdefault(kind, []).append((Origin(source.display, (kind, i)), table))
    supply = top.table_of("supply")
    if supply is not None:
        s = Fields(report, Origin(source.display, ("supply",)), supply, SUPPLY_KINDS)
        for kind in SUPPLY_KINDS:
            for i, table in s.tables(kind):
                origin = Origin(source.display, ("supply", kind, i))
                into.setdefault(f"supply.{kind}", []).append((origin, table))


def _includes(report: Report, main: SourceFile, header: Header) -> list[SourceFile]:
    root = main.path.parent.resolve()
    seen: set[Path] = {main.path.resolve()}
    files = []
    for i, name in enumerate(header.include):
        origin = Origin(main.display, ("scenario", "include", i))
        target = _include_path(report, origin, root, name)
        if target is None:
            continue
        if target in seen:
            report.add(origin, (), f"{describe(name)} is included twice, or is the scenario")
            continue
        seen.add(target)
        source = read_toml(report, target, display_path(target), origin)
        if source.doc is None:
            continue
        if "scenario" in source.doc:
            report.add(
                Origin(source.display, ("scenario",)),
                (),
                "an included file cannot have a [scenario] table (only the main file has one)",
            )
        files.append(source)
    return files


def _include_path(report: Report, origin: Origin, root: Path, name: str) -> Path | None:
    try:
        if "\0" in name or Path(name).is_absolute():
            raise ValueError
        target = (root / name).resolve()
        inside = target.is_relative_to(root)
    except (OSError, ValueError, RuntimeError):
        inside = False
    if not inside:
        report.add(
            origin,
            (),
            f"{describe(name)} is outside the scenarios directory; "
            'give a path relative to it, such as "common/forces.toml"',
        )
        return None
    try:
        exists = target.is_file()
    except OSError:
        exists = False
    if not exists:
        candidates = [p.relative_to(root).as_posix() for p in _toml_files(root)]
        report.add(
            origin,
            (),
            f"{describe(name)} does not exist in {display_path(root)}",
            suggestion=suggest(name, candidates),
        )
        return None
    return target


def _toml_files(root: Path) -> list[Path]:
    try:
        return sorted(p for p in root.rglob("*.toml") if p.is_file())
    except OSError:
        return []


def _theatre(report: Report, main: SourceFile, header: Header) -> Theatre | None:
    origin = Origin(main.display, ("scenario", "theatre"))
    root = main.path.parent.resolve()
    try:
        directory = (root / header.theatre).resolve()
        ok = "\0" not in header.theatre and directory.is_relative_to(root) and directory.is_dir()
    except (OSError, ValueError, RuntimeError):
        ok = False
    if not ok:
        report.add(
            origin, (), f"no map directory {describe(header.theatre)} in {display_path(root)}"
        )
        return None
    try:
        return load_theatre(directory)
    except (UserError, OSError, ValueError, KeyError) as err:
        report.add(origin, (), f"cannot load the map in {display_path(directory)}: {err}")
        return None


def _read_all(ctx: Context, entries: Entries, kind: str, reader: Callable) -> tuple:
    records = (reader(ctx, origin, table) for origin, table in entries.get(kind, []))
    return tuple(r for r in records if r is not None)


def load_scenario(scenario: str | os.PathLike, theatre: Theatre | None = None) -> Scenario:
    """The scenario with this id or path, checked against `theatre` (default: the map it names)."""
    path = scenario_path(scenario)
    report = Report()
    main = read_toml(report, path, display_path(path))
    if main.doc is None:
        raise ScenarioError(report.problems)
    scenario_table = main.doc.get("scenario")
    if not isinstance(scenario_table, dict):
        found = "nothing" if scenario_table is None else describe(scenario_table)
        hint = " (is this a file that a scenario includes?)" if scenario_table is None else ""
        report.add(
            Origin(main.display, ("scenario",)),
            (),
            f"expected a [scenario] table, found {found}{hint}",
        )
        raise ScenarioError(report.problems)
    header = read_header(report, Origin(main.display, ("scenario",)), scenario_table, path.stem)
    includes = _includes(report, main, header)
    entries: Entries = {}
    for source in includes:
        _entries(report, source, INCLUDE_KEYS + ("scenario",), entries)
    _entries(report, main, TOP_KEYS, entries)
    if theatre is None:
        theatre = _theatre(report, main, header)
        if theatre is None:
            raise ScenarioError(report.problems)
    start, end = header.start, header.end
    if start is None or end is None or end < start:
        start = end = None  # already reported; other dates cannot be checked against them
    ctx = Context(report, MapRefs(theatre, report), start, end)
    sides = _read_all(ctx, entries, "sides", read_side)
    control = _read_all(ctx, entries, "control", read_control)
    units = _read_all(ctx, entries, "units", read_unit)
    sources = _read_all(ctx, entries, "supply.sources", read_supply_source)
    lines = _read_all(ctx, entries, "supply.lines", read_supply_line)
    airlifts = _read_all(ctx, entries, "supply.airlifts", read_airlift)
    blockades = _read_all(ctx, entries, "blockades", read_blockade)
    events = _read_all(ctx, entries, "events", read_event)
    victory = _read_all(ctx, entries, "victory", read_victory)
    operations = _read_all(ctx, entries, "operations", read_operation)
    levers = _read_all(ctx, entries, "levers", read_lever)
    limits = _read_all(ctx, entries, "limits", read_limit)
    all_included = len(includes) == len(header.include)
    check_sides(report, Origin(main.display), sides, complete=all_included)
    check_references(report, units, sources, lines, airlifts, blockades, events)
    unique(report, operations, "operation")
    check_operations(report, operations, {u.id: u for u in units})
    check_levers(report, levers)
    unique(report, limits, "limit")
    if report:
        raise ScenarioError(report.problems)
    files = (main, *includes)
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.data)
    assert header.start is not None and header.end is not None and header.turn_days is not None
    return Scenario(
        id=path.stem,
        title=header.title,
        summary=header.summary,
        start=header.start,
        end=header.end,
        turn_days=header.turn_days,
        theatre_dir=(main.path.parent / header.theatre).resolve(),
        path=main.path.resolve(),
        files=tuple(f.path.resolve() for f in files),
        sha256=digest.hexdigest(),
        sides=sides,
        control=control,
        units=units,
        supply=Supply(sources, lines, airlifts),
        blockades=blockades,
        events=tuple(e for e in events if e.enabled),
        victory=victory,
        operations=operations,
        dormant_events=tuple(e for e in events if not e.enabled),
        levers=levers,
        limits=limits,
    )


def validate_paths(
    paths: Iterable[str | os.PathLike], theatre: Theatre | None = None
) -> list[Problem]:
    """Every problem in every scenario file given; an empty list means all are valid."""
    problems: list[Problem] = []
    for p in paths:
        try:
            load_scenario(p, theatre)
        except ScenarioError as err:
            problems.extend(err.problems)
    return problems
