"""`python main.py compare`: the report a reader opens, the numbers a script reads, the lever's
effect between two batches, and clear errors for directories that are not batches."""

from __future__ import annotations

import base64
import csv
import json
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from sim.cli import COMMANDS, main
from sim.errors import UserError
from sim.history import load_timeline
from sim.report.districts import read_ceasefire
from sim.report.losses import read_losses
from sim.report.stats import paired_difference, share
from sim.report.territory import historical_holders
from sim.theatre import load_theatre
from tests.fixtures.batch_dirs import START, TURN_DAYS, shusha_day, write_batch

RUNS = 16


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("batches")
    return {
        "a": write_batch(root / "a", runs=RUNS, root_seed=7),
        "b": write_batch(root / "b", runs=RUNS, root_seed=7, extra_loss=250, delay_days=14,
                         lever="extra-loss"),
        "other_seed": write_batch(root / "c", runs=RUNS, root_seed=8),
        "no_map": write_batch(root / "d", runs=6, root_seed=7, final_control=False),
    }


class _Page(HTMLParser):
    """What a browser would fetch or show: images, tables, links, scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.tables = 0
        self.urls: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        values = dict(attrs)
        if tag == "img":
            self.images.append(values.get("src") or "")
        if tag == "table":
            self.tables += 1
        for name in ("href", "src", "action"):
            if values.get(name) and not values[name].startswith("data:"):
                self.urls.append(values[name])


def _page(path: Path) -> tuple[_Page, str]:
    text = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    return page, text


def _json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main(["compare", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_report_opens_offline_and_holds_its_plots(batches, tmp_path):
    out = tmp_path / "report.html"
    assert main(["compare", str(batches["a"]), "--html", str(out)]) == 0
    page, text = _page(out)
    assert len(page.images) == 3  # timeline, territory over time, map of final control
    for src in page.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.tables >= 4  # captures, districts, losses, losses against the source
    assert page.urls == []
    assert "http://" not in text and "https://" not in text
    assert not page.tags & {"script", "link", "iframe"}
    assert "Shusha" in text and "ceasefire" in text


def test_without_final_control_the_map_says_it_is_unavailable(batches, tmp_path):
    out = tmp_path / "report.html"
    assert main(["compare", str(batches["no_map"]), "--html", str(out)]) == 0
    page, text = _page(out)
    assert len(page.images) == 2
    assert "unavailable" in text and "final_control.npz" in text


def test_json_numbers_match_the_batch(batches, capsys):
    data = _json(capsys, str(batches["a"]))
    batch = data["batches"][0]
    assert batch["runs"] == RUNS
    shusha = next(e for e in batch["events"] if e["id"] == "shusha-captured")
    fell = [d for d in (shusha_day(r) for r in range(1, RUNS + 1)) if d is not None]
    assert shusha["happened"]["k"] == len(fell)
    assert shusha["happened"]["share"] == pytest.approx(len(fell) / RUNS)
    turn_starts = [START + timedelta(days=TURN_DAYS * ((d - START).days // TURN_DAYS))
                   for d in fell]
    median = date.fromordinal(int(np.median([d.toordinal() for d in turn_starts])))
    assert shusha["sim_date"]["median"] == median.isoformat()
    with (batches["a"] / "runs.csv").open(newline="") as handle:
        fuzuli = [float(r["share_fuzuli_armenian"]) for r in csv.DictReader(handle)]
    district = next(d for d in batch["districts"] if d["district"] == "fuzuli")
    assert district["simulated_armenian_share"]["median"] == pytest.approx(np.median(fuzuli))
    assert district["ceasefire_armenian_share"] == pytest.approx(0.33)
    winter = next(f for f in batch["losses_vs_source"] if f["id"] == "winter-1993-94-azerbaijani")
    assert winter["simulated_men_lost"]["median"] > 0 and winter["not_compared"] is None


def test_a_lever_shows_its_known_effect_paired_run_by_run(batches, capsys):
    data = _json(capsys, str(batches["a"]), str(batches["b"]))
    c = data["contrasts"][0]
    assert c["paired"] is True and c["pairs"] == RUNS
    rows = {r["measure"]: r for r in c["rows"]}
    lost = rows["Azerbaijani men lost"]
    assert (lost["difference"], lost["lo"], lost["hi"]) == (250, 250, 250)
    assert lost["clear"] is True
    kalbajar = rows["Kalbajar → Armenian: date"]
    assert kalbajar["difference"] == pytest.approx(14, abs=0.5)
    assert rows["Armenian men lost"]["difference"] == 0
    assert rows["Armenian men lost"]["clear"] is False


def test_batches_with_different_seeds_are_compared_unpaired(batches, capsys):
    c = _json(capsys, str(batches["a"]), str(batches["other_seed"]))["contrasts"][0]
    assert c["paired"] is False
    assert "unpaired" in c["note"]


def test_the_same_batch_gives_the_same_report(batches, tmp_path):
    first, second = tmp_path / "1.html", tmp_path / "2.html"
    for out in (first, second):
        assert main(["compare", str(batches["no_map"]), "--html", str(out)]) == 0
    assert first.read_bytes() == second.read_bytes()


def test_text_summary_lists_captures_and_districts(batches, capsys):
    assert main(["compare", str(batches["a"])]) == 0
    out = capsys.readouterr().out
    assert "Shusha -> Armenian" in out and "Fuzuli" in out


@pytest.mark.parametrize("problem", ["missing", "not_batch", "bad_number"])
def test_a_directory_that_is_not_a_batch_is_a_clear_error(problem, batches, tmp_path, capsys):
    target = tmp_path / "x"
    if problem == "not_batch":
        target.mkdir()
    elif problem == "bad_number":
        write_batch(target, runs=3)
        text = (target / "runs.csv").read_text().splitlines()
        head = text[0].split(",")
        cells = text[2].split(",")
        cells[head.index("men_lost_armenian")] = "many"
        text[2] = ",".join(cells)
        (target / "runs.csv").write_text("\n".join(text) + "\n")
    assert main(["compare", str(target)]) == 2
    err = capsys.readouterr().err
    assert str(target) in err
    if problem == "bad_number":
        assert "line 3" in err and "men_lost_armenian" in err and "'many'" in err
    elif problem == "not_batch":
        assert "runs.csv" in err


def test_ceasefire_and_loss_figures_load_with_their_sources():
    shares = read_ceasefire(theatre=load_theatre())
    assert {s.district for s in shares} >= {"kalbajar", "lachin", "fuzuli", "agdam"}
    assert all(s.source or (s.estimate and s.why) for s in shares)
    figures = read_losses()
    winter = next(f for f in figures if f.id == "winter-1993-94-azerbaijani")
    assert winter.high == 5000 and "5,000 lives" in winter.quote


def test_a_misquoted_loss_figure_is_refused(tmp_path):
    text = (Path(__file__).parent.parent / "scenarios/history/losses.toml").read_text()
    bad = tmp_path / "losses.toml"
    bad.write_text(text.replace("up to 70 Azeri soldiers died", "up to 90 Azeri soldiers died"))
    with pytest.raises(UserError, match="not found in the source"):
        read_losses(bad)


def test_shares_and_paired_differences():
    s = share(np.array([True] * 3 + [False]))
    assert (s.k, s.n) == (3, 4) and 0 < s.lo < 0.75 < s.hi <= 1
    a = np.arange(50.0)
    d = paired_difference(a, a + 3)
    assert (d.mean, d.lo, d.hi) == (3, 3, 3)
    noisy = paired_difference(a, a + np.where(np.arange(50) % 2, 1.0, -1.0))
    assert noisy.lo < 0 < noisy.hi and not noisy.clear
    assert paired_difference(a, a * 1.1) == paired_difference(a, a * 1.1)
    few = paired_difference(a[:3], a[:3] + 7)
    assert few.mean == 7 and np.isnan(few.lo) and not few.clear


@pytest.mark.skipif(not any(m.__name__ == "sim.cli.batch_cmd" for m in COMMANDS),
                    reason="the batch command is not there yet")
def test_a_real_batch_compares(tmp_path, capsys):
    out = tmp_path / "batch"
    args = ["batch", "1992-winter", "-n", "3", "--seed", "1", "--workers", "1", "--out", str(out)]
    assert main(args) == 0
    data = _json(capsys, str(out))
    assert data["batches"][0]["runs"] == 3
    assert any(e["id"] == "shusha-captured" for e in data["batches"][0]["events"])


def test_history_holds_each_contested_place_as_the_timeline_says():
    timeline = load_timeline()
    assert historical_holders(timeline, date(1992, 5, 1))["shusha"] == "azerbaijani"
    assert historical_holders(timeline, date(1992, 5, 10))["shusha"] == "armenian"
    assert historical_holders(timeline, date(1992, 7, 1))["martakert"] == "azerbaijani"
    assert historical_holders(timeline, date(1993, 7, 1))["martakert"] == "armenian"
