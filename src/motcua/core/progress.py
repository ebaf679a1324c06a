"""A one-line progress bar for long commands, drawn only on a terminal (cron mail and logs stay clean)."""

from __future__ import annotations

import time
from typing import TextIO


class ProgressBar:
    """Called with (done, total) as work goes on, as the long services report it; ``close`` ends the line."""

    WIDTH = 30

    def __init__(self, stream: TextIO, unit: str, interval: float = 0.2) -> None:
        self.stream, self.unit, self.interval = stream, unit, interval
        self.shown = stream.isatty()
        self.drawn = False
        self.started = self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.shown or (now - self.last < self.interval and done < total):
            return
        self.last, self.drawn = now, True
        rate = done / (now - self.started) if now > self.started else 0.0
        eta = f" ETA {(total - done) / rate:,.0f}s" if rate and done < total else ""
        filled = min(self.WIDTH, self.WIDTH * done // max(total, 1))
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:,}/{total:,} {self.unit} "
                          f"{rate:,.0f}/s{eta} ")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
