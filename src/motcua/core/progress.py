"""A one-line progress bar for long commands, drawn only on a terminal (cron mail and logs stay clean)."""

from __future__ import annotations

import time
from typing import TextIO


class ProgressBar:
    WIDTH = 30

    def __init__(self, stream: TextIO, total: int, unit: str, interval: float = 0.2) -> None:
        self.stream, self.total, self.unit, self.interval = stream, total, unit, interval
        self.shown = stream.isatty()
        self.started = self.last = time.monotonic()

    def update(self, done: int) -> None:
        now = time.monotonic()
        if not self.shown or (now - self.last < self.interval and done < self.total):
            return
        self.last = now
        rate = done / (now - self.started) if now > self.started else 0.0
        filled = self.WIDTH * done // max(self.total, 1)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:,}/{self.total:,} {self.unit} "
                          f"{rate:,.0f}/s ")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
