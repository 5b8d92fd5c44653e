"""The theatre map build: its pieces on small made-up inputs, and, where the reference data is at
hand (../shared/reference/geo), a full rebuild that must reproduce the committed map exactly."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.hexgrid import Hex, neighbour_table  # noqa: E402
from sim.theatre import DEFAULT_THEATRE_DIR  # noqa: E402
from tools.theatre_build.dem import D8_DC, D8_DR, fill_depressions  # noqa: E402
from tools.theatre_build.geojson import points_in_rings  # noqa: E402
from tools.theatre_build.output import dumps_toml, write_npz  # noqa: E402
from tools.theatre_build.rivers import side_bits  # noqa: E402
from tools.theatre_build.routes import route_path  # noqa: E402

GEO = ROOT.parent / "shared" / "reference" / "geo"


@pytest.mark.skipif(not GEO.is_dir(), reason="needs the reference data in ../shared/reference/geo")
def test_rebuild_reproduces_the_committed_map(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_theatre.py"), "--geo", str(GEO),
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("map.npz", "map.toml"):
        built = (tmp_path / name).read_bytes()
        assert built == (DEFAULT_THEATRE_DIR / name).read_bytes(), (
            f"{name} differs from a fresh build: run python tools/build_theatre.py --geo {GEO}"
        )


def test_toml_writer_round_trips():
    doc = {
        "format": 1,
        "names": ["Xankəndi", 'a "quoted" name', "tab\there"],
        "hexes": [[q, -q] for q in range(60)],
        "table": {"lat0": 39.8, "flag": True, "nested": {"x": 0.1 + 0.2}},
        "only_tables": {"a-b": {"k": 1}, "c": {"k": 2}},
        "items": [{"id": "one"}, {"id": "two", "sub": {"v": -1.5e-7}}],
        "weird key": "x",
    }
    text = dumps_toml(doc, header=("a comment",))
    assert tomllib.loads(text) == doc
    assert text.startswith("# a comment\n")
    assert max(len(line) for line in text.splitlines() if "[" in line and "," in line) <= 100


def test_npz_writer_is_deterministic_and_plain(tmp_path):
    arrays = {"q": np.arange(5, dtype=np.int16), "nkao": np.array([True, False] * 2)}
    write_npz(tmp_path / "a.npz", arrays)
    write_npz(tmp_path / "b.npz", arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with np.load(tmp_path / "a.npz", allow_pickle=False) as npz:
        assert list(npz.files) == ["q", "nkao"]
        for k, v in arrays.items():
            assert npz[k].dtype == v.dtype and np.array_equal(npz[k], v)
    with pytest.raises(ValueError):
        write_npz(tmp_path / "c.npz", {"x": np.array([object()])})


def test_point_in_polygon_with_a_hole():
    outer = np.array([[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], dtype=float)
    hole = np.array([[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]], dtype=float)
    x = np.array([1.0, 5.0, 9.5, 11.0, -1.0, 5.0])
    y = np.array([1.0, 5.0, 9.5, 5.0, 5.0, 3.0])
    assert points_in_rings(x, y, [outer, hole]).tolist() == [True, False, True, False, False, True]


def test_river_sides_follow_a_line_and_are_symmetric():
    q, r = np.meshgrid(np.arange(-3, 4), np.arange(-3, 4))
    q, r = q.ravel(), r.ravel()
    nb = neighbour_table(q, r)
    x = np.sqrt(3) * (q + r / 2)
    y = 1.5 * r
    # A vertical line at x = 0.5 separates column q + r/2 <= 0 from the rest.
    line = np.array([[0.5, -10.0], [0.5, 10.0]])
    bits = side_bits(nb, np.column_stack([x, y]), [line])
    for d in range(6):
        has = (bits >> d) & 1 == 1
        j = nb[has, d]
        assert np.all((bits[j] >> ((d + 3) % 6)) & 1 == 1)
        assert np.all(np.sign(x[has] - 0.5) != np.sign(x[j] - 0.5))
    east = nb[:, 0]
    crossing = (east >= 0) & (x < 0.5) & (x[np.maximum(east, 0)] > 0.5)
    assert np.array_equal((bits & 1 == 1), crossing)


def test_filled_dem_drains_every_cell_to_the_edge():
    heights = np.full((7, 7), 100.0)
    heights[0, 3] = 50.0  # the outlet
    heights[3, 3] = 10.0  # a pit
    filled = fill_depressions(heights)
    assert filled[3, 3] > 100.0 and filled[0, 3] == 50.0
    interior = filled[1:-1, 1:-1]
    lower = np.zeros_like(interior, dtype=bool)
    for dr, dc in zip(D8_DR, D8_DC, strict=True):
        lower |= filled[1 + dr:6 + dr, 1 + dc:6 + dc] < interior
    assert lower.all()


def test_route_path_is_connected():
    path = route_path([Hex(0, 0), Hex(5, -2), Hex(5, -2), Hex(-1, 4)])
    assert path[0] == Hex(0, 0) and path[-1] == Hex(-1, 4)
    assert all(a.distance(b) == 1 for a, b in zip(path[:-1], path[1:], strict=True))
