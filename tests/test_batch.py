"""Batches: the same files whatever runs them, exact resume after kill -9, failures recorded."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from sim.batch import BatchSpec, run_batch, run_seed
from sim.batch.executor import dask_backend, local_backend
from sim.cli import main
from sim.scenario import SCENARIOS_DIR, load_scenario
from sim.sides import SIDE_IDS

ROOT = Path(__file__).resolve().parents[1]
RUNS = 6


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory) -> Path:
    """A five-week scenario whose forces are ranges, so every run draws differently."""
    folder = tmp_path_factory.mktemp("scenarios")
    shutil.copytree(SCENARIOS_DIR / "theatre", folder / "theatre")
    text = (Path(__file__).parent / "scenarios" / "levers_basic.toml").read_text(encoding="utf-8")
    text = text.replace("end = 1992-02-29", "end = 1992-02-04").replace(
        'men = 2000\n', 'men = { low = 1500, high = 2500, estimate = true, why = "test range" }\n'
    )
    path = folder / "batch_test.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scenario(scenario_file):
    return load_scenario(scenario_file)


def files(folder: Path) -> dict[str, bytes]:
    """Every result file (not hidden temporaries), by path inside the folder."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def batch(scenario, out: Path, workers: int, **kw) -> object:
    backend = local_backend(workers)
    try:
        return run_batch(BatchSpec(scenario, 11, RUNS, out, **kw), backend)
    finally:
        backend.close()


@pytest.fixture(scope="module")
def one_worker(scenario, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("one") / "out"
    batch(scenario, out, 1, levers={"armour": 2.0})
    return out


def test_seeds_come_from_the_root_seed_alone() -> None:
    spawned = np.random.SeedSequence(11).spawn(RUNS)
    expected = [int(s.generate_state(1, np.uint64)[0]) >> 11 for s in spawned]
    assert [run_seed(11, r) for r in range(1, RUNS + 1)] == expected
    assert len(set(expected)) == RUNS and all(0 <= s < 2**53 for s in expected)


def test_tables_have_the_documented_columns(one_worker: Path, scenario) -> None:
    runs = table(one_worker / "runs.csv")
    assert [r["run"] for r in runs] == [str(r) for r in range(1, RUNS + 1)]
    head = list(runs[0])
    losses = [f"{k}_lost_{s}" for s in SIDE_IDS
              for k in ("men", "tanks", "afv", "artillery", "aircraft", "helicopters")]
    assert head[:5 + len(losses)] == ["run", "seed", "armour", "end_date", "end_reason", *losses]
    assert "share_stepanakert_armenian" in head and "share_agdam_azerbaijani" in head
    assert head[-1] == "error"
    assert {r["end_reason"] for r in runs} == {"end_date"}
    assert {r["armour"] for r in runs} == {"2"}
    assert len({r["seed"] for r in runs}) == RUNS
    events = table(one_worker / "events.csv")
    assert list(events[0]) == ["run", "seed", "turn", "date", "place", "district", "from_side",
                               "to_side", "kind", "detail"]
    assert {e["kind"] for e in events} >= {"event", "end"}
    series = table(one_worker / "timeseries.csv")
    assert list(series[0]) == ["run", "seed", "turn", "date",
                               "area_km2_armenian", "hexes_armenian", "men_armenian",
                               "area_km2_azerbaijani", "hexes_azerbaijani", "men_azerbaijani",
                               "morale_armenian", "morale_azerbaijani",
                               "men_lost_armenian", "men_lost_azerbaijani"]
    first = [s for s in series if s["turn"] == "0"]
    assert len(first) == RUNS and len({s["men_azerbaijani"] for s in first}) == RUNS
    with np.load(one_worker / "final_control.npz") as final:
        assert final["run"].tolist() == list(range(1, RUNS + 1))
        assert final["control"].shape == (RUNS, 4489) and final["control"].dtype == np.int8
        assert set(np.unique(final["control"]).tolist()) <= {0, 1, 2}
    manifest = json.loads((one_worker / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario"]["sha256"] == scenario.sha256
    assert (manifest["root_seed"], manifest["runs"], manifest["finished"],
            manifest["failed"]) == (11, RUNS, RUNS, 0)
    assert manifest["levers"] == {"armour": 2.0}
    assert manifest["controllers"] == {"armenian": "idle", "azerbaijani": "idle"}


def test_two_workers_write_the_same_files_as_one(one_worker: Path, scenario, tmp_path) -> None:
    out = tmp_path / "two"
    batch(scenario, out, 2, levers={"armour": 2.0})
    assert files(out) == files(one_worker)


def test_a_dask_cluster_writes_the_same_files(one_worker: Path, scenario, tmp_path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  host="127.0.0.1", dashboard_address=":0") as cluster:
        backend = dask_backend(cluster.scheduler_address)
        try:
            run_batch(BatchSpec(scenario, 11, RUNS, tmp_path / "dask", {"armour": 2.0}), backend)
        finally:
            backend.close()
    assert files(tmp_path / "dask") == files(one_worker)


def test_a_failing_run_is_recorded_and_the_others_go_on(scenario, tmp_path, monkeypatch) -> None:
    import sim.batch.run_one as run_one

    real = run_one._play

    def flaky(task):
        if task.run == 3:
            raise ValueError("the dice fell off the table")
        return real(task)

    monkeypatch.setattr(run_one, "_play", flaky)
    result = batch(scenario, tmp_path / "out", 1)
    assert (result.finished, result.failed) == (RUNS - 1, 1)
    runs = table(tmp_path / "out" / "runs.csv")
    assert len(runs) == RUNS
    assert runs[2]["end_reason"] == "failed"
    assert runs[2]["error"].startswith("ValueError: the dice fell off the table")
    assert {r["end_reason"] for i, r in enumerate(runs) if i != 2} == {"end_date"}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["failed"] == 1 and manifest["failures"][0]["run"] == 3


def command(scenario_file: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), "batch", str(scenario_file), "-n", "8",
            "--seed", "5", "--out", str(out), "--control", "armenian=idle,azerbaijani=idle",
            *extra]


def test_a_batch_killed_midway_resumes_to_the_same_files(scenario_file, tmp_path) -> None:
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    proc = subprocess.Popen(command(scenario_file, killed, "--workers", "2"), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if list((killed / "runs").glob("run-*.json")):
                break
            time.sleep(0.005)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    done_at_kill = len(list((killed / "runs").glob("run-*.json")))
    assert 1 <= done_at_kill < 8
    resumed = subprocess.run(command(scenario_file, killed, "--workers", "2", "--resume"),
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"({done_at_kill} already done)" in resumed.stdout
    clean = subprocess.run(command(scenario_file, whole, "--workers", "1"), cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0, clean.stderr
    assert files(killed) == files(whole)
    assert len(table(whole / "runs.csv")) == 8


def test_bad_arguments_get_a_clear_message(scenario_file, tmp_path, capsys) -> None:
    out = tmp_path / "b"
    base = ["batch", str(scenario_file), "--seed", "1", "--out", str(out), "--workers", "1"]
    with pytest.raises(SystemExit):
        main([*base, "-n", "0"])
    assert "the number of runs must be 1 or more" in capsys.readouterr().err
    assert main([*base, "-n", "2", "--set", "armor=2"]) == 2
    assert "no lever 'armor'" in capsys.readouterr().err
    assert main([*base, "-n", "2", "--resume"]) == 2
    assert "nothing to resume" in capsys.readouterr().err
    assert main([*base, "-n", "2"]) == 0
    assert "Finished 2, failed 0." in capsys.readouterr().out
    assert main([*base, "-n", "2"]) == 2
    assert "already holds a batch; add --resume" in capsys.readouterr().err
    assert main([*base[:3], "2", *base[4:], "-n", "2", "--resume"]) == 2
    assert "root_seed: 1 there, 2 now" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*base[:-2], "-n", "2", "--scheduler", "localhost:8786"])
    assert "address of a Dask scheduler" in capsys.readouterr().err
    assert main([*base, "-n", "3", "--resume"]) == 0
    assert "(2 already done)" in capsys.readouterr().out


def test_parquet_copies_match_the_csv(scenario_file, tmp_path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "pq"
    assert main(["batch", str(scenario_file), "-n", "2", "--seed", "3", "--workers", "1",
                 "--out", str(out), "--format", "parquet"]) == 0
    runs = pq.read_table(out / "runs.parquet").to_pylist()
    assert [r["seed"] for r in runs] == [run_seed(3, 1), run_seed(3, 2)]
    assert len(pq.read_table(out / "timeseries.parquet")) == len(table(out / "timeseries.csv"))


def test_the_ai_level_reaches_every_run_and_the_manifest(tmp_path, capsys) -> None:
    from sim.batch.run_one import control_text
    from sim.controllers import make_controller
    from sim.session import Session

    winter = load_scenario("1992-winter")
    out = tmp_path / "ai"
    base = ["batch", "1992-winter", "-n", "1", "--seed", "4", "--out", str(out),
            "--workers", "1", "--control", "armenian=ai,azerbaijani=idle"]
    assert main([*base, "--ai-level", "1"]) == 0
    assert "armenian=ai, azerbaijani=idle, ai level 1" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ai_level"] == 1
    record = json.loads((out / "runs" / "run-000001.json").read_text(encoding="utf-8"))
    games = {}
    for level in (1, 3):
        controllers = {"armenian": make_controller("ai", "armenian", level=level),
                       "azerbaijani": make_controller("idle", "azerbaijani")}
        session = Session.new(winter, run_seed(4, 1), "draw", controllers)
        session.play()
        games[level] = (control_text(session.state.control), [t.orders for t in session.turns])
    assert games[1][0] == record["summary"]["control"]
    assert games[1][1] != games[3][1]  # the careful AI plays otherwise than the blunderer
    assert main([*base, "--ai-level", "3", "--resume"]) == 2
    assert "ai_level: 1 there, 3 now" in capsys.readouterr().err
