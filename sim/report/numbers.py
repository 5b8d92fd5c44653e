"""Numbers as the report prints them, the same in the terminal and in the HTML page."""

from __future__ import annotations

__all__ = ["signed"]


def signed(x: float) -> str:
    """A difference with the digits it needs: +250, +1.3, +0.04, and always its sign."""
    size = abs(x)
    digits = 0 if size >= 100 else 1 if size >= 1 or size == 0 else 2 if size >= 0.01 else 3
    return f"{x:+,.{digits}f}"
