"""Frames per second of the window while panning and zooming the whole-war map.

    SDL_VIDEODRIVER=dummy python benchmarks/bench_window.py [--scenario ID] [--frames N]

Opens the window at 1280 x 800 (the software renderer: the dummy driver draws into memory,
as a machine without a GPU would), then scripts a session over N frames: pans across the map
at the whole-map zoom, zooms in step by step at the front, pans there, and zooms back out,
with the supply overlay switched on half way. Reports the frames per second of each part and
of the whole, the slowest frame, and how many map tiles were drawn. Frame pacing (the 60 fps
cap of the real loop) is off, so the figures are what the machine could draw.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

from sim.controllers import make_controller  # noqa: E402
from sim.ui.app import App  # noqa: E402


class BenchApp(App):
    def make_controllers(self, humans):
        return {side: make_controller("idle", side) for side in ("armenian", "azerbaijani")}


def script(frames: int):
    """(part name, event list) per frame."""
    per = max(1, frames // 5)
    for i in range(per):
        key = pygame.K_d if (i // 30) % 2 == 0 else pygame.K_a
        yield "pan, whole map", [pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="")]
    for i in range(per):
        y = 1 if (i // 12) % 2 == 0 else -1
        yield "wheel zoom in and out", [
            pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=y, pos=(450, 420))
        ]
    yield "pan, zoomed in", [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F2, mod=0,
                                                unicode="")]
    for i in range(per):
        dx = 14 if (i // 40) % 2 == 0 else -14
        yield "drag, zoomed in", [
            pygame.event.Event(pygame.MOUSEMOTION, pos=(450 + dx, 420), rel=(dx, 0),
                               buttons=(1, 0, 0))
        ]
    for i in range(per):
        key = pygame.K_s if (i // 25) % 2 == 0 else pygame.K_w
        yield "pan, zoomed in", [pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="")]
    for i in range(per):
        y = -1 if i < per // 2 else 1
        yield "zoom out and in (overlay on)", [
            pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=y, pos=(450, 420))
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=None,
                        help="scenario id (default: the whole war if present, else 1992-winter)")
    parser.add_argument("--frames", type=int, default=1500)
    args = parser.parse_args()
    scenario = args.scenario
    if scenario is None:
        whole = ROOT / "scenarios" / "1992-1994-war.toml"
        scenario = "1992-1994-war" if whole.exists() else "1992-winter"

    t0 = time.perf_counter()
    app = BenchApp(scenario=scenario, side="armenian", seed=1, saves_dir="/tmp/bench-saves")
    startup = time.perf_counter() - t0
    scene = app.scene
    app.step([])
    # Start the press of a drag so the motion events pan.
    scene.drag = (450, 420)
    scene.drag_moved = True
    frame_times: dict[str, list[float]] = {}
    all_times: list[float] = []
    for part, events in script(args.frames):
        if part == "drag, zoomed in" and scene.drag is None:
            scene.drag, scene.drag_moved = (450, 420), True
        t = time.perf_counter()
        app.step(events)
        dt = time.perf_counter() - t
        frame_times.setdefault(part, []).append(dt)
        all_times.append(dt)
    print(f"scenario {scenario}: window {app.screen.get_size()[0]} x {app.screen.get_size()[1]},"
          f" driver {pygame.display.get_driver()}, start-up {startup:.2f} s")
    for part, times in frame_times.items():
        fps = len(times) / sum(times)
        print(f"  {part:<30} {len(times):5d} frames  {fps:7.1f} fps   "
              f"median {statistics.median(times) * 1000:6.2f} ms   "
              f"slowest {max(times) * 1000:6.1f} ms")
    total = sum(all_times)
    print(f"  {'all':<30} {len(all_times):5d} frames  {len(all_times) / total:7.1f} fps   "
          f"median {statistics.median(all_times) * 1000:6.2f} ms   "
          f"slowest {max(all_times) * 1000:6.1f} ms   p95 "
          f"{sorted(all_times)[int(0.95 * len(all_times))] * 1000:6.2f} ms")
    print(f"  map tiles drawn: {scene.tiles.drawn}, zoom levels "
          f"{scene.levels.lo}..{scene.levels.hi}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
