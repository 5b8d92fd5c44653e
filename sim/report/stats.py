"""Numbers with their uncertainty: shares, medians and spreads, paired differences.

A few hundred runs give a share or a median that would move a little with other seeds, so
every figure the report prints carries an interval. Bootstrap intervals draw from a numpy
Generator seeded with a fixed number: the same batch always gives the same report, byte for
byte, and a reader can re-run it and check.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BOOTSTRAP_SEED",
    "Difference",
    "Share",
    "Spread",
    "bootstrap_interval",
    "paired_difference",
    "share",
    "spread",
    "unpaired_difference",
]

BOOTSTRAP_SEED = 19940512
BOOTSTRAP_DRAWS = 2000
LEVEL = 0.95
# Below this many runs (or pairs) a resampled interval says nothing: none is given.
MIN_RUNS = 5


def _generator(rng: np.random.Generator | None) -> np.random.Generator:
    return rng if rng is not None else np.random.Generator(np.random.PCG64(BOOTSTRAP_SEED))


@dataclass(frozen=True, slots=True)
class Share:
    """How often something happened: `k` of `n` runs, with a 95% Wilson interval."""

    k: int
    n: int
    lo: float
    hi: float

    @property
    def value(self) -> float:
        return self.k / self.n if self.n else float("nan")

    def as_dict(self) -> dict:
        return {"k": self.k, "n": self.n, "share": _num(self.value), "lo": _num(self.lo),
                "hi": _num(self.hi)}


def share(flags: np.ndarray) -> Share:
    """The share of true values; Wilson's interval stays inside 0–1 and works at 0 and n."""
    flags = np.asarray(flags, dtype=bool)
    n, k = int(flags.size), int(flags.sum())
    if n == 0:
        return Share(0, 0, float("nan"), float("nan"))
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Share(k, n, max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True, slots=True)
class Spread:
    """Median and the 10/25/75/90th percentiles of the values a batch recorded (NaN skipped)."""

    n: int
    median: float
    p10: float
    p25: float
    p75: float
    p90: float

    def as_dict(self) -> dict:
        return {"n": self.n, "median": _num(self.median), "p10": _num(self.p10),
                "p25": _num(self.p25), "p75": _num(self.p75), "p90": _num(self.p90)}


def spread(values: np.ndarray) -> Spread:
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        nan = float("nan")
        return Spread(0, nan, nan, nan, nan, nan)
    p10, p25, p50, p75, p90 = (float(v) for v in np.percentile(x, [10, 25, 50, 75, 90]))
    return Spread(int(x.size), p50, p10, p25, p75, p90)


def bootstrap_interval(
    values: np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray] = np.median,
    rng: np.random.Generator | None = None,
    draws: int = BOOTSTRAP_DRAWS,
) -> tuple[float, float]:
    """95% percentile interval of `statistic` (applied along axis 1 of resampled rows)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return float("nan"), float("nan")
    picks = _generator(rng).integers(0, x.size, size=(draws, x.size))
    stats = statistic(x[picks], axis=1)
    lo, hi = np.percentile(stats, [100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2])
    return float(lo), float(hi)


@dataclass(frozen=True, slots=True)
class Difference:
    """B minus A: the mean difference with a 95% bootstrap interval; `paired` says how."""

    n: int
    mean: float
    lo: float
    hi: float
    paired: bool

    @property
    def clear(self) -> bool:
        """The interval leaves out zero: the lever moved this figure beyond the noise."""
        return bool(self.n) and (self.lo > 0 or self.hi < 0)  # NaN compares false

    @property
    def moved(self) -> bool:
        """Anything changed at all: a mean difference, or pairs that differ either way."""
        spread_out = not math.isnan(self.lo) and self.lo != self.hi
        return bool(self.n) and (self.mean != 0 or spread_out)

    def as_dict(self) -> dict:
        return {"n": self.n, "difference": _num(self.mean), "lo": _num(self.lo),
                "hi": _num(self.hi), "paired": self.paired}


def paired_difference(
    a: np.ndarray, b: np.ndarray, rng: np.random.Generator | None = None
) -> Difference:
    """Mean of b[i] - a[i] over pairs where both are known; resampling pairs keeps the common
    random numbers together, so the interval measures the lever, not the dice."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired values differ in shape: {a.shape} and {b.shape}")
    d = b - a
    d = d[~np.isnan(d)]
    if d.size == 0:
        nan = float("nan")
        return Difference(0, nan, nan, nan, True)
    if d.size < MIN_RUNS:
        return Difference(int(d.size), float(d.mean()), float("nan"), float("nan"), True)
    lo, hi = bootstrap_interval(d, np.mean, rng)
    return Difference(int(d.size), float(d.mean()), lo, hi, True)


def unpaired_difference(
    a: np.ndarray, b: np.ndarray, rng: np.random.Generator | None = None
) -> Difference:
    """Mean of b minus mean of a for batches whose runs do not share seeds."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size == 0 or b.size == 0:
        nan = float("nan")
        return Difference(0, nan, nan, nan, False)
    if min(a.size, b.size) < MIN_RUNS:
        nan = float("nan")
        return Difference(min(a.size, b.size), float(b.mean() - a.mean()), nan, nan, False)
    gen = _generator(rng)
    ma = a[gen.integers(0, a.size, size=(BOOTSTRAP_DRAWS, a.size))].mean(axis=1)
    mb = b[gen.integers(0, b.size, size=(BOOTSTRAP_DRAWS, b.size))].mean(axis=1)
    lo, hi = np.percentile(mb - ma, [100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2])
    return Difference(min(a.size, b.size), float(b.mean() - a.mean()), float(lo), float(hi),
                      False)


def _num(x: float) -> float | None:
    """JSON has no NaN: an unknown figure is null."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 6)
