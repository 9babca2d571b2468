"""Progress of a batch command: one line per trainee with an estimate of the time left, then a summary."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TextIO

from course.messages import t


def clock(seconds: float) -> str:
    """Seconds as m:ss (or h:mm:ss)."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Prints `[ 3/60] t003  graded  8/10  ETA 0:45` after each trainee."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stdout
        self.started = time.monotonic()

    def eta(self) -> float:
        """Seconds still to go, from the average so far."""
        if not self.done:
            return 0.0
        elapsed = time.monotonic() - self.started
        return elapsed / self.done * (self.total - self.done)

    def step(self, trainee: str, status: str, detail: str = "") -> None:
        """One trainee finished."""
        self.done += 1
        width = len(str(self.total))
        line = t(
            "grade.progress",
            done=f"{self.done:>{width}}",
            total=self.total,
            trainee=trainee,
            status=status,
            detail=detail,
            eta=clock(self.eta()),
        )
        print(line.rstrip(), file=self.stream, flush=True)

    def finish(self, counts: Counter) -> None:
        """The one-line summary: how many trainees have each status, and the time taken."""
        print(summary(counts, time.monotonic() - self.started), file=self.stream, flush=True)


def summary(counts: Counter, seconds: float | None = None) -> str:
    """ "60 trainees: 52 graded, 3 timeout, 5 late (1:02)" from a Counter of status codes."""
    from autograder.statuses import ORDER, label

    parts = [f"{counts[c]} {label(c)}" for c in ORDER if counts.get(c)]
    text = t("grade.summary", total=sum(counts.values()), counts=", ".join(parts) or "-")
    if seconds is not None:
        text += " " + t("grade.took", time=clock(seconds))
    return text
