"""Setting up a game: the seeded generator, the sources' ranges resolved, the first day's state.

One `numpy.random.Generator` per game, built from the seed with `SeedSequence`, is the only
source of chance. Setting up draws the scenario's disputed numbers (ranges) from it first, in
file order, so the same seed gives the same forces; `sources="midpoint"` takes the middle of
every range and draws nothing, so the dice then fall exactly as in any other midpoint game.
"""

from __future__ import annotations

import numpy as np

from sim.scenario import FORCE_FIELDS, Scenario, initial_control
from sim.sides import SIDE_IDS
from sim.state import (
    UNIT_ACTIVE,
    UNIT_WAITING,
    UNIT_WITHDRAWN,
    GameState,
    UnitState,
    empty_tally,
)
from sim.theatre import Theatre, load_theatre

SOURCES_MODES: tuple[str, ...] = ("draw", "midpoint")


def make_rng(seed: int) -> np.random.Generator:
    """The game's generator: PCG64 seeded through SeedSequence (stable across processes)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))


def initial_state(
    scenario: Scenario,
    rng: np.random.Generator,
    sources: str = "draw",
    theatre: Theatre | None = None,
) -> GameState:
    """The state on the scenario's first day."""
    if sources not in SOURCES_MODES:
        raise ValueError(f"sources must be one of {SOURCES_MODES}, got {sources!r}")
    midpoint = sources == "midpoint"
    theatre = theatre or load_theatre(scenario.theatre_dir)
    waiting = scenario.arriving_by_event()
    units: dict[str, UnitState] = {}
    for u in scenario.units:
        strength = {name: u.force(name).resolve(rng, midpoint) for name in FORCE_FIELDS}
        status = UNIT_ACTIVE
        if u.id in waiting or (u.arrives is not None and u.arrives > scenario.start):
            status = UNIT_WAITING
        if u.withdraws is not None and u.withdraws <= scenario.start:
            status = UNIT_WITHDRAWN
        index = theatre.index_of(u.hex)
        units[u.id] = UnitState(
            id=u.id,
            name=u.name,
            side=u.side,
            type=u.type,
            index=-1 if index is None else index,
            morale=u.morale.resolve(rng, midpoint),
            experience=u.experience.resolve(rng, midpoint),
            status=status,
            **strength,
        )
    control = initial_control(scenario, theatre)
    return GameState(
        scenario=scenario,
        theatre=theatre,
        control=control,
        start_control=_read_only(control.copy()),
        followed=np.zeros(theatre.n, dtype=bool),
        units=units,
        national_morale={s.id: s.national_morale.resolve(rng, midpoint) for s in scenario.sides},
        ammunition={s.id: s.ammunition.resolve(rng, midpoint) for s in scenario.sides},
        losses=empty_tally(),
        captured=empty_tally(),
        midpoint=midpoint,
    )


def _read_only(layer: np.ndarray) -> np.ndarray:
    layer.flags.writeable = False
    return layer


def sides_of(state: GameState) -> tuple[str, ...]:
    return tuple(s for s in SIDE_IDS if s in state.national_morale)
