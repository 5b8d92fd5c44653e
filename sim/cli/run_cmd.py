"""`python main.py run`: play a game headless, printing the log's sentences as it goes.

Analysts run the rules without a window: one game here, many in a batch. The output is the
chronicle, a short summary at the end, and on request the log as JSON Lines and a save from
which the game can go on (`run --load`) or be checked (`replay`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Mapping

from sim.chronicle import Entry, render, write_jsonl
from sim.cli.args import (
    add_ai_level_option,
    add_set_option,
    control_arg,
    date_arg,
    lever_settings,
    seed_arg,
)
from sim.controllers import KINDS, level_options, make_controller
from sim.errors import UserError
from sim.game import SOURCES_MODES
from sim.scenario import FORCE_FIELDS, load_scenario
from sim.scenario.levers import value_text
from sim.session import Session
from sim.sides import SIDE_ADJECTIVES

EPILOG = """\
examples:
  python main.py run 1992-winter --seed 7
  python main.py run 1992-winter --seed 7 --until 1992-03-01 --quiet --save game.json
  python main.py run --load game.json --until 1992-04-15 --log game.jsonl
  python main.py run 1992-winter --seed 7 --control armenian=ai,azerbaijani=ai --ai-level 3
  python main.py run 1992-winter --seed 7 --control armenian=idle,azerbaijani=idle \\
      --sources midpoint --log game.jsonl
  python main.py run 1992-1994-war --seed 7 --control armenian=historical,azerbaijani=historical \\
      --set turkey-intervenes-1993=true --set winter=1 --save whatif.json

--until plays every turn that begins on or before DATE. Controller kinds: {kinds}.
Levers (--set) are listed by: python main.py levers SCENARIO; a save records them, so
run --load and replay play the same what-if.
The same scenario, seed, sources and orders always give the same log, byte for byte.
Exit status: 0 played, 1 a loaded save no longer replays, 2 bad input.
"""

ENDINGS = {
    "ceasefire": "a ceasefire came into force",
    "collapse": "a side's war effort collapsed",
    "end_date": "the scenario's last day was reached",
}

FORCE_WORDS = {
    "men": ("man", "men"),
    "tanks": ("tank", "tanks"),
    "afv": ("armoured vehicle", "armoured vehicles"),
    "artillery": ("gun", "guns"),
    "aircraft": ("aircraft", "aircraft"),
    "helicopters": ("helicopter", "helicopters"),
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="play a game headless and print what happens",
        description="Play a game without a window, printing each outcome as a sentence, then\n"
        "a summary. Start a new game from a SCENARIO and a --seed, or go on with a saved one\n"
        "(--load).",
        epilog=EPILOG.format(kinds=", ".join(KINDS)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario",
        metavar="SCENARIO",
        nargs="?",
        help="scenario id (e.g. 1992-winter) or path to its .toml file",
    )
    p.add_argument("--seed", type=seed_arg, metavar="N", help="the game's seed, a whole number")
    p.add_argument(
        "--load", metavar="SAVE", help="go on with a saved game instead of starting a new one"
    )
    p.add_argument(
        "--until", type=date_arg, metavar="DATE", help="stop after the turn covering DATE"
    )
    p.add_argument(
        "--control",
        type=control_arg,
        metavar="SIDE=KIND,...",
        help="who plays each side, e.g. armenian=idle,azerbaijani=idle (default: idle, or as"
        " saved)",
    )
    add_ai_level_option(p)
    p.add_argument(
        "--sources",
        choices=SOURCES_MODES,
        help="resolve the sources' ranges by a draw from the seed (default) or at their midpoints",
    )
    add_set_option(p)
    p.add_argument("--log", metavar="FILE.jsonl", help="write the whole log as JSON Lines")
    p.add_argument("--save", metavar="FILE", help="write a save of the game at the end")
    p.add_argument(
        "--quiet", action="store_true", help="print only the summary, not every sentence"
    )
    p.set_defaults(run=run)


# --- the command --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    session, loaded = _session(args)
    start_turn = session.state.turn
    if loaded:
        print(
            f"Loaded {loaded}: {start_turn} turns replayed, all checksums match; the game"
            f" stands at {session.state.date.isoformat()}."
        )
    if args.until is not None and args.until < session.scenario.start:
        raise UserError(
            f"--until {args.until.isoformat()} is before the scenario starts"
            f" ({session.scenario.start.isoformat()})"
        )
    on_entry = None if args.quiet else _print_entry
    interrupted = False
    try:
        session.play(until=args.until, on_entry=on_entry)
    except KeyboardInterrupt:
        interrupted = True
    if args.log:
        write_jsonl(session.log, args.log)
    if args.save:
        session.save(args.save)
    print(summary(session, start_turn, args))
    if interrupted:
        done = len(session.turns)
        print(
            f"Interrupted during the turn of {session.state.date_of(done).isoformat()}; the log"
            f" and the save hold the {done} turns completed.",
            file=sys.stderr,
        )
        raise KeyboardInterrupt
    return 0


def _session(args: argparse.Namespace) -> tuple[Session, str | None]:
    """A new game, or the saved one replayed; with the save's name when loaded."""
    controllers = {
        side: make_controller(kind, side, **level_options(kind, getattr(args, "ai_level", None)))
        for side, kind in (args.control or {}).items()
    }
    levers = lever_settings(args.levers)
    if args.load:
        given = [f"--{name}" for name in ("seed", "sources") if getattr(args, name) is not None]
        if args.scenario:
            given.insert(0, "SCENARIO")
        if levers:
            given.append("--set")
        if given:
            raise UserError(
                f"{' and '.join(given)} cannot be given with --load: the game's"
                " scenario, seed, sources and levers come from the save"
            )
        level = getattr(args, "ai_level", None)
        return Session.from_save(args.load, controllers, ai_level=level), args.load
    if not args.scenario:
        raise UserError("give a SCENARIO and a --seed to start a game, or --load SAVE to go on")
    if args.seed is None:
        raise UserError(f"give a --seed for the game, e.g. --seed 1 (run {args.scenario})")
    scenario = load_scenario(args.scenario)
    session = Session.new(scenario, args.seed, args.sources or "draw", controllers, levers=levers)
    return session, None


def _print_entry(entry: Entry) -> None:
    print(render(entry))


def summary(session: Session, start_turn: int, args: argparse.Namespace) -> str:
    """What a reader wants at the end: how far, why it stopped, the cost, the map's changes."""
    state = session.state
    done = len(session.turns)
    played = done - start_turn
    next_day = state.date_of(done)
    lines = [] if args.quiet else [""]
    head = f"{session.scenario.id}, seed {session.seed}, sources {session.sources}"
    if session.levers:
        head += ", levers " + ", ".join(f"{k}={value_text(v)}" for k, v in session.levers.items())
    if played:
        first = state.date_of(start_turn).isoformat()
        last = (next_day - dt.timedelta(days=1)).isoformat()
        lines.append(f"Played {played} turn{'s' * (played != 1)} ({first} to {last}) of {head}.")
    else:
        lines.append(f"No turn played ({head}; the game stands at {next_day.isoformat()}).")
    if session.finished:
        reason = session.end_reason
        lines.append(f"The game is over: {ENDINGS.get(reason, reason)}.")
    elif args.until is not None and next_day > args.until:
        lines.append(
            f"Stopped after the turn covering {args.until.isoformat()}; next turn begins"
            f" {next_day.isoformat()}."
        )
    else:
        lines.append(f"Stopped; the next turn begins {next_day.isoformat()}.")
    lines.append("Losses since the first day:")
    for side in session.sides:
        lines.append(f"  {SIDE_ADJECTIVES[side]:<12} {_forces(state.losses.get(side, {}))}")
    changes = session.changed_hands()
    if changes:
        lines.append("Places that changed hands:")
        places = state.theatre.places
        for pid, before, now in sorted(changes, key=lambda c: places[c[0]].name):
            lines.append(f"  {places[pid].name}: {_holder(before)} -> {_holder(now)}")
    else:
        lines.append("No named place changed hands.")
    if args.log:
        lines.append(f"Log: {args.log} ({len(session.log):,} entries).")
    if args.save:
        lines.append(f"Saved: {args.save} (go on with: python main.py run --load {args.save}).")
    return "\n".join(lines)


def _forces(tally: Mapping[str, float]) -> str:
    parts = []
    for name in FORCE_FIELDS:
        amount = round(float(tally.get(name, 0.0)))
        if amount:
            one, many = FORCE_WORDS[name]
            parts.append(f"{amount:,} {one if amount == 1 else many}")
    return ", ".join(parts) if parts else "none"


def _holder(side: str) -> str:
    return SIDE_ADJECTIVES.get(side, "no one")
