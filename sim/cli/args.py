"""Argument types shared by the commands; argparse turns their errors into a clean exit 2."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from sim.controllers import KINDS
from sim.errors import UserError
from sim.sides import SIDE_IDS


def whole_number(what: str, minimum: int, not_a_number: str | None = None) -> Callable[[str], int]:
    """A parser for a whole number of `what` (e.g. "runs") no smaller than `minimum`."""
    bad = not_a_number or f"expected a number of {what}, not {{text!r}}"

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(bad.format(text=text)) from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"the {what} must be {minimum} or more, not {n}")
        return n

    parse.__name__ = f"{what.replace(' ', '_')}_arg"
    return parse


seed_arg = whole_number("seed", 0, "the seed must be a whole number, not {text!r}")
runs_arg = whole_number("number of runs", 1, "expected a number of runs, not {text!r}")
workers_arg = whole_number("number of workers", 1, "expected a number of workers, not {text!r}")
turns_arg = whole_number("number of turns", 0, "expected a number of turns, not {text!r}")


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date as YYYY-MM-DD (e.g. 1992-03-01), not {text!r}"
        ) from None


def control_arg(text: str) -> dict[str, str]:
    """`armenian=idle,azerbaijani=idle` -> {side: kind}; sides and kinds are checked here."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        side, eq, kind = part.partition("=")
        side, kind = side.strip().lower(), kind.strip()
        if not eq or not side or not kind:
            raise argparse.ArgumentTypeError(
                f"expected SIDE=KIND pairs such as armenian=idle, not {part!r}"
            )
        if side not in SIDE_IDS:
            raise argparse.ArgumentTypeError(
                f"unknown side {side!r}; the sides are {', '.join(SIDE_IDS)}"
            )
        if kind not in KINDS:
            raise argparse.ArgumentTypeError(
                f"unknown controller kind {kind!r}; the kinds are {', '.join(KINDS)}"
            )
        if side in out:
            raise argparse.ArgumentTypeError(f"{side} is given twice")
        out[side] = kind
    if not out:
        raise argparse.ArgumentTypeError("expected SIDE=KIND pairs such as armenian=idle")
    return out


def lever_arg(text: str) -> tuple[str, str]:
    """`winter=1` -> ("winter", "1"); the lever and its value are checked against the scenario
    later (`lever_settings`, then `sim.scenario.levers.lever_values`), once it is loaded."""
    lever, eq, value = text.partition("=")
    if not eq or not lever.strip() or not value.strip():
        raise argparse.ArgumentTypeError(
            f"expected LEVER=VALUE such as winter=1 or no-russian-arms-1993=true, not {text!r}"
        )
    return lever.strip(), value.strip()


def add_ai_level_option(parser: argparse.ArgumentParser, who: str = "the ai controller") -> None:
    """The `--ai-level N` option, the same for every command that can give a side to the AI."""
    parser.add_argument(
        "--ai-level",
        type=int,
        choices=(1, 2, 3),
        default=None,
        metavar="N",
        help=f"strength of {who}: 1 (blunders), 2 (default) or 3 (careful)",
    )


SET_HELP = "set a what-if lever (repeat for several); see: python main.py levers SCENARIO"


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """The `--set LEVER=VALUE` option, the same for every command that starts games."""
    parser.add_argument(
        "--set",
        dest="levers",
        action="append",
        type=lever_arg,
        default=[],
        metavar="LEVER=VALUE",
        help=SET_HELP,
    )


def lever_settings(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The `--set` pairs as {lever: value}; a lever given twice is a mistake, not an override."""
    given = dict(pairs)
    if len(given) != len(pairs):
        twice = sorted({k for k, _ in pairs if sum(k == j for j, _ in pairs) > 1})
        raise UserError(f"--set gives {', '.join(twice)} more than once")
    return given
