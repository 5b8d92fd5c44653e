"""Drawing the theatre: terrain, relief, water, lines, control, the front and place names.

`MapRenderer` holds what depends only on the theatre (hex geometry, the relief, the lines in
km), computed once; `draw` turns it into pixels through a `MapView`, so the printed map and
the interactive window share the same code and differ only in their view. The control layer is
an argument of `draw`, not of the renderer, because it changes every turn.

Layers are drawn bottom-up in the order a printed map uses: fills (terrain shaded and tinted by
the holder), hatching for one side, district lines, the border band, rivers, roads and
railways, the front, the NKAO line (over the front, where they coincide), markers, names.
Lines along hex sides (rivers, borders, the front) follow the grid because that is where the
rules put them: a river runs *between* hexes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pygame

from sim.sides import ARMENIAN, AZERBAIJANI
from sim.ui import palette
from sim.ui.geometry import (
    boundary_pairs,
    boundary_sides,
    centre_segments,
    hex_centres_km,
    hex_corners_km,
    side_segments,
    sides_to_segments,
)
from sim.ui.labels import FontBook, LabelRequest, Placement, place_labels
from sim.ui.relief import foreign_mask, hex_fill_colours, hillshade, water_mask
from sim.ui.view import MapView

__all__ = [
    "DISTRICT_DASHES",
    "PLACE_KIND_NAMES",
    "PLACE_STYLES",
    "FrontLine",
    "MapDrawing",
    "MapRenderer",
    "PlaceLayout",
    "PlaceStyle",
    "PlaceSymbol",
    "PlacedLabel",
    "draw_marker",
    "draw_offmap_arrow",
    "draw_peak",
    "line_scale",
    "line_width",
    "marker_rect",
]

OFFMAP_PRIORITY = 5
DISTRICT_DASHES = ((0.08, 0.34), (0.42, 0.58), (0.66, 0.92))

# At this many pixels per km (a 2,400 px print of the whole theatre) line widths are as given.
PRINT_SCALE = 11.0


@dataclass(frozen=True, slots=True)
class PlaceStyle:
    """How a kind of place is marked and named: bigger, bolder names for bigger places."""

    priority: int
    font_size: int
    bold: bool
    italic: bool
    marker_radius: float
    min_scale: float  # below this many px per km the place is neither marked nor named


PLACE_STYLES: dict[str, PlaceStyle] = {
    "city": PlaceStyle(0, 25, True, False, 7.0, 0.0),
    "town": PlaceStyle(1, 19, True, False, 5.0, 0.0),
    "pass": PlaceStyle(2, 15, False, True, 6.0, 4.0),
    "dam": PlaceStyle(2, 15, False, True, 5.0, 4.0),
    "airfield": PlaceStyle(2, 15, False, True, 6.0, 4.0),
    "station": PlaceStyle(3, 14, False, True, 4.0, 5.0),
    "site": PlaceStyle(3, 14, False, True, 4.5, 5.0),
    "village": PlaceStyle(4, 15, False, False, 3.2, 5.0),
}
PLACE_KIND_NAMES: dict[str, str] = {
    "city": "City",
    "town": "Town",
    "village": "Village",
    "pass": "Pass",
    "dam": "Dam",
    "airfield": "Airfield",
    "station": "Railway station",
    "site": "Other site",
    "offmap": "Way to a place off the map",
}


@dataclass(frozen=True, slots=True)
class PlacedLabel:
    """A name as drawn: which place, and where (pixels of the surface drawn on)."""

    place_id: str
    text: str
    rect: pygame.Rect


@dataclass(frozen=True, slots=True)
class MapDrawing:
    """What `MapRenderer.draw` put where: for picking in the window, furniture placement, and
    tests that check a name really is on the map."""

    labels: tuple[PlacedLabel, ...]
    markers: tuple[pygame.Rect, ...]

    def label_for(self, place_id: str) -> PlacedLabel | None:
        return next((lab for lab in self.labels if lab.place_id == place_id), None)


@dataclass(frozen=True, slots=True)
class PlaceSymbol:
    """A place's marker as laid out: its kind, centre and radius in the view's pixels, and
    for the way to an off-map place the direction of its arrow."""

    place_id: str
    kind: str
    centre: tuple[float, float]
    radius: float
    direction: tuple[float, float] | None
    rect: pygame.Rect


@dataclass(frozen=True, slots=True)
class PlaceLayout:
    """Markers and names of one view, laid out but not drawn (`MapRenderer.layout_places`)."""

    symbols: tuple[PlaceSymbol, ...]
    labels: tuple[PlacedLabel, ...]
    surfaces: tuple[pygame.Surface, ...]
    """The rendered name of each label, in the same order."""


@dataclass(frozen=True, slots=True)
class FrontLine:
    """The front in km: each hex side between the two sides' hexes, and the centre of the
    Armenian-held hex beside it (which tells the two faces of the line apart)."""

    segments: np.ndarray
    armenian_centres: np.ndarray

    @classmethod
    def empty(cls) -> FrontLine:
        return cls(np.zeros((0, 2, 2)), np.zeros((0, 2)))


def line_scale(view: MapView) -> float:
    """How much to thicken or thin lines and markers for this zoom, within limits that keep a
    whole-map overview uncluttered and a close-up from turning into stripes."""
    return float(np.clip(view.scale / PRINT_SCALE, 0.45, 2.2))


def line_width(base: float, k: float) -> int:
    """A line `base` pixels wide on the print, scaled by `k` (see `line_scale`), never hairline."""
    return max(1, int(round(base * k)))


class MapRenderer:
    """Draws one theatre at any zoom. Build it once per theatre; call `draw` per frame."""

    def __init__(self, theatre, fonts: FontBook | None = None) -> None:
        self.theatre = theatre
        self.fonts = fonts or FontBook()
        self.centres = hex_centres_km(theatre)
        self.corners = hex_corners_km(theatre)
        self.shade = hillshade(theatre)
        self.water = water_mask(theatre)
        self.foreign = foreign_mask(theatre)
        land = ~self.water
        country = np.asarray(theatre.country)
        district = np.asarray(theatre.district)
        self.rivers = side_segments(theatre, theatre.river_sides, self.corners)
        self.major_rivers = side_segments(theatre, theatre.major_river_sides, self.corners)
        self.roads = centre_segments(theatre, theatre.road_sides, self.centres)
        self.rails = centre_segments(theatre, theatre.rail_sides, self.centres)
        self.borders = boundary_sides(theatre, country, self.corners)
        self.districts = boundary_sides(theatre, district, self.corners, include=land)
        names = tuple(theatre.terrain_names)
        self.high = (
            np.nonzero(np.asarray(theatre.terrain) == names.index("high_mountain"))[0]
            if "high_mountain" in names
            else np.zeros(0, dtype=np.int64)
        )
        self.shores = boundary_sides(theatre, self.water.astype(np.int8), self.corners)
        self.nkao = boundary_sides(theatre, np.asarray(theatre.nkao, dtype=np.int8), self.corners)
        self._fills_for: tuple[bytes, np.ndarray] | None = None
        self._front_for: tuple[bytes, FrontLine] | None = None
        self._hatch: tuple[tuple[int, int, int], pygame.Surface] | None = None

    # --- extent ---------------------------------------------------------------------------

    def bounds_km(self) -> tuple[float, float, float, float]:
        """The km box holding every hex, corners included."""
        if self.corners.size == 0:
            return (0.0, 0.0, 1.0, 1.0)
        xs, ys = self.corners[..., 0], self.corners[..., 1]
        return (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))

    # --- control-dependent data, cached per control layer -----------------------------------

    def fills(self, control: np.ndarray | None) -> np.ndarray:
        """`(n, 3)` uint8 fill colour per hex for this control layer; kept until it changes,
        since a window redraws many frames per turn."""
        key = b"" if control is None else np.asarray(control, dtype=np.int8).tobytes()
        if self._fills_for is None or self._fills_for[0] != key:
            self._fills_for = (key, hex_fill_colours(self.theatre, control, self.shade))
        return self._fills_for[1]

    def front(self, control: np.ndarray | None) -> FrontLine:
        """The hex sides between an Armenian-held and an Azerbaijani-held hex."""
        if control is None:
            return FrontLine.empty()
        key = np.asarray(control, dtype=np.int8).tobytes()
        if self._front_for is None or self._front_for[0] != key:
            control = np.asarray(control)
            hexes, others, dirs = boundary_pairs(
                self.theatre, control, pair=(ARMENIAN, AZERBAIJANI), include=~self.water
            )
            front = FrontLine(
                segments=sides_to_segments(self.theatre, hexes, dirs, self.corners),
                armenian_centres=np.where(
                    (control[hexes] == ARMENIAN)[:, None], self.centres[hexes], self.centres[others]
                ),
            )
            self._front_for = (key, front)
        return self._front_for[1]

    # --- drawing ----------------------------------------------------------------------------

    def draw(
        self,
        surface: pygame.Surface,
        view: MapView,
        control: np.ndarray | None = None,
        labels: bool = True,
        text_scale: float | None = None,
        obstacles: Iterable[pygame.Rect] = (),
        places: bool = True,
    ) -> MapDrawing:
        """Draw the map onto `surface` (the viewport; same size as the view).

        `obstacles` are rectangles (surface pixels) names must keep clear of, such as a legend
        drawn over the map later. With `places=False` neither markers nor names are drawn: the
        window draws the map in tiles and places the names once for the whole map instead
        (`layout_places`), so a name is never cut at a tile's edge. Returns where the names and
        markers went.
        """
        k = line_scale(view)
        if text_scale is None:
            text_scale = float(np.clip(view.scale / PRINT_SCALE, 0.8, 1.5))
        width, height = surface.get_size()
        bounds_px = pygame.Rect(0, 0, width, height)

        corners_px = np.stack(view.km_to_px(self.corners[..., 0], self.corners[..., 1]), axis=-1)
        visible = (
            (corners_px[..., 0].max(axis=1) >= 0)
            & (corners_px[..., 0].min(axis=1) <= width)
            & (corners_px[..., 1].max(axis=1) >= 0)
            & (corners_px[..., 1].min(axis=1) <= height)
        )
        fills = self.fills(control)
        self._draw_hexes(surface, corners_px, fills, visible, view)

        overlay = pygame.Surface((width, height), pygame.SRCALPHA)
        if control is not None:
            self._draw_hatching(overlay, corners_px, np.asarray(control), visible, k)
        band = (*palette.BORDER_BAND, palette.BORDER_BAND_ALPHA)
        self._segments(overlay, self.borders, view, band, line_width(9, k), round_caps=True)
        district_colour = (*palette.DISTRICT, palette.DISTRICT_ALPHA)
        self._dashed_sides(
            overlay, self.districts, view, district_colour, line_width(1.8, k), DISTRICT_DASHES
        )
        surface.blit(overlay, (0, 0))

        self._segments(surface, self.shores, view, palette.SHORE, line_width(1.6, k))
        self._segments(
            surface, self.borders, view, palette.BORDER, line_width(2.2, k), round_caps=True
        )
        self._segments(
            surface, self.rivers, view, palette.RIVER, line_width(2.0, k), round_caps=True
        )
        self._segments(
            surface, self.major_rivers, view, palette.RIVER, line_width(4.5, k), round_caps=True
        )
        self._draw_roads(surface, view, k)
        self._draw_rails(surface, view, k)
        self._draw_front(surface, view, self.front(control), k)
        # Over the front, where the two coincide: the dashes show inside the black line.
        self._dashed_sides(surface, self.nkao, view, palette.NKAO, line_width(3.2, k))

        if not places:
            return MapDrawing(labels=(), markers=())
        return self._draw_places(surface, view, k, text_scale, bounds_px, labels, list(obstacles))

    def _draw_front(self, surface, view: MapView, front: FrontLine, k: float) -> None:
        """A bold black line edged in each side's colour on that side's face, so which side
        holds which bank of the front reads even where the tints are faint."""
        if front.segments.size == 0:
            return
        core = line_width(6, k)
        strip = line_width(4, k)
        offset = core / 2 + strip / 2
        seg_px = self._to_px(front.segments, view)
        arm_px = np.stack(view.km_to_px(*front.armenian_centres.T), axis=-1)
        mid = seg_px.mean(axis=1)
        towards_arm = arm_px - mid
        towards_arm /= np.maximum(np.hypot(*towards_arm.T), 1e-9)[:, None]
        along = seg_px[:, 1] - seg_px[:, 0]
        along /= np.maximum(np.hypot(*along.T), 1e-9)[:, None]
        # Lengthen each offset piece so pieces meet at the 120-degree hex corners.
        stretch = along * (offset * math.tan(math.radians(30)))
        keep = self._visible_mask(seg_px, view, offset + strip)
        for sign, colour in ((1.0, palette.ARMENIAN), (-1.0, palette.AZERBAIJANI)):
            shift = towards_arm * (sign * offset)
            a = seg_px[:, 0] + shift - stretch
            b = seg_px[:, 1] + shift + stretch
            for (x0, y0), (x1, y1) in zip(a[keep].tolist(), b[keep].tolist(), strict=True):
                pygame.draw.line(surface, colour, (x0, y0), (x1, y1), strip)
        self._segments(surface, front.segments, view, palette.FRONT, core, round_caps=True)

    def _draw_hexes(self, surface, corners_px, fills, visible, view) -> None:
        grid = view.scale * self.theatre.projection.hex_size_km >= 6.0
        outline = np.clip(fills.astype(np.float64) * palette.GRID_DARKEN, 0, 255).astype(np.uint8)
        polygon = pygame.draw.polygon
        pts_all = np.rint(corners_px).astype(np.int32)
        for i in np.nonzero(visible)[0]:
            pts = pts_all[i].tolist()
            polygon(surface, fills[i].tolist(), pts)
            if grid:
                polygon(surface, outline[i].tolist(), pts, 1)
        self._draw_peaks(surface, fills, visible, view)

    def _draw_peaks(self, surface, fills, visible, view) -> None:
        """A small peak sign in every high-mountain hex, darker than its fill: the class stays
        readable under either side's tint and without colour vision."""
        r = view.scale * self.theatre.projection.hex_size_km
        if r < 9 or self.high.size == 0:
            return
        idx = self.high[visible[self.high]]
        cx, cy = view.km_to_px(self.centres[idx, 0], self.centres[idx, 1])
        ink = np.clip(fills[idx].astype(np.float64) * 0.62, 0, 255).astype(np.uint8)
        for x, y, colour in zip(cx.tolist(), cy.tolist(), ink.tolist(), strict=True):
            draw_peak(surface, (x, y), r, colour)

    def _hatch_pattern(self, width: int, height: int, k: float) -> pygame.Surface:
        spacing = max(5, int(round(9 * k)))
        key = (width, height, spacing)
        if self._hatch is not None and self._hatch[0] == key:
            return self._hatch[1]
        hatch = pygame.Surface((width, height), pygame.SRCALPHA)
        colour = (*palette.ARMENIAN, palette.HATCH_ALPHA)
        line_w = max(1, int(round(2.0 * k)))
        for c in range(-height, width + height, spacing):
            # "/" hatching: up to the right.
            pygame.draw.line(hatch, colour, (c, height), (c + height, 0), line_w)
        self._hatch = (key, hatch)
        return hatch

    def _draw_hatching(self, overlay, corners_px, control, visible, k) -> None:
        held = (control == ARMENIAN) & ~self.water & visible
        if not held.any():
            return
        width, height = overlay.get_size()
        mask = pygame.Surface((width, height), pygame.SRCALPHA)
        pts_all = np.rint(corners_px).astype(np.int32)
        for i in np.nonzero(held)[0]:
            pygame.draw.polygon(mask, (255, 255, 255, 255), pts_all[i].tolist())
        pattern = self._hatch_pattern(width, height, k).copy()
        pattern.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
        overlay.blit(pattern, (0, 0))

    def _to_px(self, segments: np.ndarray, view: MapView) -> np.ndarray:
        if segments.size == 0:
            return np.zeros((0, 2, 2))
        return np.stack(view.km_to_px(segments[..., 0], segments[..., 1]), axis=-1)

    def _visible_mask(self, seg_px: np.ndarray, view: MapView, margin: float) -> np.ndarray:
        xs, ys = seg_px[..., 0], seg_px[..., 1]
        return (
            (xs.max(axis=1) >= -margin)
            & (xs.min(axis=1) <= view.width + margin)
            & (ys.max(axis=1) >= -margin)
            & (ys.min(axis=1) <= view.height + margin)
        )

    def _visible_segments(self, seg_px: np.ndarray, view: MapView, margin: float) -> np.ndarray:
        if seg_px.size == 0:
            return seg_px
        return seg_px[self._visible_mask(seg_px, view, margin)]

    def _segments(self, surface, segments, view, colour, width, round_caps=False, aa=True):
        seg_px = self._visible_segments(self._to_px(segments, view), view, width + 2)
        if seg_px.size == 0:
            return
        line = pygame.draw.aaline if aa and surface.get_bitsize() == 32 else pygame.draw.line
        for (x0, y0), (x1, y1) in seg_px.tolist():
            line(surface, colour, (x0, y0), (x1, y1), width)
        if round_caps and width >= 3:
            r = width / 2.0
            for x, y in np.unique(np.rint(seg_px.reshape(-1, 2) * 2) / 2, axis=0).tolist():
                pygame.draw.circle(surface, colour, (x, y), r)

    def _dashed_sides(self, surface, segments, view, colour, width, dashes=((0.18, 0.82),)) -> None:
        """Dashes at fixed fractions of every hex side: the gaps fall on the hex corners, so
        the pattern stays regular however the line turns."""
        seg_px = self._visible_segments(self._to_px(segments, view), view, width + 2)
        if seg_px.size == 0:
            return
        a, b = seg_px[:, 0], seg_px[:, 1]
        for t0, t1 in dashes:
            start = a + (b - a) * t0
            end = a + (b - a) * t1
            for (x0, y0), (x1, y1) in zip(start.tolist(), end.tolist(), strict=True):
                pygame.draw.line(surface, colour, (x0, y0), (x1, y1), width)

    def _draw_roads(self, surface, view, k) -> None:
        self._segments(
            surface, self.roads, view, palette.ROAD_CASING, line_width(5.5, k), round_caps=True
        )
        self._segments(surface, self.roads, view, palette.ROAD, line_width(3.0, k), round_caps=True)

    def _draw_rails(self, surface, view, k) -> None:
        """Railways: a black line with cross ticks, the symbol no one mistakes for a road."""
        seg_px = self._visible_segments(self._to_px(self.rails, view), view, 8)
        if seg_px.size == 0:
            return
        width = line_width(2.0, k)
        tick = 4.5 * k
        self._segments(surface, self.rails, view, palette.RAIL, width, round_caps=True)
        a, b = seg_px[:, 0], seg_px[:, 1]
        d = b - a
        length = np.hypot(d[:, 0], d[:, 1])
        ok = length > 1e-6
        a, d, length = a[ok], d[ok], length[ok]
        normal = np.stack([-d[:, 1], d[:, 0]], axis=1) / length[:, None]
        ticks_per_side = max(1, int(length.mean() // max(8.0, 12 * k))) if length.size else 1
        for t in (np.arange(ticks_per_side) + 0.5) / ticks_per_side:
            p = a + d * t
            p0 = p - normal * tick
            p1 = p + normal * tick
            for (x0, y0), (x1, y1) in zip(p0.tolist(), p1.tolist(), strict=True):
                pygame.draw.line(surface, palette.RAIL, (x0, y0), (x1, y1), max(1, width - 1))

    # --- places ----------------------------------------------------------------------------

    def _place_positions(self) -> list[tuple[object, int]]:
        out = []
        for place in self.theatre.places.values():
            index = getattr(place, "index", None)
            if index is None or index < 0 or place.kind == "offmap":
                continue
            out.append((place, int(index)))
        return out

    def _offmap_arrows(self, view: MapView):
        """Where the way to each off-map place (Yerevan, Baku) leaves the map: the point on the
        map's edge along the line from its entry place towards it, the direction, and how far
        it still is. Players think of supply as coming "from Yerevan", so the map says where."""
        if self.centres.size == 0:
            return []
        inset = self.theatre.projection.hex_size_km * 1.2
        x0, y0 = self.centres.min(axis=0) + inset
        x1, y1 = self.centres.max(axis=0) - inset
        out = []
        places = self.theatre.places
        for place in places.values():
            if place.kind != "offmap" or getattr(place, "lat", None) is None:
                continue
            tx, ty = (float(v) for v in self.theatre.projection.to_km(place.lat, place.lon))
            edge = places.get(place.edge) if getattr(place, "edge", None) else None
            if edge is not None and getattr(edge, "index", None) is not None:
                sx, sy = self.centres[edge.index]
            else:
                sx, sy = (x0 + x1) / 2, (y0 + y1) / 2
            dx, dy = tx - sx, ty - sy
            dist = math.hypot(dx, dy)
            if dist < 1e-9 or (x0 <= tx <= x1 and y0 <= ty <= y1):
                continue
            ts = [
                (bound - start) / d
                for d, start, lo, hi in ((dx, sx, x0, x1), (dy, sy, y0, y1))
                if abs(d) > 1e-12
                for bound in (lo, hi)
                if (bound - start) / d > 0
            ]
            t = min(ts) if ts else 0.0
            ex, ey = sx + dx * t, sy + dy * t
            px, py = (float(v) for v in view.km_to_px(ex, ey))
            if not (0 <= px <= view.width and 0 <= py <= view.height):
                continue
            remaining = math.hypot(tx - ex, ty - ey)
            out.append((place, (px, py), (dx / dist, dy / dist), remaining))
        return out

    def _draw_places(self, surface, view, k, text_scale, bounds_px, labels, obstacles):
        """Markers and names together: names are placed first so a city's name may push a
        crowding village off the map, then the markers still shown are drawn, then the names
        on top of everything."""
        layout = self.layout_places(view, text_scale, bounds_px, labels, obstacles)
        for sym in layout.symbols:
            if sym.direction is not None:
                draw_offmap_arrow(surface, sym.centre, sym.direction, sym.radius, k)
            else:
                draw_marker(surface, sym.kind, sym.centre, sym.radius)
        out = []
        for placed, surf in zip(layout.labels, layout.surfaces, strict=True):
            surface.blit(surf, placed.rect)
            out.append(placed)
        return MapDrawing(labels=tuple(out), markers=tuple(s.rect for s in layout.symbols))

    def layout_places(
        self,
        view: MapView,
        text_scale: float,
        bounds_px: pygame.Rect,
        labels: bool = True,
        obstacles: Iterable[pygame.Rect] = (),
    ) -> PlaceLayout:
        """Where each place's marker and name go in `view`, without drawing them: the markers
        still shown (a city's name may hide a crowding village) and the rendered names with
        their rectangles. `bounds_px` is the area names must stay inside."""
        k = line_scale(view)
        obstacles = list(obstacles)
        requests: list[LabelRequest] = []
        ids: list[str] = []
        symbols: list[tuple[int, str, tuple[float, float], float, tuple[float, float] | None]] = []

        def add(place_id, kind, xy, r, text, priority, size, bold, italic, colour, direction):
            key = len(ids)
            ids.append(place_id)
            symbols.append((key, kind, xy, r, direction))
            requests.append(
                LabelRequest(
                    text=text,
                    anchor=xy,
                    gap=r + 2,
                    priority=priority,
                    size=int(round(size * text_scale)),
                    bold=bold,
                    italic=italic,
                    colour=colour,
                    key=key,
                    marker=marker_rect(xy, r),
                    may_displace=priority <= PLACE_STYLES["town"].priority,
                )
            )

        for place, index in self._place_positions():
            style = PLACE_STYLES.get(place.kind)
            if style is None or view.scale < style.min_scale:
                continue
            x, y = (float(v) for v in view.km_to_px(*self.centres[index]))
            if not (-20 <= x <= view.width + 20 and -20 <= y <= view.height + 20):
                continue
            r = style.marker_radius * max(0.6, k)
            add(
                place.id,
                place.kind,
                (x, y),
                r,
                place.name,
                style.priority,
                style.font_size,
                style.bold,
                style.italic,
                palette.INK,
                None,
            )
        for place, xy, direction, km in self._offmap_arrows(view):
            add(
                place.id,
                "offmap",
                xy,
                9.0 * max(0.7, k),
                f"{place.name} {km:.0f} km",
                OFFMAP_PRIORITY,
                14,
                False,
                True,
                palette.MUTED_INK,
                direction,
            )

        if labels:
            placement = place_labels(
                requests,
                self.fonts,
                bounds_px,
                obstacles,
                halo_radius=max(2, int(round(2 * text_scale))),
            )
        else:
            placement = Placement((), frozenset())
        shown = tuple(
            PlaceSymbol(ids[key], kind, xy, r, direction, marker_rect(xy, r))
            for key, kind, xy, r, direction in symbols
            if key not in placement.hidden
        )
        return PlaceLayout(
            symbols=shown,
            labels=tuple(
                PlacedLabel(ids[req.key], req.text, rect) for req, _, rect in placement.labels
            ),
            surfaces=tuple(surf for _, surf, _ in placement.labels),
        )


def marker_rect(centre: tuple[float, float], r: float) -> pygame.Rect:
    """The square a marker of radius `r` (with its white halo) covers."""
    x, y = centre
    return pygame.Rect(int(x - r - 2), int(y - r - 2), int(2 * r + 4), int(2 * r + 4))


def draw_peak(
    surface: pygame.Surface, centre: tuple[float, float], r: float, colour: tuple[int, int, int]
) -> None:
    """The high-mountain sign, sized for a hex of circumradius `r` pixels."""
    x, y = centre
    w, h = 0.36 * r, 0.26 * r
    pts = [
        (x - w, y + h * 0.5),
        (x - w * 0.15, y - h * 0.5),
        (x + w * 0.25, y),
        (x + w * 0.45, y - h * 0.2),
        (x + w, y + h * 0.5),
    ]
    pygame.draw.lines(surface, colour, False, pts, max(1, int(round(r / 12))))


def draw_offmap_arrow(
    surface: pygame.Surface,
    centre: tuple[float, float],
    direction: tuple[float, float],
    size: float,
    k: float = 1.0,
) -> None:
    """A haloed arrowhead pointing off the map towards a place beyond it."""
    x, y = centre
    ux, uy = direction
    tip = (x + ux * size, y + uy * size)
    back = (x - ux * size, y - uy * size)
    side = (-uy * size * 0.75, ux * size * 0.75)
    arrow = [tip, (back[0] + side[0], back[1] + side[1]), (back[0] - side[0], back[1] - side[1])]
    pygame.draw.polygon(surface, palette.HALO, arrow, max(2, int(round(3 * k))) + 1)
    pygame.draw.polygon(surface, palette.MUTED_INK, arrow)


def draw_marker(surface: pygame.Surface, kind: str, centre: tuple[float, float], r: float):
    """Draw the symbol for a kind of place and return the rectangle it covers."""
    x, y = centre
    ink, white = palette.INK, palette.HALO
    if kind == "city":
        pygame.draw.rect(
            surface, white, pygame.Rect(0, 0, 2 * r + 4, 2 * r + 4).move(x - r - 2, y - r - 2)
        )
        pygame.draw.rect(surface, ink, pygame.Rect(x - r, y - r, 2 * r, 2 * r))
        pygame.draw.rect(surface, white, pygame.Rect(x - r * 0.45, y - r * 0.45, r * 0.9, r * 0.9))
    elif kind == "town":
        pygame.draw.circle(surface, white, (x, y), r + 2)
        pygame.draw.circle(surface, ink, (x, y), r)
    elif kind == "village":
        pygame.draw.circle(surface, white, (x, y), r + 1.5)
        pygame.draw.circle(surface, ink, (x, y), r)
    elif kind == "pass":
        # ")(": the two flanks of a saddle, bulging towards the way through.
        w = max(2, int(round(r / 2.5)))
        angles = np.radians(np.linspace(-45, 45, 7))
        for sign in (-1.0, 1.0):
            cx = x + sign * 1.75 * r
            pts = [(cx - sign * 1.4 * r * math.cos(a), y + 1.4 * r * math.sin(a)) for a in angles]
            pygame.draw.lines(surface, white, False, pts, w + 3)
            pygame.draw.lines(surface, ink, False, pts, w)
    elif kind == "dam":
        pygame.draw.rect(
            surface, white, pygame.Rect(x - r - 2, y - r * 0.45 - 2, 2 * r + 4, r * 0.9 + 4)
        )
        pygame.draw.rect(surface, ink, pygame.Rect(x - r, y - r * 0.45, 2 * r, r * 0.9))
    elif kind == "airfield":
        w = max(1, int(round(r / 3)))
        pygame.draw.circle(surface, white, (x, y), r + 2)
        pygame.draw.circle(surface, ink, (x, y), r, w)
        pygame.draw.line(surface, ink, (x - r * 0.7, y + r * 0.7), (x + r * 0.7, y - r * 0.7), w)
    elif kind == "station":
        pygame.draw.circle(surface, white, (x, y), r + 1.5)
        pygame.draw.circle(surface, ink, (x, y), r, max(2, int(round(r / 2.5))))
    elif kind == "site":
        diamond = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
        pygame.draw.polygon(
            surface, white, [(px + (px - x) * 0.4, py + (py - y) * 0.4) for px, py in diamond]
        )
        pygame.draw.polygon(surface, ink, diamond)
    else:
        pygame.draw.circle(surface, ink, (x, y), r)
    return marker_rect(centre, r)
