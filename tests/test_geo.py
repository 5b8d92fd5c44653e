"""Projection: lat/lon <-> hex round trips and the size of a hex."""

import math

from hypothesis import given
from hypothesis import strategies as st

from sim.geo import Projection
from sim.hexgrid import Hex, hex_distance

PROJ = Projection(lat0=39.8, lon0=46.45, hex_size_km=2.0)

lats = st.floats(min_value=38.8, max_value=40.8)
lons = st.floats(min_value=45.2, max_value=47.7)


@given(lats, lons)
def test_latlon_km_round_trip(lat, lon):
    x, y = PROJ.to_km(lat, lon)
    lat2, lon2 = PROJ.from_km(x, y)
    assert math.isclose(float(lat2), lat, abs_tol=1e-9)
    assert math.isclose(float(lon2), lon, abs_tol=1e-9)


@given(st.integers(-80, 80), st.integers(-80, 80))
def test_hex_centre_round_trip(q, r):
    h = Hex(q, r)
    lat, lon = PROJ.hex_centre(h)
    assert PROJ.hex_at(lat, lon) == h


@given(lats, lons)
def test_a_point_is_within_one_hex_radius_of_its_hex_centre(lat, lon):
    h = PROJ.hex_at(lat, lon)
    clat, clon = PROJ.hex_centre(h)
    x0, y0 = PROJ.to_km(lat, lon)
    x1, y1 = PROJ.to_km(clat, clon)
    assert math.hypot(float(x1 - x0), float(y1 - y0)) <= PROJ.hex_size_km + 1e-9


def test_hex_is_at_most_four_km_across_and_neighbours_are_one_hex_apart():
    assert PROJ.hex_across_corners_km <= 4.0
    a = PROJ.hex_at(39.82, 46.75)
    b = a.neighbour(0)
    (la, oa), (lb, ob) = PROJ.hex_centre(a), PROJ.hex_centre(b)
    xa, ya = PROJ.to_km(la, oa)
    xb, yb = PROJ.to_km(lb, ob)
    assert math.isclose(math.hypot(float(xb - xa), float(yb - ya)), PROJ.hex_across_flats_km)


def test_real_distance_stepanakert_shusha():
    # Stepanakert 39.82N 46.75E to Shusha 39.76N 46.75E is about 6.6 km due south.
    a = PROJ.hex_at(39.82, 46.75)
    b = PROJ.hex_at(39.76, 46.75)
    assert hex_distance(a, b) == 2
