"""What the game scene draws on top of the map: reachable hexes, orders, counters, the cursor,
the scale bar and the overlays' key.

Kept apart from `sim.ui.scene_game` (input, orders, the turn, panels) because it only reads
the scene: `MapMarks` is mixed into `GameScene` and uses its `renderer`, `view`, `shown`
state, `orders`, `planning`, `selected`, `hover`, `cursor`, `reach`, `humans`,
`active_side`, `painter`, `theme` and `overlays`.
"""

from __future__ import annotations

import numpy as np
import pygame

from sim.history import date_phrase
from sim.orders import Move
from sim.sides import SIDE_ADJECTIVES
from sim.state import GameState, UnitState
from sim.ui import palette
from sim.ui.counters import CHIP_BELOW_PX, CounterLook, counter_size
from sim.ui.overlays import draw_arrowhead, hex_polyline
from sim.ui.panels import Theme, fit_text

REACH_FILL = (255, 255, 255, 70)
REACH_EDGE = (255, 255, 255)
MOVE_ARROW = (20, 20, 20)
ATTACK_ARROW = (200, 20, 20)
CURSOR = (255, 40, 160)


class MapMarks:
    """The drawing of marks over the map, for `GameScene`."""

    def _hex_poly(self, index: int, shrink: float = 1.0) -> list[tuple[float, float]]:
        c = self.renderer.corners[index]
        centre = self.renderer.centres[index]
        pts = centre + (c - centre) * shrink
        xs, ys = self.view.km_to_px(pts[:, 0], pts[:, 1])
        return list(zip(np.asarray(xs).tolist(), np.asarray(ys).tolist(), strict=True))

    def _draw_reach(self, surface) -> None:
        if not self.reach:
            return
        layer = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
        for index in self.reach:
            pts = self._hex_poly(index, 0.92)
            if not _on_screen(pts, surface):
                continue
            pygame.draw.polygon(layer, REACH_FILL, pts)
            pygame.draw.polygon(layer, (*REACH_EDGE, 200), pts, 2)
        surface.blit(layer, (0, 0))

    def _draw_orders(self, surface) -> None:
        state = self.shown
        theatre = state.theatre
        k = max(0.6, min(2.0, self.view.scale / 11.0))
        centres = self.renderer.centres
        visible_sides = [self.active_side] if len(self.humans) > 1 else list(self.orders.by_side)
        for side in visible_sides:
            if side is None:
                continue
            for o in self.orders.of(side):
                if isinstance(o, Move):
                    unit = state.units[o.unit]
                    target = theatre.index_of(o.to)
                    if target is None:
                        continue
                    if unit.is_air:
                        path = [unit.index, target]
                    else:
                        path = _path(state, unit, target)
                    hex_polyline(
                        surface,
                        self.view,
                        centres,
                        path,
                        MOVE_ARROW,
                        max(2, int(3 * k)),
                        casing=(255, 255, 255),
                        arrow_at_end=True,
                    )
                else:
                    target = theatre.index_of(o.target)
                    if target is None:
                        continue
                    tx, ty = self.view.km_to_px(*centres[target])
                    for uid in o.units:
                        u = state.units[uid]
                        if u.is_air or u.index < 0:
                            continue
                        sx, sy = self.view.km_to_px(*centres[u.index])
                        a = (float(sx), float(sy))
                        b = (float(sx + (tx - sx) * 0.8), float(sy + (ty - sy) * 0.8))
                        pygame.draw.line(surface, (255, 255, 255), a, b, max(4, int(7 * k)))
                        pygame.draw.line(surface, ATTACK_ARROW, a, b, max(2, int(4 * k)))
                        draw_arrowhead(surface, a, b, ATTACK_ARROW, max(8, int(12 * k)))
        if self.planning is not None:
            p = self.planning
            pts = self._hex_poly(p.target, 0.95)
            pygame.draw.polygon(surface, ATTACK_ARROW, pts, max(3, int(4 * k)))
            for uid in p.chosen:
                u = state.units[uid]
                a = self.view.km_to_px(*centres[u.index])
                b = self.view.km_to_px(*centres[p.target])
                a = (float(a[0]), float(a[1]))
                b = (float(a[0] + (b[0] - a[0]) * 0.8), float(a[1] + (b[1] - a[1]) * 0.8))
                pygame.draw.line(surface, ATTACK_ARROW, a, b, max(2, int(3 * k)))
                draw_arrowhead(surface, a, b, ATTACK_ARROW, max(8, int(10 * k)))

    def _draw_units(self, surface) -> None:
        state = self.shown
        hex_px = self.view.scale * state.theatre.projection.hex_across_flats_km
        w, h = counter_size(hex_px)
        stacks: dict[int, list[UnitState]] = {}
        for u in state.units.values():
            if u.active and u.index >= 0:
                stacks.setdefault(u.index, []).append(u)
        words = self.order_words()
        sw, sh = surface.get_size()
        xs_ys = {}
        for index in stacks:
            x, y = self.view.km_to_px(*self.renderer.centres[index])
            if -w <= x <= sw + w and -h <= y <= sh + h:
                xs_ys[index] = (float(x), float(y))
        ammo_short = {
            side: self.shown.ammunition.get(side, 0.0) < 1.0 for side in self.shown.ammunition
        }
        order = sorted(xs_ys, key=lambda i: (i == self._selected_index(), xs_ys[i][1]))
        chips = hex_px < CHIP_BELOW_PX
        for index in order:
            x, y = xs_ys[index]
            units = sorted(stacks[index], key=lambda u: (u.id == self.selected, u.men))
            shown_units = units[-3:] if not chips else units[-1:]
            step = 4 if not chips else 0
            n = len(shown_units)
            for k, u in enumerate(shown_units):
                look = CounterLook.of(u, ammo_short.get(u.side, False) and u.artillery > 0)
                surf = self.painter.surface(look, w, h)
                off = (n - 1 - k) * step
                rect = surf.get_rect(center=(x - off, y - off))
                surface.blit(surf, rect)
                if u.id in words and not chips:
                    _order_tick(surface, rect, words[u.id])
            top_rect = pygame.Rect(0, 0, w, h)
            top_rect.center = (int(x), int(y))
            if self.selected is not None and any(u.id == self.selected for u in units):
                pygame.draw.rect(surface, CURSOR, top_rect.inflate(6, 6), 3, border_radius=4)
            if len(units) > 1:
                _stack_badge(surface, self.theme, top_rect, len(units), chips)

    def _selected_index(self) -> int:
        if self.selected is None:
            return -1
        return self.shown.units[self.selected].index

    def _draw_cursor(self, surface) -> None:
        for index, colour, width in ((self.hover, (255, 255, 255), 1), (self.cursor, CURSOR, 3)):
            if index is None or index < 0:
                continue
            pts = self._hex_poly(index, 1.0)
            pygame.draw.polygon(surface, colour, pts, width)

    def _draw_map_furniture(self, surface) -> None:
        """A scale bar, and a key to the overlays that are on."""
        km = _nice_km(140 / self.view.scale)
        px = km * self.view.scale
        x, y = 14, surface.get_height() - 22
        pygame.draw.rect(surface, (255, 255, 255), (x - 4, y - 16, px + 60, 30))
        pygame.draw.rect(surface, palette.INK, (x, y, px, 6))
        pygame.draw.rect(surface, (255, 255, 255), (x + px / 2, y + 1, px / 2 - 1, 4))
        self.theme.text(
            surface, f"{km:g} km", (x + px + 6, y + 3), 12, palette.INK, anchor="midleft"
        )
        self.theme.text(surface, "N ↑", (x, y - 15), 12, palette.INK, bold=True)
        keys = []
        on = self.overlays.on
        if on["supply"]:
            keys.append(
                f"Supply ({SIDE_ADJECTIVES[self.overlays.side]}): ✕ hatch = no supply "
                "reaches; dashed green = supply line; ring = unit cut off"
            )
        if on["control"]:
            keys.append(
                "Control: hatched = changed hands since the start (/ Armenian, "
                "\\ Azerbaijani gains); black outline = last turn"
            )
        if on["blockades"]:
            keys.append("Blockades: barred circle on the blockaded channel, share of capacity cut")
        if on["history"]:
            keys.append(
                "History: white beads = historical front at this date; ▲/■ = held "
                "otherwise in history (▲ Armenian, ■ Azerbaijani); ★ = next events"
            )
            for event in self.overlays.events[:3]:
                keys.append(f"   ★ {date_phrase(event)}: {event.summary}")
        if keys:
            font = self.theme.font(12)
            limit = surface.get_width() - 220
            keys = [fit_text(font, t, limit - 16) for t in keys]
            width = max(font.size(t)[0] for t in keys) + 16
            box = pygame.Rect(surface.get_width() - width - 10, 0, width, 8 + 16 * len(keys))
            box.bottom = surface.get_height() - 10
            panel = pygame.Surface(box.size, pygame.SRCALPHA)
            panel.fill((255, 255, 250, 225))
            surface.blit(panel, box)
            pygame.draw.rect(surface, palette.INK, box, 1)
            for n, text in enumerate(keys):
                self.theme.text(surface, text, (box.x + 8, box.y + 4 + 16 * n), 12, palette.INK)


def _path(state: GameState, unit: UnitState, target: int) -> list[int]:
    from sim.rules.reach import path_to

    path = path_to(state, unit.id, target)
    return path or [unit.index, target]


def _on_screen(pts, surface) -> bool:
    w, h = surface.get_size()
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return max(xs) >= 0 and min(xs) <= w and max(ys) >= 0 and min(ys) <= h


def _order_tick(surface, rect: pygame.Rect, words: str) -> None:
    """A small black flag on a counter with an order: M for a move, A for an attack."""
    letter = "A" if words.startswith("attack") else "M"
    box = pygame.Rect(rect.right - 12, rect.top - 6, 12, 12)
    pygame.draw.rect(surface, (255, 255, 255), box.inflate(2, 2))
    pygame.draw.rect(surface, (200, 20, 20) if letter == "A" else (20, 20, 20), box)
    font = pygame.font.Font(None, 14)
    t = font.render(letter, True, (255, 255, 255))
    surface.blit(t, t.get_rect(center=box.center))


def _stack_badge(surface, theme: Theme, rect: pygame.Rect, n: int, chip: bool) -> None:
    r = 7 if chip else 9
    centre = (rect.right + 2, rect.bottom - 2) if chip else (rect.right + 1, rect.top + 1)
    pygame.draw.circle(surface, (255, 255, 255), centre, r + 1)
    pygame.draw.circle(surface, (20, 20, 20), centre, r)
    theme.text(
        surface, str(n), centre, 11 if chip else 12, (255, 255, 255), bold=True, anchor="center"
    )


def _nice_km(max_km: float) -> float:
    for step in (100, 50, 20, 10, 5, 2, 1):
        if step <= max_km:
            return float(step)
    return 1.0
