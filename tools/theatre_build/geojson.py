"""Reading the reference GeoJSON and testing points against its polygons.

Point-in-polygon is even-odd ray casting over every ring of a feature at once, so holes
(Stepanakert inside Khojaly, Lake Sevan inside Armenia's land) and multipolygons need no special
case. It runs in plain longitude/latitude: at these scales the straight edges differ from
geodesics by metres, far below a 2 km hex.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import UserError

# Enough edge/point pairs per block to keep numpy busy without large temporaries.
_BLOCK = 2_000_000


def load_features(path: Path) -> list[dict[str, Any]]:
    """The features of a GeoJSON FeatureCollection."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except json.JSONDecodeError as e:
        raise UserError(f"{path}: not valid JSON: {e}") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise UserError(f"{path}: expected a GeoJSON FeatureCollection")
    return features


def polygon_rings(geometry: dict[str, Any]) -> list[np.ndarray]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon as `(k, 2)` lon/lat arrays."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"expected a polygon geometry, found {kind}")
    return [np.asarray(ring, dtype=np.float64)[:, :2] for poly in polygons for ring in poly]


def line_parts(geometry: dict[str, Any]) -> list[np.ndarray]:
    """The parts of a LineString or MultiLineString as `(k, 2)` lon/lat arrays."""
    kind = geometry.get("type")
    if kind == "LineString":
        parts = [geometry["coordinates"]]
    elif kind == "MultiLineString":
        parts = geometry["coordinates"]
    else:
        raise ValueError(f"expected a line geometry, found {kind}")
    return [np.asarray(p, dtype=np.float64)[:, :2] for p in parts if len(p) >= 2]


def points_in_rings(lon: np.ndarray, lat: np.ndarray, rings: Iterable[np.ndarray]) -> np.ndarray:
    """Boolean array: which points lie inside the region the rings bound (even-odd rule)."""
    lon = np.asarray(lon, dtype=np.float64).ravel()
    lat = np.asarray(lat, dtype=np.float64).ravel()
    edges = [
        np.column_stack([ring[:-1], ring[1:]]) for ring in rings if len(ring) >= 3
    ]
    inside = np.zeros(lon.size, dtype=bool)
    if not edges or lon.size == 0:
        return inside
    e = np.concatenate(edges)
    # A horizontal edge never crosses a horizontal ray; dropping them avoids 0/0.
    e = e[e[:, 1] != e[:, 3]]
    step = max(1, _BLOCK // lon.size)
    for start in range(0, len(e), step):
        x0, y0, x1, y1 = (c[None, :] for c in e[start:start + step].T)
        py, px = lat[:, None], lon[:, None]
        straddles = (y0 > py) != (y1 > py)
        x_cross = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
        crossings = np.count_nonzero(straddles & (px < x_cross), axis=1)
        inside ^= (crossings % 2).astype(bool)
    return inside

