"""A monkey at the window: thousands of random clicks, drags, wheel turns and keys.

The window must take any sequence of input without an exception: selecting, ordering,
ending turns while a turn resolves in the background, opening and closing every panel,
resizing. The events come from a seeded numpy generator, so a failure can be replayed.
"""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from sim.controllers import make_controller  # noqa: E402
from sim.ui.app import App  # noqa: E402
from sim.ui.input import BINDINGS, _parse  # noqa: E402

EVENTS = 2500
SKIP = {"quit", "screenshot"}


class MonkeyApp(App):
    def make_controllers(self, humans):
        out = super().make_controllers(humans)
        for side in out:
            if side not in humans:
                out[side] = make_controller("idle", side)
        return out


def key_events() -> list[pygame.event.Event]:
    """One KEYDOWN for every key of every binding (text keys with their character)."""
    out = []
    for binding in BINDINGS:
        if binding.action in SKIP:
            continue
        for spec in binding.keys:
            parsed = _parse(spec)
            if parsed[0] == "text":
                out.append(dict(key=0, mod=0, unicode=parsed[1]))
            else:
                text = spec if len(spec) == 1 else ""
                out.append(dict(key=parsed[1], mod=parsed[2], unicode=text))
    for letter in "qrtijkgnvxz1234567890":
        out.append(dict(key=pygame.key.key_code(letter), mod=0, unicode=letter))
    return out


def random_events(rng: np.random.Generator, size: tuple[int, int], keys) -> list:
    w, h = size
    pos = (int(rng.integers(0, w)), int(rng.integers(0, h)))
    kind = rng.choice(["click", "right", "drag", "wheel", "key", "key", "key", "motion", "text",
                       "resize"], p=[0.25, 0.05, 0.08, 0.1, 0.15, 0.15, 0.1, 0.08, 0.02, 0.02])
    E = pygame.event.Event
    if kind in ("click", "right"):
        button = 1 if kind == "click" else 3
        return [E(pygame.MOUSEBUTTONDOWN, pos=pos, button=button),
                E(pygame.MOUSEBUTTONUP, pos=pos, button=button)]
    if kind == "drag":
        end = (pos[0] + int(rng.integers(-300, 300)), pos[1] + int(rng.integers(-300, 300)))
        mid = ((pos[0] + end[0]) // 2, (pos[1] + end[1]) // 2)
        return [E(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
                E(pygame.MOUSEMOTION, pos=mid, rel=(1, 1), buttons=(1, 0, 0)),
                E(pygame.MOUSEMOTION, pos=end, rel=(1, 1), buttons=(1, 0, 0)),
                E(pygame.MOUSEBUTTONUP, pos=end, button=1)]
    if kind == "wheel":
        return [E(pygame.MOUSEWHEEL, x=0, y=int(rng.choice([-2, -1, 1, 2])), pos=pos)]
    if kind == "key":
        return [E(pygame.KEYDOWN, **keys[int(rng.integers(0, len(keys)))])]
    if kind == "motion":
        return [E(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))]
    if kind == "text":
        return [E(pygame.TEXTINPUT, text=str(rng.choice(list("abc-_1ə"))))]
    size_new = (int(rng.integers(700, 1700)), int(rng.integers(500, 1000)))
    return [E(pygame.VIDEORESIZE, w=size_new[0], h=size_new[1], size=size_new)]


@pytest.mark.parametrize("side", ["armenian", "both"])
def test_random_input_never_raises(tmp_path, side):
    rng = np.random.Generator(np.random.PCG64(1994 if side == "armenian" else 1992))
    app = MonkeyApp(scenario="1992-winter", side=side, seed=4, saves_dir=tmp_path)
    keys = key_events()
    batch: list = []
    sent = 0
    try:
        while sent < EVENTS:
            events = random_events(rng, app.screen.get_size(), keys)
            sent += len(events)
            batch.extend(events)
            if len(batch) >= 6:
                app.step(batch)
                batch = []
        app.step(batch)
        app.wait_for_turn()
        app.step([])
    finally:
        app.worker.wait()
    scene = app.scene
    assert scene.session.state.turn >= 0
    assert app.frames > EVENTS // 12


def test_random_input_in_the_chooser_never_raises(tmp_path):
    rng = np.random.Generator(np.random.PCG64(7))
    app = MonkeyApp(saves_dir=tmp_path)
    keys = [k for k in key_events() if k["key"] != pygame.K_RETURN]
    for _ in range(250):
        app.step(random_events(rng, app.screen.get_size(), keys))
    app.worker.wait()
