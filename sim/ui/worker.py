"""Slow work off the window's thread, so the window never freezes while the computer thinks.

Resolving a turn means asking the AI for its orders (seconds, for a large scenario) and then
running the rules; loading a save means replaying every turn. Both run here, in one
background thread, while the window keeps drawing and answering the mouse.

Determinism is kept by ownership, not by locks: while a job runs, the window does not touch
the session it works on (it draws from a copy of the state taken before), and only one job
runs at a time. The job itself is the same code the headless `run` command calls
(`Session.play_turn`), so a game played in the window resolves exactly as it would without it:
controllers still get a copy of the state and their own generator, and the rules still draw
from the game's one generator, in the same order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Job", "Worker"]


@dataclass(slots=True)
class Job:
    """One piece of work: what it is called in the status bar, and when done its result or
    the exception it raised."""

    name: str
    fn: Callable[[], Any]
    result: Any = None
    error: BaseException | None = None
    done: bool = False


class Worker:
    """Runs one job at a time in a daemon thread; `threaded=False` runs it at once (tests
    that want no threads, or a machine where threads are unwelcome)."""

    def __init__(self, threaded: bool = True) -> None:
        self.threaded = threaded
        self.job: Job | None = None
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        return self.job is not None and not self.job.done

    def start(self, name: str, fn: Callable[[], Any]) -> Job:
        if self.busy:
            raise RuntimeError(f"already working on {self.job.name}")  # type: ignore[union-attr]
        job = Job(name, fn)
        self.job = job
        if self.threaded:
            self._thread = threading.Thread(target=self._run, args=(job,), daemon=True)
            self._thread.start()
        else:
            self._run(job)
        return job

    @staticmethod
    def _run(job: Job) -> None:
        try:
            job.result = job.fn()
        except BaseException as err:  # handed to the window, which reports it
            job.error = err
        finally:
            job.done = True

    def finished(self) -> Job | None:
        """The job, once, when it has finished; None while it runs or when there is none."""
        job = self.job
        if job is None or not job.done:
            return None
        self.job = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        return job

    def wait(self, timeout: float | None = None) -> None:
        """Block until the running job ends (autoplay, tests, quitting)."""
        if self._thread is not None:
            self._thread.join(timeout)
