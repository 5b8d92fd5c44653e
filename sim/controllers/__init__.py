"""Controllers: who gives each side's orders — the window's player, an AI, a historical plan.

A controller is anything with a `side`, a `kind` and an `orders(state, rng)` method that
returns that side's orders for the next turn. The game loop (`sim.session.Session`) asks each
side's controller in a fixed order, Armenian first, then Azerbaijani, and resolves the turn
with both sets of orders, so the orders are simultaneous: each controller is shown a copy of
the state at the start of the turn (`state.copy()`, never the live state, so a controller's
look-ahead cannot change the game) and neither sees the other's orders.

Chance. A controller that needs chance (an AI breaking ties, a plan choosing between
variants) draws from the generator it is handed, never from the rules' generator: that one
belongs to the rules alone, so an AI's thinking never shifts the rules' dice. The generator
is derived from the game's seed, the side and the turn (`controller_rng`): the children of
`SeedSequence(seed).spawn(3)` are [reserved, Armenian controller, Azerbaijani controller]
(the rules draw from `sim.game.make_rng(seed)`, the root stream), and each controller stream is
spawned again per turn. Because it depends only on (seed, side, turn), a game loaded from a
save hands its controllers exactly the generators they would have had, without saving any
controller state.

Memory. For the same reason a controller's orders should depend only on the state it is shown,
the generator and its own options; a controller that keeps memory across turns must be able to
rebuild it from the state, or a game continued from a save could play differently.

Kinds. `make_controller(kind, side, **options)` builds a controller by name, the name a save
records: "idle" (holds its positions) now; "ai" and "historical" come later and register in
`KINDS`. Orders can also come from a list made in advance (`ReplayController`, used to replay
a save); the window's human controller works the same way: it keeps the orders the player
clicks and hands them over when the player ends the turn and the window calls
`Session.play_turn()`.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, runtime_checkable

import numpy as np

from sim.controllers.recorded import ReplayController
from sim.errors import UserError
from sim.orders import Order
from sim.sides import SIDE_IDS
from sim.state import GameState

CONTROLLER_STREAMS: dict[str, int] = {"armenian": 1, "azerbaijani": 2}
"""Which child of `SeedSequence(seed).spawn(3)` each side's controller draws from."""

KINDS: dict[str, tuple[str, str]] = {
    "idle": ("sim.controllers.idle", "IdleController"),
    "ai": ("sim.controllers.ai", "AiController"),
    "human": ("sim.controllers.human", "HumanController"),
    "historical": ("sim.controllers.historical", "HistoricalController"),
}
"""Controller kinds by name: (module, class), imported only when asked for."""


@runtime_checkable
class Controller(Protocol):
    """Gives one side's orders for a turn; see the module docstring for the rules of play."""

    side: str
    kind: str
    """The name `make_controller` knows it by, recorded in saves."""
    # Optional: `reads_state = False` on a controller that never looks at the state (idle)
    # spares the session a copy each turn, and so does `changes_state = False` on one that only
    # reads it and keeps no reference to it once `orders` returns (historical): both are shown
    # the live state. Every other controller is given its own copy.

    def orders(self, state: GameState, rng: np.random.Generator) -> list[Order]:
        """The side's orders for the turn starting on `state.date` (state is a copy unless the
        controller declares `reads_state` or `changes_state` False)."""
        ...


def controller_rng(seed: int, side: str, turn: int) -> np.random.Generator:
    """The generator `side`'s controller gets for turn `turn` (counted from 0) of a game.

    Equal to `SeedSequence(seed).spawn(3)[CONTROLLER_STREAMS[side]].spawn(turn + 1)[turn]`,
    built directly so no turn depends on how many generators earlier turns made.
    """
    if side not in CONTROLLER_STREAMS:
        raise ValueError(f"no controller stream for side {side!r}")
    sequence = np.random.SeedSequence(seed, spawn_key=(CONTROLLER_STREAMS[side], turn))
    return np.random.Generator(np.random.PCG64(sequence))


def level_options(kind: str, ai_level: int | None) -> dict[str, int]:
    """The options an AI level gives a controller of `kind`: only the "ai" kind has levels,
    so `--ai-level` leaves the other kinds as they are."""
    return {"level": ai_level} if kind == "ai" and ai_level is not None else {}


def make_controller(kind: str, side: str, **options: Any) -> Controller:
    """A controller of this kind for this side; a wrong kind, side or option is a UserError."""
    if side not in SIDE_IDS:
        raise UserError(f"unknown side {side!r}; the sides are {', '.join(SIDE_IDS)}")
    if kind not in KINDS:
        raise UserError(f"unknown controller kind {kind!r}; the kinds are {', '.join(KINDS)}")
    module_name, class_name = KINDS[kind]
    factory = getattr(importlib.import_module(module_name), class_name)
    try:
        return factory(side, **options)
    except TypeError as err:
        given = ", ".join(sorted(options)) or "none"
        raise UserError(
            f"the {kind} controller does not take these options: {given} ({err})"
        ) from None


__all__ = [
    "CONTROLLER_STREAMS",
    "KINDS",
    "Controller",
    "ReplayController",
    "controller_rng",
    "level_options",
    "make_controller",
]
