"""Problems found in scenario files, gathered so the user sees every one of them at once.

A problem names the file, the line, the key path, what was expected and what was found, and
a close match when one exists, in the form editors and terminals link to:
``scenarios/1992-winter.toml:48: units[3].place: "Shushaa" is not a place on the map
(did you mean "Shusha"?)``.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sim.errors import UserError
from sim.scenario.model import Origin
from sim.scenario.toml_locate import Locator

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def key_path(path: Sequence[str | int]) -> str:
    """`("units", 3, "place")` -> `units[3].place`, as a reader of the TOML would say it."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if _BARE_KEY.match(part) else json.dumps(part, ensure_ascii=False)
            out += f".{text}" if out else text
    return out


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    path: tuple[str | int, ...]
    message: str
    expected: str | None = None
    found: str | None = None
    suggestion: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = key_path(self.path)
        text = f"{where}: {key}: {self.message}" if key else f"{where}: {self.message}"
        if self.suggestion:
            text += f' (did you mean "{self.suggestion}"?)'
        return text


class ScenarioError(UserError):
    """A scenario that cannot be used, with every problem found in it."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def describe(value: object) -> str:
    """A value as it would be written in TOML, short enough for one line of output."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return json.dumps(text, ensure_ascii=False)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int) and abs(value) >= 10**30:
        return f"an integer of {len(str(abs(value)))} digits"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def kind_of(value: object) -> str:
    """The TOML type of a value, for "expected a number, found "12" (a string)"."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def found_text(value: object) -> str:
    """The value and, when that alone would not say what went wrong, its type."""
    if isinstance(value, dict | list):
        return describe(value)
    return f"{describe(value)} ({kind_of(value)})"


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate, matched without regard to case, or None."""
    by_lower: dict[str, str] = {}
    for c in candidates:
        by_lower.setdefault(c.lower(), c)
    match = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[match[0]] if match else None


class Report:
    """Collects problems across the files of one scenario and gives each its line number."""

    def __init__(self) -> None:
        self._problems: list[Problem] = []
        self._locators: dict[str, Locator] = {}
        self._file_order: dict[str, int] = {}

    def add_file(self, file: str, text: str | None) -> None:
        self._file_order.setdefault(file, len(self._file_order))
        if text is not None:
            self._locators[file] = Locator(text)

    def add(
        self,
        origin: Origin,
        path: tuple[str | int, ...] = (),
        message: str | None = None,
        *,
        expected: str | None = None,
        found: str | None = None,
        suggestion: str | None = None,
        line: int | None = None,
    ) -> None:
        full = origin.path + path
        if line is None and origin.file in self._locators:
            line = self._locators[origin.file].line_of(full)
        if message is None:
            message = f"expected {expected}, found {found}"
        self._file_order.setdefault(origin.file, len(self._file_order))
        self._problems.append(
            Problem(origin.file, line, full, message, expected, found, suggestion)
        )

    def line_of(self, origin: Origin, path: tuple[str | int, ...] = ()) -> int | None:
        locator = self._locators.get(origin.file)
        return locator.line_of(origin.path + path) if locator else None

    def where(self, origin: Origin, path: tuple[str | int, ...] = ()) -> str:
        """`file:line` of a record, for messages that point at a second place."""
        line = self.line_of(origin, path)
        return f"{origin.file}:{line}" if line else origin.file

    @property
    def problems(self) -> list[Problem]:
        """Every problem, ordered by file (main file first) and line."""
        return sorted(
            self._problems,
            key=lambda p: (self._file_order.get(p.file, 0), p.line or 0),
        )

    def __bool__(self) -> bool:
        return bool(self._problems)
