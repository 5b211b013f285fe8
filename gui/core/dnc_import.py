"""Pure Python: a sheet of people who must not be contacted, added to the list in one go.

Any file the app opens will do: an unsubscribe export, a CRM's opt-out report, a hand-kept
sheet. The column is the user's choice, or else the one whose values most often read as
entries. Values are added in one transaction, so a corrupt file or a crash adds nothing at all.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gui.core.cancel import CancelToken, ProgressCallback
from gui.core.dnc import AddReport, DncList, normalize_many
from gui.core.errors import LeadLoaderError
from gui.core.mapping.payload import clean_values
from gui.core.sheets.load import load_sheet

#: Values sampled per column when guessing which column holds the entries.
SAMPLE = 200


class DncImportError(LeadLoaderError):
    """The file or the column cannot be used; nothing was added."""


def pick_column(frame: pd.DataFrame, region: str = "US") -> str:
    """The column whose sampled values most often read as entries (ties: the leftmost).

    Raises:
        DncImportError: No column holds a single email, domain, phone or LinkedIn URL.
    """
    best, best_share = "", 0.0
    for column in frame.columns:
        values = [v for v in clean_values(frame[column].head(SAMPLE)).tolist() if v]
        if not values:
            continue
        kinds, _ = normalize_many(values, region)
        share = sum(k is not None for k in kinds) / len(values)
        if share > best_share:
            best, best_share = str(column), share
    if not best:
        raise DncImportError("No column holds an email, domain, phone number or LinkedIn URL.")
    return best


def import_sheet(
    dnc: DncList,
    path: Path,
    *,
    column: str | None = None,
    region: str = "US",
    sheet: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> tuple[str, AddReport]:
    """Add every value of one column of a file; returns the column used and what was added.

    The source of each entry is the file's name, so the list says where an entry came from.

    Raises:
        SheetError: The file cannot be read (the message names it); nothing was added.
        DncImportError: The column does not exist or holds nothing usable; nothing was added.
    """
    frame = load_sheet(path, sheet=sheet, progress=progress, cancel=cancel).frame
    if column is not None:
        match = next((str(c) for c in frame.columns if str(c).casefold() == column.casefold()), None)
        if match is None:
            known = ", ".join(str(c) for c in frame.columns)
            raise DncImportError(f"{path.name} has no column ‘{column}’ (its columns: {known}).")
        chosen = match
    else:
        chosen = pick_column(frame, region)
    values = [v for v in clean_values(frame[chosen]).tolist() if v]
    return chosen, dnc.add(values, source=path.name, region=region)
