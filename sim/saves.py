"""Save files: a game as scenario + seed + orders, with a checksum of the state after each turn.

A save does not hold the state itself. It holds what made it: which scenario (id, path and the
SHA-256 of its files), the seed, how the sources' ranges were resolved, who controlled each
side, every turn's orders and the checksum of the state that turn left, and the state of the
rules' generator at the end. Loading replays the orders from the first day (see
`sim.session.Session.from_save`), so a loaded game is the very game that was saved, and any
change to the rules or the scenario shows up as the first turn whose checksum differs.

The file is JSON, written atomically (a reader never sees half a save):

    {"format": "karabakh-1992-94-save", "version": 1, "program_version": "0.1.0",
     "scenario": {"id": "1992-winter", "sha256": "...", "path": "scenarios/1992-winter.toml"},
     "seed": 7, "sources": "draw",
     "controllers": {"armenian": "idle", "azerbaijani": "ai"}, "ai_levels": {"azerbaijani": 3},
     "turns": [{"turn": 1, "date": "1992-01-01", "checksum": "...",
                "orders": {"armenian": [{"order": "move", "unit": "...", "to": [q, r]}],
                           "azerbaijani": []}}, ...],
     "rng_state": {"bit_generator": "PCG64", "state": {"state": "0x...", "inc": "0x..."},
                   "has_uint32": 0, "uinteger": 0}}

The generator's 128-bit integers are written as hexadecimal strings, so any JSON reader can
hold them. Reading checks everything and turns every problem — an unreadable, damaged,
truncated or foreign file, a newer format, a wrong type — into a `UserError` that names the
file and the key, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim import __version__
from sim.atomic import write_text_atomic
from sim.errors import UserError
from sim.game import SOURCES_MODES
from sim.orders import MalformedOrder, order_from_dict
from sim.scenario import Scenario, ScenarioError, load_scenario, scenario_path
from sim.scenario import paths as scenario_paths
from sim.scenario.paths import display_path
from sim.sides import SIDE_IDS

if TYPE_CHECKING:
    from sim.session import Session

SAVE_FORMAT = "karabakh-1992-94-save"
SAVE_VERSION = 1
PROJECT_ROOT = scenario_paths.SCENARIOS_DIR.parent

TOP_KEYS = (
    "format",
    "version",
    "program_version",
    "scenario",
    "seed",
    "sources",
    "controllers",
    "turns",
    "rng_state",
    "levers",
    "ai_levels",
)
OPTIONAL_KEYS = ("levers", "ai_levels")
"""Keys a save has only when they say something: `levers` when what-if levers were set,
`ai_levels` when a side is played by the AI (its `--ai-level`, so a loaded game plays on at it)."""
_CHECKSUM = re.compile(r"^[0-9a-f]{64}$")
_SCENARIO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_HEX_INT = re.compile(r"^0x[0-9a-f]+$")
_EXACT_JSON_INT = 2**53


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """One resolved turn: its number (from 1), first day, orders given and resulting checksum."""

    turn: int
    date: dt.date
    orders: dict[str, list[dict[str, Any]]]
    checksum: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "date": self.date.isoformat(),
            "orders": {side: [dict(o) for o in orders] for side, orders in self.orders.items()},
            "checksum": self.checksum,
        }


@dataclass(frozen=True, slots=True)
class SaveFile:
    """A save as read and checked, before its scenario is found and its orders replayed."""

    name: str
    """The file as shown to the user."""
    scenario_id: str
    scenario_sha256: str
    scenario_path: str
    seed: int
    sources: str
    controllers: dict[str, str]
    turns: tuple[TurnRecord, ...]
    rng_state: dict[str, Any]
    program_version: str
    levers: dict[str, Any] = field(default_factory=dict)
    """What-if levers set for the game, by id: true/false or a number."""
    ai_levels: dict[str, int] = field(default_factory=dict)
    """The level of each side the AI played (saves from before the key: the default level)."""


# --- writing -----------------------------------------------------------------------------------


def save_data(session: Session) -> dict[str, Any]:
    """The save of a session as plain JSON data."""
    scenario = session.scenario
    data: dict[str, Any] = {
        "format": SAVE_FORMAT,
        "version": SAVE_VERSION,
        "program_version": __version__,
        "scenario": {
            "id": scenario.id,
            "sha256": scenario.sha256,
            "path": _portable_path(scenario.path),
        },
        "seed": session.seed,
        "sources": session.sources,
        "controllers": {side: c.kind for side, c in session.controllers.items()},
    }
    if session.levers:
        data["levers"] = dict(session.levers)
    ai_levels = {
        side: c.level
        for side, c in session.controllers.items()
        if c.kind == "ai" and isinstance(getattr(c, "level", None), int)
    }
    if ai_levels:
        data["ai_levels"] = ai_levels
    data["turns"] = [record.to_dict() for record in session.turns]
    data["rng_state"] = rng_state_to_json(session.rng_state)
    return data


def write_save(session: Session, path: str | os.PathLike) -> None:
    """Write the session's save atomically (temporary file, then rename)."""
    write_text_atomic(path, save_text(save_data(session)))


def save_text(data: Mapping[str, Any]) -> str:
    """JSON with one line per top-level key and one line per turn: readable, and diffs well."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    rows = []
    for key, value in data.items():
        if key == "turns" and value:
            turns = ",\n".join(f"  {dump(turn)}" for turn in value)
            rows.append(f" {dump(key)}: [\n{turns}\n ]")
        else:
            rows.append(f" {dump(key)}: {dump(value)}")
    return "{\n" + ",\n".join(rows) + "\n}\n"


def _portable_path(path: Path) -> str:
    """Relative to the project when the scenario is one of its files, else absolute."""
    resolved = Path(path).resolve()
    if resolved.is_relative_to(PROJECT_ROOT):
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    return resolved.as_posix()


def rng_state_to_json(state: Mapping[str, Any]) -> dict[str, Any]:
    """numpy's bit generator state with integers too big for every JSON reader as hex strings."""

    def convert(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, np.integer)):
            value = int(value)
            return hex(value) if abs(value) >= _EXACT_JSON_INT else value
        raise TypeError(f"unexpected value in a generator state: {value!r}")

    return convert(state)


def rng_state_from_json(data: Any) -> dict[str, Any]:
    """The inverse of `rng_state_to_json`, checked by handing it to a PCG64 generator."""

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, str) and _HEX_INT.match(value):
            return int(value, 16)
        return value

    if not isinstance(data, dict) or data.get("bit_generator") != "PCG64":
        raise ValueError("expected the state of a PCG64 generator")
    state = convert(data)
    try:
        np.random.PCG64().state = state
    except (TypeError, ValueError, KeyError, OverflowError) as err:
        raise ValueError(f"not a usable generator state ({err})") from None
    return state


# --- reading -----------------------------------------------------------------------------------


def read_save(path: str | os.PathLike) -> SaveFile:
    """Read and check a save file; any problem is a UserError naming the file and the key."""
    name = display_path(Path(path))
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise UserError(f"cannot read the save {name}: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{name} is not a save of this game (not UTF-8 text)") from None
    return parse_save(text, name)


def parse_save(text: str, name: str = "the save") -> SaveFile:
    """Check the text of a save and return its contents; any problem is a UserError."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":
            raise UserError(
                f"{name} is not a save of this game: it holds more than one JSON value"
                f" (line {err.lineno}); a log written by --log is not a save"
            ) from None
        raise UserError(
            f"{name} is damaged or incomplete: not valid JSON ({err.msg}; line {err.lineno},"
            f" column {err.colno})"
        ) from None
    except (ValueError, RecursionError) as err:
        raise UserError(f"{name} is damaged: {str(err)[:100]}") from None
    return _SaveReader(name).read(doc)


class _SaveReader:
    """Checks a parsed save key by key; the first problem found is the one reported."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, key: str, message: str) -> UserError:
        where = f"{self.name}: {key}" if key else self.name
        return UserError(f"{where}: {message}")

    def read(self, doc: Any) -> SaveFile:
        if not isinstance(doc, dict):
            raise UserError(
                f"{self.name} is not a save of this game (it holds a JSON {_kind(doc)}, not a save)"
            )
        fmt = doc.get("format")
        if fmt != SAVE_FORMAT:
            found = "no format" if fmt is None else f"format {_show(fmt)}"
            raise UserError(
                f"{self.name} is not a save of this game ({found}; a save has format"
                f' "{SAVE_FORMAT}")'
            )
        version = doc.get("version")
        if not _is_int(version) or version < 1:
            raise self.fail(
                "version", f"expected a format version (1 or more), found {_show(version)}"
            )
        if version > SAVE_VERSION:
            made_by = doc.get("program_version")
            by = f" (program version {made_by})" if isinstance(made_by, str) else ""
            raise UserError(
                f"{self.name} was made by a newer version of the program{by}: save format"
                f" version {version}, this program reads up to version {SAVE_VERSION};"
                " update the program to load it"
            )
        extra = sorted(str(k) for k in doc if k not in TOP_KEYS)
        if extra:
            raise self.fail("", f"unexpected keys in a save: {', '.join(extra)}")
        missing = [k for k in TOP_KEYS if k not in doc and k not in OPTIONAL_KEYS]
        if missing:
            raise self.fail("", f"incomplete save, missing: {', '.join(missing)}")
        scenario = self.scenario(doc["scenario"])
        seed = doc["seed"]
        if not _is_int(seed) or seed < 0:
            raise self.fail("seed", f"expected a whole number 0 or more, found {_show(seed)}")
        sources = doc["sources"]
        if sources not in SOURCES_MODES:
            raise self.fail(
                "sources", f"expected one of {', '.join(SOURCES_MODES)}, found {_show(sources)}"
            )
        program_version = doc["program_version"]
        if not isinstance(program_version, str):
            raise self.fail("program_version", f"expected text, found {_show(program_version)}")
        try:
            rng_state = rng_state_from_json(doc["rng_state"])
        except ValueError as err:
            raise self.fail("rng_state", str(err)) from None
        return SaveFile(
            name=self.name,
            scenario_id=scenario[0],
            scenario_sha256=scenario[1],
            scenario_path=scenario[2],
            seed=seed,
            sources=sources,
            controllers=self.controllers(doc["controllers"]),
            turns=self.turns(doc["turns"]),
            rng_state=rng_state,
            program_version=program_version,
            levers=self.levers(doc.get("levers", {})),
            ai_levels=self.ai_levels(doc.get("ai_levels", {})),
        )

    def ai_levels(self, value: Any) -> dict[str, int]:
        """Side -> AI level 1-3 (the levels the doctrine knows)."""
        if not isinstance(value, dict):
            raise self.fail("ai_levels", f"expected a table, found {_show(value)}")
        for side, level in value.items():
            if side not in SIDE_IDS:
                raise self.fail("ai_levels", f"unknown side {_show(side)}")
            if not _is_int(level) or level not in (1, 2, 3):
                raise self.fail(f"ai_levels.{side}", f"expected 1, 2 or 3, found {_show(level)}")
        return dict(value)

    def levers(self, value: Any) -> dict[str, Any]:
        """Lever ids and values; whether the scenario has them is checked when it is set up."""
        if not isinstance(value, dict):
            raise self.fail("levers", f"expected a table, found {_show(value)}")
        for lever_id, given in value.items():
            if isinstance(given, bool) or (_is_int(given) or isinstance(given, float)):
                continue
            raise self.fail(f"levers.{lever_id}", f"expected true, false or a number, found"
                            f" {_show(given)}")
        return dict(value)

    def scenario(self, value: Any) -> tuple[str, str, str]:
        if not isinstance(value, dict):
            raise self.fail("scenario", f"expected a table, found {_show(value)}")
        if set(value) != {"id", "sha256", "path"}:
            raise self.fail("scenario", "expected exactly the keys id, sha256 and path")
        sid, sha, path = value["id"], value["sha256"], value["path"]
        if not isinstance(sid, str) or not _SCENARIO_ID.match(sid):
            raise self.fail("scenario.id", f"expected a scenario id, found {_show(sid)}")
        if not isinstance(sha, str) or not _CHECKSUM.match(sha):
            raise self.fail("scenario.sha256", f"expected 64 hex digits, found {_show(sha)}")
        if not isinstance(path, str) or not path or "\0" in path:
            raise self.fail("scenario.path", f"expected a file path, found {_show(path)}")
        return sid, sha, path

    def controllers(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail("controllers", f"expected a table, found {_show(value)}")
        out = {}
        for side, kind in value.items():
            if side not in SIDE_IDS:
                raise self.fail("controllers", f"unknown side {_show(side)}")
            if not isinstance(kind, str) or not kind:
                raise self.fail(f"controllers.{side}", f"expected a kind, found {_show(kind)}")
            out[side] = kind
        return out

    def turns(self, value: Any) -> tuple[TurnRecord, ...]:
        if not isinstance(value, list):
            raise self.fail("turns", f"expected a list, found {_show(value)}")
        return tuple(self.turn(i, item) for i, item in enumerate(value))

    def turn(self, i: int, value: Any) -> TurnRecord:
        key = f"turns[{i}]"
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, found {_show(value)}")
        if set(value) != {"turn", "date", "orders", "checksum"}:
            raise self.fail(key, "expected exactly the keys turn, date, orders and checksum")
        number = value["turn"]
        if not _is_int(number) or number != i + 1:
            raise self.fail(f"{key}.turn", f"expected turn {i + 1}, found {_show(number)}")
        try:
            date = dt.date.fromisoformat(value["date"])
        except (TypeError, ValueError):
            raise self.fail(
                f"{key}.date", f"expected a date YYYY-MM-DD, found {_show(value['date'])}"
            ) from None
        checksum = value["checksum"]
        if not isinstance(checksum, str) or not _CHECKSUM.match(checksum):
            raise self.fail(f"{key}.checksum", f"expected 64 hex digits, found {_show(checksum)}")
        orders = value["orders"]
        if not isinstance(orders, dict):
            raise self.fail(f"{key}.orders", f"expected a table, found {_show(orders)}")
        checked: dict[str, list[dict[str, Any]]] = {}
        for side, given in orders.items():
            if side not in SIDE_IDS:
                raise self.fail(f"{key}.orders", f"unknown side {_show(side)}")
            if not isinstance(given, list):
                raise self.fail(f"{key}.orders.{side}", f"expected a list, found {_show(given)}")
            for j, order in enumerate(given):
                try:
                    order_from_dict(order)
                except MalformedOrder as err:
                    raise self.fail(f"{key}.orders.{side}[{j}]", str(err)) from None
            checked[side] = given
        return TurnRecord(number, date, checked, checksum)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    return {list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def _show(value: Any) -> str:
    """A value from the file, short enough for an error message."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- the scenario a save was made with ---------------------------------------------------------


def find_scenario(save: SaveFile) -> Scenario:
    """The save's scenario, by its path or its id, unchanged since the save was made.

    The recorded path is tried first (a scenario outside `scenarios/`), then the id in
    `scenarios/`. A scenario whose files changed would replay into a different game, so it is
    refused with both hashes; the user can then run the game again from its seed.
    """
    candidates: list[Path] = []
    recorded = Path(save.scenario_path)
    if not recorded.is_absolute():
        recorded = PROJECT_ROOT / recorded
    try:
        if recorded.is_file():
            candidates.append(recorded.resolve())
    except (OSError, ValueError):
        pass
    try:
        by_id = scenario_path(save.scenario_id).resolve()
    except ScenarioError:
        by_id = None
    if by_id is not None and by_id not in candidates:
        candidates.append(by_id)
    changed: list[Scenario] = []
    broken: list[ScenarioError] = []
    for candidate in candidates:
        try:
            scenario = load_scenario(candidate)
        except ScenarioError as err:
            broken.append(err)
            continue
        if scenario.sha256 == save.scenario_sha256:
            return scenario
        changed.append(scenario)
    if changed:
        now = changed[0]
        raise UserError(
            f"{save.name}: the scenario {save.scenario_id} changed since the save was made"
            f" ({display_path(now.path)} and the files it includes: sha256 in the save"
            f" {save.scenario_sha256[:16]}…, now {now.sha256[:16]}…); the saved orders would"
            " not replay the same game"
        )
    if broken:
        raise UserError(
            f"{save.name}: the save's scenario {save.scenario_id} cannot be loaded:\n{broken[0]}"
        )
    raise UserError(
        f"{save.name}: the save's scenario {save.scenario_id} is neither in"
        f" {display_path(scenario_paths.SCENARIOS_DIR)} nor at {display_path(recorded)}"
    )
