"""Qt layer: the words of taking an upload back: the table's status words and the summary at the end.

Kept apart from the flow (:mod:`gui.qt.flows.run_history`) because they are plain functions of a
run's record and the removal's report: read and tested without a window.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gui.core.journal import RunRecord
    from gui.core.undo import UndoReport

#: The status word each removal outcome paints in the table's Status column.
REMOVAL_WORDS: Mapping[str, str] = {
    "removed": "Removed",
    "already_gone": "Already gone",
    "failed": "Removal failed",
}

#: Who holds the run's lock meanwhile, as another window or terminal reads it.
FRONT_END = "the LeadLoader window (removing an upload's leads)"


def destination_words(record: RunRecord) -> str:
    """The destination as the confirmation names it: campaign ‘Q4 outreach’, list ‘Trade show’."""
    kind = "list" if record.destination.startswith("list:") else "campaign"
    return f"{kind} ‘{record.destination_name or record.destination}’"


def removal_note(removals: Mapping[int, tuple[str, str]], created: int) -> str:
    """The history's note for a run someone started taking back ("12 of 18 removed")."""
    if not removals:
        return ""
    gone = sum(1 for outcome, _ in removals.values() if outcome in ("removed", "already_gone"))
    return f"all {gone:,} removed" if gone >= created else f"{gone:,} of {created:,} removed"


def summary_text(report: UndoReport, record: RunRecord, label: str) -> tuple[str, str]:
    """The title and words of the summary at the end: removed / already gone / failed / left."""
    where = destination_words(record)
    lines = [
        f"Removed: {report.removed:,}",
        f"Already gone: {report.already_gone:,}",
        f"Failed: {report.failed:,}",
    ]
    if report.pending:
        lines.append(f"Not tried yet: {report.pending:,}")
    counts = "\n".join(lines)
    if report.fatal:
        return (
            f"{label} refused the key",
            f"{label} refused the request: {report.fatal}\n\nNothing more was sent. {counts}\n\n"
            "Check the account's key in Manage accounts, then remove this upload's leads again: "
            "it goes on with the rest.",
        )
    if report.cancelled:
        return (
            "Removal stopped",
            f"Stopped before the end, from {where}.\n\n{counts}\n\n"
            "Remove this upload's leads again to finish: leads already removed are not asked for twice.",
        )
    if report.failed:
        return (
            "Some leads were not removed",
            f"From {where}:\n\n{counts}\n\nRemove this upload's leads again to retry the failed ones.",
        )
    return "Upload taken back", f"Every lead this upload created is gone from {where}.\n\n{counts}"
