"""The files taking an upload back writes: the created leads, and the removal report.

The window and ``leadloader undo`` write the same files with the same columns, so a user who
switches between them (or a script reading either) meets one format. ``data_row`` 1 is the
first row under the header, as in the upload report.

Both files are written beside their final path and swapped in, so a full disk never leaves
half a file behind, and every cell goes through the report's formula guard (a phone number
``+1509…`` would run as a formula in a spreadsheet app).
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gui.core.domain import Status
from gui.core.report import neutralise

if TYPE_CHECKING:
    from gui.core.journal import RunRows
    from gui.core.undo import UndoReport

CREATED_COLUMNS = ("data_row", "provider_id", "kind", "value")
REMOVAL_COLUMNS = ("data_row", "provider_id", "result", "reason")


def created_by_run(rows: RunRows) -> dict[int, tuple[str, str]]:
    """Row -> (identity key, provider id) for every lead the run created, with or without an id.

    ``Journal.created`` keeps only leads with a provider id (those are what a delete needs);
    the export is for providers whose create answer may carry none (Aktify), and the lead is
    found in the provider's app by its identity (a phone number, a LinkedIn URL) anyway.
    """
    return {
        row: (rows.keys.get(row, ""), outcome.provider_id)
        for row, outcome in sorted(rows.states.items())
        if outcome.status is Status.UPLOADED
    }


def write_created_leads(path: Path, created: Mapping[int, tuple[str, str]]) -> int:
    """Write the run's created leads (from :func:`created_by_run`); return how many.

    Raises:
        OSError: The file cannot be written (nothing is left at ``path``).
    """
    out = []
    for row, (key, provider_id) in sorted(created.items()):
        kind, _, value = key.partition(":")
        out.append((str(row + 1), provider_id, kind, value))
    _write_csv(path, CREATED_COLUMNS, out)
    return len(out)


def write_removal_report(path: Path, report: UndoReport, provider_ids: Mapping[int, str]) -> int:
    """Write each row's removal result; return how many rows.

    Raises:
        OSError: The file cannot be written (nothing is left at ``path``).
    """
    out = [
        (str(row + 1), provider_ids.get(row, ""), outcome, reason)
        for row, (outcome, reason) in sorted(report.outcomes.items())
    ]
    _write_csv(path, REMOVAL_COLUMNS, out)
    return len(out)


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=".leadloader-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows([neutralise(str(cell)) for cell in row] for row in rows)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
