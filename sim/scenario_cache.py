"""Values worked out once per scenario object: the rules and the AI derive lookup tables
from a scenario (supply routes, militia home villages, each side's objectives) that never
change during a game, and a batch worker plays many games of the same scenario."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from sim.state import GameState

KEEP = 16
"""Most values a cache keeps; the oldest goes first."""


def per_scenario(
    cache: dict[tuple, tuple[object, Any]],
    state: GameState,
    build: Callable[[GameState], Any],
    *key: Hashable,
) -> Any:
    """`build(state)` for this game's scenario object and `key`, worked out once. Keyed by the
    scenario's id and checked against the object itself, so a reused id never returns another
    scenario's value."""
    scenario = state.scenario
    full_key = (id(scenario), *key)
    cached = cache.get(full_key)
    if cached is not None and cached[0] is scenario:
        return cached[1]
    value = build(state)
    if len(cache) >= KEEP:
        cache.pop(next(iter(cache)))
    cache[full_key] = (scenario, value)
    return value
