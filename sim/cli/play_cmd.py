"""`python main.py play`: the game in a window.

Without a scenario the window opens on a chooser. `--autoplay N --screenshot FILE` plays N
turns with the computer on both sides, saves a picture of the window and exits: for tests,
documentation and machines without a display (set SDL_VIDEODRIVER=dummy).
"""

from __future__ import annotations

import argparse
import os

from sim.cli.args import (
    add_ai_level_option,
    add_set_option,
    control_arg,
    lever_settings,
    seed_arg,
    turns_arg,
)
from sim.errors import UserError
from sim.sides import humans_for

SIDES = ("armenian", "azerbaijani", "both", "none")

EPILOG = """\
examples:
  python main.py play
  python main.py play 1992-winter --side armenian
  python main.py play 1992-winter --side both          # two players, one screen
  python main.py play 1992-winter --side none          # watch the computer play
  python main.py play 1992-winter --side azerbaijani --ai-level 3
  python main.py play 1992-1994-war --control azerbaijani=historical   # against history's plan
  python main.py play 1993-summer --set turkey-intervenes-1993=true     # a what-if
  python main.py play --load saves/1992-winter-turn005.json
  SDL_VIDEODRIVER=dummy python main.py play 1992-winter --autoplay 4 --screenshot shot.png

In the window press ? for every key. Saves go to ./saves unless --saves says otherwise.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "play",
        help="play in a window (pygame)",
        description="Open the game in a window: choose a scenario, give orders on the map, "
        "end the turn\nand watch it resolve.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", metavar="SCENARIO", nargs="?",
                   help="scenario id or path (default: choose in the window)")
    p.add_argument("--side", choices=SIDES, default="armenian",
                   help="who you play: one side, both (hotseat) or none (watch); default armenian")
    p.add_argument("--load", metavar="SAVE", help="open a saved game")
    p.add_argument("--seed", type=seed_arg, metavar="N",
                   help="the game's seed (default: a fresh one, shown in the status bar)")
    p.add_argument("--control", type=control_arg, metavar="SIDE=KIND,...",
                   help="who plays the sides you don't: ai (default), historical or idle,"
                   " e.g. azerbaijani=historical")
    add_ai_level_option(p, "the ai opponent")
    add_set_option(p)
    p.add_argument("--saves", metavar="DIR", default="saves",
                   help="where the window saves and looks for saves (default ./saves)")
    p.add_argument("--size", type=size_arg, metavar="WxH", default=(1280, 800),
                   help="window size in pixels (default 1280x800)")
    p.add_argument("--autoplay", type=turns_arg, metavar="TURNS",
                   help="play TURNS turns with the computer on both sides, then exit")
    p.add_argument("--screenshot", metavar="FILE.png",
                   help="with --autoplay: save the window as a PNG before exiting")
    p.set_defaults(run=run)


def size_arg(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT such as 1280x800, not {text!r}"
        ) from None
    if w < 800 or h < 560:
        raise argparse.ArgumentTypeError(f"the window needs at least 800x560, not {text}")
    return w, h


def run(args: argparse.Namespace) -> int:
    if args.screenshot and args.autoplay is None:
        raise UserError("--screenshot goes with --autoplay TURNS")
    if args.autoplay is not None and not (args.scenario or args.load):
        raise UserError("--autoplay needs a SCENARIO or --load SAVE")
    if args.scenario and args.load:
        raise UserError("give a SCENARIO or --load SAVE, not both")
    if args.load and not os.path.isfile(args.load):
        raise UserError(f"{args.load}: no such save file")
    levers = lever_settings(args.levers)
    if levers and not args.scenario:
        raise UserError(
            "--set needs a SCENARIO: a loaded game keeps its save's levers, and the chooser"
            " starts games without any"
        )
    side = "none" if args.autoplay is not None else args.side
    computer = args.control or {}
    if "human" in computer.values():
        raise UserError("--control names the computer's sides; to play both, use --side both")
    for played in humans_for(side):
        kind = computer.get(played)
        if kind is not None:
            raise UserError(
                f"--control {played}={kind}: you play {played} (--side {args.side});"
                " --control names who plays the other side"
            )
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from sim.ui.app import App

    seed = args.seed if args.seed is not None or args.autoplay is None else 1
    try:
        app = App(
            size=args.size, scenario=args.scenario, side=side, load=args.load, seed=seed,
            saves_dir=args.saves, computer=computer, ai_level=args.ai_level, levers=levers,
        )
    except (OSError, RuntimeError) as err:  # pygame.error is a RuntimeError
        raise UserError(
            f"cannot open the window: {err}. Without a display, use SDL_VIDEODRIVER=dummy with"
            " --autoplay TURNS --screenshot FILE.png"
        ) from None
    if args.autoplay is not None:
        path = app.autoplay(args.autoplay, args.screenshot)
        if path is not None:
            print(f"wrote {path}")
        return 0
    return app.run()
