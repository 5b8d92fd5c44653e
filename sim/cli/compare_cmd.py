"""`python main.py compare`: what a batch of runs says against history, and against each other.

One directory: each historical change of control (how often, when, how far off), each
district's control at the end against the 1994 ceasefire, losses against the source's
figures, territory over time. Several: the first is the baseline and each other one is put
beside it, difference and interval per figure, paired run by run when the batches share their
root seed. The HTML file holds everything (plots included) and opens offline; --json is the
contract for scripts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import sys

from sim.atomic import write_text_atomic
from sim.errors import UserError
from sim.history import date_phrase, load_timeline
from sim.report.batch_dir import read_batch
from sim.report.contrast import Contrast, contrast
from sim.report.districts import read_ceasefire
from sim.report.losses import read_losses
from sim.report.numbers import signed
from sim.report.summary import Summary, summarise
from sim.sides import SIDE_ADJECTIVES
from sim.theatre import load_theatre

EPILOG = """\
examples:
  python main.py compare runs/historical
  python main.py compare runs/historical --html report.html
  python main.py compare runs/historical runs/no-russian-arms --html lever.html
  python main.py compare runs/historical --json > numbers.json

DIR is a directory written by `python main.py batch` (docs/batch-format.md). With several,
the first is the baseline: each other batch is compared with it figure by figure (B - A),
paired run by run when both were run with the same --seed (run i of each shares its seed), so
the difference is the lever's effect and not the dice. Intervals are 95%: Wilson intervals for
shares of runs, bootstrap intervals (fixed seed, so the same input gives the same report) for
differences.

--json prints {"batches": [...], "contrasts": [...]}: per batch its manifest facts, "events"
(one object per historical capture: happened {k, n, share, lo, hi}, sim_date {median, p10,
p25, p75, p90}, days_from_history, in_window, verdict), "not_in_history", "districts",
"losses_total", "losses_vs_source", "territory", "contested_places"; per contrast "paired",
"pairs" and "rows" ({group, measure, unit, a, b, difference, lo, hi, clear}).
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="compare batches of runs with history and with each other",
        description="Compare the runs of a batch with history: changes of control, districts at\n"
        "the end, losses, territory over time. With several batches, what each changed\n"
        "against the first.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dirs", metavar="DIR", nargs="+", help="batch directory (python main.py batch)")
    p.add_argument("--html", metavar="FILE", help="write the report, plots included, to FILE")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.html is not None and not args.html.strip():
        raise UserError("--html: expected a file name")
    theatre = load_theatre()
    timeline = load_timeline()
    ceasefire = read_ceasefire(theatre=theatre)
    figures = read_losses()
    batches = [read_batch(d) for d in args.dirs]
    summaries = [summarise(b, timeline, theatre, ceasefire, figures) for b in batches]
    contrasts = [contrast(batches[0], b, timeline, theatre) for b in batches[1:]]
    if args.html:
        if importlib.util.find_spec("matplotlib") is None:
            raise UserError("--html draws its plots with matplotlib, which is not installed: "
                            "pip install matplotlib (or: pip install -e .)")
        from sim.report.html import render_report

        names = {p.id: p.name for p in theatre.places.values()}
        command = "python main.py compare " + " ".join(shlex.quote(d) for d in args.dirs)
        page = render_report(summaries, contrasts, theatre, names, command=command)
        try:
            write_text_atomic(args.html, page)
        except OSError as err:
            raise UserError(f"--html {args.html}: cannot write: {err.strerror or err}") from None
    if args.json:
        data = {"batches": [s.as_dict() for s in summaries],
                "contrasts": [c.as_dict() for c in contrasts]}
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif args.html:
        print(f"wrote {args.html}", file=sys.stderr)
    else:
        names = {p.id: p.name for p in theatre.places.values()}
        print(as_text(summaries, contrasts, names))
    return 0


def as_text(summaries: list[Summary], contrasts: list[Contrast], names: dict[str, str]) -> str:
    """A terminal summary: captures, districts and, for several batches, the differences."""
    lines = []
    for s in summaries:
        b = s.batch
        lines.append(f"{b.path}: {b.n} runs of {b.scenario} ({b.label})")
        lines.append("")
        lines.append(f"  {'capture':<30} {'in history':<34} {'happened':>8}  "
                     f"{'median date':<11}  median run")
        for o in s.events:
            e = o.event
            place = names.get(e.change.place, e.change.place) if e.change else "?"
            to = SIDE_ADJECTIVES.get(e.change.to_side, "?") if e.change else "?"
            med = o.median_date.isoformat() if o.median_date else "-"
            lines.append(f"  {place + ' -> ' + to:<30} {date_phrase(e):<34} "
                         f"{o.happened.value:>8.0%}  {med:<11}  {o.verdict()}")
        lines.append("")
        lines.append(f"  {'district':<14} {'Armenian share at the end':<26} ceasefire 1994")
        for d in s.districts:
            ref = "-" if d.history is None else f"{d.history.armenian_share:.0%}"
            sp = d.simulated
            sim = "-" if not sp.n else f"{sp.median:.0%} ({sp.p10:.0%}-{sp.p90:.0%})"
            lines.append(f"  {d.name:<14} {sim:<26} {ref}")
        lines.append("")
    for c in contrasts:
        lines.append(f"{c.b.label} against {c.a.label}: {c.note}")
        for r in c.rows:
            d = r.difference
            if not d.moved:
                continue
            scale = 100 if r.unit in ("share of runs", "share") else 1
            unit = " pts" if scale == 100 else " days" if r.unit == "date" else ""
            mark = "*" if d.clear else " "
            interval = (f"({signed(scale * d.lo)} to {signed(scale * d.hi)})" if d.lo == d.lo
                        else f"({d.n} runs: too few for an interval)")
            lines.append(f" {mark} {r.measure:<52} {signed(scale * d.mean):>9}{unit} {interval}")
        lines.append("")
    lines.append("* the 95% interval leaves out zero. --html FILE for the plots, --json for "
                 "every number.")
    return "\n".join(lines)
