"""Scenarios: the frozen model, its loader and validator, and the first day's front line.

    scenario = load_scenario("scenarios/1992-winter.toml")   # or raises ScenarioError
    control = initial_control(scenario, theatre)              # int8 side code per hex

The file format is described in docs/scenario-format.md.
"""

from sim.scenario.catalogue import ScenarioSummary, list_scenarios
from sim.scenario.control import initial_control
from sim.scenario.load import load_scenario, validate_paths
from sim.scenario.model import (
    FORCE_FIELDS,
    Airlift,
    Blockade,
    ControlRule,
    Effect,
    Event,
    Operation,
    Origin,
    Provenance,
    Quantity,
    Scenario,
    Side,
    Supply,
    SupplyLine,
    SupplySource,
    Trigger,
    Unit,
    VictoryCondition,
)
from sim.scenario.paths import SCENARIOS_DIR, scenario_files, scenario_path
from sim.scenario.problems import Problem, ScenarioError

__all__ = [
    "FORCE_FIELDS",
    "SCENARIOS_DIR",
    "Airlift",
    "Blockade",
    "ControlRule",
    "Effect",
    "Event",
    "Operation",
    "Origin",
    "Problem",
    "Provenance",
    "Quantity",
    "Scenario",
    "ScenarioError",
    "ScenarioSummary",
    "Side",
    "Supply",
    "SupplyLine",
    "SupplySource",
    "Trigger",
    "Unit",
    "VictoryCondition",
    "initial_control",
    "list_scenarios",
    "load_scenario",
    "scenario_files",
    "scenario_path",
    "validate_paths",
]
