"""Argument types shared by the commands; argparse turns their errors into a clean exit 2."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from sim.controllers import KINDS
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
