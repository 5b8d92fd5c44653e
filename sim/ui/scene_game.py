"""The game on screen: the map with its counters, the panels, and the player's orders.

A turn in the window: the side at the controls selects units and gives orders (every order is
checked by the rules' own `check_orders` before it is accepted, and can be undone until the
turn ends), then ends the turn. In hotseat play the other player gets the window behind a
curtain; then the turn resolves in the background (`sim.ui.worker`) while the window keeps
drawing from a copy of the state taken at the start of the turn. When it is done the log, the
map and the overlays show what happened, and the next turn opens.

Orders are planned against the position at the start of the turn, which is what the movement
and combat phases check them against (`sim.ui.order_desk`); the marks over the map are drawn
by `sim.ui.map_marks`. This module holds the rest: input, the view, the turn, saving and
loading, and the panels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pygame

from sim.controllers.human import HumanController
from sim.errors import UserError
from sim.hexgrid import Hex, hex_round
from sim.history import Timeline
from sim.orders import OrderError
from sim.rules.context import season_in
from sim.rules.control import describe_hex
from sim.session import Session
from sim.sides import SIDE_ADJECTIVES, other_side
from sim.state import GameState, UnitState
from sim.ui.counters import CounterPainter
from sim.ui.endgame import (
    Comparison,
    TerritoryPoint,
    compare_with_history,
    draw_endgame,
    replay_with_territory,
    territory_now,
)
from sim.ui.map_marks import MapMarks
from sim.ui.map_render import MapRenderer
from sim.ui.minimap import Minimap
from sim.ui.order_desk import OrderDesk, Planning, TurnOrders
from sim.ui.overlays import Overlays
from sim.ui.panels import (
    ACCENT,
    Button,
    LogPanel,
    Theme,
    TopInfo,
    draw_button,
    draw_help,
    draw_modal,
    draw_odds,
    draw_status,
    draw_top_bar,
    draw_unit_card,
)
from sim.ui.tiles import MapTiles, ZoomLevels
from sim.ui.view import MapView
from sim.ui.worker import Worker

__all__ = ["GameScene", "Layout"]

TOP_H = 40
STATUS_H = 24
RIGHT_W = 380
MINIMAP_H = 210
CARD_H = 236
PAN_STEP = 120
WATCH_DELAY_S = 0.8


@dataclass(frozen=True, slots=True)
class Layout:
    top: pygame.Rect
    map: pygame.Rect
    right: pygame.Rect
    minimap: pygame.Rect
    card: pygame.Rect
    log: pygame.Rect
    status: pygame.Rect

    @classmethod
    def of(cls, size: tuple[int, int], minimap: bool = True) -> Layout:
        w, h = size
        right_w = min(RIGHT_W, max(240, w // 3))
        body_h = h - TOP_H - STATUS_H
        right = pygame.Rect(w - right_w, TOP_H, right_w, body_h)
        mini_h = MINIMAP_H if minimap else 0
        mini = pygame.Rect(right.x, right.y, right_w, mini_h)
        card = pygame.Rect(right.x, mini.bottom, right_w, min(CARD_H, max(120, body_h // 3)))
        log = pygame.Rect(right.x, card.bottom, right_w, max(40, right.bottom - card.bottom))
        return cls(
            top=pygame.Rect(0, 0, w, TOP_H),
            map=pygame.Rect(0, TOP_H, max(50, w - right_w), body_h),
            right=right,
            minimap=mini,
            card=card,
            log=log,
            status=pygame.Rect(0, h - STATUS_H, w, STATUS_H),
        )


class GameScene(OrderDesk, MapMarks):
    """One game in the window. `app` gives the screen size, theme, worker and status line."""

    def __init__(
        self,
        app,
        session: Session,
        humans: tuple[str, ...],
        timeline: Timeline | None,
        saves_dir: Path,
        note: str = "",
        territory: list[TerritoryPoint] | None = None,
    ) -> None:
        self.app = app
        self.theme: Theme = app.theme
        self.worker: Worker = app.worker
        self.timeline = timeline
        self.saves_dir = Path(saves_dir)
        self.note = note
        self.humans = humans
        self.show_minimap = True
        self.layout = Layout.of(app.size, self.show_minimap)
        theatre = session.state.theatre
        self.renderer = MapRenderer(theatre, self.theme.fonts)
        self.levels = ZoomLevels.fitting(
            self.renderer.bounds_km(), self.layout.map.width, self.layout.map.height
        )
        self.tiles = MapTiles(self.renderer, self.levels)
        self.minimap = Minimap(self.tiles)
        self.painter = CounterPainter(self.theme.fonts)
        self.log = LogPanel(self.theme)
        self.overlays = Overlays(theatre, timeline)
        self.level = 0
        self.view = self._fit_view()
        self.modal: str | None = None
        self.modal_text = ""
        self.modal_items: list[str] = []
        self.modal_index = 0
        self.buttons: list[Button] = []
        self._modal_hits: list[tuple[pygame.Rect, int]] = []
        self.card_hits: list[tuple[pygame.Rect, str]] = []
        self.drag: tuple[int, int] | None = None
        self.drag_moved = False
        self.hover = -1
        self.cursor = -1
        self.cursor_zig = 0
        self.paused = False
        self.watch_timer = 0.0
        self.status = note
        self.comparison: Comparison | None = None
        self._set_session(session, territory)

    # --- the session ------------------------------------------------------------------------

    def _set_session(self, session: Session, territory: list[TerritoryPoint] | None) -> None:
        self.session = session
        self.shown: GameState = session.state.copy()
        self.start_control = session.start_control.copy()
        self.orders = TurnOrders()
        self.done_sides: set[str] = set()
        self.selected: str | None = None
        self.selected_hex = -1
        self.reach: dict[int, tuple[float, int]] = {}
        self.planning: Planning | None = None
        self.last_changes = np.zeros(0, dtype=np.int64)
        self.territory = list(territory or [self._territory_now()])
        self.log.set_entries(session.log)
        self.mode = "orders"
        self.active_side = self.humans[0] if self.humans else None
        if len(self.humans) > 1:
            self.mode = "handover"
        if session.finished:
            self._game_over()
        self._refresh_overlays()

    def _territory_now(self) -> TerritoryPoint:
        return territory_now(self.session, self.timeline)

    def _refresh_overlays(self) -> None:
        side = self.active_side or self.overlays.side
        self.overlays.update(self.shown, self.start_control, self.session.scenario.start,
                             self.last_changes, side)
        self._update_tiles()

    def _update_tiles(self) -> None:
        key = (self.shown.turn, self.shown.control.tobytes().__hash__(), self.overlays.tile_key())
        self.tiles.set_content(key, self.shown.control, self.overlays.decorate)
        self.painter.clear()

    @property
    def busy(self) -> bool:
        return self.mode in ("resolving", "loading")

    # --- view -------------------------------------------------------------------------------

    def _fit_view(self) -> MapView:
        x0, y0, x1, y1 = self.renderer.bounds_km()
        return MapView(self.layout.map.width, self.layout.map.height, self.levels.scale(0),
                       (x0 + x1) / 2, (y0 + y1) / 2)

    def resize(self, size: tuple[int, int]) -> None:
        self.layout = Layout.of(size, self.show_minimap)
        self.view = self.view.resized(self.layout.map.width, self.layout.map.height)

    def zoom(self, steps: int, about: tuple[float, float] | None = None) -> None:
        new = self.levels.clamp(self.level + steps)
        if new == self.level:
            return
        factor = self.levels.scale(new) / self.view.scale
        self.view = self.view.zoomed(factor, about)
        self.level = new
        self._clamp_view()

    def pan(self, dx: float, dy: float) -> None:
        self.view = self.view.panned(dx, dy)
        self._clamp_view()

    def centre_on(self, index: int) -> None:
        x, y = self.renderer.centres[index]
        self.view = MapView(self.view.width, self.view.height, self.view.scale, float(x), float(y))

    def _clamp_view(self) -> None:
        x0, y0, x1, y1 = self.renderer.bounds_km()
        cx = min(max(self.view.centre_x_km, x0), x1)
        cy = min(max(self.view.centre_y_km, y0), y1)
        if (cx, cy) != (self.view.centre_x_km, self.view.centre_y_km):
            self.view = MapView(self.view.width, self.view.height, self.view.scale, cx, cy)

    def hex_at(self, pos: tuple[int, int]) -> int:
        """The hex index under a window pixel, or -1."""
        m = self.layout.map
        if not m.collidepoint(pos):
            return -1
        x, y = self.view.px_to_km(pos[0] - m.x, pos[1] - m.y)
        fq, fr = self.shown.theatre.projection.km_to_axial(x, y)
        h = hex_round(float(fq), float(fr))
        index = self.shown.theatre.index_of(h)
        return -1 if index is None else int(index)

    def hex_px(self, index: int) -> tuple[float, float]:
        x, y = self.view.km_to_px(*self.renderer.centres[index])
        return float(x) + self.layout.map.x, float(y) + self.layout.map.y

    # --- input ------------------------------------------------------------------------------

    def on_action(self, action: str, spec: str = "") -> None:
        """Everything the keys, buttons and the app's shortcuts can ask for."""
        if self.modal is not None and action not in ("quit", "screenshot"):
            self._modal_action(action, spec)
            return
        if self.mode == "handover":
            if action in ("act", "cancel"):
                self.mode = "orders"
                self.status = f"{SIDE_ADJECTIVES[self.active_side]} orders."
            elif action == "help":
                self.modal = "help"
            return
        if self.mode == "over" and self.comparison is not None and action == "cancel":
            self.comparison = None
            return
        m = self.layout.map
        centre = (m.width / 2, m.height / 2)
        handlers = {
            "pan_left": lambda: self.pan(PAN_STEP, 0),
            "pan_right": lambda: self.pan(-PAN_STEP, 0),
            "pan_up": lambda: self.pan(0, PAN_STEP),
            "pan_down": lambda: self.pan(0, -PAN_STEP),
            "zoom_in": lambda: self.zoom(1, centre),
            "zoom_out": lambda: self.zoom(-1, centre),
            "zoom_fit": self._zoom_fit,
            "centre_selected": self._centre_selected,
            "cursor_left": lambda: self._move_cursor(3),
            "cursor_right": lambda: self._move_cursor(0),
            "cursor_up": lambda: self._move_cursor(2 if self.cursor_zig % 2 else 1),
            "cursor_down": lambda: self._move_cursor(4 if self.cursor_zig % 2 else 5),
            "act": self._act_at_cursor,
            "next_unit": lambda: self._cycle_unit(1),
            "prev_unit": lambda: self._cycle_unit(-1),
            "toggle_attacker": lambda: self._toggle_attacker(spec),
            "cancel": self._cancel,
            "undo": self.undo,
            "cancel_order": self._cancel_selected_order,
            "end_turn": self.end_turn,
            "overlay_supply": lambda: self._toggle_overlay("supply"),
            "overlay_control": lambda: self._toggle_overlay("control"),
            "overlay_blockades": lambda: self._toggle_overlay("blockades"),
            "overlay_history": lambda: self._toggle_overlay("history"),
            "supply_side": self._switch_supply_side,
            "minimap": self._toggle_minimap,
            "log_up": lambda: self.log.scroll_by(10),
            "log_down": lambda: self.log.scroll_by(-10),
            "log_end": lambda: setattr(self.log, "scroll", 0),
            "save": self._open_save,
            "load": self._open_load,
            "pause": self._toggle_pause,
            "help": lambda: setattr(self, "modal", "help"),
        }
        handler = handlers.get(action)
        if handler is not None:
            handler()

    def handle(self, event: pygame.event.Event) -> None:
        """Mouse events (keys come through `on_action`)."""
        if event.type == pygame.MOUSEBUTTONDOWN:
            if event.button in (4, 5):  # wheel on old SDL builds: handled by MOUSEWHEEL
                return
            self._mouse_down(event.pos, event.button)
        elif event.type == pygame.MOUSEBUTTONUP:
            self._mouse_up(event.pos, event.button)
        elif event.type == pygame.MOUSEMOTION:
            self._mouse_motion(event.pos, event.buttons)
        elif event.type == pygame.MOUSEWHEEL:
            pos = pygame.mouse.get_pos() if not hasattr(event, "pos") else event.pos
            self._wheel(pos, event.y)
        elif event.type == pygame.TEXTINPUT and self.modal == "save":
            self.modal_text = (self.modal_text + event.text)[:80]

    def _wheel(self, pos, y: int) -> None:
        if self.modal is not None or y == 0:
            return
        if self.log.rect.collidepoint(pos):
            self.log.scroll_by(3 * y)
            return
        m = self.layout.map
        if m.collidepoint(pos):
            self.zoom(1 if y > 0 else -1, (pos[0] - m.x, pos[1] - m.y))

    def _mouse_down(self, pos, button: int) -> None:
        if self.modal is not None:
            self._modal_click(pos, button)
            return
        for b in self.buttons:
            if b.rect.collidepoint(pos) and b.enabled and button == 1:
                self.on_action(b.action)
                return
        if self.mode == "handover":
            return
        if self.minimap.rect.collidepoint(pos) and self.show_minimap:
            km = self.minimap.km_at(pos)
            if km is not None:
                self.view = MapView(self.view.width, self.view.height, self.view.scale, *km)
                self._clamp_view()
            return
        if self.log.rect.collidepoint(pos) and button == 1:
            entry = self.log.entry_at(pos)
            hex_ = entry.data.get("hex") if entry is not None else None
            if isinstance(hex_, (list, tuple)) and len(hex_) == 2:
                index = self.shown.theatre.index_of(Hex(int(hex_[0]), int(hex_[1])))
                if index is not None:
                    self.centre_on(index)
                    self.cursor = index
            return
        for rect, uid in self.card_hits:
            if rect.collidepoint(pos) and button == 1:
                self.select(uid)
                return
        if self.layout.map.collidepoint(pos):
            self.drag = pos
            self.drag_moved = False
            self._drag_button = button

    def _mouse_motion(self, pos, buttons) -> None:
        self.hover = self.hex_at(pos)
        if self.drag is not None and any(buttons):
            dx, dy = pos[0] - self.drag[0], pos[1] - self.drag[1]
            if self.drag_moved or abs(dx) + abs(dy) > 4:
                self.drag_moved = True
                self.pan(dx, dy)
                self.drag = pos

    def _mouse_up(self, pos, button: int) -> None:
        if self.drag is None:
            return
        self.drag = None
        if self.drag_moved:
            return
        index = self.hex_at(pos)
        if button == 3:
            self._cancel()
        elif button == 1 and index >= 0:
            self.cursor = index
            self.act_at(index)

    def _act_at_cursor(self) -> None:
        if self.planning is not None and (self.cursor < 0 or self.cursor == self.planning.target):
            self.confirm_attack()
            return
        if self.cursor < 0:
            self.cursor = self._hex_at_view_centre()
            return
        self.act_at(self.cursor)

    def _hex_at_view_centre(self) -> int:
        m = self.layout.map
        return self.hex_at((m.x + m.width // 2, m.y + m.height // 2))

    def _move_cursor(self, direction: int) -> None:
        theatre = self.shown.theatre
        if self.cursor < 0:
            self.cursor = self._hex_at_view_centre()
            return
        j = int(theatre.neighbours[self.cursor][direction])
        if j >= 0:
            self.cursor = j
            self.cursor_zig += 1
            x, y = self.hex_px(j)
            if not self.layout.map.inflate(-60, -60).collidepoint(x, y):
                self.centre_on(j)

    def _cycle_unit(self, step: int) -> None:
        side = self.active_side or (self.humans[0] if self.humans else None)
        units = [
            u for u in self.shown.units.values()
            if u.active and u.index >= 0 and (side is None or u.side == side)
        ]
        if not units:
            return
        units.sort(key=lambda u: (self.order_of(u.id) is not None, u.name))
        ids = [u.id for u in units]
        if self.selected in ids:
            nxt = ids[(ids.index(self.selected) + step) % len(ids)]
        else:
            nxt = ids[0] if step > 0 else ids[-1]
        self.select(nxt)
        unit = self.shown.units[nxt]
        self.cursor = unit.index
        x, y = self.hex_px(unit.index)
        if not self.layout.map.inflate(-80, -80).collidepoint(x, y):
            self.centre_on(unit.index)

    def _centre_selected(self) -> None:
        if self.selected is not None:
            self.centre_on(self.shown.units[self.selected].index)

    def _zoom_fit(self) -> None:
        self.level = 0
        self.view = self._fit_view()

    def _toggle_overlay(self, name: str) -> None:
        on = self.overlays.toggle(name)
        self.status = f"{name.capitalize()} overlay {'on' if on else 'off'}."
        self._update_tiles()

    def _switch_supply_side(self) -> None:
        self.overlays.side = other_side(self.overlays.side)
        self.overlays._version += 1
        self.status = f"Supply overlay shows the {SIDE_ADJECTIVES[self.overlays.side]} side."
        self._update_tiles()

    def _toggle_minimap(self) -> None:
        self.show_minimap = not self.show_minimap
        self.layout = Layout.of(self.app.size, self.show_minimap)

    def _toggle_pause(self) -> None:
        self.paused = not self.paused
        self.status = "Paused." if self.paused else "Going on."

    # --- the turn ---------------------------------------------------------------------------

    def end_turn(self) -> None:
        if self.busy or self.mode == "over":
            return
        if self.mode != "orders":
            return
        self.planning = None
        if self.active_side is not None:
            self.done_sides.add(self.active_side)
        waiting = [s for s in self.humans if s not in self.done_sides]
        if waiting:
            self.active_side = waiting[0]
            self.select(None)
            self.mode = "handover"
            self.status = f"Hand the window to the {SIDE_ADJECTIVES[waiting[0]]} player."
            return
        self.resolve_turn()

    def resolve_turn(self) -> None:
        """Hand the players' orders to their controllers and resolve the turn off-thread."""
        session = self.session
        if session.finished or self.worker.busy:
            return
        for side in self.humans:
            controller = session.controllers.get(side)
            if isinstance(controller, HumanController):
                controller.give(self.orders.of(side))
        self.mode = "resolving"
        self.select(None)
        self.status = "Resolving the turn…"
        self.worker.start("turn", session.play_turn)

    def update(self, dt_s: float) -> None:
        job = self.worker.finished()
        if job is not None:
            self._job_done(job)
        if (
            self.mode == "orders" and not self.humans and not self.paused
            and not self.session.finished and self.modal is None
        ):
            self.watch_timer += dt_s
            if self.watch_timer >= WATCH_DELAY_S:
                self.watch_timer = 0.0
                self.resolve_turn()

    def _job_done(self, job) -> None:
        if job.error is not None:
            self.mode = "orders"
            if isinstance(job.error, (UserError, OrderError)):
                self.status = f"Error: {job.error}"
                return
            raise job.error
        if job.name == "turn":
            self._turn_done(job.result)
        elif job.name == "load":
            session, territory = job.result
            self._set_session(session, territory)
            self.status = f"Loaded {self.modal_text or 'the save'}: {session.scenario.title}."
            self.modal_text = ""

    def _turn_done(self, entries) -> None:
        before = self.shown.control
        self.shown = self.session.state.copy()
        self.last_changes = np.flatnonzero(before != self.shown.control)
        self.orders = TurnOrders()
        self.done_sides = set()
        self.territory.append(self._territory_now())
        self.log.set_entries(self.session.log)
        self.log.scroll = 0
        fights = sum(1 for e in entries if e.kind == "combat")
        taken = sum(1 for e in entries if e.kind == "capture")
        self.status = (
            f"Turn {self.shown.turn} resolved: {fights} combats, {taken} places changed hands, "
            f"{len(self.last_changes)} hexes changed hands."
        )
        if self.session.finished:
            self._game_over()
        else:
            self.mode = "orders"
            self.active_side = self.humans[0] if self.humans else None
            if len(self.humans) > 1:
                self.mode = "handover"
        self._refresh_overlays()

    def _game_over(self) -> None:
        self.mode = "over"
        self.active_side = None
        self.comparison = compare_with_history(self.session, self.timeline, self.territory)

    # --- save and load ----------------------------------------------------------------------

    def default_save_name(self) -> str:
        return f"{self.session.scenario.id}-turn{self.session.state.turn:03d}.json"

    def _open_save(self) -> None:
        if self.busy:
            self.status = "Wait for the turn to resolve before saving."
            return
        self.modal = "save"
        self.modal_text = self.default_save_name()
        pygame.key.start_text_input()

    def _open_load(self) -> None:
        if self.busy:
            self.status = "Wait for the turn to resolve before loading."
            return
        files = sorted(self.saves_dir.glob("*.json")) if self.saves_dir.is_dir() else []
        self.modal = "load"
        self.modal_items = [f.name for f in files]
        self.modal_index = max(0, len(files) - 1)

    def save_to(self, name: str) -> Path:
        path = Path(name)
        if not path.is_absolute() and path.parent == Path("."):
            path = self.saves_dir / path
        if path.suffix != ".json":
            path = path.with_suffix(".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.session.save(path)
        pending = sum(len(v) for v in self.orders.by_side.values())
        extra = f" ({pending} orders of this turn are not saved)" if pending else ""
        self.status = f"Saved {self.session.state.turn} turns to {path}{extra}."
        return path

    def load_from(self, path: Path) -> None:
        """Replay a save in the background; the window shows it when done."""
        controllers = self.app.make_controllers(self.humans)
        self.mode = "loading"
        self.status = f"Loading {path.name}…"
        self.modal_text = path.name
        self.worker.start(
            "load",
            lambda: replay_with_territory(path, controllers, self.timeline, self.app.ai_level),
        )

    def _modal_action(self, action: str, spec: str) -> None:
        if self.modal == "help":
            if action in ("help", "cancel", "act"):
                self.modal = None
            return
        if self.modal == "save":
            if action == "cancel":
                self.modal = None
                pygame.key.stop_text_input()
            elif action == "act" and spec != "space":
                name = self.modal_text.strip() or self.default_save_name()
                self.modal = None
                pygame.key.stop_text_input()
                try:
                    self.save_to(name)
                except OSError as err:
                    self.status = f"Could not save: {err}"
            elif action == "undo" and spec == "backspace":
                self.modal_text = self.modal_text[:-1]
            return
        if self.modal == "load":
            if action == "cancel":
                self.modal = None
            elif action in ("pan_up", "cursor_up", "prev_unit"):
                self.modal_index = max(0, self.modal_index - 1)
            elif action in ("pan_down", "cursor_down", "next_unit"):
                self.modal_index = min(len(self.modal_items) - 1, self.modal_index + 1)
            elif action == "act" and self.modal_items:
                name = self.modal_items[self.modal_index]
                self.modal = None
                self.load_from(self.saves_dir / name)
            return

    def _modal_click(self, pos, button: int) -> None:
        if self.modal == "load":
            for rect, n in self._modal_hits:
                if rect.collidepoint(pos):
                    self.modal_index = n
                    self._modal_action("act", "")
                    return
        if self.modal == "help" or button == 3:
            self.modal = None

    # --- drawing ----------------------------------------------------------------------------

    def draw(self, screen: pygame.Surface) -> None:
        lay = self.layout
        map_surface = screen.subsurface(lay.map)
        self.tiles.draw(map_surface, self.view, self.level)
        self._draw_reach(map_surface)
        self._draw_orders(map_surface)
        self._draw_units(map_surface)
        self.overlays.draw_dynamic(map_surface, self.view, self.selected, self.theme.fonts)
        self._draw_cursor(map_surface)
        self._draw_map_furniture(map_surface)
        self.buttons = []
        self._draw_toolbar(screen)
        self._draw_panels(screen)
        if self.planning is not None and self.planning.odds_view is not None:
            # Over the unit card and the log, so the map round the attack stays in view.
            rect = pygame.Rect(lay.card.x, lay.card.y, lay.card.width, lay.log.bottom - lay.card.y)
            self.buttons += draw_odds(screen, self.theme, rect, self.planning.odds_view)
        if self.mode == "handover":
            self._draw_curtain(screen)
        if self.mode == "over" and self.comparison is not None:
            rect = lay.map.inflate(-30, -30).union(lay.map.inflate(-30, -30))
            self.buttons += draw_endgame(screen, self.theme, rect.clip(screen.get_rect()),
                                         self.comparison, self.session.state.losses)
        self._draw_modal(screen)

    def _draw_toolbar(self, screen) -> None:
        """The overlay switches, over the map's top-left corner."""
        on = self.overlays.on
        x, y = self.layout.map.x + 8, self.layout.map.y + 8
        for name, label in (("supply", "Supply F2"), ("control", "Control F3"),
                            ("blockades", "Blockades F4"), ("history", "History F5")):
            w = self.theme.font(13).size(label)[0] + 16
            b = Button(pygame.Rect(x, y, w, 26), label, f"overlay_{name}", on[name])
            draw_button(screen, self.theme, b)
            self.buttons.append(b)
            x += w + 4

    def _draw_panels(self, screen) -> None:
        lay = self.layout
        state = self.shown
        last = state.date_of(state.turn + 1) - dt.timedelta(days=1)
        if self.mode == "resolving":
            to_play = "Resolving the turn…"
        elif self.mode == "loading":
            to_play = "Loading…"
        elif self.mode == "over":
            to_play = "Game over"
        elif self.active_side:
            to_play = f"{SIDE_ADJECTIVES[self.active_side]} orders"
        else:
            to_play = "Watching" + (" (paused)" if self.paused else "")
        buttons = [
            Button(pygame.Rect(0, 0, 0, 0), "Undo", "undo", enabled=self.can_order),
            Button(pygame.Rect(0, 0, 0, 0), "Save", "save", enabled=not self.busy),
            Button(pygame.Rect(0, 0, 0, 0), "Load", "load", enabled=not self.busy),
            Button(pygame.Rect(0, 0, 0, 0), "?", "help"),
            Button(pygame.Rect(0, 0, 0, 0), "End turn (E)", "end_turn",
                   enabled=self.mode == "orders"),
        ]
        info = TopInfo(
            title=self.session.scenario.title,
            date=state.date, last_day=last,
            turn=min(state.turn + 1, self.session.scenario.turns),
            turns=self.session.scenario.turns,
            season=season_in(state), to_play=to_play,
            morale=dict(state.national_morale), ammunition=dict(state.ammunition),
            buttons=buttons,
        )
        draw_top_bar(screen, self.theme, lay.top, info)
        self.buttons += buttons
        if self.show_minimap:
            self.minimap.draw(screen, lay.minimap, self.view, state)
        index = self.selected_hex
        if self.selected is not None:
            index = state.units[self.selected].index
        units = self.units_at(index) if index >= 0 else []
        name = describe_hex(state.theatre, index) if index >= 0 else ""
        facts = self._hex_facts(index) if index >= 0 else ""
        self.card_hits = draw_unit_card(screen, self.theme, lay.card, name, units, self.selected,
                                        self.order_words(), state.ammunition, facts,
                                        self._supply_notes(units))
        self.log.draw(screen, lay.log)
        n_orders = sum(len(v) for v in self.orders.by_side.values())
        right = f"{n_orders} orders · zoom {self.level:+d} · ? keys"
        draw_status(screen, self.theme, lay.status, self.status, right)

    def _supply_notes(self, units: list[UnitState]) -> dict[str, str]:
        """What the coming supply phase will bring each unit, traced now (the card's supply
        figure is the last phase's)."""
        picture = self.overlays.supply
        out: dict[str, str] = {}
        if picture is None:
            return out
        for u in units:
            result = picture.results.get(u.side)
            us = result.units.get(u.id) if result is not None else None
            if us is None:
                continue
            if not us.channel and us.stores > 0:
                out[u.id] = (
                    f"This turn: no supply channel reaches it; {us.share:.0%} of its need "
                    "from its own village's stores"
                )
            elif not us.channel:
                out[u.id] = "This turn: no supply channel reaches it (cut off)"
            else:
                flow = result.channels.get(us.channel)
                name = flow.name if flow is not None else us.channel
                out[u.id] = f"This turn: {us.share:.0%} of its need, via {name}"
        return out

    def _hex_facts(self, index: int) -> str:
        theatre = self.shown.theatre
        terrain = theatre.terrain_names[int(theatre.terrain[index])].replace("_", " ")
        holder = int(self.shown.control[index])
        who = {1: "Armenian-held", 2: "Azerbaijani-held"}.get(holder, "neutral")
        h = theatre.hex_of(index)
        district = theatre.districts[int(theatre.district[index])].name
        height = int(theatre.elevation[index])
        return f"{terrain}, {height} m · {who} · {district} · hex {h.q},{h.r}"

    def _draw_curtain(self, screen) -> None:
        m = self.layout.map
        shade = pygame.Surface(screen.get_size(), pygame.SRCALPHA)
        shade.fill((20, 22, 26, 235))
        screen.blit(shade, (0, 0))
        side = SIDE_ADJECTIVES.get(self.active_side or "", "")
        self.theme.text(screen, f"{side} player to give orders", (m.centerx, m.centery - 20), 26,
                        ACCENT, bold=True, anchor="center")
        self.theme.text(screen, "Press Enter or click when ready (the other side's orders stay "
                        "hidden).", (m.centerx, m.centery + 16), 15, (230, 230, 230),
                        anchor="center")
        self.buttons.append(Button(screen.get_rect(), "", "act"))

    def _draw_modal(self, screen) -> None:
        if self.modal is None:
            return
        m = self.layout.map
        if self.modal == "help":
            rect = pygame.Rect(0, 0, min(980, screen.get_width() - 40),
                               min(720, screen.get_height() - 40))
            rect.center = screen.get_rect().center
            draw_help(screen, self.theme, rect)
        elif self.modal == "save":
            rect = pygame.Rect(0, 0, 560, 130)
            rect.center = m.center
            draw_modal(screen, self.theme, rect, "Save the game as (Enter saves, Esc cancels)",
                       [f"{self.saves_dir}/", self.modal_text + "▏"])
        elif self.modal == "load":
            rect = pygame.Rect(0, 0, 560, min(420, m.height - 40))
            rect.center = m.center
            items = self.modal_items or ["(no saves in " + str(self.saves_dir) + ")"]
            self._modal_hits = draw_modal(
                screen, self.theme, rect, "Load a saved game (↑↓, Enter; Esc cancels)", items,
                self.modal_index if self.modal_items else None,
            )
