"""Errors a user can cause and fix. The CLI prints them without a traceback and exits 2."""

from __future__ import annotations


class UserError(Exception):
    """Bad input from the user: a file, an argument, a save. The message says what to fix."""

    exit_code = 2
