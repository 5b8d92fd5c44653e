"""Text on the map: fonts, haloed labels, and a greedy placement that avoids overlaps.

Place names sit on busy ground (relief, tints, roads), so every label gets a pale halo: the
letters stay readable over anything without boxing them in. Placement is greedy by
importance (cities first): each label tries a few positions around its marker and takes the
first that collides with nothing already placed, so the important names always win and a
crowded village simply goes unlabelled at that zoom. That is the rule printed maps follow, and
it costs O(labels x placed) rectangle tests, which `Rect.collidelist` does in C.

The shipped font is DejaVu Sans Condensed (assets/fonts, with its licence): condensed letters
take less room between towns, and unlike pygame's built-in font it has the Azerbaijani schwa
(ə) and the other letters of local names. Without the files, pygame's default font is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygame

from sim.ui import palette

__all__ = ["FONT_DIR", "FontBook", "LabelRequest", "Placement", "halo_text", "place_labels"]

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
_REGULAR = "DejaVuSansCondensed.ttf"
_BOLD = "DejaVuSansCondensed-Bold.ttf"


class FontBook:
    """Fonts by (pixel size, bold, italic), loaded once: opening a TTF costs milliseconds and
    a map asks for the same few sizes hundreds of times."""

    def __init__(self, font_dir: Path = FONT_DIR) -> None:
        self._dir = font_dir
        self._cache: dict[tuple[int, bool, bool], pygame.font.Font] = {}
        if not pygame.font.get_init():
            pygame.font.init()

    def get(self, size: int, bold: bool = False, italic: bool = False) -> pygame.font.Font:
        size = max(6, int(round(size)))
        key = (size, bold, italic)
        font = self._cache.get(key)
        if font is None:
            path = self._dir / (_BOLD if bold else _REGULAR)
            if path.is_file():
                font = pygame.font.Font(str(path), size)
            else:
                font = pygame.font.Font(None, int(size * 1.15))
                font.set_bold(bold)
            font.set_italic(italic)
            self._cache[key] = font
        return font


def halo_text(
    font: pygame.font.Font,
    text: str,
    colour: tuple[int, int, int] = palette.INK,
    halo: tuple[int, int, int] | None = palette.HALO,
    radius: int = 2,
) -> pygame.Surface:
    """Text with a halo of `radius` pixels around every letter, on a transparent surface."""
    ink = font.render(text, True, colour)
    if halo is None or radius <= 0:
        return ink
    glow = font.render(text, True, halo)
    w, h = ink.get_width() + 2 * radius, ink.get_height() + 2 * radius
    out = pygame.Surface((w, h), pygame.SRCALPHA)
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            if dx * dx + dy * dy <= radius * radius + 1:
                out.blit(glow, (radius + dx, radius + dy))
    out.blit(ink, (radius, radius))
    return out


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """A label that would like to sit next to its place's marker.

    `anchor` is the marker's centre (pixels) and `gap` its half-size: candidate positions
    start outside it. Lower `priority` values are placed first. A label with `may_displace`
    that finds no free spot may cover the markers of less important places; those places are
    then hidden (marker and name), as a printed map drops a hamlet beside a city's name.
    """

    text: str
    anchor: tuple[float, float]
    gap: float
    priority: int
    size: int
    bold: bool = False
    italic: bool = False
    colour: tuple[int, int, int] = palette.INK
    key: int = 0  # the caller's handle, returned with the placed label
    marker: pygame.Rect | None = None
    may_displace: bool = False


@dataclass(frozen=True, slots=True)
class Placement:
    """The outcome of `place_labels`: labels to blit, and the keys of places now hidden."""

    labels: tuple[tuple[LabelRequest, pygame.Surface, pygame.Rect], ...]
    hidden: frozenset[int]


# Where a label may go around its marker, in order of preference: right, upper right, lower
# right, left, above, below, upper left, lower left ("right of the point" is the
# cartographer's first choice), then the same sides nudged half a line up or down.
# Each is (sign_x, sign_y, align_x, align_y); align 0: the label starts at the offset point,
# -1: it ends there, -0.5: it is centred on it.
_CANDIDATES: tuple[tuple[float, float, float, float], ...] = (
    (1, 0, 0.0, -0.5),
    (1, -1, 0.0, -1.0),
    (1, 1, 0.0, 0.0),
    (-1, 0, -1.0, -0.5),
    (0, -1, -0.5, -1.0),
    (0, 1, -0.5, 0.0),
    (-1, -1, -1.0, -1.0),
    (-1, 1, -1.0, 0.0),
    (1, 0, 0.0, -0.05),
    (1, 0, 0.0, -0.95),
    (-1, 0, -1.0, -0.05),
    (-1, 0, -1.0, -0.95),
)


def place_labels(
    requests: list[LabelRequest],
    fonts: FontBook,
    bounds: pygame.Rect,
    obstacles: list[pygame.Rect] | None = None,
    halo_radius: int = 2,
) -> Placement:
    """Choose where each label goes, most important first.

    A label must lie wholly inside `bounds` and overlap no other label, no `obstacles` (the
    legend) and no marker of a place still shown. Labels with no free spot are dropped.
    """
    fixed = list(obstacles or [])
    markers = [(req.marker, req.priority, req.key) for req in requests if req.marker is not None]
    taken: list[pygame.Rect] = []
    hidden: set[int] = set()
    out: list[tuple[LabelRequest, pygame.Surface, pygame.Rect]] = []
    for req in sorted(requests, key=lambda r: (r.priority, r.text)):
        if req.key in hidden:
            continue
        surf = halo_text(
            fonts.get(req.size, req.bold, req.italic),
            req.text,
            req.colour,
            palette.HALO,
            halo_radius,
        )
        passes = (True, False) if req.may_displace else (True,)
        for strict in passes:
            blocking = [
                rect
                for rect, priority, key in markers
                if key != req.key and key not in hidden and (strict or priority <= req.priority)
            ]
            rect = _first_free(req, surf.get_size(), bounds, fixed + taken + blocking, halo_radius)
            if rect is None:
                continue
            if not strict:
                core = rect.inflate(-2 * halo_radius, -2 * halo_radius)
                for m_rect, priority, key in markers:
                    if priority > req.priority and core.colliderect(m_rect):
                        hidden.add(key)
            taken.append(rect)
            out.append((req, surf, rect))
            break
    return Placement(tuple(out), frozenset(hidden))


def _first_free(
    req: LabelRequest,
    size: tuple[int, int],
    bounds: pygame.Rect,
    blocking: list[pygame.Rect],
    halo_radius: int,
) -> pygame.Rect | None:
    w, h = size
    ax, ay = req.anchor
    pad = req.gap
    for sx, sy, alx, aly in _CANDIDATES:
        x = ax + sx * pad + alx * w
        y = ay + sy * pad + aly * h
        rect = pygame.Rect(int(round(x)), int(round(y)), w, h)
        if not bounds.contains(rect):
            continue
        # Test without the halo: halos may touch each other or a marker, letters may not.
        core = rect.inflate(-2 * halo_radius, -2 * halo_radius)
        if core.collidelist(blocking) == -1:
            return rect
    return None
