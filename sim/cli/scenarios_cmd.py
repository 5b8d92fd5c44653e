"""`python main.py scenarios` (not yet implemented)."""

from __future__ import annotations

import argparse

from sim.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenarios", help="(not yet implemented)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise UserError("'scenarios' is not implemented yet")
