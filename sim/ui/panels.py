"""The window's panels: top bar, unit card, odds of a planned attack, the log, prompts, help.

Panels draw from plain values handed to them each frame and keep no game state, so the scene
decides what is shown and the panels only how. Text is rendered through a small cache (a frame
shows the same few hundred strings as the last one), and long text wraps to the panel's width.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pygame

from sim.chronicle import Entry
from sim.rules.combat_odds import RESULTS, Odds
from sim.rules.combat_text import share_words
from sim.sides import SIDE_ADJECTIVES
from sim.state import UnitState
from sim.ui.counters import SIDE_FILL, size_mark, strength_text, supply_class
from sim.ui.input import BINDINGS, MOUSE, key_label
from sim.ui.labels import FontBook

__all__ = [
    "BG",
    "Button",
    "LogPanel",
    "Theme",
    "draw_help",
    "draw_odds",
    "draw_status",
    "draw_top_bar",
    "draw_unit_card",
    "wrap",
]

BG = (30, 34, 40)
BG_LIGHT = (44, 50, 58)
EDGE = (84, 92, 104)
TEXT = (232, 232, 226)
MUTED = (160, 166, 172)
ACCENT = (255, 214, 120)
HISTORY = (196, 160, 255)
GOOD = (120, 200, 140)
BAD = (240, 120, 110)

RESULT_WORDS = {
    "rout": "Rout: defenders break, hex taken",
    "capture": "Capture: defenders fall back",
    "stalemate": "Stalemate: both sides lose men",
    "repulse": "Repulse: the attack fails",
}
RESULT_COLOURS = {
    "rout": (0, 158, 115),
    "capture": (86, 180, 233),
    "stalemate": (190, 190, 190),
    "repulse": (213, 94, 0),
}
"""Okabe-Ito colours for the result bars, each bar also labelled in words."""


class Theme:
    """Fonts and a cache of rendered strings."""

    def __init__(self, fonts: FontBook | None = None) -> None:
        self.fonts = fonts or FontBook()
        self._cache: OrderedDict[tuple, pygame.Surface] = OrderedDict()

    def font(self, size: int, bold: bool = False, italic: bool = False) -> pygame.font.Font:
        return self.fonts.get(size, bold, italic)

    def render(
        self, text: str, size: int = 14, colour=TEXT, bold: bool = False, italic: bool = False
    ) -> pygame.Surface:
        key = (text, size, colour, bold, italic)
        surf = self._cache.get(key)
        if surf is None:
            surf = self.font(size, bold, italic).render(text, True, colour)
            self._cache[key] = surf
            if len(self._cache) > 3000:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return surf

    def text(self, surface, text, pos, size=14, colour=TEXT, bold=False, italic=False,
             anchor: str = "topleft") -> pygame.Rect:
        surf = self.render(text, size, colour, bold, italic)
        rect = surf.get_rect(**{anchor: pos})
        surface.blit(surf, rect)
        return rect


def wrap(font: pygame.font.Font, text: str, width: int) -> list[str]:
    """Break text into lines no wider than `width` pixels, at spaces; keep line breaks."""
    out: list[str] = []
    for para in text.split("\n"):
        words = para.split(" ")
        line = ""
        for word in words:
            trial = word if not line else f"{line} {word}"
            if font.size(trial)[0] <= width or not line:
                line = trial
            else:
                out.append(line)
                line = word
        out.append(line)
    return out


@dataclass(slots=True)
class Button:
    rect: pygame.Rect
    label: str
    action: str
    on: bool = False
    enabled: bool = True


def draw_button(surface, theme: Theme, button: Button) -> None:
    colour = (70, 86, 104) if button.on else BG_LIGHT
    if not button.enabled:
        colour = (38, 42, 48)
    pygame.draw.rect(surface, colour, button.rect, border_radius=4)
    pygame.draw.rect(surface, ACCENT if button.on else EDGE, button.rect, 1, border_radius=4)
    theme.text(surface, button.label, button.rect.center, 13,
               TEXT if button.enabled else MUTED, bold=button.on, anchor="center")


# --- top bar -----------------------------------------------------------------------------------


@dataclass(slots=True)
class TopInfo:
    title: str
    date: dt.date
    last_day: dt.date
    turn: int
    turns: int
    season: str
    to_play: str
    """Whose orders the window takes now, or what it is doing ("Resolving the turn…")."""
    morale: dict[str, float]
    ammunition: dict[str, float]
    buttons: list[Button] = field(default_factory=list)


def draw_top_bar(surface, theme: Theme, rect: pygame.Rect, info: TopInfo) -> None:
    pygame.draw.rect(surface, BG, rect)
    pygame.draw.line(surface, EDGE, rect.bottomleft, (rect.right, rect.bottom))
    x = rect.x + 10
    cy = rect.centery
    when = f"{info.date:%d %b} – {info.last_day:%d %b %Y}"
    r = theme.text(surface, when, (x, cy), 17, ACCENT, bold=True, anchor="midleft")
    x = r.right + 12
    r = theme.text(
        surface, f"Turn {info.turn}/{info.turns} · {info.season}", (x, cy), 14, TEXT,
        anchor="midleft",
    )
    x = r.right + 14
    r = theme.text(surface, info.to_play, (x, cy), 14, (255, 255, 255), bold=True,
                   anchor="midleft")
    x = r.right + 16
    for side in ("armenian", "azerbaijani"):
        if side not in info.morale:
            continue
        swatch = pygame.Rect(x, cy - 7, 14, 14)
        pygame.draw.rect(surface, SIDE_FILL[side], swatch)
        if side == "armenian":
            for k in range(-14, 14, 4):
                pygame.draw.line(surface, (20, 20, 20), (swatch.x + k, swatch.bottom),
                                 (swatch.x + k + 14, swatch.y))
        pygame.draw.rect(surface, (0, 0, 0), swatch, 1)
        txt = f"morale {info.morale[side]:.2f} · ammo {info.ammunition.get(side, 0.0):.0f}"
        r = theme.text(surface, txt, (swatch.right + 5, cy), 13, MUTED, anchor="midleft")
        x = r.right + 14
    bx = rect.right - 6
    for button in reversed(info.buttons):
        w = theme.font(13).size(button.label)[0] + 16
        button.rect = pygame.Rect(bx - w, rect.y + 5, w, rect.height - 10)
        bx -= w + 5
        draw_button(surface, theme, button)


def draw_status(surface, theme: Theme, rect: pygame.Rect, text: str, right: str = "") -> None:
    pygame.draw.rect(surface, BG, rect)
    pygame.draw.line(surface, EDGE, rect.topleft, (rect.right, rect.top))
    theme.text(surface, text, (rect.x + 8, rect.centery), 13, TEXT, anchor="midleft")
    if right:
        theme.text(surface, right, (rect.right - 8, rect.centery), 13, MUTED, anchor="midright")


# --- unit card ---------------------------------------------------------------------------------


def draw_unit_card(
    surface,
    theme: Theme,
    rect: pygame.Rect,
    hex_name: str,
    units: Sequence[UnitState],
    selected: str | None,
    orders: dict[str, str],
    ammunition: dict[str, float],
    hex_facts: str = "",
    supply_note: dict[str, str] | None = None,
) -> list[tuple[pygame.Rect, str]]:
    """The selected unit in full, the others in its hex one line each. Returns the rectangles
    of the lines (click one to select that unit)."""
    pygame.draw.rect(surface, BG, rect)
    pygame.draw.rect(surface, EDGE, rect, 1)
    clip = surface.get_clip()
    surface.set_clip(rect.inflate(-4, -2))
    try:
        return _unit_card(surface, theme, rect, hex_name, units, selected, orders, ammunition,
                          hex_facts, supply_note or {})
    finally:
        surface.set_clip(clip)


def _unit_card(surface, theme, rect, hex_name, units, selected, orders, ammunition, hex_facts,
               supply_note):
    x, y = rect.x + 10, rect.y + 8
    theme.text(surface, hex_name or "No hex selected", (x, y), 15, ACCENT, bold=True)
    y += 20
    if hex_facts:
        for line in wrap(theme.font(12), hex_facts, rect.width - 20)[:2]:
            theme.text(surface, line, (x, y), 12, MUTED)
            y += 15
    hits: list[tuple[pygame.Rect, str]] = []
    unit = next((u for u in units if u.id == selected), None)
    if unit is not None:
        y += 2
        side = SIDE_ADJECTIVES.get(unit.side, unit.side)
        for line in wrap(theme.font(14, bold=True), unit.name, rect.width - 20)[:2]:
            theme.text(surface, line, (x, y), 14, TEXT, bold=True)
            y += 18
        kind = unit.type.replace("_", " ")
        theme.text(surface, f"{side} {kind} · size {size_mark(unit.men)}", (x, y), 13, MUTED)
        y += 17
        equipment = [
            f"{unit.men:,.0f} men",
            f"{unit.tanks:.0f} tanks" if unit.tanks >= 0.5 else "",
            f"{unit.afv:.0f} AFV" if unit.afv >= 0.5 else "",
            f"{unit.artillery:.0f} guns" if unit.artillery >= 0.5 else "",
            f"{unit.aircraft:.0f} aircraft" if unit.aircraft >= 0.5 else "",
            f"{unit.helicopters:.0f} helicopters" if unit.helicopters >= 0.5 else "",
        ]
        theme.text(surface, ", ".join(e for e in equipment if e), (x, y), 13, TEXT)
        y += 17
        supply = supply_class(unit.supply)
        words = {"supplied": "supplied", "short": "short of supply", "cut": "CUT OFF"}[supply]
        colour = {"supplied": GOOD, "short": ACCENT, "cut": BAD}[supply]
        via = f" via {unit.supply_via}" if unit.supply_via else ""
        cut = f", {unit.turns_cut} turns" if unit.turns_cut else ""
        theme.text(surface, f"Supply {unit.supply:.0%} – {words}{cut}{via}", (x, y), 13, colour)
        y += 17
        if supply_note.get(unit.id):
            theme.text(surface, supply_note[unit.id], (x, y), 12, MUTED)
            y += 16
        theme.text(
            surface,
            f"Morale {unit.morale:.2f} · experience {unit.experience:.2f} · dug in {unit.dug_in}",
            (x, y), 13, TEXT,
        )
        y += 17
        stock = ammunition.get(unit.side, 0.0)
        theme.text(surface, f"Side's ammunition stock: {stock:.1f} points", (x, y), 13, MUTED)
        y += 17
        order = orders.get(unit.id, "")
        theme.text(surface, f"Order: {order or 'none (holds and digs in)'}", (x, y), 13,
                   ACCENT if order else MUTED)
        y += 20
    others = [u for u in units if u.id != selected]
    if others:
        theme.text(surface, "In this hex:" if unit is None else "Also here:", (x, y), 12, MUTED)
        y += 16
        for u in others:
            if y > rect.bottom - 16:
                break
            line = f"{u.name} – {strength_text(u.men)} men"
            if u.id in orders:
                line += f" · {orders[u.id]}"
            r = theme.text(surface, line[:60], (x + 6, y), 13,
                           SIDE_FILL.get(u.side, TEXT))
            hits.append((pygame.Rect(rect.x, y, rect.width, r.height), u.id))
            y += 16
    return hits


# --- odds --------------------------------------------------------------------------------------


@dataclass(slots=True)
class OddsView:
    """A planned attack as the odds panel shows it."""

    target_name: str
    odds: Odds | None
    attackers: list[tuple[int, str, bool]]
    """(number key, unit name, taking part) for each unit that could join."""
    air: list[str]
    defenders: list[str]
    modifiers: list[tuple[str, float, str]]
    """(side, factor, reason)."""
    supply: tuple[str, str]
    problem: str = ""


def draw_odds(surface, theme: Theme, rect: pygame.Rect, view: OddsView) -> list[Button]:
    """The odds of the planned attack, the probability of each result as a bar, the units
    and modifiers behind them; buttons to confirm or cancel."""
    pygame.draw.rect(surface, BG, rect)
    pygame.draw.rect(surface, ACCENT, rect, 2, border_radius=3)
    clip = surface.get_clip()
    surface.set_clip(rect.inflate(-6, -4))
    try:
        _odds_body(surface, theme, rect, view)
    finally:
        surface.set_clip(clip)
    buttons = [
        Button(pygame.Rect(rect.right - 250, rect.bottom - 34, 130, 26), "Confirm (Enter)",
               "act", enabled=view.odds is not None and not view.problem),
        Button(pygame.Rect(rect.right - 112, rect.bottom - 34, 100, 26), "Cancel (Esc)",
               "cancel"),
    ]
    for b in buttons:
        draw_button(surface, theme, b)
    return buttons


def _odds_body(surface, theme: Theme, rect: pygame.Rect, view: OddsView) -> None:
    x, y = rect.x + 12, rect.y + 8
    w = rect.width - 24
    theme.text(surface, f"Attack on {view.target_name}", (x, y), 16, ACCENT, bold=True)
    y += 24
    if view.odds is not None:
        o = view.odds
        theme.text(
            surface,
            f"Power {o.attacker_power:,.0f} against {o.defender_power:,.0f} – odds "
            f"{o.ratio:.2f} : 1 · hex taken {share_words(o.success)}",
            (x, y), 13, TEXT, bold=True,
        )
        y += 20
        for result in RESULTS:
            p = o.probability(result)
            bar_x = x + 205
            bar_w = max(20, w - 255)
            bar = pygame.Rect(bar_x, y + 2, int(bar_w * p), 13)
            theme.text(surface, RESULT_WORDS[result], (x, y), 13, TEXT)
            pygame.draw.rect(surface, BG_LIGHT, (bar_x, y + 2, bar_w, 13))
            if bar.width:
                pygame.draw.rect(surface, RESULT_COLOURS[result], bar)
            theme.text(surface, f"{p:5.1%}", (x + w, y), 13, TEXT, anchor="topright")
            y += 18
    if view.problem:
        for line in wrap(theme.font(13), view.problem, w)[:3]:
            theme.text(surface, line, (x, y), 13, BAD)
            y += 17
    y += 4
    theme.text(surface, "Attacking (press the number to add or remove):", (x, y), 12, MUTED)
    y += 16
    font13 = theme.font(13)
    for number, name, on in view.attackers[:9]:
        mark = "[x]" if on else "[ ]"
        line = fit_text(font13, f"{number}  {mark} {name}", w - 6)
        theme.text(surface, line, (x + 6, y), 13, TEXT if on else MUTED)
        y += 16
    font12 = theme.font(12)
    for label, names in (("Air support: ", view.air), ("Defending: ", view.defenders)):
        if not names:
            continue
        for line in wrap(font12, label + ", ".join(names), w)[:2]:
            theme.text(surface, line, (x, y), 12, TEXT)
            y += 15
    theme.text(surface, f"Supply: attackers {view.supply[0]}, defenders {view.supply[1]}",
               (x, y), 12, MUTED)
    y += 18
    for side, factor, reason in view.modifiers[:8]:
        # Good for the attacker: a boost to the attack or a handicap to the defence.
        helps_attacker = (factor >= 1.0) == (side == "attacker")
        colour = GOOD if helps_attacker else BAD
        mark = "+" if helps_attacker else "–"
        for line in wrap(theme.font(12), f"{mark} ×{factor:.2f} {side}: {reason}", w)[:2]:
            theme.text(surface, line, (x, y), 12, colour)
            y += 15


def fit_text(font: pygame.font.Font, text: str, width: int) -> str:
    """The text, cut with an ellipsis if it is wider than `width`."""
    if font.size(text)[0] <= width:
        return text
    while text and font.size(text + "…")[0] > width:
        text = text[:-1]
    return text + "…"


# --- log ---------------------------------------------------------------------------------------


class LogPanel:
    """The log of the game, newest at the bottom, with the historical note under each entry
    that has one. Scrolls by wheel and Page Up/Down; a click on a line names its entry."""

    KIND_COLOURS = {
        "combat": (255, 190, 120),
        "capture": (255, 230, 140),
        "event": (170, 210, 255),
        "cut_off": BAD,
        "attrition": (220, 160, 150),
        "game_end": ACCENT,
        "order_rejected": BAD,
    }

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self.entries: list[Entry] = []
        self.scroll = 0
        """Lines scrolled back from the newest."""
        self._lines: list[tuple[str, tuple[int, int, int], int, bool]] = []
        self._width = 0
        self._count = 0
        self._hits: list[tuple[pygame.Rect, int]] = []
        self.rect = pygame.Rect(0, 0, 0, 0)

    def set_entries(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)

    def _layout(self, width: int) -> None:
        if width == self._width and self._count == len(self.entries):
            return
        font = self.theme.font(12)
        note_font = self.theme.font(12, italic=True)
        lines: list[tuple[str, tuple[int, int, int], int, bool]] = []
        last_turn = None
        for n, e in enumerate(self.entries):
            if e.turn != last_turn:
                lines.append((f"— Turn {e.turn}, {e.date:%d %B %Y} —", ACCENT, n, True))
                last_turn = e.turn
            colour = self.KIND_COLOURS.get(e.kind, TEXT)
            for line in wrap(font, e.text, width - 8):
                lines.append((line, colour, n, False))
            note = (e.history or {}).get("text") if e.history else None
            if note:
                for line in wrap(note_font, "History: " + str(note), width - 20):
                    lines.append(("   " + line, HISTORY, n, False))
        self._lines = lines
        self._width = width
        self._count = len(self.entries)

    def draw(self, surface, rect: pygame.Rect) -> None:
        self.rect = rect
        pygame.draw.rect(surface, BG, rect)
        pygame.draw.rect(surface, EDGE, rect, 1)
        self.theme.text(surface, "Log", (rect.x + 8, rect.y + 4), 14, ACCENT, bold=True)
        self.theme.text(surface, "wheel / PgUp PgDn · click: show on map",
                        (rect.right - 8, rect.y + 6), 11, MUTED, anchor="topright")
        inner = pygame.Rect(rect.x + 6, rect.y + 24, rect.width - 12, rect.height - 28)
        self._layout(inner.width)
        line_h = 15
        visible = max(1, inner.height // line_h)
        total = len(self._lines)
        self.scroll = max(0, min(self.scroll, max(0, total - visible)))
        end = total - self.scroll
        start = max(0, end - visible)
        y = inner.y
        self._hits = []
        clip = surface.get_clip()
        surface.set_clip(inner)
        for text, colour, n, bold in self._lines[start:end]:
            self.theme.text(surface, text, (inner.x, y), 12, colour, bold=bold,
                            italic=colour == HISTORY)
            self._hits.append((pygame.Rect(inner.x, y, inner.width, line_h), n))
            y += line_h
        surface.set_clip(clip)
        if total > visible:
            bar_h = max(20, inner.height * visible // total)
            frac = (total - visible - self.scroll) / max(1, total - visible)
            bar_y = inner.y + int((inner.height - bar_h) * frac)
            pygame.draw.rect(surface, EDGE, (rect.right - 5, bar_y, 3, bar_h))

    def scroll_by(self, lines: int) -> None:
        self.scroll = max(0, self.scroll + lines)

    def entry_at(self, pos: tuple[int, int]) -> Entry | None:
        for rect, n in self._hits:
            if rect.collidepoint(pos):
                return self.entries[n]
        return None


# --- help and prompts --------------------------------------------------------------------------


def draw_help(surface, theme: Theme, rect: pygame.Rect) -> None:
    """Every key binding, from the same table the window dispatches from."""
    panel = pygame.Surface(rect.size, pygame.SRCALPHA)
    panel.fill((*BG, 245))
    surface.blit(panel, rect)
    pygame.draw.rect(surface, ACCENT, rect, 2)
    theme.text(surface, "Keys and mouse  (Esc or ? to close)", (rect.x + 16, rect.y + 10), 18,
               ACCENT, bold=True)
    groups: dict[str, list] = {}
    for b in BINDINGS:
        groups.setdefault(b.group, []).append(b)
    groups["Mouse"] = list(MOUSE)
    col_w = (rect.width - 32) // 2
    x, y = rect.x + 16, rect.y + 42
    top = y
    for name, rows in groups.items():
        needed = 22 + 16 * len(rows)
        if y + needed > rect.bottom - 8 and x == rect.x + 16:
            x, y = rect.x + 16 + col_w, top
        theme.text(surface, name, (x, y), 14, ACCENT, bold=True)
        y += 20
        for row in rows:
            if isinstance(row, tuple):
                keys, words = row
            else:
                keys = ", ".join(key_label(k) for k in row.keys)
                if row.action == "toggle_attacker":
                    keys = "1 … 9"
                words = row.help
            theme.text(surface, keys, (x + 4, y), 12, TEXT, bold=True)
            theme.text(surface, words, (x + 150, y), 12, MUTED)
            y += 16
        y += 6


def draw_modal(surface, theme: Theme, rect: pygame.Rect, title: str, lines: Sequence[str],
               highlight: int | None = None) -> list[tuple[pygame.Rect, int]]:
    """A box with a title and lines (one highlighted); returns the lines' rectangles."""
    panel = pygame.Surface(rect.size, pygame.SRCALPHA)
    panel.fill((*BG, 248))
    surface.blit(panel, rect)
    pygame.draw.rect(surface, ACCENT, rect, 2)
    theme.text(surface, title, (rect.x + 16, rect.y + 10), 17, ACCENT, bold=True)
    y = rect.y + 40
    hits = []
    for n, line in enumerate(lines):
        if y > rect.bottom - 20:
            break
        r = pygame.Rect(rect.x + 10, y - 2, rect.width - 20, 20)
        if n == highlight:
            pygame.draw.rect(surface, (70, 86, 104), r)
        theme.text(surface, line, (rect.x + 16, y), 14, TEXT)
        hits.append((r, n))
        y += 22
    return hits

