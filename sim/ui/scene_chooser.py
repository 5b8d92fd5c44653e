"""The scenario chooser: every scenario with its title, dates and summary, and who plays.

Scenarios that fail to load are listed with their first problem rather than hidden, so a
player who edited a file sees why it is missing from play.
"""

from __future__ import annotations

import pygame

from sim.scenario import load_scenario
from sim.scenario.catalogue import ScenarioSummary, list_scenarios
from sim.ui.panels import ACCENT, BAD, BG, EDGE, MUTED, TEXT, Button, Theme, draw_button, wrap

__all__ = ["SIDE_CHOICES", "ChooserScene"]

SIDE_CHOICES = ("armenian", "azerbaijani", "both", "none")
SIDE_WORDS = {
    "armenian": "You play the Armenian side; the computer the Azerbaijani side",
    "azerbaijani": "You play the Azerbaijani side; the computer the Armenian side",
    "both": "Two players at one screen (hotseat)",
    "none": "Watch the computer play both sides",
}


class ChooserScene:
    def __init__(self, app, side: str = "armenian") -> None:
        self.app = app
        self.theme: Theme = app.theme
        self.summaries: list[ScenarioSummary] = list_scenarios()
        self.index = 0
        self.side = side if side in SIDE_CHOICES else "armenian"
        self._summary_text: dict[str, str] = {}
        self._wrapped: dict[tuple[str, int], list[str]] = {}
        self.buttons: list[Button] = []
        self.rows: list[tuple[pygame.Rect, int]] = []

    def summary_of(self, s: ScenarioSummary) -> str:
        if s.id not in self._summary_text:
            if not s.ok:
                problem = s.problems[0]
                self._summary_text[s.id] = f"Cannot be played: {problem}"
            else:
                try:
                    self._summary_text[s.id] = load_scenario(s.path).summary
                except Exception as err:  # a broken file is shown, never fatal
                    self._summary_text[s.id] = f"Cannot be played: {err}"
        return self._summary_text[s.id]

    def on_action(self, action: str, spec: str = "") -> None:
        n = len(self.summaries)
        if action in ("pan_up", "cursor_up", "prev_unit") and n:
            self.index = (self.index - 1) % n
        elif action in ("pan_down", "cursor_down", "next_unit") and n:
            self.index = (self.index + 1) % n
        elif action in ("pan_left", "cursor_left"):
            self.side = SIDE_CHOICES[(SIDE_CHOICES.index(self.side) - 1) % len(SIDE_CHOICES)]
        elif action in ("pan_right", "cursor_right"):
            self.side = SIDE_CHOICES[(SIDE_CHOICES.index(self.side) + 1) % len(SIDE_CHOICES)]
        elif action == "act" and n and self.summaries[self.index].ok:
            self.app.start_game(str(self.summaries[self.index].path), self.side)
        elif action == "cancel":
            self.app.running = False

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for b in self.buttons:
                if b.rect.collidepoint(event.pos):
                    if b.action.startswith("side:"):
                        self.side = b.action[5:]
                    else:
                        self.on_action(b.action)
                    return
            for rect, n in self.rows:
                if rect.collidepoint(event.pos):
                    if n == self.index:
                        self.on_action("act")
                    self.index = n
                    return

    def update(self, dt_s: float) -> None:
        pass

    def draw(self, screen: pygame.Surface) -> None:
        screen.fill(BG)
        w, h = screen.get_size()
        t = self.theme
        t.text(screen, "Karabakh 1992–94", (30, 20), 30, ACCENT, bold=True)
        t.text(screen, "Choose a scenario (↑↓), who plays (←→), and press Enter. Esc quits.",
               (32, 62), 15, MUTED)
        list_rect = pygame.Rect(30, 96, min(460, w // 2 - 40), h - 200)
        pygame.draw.rect(screen, (24, 27, 32), list_rect)
        pygame.draw.rect(screen, EDGE, list_rect, 1)
        self.rows = []
        y = list_rect.y + 8
        for n, s in enumerate(self.summaries):
            row = pygame.Rect(list_rect.x + 4, y, list_rect.width - 8, 52)
            if n == self.index:
                pygame.draw.rect(screen, (70, 86, 104), row)
            t.text(screen, s.title or s.id, (row.x + 8, row.y + 4), 15,
                   TEXT if s.ok else BAD, bold=True)
            dates = f"{s.start:%d %b %Y} – {s.end:%d %b %Y}" if s.start and s.end else "?"
            t.text(screen, f"{dates} · {s.turn_days} days a turn · {s.id}", (row.x + 8, row.y + 26),
                   13, MUTED)
            self.rows.append((row, n))
            y += 56
        if not self.summaries:
            t.text(screen, "No scenarios found in scenarios/.", (list_rect.x + 10, y), 14, BAD)
        detail = pygame.Rect(list_rect.right + 20, 96, w - list_rect.right - 50, h - 200)
        pygame.draw.rect(screen, (24, 27, 32), detail)
        pygame.draw.rect(screen, EDGE, detail, 1)
        if self.summaries:
            s = self.summaries[self.index]
            y = detail.y + 12
            for line in wrap(t.font(19, bold=True), s.title or s.id, detail.width - 24):
                t.text(screen, line, (detail.x + 12, y), 19, ACCENT, bold=True)
                y += 24
            y += 6
            key = (s.id, detail.width)
            if key not in self._wrapped:
                self._wrapped[key] = wrap(t.font(14), self.summary_of(s), detail.width - 24)
            for line in self._wrapped[key]:
                if y > detail.bottom - 20:
                    break
                t.text(screen, line, (detail.x + 12, y), 14, TEXT)
                y += 18
        self.buttons = []
        x = 30
        y = h - 88
        t.text(screen, "Who plays:", (x, y - 22), 14, MUTED)
        for side in SIDE_CHOICES:
            label = {"armenian": "Armenian side", "azerbaijani": "Azerbaijani side",
                     "both": "Both (hotseat)", "none": "Watch"}[side]
            b = Button(pygame.Rect(x, y, 160, 30), label, f"side:{side}", on=self.side == side)
            draw_button(screen, t, b)
            self.buttons.append(b)
            x += 168
        t.text(screen, SIDE_WORDS[self.side], (30, y + 40), 14, TEXT)
        start = Button(pygame.Rect(w - 200, h - 88, 170, 40), "Start (Enter)", "act", on=True)
        draw_button(screen, t, start)
        self.buttons.append(start)
