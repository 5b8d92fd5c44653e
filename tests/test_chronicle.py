"""Log entries: canonical JSON Lines that are byte-identical for the same content."""

import datetime as dt
import json

import numpy as np
import pytest

from sim.atomic import write_text_atomic
from sim.chronicle import Entry, canonical, render, to_json_line, write_jsonl


def entry(**data):
    return Entry(3, dt.date(1992, 5, 8), "combat", "Shusha captured.", data)


def test_keys_are_sorted_and_floats_fixed():
    line = to_json_line(entry(z=1, a=0.123456789, roll=np.float64(0.5)))
    assert line.index('"a"') < line.index('"date"') < line.index('"z"')
    assert '"a":0.1235' in line
    assert json.loads(line)["roll"] == 0.5


def test_same_content_same_bytes_whatever_the_insertion_order():
    a = to_json_line(entry(x=1.0, y={"b": 2, "a": 1}))
    b = to_json_line(entry(y={"a": 1, "b": 2}, x=1.00000001))
    assert a == b


def test_non_finite_numbers_and_foreign_objects_are_refused():
    with pytest.raises(ValueError):
        canonical(float("nan"))
    with pytest.raises(TypeError):
        canonical(object())


def test_rendered_line_carries_the_historical_note(tmp_path):
    e = Entry(1, dt.date(1992, 5, 9), "capture", "Shusha captured.", {}, {"text": "8-9 May"})
    assert "History: 8-9 May" in render(e)
    path = tmp_path / "log.jsonl"
    write_jsonl([e, e], path)
    assert path.read_text().count("\n") == 2


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "sub" / "file.txt"
    write_text_atomic(target, "one")
    write_text_atomic(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["file.txt"]


def test_atomic_write_gives_ordinary_permissions(tmp_path):
    target = tmp_path / "map.png"
    write_text_atomic(target, "x")
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert (target.stat().st_mode & 0o777) == (plain.stat().st_mode & 0o777)
