"""Pure Python: the file under a sheet, checked, read or mapped, with errors a person can act on.

Every way a file can fail to open (missing, a folder, empty, no permission, an OS error) becomes
a :class:`~gui.core.errors.SheetError` naming the file, so the window and the terminal show the
same sentence.
"""

from __future__ import annotations

import mmap
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from gui.core.cancel import ProgressCallback
from gui.core.domain import Progress
from gui.core.errors import SheetError

SUPPORTED_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")
#: A text file this size or larger is mapped rather than read (see :func:`file_bytes`).
MAP_BYTES = 4 * 1024 * 1024

#: The bytes of a file: read into memory, or a read-only mapping of a big one. Both slice to
#: ``bytes``, search with ``find`` and hand their memory to pyarrow without a copy.
FileBytes = bytes | mmap.mmap

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


@contextmanager
def file_bytes(file: Path) -> Iterator[FileBytes]:
    """The whole file for the time of a load: read if small, else mapped read-only.

    Reading 150 MB copies it once more before the parse can start (a twentieth of a second,
    all of it on one core while the other waits); a mapping lets pyarrow parse the page cache
    in place. The mapping is closed on leaving, unless arrow still holds a view of it (an
    exception's traceback can), and then the garbage collector closes it. While it is open,
    another program that truncates the file makes reading the cut pages fail hard (SIGBUS on
    POSIX), as with any mapped reader; the load takes well under a second.
    """
    try:
        small = file.stat().st_size < MAP_BYTES
    except OSError:
        small = True  # read_bytes says what is wrong
    if small:
        yield read_bytes(file)
        return
    try:
        with file.open("rb") as handle:
            mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except PermissionError as error:
        raise SheetError(file, _DENIED) from error
    except (OSError, ValueError):  # a file system that cannot map (some network shares)
        yield read_bytes(file)
        return
    try:
        yield mapping
    finally:
        with suppress(BufferError):  # a view is still alive; the mapping closes with its last user
            mapping.close()


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
