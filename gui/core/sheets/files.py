"""Pure Python: the file under a sheet, checked and read, with errors a person can act on.

Every way a file can fail to open (missing, a folder, empty, no permission, an OS error) becomes
a :class:`~gui.core.errors.SheetError` naming the file, so the window and the terminal show the
same sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from gui.core.cancel import ProgressCallback
from gui.core.domain import Progress
from gui.core.errors import SheetError

SUPPORTED_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")
_T = TypeVar("_T")
_DENIED = "permission denied: the file cannot be read by this user."


def checked(path: str | Path) -> Path:
    """The path of a file a sheet can be read from.

    Raises:
        SheetError: Unsupported type, missing, a folder, empty, or not readable by this user.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        known = " ".join(SUPPORTED_SUFFIXES)
        shown = suffix or "(no extension)"
        raise SheetError(file, f"files of type {shown} cannot be opened. Supported: {known}.")
    try:
        size = file.stat().st_size
    except FileNotFoundError as error:
        raise SheetError(file, f"the file was not found ({file}).") from error
    except PermissionError as error:
        raise SheetError(file, _DENIED) from error
    if file.is_dir():
        raise SheetError(file, "this is a folder, not a file.")
    if size == 0:
        raise SheetError(file, "the file is empty (0 bytes).")
    return file


def read_bytes(file: Path, limit: int = -1) -> bytes:
    """The first ``limit`` bytes of the file (all of it by default)."""
    try:
        with file.open("rb") as handle:
            return handle.read(limit)
    except PermissionError as error:
        raise SheetError(file, _DENIED) from error
    except OSError as error:
        raise SheetError(file, f"the file cannot be read ({error.strerror or error}).") from error


def guard(file: Path, action: Callable[[], _T]) -> _T:
    """``action()``, with a refused permission turned into the sheet's error."""
    try:
        return action()
    except PermissionError as error:
        raise SheetError(file, _DENIED) from error


def report(progress: ProgressCallback | None, done: int, message: str, total: int = 0) -> None:
    """Tell ``progress``, if there is one."""
    if progress is not None:
        progress(Progress(done, total, message))
