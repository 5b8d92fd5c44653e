"""`python main.py map SCENARIO --png FILE`: draw the whole theatre as a printable map sheet.

The drawing lives in `sim.ui` (the only pygame user); it is imported inside `run` so that the
other commands, batch workers and the core purity test never load pygame.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.errors import UserError

DEFAULT_WIDTH = 2400
MIN_WIDTH, MAX_WIDTH = 800, 8000

EPILOG = """\
examples:
  python main.py map 1992-winter --png map.png
  python main.py map scenarios/1992-winter.toml --png /tmp/front.png --width 1600

The sheet shows relief, rivers, roads and the railway, the international borders, the 1991
NKAO boundary, districts, place names, and who holds each hex on the scenario's first day,
with the front line between the two sides. The height follows from the width.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "map",
        help="draw the whole theatre map with control at the start to a PNG file",
        description="Draw the whole theatre map, with who holds what on the scenario's first\n"
        "day, to a PNG file. Runs headless: no window or display is needed.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="scenario id (e.g. 1992-winter) or path to its .toml file",
    )
    p.add_argument("--png", metavar="FILE", required=True, help="the PNG file to write")
    p.add_argument(
        "--width",
        metavar="PX",
        type=int,
        default=DEFAULT_WIDTH,
        help=f"image width in pixels, {MIN_WIDTH}-{MAX_WIDTH} (default {DEFAULT_WIDTH}: "
        "every town's name legible)",
    )
    p.set_defaults(run=run)


def _check_output(path: Path) -> None:
    """Fail before the render, not after it, when the file could not be written."""
    if path.is_dir():
        raise UserError(f"--png {path}: that is a folder; give a file name like {path / 'map.png'}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"--png {path}: the folder {parent} does not exist")


def _date_text(day) -> str:
    return f"{day.day} {day:%B %Y}"


def run(args: argparse.Namespace) -> int:
    out = Path(args.png)
    if not (MIN_WIDTH <= args.width <= MAX_WIDTH):
        raise UserError(f"--width {args.width}: expected {MIN_WIDTH} to {MAX_WIDTH} pixels")
    _check_output(out)

    from sim.scenario import initial_control, load_scenario, scenario_path
    from sim.theatre import load_theatre

    scenario = load_scenario(scenario_path(args.scenario))
    theatre = load_theatre(scenario.theatre_dir)
    control = initial_control(scenario, theatre)

    from sim.ui import init_pygame

    init_pygame(headless=True)
    from sim.ui.sheet import SheetText, render_sheet, write_png

    text = SheetText(
        title=f"{scenario.title} — {_date_text(scenario.start)}",
        subtitle=f"Who holds what on {_date_text(scenario.start)}, the first day of scenario "
        f"{scenario.id} (turns of {scenario.turn_days} days until {_date_text(scenario.end)})",
    )
    try:
        sheet = render_sheet(theatre, control, width=args.width, text=text)
        write_png(sheet.surface, out)
    except OSError as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise UserError(f"cannot write {out}: {reason}") from None
    w, h = sheet.surface.get_size()
    print(f"wrote {out} ({w} x {h} px)")
    return 0
