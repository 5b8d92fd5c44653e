"""The map of the window, pre-rendered in tiles so that panning and zooming stay smooth.

Drawing the whole map from scratch takes 40-100 ms, far too slow for every frame. The map
only changes at the end of a turn (control, supply) or when an overlay is switched, so it is
drawn once per zoom level into 512-pixel tiles that frames merely blit. Zoom moves between
fixed levels (each 1.2 times the last), so a tile drawn once serves every later visit.

A tile not drawn yet is not waited for: the frame shows the same patch cut from an overview
(the whole map at a middling scale) or the tile as it was before the content changed, and
tiles are drawn against a time budget each frame, nearest the centre first. A frame therefore
never costs more than about one tile's drawing, and the picture sharpens within a few frames.

Place names are laid out once per level for the whole map (`MapRenderer.layout_places`) and
each tile blits the names that touch it, so a name is never cut or placed twice at a seam.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pygame

from sim.ui.map_render import MapRenderer, PlaceLayout, draw_marker, draw_offmap_arrow, line_scale
from sim.ui.view import MapView

__all__ = ["OFF_MAP", "ZOOM_STEP", "MapTiles", "ZoomLevels"]

ZOOM_STEP = 1.2
OFF_MAP = (58, 62, 66)
TILE = 512
MAX_TILES = 160
"""About 170 MB of tiles at most; the least recently shown go first."""
MARGIN_KM = 6.0
OVERVIEW_PIECE = 280

Decorator = Callable[[pygame.Surface, MapView], None]


@dataclass(frozen=True, slots=True)
class ZoomLevels:
    """The scales the window may show: `base * ZOOM_STEP**k` for k in `lo..hi`."""

    base: float
    lo: int
    hi: int

    @classmethod
    def fitting(cls, bounds_km: tuple[float, float, float, float], width: int, height: int):
        """Level 0 shows the whole map in a `width` x `height` viewport; zoom in to about
        40 pixels per km (a hex some 140 pixels across), out to a third of the whole map."""
        base = MapView.fit(bounds_km, max(width, 50), max(height, 50), margin_px=8).scale
        hi = max(1, int(math.ceil(math.log(45.0 / base) / math.log(ZOOM_STEP))))
        return cls(base, -3, hi)

    def scale(self, level: int) -> float:
        return self.base * ZOOM_STEP ** self.clamp(level)

    def clamp(self, level: int) -> int:
        return max(self.lo, min(self.hi, int(level)))


class MapTiles:
    """The tile cache of one theatre: `draw` fills a viewport from tiles, drawing what is
    missing within a time budget. `set_content` says what the map shows (control and an
    overlay); a new content keeps the old tiles as stand-ins until the new ones are drawn."""

    def __init__(self, renderer: MapRenderer, levels: ZoomLevels, tile: int = TILE) -> None:
        self.renderer = renderer
        self.levels = levels
        self.tile_size = tile
        x0, y0, x1, y1 = renderer.bounds_km()
        self.origin_km = (x0 - MARGIN_KM, y0 - MARGIN_KM)
        self.extent_km = (x1 - x0 + 2 * MARGIN_KM, y1 - y0 + 2 * MARGIN_KM)
        self._tiles: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._stand_in: dict[tuple, pygame.Surface] = {}
        self._layouts: dict[int, PlaceLayout] = {}
        self.key: object = None
        self.control: np.ndarray | None = None
        self.decorate: Decorator | None = None
        self.overview: pygame.Surface | None = None
        self.overview_scale = 0.0
        self.overview_key: object = None
        self._next_overview: tuple | None = None
        self.drawn = 0
        """Tiles drawn since the cache was built (for the benchmark)."""
        self.missing = 0
        """Tiles the last `draw` had to stand in for."""

    # --- content ----------------------------------------------------------------------------

    def set_content(
        self, key: object, control: np.ndarray | None, decorate: Decorator | None = None
    ) -> None:
        """What the tiles show; `key` names it (equal keys: the tiles stay valid)."""
        if key == self.key:
            return
        self.key = key
        self.control = None if control is None else np.array(control, copy=True)
        self.decorate = decorate
        self._next_overview = None
        self.overview_key = None if self.overview is None else self.overview_key

    def ensure_overview(self) -> pygame.Surface:
        """The whole map at about 1,100 pixels across: the stand-in for tiles not drawn yet,
        and the picture the minimap shrinks. After a change of content the old overview
        serves until `draw` has redrawn the new one piece by piece in spare frame time; only
        the very first is drawn at once."""
        if self.overview is None:
            while not self._overview_step():
                pass
        return self.overview

    def _overview_step(self) -> bool:
        """Draw one piece of the overview for the current content; True once it is whole
        (and swapped in)."""
        if self.overview is not None and self.overview_key == self.key:
            return True
        scale = 1100.0 / max(self.extent_km)
        w = int(math.ceil(self.extent_km[0] * scale))
        h = int(math.ceil(self.extent_km[1] * scale))
        if self._next_overview is None or self._next_overview[0] != self.key:
            surf = pygame.Surface((w, h))
            surf.fill(OFF_MAP)
            pieces = [
                pygame.Rect(x, y, min(OVERVIEW_PIECE, w - x), min(OVERVIEW_PIECE, h - y))
                for y in range(0, h, OVERVIEW_PIECE)
                for x in range(0, w, OVERVIEW_PIECE)
            ]
            self._next_overview = (self.key, surf, pieces)
        _, surf, pieces = self._next_overview
        piece = pieces.pop()
        view = self._view(scale, piece.x, piece.y, piece.width, piece.height)
        part = surf.subsurface(piece)
        self.renderer.draw(part, view, self.control, places=False)
        if self.decorate is not None:
            self.decorate(part, view)
        if pieces:
            return False
        self.overview = surf
        self.overview_scale = scale
        self.overview_key = self.key
        self._next_overview = None
        return True

    # --- geometry ---------------------------------------------------------------------------

    def _view(self, scale: float, left_px: float, top_px: float, w: int, h: int) -> MapView:
        """The view of a `w` x `h` patch whose top-left is (`left_px`, `top_px`) pixels from
        the map's origin at `scale`."""
        ox, oy = self.origin_km
        return MapView(w, h, scale, ox + (left_px + w / 2) / scale, oy + (top_px + h / 2) / scale)

    def world_size(self, level: int) -> tuple[int, int]:
        s = self.levels.scale(level)
        return int(math.ceil(self.extent_km[0] * s)), int(math.ceil(self.extent_km[1] * s))

    def tile_span(self, level: int) -> int:
        """Tile size at a level: a whole number of hatching periods, so the hatching of the
        Armenian-held ground runs on unbroken across tile seams."""
        spacing = max(5, int(round(9 * line_scale(MapView(1, 1, self.levels.scale(level), 0, 0)))))
        return spacing * max(1, round(self.tile_size / spacing))

    # --- drawing ----------------------------------------------------------------------------

    def draw(
        self, target: pygame.Surface, view: MapView, level: int, budget_s: float = 0.010
    ) -> None:
        """Fill `target` (the viewport, sized as the view) with the map at `level`, which must
        be the view's scale. Draws missing tiles, nearest the centre first, until `budget_s`
        is spent (always at least one), and stands in for the rest."""
        scale = self.levels.scale(level)
        span = self.tile_span(level)
        ox, oy = (float(v) for v in view.km_to_px(*self.origin_km))
        ox, oy = int(math.floor(ox)), int(math.floor(oy))
        ww, wh = self.world_size(level)
        width, height = target.get_size()
        target.fill(OFF_MAP)
        tx0 = max(0, (-ox) // span)
        ty0 = max(0, (-oy) // span)
        tx1 = min((ww - 1) // span, (width - ox) // span)
        ty1 = min((wh - 1) // span, (height - oy) // span)
        wanted = []
        for ty in range(ty0, ty1 + 1):
            for tx in range(tx0, tx1 + 1):
                wanted.append((tx, ty))
        cx, cy = width / 2 - ox, height / 2 - oy
        wanted.sort(key=lambda t: ((t[0] + 0.5) * span - cx) ** 2 + ((t[1] + 0.5) * span - cy) ** 2)
        start = time.perf_counter()
        self.missing = 0
        drew_one = False
        for tx, ty in wanted:
            key = (self.key, level, tx, ty)
            surf = self._tiles.get(key)
            if surf is None and (not drew_one or time.perf_counter() - start < budget_s):
                surf = self._render(level, scale, span, tx, ty)
                drew_one = True
            if surf is None:
                self.missing += 1
                surf = self._stand_in.get((level, tx, ty)) or self._from_overview(
                    scale, span, tx, ty
                )
            else:
                self._tiles.move_to_end(key)
            target.blit(surf, (ox + tx * span, oy + ty * span))
        while (
            self.overview_key != self.key
            and (not drew_one or time.perf_counter() - start < budget_s)
        ):
            drew_one = True
            if self._overview_step():
                break

    def _render(self, level: int, scale: float, span: int, tx: int, ty: int) -> pygame.Surface:
        surf = pygame.Surface((span, span))
        surf.fill(OFF_MAP)
        left, top = tx * span, ty * span
        view = self._view(scale, left, top, span, span)
        self.renderer.draw(surf, view, self.control, places=False)
        if self.decorate is not None:
            self.decorate(surf, view)
        self._draw_places(surf, level, left, top, span)
        key = (self.key, level, tx, ty)
        self._tiles[key] = surf
        self._stand_in[(level, tx, ty)] = surf
        self.drawn += 1
        while len(self._tiles) > MAX_TILES:
            old_key, old = self._tiles.popitem(last=False)
            if self._stand_in.get(old_key[1:]) is old:
                del self._stand_in[old_key[1:]]
        return surf

    def _from_overview(self, scale: float, span: int, tx: int, ty: int) -> pygame.Surface:
        overview = self.ensure_overview()
        ratio = self.overview_scale / scale
        src = pygame.Rect(
            int(tx * span * ratio), int(ty * span * ratio),
            max(1, int(math.ceil(span * ratio))), max(1, int(math.ceil(span * ratio))),
        )
        clipped = src.clip(overview.get_rect())
        out = pygame.Surface((span, span))
        out.fill(OFF_MAP)
        if clipped.width > 0 and clipped.height > 0:
            part = pygame.transform.scale(
                overview.subsurface(clipped),
                (max(1, round(clipped.width / ratio)), max(1, round(clipped.height / ratio))),
            )
            out.blit(part, (round((clipped.x - src.x) / ratio), round((clipped.y - src.y) / ratio)))
        return out

    # --- names ------------------------------------------------------------------------------

    def layout(self, level: int) -> PlaceLayout:
        """Markers and names of the whole map at a level, in world pixels; laid out once."""
        found = self._layouts.get(level)
        if found is None:
            scale = self.levels.scale(level)
            w, h = self.world_size(level)
            view = self._view(scale, 0, 0, w, h)
            text_scale = float(np.clip(scale / 11.0, 0.8, 1.4))
            found = self.renderer.layout_places(view, text_scale, pygame.Rect(0, 0, w, h))
            self._layouts[level] = found
        return found

    def _draw_places(self, surf: pygame.Surface, level: int, left: int, top: int, span: int):
        layout = self.layout(level)
        k = line_scale(MapView(1, 1, self.levels.scale(level), 0, 0))
        area = pygame.Rect(left, top, span, span)
        for sym in layout.symbols:
            if not sym.rect.inflate(16, 16).colliderect(area):
                continue
            centre = (sym.centre[0] - left, sym.centre[1] - top)
            if sym.direction is not None:
                draw_offmap_arrow(surf, centre, sym.direction, sym.radius, k)
            else:
                draw_marker(surf, sym.kind, centre, sym.radius)
        for placed, text in zip(layout.labels, layout.surfaces, strict=True):
            if placed.rect.colliderect(area):
                surf.blit(text, placed.rect.move(-left, -top))

    def clear(self) -> None:
        """Forget every tile and the overview (tests)."""
        self._tiles.clear()
        self._stand_in.clear()
        self.overview = None
        self.overview_key = None
        self._next_overview = None

