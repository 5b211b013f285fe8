"""Workbook variants the sheet tests derive from the corpus files."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path


def without_cell_references(source: Path, target: Path) -> Path:
    """A copy of an .xlsx whose rows and cells lack the optional ``r="B2"`` references.

    Some generators write them this way; positions then count up, as Excel reads them.
    """
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name.startswith("xl/worksheets/"):
                data = re.sub(rb' r="[A-Z]*\d+"', b"", data)
            new.writestr(name, data)
    return target
