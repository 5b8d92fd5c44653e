"""Quantities: exact values and ranges, midpoints and seeded draws."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.scenario import Provenance, Quantity

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


def test_exact_value_is_its_own_midpoint_and_draw() -> None:
    q = Quantity.exact(1200, Provenance(source="history-notes §a1"))
    rng = np.random.default_rng(1)
    assert q.midpoint == q.draw(rng) == q.resolve() == q.resolve(rng) == 1200
    assert not q.is_range


@given(finite, finite, st.integers(0, 2**32))
def test_a_draw_lies_in_its_range_and_repeats_with_the_seed(a: float, b: float, seed: int) -> None:
    low, high = min(a, b), max(a, b)
    q = Quantity(low=low, high=high)
    x = q.draw(np.random.default_rng(seed))
    assert low <= x <= high
    assert x == q.draw(np.random.default_rng(seed))
    assert q.midpoint == (low + high) / 2
    assert q.resolve() == q.midpoint
    rng = np.random.default_rng(seed)
    assert q.resolve(rng, midpoint=True) == q.midpoint
    assert q.resolve(rng) == x  # the midpoint drew nothing from the stream


def test_provenance_cites_sources_and_estimates() -> None:
    p = Provenance(source="a", sources=("b",), estimate=True, why="c")
    assert p.cite() == "a; b; estimate: c"
