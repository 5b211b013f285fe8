"""Pure Python: the results export (CSV or XLSX), safe to open in a spreadsheet app.

A lead's name or company can start with ``=``: opened in Excel, such a cell would run as a
formula (CSV injection). So every CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading apostrophe, and every XLSX cell is written as a string
(never a formula). The file is written beside its target and then swapped in, so a full
disk or a crash never leaves half a report, and an existing report stays intact until the
new one is complete.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd

from gui.core.domain import RowOutcome, Status
from gui.core.errors import LeadLoaderError

RESULT_COLUMNS = ("status", "reason", "provider_id")
#: The column a routed run's report adds after them: the campaign each row went to.
DESTINATION_COLUMN = "destination"
#: What "only failed rows" keeps: the rows that did not reach the provider and need a fix or a retry.
FAILED_STATUSES = frozenset({Status.FAILED, Status.INVALID})
NOT_SENT = "not sent"
_DANGEROUS = re.compile(r"^[=+\-@\t\r]")
# XML 1.0 cannot hold these; openpyxl would refuse the whole file for one stray byte.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_CELL_MAX = 32_767


class ReportError(LeadLoaderError):
    """The report could not be written; the message names the file and the reason."""


def _why(exc: OSError) -> str:
    """An OS refusal in words, "disk full" or "read-only" first when that is what it is."""
    words = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"disk full ({words})"
    if exc.errno == errno.EROFS:
        return f"read-only ({words})"
    return words


def neutralise(value: str) -> str:
    """``value`` made inert for a spreadsheet app: a leading apostrophe before a formula start."""
    return "'" + value if _DANGEROUS.match(value) else value


def _result_names(columns: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    """The result column names, renamed when the sheet already has a column of that name."""
    taken = set(columns)
    names = []
    for name in (*RESULT_COLUMNS, *extra):
        candidate = name
        while candidate in taken:
            candidate = f"leadloader_{candidate}"
        taken.add(candidate)
        names.append(candidate)
    return names


def _text_column(series: pd.Series) -> list[str]:
    """A column as text exactly as shown; missing values become empty cells.

    A text file's column (pandas' string dtype) already holds ``str``: its cells are listed
    straight away, without the copy to ``object`` and the per-cell ``str()`` that other columns
    need (the export runs on the GUI thread).
    """
    if isinstance(series.dtype, pd.StringDtype):
        text: list[str] = (series.fillna("") if series.hasnans else series).tolist()
        return text
    texts: list[str] = series.astype(object).where(series.notna(), "").astype(str).tolist()
    return texts


def _report_table(
    frame: pd.DataFrame,
    outcomes: Mapping[int, RowOutcome],
    only_failed: bool,
    destinations: Mapping[int, str] | None = None,
) -> tuple[list[str], list[list[str]]]:
    """Header and text columns (column-major, so no per-row Python objects are built twice)."""
    header = [str(c) for c in frame.columns]
    names = _result_names(header, (DESTINATION_COLUMN,) if destinations is not None else ())
    status: list[str] = []
    reason: list[str] = []
    provider_id: list[str] = []
    keep: list[int] = []
    for pos in range(len(frame)):
        outcome = outcomes.get(pos)
        if only_failed and (outcome is None or outcome.status not in FAILED_STATUSES):
            continue
        keep.append(pos)
        if outcome is None:
            status.append(Status.PENDING.value)
            reason.append(NOT_SENT)
            provider_id.append("")
        else:
            status.append(outcome.status.value)
            reason.append(outcome.reason)
            provider_id.append(outcome.provider_id)
    subset = frame.iloc[keep] if len(keep) != len(frame) else frame
    columns = [_text_column(subset.iloc[:, i]) for i in range(subset.shape[1])]
    results = [status, reason, provider_id]
    if destinations is not None:
        results.append([destinations.get(pos, "") for pos in keep])
    return [*header, *names], [*columns, *results]


def _rows(header: list[str], columns: list[list[str]]) -> Iterator[list[str]]:
    yield header
    yield from (list(row) for row in zip(*columns, strict=True))


def _write_csv(rows: Iterable[list[str]], out_path: Path) -> None:
    # utf-8-sig: Excel reads a BOM-less UTF-8 CSV as the local code page and garbles accents.
    with out_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow([neutralise(cell) for cell in row])
        handle.flush()
        os.fsync(handle.fileno())


def _xlsx_text(value: str) -> str:
    value = _ILLEGAL_XML.sub("", value)
    return value[:_XLSX_CELL_MAX]


def _write_xlsx(rows: Iterable[list[str]], out_path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Results")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_xlsx_text(value))
            # openpyxl makes any text starting with "=" a formula; forcing the type keeps it text.
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    book.save(out_path)
    with out_path.open("rb+") as handle:
        os.fsync(handle.fileno())


_WRITERS = {".csv": _write_csv, ".xlsx": _write_xlsx}


def export_results(
    frame: pd.DataFrame,
    outcomes: Mapping[int, RowOutcome],
    path: Path,
    *,
    only_failed: bool = False,
    destinations: Mapping[int, str] | None = None,
) -> int:
    """Write the sheet with each row's ``status``, ``reason`` and ``provider_id``; return rows written.

    Args:
        frame: The loaded sheet (all text), in sheet order.
        outcomes: Row position (0-based, as ``Lead.row``) to what happened to it; a row
            without one was never sent (``pending``, reason "not sent").
        path: ``.csv`` or ``.xlsx``; the suffix picks the format.
        only_failed: Keep only the failed and invalid rows (the ones to fix and retry).
        destinations: A routed run's row -> campaign (``RunReport.row_destinations``): adds a
            ``destination`` column, empty for rows no route took, so one report serves every
            campaign and a filter on that column gives each one's rows.

    Raises:
        ReportError: Unknown suffix, missing folder, no permission, disk full. The target is
            left as it was (absent, or the previous report).
    """
    path = Path(path)
    writer = _WRITERS.get(path.suffix.lower())
    if writer is None:
        raise ReportError(f"Cannot write {path.name}: reports are .csv or .xlsx files.")
    if not path.parent.is_dir():
        raise ReportError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    header, columns = _report_table(frame, outcomes, only_failed, destinations)
    written = len(columns[-1])
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f"{path.suffix}.tmp", dir=path.parent)
    except OSError as exc:
        raise ReportError(f"Cannot write {path}: {_why(exc)}.") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(_rows(header, columns), tmp)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ReportError(f"Could not write the report {path}: {_why(exc)}.") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return written
