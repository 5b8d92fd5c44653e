"""The seed of each run of a batch, derived from the batch's root seed.

Run r (counted from 1) plays with a seed drawn from child r - 1 of
`numpy.random.SeedSequence(root).spawn(n)`: the children are independent streams, a child
depends only on the root and its position (not on n), and the seed is recorded as a plain
integer so that `python main.py run SCENARIO --seed <that integer>` replays the very game.
Seeds keep 53 bits (below 2**53), so that every JSON, spreadsheet or dataframe reader holds
them exactly; two runs of a million-run batch share a seed with odds of about 1 in 10**4.
"""

from __future__ import annotations

import numpy as np

SEED_BITS = 53


def run_seed(root: int, run: int) -> int:
    """The game seed of run `run` (from 1) in a batch with root seed `root` (below 2**53)."""
    if run < 1:
        raise ValueError(f"runs are counted from 1, not {run}")
    child = np.random.SeedSequence(root, spawn_key=(run - 1,))
    return int(child.generate_state(1, dtype=np.uint64)[0]) >> (64 - SEED_BITS)
