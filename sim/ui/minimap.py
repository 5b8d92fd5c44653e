"""The minimap: the whole theatre in a corner, with the part the main map shows outlined.

It is the overview the tiles keep anyway, shrunk once per content, so it costs a blit a
frame. Units are dots in their side's colour (the Armenian ones with a dark centre, so the
two read apart without colour); a click centres the main map there.
"""

from __future__ import annotations

import pygame

from sim.state import GameState
from sim.ui.counters import SIDE_FILL
from sim.ui.tiles import MapTiles
from sim.ui.view import MapView

__all__ = ["Minimap"]


class Minimap:
    def __init__(self, tiles: MapTiles) -> None:
        self.tiles = tiles
        self.rect = pygame.Rect(0, 0, 0, 0)
        self._picture: tuple[object, tuple[int, int], pygame.Surface] | None = None
        self._scale = 1.0
        self._offset = (0, 0)

    def _shrunk(self, size: tuple[int, int]) -> pygame.Surface:
        overview = self.tiles.ensure_overview()
        key = self.tiles.overview_key
        if self._picture is None or self._picture[0] != key or self._picture[1] != size:
            ow, oh = overview.get_size()
            k = min(size[0] / ow, size[1] / oh)
            size_px = (max(1, int(ow * k)), max(1, int(oh * k)))
            small = pygame.transform.smoothscale(overview, size_px)
            self._picture = (key, size, small)
        return self._picture[2]

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, view: MapView,
             state: GameState | None) -> None:
        self.rect = rect
        pygame.draw.rect(surface, (30, 34, 40), rect)
        small = self._shrunk((rect.width - 8, rect.height - 8))
        x = rect.x + (rect.width - small.get_width()) // 2
        y = rect.y + (rect.height - small.get_height()) // 2
        surface.blit(small, (x, y))
        ow = self.tiles.extent_km[0]
        self._scale = small.get_width() / ow
        self._offset = (x, y)
        ox, oy = self.tiles.origin_km
        if state is not None:
            centres = self.tiles.renderer.centres
            for u in state.active_units():
                if u.index < 0:
                    continue
                cx = x + (centres[u.index, 0] - ox) * self._scale
                cy = y + (centres[u.index, 1] - oy) * self._scale
                pygame.draw.circle(surface, (0, 0, 0), (cx, cy), 3.5)
                pygame.draw.circle(surface, SIDE_FILL[u.side], (cx, cy), 2.5)
                if u.side == "armenian":
                    pygame.draw.circle(surface, (20, 20, 20), (cx, cy), 1)
        x0, y0, x1, y1 = view.km_bounds()
        frame = pygame.Rect(
            int(x + (x0 - ox) * self._scale), int(y + (y0 - oy) * self._scale),
            max(3, int((x1 - x0) * self._scale)), max(3, int((y1 - y0) * self._scale)),
        ).clip(rect)
        pygame.draw.rect(surface, (255, 255, 255), frame, 2)
        pygame.draw.rect(surface, (0, 0, 0), frame.inflate(2, 2), 1)
        pygame.draw.rect(surface, (84, 92, 104), rect, 1)

    def km_at(self, pos: tuple[int, int]) -> tuple[float, float] | None:
        """The theatre point under a click on the minimap, or None outside it."""
        if not self.rect.collidepoint(pos) or self._scale <= 0:
            return None
        ox, oy = self.tiles.origin_km
        return (
            ox + (pos[0] - self._offset[0]) / self._scale,
            oy + (pos[1] - self._offset[1]) / self._scale,
        )
