"""Whatever is done to a scenario's text, loading it gives a Scenario or a ScenarioError.

Mutations: delete, duplicate or swap lines, swap the values of two `key = value` lines,
change characters, and insert random bytes (which may break UTF-8). Any other exception,
from the TOML reader, the line locator, the schema or the map lookups, is a bug.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.tiny_theatre import write_scenarios_dir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenario import Scenario, ScenarioError, load_scenario

VALUE_LINE = " = "


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scenarios_dir(tmp_path_factory.mktemp("fuzz"))


def mutate(data: bytes, draw: st.DrawFn) -> bytes:
    lines = data.split(b"\n")
    op = draw(
        st.sampled_from(["delete", "duplicate", "swap_lines", "swap_values", "char", "bytes"])
    )
    i = draw(st.integers(0, len(lines) - 1))
    j = draw(st.integers(0, len(lines) - 1))
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(j, lines[i])
    elif op == "swap_lines":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "swap_values":
        pairs = [k for k, line in enumerate(lines) if b" = " in line]
        a, b = draw(st.sampled_from(pairs)), draw(st.sampled_from(pairs))
        ka, _, va = lines[a].partition(b" = ")
        kb, _, vb = lines[b].partition(b" = ")
        lines[a], lines[b] = ka + b" = " + vb, kb + b" = " + va
    elif op == "char":
        line = lines[i]
        k = draw(st.integers(0, len(line)))
        c = draw(st.characters(codec="utf-8")).encode()
        lines[i] = line[:k] + c + line[k + 1 :]
    else:
        k = draw(st.integers(0, len(data)))
        joined = b"\n".join(lines)
        return joined[:k] + draw(st.binary(min_size=1, max_size=8)) + joined[k:]
    return b"\n".join(lines)


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    data = original
    for _ in range(draw(st.integers(1, 4))):
        data = mutate(data, draw)
    return data


def load_or_error(path: Path) -> None:
    try:
        assert isinstance(load_scenario(path), Scenario)
    except ScenarioError as err:
        assert err.problems
        assert all(str(p) for p in err.problems)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_mutated_scenario_gives_only_scenario_errors(
    scenarios: Path, data: st.DataObject
) -> None:
    original = (scenarios / "valid.toml").read_bytes()
    path = scenarios / "fuzz.toml"
    path.write_bytes(data.draw(mutated(original)))
    load_or_error(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_mutated_include_gives_only_scenario_errors(scenarios: Path, data: st.DataObject) -> None:
    main = (scenarios / "valid.toml").read_bytes()
    main = main.replace(b"common/sides.toml", b"common/fuzz-sides.toml")
    (scenarios / "fuzz-include.toml").write_bytes(main)
    include = (scenarios / "common" / "sides.toml").read_bytes()
    (scenarios / "common" / "fuzz-sides.toml").write_bytes(data.draw(mutated(include)))
    load_or_error(scenarios / "fuzz-include.toml")
