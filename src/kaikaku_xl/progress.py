"""Progress of long commands on stderr: one line per phase (読み込み / 計算 / 書き込み) with counts and seconds.

A refresh of 50,000 measures takes tens of seconds; staff should see that it is working. stdout stays for the
results (scripts read it); `-q` silences progress. Where stderr is a terminal, a phase with steps also shows a
bar that is redrawn in place (\\r) and replaced by the phase's line when it ends; elsewhere (logs, pipes, the
Excel button) only the plain lines appear. Library callers that pass nothing get SILENT.
"""

from __future__ import annotations

import sys
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

BAR_WIDTH = 24


def columns(text: str) -> int:
    """Terminal columns of text: a Japanese (wide) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Phase:
    """One phase under way: steps for the bar, counts for its line."""

    def __init__(self, progress: Progress, name: str, total: int) -> None:
        self.progress, self.name, self.total, self.done = progress, name, total, 0
        self.counts: dict[str, int] = {}

    def step(self, n: int = 1) -> None:
        self.done += n
        self.progress.draw_bar(self)

    def count(self, label: str, n: int) -> None:
        """Add n to a count shown at the end (e.g. count("行", 1200))."""
        self.counts[label] = self.counts.get(label, 0) + n


class Progress:
    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False, bar: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.bar = (not quiet) and (self._is_tty() if bar is None else bar)
        self._drawn = 0

    def _is_tty(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    @contextmanager
    def phase(self, name: str, total: int = 0) -> Iterator[Phase]:
        """A phase; its line (name, counts, seconds) is written when it ends. A failed phase only wipes its bar:
        the error message that follows says what happened."""
        current = Phase(self, name, total)
        start = time.perf_counter()
        try:
            yield current
        except BaseException:
            self.wipe()
            raise
        self.line(name, current.counts, time.perf_counter() - start)

    def wipe(self) -> None:
        """Blank the bar's line and go back to its start: exactly the columns drawn (more would wrap onto a
        second line on a narrow terminal and leave the phase's line one line down)."""
        if self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
            self._drawn = 0

    def draw_bar(self, phase: Phase) -> None:
        if not self.bar or phase.total <= 0:
            return
        filled = min(BAR_WIDTH, BAR_WIDTH * phase.done // phase.total)
        text = f"{phase.name} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {phase.done}/{phase.total}"
        self._drawn = max(self._drawn, columns(text))  # a shorter redraw still blanks the longer one on wipe
        self.stream.write("\r" + text)
        self.stream.flush()

    def line(self, name: str, counts: dict[str, int], seconds: float) -> None:
        if self.quiet:
            return
        self.wipe()
        shown = "・".join(f"{n:,} {label}" for label, n in counts.items())
        self.stream.write(f"{name}: {shown}（{seconds:.1f} 秒）\n")
        self.stream.flush()


SILENT = Progress(quiet=True)
