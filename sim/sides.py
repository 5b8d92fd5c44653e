"""The two sides and the small integer codes the per-hex control layer uses."""

from __future__ import annotations

from sim.errors import UserError

NEUTRAL = 0
ARMENIAN = 1
AZERBAIJANI = 2

SIDE_IDS: tuple[str, ...] = ("armenian", "azerbaijani")
SIDE_CODES: dict[str, int] = {"armenian": ARMENIAN, "azerbaijani": AZERBAIJANI}
SIDE_NAMES: dict[int, str] = {NEUTRAL: "neutral", ARMENIAN: "armenian", AZERBAIJANI: "azerbaijani"}
SIDE_ADJECTIVES: dict[str, str] = {"armenian": "Armenian", "azerbaijani": "Azerbaijani"}


def other_side(side: str) -> str:
    return "azerbaijani" if side == "armenian" else "armenian"


def humans_for(side: str) -> tuple[str, ...]:
    """The sides a person plays for a `--side` choice (armenian, azerbaijani, both, none)."""
    if side == "both":
        return SIDE_IDS
    if side == "none":
        return ()
    if side in SIDE_IDS:
        return (side,)
    raise UserError(f"--side must be armenian, azerbaijani, both or none, not {side!r}")
