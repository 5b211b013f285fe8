"""Pure Python: what a run tells while it runs: rows per status, rate, time left, the summary.

The engine (:mod:`gui.core.upload`) hands every outcome to a :class:`RunTally`; the tally
keeps the counts as it goes (a progress tick must not walk a million rows), measures the
rate over the last ten seconds, and sends :class:`~gui.core.domain.Progress` at most every
interval, so the window and the terminal get the same few events per second.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence

from gui.core.cancel import ProgressCallback
from gui.core.domain import FINAL_STATUSES, Progress, RowOutcome, RunSummary, Status
from gui.core.pacing import Clock


class RunTally:
    """The outcomes of one run so far, counted, and the progress events they make."""

    def __init__(
        self, total_rows: int, *, progress: ProgressCallback | None, interval: float, clock: Clock
    ) -> None:
        self.total_rows = total_rows
        self.progress = progress
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self.outcomes: dict[int, RowOutcome] = {}
        self.tally: Counter[str] = Counter()
        #: Outcomes landed by this run's sends (the rate counts these, not rows done before).
        self.sent_done = 0
        self.samples: deque[tuple[float, int]] = deque()
        self.last_emit = float("-inf")
        self.last_done = -1

    def set_outcomes(self, outcomes: Mapping[int, RowOutcome]) -> None:
        """Start from outcomes known before any send (held back, done in an earlier part)."""
        self.outcomes = dict(outcomes)
        self.tally = Counter(o.status.value for o in self.outcomes.values())

    def count_in(self, outcomes: Sequence[RowOutcome]) -> None:
        """Count outcomes that just landed; a row's later outcome replaces its earlier one."""
        for outcome in outcomes:
            before = self.outcomes.get(outcome.row)
            if before is not None:
                self.tally[before.status.value] -= 1
            self.tally[outcome.status.value] += 1
            self.outcomes[outcome.row] = outcome
        self.sent_done += len(outcomes)

    def counts(self) -> dict[str, int]:
        """Rows per status, from the running tally; rows with no outcome yet are ``pending``."""
        counts = {s.value: self.tally[s.value] for s in FINAL_STATUSES}
        done = sum(counts[s.value] for s in FINAL_STATUSES)
        counts[Status.PENDING.value] = max(0, self.total_rows - done)
        return counts

    def emit(self, status: Callable[[float, int], str], *, force: bool = False, message: str = "") -> None:
        """Send a progress event when something changed (or a second passed), at most every interval.

        Args:
            status: The line to show when no ``message`` is given, from (now, rows done).
            force: Send even if nothing changed (a state change: paused, storage, done).
            message: The line to show instead of ``status``.
        """
        if self.progress is None:
            return
        now = self.clock()
        counts = self.counts()
        done = self.total_rows - counts[Status.PENDING.value]
        if not force and (now - self.last_emit < self.interval * 0.9):
            return
        if not force and done == self.last_done and now - self.last_emit < 1.0:
            return
        self.samples.append((now, self.sent_done))
        while len(self.samples) > 2 and now - self.samples[0][0] > 10.0:
            self.samples.popleft()
        first_t, first_n = self.samples[0]
        rate = (self.sent_done - first_n) / (now - first_t) if now - first_t >= 0.25 else 0.0
        left = counts[Status.PENDING.value]
        eta = left / rate if rate > 0 else None
        self.last_emit, self.last_done = now, done
        self.progress(
            Progress(
                done,
                self.total_rows,
                message or status(now, done),
                counts,
                round(rate, 2),
                None if eta is None else round(eta),
            )
        )

    def summary(
        self, *, note: str = "", verified: int | None = None, mapping: Mapping[str, str] | None = None
    ) -> RunSummary:
        """The run's counts and time so far, as the report and the journal keep them."""
        counts = self.counts()
        return RunSummary(
            total=self.total_rows,
            uploaded=counts[Status.UPLOADED.value],
            updated=counts[Status.UPDATED.value],
            duplicate=counts[Status.DUPLICATE.value],
            skipped=counts[Status.SKIPPED.value],
            invalid=counts[Status.INVALID.value],
            failed=counts[Status.FAILED.value],
            seconds=self.clock() - self.started,
            pending=counts[Status.PENDING.value],
            verified=verified,
            mapping=mapping,
            note=note,
        )
