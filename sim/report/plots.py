"""The report's pictures, drawn with matplotlib (Agg, no display) and returned as PNG bytes.

Three pictures carry what a table cannot: each historical capture's simulated dates against
its historical window, territory over time against the historical course, and a map of how
often each hex ended Armenian-held with the 1994 ceasefire line on top. Colours are the map's
(sim.ui.palette, the Okabe–Ito pair: neither side's flag colours). Figures are built with
`matplotlib.figure.Figure` rather than pyplot, so nothing global changes and drawing in a
worker or a test leaves no state behind; PNG metadata is fixed so the same data gives the
same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from sim.report.history_compare import EventOutcome
from sim.report.stats import MIN_RUNS
from sim.report.territory import Band
from sim.sides import ARMENIAN, AZERBAIJANI
from sim.ui.geometry import boundary_sides, hex_corners_km
from sim.ui.palette import SIDE_COLOURS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.report.contrast import ContrastRow
    from sim.theatre import Theatre

__all__ = ["contrast_png", "control_map_png", "territory_png", "timeline_png"]

ARM = tuple(c / 255 for c in SIDE_COLOURS[ARMENIAN])
AZE = tuple(c / 255 for c in SIDE_COLOURS[AZERBAIJANI])
HISTORY = "#222222"
WINDOW = "#d9d9d9"
DPI = 100


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    return fig


def _png(fig: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _dates(ordinals: np.ndarray) -> list[date]:
    return [date.fromordinal(int(round(v))) for v in ordinals]


def timeline_png(outcomes: Sequence[EventOutcome], names: dict[str, str]) -> bytes:
    """One row per historical capture: the window in grey, each run's date as a dot, the
    median as a bar, and on the right how often and how far off."""
    rows = list(reversed(outcomes))
    fig = _figure(11, 0.42 * len(rows) + 1.3)
    ax = fig.add_subplot()
    jitter = np.random.Generator(np.random.PCG64(7))
    for y, o in enumerate(rows):
        e = o.event
        start = e.date
        end = e.end_date + timedelta(days=1)
        if y % 2:
            ax.axhspan(y - 0.5, y + 0.5, color="#f6f6f6", zorder=0, linewidth=0)
        ax.barh(y, (end - start).days, left=start, height=0.7, color=WINDOW,
                edgecolor=HISTORY, linewidth=0.8, zorder=1)
        side = ARM if e.change and e.change.to_side == "armenian" else AZE
        happened = o.days[~np.isnan(o.days)]
        if happened.size:
            ys = y + jitter.uniform(-0.28, 0.28, happened.size)
            ax.scatter(_dates(happened), ys, s=9, color=side, alpha=0.45, linewidths=0, zorder=2)
            med = date.fromordinal(int(round(o.date_spread.median)))
            q1 = date.fromordinal(int(round(o.date_spread.p25)))
            q3 = date.fromordinal(int(round(o.date_spread.p75)))
            ax.plot([q1, q3], [y, y], color="black", linewidth=1.6, zorder=3)
            ax.plot([med], [y], marker="|", markersize=14, markeredgewidth=2.4, color="black",
                    zorder=4)
    labels = [f"{names.get(o.event.change.place, o.event.change.place)}"
              f" → {'Arm.' if o.event.change.to_side == 'armenian' else 'Az.'}"
              f"{'  *' if o.event.key else ''}" for o in rows if o.event.change]
    ax.set_yticks(range(len(rows)), labels)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    right = ax.secondary_yaxis("right")
    right.set_yticks(range(len(rows)), [
        f"{o.happened.value:4.0%}  {o.verdict()}" if o.happened.k else "never" for o in rows
    ])
    right.tick_params(length=0)
    ax.annotate("in runs · median run against history", (1.0, 1.0), xycoords="axes fraction",
                xytext=(6, 4), textcoords="offset points", fontsize=9, color="#444444")
    _date_axis(ax)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.6, zorder=0)
    return _png(fig)


def _date_axis(ax) -> None:
    """Ticks that suit any span, a few weeks to the whole war."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def territory_png(area: Band | None, places: Band | None) -> bytes:
    """Armenian-held area and named places over time: the runs' median and 10–90% band, with
    what history gives (anchors for the area, steps for the places)."""
    panels = [b for b in (area, places) if b is not None]
    fig = _figure(11, 3.1 * max(1, len(panels)))
    axes = fig.subplots(max(1, len(panels)), 1, sharex=True, squeeze=False)[:, 0]
    for ax, band in zip(axes, panels, strict=False):
        ax.fill_between(band.dates, band.p10, band.p90, color=ARM, alpha=0.25, linewidth=0,
                        label="runs, 10–90%")
        ax.plot(band.dates, band.median, color=ARM, linewidth=2, label="runs, median")
        if band.history:
            hd = [d for d, _ in band.history]
            hv = [v for _, v in band.history]
            if band.history_kind == "steps":
                hd = [*hd, band.dates[-1]]
                hv = [*hv, hv[-1]]
                ax.step(hd, hv, where="post", color=HISTORY, linewidth=1.4, linestyle="--",
                        label="history (timeline captures, mid-window)")
            else:
                label = ("history: the scenario's opening line; the 1994 ceasefire line"
                         if len(hd) > 1 else "history: the scenario's opening line")
                ax.plot(hd, hv, linestyle="none", marker="D", color=HISTORY, markersize=7,
                        label=label)
                for d, v in band.history[1:]:
                    ax.annotate(f"ceasefire line\n{v:,.0f} {band.unit}", (d, v),
                                textcoords="offset points", xytext=(-8, 8), ha="right",
                                fontsize=8)
        unit = band.unit
        ax.set_ylabel("Armenian-held area, km²" if unit == "km²"
                      else "contested places Armenian-held")
        ax.grid(color="#e6e6e6", linewidth=0.6)
        ax.legend(loc="best", fontsize=8, framealpha=0.85, numpoints=1)
    _date_axis(axes[-1])
    if not panels:
        axes[0].text(0.5, 0.5, "no timeseries.csv in the batch", ha="center",
                     transform=axes[0].transAxes)
    return _png(fig)


def control_map_png(
    theatre: Theatre, final_control: np.ndarray, labels: Sequence[str] = ()
) -> bytes:
    """Each hex tinted by the share of runs that ended with it Armenian-held (blue never,
    orange always), the 1994 ceasefire line drawn over it."""
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.colors import LinearSegmentedColormap

    corners = hex_corners_km(theatre)
    held = (np.asarray(final_control) == ARMENIAN).mean(axis=0)
    land = theatre.passable()
    cmap = LinearSegmentedColormap.from_list("held", [AZE, (0.97, 0.97, 0.97), ARM])
    fig = _figure(10, 8.6)
    ax = fig.add_subplot()
    ax.add_collection(PolyCollection(corners[~land], facecolors="#ececec", edgecolors="none"))
    polys = PolyCollection(corners[land], array=held[land], cmap=cmap, edgecolors="none")
    polys.set_clim(0, 1)
    ax.add_collection(polys)
    line = boundary_sides(theatre, theatre.ceasefire_1994, corners, pair=(ARMENIAN, AZERBAIJANI),
                          include=land)
    ax.add_collection(LineCollection(line, colors=HISTORY, linewidths=1.6,
                                     label="ceasefire line, May 1994"))
    for pid in labels:
        place = theatre.places.get(pid)
        if place is None or place.index is None:
            continue
        x, y = corners[place.index].mean(axis=0)
        ax.plot([x], [y], marker="o", markersize=3, color="black")
        ax.annotate(place.name, (x, y), textcoords="offset points", xytext=(4, 3), fontsize=7.5)
    ax.set_xlim(corners[..., 0].min(), corners[..., 0].max())
    ax.set_ylim(corners[..., 1].max(), corners[..., 1].min())
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(loc="lower left", fontsize=8)
    bar = fig.colorbar(polys, ax=ax, shrink=0.6, format=lambda v, _: f"{v:.0%}")
    bar.set_label("runs ending with the hex Armenian-held")
    ax.set_title(f"Who held each hex at the end, over {final_control.shape[0]} runs",
                 fontsize=10, loc="left")
    return _png(fig)


def contrast_png(rows: Sequence[ContrastRow], title: str) -> bytes | None:
    """B − A with 95% intervals: shares of runs in percentage points (left) and dates of the
    historical captures in days (right). Rows that did not move are left out; None if none
    moved at all."""
    def moved(r: ContrastRow) -> bool:
        d = r.difference
        return d.n >= MIN_RUNS and d.moved

    shares = [r for r in rows if r.unit in ("share of runs", "share") and moved(r)]
    days = [r for r in rows if r.unit == "date" and moved(r)]
    shares = sorted(shares, key=lambda r: -abs(r.difference.mean))[:20][::-1]
    days = sorted(days, key=lambda r: -abs(r.difference.mean))[:20][::-1]
    panels = [(p, scale, label) for p, scale, label in (
        (shares, 100, "percentage points"), (days, 1, "days (later +)")) if p]
    if not panels:
        return None
    fig = _figure(11, 0.28 * sum(len(p) + 3 for p, _, _ in panels) + 0.4)
    axes = fig.subplots(len(panels), 1, squeeze=False,
                        height_ratios=[len(p) + 3 for p, _, _ in panels])[:, 0]
    for ax, (panel, scale, label) in zip(axes, panels, strict=True):
        for y, r in enumerate(panel):
            d = r.difference
            colour = "black" if d.clear else "#9a9a9a"
            ax.plot([scale * d.lo, scale * d.hi], [y, y], color=colour, linewidth=2)
            ax.plot([scale * d.mean], [y], marker="o", color=colour, markersize=5)
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_yticks(range(len(panel)), [r.measure for r in panel], fontsize=8)
        ax.set_ylim(-0.7, len(panel) - 0.3)
        ax.set_xlabel(f"B − A, {label}")
        ax.grid(axis="x", color="#e6e6e6", linewidth=0.6)
    fig.suptitle(f"{title}: 95% intervals, black where clear of zero", fontsize=10, x=0.01,
                 ha="left")
    return _png(fig)
