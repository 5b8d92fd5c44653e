"""`MapView`: where a kilometre of the theatre lands on the screen, with zoom and pan.

The grid algebra (`sim.hexgrid`) and the projection (`sim.geo`) know nothing about pixels; this
is the pixel layout kept apart from them, as in Red Blob Games' `Layout`. The printed map and
the interactive window draw through the same view, so zooming in the window is only a matter of
making a new view. Views are immutable values: `zoomed` and `panned` return new ones, which keeps
"what was on screen" easy to reason about in undo and in tests.

Theatre kilometres have x growing east and y growing south, like screen pixels, so the mapping
is a uniform scale plus an offset with no flip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

__all__ = ["MapView"]


@dataclass(frozen=True, slots=True)
class MapView:
    """A viewport of `width` x `height` pixels showing the theatre at `scale` pixels per km,
    with the km point (`centre_x_km`, `centre_y_km`) at the viewport's centre."""

    width: int
    height: int
    scale: float
    centre_x_km: float
    centre_y_km: float

    @classmethod
    def fit(
        cls,
        bounds_km: tuple[float, float, float, float],
        width: int,
        height: int,
        margin_px: float = 0.0,
    ) -> MapView:
        """The view that shows the whole box (x0, y0, x1, y1) km as large as fits, centred."""
        x0, y0, x1, y1 = bounds_km
        if width <= 0 or height <= 0:
            raise ValueError("a view needs a positive width and height")
        span_x = max(x1 - x0, 1e-9)
        span_y = max(y1 - y0, 1e-9)
        scale = min(
            max(width - 2 * margin_px, 1.0) / span_x,
            max(height - 2 * margin_px, 1.0) / span_y,
        )
        return cls(width, height, scale, (x0 + x1) / 2.0, (y0 + y1) / 2.0)

    # --- km <-> px -------------------------------------------------------------------------

    def km_to_px(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (floats) of km points; scalars or arrays."""
        px = (np.asarray(x, dtype=np.float64) - self.centre_x_km) * self.scale + self.width / 2.0
        py = (np.asarray(y, dtype=np.float64) - self.centre_y_km) * self.scale + self.height / 2.0
        return px, py

    def px_to_km(self, px, py) -> tuple[np.ndarray, np.ndarray]:
        """Km coordinates of pixel points: the inverse of `km_to_px`, for mouse picking."""
        x = (np.asarray(px, dtype=np.float64) - self.width / 2.0) / self.scale + self.centre_x_km
        y = (np.asarray(py, dtype=np.float64) - self.height / 2.0) / self.scale + self.centre_y_km
        return x, y

    def km_bounds(self) -> tuple[float, float, float, float]:
        """The km box (x0, y0, x1, y1) the viewport shows."""
        half_w = self.width / 2.0 / self.scale
        half_h = self.height / 2.0 / self.scale
        return (
            self.centre_x_km - half_w,
            self.centre_y_km - half_h,
            self.centre_x_km + half_w,
            self.centre_y_km + half_h,
        )

    def px_per_km(self) -> float:
        return self.scale

    # --- navigation ------------------------------------------------------------------------

    def zoomed(self, factor: float, about_px: tuple[float, float] | None = None) -> MapView:
        """Zoom by `factor` keeping the km point under `about_px` (default: the centre) fixed,
        so zooming at the mouse cursor feels anchored."""
        if not (factor > 0 and math.isfinite(factor)):
            raise ValueError(f"zoom factor must be a positive number, got {factor!r}")
        if about_px is None:
            about_px = (self.width / 2.0, self.height / 2.0)
        ax, ay = (float(v) for v in self.px_to_km(*about_px))
        scale = self.scale * factor
        cx = ax - (about_px[0] - self.width / 2.0) / scale
        cy = ay - (about_px[1] - self.height / 2.0) / scale
        return replace(self, scale=scale, centre_x_km=cx, centre_y_km=cy)

    def panned(self, dx_px: float, dy_px: float) -> MapView:
        """Move the map content by (dx, dy) pixels, as when it is dragged."""
        return replace(
            self,
            centre_x_km=self.centre_x_km - dx_px / self.scale,
            centre_y_km=self.centre_y_km - dy_px / self.scale,
        )

    def resized(self, width: int, height: int) -> MapView:
        """The same centre and scale in a viewport of a new size (a resized window)."""
        return replace(self, width=width, height=height)
