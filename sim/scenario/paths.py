"""Where scenarios live, and which file a name given on the command line means.

A scenario can be named by id (`1992-winter`, looked up in `scenarios/`) or by path, so the
same argument works for the game's own scenarios and for a file being written elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.scenario.problems import Problem, ScenarioError, suggest

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
# Data files beside the scenarios that are not scenarios themselves.
NOT_SCENARIOS = frozenset({"timeline.toml"})


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:
        return path.as_posix()
    return path.as_posix() if relative.parts[:1] == ("..",) else relative.as_posix()


def scenario_files(directory: str | os.PathLike | None = None) -> list[Path]:
    """The scenario files: `*.toml` directly in the directory (not common/ or theatre/, nor the
    historical timeline)."""
    root = Path(directory) if directory is not None else SCENARIOS_DIR
    try:
        return sorted(
            p for p in root.glob("*.toml") if p.is_file() and p.name not in NOT_SCENARIOS
        )
    except OSError:
        return []


def scenario_path(name: str | os.PathLike, directory: str | os.PathLike | None = None) -> Path:
    """The file for a scenario given by id (`1992-winter`) or by path."""
    root = Path(directory) if directory is not None else SCENARIOS_DIR
    given = Path(name)
    text = os.fspath(name)
    try:
        if given.is_file():
            return given
        looks_like_id = given.suffix == "" and len(given.parts) == 1 and "\0" not in text
        if looks_like_id and (root / f"{text}.toml").is_file():
            return root / f"{text}.toml"
    except (OSError, ValueError):
        looks_like_id = False
    if not looks_like_id:
        problem = Problem(display_path(given), None, (), "no such file")
    else:
        ids = [p.stem for p in scenario_files(root)]
        hint = suggest(text, ids)
        listing = "" if hint or not ids else f"; there are: {', '.join(ids)}"
        message = f'no scenario "{text}"{listing}'
        problem = Problem(display_path(root), None, (), message, suggestion=hint)
    raise ScenarioError([problem])
