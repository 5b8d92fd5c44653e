"""The scenarios on offer, listed for a chooser.

Listing loads and validates each scenario so that the chooser offers only ones that work; a
broken file is listed with its problems instead of stopping the others.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.scenario.load import load_scenario
from sim.scenario.paths import display_path, scenario_files
from sim.scenario.problems import Problem, ScenarioError

if TYPE_CHECKING:
    from sim.theatre import Theatre


@dataclass(frozen=True, slots=True)
class ScenarioSummary:
    """What a chooser shows; `problems` is empty for a scenario that loads."""

    id: str
    path: Path
    title: str = ""
    start: date | None = None
    end: date | None = None
    turn_days: int | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "turn_days": self.turn_days,
            "path": display_path(self.path),
        }


def list_scenarios(
    directory: str | os.PathLike | None = None, theatre: Theatre | None = None
) -> list[ScenarioSummary]:
    """A summary of every scenario in the directory, broken ones with their problems."""
    summaries = []
    for path in scenario_files(directory):
        try:
            s = load_scenario(path, theatre)
        except ScenarioError as err:
            summaries.append(_broken_summary(path, err.problems))
            continue
        summaries.append(ScenarioSummary(s.id, path, s.title, s.start, s.end, s.turn_days))
    return summaries


def _broken_summary(path: Path, problems: tuple[Problem, ...]) -> ScenarioSummary:
    """As much of the `[scenario]` table as can be read, so the user knows which file it is."""
    try:
        header = tomllib.loads(path.read_text(encoding="utf-8-sig")).get("scenario")
    except (OSError, ValueError, RecursionError):
        header = None
    header = header if isinstance(header, dict) else {}

    def typed(key: str, kind: type) -> Any:
        value = header.get(key)
        return value if isinstance(value, kind) and not isinstance(value, bool) else None

    return ScenarioSummary(
        id=path.stem,
        path=path,
        title=typed("title", str) or "",
        start=typed("start", date),
        end=typed("end", date),
        turn_days=typed("turn_days", int),
        problems=problems,
    )
