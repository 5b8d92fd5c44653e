"""The printed map sheet: title, the map in its frame, legend, scale bar, north arrow, credits.

A sheet is what `python main.py map --png` writes and what a player prints or shares, so it
carries everything a reader needs without the game: what the colours and lines mean, how far
a hex is, which way is north, and whose data it shows (the licences of the elevation, border
and place data require the credits). The legend sits over the map in whichever corner covers
the least of the war (in practice Iran or the Kura lowland), like the terrain key on a board
wargame map, so the map itself can fill the sheet.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

import numpy as np
import pygame

from sim.atomic import write_bytes_atomic
from sim.ui import palette
from sim.ui.labels import FontBook, halo_text
from sim.ui.map_render import (
    DISTRICT_DASHES,
    PLACE_KIND_NAMES,
    PLACE_STYLES,
    MapDrawing,
    MapRenderer,
    draw_marker,
    draw_offmap_arrow,
    draw_peak,
    line_scale,
    line_width,
)
from sim.ui.relief import side_filter
from sim.ui.view import MapView

__all__ = ["CREDITS", "Sheet", "SheetText", "render_sheet", "sheet_height", "write_png"]

CREDITS = (
    "Elevation: GLOBE (NOAA NGDC); borders, rivers: Natural Earth; "
    "© OpenStreetMap contributors; places © GeoNames CC BY 4.0"
)
REFERENCE_WIDTH = 2400  # sheet width at which sizes below are in pixels


@dataclass(frozen=True, slots=True)
class SheetText:
    """The words on a sheet outside the map itself."""

    title: str
    subtitle: str = ""
    credits: str = CREDITS


@dataclass(frozen=True, slots=True)
class Sheet:
    """A drawn sheet and where its parts went (the map frame is in sheet pixels, the labels in
    map-frame pixels, as the view maps them)."""

    surface: pygame.Surface
    map_rect: pygame.Rect
    view: MapView
    drawing: MapDrawing
    legend_rect: pygame.Rect


@dataclass(frozen=True, slots=True)
class _Layout:
    unit: float
    margin: int
    title_h: int
    footer_h: int


def _layout(width: int, height: int | None = None) -> _Layout:
    unit = width / REFERENCE_WIDTH
    if height is not None:
        unit = min(unit, height / (REFERENCE_WIDTH * 0.75))
    unit = max(unit, 0.6)
    return _Layout(
        unit=unit,
        margin=max(6, round(18 * unit)),
        title_h=max(40, round(96 * unit)),
        footer_h=max(16, round(34 * unit)),
    )


def sheet_height(renderer: MapRenderer, width: int) -> int:
    """The height that fits the whole theatre at `width` with no empty bands."""
    lay = _layout(width)
    x0, y0, x1, y1 = renderer.bounds_km()
    map_w = width - 2 * lay.margin
    map_h = int(np.ceil(map_w * (y1 - y0) / (x1 - x0)))
    return lay.title_h + map_h + lay.footer_h + 2 * lay.margin


def render_sheet(
    theatre,
    control: np.ndarray | None,
    width: int,
    height: int | None = None,
    text: SheetText | None = None,
    renderer: MapRenderer | None = None,
) -> Sheet:
    """Draw a complete map sheet `width` x `height` pixels (height fitted to the map if None)."""
    if width < 200 or (height is not None and height < 150):
        raise ValueError(f"a map sheet needs at least 200 x 150 pixels, got {width} x {height}")
    renderer = renderer or MapRenderer(theatre)
    text = text or SheetText(title="Karabakh 1992–94")
    if height is None:
        height = sheet_height(renderer, width)
    lay = _layout(width, height)
    fonts = renderer.fonts

    sheet = pygame.Surface((width, height))
    sheet.fill(palette.PAPER)
    frame = pygame.Rect(
        lay.margin,
        lay.margin + lay.title_h,
        width - 2 * lay.margin,
        height - 2 * lay.margin - lay.title_h - lay.footer_h,
    )
    map_surface = sheet.subsurface(frame)
    map_surface.fill(palette.PAPER)
    view = MapView.fit(renderer.bounds_km(), frame.width, frame.height)

    legend_size = _legend_size(renderer, fonts, lay.unit, view)
    legend_rect = _legend_corner(renderer, view, legend_size, round(10 * lay.unit))
    drawing = renderer.draw(
        map_surface,
        view,
        control,
        text_scale=min(max(lay.unit, 0.7), 1.5),
        obstacles=[legend_rect.inflate(8, 8)],
    )
    _draw_legend(map_surface, legend_rect, renderer, fonts, lay.unit, view)
    pygame.draw.rect(sheet, palette.FRAME, frame.inflate(2, 2), max(1, round(2 * lay.unit)))

    _draw_title(sheet, fonts, text, lay)
    _draw_footer(sheet, fonts, text, lay, renderer)
    return Sheet(sheet, frame, view, drawing, legend_rect)


def write_png(surface: pygame.Surface, path: str | os.PathLike) -> None:
    """Save as PNG atomically: a reader never sees half a file, and a failed save leaves any
    older map in place. Encoding to memory first keeps pygame from choosing the format by a
    temporary file's name."""
    buffer = io.BytesIO()
    try:
        pygame.image.save(surface, buffer, "map.png")
    except pygame.error as err:
        raise OSError(f"cannot encode the PNG: {err}") from err
    write_bytes_atomic(path, buffer.getvalue())


# --- title and footer --------------------------------------------------------------------------


def _draw_title(sheet, fonts: FontBook, text: SheetText, lay: _Layout) -> None:
    u = lay.unit
    title = fonts.get(round(44 * u), bold=True).render(text.title, True, palette.INK)
    sheet.blit(title, (lay.margin, lay.margin + round(4 * u)))
    if text.subtitle:
        sub = fonts.get(round(24 * u)).render(text.subtitle, True, palette.MUTED_INK)
        sheet.blit(sub, (lay.margin + 2, lay.margin + round(4 * u) + title.get_height()))


def _draw_footer(sheet, fonts: FontBook, text: SheetText, lay: _Layout, renderer) -> None:
    u = lay.unit
    font = fonts.get(round(17 * u))
    y = sheet.get_height() - lay.margin - lay.footer_h + round(8 * u)
    credits = font.render(text.credits, True, palette.MUTED_INK)
    x = sheet.get_width() - lay.margin - credits.get_width()
    sheet.blit(credits, (x, y))
    proj = renderer.theatre.projection
    note = (
        f"One hex: {proj.hex_across_flats_km:.1f} km across, {proj.hex_area_km2:.1f} km². "
        "North is up."
    )
    left = font.render(note, True, palette.MUTED_INK)
    if lay.margin + left.get_width() + 20 < x:
        sheet.blit(left, (lay.margin, y))


# --- legend ------------------------------------------------------------------------------------


Section = tuple[str, list[tuple[str, str]]]


def _legend_columns(renderer: MapRenderer) -> list[list[Section]]:
    """Two columns of sections, each (heading, [(swatch kind, label)])."""
    theatre = renderer.theatre
    terrain = [
        ("terrain:" + name, palette.TERRAIN_LABELS.get(name, name))
        for name in theatre.terrain_names
    ]
    sides = [
        ("side:1", "Armenian-held"),
        ("side:2", "Azerbaijani-held"),
        ("side:foreign", "Outside the war (Iran)"),
        ("line:front", "Front line"),
    ]
    lines = [
        ("line:major_river", "Major river"),
        ("line:river", "River"),
        ("line:road", "Road"),
        ("line:rail", "Railway"),
        ("line:border", "International border"),
        ("line:nkao", "NKAO boundary (1991)"),
        ("line:district", "District boundary"),
    ]
    kinds_present = {p.kind for p in theatre.places.values()}
    places = [
        ("place:" + kind, PLACE_KIND_NAMES[kind])
        for kind in (*PLACE_STYLES, "offmap")
        if kind in kinds_present
    ]
    left = [("Terrain", terrain), ("Control", sides)]
    right = [("Lines", lines)]
    if places:
        right.append(("Places", places))
    return [left, right]


def _legend_metrics(u: float):
    return {
        "pad": round(14 * u),
        "row": round(27 * u),
        "head": round(30 * u),
        "swatch_w": round(46 * u),
        "gap": round(10 * u),
        "col_gap": round(24 * u),
        "font": round(17 * u),
        "head_font": round(18 * u),
        "title_font": round(21 * u),
        "scale_h": round(64 * u),
    }


def _column_height(sections, m) -> int:
    return sum(m["head"] + m["row"] * len(rows) for _, rows in sections)


def _legend_size(renderer, fonts: FontBook, u: float, view: MapView) -> tuple[int, int]:
    m = _legend_metrics(u)
    font = fonts.get(m["font"])
    widths, heights = [], []
    for sections in _legend_columns(renderer):
        labels = [label for _, rows in sections for _, label in rows]
        text_w = max((font.size(label)[0] for label in labels), default=0)
        widths.append(m["swatch_w"] + m["gap"] + text_w)
        heights.append(_column_height(sections, m))
    w = 2 * m["pad"] + sum(widths) + m["col_gap"] * (len(widths) - 1)
    title_h = fonts.get(m["title_font"], bold=True).get_height() + round(4 * u)
    h = 2 * m["pad"] + title_h + max(heights) + m["scale_h"]
    return int(w), int(h)


def _legend_corner(renderer: MapRenderer, view: MapView, size: tuple[int, int], inset: int):
    """The corner where the legend hides the least: count held land and places under it."""
    w, h = size
    cx, cy = view.km_to_px(renderer.centres[:, 0], renderer.centres[:, 1])
    weight = np.where(renderer.water | renderer.foreign, 0.0, 1.0)
    for place in renderer.theatre.places.values():
        index = getattr(place, "index", None)
        if index is not None and index >= 0 and place.kind != "offmap":
            weight[index] += 12.0 if place.kind in ("city", "town") else 3.0
    candidates = [
        pygame.Rect(view.width - w - inset, view.height - h - inset, w, h),  # SE
        pygame.Rect(inset, view.height - h - inset, w, h),  # SW
        pygame.Rect(view.width - w - inset, inset, w, h),  # NE
        pygame.Rect(inset, inset, w, h),  # NW
    ]

    def cost(rect: pygame.Rect) -> float:
        inside = (cx >= rect.left) & (cx < rect.right) & (cy >= rect.top) & (cy < rect.bottom)
        return float(weight[inside].sum())

    return min(candidates, key=cost)


def _draw_legend(surface, rect: pygame.Rect, renderer, fonts: FontBook, u: float, view) -> None:
    m = _legend_metrics(u)
    k = line_scale(view)
    panel = pygame.Surface(rect.size, pygame.SRCALPHA)
    panel.fill((*palette.LEGEND_BG, 238))
    surface.blit(panel, rect)
    pygame.draw.rect(surface, palette.FRAME, rect, max(1, round(2 * u)))

    title_font = fonts.get(m["title_font"], bold=True)
    surface.blit(
        title_font.render("Legend", True, palette.INK), (rect.x + m["pad"], rect.y + m["pad"])
    )
    top = rect.y + m["pad"] + title_font.get_height() + round(4 * u)
    font = fonts.get(m["font"])
    head_font = fonts.get(m["head_font"], bold=True)
    x = rect.x + m["pad"]
    for sections in _legend_columns(renderer):
        y = top
        col_w = 0
        for heading, rows in sections:
            surface.blit(head_font.render(heading, True, palette.MUTED_INK), (x, y + round(6 * u)))
            y += m["head"]
            for kind, label in rows:
                sw = pygame.Rect(x, y + round(3 * u), m["swatch_w"], m["row"] - round(6 * u))
                _draw_swatch(surface, sw, kind, renderer, k, u)
                txt = font.render(label, True, palette.INK)
                surface.blit(txt, (sw.right + m["gap"], y + (m["row"] - txt.get_height()) // 2))
                col_w = max(col_w, m["swatch_w"] + m["gap"] + txt.get_width())
                y += m["row"]
        x += col_w + m["col_gap"]

    bottom = rect.bottom - m["pad"]
    _draw_scale_bar(surface, (rect.x + m["pad"], bottom), view, fonts, u)
    _draw_north_arrow(surface, (rect.right - m["pad"] - round(14 * u), bottom), fonts, u)


def _hexagon(centre: tuple[float, float], r: float) -> list[tuple[float, float]]:
    cx, cy = centre
    angles = np.radians(60.0 * np.arange(6) - 30.0)
    return [(cx + r * float(np.cos(a)), cy + r * float(np.sin(a))) for a in angles]


def _draw_swatch(surface, sw: pygame.Rect, kind: str, renderer, k: float, u: float) -> None:
    group, _, name = kind.partition(":")
    mid_y = sw.centery
    plain = palette.TERRAIN_COLOURS["plain"]
    if group == "terrain":
        colour = palette.TERRAIN_COLOURS.get(name, palette.UNKNOWN_TERRAIN)
        r = sw.height * 0.62
        for dx in (-r * 0.87, r * 0.87):
            pts = _hexagon((sw.centerx + dx, mid_y), r)
            pygame.draw.polygon(surface, colour, pts)
            dark = tuple(int(c * palette.GRID_DARKEN) for c in colour)
            pygame.draw.polygon(surface, dark, pts, 1)
            if name == "high_mountain":
                peak_ink = tuple(int(c * 0.62) for c in colour)
                draw_peak(surface, (sw.centerx + dx, mid_y), r * 1.6, peak_ink)
    elif group == "side":
        if name == "foreign":
            a = palette.FOREIGN_WASH_ALPHA
            colour = tuple(
                int(p * (1 - a) + w * a) for p, w in zip(plain, palette.FOREIGN_WASH, strict=True)
            )
        else:
            tinted = np.asarray(plain) * side_filter(palette.SIDE_COLOURS[int(name)])
            colour = tuple(int(c) for c in np.rint(tinted))
        pygame.draw.rect(surface, colour, sw)
        if name == "1":
            hatch = pygame.Surface(sw.size, pygame.SRCALPHA)
            spacing = max(5, int(round(9 * k)))
            for c in range(-sw.height, sw.width + sw.height, spacing):
                pygame.draw.line(
                    hatch,
                    (*palette.ARMENIAN, palette.HATCH_ALPHA),
                    (c, sw.height),
                    (c + sw.height, 0),
                    max(1, round(2 * k)),
                )
            surface.blit(hatch, sw)
        pygame.draw.rect(surface, palette.MUTED_INK, sw, 1)
    elif group == "line":
        a, b = (sw.left + 2, mid_y), (sw.right - 2, mid_y)
        if name == "front":
            core, strip = line_width(6, k), line_width(4, k)
            off = core / 2 + strip / 2
            pygame.draw.line(
                surface, palette.ARMENIAN, (a[0], a[1] - off), (b[0], b[1] - off), strip
            )
            pygame.draw.line(
                surface, palette.AZERBAIJANI, (a[0], a[1] + off), (b[0], b[1] + off), strip
            )
            pygame.draw.line(surface, palette.FRONT, a, b, core)
        elif name == "major_river":
            pygame.draw.line(surface, palette.RIVER, a, b, line_width(4.5, k))
        elif name == "river":
            pygame.draw.line(surface, palette.RIVER, a, b, line_width(2.0, k))
        elif name == "road":
            pygame.draw.line(surface, palette.ROAD_CASING, a, b, line_width(5.5, k))
            pygame.draw.line(surface, palette.ROAD, a, b, line_width(3.0, k))
        elif name == "rail":
            pygame.draw.line(surface, palette.RAIL, a, b, line_width(2.0, k))
            for t in (0.25, 0.75):
                tx = a[0] + (b[0] - a[0]) * t
                pygame.draw.line(
                    surface,
                    palette.RAIL,
                    (tx, mid_y - 4.5 * k),
                    (tx, mid_y + 4.5 * k),
                    max(1, line_width(2.0, k) - 1),
                )
        elif name == "border":
            band = pygame.Surface((sw.width, line_width(9, k)), pygame.SRCALPHA)
            band.fill((*palette.BORDER_BAND, palette.BORDER_BAND_ALPHA))
            surface.blit(band, (sw.left, mid_y - band.get_height() // 2))
            pygame.draw.line(surface, palette.BORDER, a, b, line_width(2.2, k))
        elif name == "nkao":
            seg = (b[0] - a[0]) / 2
            for i in range(2):
                x0 = a[0] + seg * i
                pygame.draw.line(
                    surface,
                    palette.NKAO,
                    (x0 + seg * 0.18, mid_y),
                    (x0 + seg * 0.82, mid_y),
                    line_width(3.2, k),
                )
        elif name == "district":
            side = (b[0] - a[0]) / 2
            for i in range(2):
                for t0, t1 in DISTRICT_DASHES:
                    x0 = a[0] + side * i
                    pygame.draw.line(
                        surface,
                        palette.DISTRICT,
                        (x0 + side * t0, mid_y),
                        (x0 + side * t1, mid_y),
                        line_width(1.8, k),
                    )
    elif group == "place" and name == "offmap":
        draw_offmap_arrow(surface, (sw.centerx, mid_y), (1.0, 0.0), 9.0 * max(0.7, k), k)
    elif group == "place":
        style = PLACE_STYLES[name]
        draw_marker(surface, name, (sw.centerx, mid_y), style.marker_radius * max(0.6, k))


def _nice_length(max_km: float) -> float:
    for step in (100, 50, 40, 30, 20, 10, 5, 2, 1):
        if step <= max_km:
            return float(step)
    return 1.0


def _draw_scale_bar(surface, bottom_left, view: MapView, fonts: FontBook, u: float) -> None:
    """Alternating black and white blocks, so lengths can be read off with a ruler on print."""
    x, bottom = bottom_left
    total_km = _nice_length(round(300 * u) / view.scale)
    parts = 4 if total_km % 4 == 0 or total_km in (20.0, 40.0) else 5
    length = total_km * view.scale
    h = max(5, round(9 * u))
    font = fonts.get(round(15 * u))
    y = bottom - font.get_height() - h - round(4 * u)
    for i in range(parts):
        seg = pygame.Rect(round(x + length * i / parts), y, round(length / parts) + 1, h)
        pygame.draw.rect(surface, palette.INK if i % 2 == 0 else palette.HALO, seg)
    pygame.draw.rect(surface, palette.INK, pygame.Rect(x, y, round(length) + 1, h), 1)
    for km, px in ((0, 0.0), (total_km / 2, length / 2), (total_km, length)):
        label = f"{km:g}" + (" km" if km == total_km else "")
        txt = font.render(label, True, palette.INK)
        surface.blit(txt, (round(x + px - (0 if km == 0 else txt.get_width() / 2)), y + h + 2))
    caption = font.render("Scale", True, palette.MUTED_INK)
    surface.blit(caption, (x, y - caption.get_height() - 2))


def _draw_north_arrow(surface, bottom_centre, fonts: FontBook, u: float) -> None:
    """North is straight up: the projection's y axis is due south everywhere on the map."""
    cx, bottom = bottom_centre
    h = round(44 * u)
    w = round(12 * u)
    tip = (cx, bottom - h)
    base_y = bottom - round(6 * u)
    pygame.draw.polygon(surface, palette.INK, [tip, (cx - w, base_y), (cx, base_y - round(10 * u))])
    pygame.draw.polygon(
        surface, palette.HALO, [tip, (cx + w, base_y), (cx, base_y - round(10 * u))]
    )
    pygame.draw.polygon(
        surface,
        palette.INK,
        [tip, (cx + w, base_y), (cx, base_y - round(10 * u)), (cx - w, base_y)],
        1,
    )
    n = halo_text(fonts.get(round(18 * u), bold=True), "N")
    surface.blit(n, (cx - n.get_width() // 2, tip[1] - n.get_height()))
