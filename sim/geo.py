"""Theatre projection: latitude/longitude <-> kilometres <-> hexes.

The theatre is small (about 220 x 215 km), so a local equirectangular projection with its
standard parallel through the middle of the map is accurate to about 1.5% in distance at the
edges and, unlike a lookup table, is exactly invertible. x grows east, y grows south (screen
and hex-row order). Hexes are pointy-top with circumradius `hex_size_km`, so a hex measures
``2 * size`` corner to corner and ``sqrt(3) * size`` across its flats.

The parameters are data: the map file records them and `Theatre` builds its projection from
there, so a different map needs no code change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.hexgrid import Hex, round_array

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320
SQRT3 = math.sqrt(3.0)


@dataclass(frozen=True, slots=True)
class Projection:
    """Maps geographic coordinates to the theatre's hex grid and back."""

    lat0: float
    lon0: float
    hex_size_km: float

    @property
    def km_per_deg_lon(self) -> float:
        return KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(self.lat0))

    @property
    def hex_across_flats_km(self) -> float:
        return SQRT3 * self.hex_size_km

    @property
    def hex_across_corners_km(self) -> float:
        return 2.0 * self.hex_size_km

    @property
    def hex_area_km2(self) -> float:
        return 1.5 * SQRT3 * self.hex_size_km**2

    # --- lat/lon <-> km -------------------------------------------------------------

    def to_km(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        x = (np.asarray(lon, dtype=np.float64) - self.lon0) * self.km_per_deg_lon
        y = (self.lat0 - np.asarray(lat, dtype=np.float64)) * KM_PER_DEG_LAT
        return x, y

    def from_km(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        lat = self.lat0 - np.asarray(y, dtype=np.float64) / KM_PER_DEG_LAT
        lon = self.lon0 + np.asarray(x, dtype=np.float64) / self.km_per_deg_lon
        return lat, lon

    # --- km <-> hex -----------------------------------------------------------------

    def km_to_axial(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Fractional axial coordinates of points in km."""
        x = np.asarray(x, dtype=np.float64) / self.hex_size_km
        y = np.asarray(y, dtype=np.float64) / self.hex_size_km
        fq = SQRT3 / 3.0 * x - y / 3.0
        fr = 2.0 / 3.0 * y
        return fq, fr

    def axial_to_km(self, q, r) -> tuple[np.ndarray, np.ndarray]:
        q = np.asarray(q, dtype=np.float64)
        r = np.asarray(r, dtype=np.float64)
        x = self.hex_size_km * (SQRT3 * q + SQRT3 / 2.0 * r)
        y = self.hex_size_km * 1.5 * r
        return x, y

    # --- lat/lon <-> hex ------------------------------------------------------------

    def hexes_at(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """Axial (q, r) arrays of the hexes containing each point."""
        return round_array(*self.km_to_axial(*self.to_km(lat, lon)))

    def hex_at(self, lat: float, lon: float) -> Hex:
        q, r = self.hexes_at([lat], [lon])
        return Hex(int(q[0]), int(r[0]))

    def hex_centres(self, q, r) -> tuple[np.ndarray, np.ndarray]:
        """(lat, lon) arrays of hex centres."""
        return self.from_km(*self.axial_to_km(q, r))

    def hex_centre(self, h: Hex) -> tuple[float, float]:
        lat, lon = self.hex_centres([h.q], [h.r])
        return float(lat[0]), float(lon[0])

    def hex_corners_km(self, q: float, r: float) -> np.ndarray:
        """`(6, 2)` corner positions (x, y km) of a hex, for drawing and edge geometry."""
        cx, cy = self.axial_to_km(q, r)
        angles = np.radians(60.0 * np.arange(6) - 30.0)
        return np.stack(
            [cx + self.hex_size_km * np.cos(angles), cy + self.hex_size_km * np.sin(angles)],
            axis=1,
        )
