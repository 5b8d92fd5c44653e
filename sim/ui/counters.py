"""Unit counters: NATO-style symbols drawn with pygame primitives, in the sides' colours.

A counter says at a glance what a unit is (the symbol in its frame), how big it is (the size
mark above the frame, the men below it) and how it stands (supply, morale, ammunition). Each
of these reads without colour: the two sides differ by the band across the top (hatched for
the Armenian side, solid for the Azerbaijani side) as well as by colour, supply by the shape
of its mark (none, a half-filled circle, a cross), morale by the length of a bar.

Symbols follow APP-6 / MIL-STD-2525 land unit icons: infantry a cross from corner to corner,
armour a track (a rounded oblong), motor rifle both, artillery a dot, helicopters a bow tie,
aircraft a winged shape. Militia, which APP-6 has no icon for, is infantry in a dashed frame
(irregular forces), and special forces infantry marked "SF".

Counters are drawn once per look and size and cached: a frame may show forty of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from sim.rules.supply import CUT_OFF, SHORT
from sim.state import UnitState
from sim.ui import palette
from sim.ui.labels import FontBook

__all__ = [
    "COUNTER_INK",
    "SIDE_BAND",
    "SIDE_FILL",
    "CounterLook",
    "CounterPainter",
    "counter_size",
    "draw_symbol",
    "size_mark",
    "strength_text",
    "supply_class",
]

SIDE_FILL: dict[str, tuple[int, int, int]] = {
    "armenian": (240, 178, 62),
    "azerbaijani": (92, 160, 214),
}
SIDE_BAND: dict[str, tuple[int, int, int]] = {
    "armenian": palette.ARMENIAN,
    "azerbaijani": (0, 78, 128),
}
COUNTER_INK = (20, 20, 20)
WHITE = (255, 255, 255)
CUT_MARK = (200, 20, 20)
CHIP_BELOW_PX = 20.0
"""Below this hex size (pixels across) counters shrink to chips: symbol only, no figures."""


def counter_size(hex_px: float) -> tuple[int, int]:
    """Counter width and height for hexes `hex_px` pixels across: most of a hex when zoomed
    in, a readable minimum when zoomed out, a chip on the whole-war map."""
    if hex_px < CHIP_BELOW_PX:
        return 18, 13
    w = int(max(38, min(84, hex_px * 0.86)))
    return w, int(round(w * 0.74))


def size_mark(men: float) -> str:
    """The APP-6 echelon mark a unit of this many men would carry."""
    if men >= 2500:
        return "X"
    if men >= 900:
        return "III"
    if men >= 300:
        return "II"
    if men >= 80:
        return "I"
    return "•••"


def strength_text(men: float) -> str:
    """'2.8k', '850', '40': short enough for a counter."""
    if men >= 9950:
        return f"{men / 1000:.0f}k"
    if men >= 1000:
        return f"{men / 1000:.1f}k"
    return f"{men:.0f}"


def supply_class(share: float) -> str:
    """'supplied', 'short' or 'cut' by the supply phase's thresholds."""
    if share >= SHORT:
        return "supplied"
    if share >= CUT_OFF:
        return "short"
    return "cut"


@dataclass(frozen=True, slots=True)
class CounterLook:
    """Everything a counter's picture depends on, so equal looks share one cached surface."""

    side: str
    type: str
    men: int
    tanks: int
    supply: str
    morale: int
    """Morale in tenths (0-20)."""
    ammo_short: bool
    ghost: bool = False
    """A planned position: drawn faded."""

    @classmethod
    def of(cls, unit: UnitState, ammo_short: bool = False, ghost: bool = False) -> CounterLook:
        return cls(
            unit.side,
            unit.type,
            int(round(unit.men)),
            int(round(unit.tanks + unit.afv)),
            supply_class(unit.supply),
            int(round(max(0.0, min(2.0, unit.morale)) * 10)),
            ammo_short,
            ghost,
        )


class CounterPainter:
    """Draws counters and keeps them: `surface(look, w, h)` is cached."""

    def __init__(self, fonts: FontBook) -> None:
        self.fonts = fonts
        self._cache: dict[tuple[CounterLook, int, int], pygame.Surface] = {}

    def surface(self, look: CounterLook, w: int, h: int) -> pygame.Surface:
        key = (look, w, h)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > 600:
                self._cache.clear()
            found = self._paint(look, w, h)
            self._cache[key] = found
        return found

    def _paint(self, look: CounterLook, w: int, h: int) -> pygame.Surface:
        surf = pygame.Surface((w + 2, h + 2), pygame.SRCALPHA)
        body = pygame.Rect(0, 0, w, h)
        pygame.draw.rect(surf, (0, 0, 0, 110), body.move(2, 2), border_radius=3)
        pygame.draw.rect(surf, SIDE_FILL[look.side], body, border_radius=3)
        chip = w < 30
        band_h = 3 if chip else max(5, h // 5)
        band = pygame.Rect(0, 0, w, band_h)
        _draw_band(surf, band, look.side)
        if chip:
            frame = pygame.Rect(3, band_h + 1, w - 6, h - band_h - 3)
            _draw_frame(surf, frame, look.type)
            draw_symbol(surf, frame.inflate(-2, -2), look.type)
        else:
            ink = COUNTER_INK
            mark_font = self.fonts.get(max(7, int(h * 0.17)), bold=True)
            frame_h = int(h * 0.36)
            frame_w = int(w * 0.50)
            frame = pygame.Rect(0, 0, frame_w, frame_h)
            frame.midtop = (w // 2 - int(w * 0.04), band_h + int(h * 0.17))
            mark = mark_font.render(size_mark(look.men), True, ink)
            surf.blit(mark, mark.get_rect(midbottom=(frame.centerx, frame.top + 2)))
            _draw_frame(surf, frame, look.type)
            draw_symbol(surf, frame.inflate(-4, -4), look.type)
            text_font = self.fonts.get(max(8, int(h * 0.25)), bold=True)
            men = text_font.render(strength_text(look.men), True, ink)
            surf.blit(men, men.get_rect(midbottom=(frame.centerx, h - 1)))
            if look.tanks and w >= 44:
                small = self.fonts.get(max(7, int(h * 0.17)))
                t = small.render(str(look.tanks), True, ink)
                surf.blit(t, t.get_rect(bottomleft=(3, h - 2)))
            _draw_morale(surf, pygame.Rect(w - max(4, w // 12) - 3, band_h + 3,
                                           max(4, w // 12), h - band_h - 6), look.morale)
            _draw_supply(surf, (max(6, w // 9) + 2, band_h + max(6, w // 9) + 2),
                         max(4, w // 11), look.supply)
            if look.ammo_short:
                _draw_ammo(surf, pygame.Rect(3, band_h + 2 * max(6, w // 9) + 5,
                                             max(5, w // 10), max(7, h // 6)))
        pygame.draw.rect(surf, COUNTER_INK, body, 1, border_radius=3)
        if look.ghost:
            surf.set_alpha(120)
        return surf

    def clear(self) -> None:
        self._cache.clear()


def _draw_band(surf: pygame.Surface, band: pygame.Rect, side: str) -> None:
    """Solid for the Azerbaijani side, diagonal stripes for the Armenian side: the two tell
    apart in greyscale and for any colour vision."""
    pygame.draw.rect(surf, SIDE_BAND[side], band, border_top_left_radius=3,
                     border_top_right_radius=3)
    if side == "armenian":
        clip = surf.get_clip()
        surf.set_clip(band)
        step = max(4, band.height)
        for x in range(band.left - band.height, band.right + band.height, step):
            pygame.draw.line(surf, COUNTER_INK, (x, band.bottom), (x + band.height, band.top), 1)
        surf.set_clip(clip)
    pygame.draw.line(surf, COUNTER_INK, band.bottomleft, (band.right - 1, band.bottom), 1)


def _draw_frame(surf: pygame.Surface, frame: pygame.Rect, unit_type: str) -> None:
    pygame.draw.rect(surf, WHITE, frame)
    if unit_type == "militia":
        _dashed_rect(surf, frame, COUNTER_INK)
    elif unit_type in ("air", "helicopter"):
        pygame.draw.ellipse(surf, COUNTER_INK, frame.inflate(0, 0), 1)
        pygame.draw.rect(surf, COUNTER_INK, frame, 1)
    else:
        pygame.draw.rect(surf, COUNTER_INK, frame, 1)


def _dashed_rect(surf: pygame.Surface, rect: pygame.Rect, colour) -> None:
    dash = 3
    for x0 in range(rect.left, rect.right, dash * 2):
        x1 = min(x0 + dash, rect.right - 1)
        pygame.draw.line(surf, colour, (x0, rect.top), (x1, rect.top))
        pygame.draw.line(surf, colour, (x0, rect.bottom - 1), (x1, rect.bottom - 1))
    for y0 in range(rect.top, rect.bottom, dash * 2):
        y1 = min(y0 + dash, rect.bottom - 1)
        pygame.draw.line(surf, colour, (rect.left, y0), (rect.left, y1))
        pygame.draw.line(surf, colour, (rect.right - 1, y0), (rect.right - 1, y1))


def draw_symbol(surf: pygame.Surface, box: pygame.Rect, unit_type: str) -> None:
    """The APP-6 icon of a unit type inside `box` (the inside of the frame)."""
    ink = COUNTER_INK
    lw = 1 if box.height < 14 else 2
    if unit_type in ("infantry", "militia", "motor_rifle", "special"):
        pygame.draw.line(surf, ink, box.topleft, (box.right - 1, box.bottom - 1), lw)
        pygame.draw.line(surf, ink, box.bottomleft, (box.right - 1, box.top), lw)
    if unit_type in ("tank", "motor_rifle"):
        track = box.inflate(-box.width * 0.30, -box.height * 0.40)
        pygame.draw.ellipse(surf, ink, track, lw)
    if unit_type == "artillery":
        r = max(2, min(box.width, box.height) // 4)
        pygame.draw.circle(surf, ink, box.center, r)
    if unit_type == "special" and box.height >= 10:
        font = pygame.font.Font(None, max(10, box.height))
        text = font.render("SF", True, ink)
        pygame.draw.rect(surf, WHITE, text.get_rect(center=box.center).inflate(2, -2))
        surf.blit(text, text.get_rect(center=box.center))
    if unit_type == "helicopter":
        cx, cy = box.center
        dx, dy = box.width * 0.34, box.height * 0.32
        pygame.draw.polygon(surf, ink, [(cx - dx, cy - dy), (cx, cy), (cx - dx, cy + dy)])
        pygame.draw.polygon(surf, ink, [(cx + dx, cy - dy), (cx, cy), (cx + dx, cy + dy)])
    if unit_type == "air":
        cx, cy = box.center
        dx, dy = box.width * 0.38, box.height * 0.30
        wing = [(cx - dx, cy + dy * 0.2), (cx, cy - dy * 0.4), (cx + dx, cy + dy * 0.2),
                (cx, cy + dy * 0.1)]
        pygame.draw.polygon(surf, ink, wing)
        pygame.draw.line(surf, ink, (cx, cy - dy), (cx, cy + dy), lw)


def _draw_morale(surf: pygame.Surface, slot: pygame.Rect, tenths: int) -> None:
    """A bar filled from the bottom: full at morale 1.5 and above, a tick at 1.0."""
    pygame.draw.rect(surf, WHITE, slot)
    fill = max(0.0, min(1.0, tenths / 15.0))
    h = int(round(slot.height * fill))
    if h:
        pygame.draw.rect(surf, COUNTER_INK, pygame.Rect(slot.left, slot.bottom - h, slot.width, h))
    tick_y = slot.bottom - int(round(slot.height * 10 / 15))
    pygame.draw.line(surf, (140, 140, 140), (slot.left - 1, tick_y), (slot.right, tick_y))
    pygame.draw.rect(surf, COUNTER_INK, slot, 1)


def _draw_supply(surf: pygame.Surface, centre: tuple[int, int], r: int, state: str) -> None:
    """Nothing when supplied; a half-filled circle when short; a red-edged cross when cut off."""
    if state == "supplied":
        return
    x, y = centre
    if state == "short":
        pygame.draw.circle(surf, WHITE, centre, r)
        pygame.draw.circle(surf, COUNTER_INK, centre, r, draw_top_right=False,
                           draw_top_left=False, draw_bottom_left=True, draw_bottom_right=True)
        pygame.draw.circle(surf, COUNTER_INK, centre, r, 1)
        return
    pygame.draw.circle(surf, WHITE, centre, r + 1)
    pygame.draw.circle(surf, CUT_MARK, centre, r + 1, 2)
    d = r * math.sqrt(0.5)
    pygame.draw.line(surf, COUNTER_INK, (x - d, y - d), (x + d, y + d), 2)
    pygame.draw.line(surf, COUNTER_INK, (x - d, y + d), (x + d, y - d), 2)


def _draw_ammo(surf: pygame.Surface, rect: pygame.Rect) -> None:
    """A shell outline: the side's stock cannot feed these guns in full."""
    pygame.draw.rect(surf, WHITE, rect)
    pygame.draw.rect(surf, COUNTER_INK, rect, 1)
    pygame.draw.polygon(surf, COUNTER_INK, [rect.topleft, (rect.centerx, rect.top - 3),
                                            (rect.right - 1, rect.top)])
