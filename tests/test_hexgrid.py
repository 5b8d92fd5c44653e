"""Hex algebra: the identities every other module leans on."""

from itertools import pairwise

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.hexgrid import (
    DIRECTIONS,
    Hex,
    hex_disc,
    hex_distance,
    hex_line,
    hex_ring,
    hex_round,
    neighbour_table,
    opposite,
)

coords = st.integers(min_value=-500, max_value=500)
hexes = st.builds(Hex, coords, coords)


@given(hexes)
def test_cube_coordinates_sum_to_zero(h):
    assert h.q + h.r + h.s == 0


@given(hexes, hexes)
def test_distance_is_symmetric_and_translation_invariant(a, b):
    assert hex_distance(a, b) == hex_distance(b, a)
    assert hex_distance(a, b) == hex_distance(a - b, Hex(0, 0))
    assert (hex_distance(a, b) == 0) == (a == b)


@given(hexes, hexes, hexes)
def test_triangle_inequality(a, b, c):
    assert hex_distance(a, c) <= hex_distance(a, b) + hex_distance(b, c)


@given(hexes)
def test_neighbours_are_at_distance_one_and_opposites_cancel(h):
    for d in range(6):
        n = h.neighbour(d)
        assert hex_distance(h, n) == 1
        assert n.neighbour(opposite(d)) == h
        assert h.direction_to(n) == d
    assert len(set(h.neighbours())) == 6


@given(hexes, hexes)
def test_line_is_connected_and_as_long_as_the_distance(a, b):
    line = hex_line(a, b)
    assert line[0] == a and line[-1] == b
    assert len(line) == hex_distance(a, b) + 1
    assert all(hex_distance(x, y) == 1 for x, y in pairwise(line))


@given(hexes, st.integers(min_value=0, max_value=12))
def test_ring_and_disc_sizes(h, radius):
    ring = hex_ring(h, radius)
    assert len(ring) == max(1, 6 * radius)
    assert all(hex_distance(h, x) == radius for x in ring)
    disc = list(hex_disc(h, radius))
    assert len(disc) == len(set(disc)) == 1 + 3 * radius * (radius + 1)


@given(hexes, st.floats(-0.49, 0.49), st.floats(-0.49, 0.49))
def test_rounding_a_point_near_the_centre_gives_that_hex(h, dq, dr):
    # Points well inside the hex (|dq|,|dr|,|ds| < 0.5 in cube space) round back to it.
    if abs(dq + dr) < 0.49:
        assert hex_round(h.q + dq, h.r + dr) == h


def test_neighbour_table_matches_scalar_neighbours():
    disc = list(hex_disc(Hex(3, -2), 4))
    q = np.array([h.q for h in disc])
    r = np.array([h.r for h in disc])
    table = neighbour_table(q, r)
    index = {h: i for i, h in enumerate(disc)}
    for i, h in enumerate(disc):
        for d in range(6):
            expected = index.get(h.neighbour(d), -1)
            assert table[i, d] == expected
    # The centre has all six neighbours; the outer ring lacks some.
    assert (table[0] >= 0).all()
    assert (table == -1).any()


def test_directions_are_the_six_unit_hexes():
    assert len(set(DIRECTIONS)) == 6
    assert all(hex_distance(d, Hex(0, 0)) == 1 for d in DIRECTIONS)
