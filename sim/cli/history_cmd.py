"""`python main.py history`: the historical timeline the game compares itself with.

Loading it checks every quote against the source text, so the command doubles as the check a
writer runs after editing scenarios/timeline.toml. The JSON form is a contract for scripts: a
list of objects with the same keys for every event.
"""

from __future__ import annotations

import argparse
import calendar
import json
import re
import shutil
import textwrap
from datetime import date

from sim.errors import UserError
from sim.history import KINDS, HistoricalEvent, date_phrase, load_timeline
from sim.scenario.problems import suggest
from sim.theatre import load_theatre

EPILOG = """\
examples:
  python main.py history
  python main.py history --kind capture --key
  python main.py history --from 1993-06 --to 1993-10
  python main.py history --kind capture,ceasefire --json

--from and --to take a day (1992-05-09), a month (1992-05) or a year (1992); an event is
listed when its window of dates overlaps the span. In the table "~" marks a date window
derived from the source's wording (the source gives the event no date of its own; --json
gives the reasoning in "why") and "*" a key change of control.

--json prints a list of objects with id, date, end_date (ISO dates; end_date equals date for
a single day), date_text, date_phrase, place, places, district, kind, by, against, to, change
({place, from_side, to_side} or null), summary, quote, section, source, key, estimate, why
and note. by, against, to and places are lists.

Quotes are from the English Wikipedia article "First Nagorno-Karabakh War" (CC BY-SA 4.0);
see scenarios/source/README.md.
"""

_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "history",
        help="list the historical events the game compares itself with",
        description="List the historical timeline, late 1991 to May 1994: each event's dates,\n"
        "place, kind, what changed, and the source's own words.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument(
        "--kind",
        action="append",
        metavar="KIND",
        help=f"only events of this kind (repeat or separate with commas): {', '.join(KINDS)}",
    )
    p.add_argument("--from", dest="start", metavar="DATE", help="only events on or after DATE")
    p.add_argument("--to", dest="end", metavar="DATE", help="only events on or before DATE")
    p.add_argument("--key", action="store_true", help="only the key changes of control")
    p.add_argument(
        "--timeline",
        metavar="PATH",
        help="read this timeline file instead of scenarios/timeline.toml (to check an edit)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    kinds = _kinds(args.kind)
    start = _bound(args.start, "--from", last=False)
    end = _bound(args.end, "--to", last=True)
    if start is not None and end is not None and end < start:
        raise UserError(f"--to {args.end} is before --from {args.start}")
    timeline = load_timeline(args.timeline)
    events = [
        e for e in timeline.between(start, end)
        if (not kinds or e.kind in kinds) and (not args.key or e.key)
    ]
    if args.json:
        print(json.dumps([e.as_dict() for e in events], indent=2, ensure_ascii=False))
    elif events:
        print(as_table(events))
    else:
        print("no events match")
    return 0


def _kinds(given: list[str] | None) -> set[str]:
    kinds = {k.strip() for item in given or () for k in item.split(",") if k.strip()}
    for kind in sorted(kinds):
        if kind not in KINDS:
            hint = suggest(kind, KINDS)
            raise UserError(
                f'--kind: unknown kind "{kind}"'
                + (f' (did you mean "{hint}"?)' if hint else f"; kinds are: {', '.join(KINDS)}")
            )
    return kinds


def _bound(text: str | None, option: str, last: bool) -> date | None:
    """A day, month or year; a month or year means its first day (--from) or last (--to)."""
    if text is None:
        return None
    match = _DAY.match(text.strip())
    try:
        if not match:
            raise ValueError
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else (12 if last else 1)
        if match.group(3):
            day = int(match.group(3))
        else:
            day = calendar.monthrange(year, month)[1] if last else 1
        return date(year, month, day)
    except ValueError:
        raise UserError(
            f"{option}: expected a date like 1992-05-09, 1992-05 or 1992, found {text!r}"
        ) from None


def as_table(events: list[HistoricalEvent]) -> str:
    """Date, place and kind in columns; under each row the summary, then the quote, wrapped."""
    names = {p.id: p.name for p in load_theatre().places.values()}
    width = max(72, min(120, shutil.get_terminal_size((100, 24)).columns))
    rows = [(_date_cell(e), _place_cell(e, names), _kind_cell(e)) for e in events]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    head = ("date", "place", "kind")
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()]
    for event, row in zip(events, rows, strict=True):
        lines.append("")
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        lines.extend(textwrap.wrap(event.summary, width, initial_indent="    ",
                                   subsequent_indent="    ", break_on_hyphens=False))
        quote = f"\u201c{event.quote}\u201d \u2014 {event.source}"
        lines.extend(textwrap.wrap(quote, width, initial_indent="      ",
                                   subsequent_indent="       ", break_on_hyphens=False))
    lines.append("")
    lines.append(
        f"{len(events)} event{'s' if len(events) != 1 else ''}.  ~ date derived from the "
        "source's wording   * key change of control"
    )
    lines.append(
        'Quotes: English Wikipedia, "First Nagorno-Karabakh War", CC BY-SA 4.0 '
        "(scenarios/source/README.md)."
    )
    return "\n".join(lines)


def _date_cell(event: HistoricalEvent) -> str:
    return ("~" if event.estimate else " ") + date_phrase(event)


def _place_cell(event: HistoricalEvent, names: dict[str, str]) -> str:
    """Every place's name while they fit in 28 characters, then "+n" for the rest."""
    if not event.places:
        return "-"
    shown = [names.get(event.places[0], event.places[0])]
    for pid in event.places[1:]:
        name = names.get(pid, pid)
        rest = len(event.places) - len(shown) - 1
        if len(", ".join([*shown, name])) + (len(f" +{rest}") if rest else 0) > 28:
            break
        shown.append(name)
    more = len(event.places) - len(shown)
    return ", ".join(shown) + (f" +{more}" if more else "")


def _kind_cell(event: HistoricalEvent) -> str:
    return event.kind + (" *" if event.key else "")
