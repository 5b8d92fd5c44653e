"""Batches: many independent games of one scenario, run in parallel, summarised in tables.

    python main.py batch 1992-winter -n 200 --seed 7 --out results/

Run r plays with the seed `run_seed(root, r)` (`sim.batch.seeds`), so its result depends only on
the scenario, the root seed, r, the levers, the controllers and the sources: never on how many
workers there are, which backend runs it, or the order runs finish in. Each finished run is
written to its own file as it finishes (`sim.batch.results`), and the tables are rebuilt from
those files sorted by run, so a batch stopped at any moment and resumed ends with the very
files an uninterrupted batch writes. The file formats are in docs/batch-format.md.
"""

from sim.batch.run_one import RunTask
from sim.batch.runner import BatchSpec, run_batch
from sim.batch.seeds import run_seed

__all__ = ["BatchSpec", "RunTask", "run_batch", "run_seed"]
