"""`python main.py validate` (not yet implemented)."""

from __future__ import annotations

import argparse

from sim.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="(not yet implemented)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise UserError("'validate' is not implemented yet")
