"""Line numbers for TOML key paths: headers, arrays of tables, inline tables across lines."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from sim.scenario.toml_locate import Locator

TEXT = '''\
# a comment with [brackets] and key = "value"
[scenario]
title = "A [[fake]] header in a string"
summary = """
[[units]]
id = "not a key"
"""
start = 1992-01-01

[[units]]
id = "a"
men = { low = 1, high = 2 }
sources = [
  "a",
  "b",
]

[[units]]
"quoted key" = 1
dotted.inner = 2
effects = [
  { type = "arrive", unit = "a" },
  { type = "ceasefire" },
]

[[events]]
id = "e0"

[[events.effects]]
type = "x"

[[events]]
id = "e1"

[[events.effects]]
type = "y"

[[events.effects]]
type = "z"

[supply]
[[supply.sources]]
id = "s"
'''


def test_the_text_is_valid_toml() -> None:
    tomllib.loads(TEXT)


def test_lines_of_keys_and_headers() -> None:
    loc = Locator(TEXT)
    assert loc.line_of(("scenario",)) == 2
    assert loc.line_of(("scenario", "title")) == 3
    assert loc.line_of(("scenario", "start")) == 8
    assert loc.line_of(("units", 0)) == 10
    assert loc.line_of(("units", 0, "id")) == 11
    assert loc.line_of(("units", 0, "men", "high")) == 12
    assert loc.line_of(("units", 0, "sources", 1)) == 15
    assert loc.line_of(("units", 1)) == 18
    assert loc.line_of(("units", 1, "quoted key")) == 19
    assert loc.line_of(("units", 1, "dotted", "inner")) == 20
    assert loc.line_of(("units", 1, "effects", 1)) == 23
    assert loc.line_of(("units", 1, "effects", 1, "type")) == 23


def test_arrays_of_tables_count_per_parent() -> None:
    loc = Locator(TEXT)
    assert loc.line_of(("events", 0, "effects", 0, "type")) == 30
    assert loc.line_of(("events", 1, "id")) == 33
    assert loc.line_of(("events", 1, "effects", 0, "type")) == 36
    assert loc.line_of(("events", 1, "effects", 1, "type")) == 39
    assert loc.line_of(("supply", "sources", 0, "id")) == 43


def test_missing_keys_fall_back_to_the_nearest_parent() -> None:
    loc = Locator(TEXT)
    assert loc.line_of(("units", 1, "side")) == 18
    assert loc.line_of(("units", 7, "side")) == 10
    assert loc.line_of(("nothing",)) is None


@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    Locator(text).line_of(("a", 0, "b"))
