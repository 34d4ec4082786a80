"""Counts a long job reports at its end: read, written, dropped by reason, and other notes."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Tally:
    read: int = 0
    written: int = 0
    dropped: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)

    def drop(self, reason: str) -> None:
        self.dropped[reason] += 1

    def note(self, what: str, count: int = 1) -> None:
        self.notes[what] += count
