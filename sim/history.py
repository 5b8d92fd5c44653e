"""The historical timeline, so a simulated war can be told beside the real one.

`scenarios/timeline.toml` lists what happened from late 1991 to May 1994, each event with a
window of plausible dates and a quote from the source text. The game log uses it to say "Shusha
captured on 1992-04-18 — in history on 8–9 May 1992, three weeks later" or "In history Lachin
fell on 18–19 May 1992; here the Azerbaijani garrison holds". Because those notes put words in
the source's mouth, every quote is checked against the copy of the source kept in
`scenarios/source/` (never anything outside the project), and under the heading the event
names, so a misquotation is a load error, not a line in a player's log.

    timeline = load_timeline()
    event = timeline.match_capture("shusha", "armenian", date(1992, 4, 18))
    timeline.date_phrase(event)                        # "8–9 May 1992"
    timeline.compare_dates(date(1992, 4, 18), event)   # "three weeks earlier"
"""

from __future__ import annotations

import calendar
import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sim.errors import UserError
from sim.scenario.fields import Fields
from sim.scenario.load import read_toml
from sim.scenario.model import Origin
from sim.scenario.paths import SCENARIOS_DIR, display_path
from sim.scenario.problems import Report, ScenarioError, describe, suggest
from sim.sides import SIDE_IDS
from sim.theatre import Theatre, load_theatre

__all__ = [
    "ACTORS",
    "DEFAULT_SOURCE",
    "DEFAULT_TIMELINE",
    "KINDS",
    "Change",
    "HistoricalEvent",
    "SourceText",
    "Timeline",
    "TimelineError",
    "compare_dates",
    "date_phrase",
    "load_timeline",
]

DEFAULT_TIMELINE = SCENARIOS_DIR / "timeline.toml"
DEFAULT_SOURCE = SCENARIOS_DIR / "source" / "first-nagorno-karabakh-war.txt"

KINDS: tuple[str, ...] = (
    "capture", "offensive", "repulse", "battle", "bombardment", "blockade", "supply",
    "atrocity", "displacement", "political", "negotiation", "ceasefire", "aid",
    "mobilisation", "withdrawal",
)
ACTORS: tuple[str, ...] = (
    *SIDE_IDS, "soviet", "cis", "russia", "turkey", "iran", "kazakhstan", "united-states",
    "european-community", "united-nations", "csce",
)
EVENT_KEYS: tuple[str, ...] = (
    "id", "date", "end_date", "date_text", "place", "places", "district", "kind", "by",
    "against", "to", "change", "summary", "quote", "section", "source", "key", "estimate",
    "why", "note",
)
CHANGE_KEYS: tuple[str, ...] = ("place", "from_side", "to_side")

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADING = re.compile(r"^(=+)\s*(.*?)\s*\1\s*$")
_MONTHS = (
    "", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)
_NUMBERS = (
    "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve",
)


class TimelineError(ScenarioError):
    """A timeline file that cannot be used, with every problem found in it."""


@dataclass(frozen=True, slots=True)
class Change:
    """Who held a place before and after a historical capture."""

    place: str
    from_side: str
    to_side: str


@dataclass(frozen=True, slots=True)
class HistoricalEvent:
    """One event of the timeline; `date`..`end_date` is the window of plausible days.

    `place` is set when the event has one place, `places` holds all of them (ids from
    scenarios/theatre/places.toml). `by`, `against` and `to` are actor ids (see ACTORS).
    """

    id: str
    date: date
    end_date: date
    date_text: str
    kind: str
    summary: str
    quote: str
    section: str
    source: str
    place: str | None = None
    places: tuple[str, ...] = ()
    district: str | None = None
    by: tuple[str, ...] = ()
    against: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    change: Change | None = None
    key: bool = False
    estimate: bool = False
    why: str | None = None
    note: str | None = None
    line: int | None = None

    def contains(self, day: date) -> bool:
        return self.date <= day <= self.end_date

    def days_from(self, day: date) -> int:
        """Days between `day` and the window: 0 inside it, negative before, positive after."""
        if day < self.date:
            return (day - self.date).days
        if day > self.end_date:
            return (day - self.end_date).days
        return 0

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON types, every key always present (null or [] when unset) for scripts."""
        change = None
        if self.change is not None:
            change = {
                "place": self.change.place,
                "from_side": self.change.from_side,
                "to_side": self.change.to_side,
            }
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "date_text": self.date_text,
            "date_phrase": date_phrase(self),
            "place": self.place,
            "places": list(self.places),
            "district": self.district,
            "kind": self.kind,
            "by": list(self.by),
            "against": list(self.against),
            "to": list(self.to),
            "change": change,
            "summary": self.summary,
            "quote": self.quote,
            "section": self.section,
            "source": self.source,
            "key": self.key,
            "estimate": self.estimate,
            "why": self.why,
            "note": self.note,
        }


# --- the source text ---------------------------------------------------------------------------


class SourceText:
    """The source with whitespace runs made single spaces, and where each heading's part starts.

    Quotes are compared after the same normalisation, so a line break or a double space in the
    plain-text copy never makes an exact quote fail, and nothing else is forgiven.
    """

    def __init__(self, text: str) -> None:
        parts: list[str] = []
        offset = 0
        self.headings: list[tuple[int, str]] = []
        for raw in text.splitlines():
            match = _HEADING.match(raw.strip())
            words = raw.split()
            if not words:
                continue
            start = offset + (1 if parts else 0)
            if match and match.group(2):
                self.headings.append((start, match.group(2)))
            parts.append(" ".join(words))
            offset = start + len(parts[-1])
        self.normal = " ".join(parts)
        self.words = self.normal.split(" ") if self.normal else []
        self._keys = [_fold(w) for w in self.words]
        self._matcher: difflib.SequenceMatcher | None = None

    @classmethod
    def read(cls, path: Path) -> SourceText:
        try:
            return cls(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as err:
            reason = getattr(err, "strerror", None) or str(err)
            message = f"{display_path(path)}: cannot read the source text: {reason}"
            raise UserError(message) from None

    @property
    def section_names(self) -> list[str]:
        return [name for _, name in self.headings]

    def section_at(self, offset: int) -> str | None:
        """The heading under which the normalised text at `offset` stands."""
        found = None
        for start, name in self.headings:
            if start > offset:
                break
            found = name
        return found

    def sections_of(self, quote: str) -> list[str | None]:
        """The heading of every place the quote stands in, in order; [] when it is nowhere."""
        needle = normalise(quote)
        out: list[str | None] = []
        if not needle:
            return out
        i = self.normal.find(needle)
        while i >= 0:
            out.append(self.section_at(i))
            i = self.normal.find(needle, i + 1)
        return out

    def closest_passage(self, quote: str) -> str | None:
        """The stretch of source a misquote was most likely meant to copy.

        Cheap: one word-level search for the longest run of words the two share, then an
        alignment of the quote with the text around that run, from the first to the last word
        they agree on. None when fewer than three words in a row agree.
        """
        words = [_fold(w) for w in normalise(quote).split(" ")]
        if not words or not self.words:
            return None
        if self._matcher is None:
            self._matcher = difflib.SequenceMatcher(None, autojunk=False)
            self._matcher.set_seq2(self._keys)
        self._matcher.set_seq1(words)
        match = self._matcher.find_longest_match(0, len(words), 0, len(self.words))
        if match.size < 3:
            return None
        slack = max(5, len(words) // 2)
        lo = max(0, match.b - match.a - slack)
        hi = min(len(self.words), match.b + len(words) - match.a + slack)
        around = self._keys[lo:hi]
        blocks = [
            b for b in difflib.SequenceMatcher(None, words, around, autojunk=False)
            .get_matching_blocks() if b.size
        ]
        first, last = blocks[0], blocks[-1]
        start = lo + first.b - first.a
        end = lo + last.b + last.size + (len(words) - last.a - last.size)
        return " ".join(self.words[max(lo, start) : min(hi, end)])


def _fold(word: str) -> str:
    """A word for matching only, case and punctuation ignored: "Nakhchivan," is "nakhchivan"."""
    return "".join(ch for ch in word.casefold() if ch.isalnum()) or word


def normalise(text: str) -> str:
    """Runs of whitespace as one space, ends trimmed: the only liberty a quote may take."""
    return " ".join(text.split())


# --- loading -------------------------------------------------------------------------------


def load_timeline(
    path: str | Path | None = None,
    *,
    source: str | Path | None = None,
    theatre: Theatre | None = None,
) -> Timeline:
    """The timeline, checked against the source text and the map; loaded once per file.

    Raises TimelineError (a UserError) listing every problem, each with its file and line.
    """
    timeline_path = Path(path) if path is not None else DEFAULT_TIMELINE
    source_path = Path(source) if source is not None else DEFAULT_SOURCE
    if theatre is not None:
        return _load(timeline_path.resolve(), source_path.resolve(), theatre)
    return _load_cached(timeline_path.resolve(), source_path.resolve())


@functools.lru_cache(maxsize=8)
def _load_cached(timeline_path: Path, source_path: Path) -> Timeline:
    return _load(timeline_path, source_path, load_theatre())


def _load(timeline_path: Path, source_path: Path, theatre: Theatre) -> Timeline:
    source = SourceText.read(source_path)
    report = Report()
    display = display_path(timeline_path)
    doc = read_toml(report, timeline_path, display).doc
    events: list[HistoricalEvent] = []
    if doc is not None:
        top = Fields(report, Origin(display), doc, ("events",))
        if "events" not in doc:
            top.problem((), 'missing key "events" (expected [[events]] tables)')
        reader = _EventReader(report, display, source, theatre)
        for i, table in top.tables("events"):
            event = reader.read(i, table)
            if event is not None:
                events.append(event)
        reader.check_unique()
    if report:
        raise TimelineError(report.problems)
    events.sort(key=lambda e: (e.date, e.end_date))
    return Timeline(tuple(events), timeline_path, source_path)


class _EventReader:
    """Reads `[[events]]` tables one by one, reporting problems with file, line and event id."""

    def __init__(self, report: Report, file: str, source: SourceText, theatre: Theatre) -> None:
        self.report = report
        self.file = file
        self.source = source
        self.theatre = theatre
        self.seen: dict[str, list[Origin]] = {}

    def read(self, index: int, table: dict) -> HistoricalEvent | None:
        origin = Origin(self.file, ("events", index))
        f = Fields(self.report, origin, table, EVENT_KEYS)
        before = len(self.report.problems)
        event_id = f.text("id", required=True)
        if event_id is not None:
            if not _SLUG.match(event_id):
                f.problem("id", expected="a lowercase slug like \"shusha-captured\"",
                          found=describe(event_id))
            self.seen.setdefault(event_id, []).append(origin)
        name = f'event "{event_id}"' if event_id else f"events[{index}]"

        start = f.date("date", required=True)
        end = f.date("end_date")
        if start is not None and end is not None and end < start:
            f.problem("end_date", f"{name}: end_date {end.isoformat()} is before date "
                                  f"{start.isoformat()}")
        date_text = f.text("date_text", required=True)
        kind = f.choice("kind", KINDS, required=True)
        summary = f.text("summary", required=True)
        key = f.flag("key", default=False)
        estimate = f.flag("estimate", default=False)
        why = f.text("why")
        note = f.text("note")
        if estimate and why is None and "why" not in table:
            f.problem((), f"{name}: estimate = true needs a 'why' saying how the date was derived")
        if "why" in table and not estimate:
            f.problem("why", f"{name}: 'why' goes with estimate = true")

        places = self._places(f, name)
        district = self._district(f)
        by = self._actors(f, "by")
        against = self._actors(f, "against")
        to = self._actors(f, "to")
        change = self._change(f, name, kind, places, by)
        quote, section, source = self._citation(f, name)

        if len(self.report.problems) > before:
            return None
        assert event_id and start and date_text and kind and summary and quote and section
        assert source is not None
        return HistoricalEvent(
            id=event_id,
            date=start,
            end_date=end or start,
            date_text=date_text,
            kind=kind,
            summary=summary,
            quote=quote,
            section=section,
            source=source,
            place=places[0] if "place" in table else None,
            places=places,
            district=district,
            by=by,
            against=against,
            to=to,
            change=change,
            key=bool(key),
            estimate=bool(estimate),
            why=why,
            note=note,
            line=self.report.line_of(origin),
        )

    def check_unique(self) -> None:
        for event_id, origins in self.seen.items():
            for origin in origins[1:]:
                first = self.report.where(origins[0])
                self.report.add(origin, ("id",), f'event id "{event_id}" is used twice '
                                                 f"(also at {first})")

    # --- parts of an event ----------------------------------------------------------

    def _place_id(self, f: Fields, path: tuple, value: str) -> str | None:
        if value in self.theatre.places:
            return value
        known = self.theatre.find_place(value)
        hint = known.id if known is not None else suggest(value, list(self.theatre.places))
        f.problem(path, f"{describe(value)} is not a place id in scenarios/theatre/places.toml",
                  suggestion=hint)
        return None

    def _places(self, f: Fields, name: str) -> tuple[str, ...]:
        if f.has("place") and f.has("places"):
            f.problem("places", f"{name}: give 'place' or 'places', not both")
        out: list[str] = []
        if f.has("place"):
            value = f.text("place")
            if value is not None and (pid := self._place_id(f, ("place",), value)):
                out.append(pid)
        elif f.has("places"):
            names = f.texts("places")
            if not names and isinstance(f.table.get("places"), list):
                f.problem("places", f"{name}: 'places' is empty; leave it out instead")
            for i, value in enumerate(names):
                pid = self._place_id(f, ("places", i), value)
                if pid is not None and pid in out:
                    f.problem(("places", i), f"{name}: place {describe(pid)} is listed twice")
                elif pid is not None:
                    out.append(pid)
        return tuple(out)

    def _district(self, f: Fields) -> str | None:
        value = f.text("district")
        if value is None:
            return None
        ids = [d.id for d in self.theatre.districts]
        if value not in ids:
            f.problem("district", f"{describe(value)} is not a district id in "
                                  "scenarios/theatre/districts.toml",
                      suggestion=suggest(value, ids))
            return None
        return value

    def _actors(self, f: Fields, key: str) -> tuple[str, ...]:
        if not f.has(key):
            return ()
        value = f.table[key]
        items = [value] if isinstance(value, str) else value
        what = "an actor id or an array of them: " + ", ".join(ACTORS)
        if not isinstance(items, list) or not items:
            f.problem(key, expected=what, found=describe(value))
            return ()
        out = []
        for i, item in enumerate(items):
            path = (key,) if isinstance(value, str) else (key, i)
            if item in ACTORS:
                out.append(item)
            elif isinstance(item, str):
                f.problem(path, f"{describe(item)} is not a known actor ({', '.join(ACTORS)})",
                          suggestion=suggest(item, ACTORS))
            else:
                f.problem(path, expected=what, found=describe(item))
        return tuple(out)

    def _change(
        self,
        f: Fields,
        name: str,
        kind: str | None,
        places: tuple[str, ...],
        by: tuple[str, ...],
    ) -> Change | None:
        table = f.table_of("change")
        if table is None:
            if kind == "capture" and not f.has("change"):
                f.problem((), f"{name}: a capture needs change = {{ place, from_side, to_side }}")
            return None
        if kind is not None and kind != "capture":
            f.problem("change", f'{name}: only kind = "capture" has a change (kind is "{kind}")')
        c = Fields(self.report, Origin(self.file, f.origin.path + ("change",)), table, CHANGE_KEYS)
        place = c.text("place", required=True)
        from_side = c.choice("from_side", SIDE_IDS, required=True)
        to_side = c.choice("to_side", SIDE_IDS, required=True)
        pid = self._place_id(c, ("place",), place) if place is not None else None
        if pid is not None and self.theatre.places[pid].index is None:
            c.problem("place", f"{name}: {describe(pid)} lies off the map; a capture needs a place "
                               "on it")
        if pid is not None and not f.has("place") and not f.has("places"):
            f.problem((), f'{name}: a capture needs place = "{pid}", the place of its change')
        if pid is not None and places and pid not in places:
            c.problem("place", f"{name}: the change is at {describe(pid)} but the event's place is "
                               f"{', '.join(describe(p) for p in places)}")
        if from_side is not None and from_side == to_side:
            c.problem("to_side", f"{name}: from_side and to_side are both {describe(to_side)}")
        if to_side is not None and by and to_side not in by:
            f.problem("by", f"{name}: the capture goes to {describe(to_side)} but 'by' is "
                            f"{', '.join(describe(b) for b in by)}")
        if pid is None or from_side is None or to_side is None:
            return None
        return Change(pid, from_side, to_side)

    def _citation(self, f: Fields, name: str) -> tuple[str | None, str | None, str | None]:
        quote = f.text("quote", required=True)
        section = f.text("section", required=True)
        source = f.text("source", required=True)
        headings = self.source.section_names
        if section is not None and section not in headings:
            f.problem("section", f"{name}: {describe(section)} is not a heading of the source text",
                      suggestion=suggest(section, headings))
            section = None
        if section is not None and source is not None and not (
            source == f"source §{section}" or source.startswith(f"source §{section};")
        ):
            f.problem("source", f'{name}: expected "source §{section}" (optionally followed by '
                                f'"; " and more references), found {describe(source)}')
        if quote is None:
            return None, section, source
        found_in = self.source.sections_of(quote)
        if not found_in:
            message = f"{name}: the quote is not verbatim in the source text"
            passage = self.source.closest_passage(quote)
            if passage is not None:
                message += f'; the closest passage reads: "{passage}"'
            f.problem("quote", message)
        elif section is not None and section not in found_in:
            where = ", ".join(f"§{s}" for s in dict.fromkeys(found_in))
            f.problem("section", f"{name}: the quote stands under {where}, not §{section}")
        return quote, section, source


# --- dates in words ------------------------------------------------------------------------


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _day(d: date, year: bool = True) -> str:
    text = f"{d.day} {_MONTHS[d.month]}"
    return f"{text} {d.year}" if year else text


def date_phrase(event: HistoricalEvent) -> str:
    """The event's window as a writer would put it, following the file's conventions.

    "8 May 1992", "8–9 May 1992", "early June 1993", "mid-August 1993", "late June 1993",
    "May 1992", "1993", "early 1994", "mid-1992", "late 1991", "winter 1991–92", else the two
    ends ("4 July – 20 August 1993"). An estimated window reads the same; check `estimate`.
    """
    a, b = event.date, event.end_date
    if a == b:
        return _day(a)
    whole_months = a.day == 1 and b.day == _last_day(b.year, b.month)
    if a.year == b.year:
        y = a.year
        if a.month == b.month:
            month = f"{_MONTHS[a.month]} {y}"
            if whole_months:
                return month
            if (a.day, b.day) == (1, 10):
                return f"early {month}"
            if (a.day, b.day) == (10, 20):
                return f"mid-{month}"
            if a.day == 21 and b.day == _last_day(y, b.month):
                return f"late {month}"
            return f"{a.day}–{b.day} {month}"
        if whole_months:
            named = {(1, 12): f"{y}", (1, 4): f"early {y}", (5, 8): f"mid-{y}",
                     (9, 12): f"late {y}", (1, 6): f"the first half of {y}"}
            if (a.month, b.month) in named:
                return named[(a.month, b.month)]
            return f"{_MONTHS[a.month]}–{_MONTHS[b.month]} {y}"
        return f"{_day(a, year=False)} – {_day(b)}"
    if whole_months and b.year == a.year + 1 and (a.month, b.month) == (12, 2):
        return f"winter {a.year}–{str(b.year)[-2:]}"
    if whole_months:
        return f"{_MONTHS[a.month]} {a.year} – {_MONTHS[b.month]} {b.year}"
    return f"{_day(a)} – {_day(b)}"


def _span(days: int) -> str:
    """A length of time in words: "1 day", "4 days", "three weeks", "a year and two months"."""
    if days < 14:
        return f"{days} day" + ("" if days == 1 else "s")
    weeks = round(days / 7)
    if days < 63:
        return f"{_NUMBERS[weeks]} weeks"
    months = round(days / 30.44)
    if months < 12:
        return f"{_NUMBERS[months]} months"
    years, months = divmod(months, 12)
    head = "a year" if years == 1 else f"{_word(years)} years"
    if months == 0:
        return head
    tail = "a month" if months == 1 else f"{_NUMBERS[months]} months"
    return f"{head} and {tail}"


def _word(n: int) -> str:
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)


def compare_dates(sim_date: date, event: HistoricalEvent) -> str:
    """How a simulated date stands to the event's window: "on the historical date", "three
    weeks earlier", "4 days later". Anywhere inside the window counts as on time; outside it,
    the distance is counted from the nearer end."""
    offset = event.days_from(sim_date)
    if offset == 0:
        return "on the historical date"
    return f"{_span(abs(offset))} {'earlier' if offset < 0 else 'later'}"


# --- the timeline --------------------------------------------------------------------------


class Timeline:
    """The events in order of their first day, with the look-ups the game log needs."""

    def __init__(
        self,
        events: tuple[HistoricalEvent, ...],
        path: Path | None = None,
        source_path: Path | None = None,
    ) -> None:
        self.events = events
        self.path = path
        self.source_path = source_path
        self._by_id = {e.id: e for e in events}

    def __repr__(self) -> str:
        return f"Timeline({len(self.events)} events)"

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[HistoricalEvent]:
        return iter(self.events)

    def get(self, event_id: str) -> HistoricalEvent | None:
        """An event by id, as a scenario event's `history` key names it."""
        return self._by_id.get(event_id)

    def captures(self) -> list[HistoricalEvent]:
        """The changes of control, in date order."""
        return [e for e in self.events if e.change is not None]

    def match_capture(self, place_id: str, to_side: str, day: date) -> HistoricalEvent | None:
        """The historical capture of the same place by the same side nearest to `day`.

        A place that changed hands several times (Mardakert, Horadiz, the Omar Pass) matches the
        capture whose window lies nearest; on a tie, the earlier one. None if history has none.
        """
        candidates = [
            e for e in self.captures()
            if e.change is not None and e.change.place == place_id and e.change.to_side == to_side
        ]
        if not candidates:
            return None
        return min(candidates, key=lambda e: (abs(e.days_from(day)), e.date))

    def due(self, after: date, upto: date) -> list[HistoricalEvent]:
        """Events whose window ends in (after, upto]: history a turn from `after` to `upto` has
        passed, so the log can say what happened then. Consecutive turns never repeat one."""
        return [e for e in self.events if after < e.end_date <= upto]

    def between(self, start: date | None = None, end: date | None = None) -> list[HistoricalEvent]:
        """Events whose window overlaps [start, end] (either end open when None)."""
        return [
            e for e in self.events
            if (start is None or e.end_date >= start) and (end is None or e.date <= end)
        ]

    @staticmethod
    def date_phrase(event: HistoricalEvent) -> str:
        return date_phrase(event)

    @staticmethod
    def compare_dates(sim_date: date, event: HistoricalEvent) -> str:
        return compare_dates(sim_date, event)

