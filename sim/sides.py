"""The two sides and the small integer codes the per-hex control layer uses."""

from __future__ import annotations

NEUTRAL = 0
ARMENIAN = 1
AZERBAIJANI = 2

SIDE_IDS: tuple[str, ...] = ("armenian", "azerbaijani")
SIDE_CODES: dict[str, int] = {"armenian": ARMENIAN, "azerbaijani": AZERBAIJANI}
SIDE_NAMES: dict[int, str] = {NEUTRAL: "neutral", ARMENIAN: "armenian", AZERBAIJANI: "azerbaijani"}
SIDE_ADJECTIVES: dict[str, str] = {"armenian": "Armenian", "azerbaijani": "Azerbaijani"}


def other_side(side: str) -> str:
    return "azerbaijani" if side == "armenian" else "armenian"
