"""Overlays on the window's map: supply, control, blockades, and history at the current date.

Each overlay answers one question a player asks:

- Supply: which of my ground does supply reach, who is cut off, and along which road does it
  flow? Ground beyond reach is cross-hatched; working supply lines are drawn as dashed
  ribbons with the load's direction; the selected unit's supply path is traced back to where
  the load is delivered.
- Control: what changed hands since the first day? Those hexes are hatched in the taker's
  direction ("\\" for hexes the Azerbaijani side took, "/" for the Armenian side's gains) and
  the last turn's changes are outlined.
- Blockades: which channels are blockaded now, by whom: a barred-circle sign on the source,
  line or landing place, with the share of capacity cut.
- History: where the historical front ran on this date and which hexes the game holds
  differently, plus the next events of the timeline marked on the map.

Every overlay tells its marks apart by shape and pattern as well as colour.

The historical control at a date is an approximation, built from data we have rather than
drawn: the scenario's control on its first day, then each capture in `scenarios/timeline.toml`
dated from the first day up to the date, applied in order. A capture whose taker also holds
the place under the 1994 ceasefire line flips the hexes of the place's district that the
ceasefire line gives the taker within `DISTRICT_REACH_KM` of the place (the district fell
with its town, as Kalbajar, Lachin or Fuzuli did); any other capture flips the taker's side
of a small area round the place (`LOCAL_REACH_HEXES`), held before by the loser. From the
ceasefire of 12 May 1994 the ceasefire line itself (`Theatre.ceasefire_1994`) is used. Minor
villages the timeline does not name stay as the scenario began.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pygame

from sim.history import HistoricalEvent, Timeline, date_phrase
from sim.rules.supply import SupplyResult, blockade_active, trace_all, turn_days
from sim.sides import ARMENIAN, AZERBAIJANI, SIDE_CODES
from sim.state import GameState
from sim.theatre import Theatre
from sim.ui import palette
from sim.ui.counters import counter_size
from sim.ui.geometry import boundary_sides, hex_centres_km, hex_corners_km
from sim.ui.view import MapView

__all__ = [
    "CEASEFIRE_DAY",
    "DISTRICT_REACH_KM",
    "LOCAL_REACH_HEXES",
    "Overlays",
    "SupplyPicture",
    "historical_control",
    "next_events",
    "supply_path",
]

CEASEFIRE_DAY = dt.date(1994, 5, 12)
DISTRICT_REACH_KM = 30.0
LOCAL_REACH_HEXES = 2

CUT_HATCH = (150, 30, 30)
SUPPLY_LINE = (0, 130, 90)
SUPPLY_PATH = (0, 90, 60)
BLOCKADE = (170, 0, 0)
HISTORY_LINE = (250, 250, 250)
HISTORY_EDGE = (20, 20, 20)
EVENT_MARK = (120, 40, 160)


# --- history -----------------------------------------------------------------------------------


def historical_control(
    theatre: Theatre,
    start_control: np.ndarray,
    start_day: dt.date,
    timeline: Timeline,
    day: dt.date,
) -> np.ndarray:
    """Who held each hex on `day` in history, as far as the timeline says (see the module
    docstring for the approximation)."""
    control = np.array(start_control, dtype=np.int8, copy=True)
    land = theatre.passable()
    if day >= CEASEFIRE_DAY:
        line = np.asarray(theatre.ceasefire_1994, dtype=np.int8)
        return np.where((line > 0) & land, line, control).astype(np.int8)
    ceasefire = np.asarray(theatre.ceasefire_1994, dtype=np.int8)
    centres = hex_centres_km(theatre)
    district = np.asarray(theatre.district)
    nb = np.asarray(theatre.neighbours)
    for event in timeline.captures():
        change = event.change
        if change is None or event.date < start_day or event.date > day:
            continue
        place = theatre.places.get(change.place)
        if place is None or place.index is None:
            continue
        taker = SIDE_CODES.get(change.to_side, 0)
        loser = SIDE_CODES.get(change.from_side, 0)
        if not taker:
            continue
        i = int(place.index)
        if ceasefire[i] == taker:
            d = np.hypot(*(centres - centres[i]).T)
            area = (
                (district == district[i]) & (ceasefire == taker) & (d <= DISTRICT_REACH_KM) & land
            )
        else:
            area = np.zeros(theatre.n, dtype=bool)
            area[i] = True
            for _ in range(LOCAL_REACH_HEXES):
                grown = nb[area].ravel()
                area[grown[grown >= 0]] = True
            area &= (district == district[i]) & land
            if loser:
                area &= (control == loser) | (np.arange(theatre.n) == i)
        control[area] = taker
    return control


def next_events(timeline: Timeline, day: dt.date, count: int = 4) -> list[HistoricalEvent]:
    """The next events of the timeline: those whose window starts on or after `day`."""
    return [e for e in timeline.events if e.date >= day][:count]


# --- supply ------------------------------------------------------------------------------------


@dataclass(slots=True)
class SupplyPicture:
    """What the supply overlay draws for one state: each side's trace, and the hexes of each
    side's own ground that no channel reaches."""

    results: dict[str, SupplyResult]
    unreached: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, state: GameState) -> SupplyPicture:
        results = trace_all(state)
        land = state.theatre.passable()
        unreached = {
            side: np.flatnonzero(
                (state.control == SIDE_CODES[side]) & land & ~np.isfinite(r.cost)
            )
            for side, r in results.items()
        }
        return cls(results, unreached)


def supply_path(theatre: Theatre, result: SupplyResult, index: int) -> list[int]:
    """The way supply comes to hex `index`: hexes from it back to the delivery hex (cost 0),
    walking down the traced cost; [] where no channel reaches."""
    cost, via = result.cost, result.via
    if index < 0 or not math.isfinite(float(cost[index])):
        return []
    path = [index]
    nb = theatre.neighbours
    seen = {index}
    while cost[path[-1]] > 0 and len(path) < 400:
        here = path[-1]
        best, best_cost = -1, float(cost[here])
        for j in nb[here]:
            j = int(j)
            if j >= 0 and j not in seen and via[j] == via[here] and cost[j] < best_cost:
                best, best_cost = j, float(cost[j])
        if best < 0:
            break
        path.append(best)
        seen.add(best)
    return path


# --- drawing helpers ---------------------------------------------------------------------------


def _polys(view: MapView, corners_km: np.ndarray, indices: np.ndarray) -> list[list]:
    if len(indices) == 0:
        return []
    pts = np.stack(view.km_to_px(corners_km[indices, :, 0], corners_km[indices, :, 1]), axis=-1)
    keep = (
        (pts[..., 0].max(axis=1) >= 0) & (pts[..., 0].min(axis=1) <= view.width)
        & (pts[..., 1].max(axis=1) >= 0) & (pts[..., 1].min(axis=1) <= view.height)
    )
    return np.rint(pts[keep]).astype(int).tolist()


def hatch_hexes(
    surface: pygame.Surface,
    view: MapView,
    corners_km: np.ndarray,
    indices: np.ndarray,
    colour: tuple[int, int, int],
    spacing: int = 7,
    direction: str = "x",
    alpha: int = 170,
) -> None:
    """Hatch hexes with lines ('/', '\\' or 'x' for both), a pattern that survives greyscale."""
    polys = _polys(view, corners_km, indices)
    if not polys:
        return
    w, h = surface.get_size()
    mask = pygame.Surface((w, h), pygame.SRCALPHA)
    for pts in polys:
        pygame.draw.polygon(mask, (255, 255, 255, 255), pts)
    pattern = pygame.Surface((w, h), pygame.SRCALPHA)
    rgba = (*colour, alpha)
    for c in range(-h, w + h, spacing):
        if direction in ("/", "x"):
            pygame.draw.line(pattern, rgba, (c, h), (c + h, 0), 2)
        if direction in ("\\", "x"):
            pygame.draw.line(pattern, rgba, (c, 0), (c + h, h), 2)
    pattern.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
    surface.blit(pattern, (0, 0))


def outline_hexes(
    surface: pygame.Surface,
    view: MapView,
    corners_km: np.ndarray,
    indices: Iterable[int],
    colour: tuple[int, ...],
    width: int = 2,
) -> None:
    for pts in _polys(view, corners_km, np.asarray(list(indices), dtype=np.int64)):
        pygame.draw.polygon(surface, colour, pts, width)


def fill_hexes(
    surface: pygame.Surface,
    view: MapView,
    corners_km: np.ndarray,
    indices: Iterable[int],
    rgba: tuple[int, int, int, int],
) -> None:
    polys = _polys(view, corners_km, np.asarray(list(indices), dtype=np.int64))
    if not polys:
        return
    layer = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    for pts in polys:
        pygame.draw.polygon(layer, rgba, pts)
    surface.blit(layer, (0, 0))


def hex_polyline(
    surface: pygame.Surface,
    view: MapView,
    centres_km: np.ndarray,
    path: list[int],
    colour: tuple[int, int, int],
    width: int,
    dash: int = 0,
    casing: tuple[int, int, int] | None = None,
    arrow_at_end: bool = False,
) -> None:
    """A line through hex centres: solid or dashed, with an optional pale casing and an
    arrowhead at the last hex."""
    if len(path) < 2:
        return
    xs, ys = view.km_to_px(centres_km[path, 0], centres_km[path, 1])
    pts = list(zip(np.asarray(xs).tolist(), np.asarray(ys).tolist(), strict=True))
    if casing is not None:
        pygame.draw.lines(surface, casing, False, pts, width + 4)
    if dash <= 0:
        pygame.draw.lines(surface, colour, False, pts, width)
    else:
        _dashed(surface, pts, colour, width, dash)
    if arrow_at_end:
        draw_arrowhead(surface, pts[-2], pts[-1], colour, max(6, width * 3))


def dashed_line(surface, pts, colour, width: int, dash: int) -> None:
    """A polyline drawn in dashes of `dash` pixels, the pattern running on across vertices."""
    _dashed(surface, pts, colour, width, dash)


def _dashed(surface, pts, colour, width, dash) -> None:
    carry = 0.0
    on = True
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        length = math.hypot(x1 - x0, y1 - y0)
        t = 0.0
        while t < length:
            step = min(dash - carry, length - t)
            if on:
                a = (x0 + (x1 - x0) * t / length, y0 + (y1 - y0) * t / length)
                b = (x0 + (x1 - x0) * (t + step) / length, y0 + (y1 - y0) * (t + step) / length)
                pygame.draw.line(surface, colour, a, b, width)
            t += step
            carry += step
            if carry >= dash - 1e-9:
                carry = 0.0
                on = not on


def draw_arrowhead(surface, tail, tip, colour, size) -> None:
    dx, dy = tip[0] - tail[0], tip[1] - tail[1]
    d = math.hypot(dx, dy) or 1.0
    ux, uy = dx / d, dy / d
    base = (tip[0] - ux * size, tip[1] - uy * size)
    left = (base[0] - uy * size * 0.55, base[1] + ux * size * 0.55)
    right = (base[0] + uy * size * 0.55, base[1] - ux * size * 0.55)
    pygame.draw.polygon(surface, colour, [tip, left, right])


def draw_blockade_sign(surface: pygame.Surface, centre: tuple[float, float], r: float) -> None:
    """A barred circle: the road sign for 'no entry', read without colour."""
    x, y = centre
    pygame.draw.circle(surface, palette.HALO, (x, y), r + 2)
    pygame.draw.circle(surface, BLOCKADE, (x, y), r, max(2, int(r / 3)))
    d = r * 0.7
    pygame.draw.line(surface, BLOCKADE, (x - d, y + d), (x + d, y - d), max(2, int(r / 3)))


def draw_event_mark(surface: pygame.Surface, centre: tuple[float, float], r: float) -> None:
    """A five-pointed star: an event of the historical timeline still to come."""
    x, y = centre
    pts = []
    for k in range(10):
        rad = r if k % 2 == 0 else r * 0.45
        a = math.radians(-90 + 36 * k)
        pts.append((x + rad * math.cos(a), y + rad * math.sin(a)))
    pygame.draw.polygon(surface, palette.HALO, pts, 0)
    inner = [(x + (px - x) * 0.8, y + (py - y) * 0.8) for px, py in pts]
    pygame.draw.polygon(surface, EVENT_MARK, inner)


# --- the overlays as one value the scene switches ---------------------------------------------


class Overlays:
    """Which overlays are on, and their drawing. `tile_key` is what the tiles must be redrawn
    for; `decorate` draws into a tile; `draw_dynamic` draws over the frame."""

    NAMES = ("supply", "control", "blockades", "history")

    def __init__(self, theatre: Theatre, timeline: Timeline | None) -> None:
        self.theatre = theatre
        self.timeline = timeline
        self.corners = hex_corners_km(theatre)
        self.centres = hex_centres_km(theatre)
        self.on: dict[str, bool] = dict.fromkeys(self.NAMES, False)
        self.side = "armenian"
        """Whose supply the supply overlay shows."""
        self.supply: SupplyPicture | None = None
        self.start_control: np.ndarray | None = None
        self.last_changes: np.ndarray = np.zeros(0, dtype=np.int64)
        self.history: np.ndarray | None = None
        self.history_front = np.zeros((0, 2, 2))
        self.control: np.ndarray | None = None
        self.events: list[HistoricalEvent] = []
        self.state: GameState | None = None
        self._version = 0

    def toggle(self, name: str) -> bool:
        self.on[name] = not self.on[name]
        return self.on[name]

    def update(
        self,
        state: GameState,
        start_control: np.ndarray,
        start_day: dt.date,
        last_changes: np.ndarray,
        side: str,
    ) -> None:
        """Recompute what the overlays show for a new turn (or a new side to play)."""
        self.state = state
        self.side = side
        self.control = state.control.copy()
        self.start_control = start_control
        self.last_changes = last_changes
        self.supply = SupplyPicture.of(state)
        if self.timeline is not None:
            self.history = historical_control(
                self.theatre, start_control, start_day, self.timeline, state.date
            )
            land = self.theatre.passable()
            self.history_front = boundary_sides(
                self.theatre, self.history, self.corners, pair=(ARMENIAN, AZERBAIJANI),
                include=land,
            )
            self.events = next_events(self.timeline, state.date)
        self._version += 1

    def tile_key(self) -> tuple:
        return (self._version, self.side, tuple(n for n in self.NAMES if self.on[n]))

    # --- into tiles ---------------------------------------------------------------------------

    def decorate(self, surface: pygame.Surface, view: MapView) -> None:
        if self.state is None:
            return
        k = max(0.5, min(2.0, view.scale / 11.0))
        if self.on["control"] and self.start_control is not None and self.control is not None:
            changed = self.control != self.start_control
            for code, direction in ((ARMENIAN, "/"), (AZERBAIJANI, "\\")):
                taken = np.flatnonzero(changed & (self.control == code))
                colour = palette.SIDE_COLOURS[code]
                dark = tuple(int(c * 0.55) for c in colour)
                hatch_hexes(surface, view, self.corners, taken, dark, 6, direction, 200)
        if self.on["supply"] and self.supply is not None:
            cut = self.supply.unreached.get(self.side, np.zeros(0, dtype=np.int64))
            hatch_hexes(surface, view, self.corners, cut, CUT_HATCH, 7, "x", 150)
            result = self.supply.results.get(self.side)
            if result is not None:
                for flow in result.channels.values():
                    if flow.working and flow.kind == "line" and len(flow.delivery) > 1:
                        for run in _adjacent_runs(self.theatre, flow.delivery):
                            hex_polyline(
                                surface, view, self.centres, run, SUPPLY_LINE,
                                max(2, int(4 * k)), dash=int(10 * k) + 4, casing=palette.HALO,
                            )
        if self.on["history"] and self.history is not None and self.control is not None:
            differs = np.flatnonzero(
                (self.history != self.control) & (self.history > 0) & self.theatre.passable()
            )
            self._history_marks(surface, view, differs)
            self._history_front(surface, view, k)

    def _history_marks(self, surface, view: MapView, differs: np.ndarray) -> None:
        """A small mark in each hex held otherwise than in history: a triangle where history
        had the Armenian side, a square where it had the Azerbaijani side."""
        if differs.size == 0:
            return
        xs, ys = view.km_to_px(self.centres[differs, 0], self.centres[differs, 1])
        r = max(2.5, view.scale * 0.6)
        for x, y, i in zip(np.asarray(xs).tolist(), np.asarray(ys).tolist(), differs.tolist(),
                           strict=True):
            if not (-r <= x <= view.width + r and -r <= y <= view.height + r):
                continue
            code = int(self.history[i])
            colour = palette.SIDE_COLOURS[code]
            if code == ARMENIAN:
                pts = [(x, y - r), (x + r, y + r * 0.8), (x - r, y + r * 0.8)]
                pygame.draw.polygon(surface, palette.HALO, pts)
                inner = [(x, y - r * 0.55), (x + r * 0.6, y + r * 0.5), (x - r * 0.6, y + r * 0.5)]
                pygame.draw.polygon(surface, colour, inner)
            else:
                pygame.draw.rect(surface, palette.HALO, pygame.Rect(x - r, y - r, 2 * r, 2 * r))
                pygame.draw.rect(surface, colour, pygame.Rect(x - r * 0.6, y - r * 0.6,
                                                              1.2 * r, 1.2 * r))

    def _history_front(self, surface, view: MapView, k: float) -> None:
        """The historical front as a chain of white beads edged in black: a line no other
        symbol on the map uses."""
        segs = self.history_front
        if segs.size == 0:
            return
        px = np.stack(view.km_to_px(segs[..., 0], segs[..., 1]), axis=-1)
        mids = px.mean(axis=1)
        keep = (
            (mids[:, 0] >= -10) & (mids[:, 0] <= view.width + 10)
            & (mids[:, 1] >= -10) & (mids[:, 1] <= view.height + 10)
        )
        r = max(2.0, 3.2 * k)
        for (x0, y0), (x1, y1) in px[keep].tolist():
            pygame.draw.line(surface, HISTORY_EDGE, (x0, y0), (x1, y1), max(1, int(r)))
        for x, y in mids[keep].tolist():
            pygame.draw.circle(surface, HISTORY_EDGE, (x, y), r + 1.5)
            pygame.draw.circle(surface, HISTORY_LINE, (x, y), r)

    # --- over each frame ----------------------------------------------------------------------

    def draw_dynamic(
        self, surface: pygame.Surface, view: MapView, selected_unit: str | None, fonts
    ) -> None:
        """Marks that change with the selection or are few: supply paths, blockades, the last
        turn's changes of control, the next historical events."""
        state = self.state
        if state is None:
            return
        k = max(0.5, min(2.0, view.scale / 11.0))
        if self.on["control"] and self.last_changes.size:
            outline_hexes(surface, view, self.corners, self.last_changes.tolist(),
                          palette.INK, max(2, int(3 * k)))
        if self.on["supply"] and self.supply is not None:
            self._supply_paths(surface, view, selected_unit, k)
        if self.on["blockades"]:
            self._blockades(surface, view, k, fonts)
        if self.on["history"]:
            self._events(surface, view, k, fonts)

    def _supply_paths(self, surface, view, selected_unit, k) -> None:
        state = self.state
        assert state is not None and self.supply is not None
        result = self.supply.results.get(self.side)
        if result is None:
            return
        for unit in state.active_units(self.side):
            if unit.index < 0:
                continue
            us = result.units.get(unit.id)
            if us is None:
                continue
            x, y = (float(v) for v in view.km_to_px(*self.centres[unit.index]))
            if not us.channel:
                hex_px = view.scale * self.theatre.projection.hex_across_flats_km
                r = max(12, 0.62 * counter_size(hex_px)[0])
                pygame.draw.circle(surface, palette.HALO, (x, y), r + 3, 3)
                pygame.draw.circle(surface, CUT_HATCH, (x, y), r, 3)
                continue
            if selected_unit is not None and unit.id != selected_unit:
                continue
            path = supply_path(self.theatre, result, unit.index)
            if len(path) > 1:
                hex_polyline(surface, view, self.centres, path[::-1], SUPPLY_PATH,
                             max(2, int(3 * k)), dash=0, casing=palette.HALO, arrow_at_end=True)

    def _blockades(self, surface, view, k, fonts) -> None:
        state = self.state
        assert state is not None
        _, last_day = turn_days(state)
        theatre = self.theatre
        font = fonts.get(max(11, int(12 * k)), bold=True)
        for b in state.scenario.blockades:
            if not blockade_active(b, state, last_day):
                continue
            target = state.scenario.supply.get(b.target)
            where = _channel_hexes(state, target)
            if not where:
                continue
            runs = _adjacent_runs(theatre, np.asarray(where)) or [where]
            for run in runs:
                if len(run) > 1:
                    hex_polyline(surface, view, self.centres, run, BLOCKADE, max(2, int(3 * k)),
                                 dash=int(6 * k) + 3)
            longest = max(runs, key=len)
            mid = longest[len(longest) // 2]
            x, y = (float(v) for v in view.km_to_px(*self.centres[mid]))
            if not (-30 <= x <= view.width + 30 and -30 <= y <= view.height + 30):
                continue
            draw_blockade_sign(surface, (x, y), max(7, 10 * k))
            text = font.render(f"−{b.reduction.midpoint:.0%}", True, BLOCKADE)
            box = text.get_rect(midleft=(x + 14 * k + 4, y))
            pygame.draw.rect(surface, palette.HALO, box.inflate(4, 2))
            surface.blit(text, box)

    def _events(self, surface, view, k, fonts) -> None:
        font = fonts.get(max(11, int(12 * k)), bold=True)
        for event in self.events:
            place_ids = [p for p in (event.place, *event.places) if p]
            for pid in dict.fromkeys(place_ids):
                place = self.theatre.places.get(pid)
                if place is None or place.index is None:
                    continue
                x, y = (float(v) for v in view.km_to_px(*self.centres[place.index]))
                if not (-30 <= x <= view.width + 30 and -30 <= y <= view.height + 30):
                    continue
                draw_event_mark(surface, (x, y - 14 * k), max(7, 9 * k))
                text = font.render(date_phrase(event), True, EVENT_MARK)
                box = text.get_rect(midbottom=(x, y - 24 * k))
                pygame.draw.rect(surface, palette.HALO, box.inflate(4, 0))
                surface.blit(text, box)


def _adjacent_runs(theatre: Theatre, hexes: np.ndarray) -> list[list[int]]:
    """Split a route's hexes where two in a row are not neighbours (off-map gaps)."""
    runs: list[list[int]] = []
    current: list[int] = []
    nb = theatre.neighbours
    for i in np.asarray(hexes).tolist():
        if i < 0:
            if len(current) > 1:
                runs.append(current)
            current = []
            continue
        if current and i not in nb[current[-1]]:
            if len(current) > 1:
                runs.append(current)
            current = []
        current.append(i)
    if len(current) > 1:
        runs.append(current)
    return runs


def _channel_hexes(state: GameState, channel) -> list[int]:
    """Where to draw a channel on the map: a line's route, a source's entry, an airlift's
    landing place."""
    if channel is None:
        return []
    theatre = state.theatre
    route = getattr(channel, "route", None)
    if route is not None and route in theatre.routes:
        out = [theatre.index_of(h) for h in theatre.routes[route].hexes]
        return [i for i in out if i is not None]
    h = getattr(channel, "hex", None)
    if h is not None:
        i = theatre.index_of(h)
        return [] if i is None else [i]
    return []
