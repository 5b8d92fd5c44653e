"""The comparison as one HTML file that opens anywhere, offline, and can be mailed as it is.

Everything is inside the file: the style sheet inline, each plot a PNG in a `data:` URI, no
script, no font or link that reaches the network. Text is escaped; numbers are rounded the way
a reader reads them (shares in whole percent, dates as days, losses to the man), with the
interval beside each figure.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from html import escape

from sim.history import date_phrase
from sim.report.contrast import Contrast
from sim.report.history_compare import batch_span
from sim.report.numbers import signed
from sim.report.stats import Share, Spread
from sim.report.summary import Summary
from sim.report.territory import CEASEFIRE_DAY
from sim.sides import SIDE_ADJECTIVES
from sim.theatre import Theatre

__all__ = ["render_report"]

MAP_LABELS = ("stepanakert", "shusha", "lachin", "kalbajar", "agdam", "fuzuli", "jabrayil",
              "qubadli", "zangilan", "martakert", "goris", "ganja", "horadiz", "barda")

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:#1d1d1d;max-width:1180px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;border-bottom:2px solid
#ddd;padding-bottom:4px}h3{font-size:16px;margin:22px 0 6px}
p.lead{color:#444;margin:0 0 14px}.facts{display:flex;flex-wrap:wrap;gap:6px 22px;
font-size:13px;color:#333;background:#f6f6f4;padding:10px 14px;border-radius:6px}
.facts b{font-weight:600}figure{margin:12px 0 8px}figure img{max-width:100%;height:auto;
border:1px solid #e3e3e3}figcaption{font-size:13px;color:#555;margin-top:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0 4px;width:100%}
th,td{padding:4px 8px;border-bottom:1px solid #e6e6e6;text-align:left;vertical-align:top}
th{background:#f3f3f1;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums;
white-space:nowrap}.ci{color:#777;font-size:12px}.est{color:#8a5a00}.note{font-size:13px;
color:#555}.bar{display:inline-block;height:9px;background:#e69f00;vertical-align:middle;
margin-right:6px}.gap-pos{color:#9a5b00}.gap-neg{color:#005a8c}.clear{font-weight:600}
.muted{color:#999}blockquote{margin:2px 0;font-size:12px;color:#555;font-style:italic}
details{margin:10px 0}summary{cursor:pointer;font-weight:600}
"""


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}">'


def _pct(x: float) -> str:
    return "–" if x != x else f"{100 * x:.0f}%"


def _share(s: Share) -> str:
    if not s.n:
        return "–"
    bar = f'<span class="bar" style="width:{round(50 * s.value)}px"></span>'
    return f'{bar}{_pct(s.value)} <span class="ci">({_pct(s.lo)}–{_pct(s.hi)})</span>'


def _day(ordinal: float) -> str:
    if ordinal != ordinal:
        return "–"
    return date.fromordinal(int(round(ordinal))).strftime("%-d %b %Y")


def _days(x: float) -> str:
    if x != x:
        return "–"
    return "0" if round(x) == 0 else f"{round(x):+d}"


def _num(x: float, digits: int = 0) -> str:
    return "–" if x != x else f"{x:,.{digits}f}"


def _spread_cell(s: Spread, fmt: Callable[[float], str]) -> str:
    if not s.n:
        return "–"
    return f'{fmt(s.median)} <span class="ci">({fmt(s.p10)} to {fmt(s.p90)})</span>'


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        ) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _facts(s: Summary) -> str:
    d = s.as_dict()
    b = s.batch
    levers = d["levers"] or {}
    lever_text = ", ".join(f"{k} = {v}" for k, v in levers.items()) if levers else "none"
    controllers = d["controllers"] or {}
    ctrl = ", ".join(f"{SIDE_ADJECTIVES.get(k, k)}: {v}" for k, v in controllers.items())
    endings = ", ".join(f"{k} {_pct(v.value)}" for k, v in s.endings.items())
    items = [
        ("scenario", d["scenario"]), ("dates", f"{d['start']} to {d['end']}"),
        ("runs", f"{b.n}" + (f" ({d['runs_failed']} failed)" if d["runs_failed"] else "")),
        ("root seed", d["root_seed"]), ("levers", lever_text), ("sides played by", ctrl or "?"),
        ("ended by", endings), ("program", d["program_version"]),
        ("scenario sha256", (d["scenario_sha256"] or "?")[:12]),
        ("dice", d["sources"] or "?"), ("directory", b.path.name),
    ]
    return '<div class="facts">' + "".join(
        f"<span><b>{escape(k)}</b> {escape(str(v))}</span>" for k, v in items
    ) + "</div>"


def _events_section(s: Summary, names: dict[str, str], plots: bool) -> str:
    from sim.report.plots import timeline_png

    out = ["<h2>Changes of control against the timeline</h2>",
           '<p class="lead">Every capture in the historical timeline inside the scenario\'s '
           "dates: in how many runs it happened, when, and how far from the historical window "
           "(days before it negative, after it positive, 0 inside it).</p>"]
    if plots and s.events:
        out.append("<figure>" + _img(timeline_png(s.events, names), "timeline of captures")
                   + "<figcaption>Grey box: the historical window (scenarios/timeline.toml; "
                   "* a key change of control). Dots: one per run that made the capture, at "
                   "the turn it happened. Black: median and middle half of the runs.</figcaption>"
                   "</figure>")
    rows = []
    for o in s.events:
        e = o.event
        place = names.get(e.change.place, e.change.place) if e.change else "?"
        to = SIDE_ADJECTIVES.get(e.change.to_side, "?") if e.change else "?"
        when = escape(date_phrase(e)) + (' <span class="est">~</span>' if e.estimate else "")
        span = "" if o.in_span else ' <span class="muted">(outside the scenario)</span>'
        d, off = o.date_spread, o.offset_spread
        iqr = (f'<span class="ci">({_day(d.p25)} – {_day(d.p75)})</span>' if d.n else "")
        rows.append([
            f"{escape(place)} → {escape(to)}{' *' if e.key else ''}{span}", when,
            _share(o.happened), f"{_day(d.median)} {iqr}",
            f'{_days(off.median)} <span class="ci">({_days(off.p25)} to {_days(off.p75)})</span>'
            if off.n else "–",
            _share(o.in_window) if o.happened.k else "–", escape(o.verdict()),
        ])
    out.append(_table(
        ["capture", "in history", "happened in (95%)", "simulated date, median (middle half)",
         "days off, median (middle half)", "inside the window", "median run"],
        rows, {3, 4}))
    out.append('<p class="note">~ a window derived from the source\'s wording (the source gives '
               "the event no date of its own). Intervals on shares are 95% Wilson intervals.</p>")
    if s.unmatched:
        out.append("<h3>Captures the timeline does not record</h3>")
        out.append('<p class="note">Named places that changed hands in the runs with no '
                   "capture of the place by that side in scenarios/timeline.toml: where the "
                   "simulated war went its own way, or history the timeline leaves out.</p>")
        rows = [[escape(names.get(u.place, u.place)), escape(SIDE_ADJECTIVES.get(u.to_side, "?")),
                 _share(u.happened), _day(u.date_spread.median)] for u in s.unmatched]
        head = ["place", "taken by", "in runs (95%)", "median date"]
        out.append(_table(head, rows[:8], {3}))
        if len(rows) > 8:
            out.append(f"<details><summary>{len(rows) - 8} more</summary>"
                       + _table(head, rows[8:], {3}) + "</details>")
    return "\n".join(out)


def _territory_section(s: Summary, plots: bool) -> str:
    from sim.report.plots import territory_png

    out = ["<h2>Territory over time</h2>"]
    if s.area is None and s.places is None:
        out.append('<p class="note">No timeseries.csv in the batch: nothing to draw.</p>')
        return "\n".join(out)
    if plots:
        out.append("<figure>" + _img(territory_png(s.area, s.places), "territory over time")
                   + "<figcaption>Top: land held by the Armenian side, median of the runs and "
                   "the band 10 of 100 runs stay inside; diamonds are what history fixes: the "
                   "scenario's opening line and the 1994 ceasefire line as the map draws it. "
                   "Bottom: how many of the places whose capture the timeline records were "
                   "Armenian-held; the dashed steps are history, each capture dated at the "
                   "middle of its window. A run that ended early keeps its last value."
                   "</figcaption></figure>")
    if s.area is not None and s.area.history:
        first, last = s.area.median[0], s.area.median[-1]
        text = (f"The median run began with {_num(first)} km² Armenian-held and ended with "
                f"{_num(last)} km² ({last - first:+,.0f} km²)")
        if len(s.area.history) > 1:
            hist = s.area.history[-1][1]
            text += (f"; the 1994 ceasefire line encloses {_num(hist)} km² on the Armenian side"
                     f" ({last - hist:+,.0f} km² from it)")
        out.append(f'<p class="note">{text}.</p>')
    return "\n".join(out)


def _districts_section(s: Summary, theatre: Theatre, plots: bool) -> str:
    from sim.report.plots import control_map_png

    out = ["<h2>Districts at the end against the 1994 ceasefire</h2>",
           '<p class="lead">Share of each district\'s land held by the Armenian side when the '
           "runs ended (median, 10–90% of runs), against the table of NKR-controlled area at "
           "the ceasefire (history-notes §c2, S20; scenarios/history/ceasefire-1994.toml) and "
           "the ceasefire line on the map.</p>"]
    _, end = batch_span(s.batch)
    if end is not None and end < CEASEFIRE_DAY - timedelta(days=60):
        out.append(f'<p class="note">These runs end on {end:%-d %B %Y}, well before the '
                   "ceasefire of 12 May 1994: the gaps show how far history still had to go "
                   "from there, not how far the runs strayed.</p>")
    rows = []
    for d in s.districts:
        h = d.history
        ref = "–" if h is None else (_pct(h.armenian_share)
                                     + (' <span class="est">~</span>' if h.estimate else ""))
        cite = "" if h is None else escape(h.citation if not h.estimate else "estimate")
        gap = d.gap
        cls = "gap-pos" if gap > 0.05 else "gap-neg" if gap < -0.05 else ""
        gap_text = "–" if gap != gap else f'<span class="{cls}">{100 * gap:+.0f} pts</span>'
        rows.append([escape(d.name), _spread_cell(d.simulated, _pct), ref, cite,
                     _pct(d.map_line), gap_text])
    out.append(_table(["district", "simulated (10–90%)", "ceasefire 1994", "figure from",
                       "map's line", "median − history"], rows, {1, 2, 4, 5}))
    out.append('<p class="note">~ worked out from the source\'s km² or reasoned, with the '
               "reasoning in the data file. Gaps are against the table where it has the "
               "district, else against the map's line.</p>")
    if s.batch.final_control is not None and plots:
        out.append("<figure>" + _img(control_map_png(theatre, s.batch.final_control,
                                                     MAP_LABELS), "map of final control")
                   + "<figcaption>Orange: the hex ended Armenian-held in every run; blue: in "
                   "none; pale: the runs split. Black line: the 1994 ceasefire line (Natural "
                   "Earth's de facto outline, as scenarios/theatre/map.npz holds it)."
                   "</figcaption></figure>")
    elif s.batch.final_control is None:
        out.append('<p class="note">The map of how often each hex ended Armenian-held is '
                   "unavailable: the batch wrote no final_control.npz.</p>")
    return "\n".join(out)


def _losses_section(s: Summary) -> str:
    out = ["<h2>Losses</h2>"]
    rows, rare = [], []
    for side, fields in s.totals.items():
        for name, sp in fields.items():
            if sp.n and sp.p90 == 0:
                rare.append(f"{SIDE_ADJECTIVES.get(side, side)} {name}")
                continue
            rows.append([escape(SIDE_ADJECTIVES.get(side, side)), escape(name),
                         _spread_cell(sp, _num)])
    if rows:
        out.append("<h3>Lost by the end of the run</h3>")
        out.append(_table(["side", "what", "median (10–90% of runs)"], rows, {2}))
    if rare:
        out.append(f'<p class="note">None lost in nine runs of ten: {escape(", ".join(rare))}.'
                   "</p>")
    if s.losses:
        out.append("<h3>Against the source's figures</h3>")
        out.append('<p class="note">The game counts men put out of action in combat (killed, '
                   "wounded, captured or scattered); the source counts the dead, so the game's "
                   "figure is expected to be the larger.</p>")
        lrows = []
        for o in s.losses:
            f = o.figure
            side = "both sides" if f.side == "both" else SIDE_ADJECTIVES[f.side]
            sim = (_spread_cell(o.simulated, _num) if o.simulated is not None
                   else f'<span class="muted">{escape(o.why_not or "")}</span>')
            when = f"{f.date:%-d %b %Y}" + ("" if f.end_date == f.date
                                            else f" – {f.end_date:%-d %b %Y}")
            lrows.append([
                f"{escape(f.what)}<blockquote>“{escape(f.quote)}” — {escape(f.source)}"
                "</blockquote>", escape(side), escape(when),
                escape(f.range_text) + (' <span class="est">~</span>' if f.estimate else ""),
                sim,
            ])
        out.append(_table(["what the source says", "side", "dates", "dead (source)",
                           "game: men lost in those dates"], lrows, {3, 4}))
    return "\n".join(out)


def _contrast_section(c: Contrast, plots: bool) -> str:
    from sim.report.plots import contrast_png

    title = f"{c.b.label} against {c.a.label}"
    out = [f"<h2>What changed: {escape(title)}</h2>",
           f'<p class="lead">B = {escape(str(c.b.path))}, A = {escape(str(c.a.path))}. '
           f"{escape(c.note)}. Each row: the mean in A, in B, and B − A with its 95% bootstrap "
           "interval; bold where the interval leaves out zero.</p>"]
    png = contrast_png(c.rows, title) if plots else None
    if png is not None:
        out.append("<figure>" + _img(png, "differences between the batches")
                   + "<figcaption>The figures that moved, largest first: shares of runs in "
                   "percentage points, dates of the historical captures in days (mean over "
                   "the runs where both batches made the capture).</figcaption></figure>")
    elif plots:
        out.append('<p class="note">No share of runs and no date moved between the batches.'
                   "</p>")
    moved, still = [], []
    for r in c.rows:
        pct = r.unit in ("share of runs", "share")
        fmt: Callable[[float], str] = (
            _pct if pct else _day if r.unit == "date" else (lambda x: _num(x, 1))
        )
        d = r.difference
        unit = " pts" if pct else " days" if r.unit == "date" else ""
        k = 100 if pct else 1
        diff = f"{signed(k * d.mean)}{unit}" if d.n else "–"
        ci = (f"{signed(k * d.lo)} to {signed(k * d.hi)}" if d.lo == d.lo
              else "too few runs for an interval") if d.n else ""
        cls = ' class="clear"' if d.clear else ""
        row = [escape(r.group), escape(r.measure), escape(r.unit), fmt(r.a), fmt(r.b),
               f"<span{cls}>{diff}</span> <span class=\"ci\">({ci})</span>", str(d.n)]
        (moved if d.moved else still).append(row)
    head = ["", "figure", "unit", "A", "B", "B − A (95%)", "runs"]
    out.append(_table(head, moved, {3, 4, 5, 6}) if moved else
               '<p class="note">Nothing moved.</p>')
    if still:
        out.append(f"<details><summary>{len(still)} figures that did not move</summary>"
                   + _table(head, still, {3, 4, 5, 6}) + "</details>")
    out.append('<p class="note">runs: the pairs (or, unpaired, the smaller batch) a row rests '
               "on; a date rests only on the runs where both batches made the capture.</p>")
    return "\n".join(out)


def render_report(
    summaries: Sequence[Summary],
    contrasts: Sequence[Contrast],
    theatre: Theatre,
    names: dict[str, str],
    command: str = "python main.py compare",
    plots: bool = True,
) -> str:
    """The whole page: the first batch in full, then what each other batch changed."""
    first = summaries[0]
    title = f"{first.batch.scenario}: {first.batch.n} runs against history"
    if len(summaries) > 1:
        title = f"{first.batch.scenario}: {len(summaries)} batches against history"
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        f"<h1>{escape(title)}</h1>",
        '<p class="lead">How the simulated wars compare with the real one (the timeline, the '
        "1994 ceasefire, the source's losses). Every share comes with its 95% interval; the "
        "same batch always gives the same report.</p>",
    ]
    for i, s in enumerate(summaries):
        if i:
            parts.append(f"<details><summary>Batch {escape(s.batch.label)} in full</summary>")
        parts.append(_facts(s))
        parts.append(_events_section(s, names, plots))
        parts.append(_territory_section(s, plots))
        parts.append(_districts_section(s, theatre, plots))
        parts.append(_losses_section(s))
        if i:
            parts.append("</details>")
        if i == 0:
            parts.extend(_contrast_section(c, plots) for c in contrasts)
    parts.append(f'<p class="note" style="margin-top:40px">Made with <code>{escape(command)}'
                 "</code>. History: scenarios/timeline.toml (quotes from the English Wikipedia "
                 "article \u201cFirst Nagorno-Karabakh War\u201d, CC BY-SA 4.0, checked against "
                 "scenarios/source/), scenarios/history/ceasefire-1994.toml and "
                 "scenarios/history/losses.toml.</p>")
    parts.extend(["</body>", "</html>", ""])
    return "\n".join(parts)
