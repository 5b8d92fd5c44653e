"""How a batch shows it is getting on: a bar on a terminal, a line now and then in a log.

On a terminal (stderr is a TTY) a tqdm bar shows the runs done, the rate and the time left;
without tqdm, one line redrawn in place. Into a file or a pipe, a plain line at most every
`every` seconds, so logs stay short. The summary at the end is the caller's (stdout).
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class Progress:
    def __init__(
        self, total: int, done: int = 0, stream: TextIO | None = None, every: float = 30.0,
        label: str = "runs",
    ) -> None:
        self.total = total
        self.done = done
        self.failed = 0
        self.stream = stream or sys.stderr
        self.every = every
        self.label = label
        self.start = time.monotonic()
        self.started_at = done
        self.last = self.start
        self.bar: Any = None
        tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.tty = tty
        if tty:
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total, initial=done, unit="run", file=self.stream,
                                dynamic_ncols=True, smoothing=0.1)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    @property
    def rate(self) -> float:
        ran = self.done - self.started_at
        return ran / self.elapsed if self.elapsed > 0 else 0.0

    def update(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += int(failed)
        if self.bar is not None:
            self.bar.update(1)
            if self.failed:
                self.bar.set_postfix(failed=self.failed, refresh=False)
            return
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r" + self.line())
            self.stream.flush()
        elif now - self.last >= self.every:
            self.last = now
            print(self.line(), file=self.stream, flush=True)

    def line(self) -> str:
        left = self.total - self.done
        eta = f", about {_duration(left / self.rate)} left" if self.rate > 0 and left else ""
        failed = f", {self.failed} failed" if self.failed else ""
        return (f"{self.done}/{self.total} {self.label}{failed}, {self.rate:.2f} runs/s"
                f"{eta}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
