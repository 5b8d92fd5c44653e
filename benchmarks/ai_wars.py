"""Many whole wars played by the AI on both sides: how often each side ends holding the key
places, how the wars end, and how long one takes.

    python benchmarks/ai_wars.py [SCENARIO] [--seeds 100] [--workers 2] [--level 2]
                                 [--compare historical]

SCENARIO defaults to the whole war (`1992-1994-war`). For each seed 0..N-1 a game is played
from the first day to its end with both sides given to the AI (`--sources draw`, so the
sources' ranges are drawn anew too). Printed: for Stepanakert, Shusha, Lachin, Kalbajar and
Agdam the share of seeds in which each side holds it at the end; how the wars ended and on
which date (earliest, median, latest); in how many wars each place first changed hands, and
when (the date of the turn it fell, earliest, median and latest), so a war lost in spring 1993
tells apart from one lost in the last week; and the seconds a war took in its worker process
(target: under 20 s on one core). With `--compare KIND` the same seeds are played with both
sides given to that controller kind (the historical plan, once it is registered) and its
figures are printed beside the AI's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.controllers import KINDS, make_controller  # noqa: E402
from sim.rules.end import COLLAPSE_BELOW  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from sim.session import Session  # noqa: E402
from sim.sides import SIDE_ADJECTIVES, SIDE_IDS  # noqa: E402

PLACES = ("stepanakert", "shusha", "lachin", "kalbajar", "agdam")
WAR_TARGET_S = 20.0

_SCENARIOS: dict[str, object] = {}


def play_one(job: tuple[str, int, str, int]) -> dict:
    """One whole game in a worker: who holds the places at the end, how and when it ended."""
    scenario_id, seed, kind, level = job
    scenario = _SCENARIOS.get(scenario_id)
    if scenario is None:
        scenario = _SCENARIOS[scenario_id] = load_scenario(scenario_id)
    options = {"level": level} if kind == "ai" else {}
    controllers = {side: make_controller(kind, side, **options) for side in SIDE_IDS}
    t0 = time.perf_counter()
    session = Session.new(scenario, seed, "draw", controllers)
    session.play()
    seconds = time.perf_counter() - t0
    state = session.state
    first_lost: dict[str, str] = {}
    for entry in session.log:
        place = entry.data.get("place") if entry.kind == "capture" else None
        if place in PLACES and place not in first_lost:
            first_lost[place] = entry.date.isoformat()
    return {
        "seed": seed,
        "holders": {p: state.holder_of(p) for p in PLACES if p in state.theatre.places},
        "first_lost": first_lost,
        "ended": session.end_reason,
        "collapsed": [s for s in SIDE_IDS if state.national_morale.get(s, 1.0) < COLLAPSE_BELOW],
        "last_day": state.date_of(len(session.turns)).isoformat(),
        "turns": len(session.turns),
        "seconds": seconds,
    }


def run(scenario_id: str, seeds: int, workers: int, kind: str, level: int) -> list[dict]:
    jobs = [(scenario_id, seed, kind, level) for seed in range(seeds)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(play_one, jobs))


def report(title: str, results: list[dict]) -> list[str]:
    n = len(results)
    lines = [f"{title}: {n} wars"]
    lines.append(f"  {'place':<12}" + "".join(f"{SIDE_ADJECTIVES[s]:>14}" for s in SIDE_IDS))
    for place in PLACES:
        held = Counter(r["holders"].get(place, "") for r in results)
        row = "".join(f"{held[s] / n:>14.0%}" for s in SIDE_IDS)
        lines.append(f"  {place:<12}{row}")
    lines.append("  first change of hands (wars; earliest, median, latest turn date):")
    for place in PLACES:
        dates = sorted(r["first_lost"][place] for r in results if place in r["first_lost"])
        when = "; " + ", ".join(_spread(dates)) if dates else ""
        lines.append(f"    {place:<12}{len(dates):>4}{when}")
    ended = Counter(_ending(r) for r in results)
    lines.append("  ended: " + ", ".join(f"{k} {v}" for k, v in ended.most_common()))
    first, median, last = _spread(sorted(r["last_day"] for r in results))
    lines.append(f"  last day: earliest {first}, median {median}, latest {last}")
    turns = [r["turns"] for r in results]
    secs = [r["seconds"] for r in results]
    verdict = "ok" if statistics.mean(secs) < WAR_TARGET_S else f"over {WAR_TARGET_S:g} s"
    lines.append(
        f"  turns: mean {statistics.mean(turns):.1f}; seconds a war: mean"
        f" {statistics.mean(secs):.2f}, max {max(secs):.2f} ({verdict})"
    )
    return lines


def _spread(dates: list[str]) -> tuple[str, str, str]:
    """Earliest, median and latest of sorted ISO dates."""
    return dates[0], dates[len(dates) // 2], dates[-1]


def _ending(result: dict) -> str:
    """'collapse (Azerbaijani)', 'end_date'…: why a war ended and, for a collapse, whose."""
    who = " and ".join(SIDE_ADJECTIVES[s] for s in result["collapsed"])
    return f"{result['ended']} ({who})" if who else result["ended"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="1992-1994-war")
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--level", type=int, choices=(1, 2, 3), default=2)
    parser.add_argument("--compare", metavar="KIND", help="also play the seeds with this kind")
    args = parser.parse_args()
    load_scenario(args.scenario)  # a bad name fails here, not in every worker
    t0 = time.perf_counter()
    lines = report(
        f"AI level {args.level} vs AI level {args.level} on {args.scenario}",
        run(args.scenario, args.seeds, args.workers, "ai", args.level),
    )
    print("\n".join(lines))
    print(f"  wall time {time.perf_counter() - t0:.1f} s on {args.workers} workers")
    if args.compare:
        if args.compare not in KINDS:
            print(f"(no controller kind {args.compare!r} yet; known: {', '.join(KINDS)})")
            return
        results = run(args.scenario, args.seeds, args.workers, args.compare, args.level)
        print("\n".join(report(f"{args.compare} vs {args.compare} on {args.scenario}", results)))


if __name__ == "__main__":
    main()
