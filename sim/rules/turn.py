"""One turn, resolved in a fixed order of phases, each in its own module.

    events -> supply -> movement -> combat -> control -> history -> politics -> end

`resolve_turn` is the one door through which a game's state changes. It takes the orders of
both sides (already chosen by their controllers), the game's generator and returns the turn's
log entries. Phases draw from the generator in a fixed order, so the same state, orders and
generator state always give the same result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.chronicle import Entry
from sim.orders import Order
from sim.rules import combat, control, end, events, history_notes, movement, politics, supply
from sim.rules.context import TurnContext
from sim.state import GameState

PHASES = (
    ("events", events.run),
    ("supply", supply.run),
    ("movement", movement.run),
    ("combat", combat.run),
    ("control", control.run),
    ("history", history_notes.run),
    ("politics", politics.run),
    ("end", end.run),
)


def resolve_turn(
    state: GameState, orders: Mapping[str, Sequence[Order]], rng: np.random.Generator
) -> list[Entry]:
    """Resolve the next turn in place and return what happened, in order."""
    if state.over:
        raise ValueError(f"the game is over ({state.ended})")
    ctx = TurnContext(state=state, orders=orders, rng=rng)
    for _name, phase in PHASES:
        phase(ctx)
    state.turn += 1
    return ctx.log
