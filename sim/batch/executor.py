"""Where the runs execute: in this process, a local pool of processes, or a Dask cluster.

Every backend is a `concurrent.futures.Executor`, so the batch submits runs and collects
their futures the same way whichever runs them, and a run's result never depends on it:

- one worker: the runs play here, one after another (no processes to start, and a failing
  run's traceback is close at hand);
- several: a `ProcessPoolExecutor` with the "forkserver" start method where there is one, else
  "spawn" (never "fork": a forked worker would inherit whatever state the parent had);
- `--scheduler tcp://HOST:PORT`: an existing Dask cluster through
  `distributed.Client(address).get_executor()`; Dask is an optional extra
  (`pip install -e '.[cluster]'`) and imported only then. Its workers need this program and
  the scenario files at the same paths (the same checkout, or a shared disk).
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from sim.errors import UserError

SCHEDULER = re.compile(r"^(tcp|tls|ws|wss|inproc|ucx)://[^\s/]+(:\d+)?/?$")
CLUSTER_HINT = "pip install -e '.[cluster]' (or: pip install \"dask[distributed]\")"


class InlineExecutor(Executor):
    """Runs each call at once, in this process; its futures are done when returned."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # noqa: BLE001 - handed back through the future
            if isinstance(err, KeyboardInterrupt):
                raise
            future.set_exception(err)
        return future


@dataclass
class Backend:
    executor: Executor
    description: str
    slots: int
    """How many runs to keep in flight: enough to keep every worker busy, few enough that a
    stopped batch loses little and memory stays small."""
    client: Any = None

    def close(self, cancel: bool = False) -> None:
        if self.client is not None:
            self.executor.shutdown(wait=not cancel)
            self.client.close()
        else:
            self.executor.shutdown(wait=not cancel, cancel_futures=cancel)


def default_workers() -> int:
    return os.cpu_count() or 1


def start_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def local_backend(workers: int) -> Backend:
    if workers < 1:
        raise UserError(f"--workers must be 1 or more, not {workers}")
    if workers == 1:
        return Backend(InlineExecutor(), "1 worker (this process)", 1)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=start_context())
    return Backend(pool, f"{workers} worker processes", workers * 2)


def check_scheduler(address: str) -> str:
    if not SCHEDULER.match(address):
        raise UserError(
            f"--scheduler expects the address of a Dask scheduler such as tcp://10.0.0.5:8786,"
            f" not {address!r}"
        )
    return address


def dask_backend(address: str, timeout: float = 10.0) -> Backend:
    check_scheduler(address)
    try:
        from distributed import Client
    except ImportError:
        raise UserError(f"--scheduler needs Dask's distributed package: {CLUSTER_HINT}") from None
    try:
        client = Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise UserError(f"cannot reach the Dask scheduler at {address}: {err}") from None
    cores = sum(int(w.get("nthreads", 1)) for w in client.scheduler_info()["workers"].values())
    executor = client.get_executor(pure=False)
    return Backend(executor, f"Dask cluster at {address} ({cores} worker threads)",
                   max(2, cores * 2), client)
