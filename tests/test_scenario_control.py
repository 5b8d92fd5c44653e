"""Who holds each hex on the first day: countries first, then [[control]] in order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fixtures.tiny_theatre import LAKE, write_scenarios_dir

from sim.hexgrid import Hex
from sim.scenario import initial_control, load_scenario
from sim.sides import ARMENIAN, AZERBAIJANI, NEUTRAL
from sim.theatre import load_theatre


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scenarios_dir(tmp_path_factory.mktemp("control"))


def control_of(scenarios: Path, text: str, name: str):
    path = scenarios / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    theatre = load_theatre(scenario.theatre_dir)
    return initial_control(scenario, theatre), theatre


def test_rules_apply_in_order_over_the_countries(scenarios: Path) -> None:
    control, theatre = control_of(scenarios, (scenarios / "valid.toml").read_text(), "copy")
    assert control.dtype == np.int8 and control.shape == (theatre.n,)

    def at(q: int, r: int) -> int:
        return int(control[theatre.index_of(Hex(q, r))])

    assert at(-7, 1) == ARMENIAN  # Goris: Armenia, no rule
    assert at(6, -2) == AZERBAIJANI  # Agdam: Azerbaijan, no rule
    assert at(0, 0) == ARMENIAN  # Stepanakert: the NKAO rule
    assert at(0, 2) == AZERBAIJANI  # Shusha: its place rule overrides the NKAO
    assert at(1, 1) == ARMENIAN  # next to Shusha but beyond 3 km of it
    assert at(-3, 1) == AZERBAIJANI  # Lachin district overrides the NKAO
    assert at(0, 6) == NEUTRAL  # Iran
    assert all(at(h.q, h.r) == NEUTRAL for h in LAKE)


def test_no_rule_claims_water_or_iran(scenarios: Path) -> None:
    text = (scenarios / "valid.toml").read_text()
    text += '\n[[control]]\narea = "country:AZE"\nside = "armenian"\n'
    text += (
        '\n[[control]]\narea = "place:jolfa"\nradius_km = 100\nside = "armenian"\nsource = "x"\n'
    )
    control, theatre = control_of(scenarios, text, "greedy")
    land = (np.asarray(theatre.terrain) != 0) & (np.asarray(theatre.country) != 2)
    assert np.all(control[land] == ARMENIAN)
    assert np.all(control[~land] == NEUTRAL)
