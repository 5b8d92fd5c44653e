"""Every scenario shipped in scenarios/ loads against the real map, with sane first-day data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.scenario import SCENARIOS_DIR, initial_control, load_scenario, scenario_files

MAP_BUILT = (SCENARIOS_DIR / "theatre" / "map.npz").is_file()
FILES = scenario_files()

pytestmark = pytest.mark.skipif(not MAP_BUILT, reason="the theatre map is not built yet")


@pytest.mark.skipif(not FILES, reason="no scenarios yet")
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_validates(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.id == path.stem
    assert {s.id for s in scenario.sides} == {"armenian", "azerbaijani"}
    totals = scenario.start_totals()
    assert all(totals[side]["men"] > 0 for side in totals)


@pytest.mark.skipif(not FILES, reason="no scenarios yet")
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_first_day_control_covers_both_sides(path: Path) -> None:
    from sim.theatre import load_theatre

    scenario = load_scenario(path)
    control = initial_control(scenario, load_theatre(scenario.theatre_dir))
    assert set(np.unique(control).tolist()) == {0, 1, 2}


@pytest.mark.skipif(not FILES, reason="no scenarios yet")
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_show_json_for_the_real_map(path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["show", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == path.stem and data["map"]["hexes"] > 1000
    assert set(data["sides"]) == {"armenian", "azerbaijani"}
    keys = {"name", "aliases", "lat", "lon", "hex", "hex_lat", "hex_lon", "terrain", "owner"}
    for place in data["places"]:
        assert keys | {"district"} <= set(place)
        assert place["owner"] in {"neutral", "armenian", "azerbaijani"}
