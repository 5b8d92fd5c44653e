"""The window: one loop, two scenes (the scenario chooser and the game), stepped a frame at a
time.

`App.step(events)` handles a list of events, lets the scene catch up (a finished turn, the
next turn when watching), draws one frame and flips it. The real loop calls it with pygame's
events at 60 frames a second; tests call it with synthetic events and look at what changed,
so a test can click, press keys and end turns with no display and no sleeps.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pygame

from sim.controllers import KINDS, Controller, level_options, make_controller
from sim.controllers.human import HumanController
from sim.errors import UserError
from sim.scenario import load_scenario
from sim.scenario.levers import value_text
from sim.session import Session
from sim.sides import SIDE_IDS, humans_for
from sim.ui import init_pygame
from sim.ui.input import action_for
from sim.ui.panels import Theme
from sim.ui.sheet import write_png
from sim.ui.worker import Worker

__all__ = ["DEFAULT_SIZE", "MIN_SIZE", "App", "humans_for"]

DEFAULT_SIZE = (1280, 800)
MIN_SIZE = (800, 560)
FPS = 60


class App:
    def __init__(
        self,
        size: tuple[int, int] = DEFAULT_SIZE,
        scenario: str | None = None,
        side: str = "armenian",
        load: str | os.PathLike | None = None,
        seed: int | None = None,
        saves_dir: str | os.PathLike = "saves",
        threaded: bool = True,
        computer: Mapping[str, str] | None = None,
        ai_level: int | None = None,
        levers: Mapping[str, str] | None = None,
    ) -> None:
        init_pygame(headless=False)
        pygame.display.init()
        pygame.display.set_caption("Karabakh 1992–94")
        self.size = (max(MIN_SIZE[0], size[0]), max(MIN_SIZE[1], size[1]))
        self.screen = pygame.display.set_mode(self.size, pygame.RESIZABLE)
        self.theme = Theme()
        self.worker = Worker(threaded=threaded)
        self.saves_dir = Path(saves_dir)
        self.seed = seed
        self.computer = dict(computer or {})
        """Controller kind for each side the computer plays (default "ai")."""
        self.ai_level = ai_level
        self.levers = dict(levers or {})
        """What-if levers for a new game (a loaded game keeps its save's)."""
        self.running = True
        self.frames = 0
        self.note = ""
        self._timeline = None
        self._timeline_loaded = False
        humans_for(side)
        self.side = side
        self.scene = None
        if load is not None:
            self.load_game(Path(load), side)
        elif scenario is not None:
            self.start_game(scenario, side)
        else:
            from sim.ui.scene_chooser import ChooserScene

            self.scene = ChooserScene(self, side)

    # --- games ------------------------------------------------------------------------------

    @property
    def timeline(self):
        """The historical timeline, or None (with a note in the status bar) if it cannot be
        read: the game is playable without it, only the history overlay is empty."""
        if not self._timeline_loaded:
            self._timeline_loaded = True
            try:
                from sim.history import load_timeline

                self._timeline = load_timeline()
            except UserError as err:
                self.note = f"History overlay unavailable: {str(err).splitlines()[0]}"
        return self._timeline

    def make_controllers(self, humans: Iterable[str]) -> dict[str, Controller]:
        """Players' sides get the human controller; the others the kind `computer` names
        for them, by default the AI at `ai_level` when there is one, else the idle controller
        (and the status bar says so)."""
        humans = tuple(humans)
        out: dict[str, Controller] = {}
        for side in SIDE_IDS:
            kind = self.computer.get(side, "ai" if "ai" in KINDS else "idle")
            options = level_options(kind, self.ai_level)
            if side in humans:
                out[side] = HumanController(side)
            else:
                out[side] = make_controller(kind, side, **options)
        if len(humans) < len(SIDE_IDS) and "ai" not in KINDS:
            self.note = "No computer opponent is installed yet: the other side holds its ground."
        return out

    def start_game(self, scenario: str, side: str) -> None:
        from sim.ui.scene_game import GameScene

        humans = humans_for(side)
        seed = self.seed
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % 1_000_000_000)
        loaded = load_scenario(scenario)
        controllers = self.make_controllers(humans)
        session = Session.new(loaded, seed, controllers=controllers, levers=self.levers)
        what_if = ""
        if session.levers:
            pairs = (f"{k}={value_text(v)}" for k, v in session.levers.items())
            what_if = ", what-if " + ", ".join(pairs)
        note = self.note or f"{loaded.title} — seed {seed}{what_if}. Press ? for the keys."
        self.scene = GameScene(self, session, humans, self.timeline, self.saves_dir, note)

    def load_game(self, path: Path, side: str) -> None:
        """Open a save (replayed and checked, in the foreground: nothing else to show yet)."""
        from sim.ui.endgame import replay_with_territory
        from sim.ui.scene_game import GameScene

        humans = humans_for(side)
        controllers = self.make_controllers(humans)
        timeline = self.timeline
        session, territory = replay_with_territory(path, controllers, timeline, self.ai_level)
        note = self.note or (
            f"Loaded {path.name}: {session.scenario.title}, turn {session.state.turn}."
        )
        self.scene = GameScene(self, session, humans, timeline, self.saves_dir, note, territory)

    # --- the loop ---------------------------------------------------------------------------

    def step(self, events: Iterable[pygame.event.Event] | None = None, dt_s: float = 1 / FPS
             ) -> bool:
        """One frame: handle `events` (pygame's queue if None), update, draw, flip."""
        if events is None:
            events = pygame.event.get()
        for event in events:
            self.handle(event)
        if self.scene is not None:
            self.scene.update(dt_s)
            self.draw()
        self.frames += 1
        return self.running

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type == pygame.VIDEORESIZE:
            self.resize((event.w, event.h))
            return
        if event.type == pygame.KEYDOWN:
            found = action_for(event)
            if found is None:
                return
            action, spec = found
            if action == "quit":
                self.running = False
            elif action == "screenshot":
                self.screenshot(self.saves_dir / f"screenshot-{self.frames:06d}.png")
            elif self.scene is not None:
                self.scene.on_action(action, spec)
            return
        if self.scene is not None:
            self.scene.handle(event)

    def resize(self, size: tuple[int, int]) -> None:
        self.size = (max(MIN_SIZE[0], int(size[0])), max(MIN_SIZE[1], int(size[1])))
        if pygame.display.get_surface() is None or self.screen.get_size() != self.size:
            self.screen = pygame.display.set_mode(self.size, pygame.RESIZABLE)
        if hasattr(self.scene, "resize"):
            self.scene.resize(self.size)

    def draw(self) -> None:
        self.scene.draw(self.screen)
        pygame.display.flip()

    def run(self) -> int:
        clock = pygame.time.Clock()
        try:
            while self.running:
                self.step(dt_s=clock.tick(FPS) / 1000.0)
        finally:
            self.worker.wait(timeout=30)
            pygame.display.quit()
        return 0

    # --- headless helpers -------------------------------------------------------------------

    def screenshot(self, path: str | os.PathLike) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_png(self.screen, path)
        return path

    def settle(self, max_frames: int = 400) -> None:
        """Draw frames until every visible map tile is drawn and no job runs (screenshots)."""
        scene = self.scene
        for _ in range(max_frames):
            self.step([])
            tiles = getattr(scene, "tiles", None)
            done = tiles is None or (tiles.missing == 0 and tiles.overview_key == tiles.key)
            if not self.worker.busy and done:
                break
            if self.worker.busy:
                self.worker.wait(timeout=0.05)
        self.step([])

    def wait_for_turn(self, max_frames: int = 100000) -> None:
        """Keep drawing while a turn resolves, then take its result (autoplay, tests)."""
        for _ in range(max_frames):
            if not self.worker.busy and self.worker.job is None:
                break
            self.worker.wait(timeout=0.02)
            self.step([])

    def autoplay(self, turns: int, screenshot: str | os.PathLike | None = None) -> Path | None:
        """Play `turns` turns with the computer on both sides, drawing as it goes; save a
        screenshot at the end if asked."""
        scene = self.scene
        from sim.ui.scene_game import GameScene

        if not isinstance(scene, GameScene):
            raise UserError("--autoplay needs a scenario")
        scene.paused = True
        for _ in range(max(0, turns)):
            if scene.session.finished:
                break
            scene.resolve_turn()
            self.wait_for_turn()
        self.settle()
        if screenshot is not None:
            return self.screenshot(screenshot)
        return None

