"""One game being played: scenario, seed, controllers, state, and everything that happened.

A `Session` is what the window, the `run` command and a batch worker hold while a game goes
on. Each turn it asks the controllers for orders — the Armenian side first, then the
Azerbaijani, each shown a copy of the state at the start of the turn (or the state itself, for
a controller that declares it never changes it) and handed its own generator (see
`sim.controllers`), so the orders are simultaneous and the order of asking changes nothing but
is fixed all the same — then resolves the turn through
`sim.rules.turn.resolve_turn`, the one door through which the state changes.

It keeps what a save needs to rebuild the game (the orders of every turn, as plain data, and
the checksum of the state each turn left) and the log of every entry. The orders a controller
gives are turned into data and back before they are resolved, so a game played live and the
same game replayed from its save resolve exactly the same orders. A batch worker, which never
saves, may leave the checksums out (`checksums=False`): they cost a hash of the whole state a
turn and change nothing in the game.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from sim.chronicle import Entry
from sim.controllers import (
    Controller,
    ReplayController,
    controller_rng,
    level_options,
    make_controller,
)
from sim.errors import UserError
from sim.game import SOURCES_MODES, initial_state, make_rng, sides_of
from sim.orders import Attack, Move, Order, OrderError, order_from_dict
from sim.rules.turn import resolve_turn
from sim.saves import SaveFile, TurnRecord, find_scenario, read_save, write_save
from sim.scenario import Scenario
from sim.scenario.levers import LeverValue, apply_levers, lever_values
from sim.sides import SIDE_IDS, SIDE_NAMES
from sim.state import GameState
from sim.theatre import Theatre

EntryCallback = Callable[[Entry], Any]


class ReplayDivergence(UserError):
    """A replayed game left a different state than the save recorded: the rules or data changed.

    Exit status 1 (not 2): the save is readable, but the program no longer plays that game.
    """

    exit_code = 1

    def __init__(self, message: str, turn: int | None = None) -> None:
        self.turn = turn
        super().__init__(message)

    @classmethod
    def at_turn(cls, turn: int, date: dt.date, expected: str, got: str) -> ReplayDivergence:
        return cls(
            f"turn {turn} ({date.isoformat()}): state differs from the save (expected"
            f" {expected[:8]}…, got {got[:8]}…); the rules or the scenario changed since the"
            " save was made",
            turn,
        )

    @classmethod
    def in_generator(cls, save: SaveFile) -> ReplayDivergence:
        last = save.turns[-1] if save.turns else None
        when = f"after turn {last.turn} ({last.date.isoformat()})" if last else "on the first day"
        return cls(
            f"{when}: the rules' generator is not where the save left it, though every"
            " checksum matched; the rules changed since the save was made",
            last.turn if last else 0,
        )


class Session:
    """A game in progress. Build one with `Session.new` or `Session.from_save`."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        sources: str,
        controllers: Mapping[str, Controller],
        rng: np.random.Generator,
        state: GameState,
        levers: Mapping[str, LeverValue] | None = None,
        checksums: bool = True,
    ) -> None:
        self.scenario = scenario
        """The scenario as the levers patched it (its id, files and hash are the file's)."""
        self.levers: dict[str, LeverValue] = dict(levers or {})
        """The what-if levers set for this game, as given (a save records them)."""
        self.seed = seed
        self.sources = sources
        self.rng = rng
        """The rules' generator: set-up draws and every turn's dice, nothing else."""
        self.state = state
        self.sides: tuple[str, ...] = sides_of(state)
        self.controllers: dict[str, Controller] = {}
        self.set_controllers(controllers)
        self.checksums = checksums
        """Whether each turn's record carries the state's checksum (needed to save the game)."""
        self.turns: list[TurnRecord] = []
        self.log: list[Entry] = []
        self.start_control = state.control.copy()
        """Who held each hex on the first day, to tell which places changed hands."""
        self.rng_state: dict[str, Any] = rng.bit_generator.state
        """The rules' generator as the last whole turn left it: what a save records, so a
        game interrupted in the middle of a turn still saves the turns it finished."""

    # --- making a session -------------------------------------------------------------------

    @classmethod
    def new(
        cls,
        scenario: Scenario,
        seed: int,
        sources: str = "draw",
        controllers: Mapping[str, Controller] | None = None,
        theatre: Theatre | None = None,
        levers: Mapping[str, object] | None = None,
        checksums: bool = True,
    ) -> Session:
        """A game on the scenario's first day; sides without a controller hold their ground.

        `levers` sets what-if levers by id (`python main.py levers SCENARIO` lists them).
        `checksums=False` skips the per-turn state checksum, for a game that is never saved
        (a batch run); the game itself is the same.
        """
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise UserError(f"the seed must be a whole number 0 or more, not {seed!r}")
        if sources not in SOURCES_MODES:
            raise UserError(f"sources must be one of {', '.join(SOURCES_MODES)}, not {sources!r}")
        values = lever_values(scenario, levers)
        patched, rules = apply_levers(scenario, values)
        rng = make_rng(seed)
        state = initial_state(patched, rng, sources=sources, theatre=theatre)
        state.levers = rules
        return cls(patched, seed, sources, controllers or {}, rng, state, values, checksums)

    @classmethod
    def from_save(
        cls,
        path: str | os.PathLike,
        controllers: Mapping[str, Controller] | None = None,
        on_turn: Callable[[Session], Any] | None = None,
        ai_level: int | None = None,
    ) -> Session:
        """The saved game, rebuilt by replaying its orders, ready to go on.

        Each side gets the controller given here, else one of the kind the save names; an AI
        side plays on at `ai_level` when given, else at the level the save records.
        """
        save = read_save(path)
        scenario = find_scenario(save)
        given = dict(controllers or {})
        for side in SIDE_IDS:
            if side not in given:
                kind = save.controllers.get(side, "idle")
                level = ai_level if ai_level is not None else save.ai_levels.get(side)
                given[side] = make_controller(kind, side, **level_options(kind, level))
        session = cls.replayed(save, scenario, on_turn)
        session.set_controllers({side: given[side] for side in session.sides})
        return session

    @classmethod
    def replayed(
        cls,
        save: SaveFile,
        scenario: Scenario | None = None,
        on_turn: Callable[[Session], Any] | None = None,
    ) -> Session:
        """Replay a save's orders from the first day, checking every turn's checksum.

        `on_turn` is called with the session before the first turn and after each one (the
        window notes the territory held at each step for its end screen).

        Raises `ReplayDivergence` at the first turn whose state differs from the save, and
        `UserError` for a save whose orders cannot be replayed at all. The session returned
        still has replay controllers; `from_save` swaps in the ones that go on playing.
        """
        scenario = scenario or find_scenario(save)
        recorded: dict[str, dict[int, list[Order]]] = {side: {} for side in SIDE_IDS}
        for record in save.turns:
            for side, orders in record.orders.items():
                recorded[side][record.turn] = [order_from_dict(o) for o in orders]
        replay = {side: ReplayController(side, recorded[side]) for side in SIDE_IDS}
        session = cls.new(scenario, save.seed, save.sources, replay, levers=save.levers)
        if on_turn is not None:
            on_turn(session)
        for record in save.turns:
            session._replay_turn(save, record)
            if on_turn is not None:
                on_turn(session)
        if session.rng_state != save.rng_state:
            raise ReplayDivergence.in_generator(save)
        return session

    def _replay_turn(self, save: SaveFile, record: TurnRecord) -> None:
        where = f"{save.name}: turn {record.turn} ({record.date.isoformat()})"
        if self.finished:
            raise UserError(
                f"{where}: the game had already ended ({self.end_reason}), yet the save goes on"
            )
        if record.date != self.state.date:
            raise UserError(
                f"{where}: in this scenario turn {record.turn} begins on"
                f" {self.state.date.isoformat()}, not on {record.date.isoformat()}"
            )
        try:
            self.play_turn()
        except OrderError as err:
            raise UserError(f"{where}: an order in the save cannot be carried out: {err}") from None
        got = self.turns[-1].checksum
        if got != record.checksum:
            raise ReplayDivergence.at_turn(record.turn, record.date, record.checksum, got)

    def set_controllers(self, controllers: Mapping[str, Controller]) -> None:
        """Who plays each side from now on; a side left out holds its ground."""
        unknown = sorted(set(controllers) - set(self.sides))
        if unknown:
            raise UserError(f"no side {', '.join(unknown)} in this game ({', '.join(self.sides)})")
        for side, controller in controllers.items():
            if controller.side != side:
                raise ValueError(f"{controller!r} plays {controller.side}, not {side}")
        self.controllers = {
            side: controllers[side] if side in controllers else make_controller("idle", side)
            for side in self.sides
        }

    # --- playing ----------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        """The game has ended (victory, ceasefire, collapse) or the scenario has no more turns."""
        return self.state.over or self.state.turn >= self.scenario.turns

    @property
    def end_reason(self) -> str:
        if self.state.over:
            return self.state.ended
        if self.state.turn >= self.scenario.turns:
            return "end_date"
        return ""

    def ask_orders(self) -> dict[str, list[dict[str, Any]]]:
        """Each side's orders for the coming turn, as data, asked Armenian side first."""
        turn = self.state.turn
        out: dict[str, list[dict[str, Any]]] = {}
        for side in self.sides:
            controller = self.controllers[side]
            # A controller that never looks at the state (idle), or that only reads it and keeps
            # nothing of it (historical), is spared the copy.
            copies = getattr(controller, "reads_state", True) and getattr(
                controller, "changes_state", True
            )
            view = self.state.copy() if copies else self.state
            given = controller.orders(view, controller_rng(self.seed, side, turn))
            out[side] = [_order_data(order, controller) for order in given]
        return out

    def play_turn(self) -> list[Entry]:
        """Ask for orders, resolve the next turn and record it; returns the turn's entries."""
        if self.finished:
            raise ValueError(f"the game is over ({self.end_reason})")
        orders = self.ask_orders()
        date = self.state.date
        turn = self.state.turn + 1
        parsed = {side: [order_from_dict(o) for o in given] for side, given in orders.items()}
        entries = resolve_turn(self.state, parsed, self.rng)
        checksum = self.state.checksum() if self.checksums else ""
        self.turns.append(TurnRecord(turn, date, orders, checksum))
        self.log.extend(entries)
        self.rng_state = self.rng.bit_generator.state
        return entries

    def play(
        self, until: dt.date | None = None, on_entry: EntryCallback | None = None
    ) -> list[Entry]:
        """Play every turn that begins on or before `until` (all, if None) until the game ends.

        `on_entry` sees each entry as soon as its turn is resolved. Returns the new entries.
        """
        played: list[Entry] = []
        while not self.finished and (until is None or self.state.date <= until):
            entries = self.play_turn()
            played.extend(entries)
            if on_entry is not None:
                for entry in entries:
                    on_entry(entry)
        return played

    def save(self, path: str | os.PathLike) -> None:
        """Write the game so far to a save file (atomically)."""
        if not self.checksums:
            raise ValueError(
                "this game was played without checksums (checksums=False): a save"
                " needs them to check its replay"
            )
        write_save(self, path)

    # --- summaries --------------------------------------------------------------------------

    def changed_hands(self) -> list[tuple[str, str, str]]:
        """(place id, holder on the first day, holder now) for named places that changed hands."""
        out = []
        for place in self.state.theatre.places.values():
            if place.index is None:
                continue
            before = int(self.start_control[place.index])
            now = int(self.state.control[place.index])
            if before != now:
                out.append((place.id, SIDE_NAMES[before], SIDE_NAMES[now]))
        return out


def _order_data(order: object, controller: Controller) -> dict[str, Any]:
    if not isinstance(order, (Move, Attack)):
        raise TypeError(f"{controller!r} gave {order!r}, which is not an order")
    return order.to_dict()
