"""Time a full-map render: the window's size (1280 x 800) and the printed sheet (2400 wide).

    python benchmarks/bench_render.py [--repeat N] [--synthetic]

Reports the mean and best of N renders of the map alone (what a window frame redraws) and of
the whole sheet (legend, title, credits), plus the one-off cost of building the renderer.
Uses the real theatre when `scenarios/theatre/map.npz` exists, otherwise a synthetic one of
about the same size. Timing lives here, never in the tests.
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

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from sim.sides import ARMENIAN, AZERBAIJANI, NEUTRAL  # noqa: E402
from sim.ui import init_pygame  # noqa: E402
from sim.ui.map_render import MapRenderer  # noqa: E402
from sim.ui.sheet import render_sheet  # noqa: E402
from sim.ui.view import MapView  # noqa: E402


def load(synthetic: bool):
    if not synthetic and (ROOT / "scenarios" / "theatre" / "map.npz").exists():
        from sim.theatre import load_theatre

        return load_theatre(), "real theatre"
    sys.path.insert(0, str(ROOT / "tests"))
    from test_map_render import synthetic_theatre

    theatre = synthetic_theatre(64, 74)
    return theatre, "synthetic theatre"


def country_control(theatre) -> np.ndarray:
    codes = {"ARM": ARMENIAN, "AZE": AZERBAIJANI}
    table = np.array([codes.get(c, NEUTRAL) for c in theatre.country_codes], dtype=np.int8)
    return table[np.asarray(theatre.country)]


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def report(name: str, times: list[float]) -> None:
    print(
        f"{name:<38} mean {statistics.mean(times) * 1000:8.1f} ms   "
        f"best {min(times) * 1000:8.1f} ms   (n={len(times)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="renders per case (default 5)")
    parser.add_argument("--synthetic", action="store_true", help="use the synthetic theatre")
    args = parser.parse_args()

    init_pygame()
    theatre, what = load(args.synthetic)
    control = country_control(theatre)
    print(f"{what}: {theatre.n} hexes, {len(theatre.places)} places")

    report("build MapRenderer", timed(lambda: MapRenderer(theatre), max(1, args.repeat // 2)))
    renderer = MapRenderer(theatre)

    for w, h in ((1280, 800), (2400, None)):
        if h is None:
            from sim.ui.sheet import sheet_height

            h = sheet_height(renderer, w)
        surface = pygame.Surface((w, h))
        view = MapView.fit(renderer.bounds_km(), w, h)
        renderer.draw(surface, view, control)  # warm caches (fills, fonts)
        report(
            f"map only {w} x {h}",
            timed(lambda s=surface, v=view: renderer.draw(s, v, control), args.repeat),
        )
        report(
            f"whole sheet {w} x {h}",
            timed(
                lambda w=w, h=h: render_sheet(theatre, control, w, h, renderer=renderer),
                args.repeat,
            ),
        )
    zoomed = MapView.fit(renderer.bounds_km(), 1280, 800).zoomed(3.0)
    surface = pygame.Surface((1280, 800))
    report(
        "map zoomed x3 1280 x 800",
        timed(lambda: renderer.draw(surface, zoomed, control), args.repeat),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
