"""The end of a game beside history: which historical captures happened, when, and the
territory each side held over time.

The comparison is built from what the game recorded (its log's capture entries, the control
after every turn) and the historical timeline, so the same numbers can be checked by a
script. Territory is counted as the area of Azerbaijan (the Soviet republic's borders, which
include the NKAO) held by the Armenian side: the measure the war is usually summed up by. The
historical curve comes from `sim.ui.overlays.historical_control`, an approximation described
there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pygame

from sim.controllers import Controller, level_options, make_controller
from sim.history import Timeline, compare_dates, date_phrase
from sim.session import Session
from sim.sides import ARMENIAN, SIDE_ADJECTIVES
from sim.ui.overlays import dashed_line, historical_control
from sim.ui.panels import (
    ACCENT,
    BAD,
    BG,
    EDGE,
    GOOD,
    MUTED,
    TEXT,
    Button,
    Theme,
    draw_button,
    wrap,
)

__all__ = [
    "CaptureRow",
    "Comparison",
    "TerritoryPoint",
    "armenian_held_km2",
    "compare_with_history",
    "draw_endgame",
    "history_km2",
    "replay_with_territory",
    "territory_now",
]

ENDINGS = {
    "ceasefire": "a ceasefire came into force",
    "collapse": "a side's war effort collapsed",
    "end_date": "the scenario's last day was reached",
}


@dataclass(frozen=True, slots=True)
class TerritoryPoint:
    date: dt.date
    game_km2: float
    history_km2: float


@dataclass(frozen=True, slots=True)
class CaptureRow:
    """One historical capture and what the game made of it."""

    place: str
    taker: str
    history: str
    game: str
    """'taken on 12 May 1992 (four days later)' or 'not taken'."""
    happened: bool


@dataclass(slots=True)
class Comparison:
    title: str
    rows: list[CaptureRow] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    """Captures of named places the game saw and history did not (in this period)."""
    territory: list[TerritoryPoint] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return sum(r.happened for r in self.rows)


def armenian_held_km2(state_or_control, theatre) -> float:
    """Km² of Azerbaijan (in its Soviet borders) held by the Armenian side."""
    control = getattr(state_or_control, "control", state_or_control)
    codes = tuple(theatre.country_codes)
    if "AZE" not in codes:
        return 0.0
    aze = np.asarray(theatre.country) == codes.index("AZE")
    held = (np.asarray(control) == ARMENIAN) & aze & theatre.passable()
    return float(held.sum()) * theatre.projection.hex_area_km2


def compare_with_history(
    session: Session, timeline: Timeline | None, territory: list[TerritoryPoint]
) -> Comparison:
    """The comparison the end screen shows."""
    state = session.state
    reason = ENDINGS.get(session.end_reason, session.end_reason or "the game was stopped")
    title = f"The game ended on {state.date:%d %B %Y}: {reason}."
    out = Comparison(title, territory=list(territory))
    firsts: dict[tuple[str, str], dt.date] = {}
    for e in session.log:
        if e.kind == "capture":
            key = (str(e.data.get("place")), str(e.data.get("to_side")))
            firsts.setdefault(key, e.date)
    if timeline is None:
        return out
    scenario = session.scenario
    seen: set[tuple[str, str]] = set()
    places = state.theatre.places
    for event in timeline.captures():
        change = event.change
        if change is None or event.end_date < scenario.start or event.date > scenario.end:
            continue
        key = (change.place, change.to_side)
        seen.add(key)
        name = places[change.place].name if change.place in places else change.place
        when = firsts.get(key)
        if when is not None:
            game = f"taken on {when:%d %b %Y} ({compare_dates(when, event)})"
        else:
            game = "not taken"
        out.rows.append(CaptureRow(
            name, SIDE_ADJECTIVES.get(change.to_side, change.to_side), date_phrase(event), game,
            when is not None,
        ))
    for (place, side), when in sorted(firsts.items(), key=lambda kv: kv[1]):
        if (place, side) in seen or not side:
            continue
        name = places[place].name if place in places else place
        out.extra.append(f"{when:%d %b %Y}: {SIDE_ADJECTIVES.get(side, side)} forces took {name}")
    return out


def history_km2(session: Session, timeline: Timeline | None, day: dt.date) -> float:
    """The historical figure of `armenian_held_km2` on `day` (see `historical_control`)."""
    if timeline is None:
        return 0.0
    theatre = session.state.theatre
    control = historical_control(
        theatre, session.start_control, session.scenario.start, timeline, day
    )
    return armenian_held_km2(control, theatre)


def territory_now(session: Session, timeline: Timeline | None) -> TerritoryPoint:
    state = session.state
    return TerritoryPoint(
        state.date, armenian_held_km2(state, state.theatre), history_km2(session, timeline,
                                                                          state.date)
    )


def replay_with_territory(
    path, controllers: Mapping[str, Controller], timeline: Timeline | None,
    ai_level: int | None = None,
) -> tuple[Session, list[TerritoryPoint]]:
    """Load a save as `Session.from_save` does (replayed and checked turn by turn), noting the
    territory at each step for the end screen. The AI sides play on at `ai_level` when given,
    else at the level the save records."""
    from sim.saves import find_scenario, read_save

    save = read_save(path)
    points: list[TerritoryPoint] = []
    session = Session.replayed(
        save, find_scenario(save), lambda s: points.append(territory_now(s, timeline))
    )
    chosen = dict(controllers)
    for side, controller in controllers.items():
        level = ai_level if ai_level is not None else save.ai_levels.get(side)
        if controller.kind == "ai" and level is not None and controller.level != level:
            chosen[side] = make_controller("ai", side, **level_options("ai", level))
    session.set_controllers({side: chosen[side] for side in session.sides})
    return session, points


# --- drawing -----------------------------------------------------------------------------------


def draw_endgame(
    surface: pygame.Surface,
    theme: Theme,
    rect: pygame.Rect,
    comparison: Comparison,
    losses: dict[str, dict[str, float]],
) -> list[Button]:
    panel = pygame.Surface(rect.size, pygame.SRCALPHA)
    panel.fill((*BG, 250))
    surface.blit(panel, rect)
    pygame.draw.rect(surface, ACCENT, rect, 2)
    x, y = rect.x + 20, rect.y + 14
    theme.text(surface, "The game and history", (x, y), 22, ACCENT, bold=True)
    y += 32
    theme.text(surface, comparison.title, (x, y), 15, TEXT)
    y += 22
    loss_words = []
    for side, tally in losses.items():
        men = tally.get("men", 0.0)
        loss_words.append(f"{SIDE_ADJECTIVES.get(side, side)} losses: {men:,.0f} men")
    theme.text(surface, "; ".join(loss_words), (x, y), 13, MUTED)
    y += 26

    col = rect.width // 2 - 40
    font = theme.font(15, bold=True)
    header = (
        f"Historical captures in this period: {comparison.matched} of {len(comparison.rows)} "
        "happened in the game"
    )
    for line in wrap(font, header, col):
        theme.text(surface, line, (x, y), 15, ACCENT, bold=True)
        y += 20
    y += 4
    small = theme.font(12)
    for row in comparison.rows:
        if y > rect.bottom - 90:
            break
        colour = GOOD if row.happened else BAD
        theme.text(surface, "+" if row.happened else "–", (x, y), 14, colour, bold=True)
        theme.text(surface, f"{row.place} to the {row.taker} side", (x + 16, y), 13, TEXT,
                   bold=True)
        y += 16
        theme.text(surface, f"history: {row.history}", (x + 16, y), 12, MUTED)
        y += 15
        for line in wrap(small, f"game: {row.game}", col - 16)[:2]:
            theme.text(surface, line, (x + 16, y), 12, colour)
            y += 15
        y += 4
    if comparison.extra and y < rect.bottom - 110:
        theme.text(surface, "Captures history did not see in this period:", (x, y), 13, ACCENT)
        y += 17
        for line in comparison.extra[:6]:
            if y > rect.bottom - 70:
                break
            theme.text(surface, line, (x + 10, y), 12, TEXT)
            y += 15

    chart = pygame.Rect(rect.x + rect.width // 2 + 20, rect.y + 150, rect.width // 2 - 50,
                        min(320, rect.height - 250))
    _draw_territory(surface, theme, chart, comparison.territory)
    buttons = [
        Button(pygame.Rect(rect.right - 330, rect.bottom - 44, 170, 30), "Back to the map (Esc)",
               "cancel"),
        Button(pygame.Rect(rect.right - 150, rect.bottom - 44, 130, 30), "Quit (Ctrl+Q)", "quit"),
    ]
    for b in buttons:
        draw_button(surface, theme, b)
    return buttons


def _draw_territory(surface, theme: Theme, rect: pygame.Rect, points: list[TerritoryPoint]):
    """Game as a solid line with dots, history as a dashed line with squares."""
    pygame.draw.rect(surface, (24, 27, 32), rect)
    pygame.draw.rect(surface, EDGE, rect, 1)
    theme.text(surface, "Area of Azerbaijan held by the Armenian side (km²)",
               (rect.x, rect.y - 44), 14, ACCENT, bold=True)
    y = rect.y - 22
    pygame.draw.line(surface, (240, 178, 62), (rect.x, y + 7), (rect.x + 30, y + 7), 3)
    pygame.draw.circle(surface, (240, 178, 62), (rect.x + 15, y + 7), 4)
    theme.text(surface, "game", (rect.x + 36, y), 12, TEXT)
    hx = rect.x + 90
    for k in range(3):
        pygame.draw.line(surface, (200, 200, 200), (hx + 10 * k, y + 7), (hx + 10 * k + 5, y + 7),
                         2)
    pygame.draw.rect(surface, (200, 200, 200), pygame.Rect(hx + 11, y + 4, 6, 6))
    theme.text(surface, "history (approximate, from the timeline's captures)", (hx + 36, y),
               12, TEXT)
    if len(points) < 1:
        return
    top = max(max(p.game_km2 for p in points), max(p.history_km2 for p in points), 1.0) * 1.1
    t0 = points[0].date.toordinal()
    t1 = max(points[-1].date.toordinal(), t0 + 1)
    inner = rect.inflate(-60, -40).move(20, -6)

    def xy(day: dt.date, km2: float) -> tuple[float, float]:
        return (
            inner.x + (day.toordinal() - t0) / (t1 - t0) * inner.width,
            inner.bottom - km2 / top * inner.height,
        )

    for k in range(5):
        v = top * k / 4
        _, yy = xy(points[0].date, v)
        pygame.draw.line(surface, (50, 55, 62), (inner.x, yy), (inner.right, yy))
        theme.text(surface, f"{v:,.0f}", (inner.x - 4, yy), 11, MUTED, anchor="midright")
    theme.text(surface, f"{points[0].date:%b %Y}", (inner.x, inner.bottom + 4), 11, MUTED)
    theme.text(surface, f"{points[-1].date:%b %Y}", (inner.right, inner.bottom + 4), 11, MUTED,
               anchor="topright")
    hist = [xy(p.date, p.history_km2) for p in points]
    game = [xy(p.date, p.game_km2) for p in points]
    if len(hist) > 1:
        dashed_line(surface, hist, (200, 200, 200), 2, 6)
    step = max(1, len(points) // 24)
    for p in hist[::step]:
        pygame.draw.rect(surface, (200, 200, 200), pygame.Rect(p[0] - 3, p[1] - 3, 6, 6))
    if len(game) > 1:
        pygame.draw.lines(surface, (240, 178, 62), False, game, 3)
    for p in game[::step]:
        pygame.draw.circle(surface, (240, 178, 62), p, 4)
        pygame.draw.circle(surface, (0, 0, 0), p, 4, 1)

