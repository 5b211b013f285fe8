"""Pure Python: one run, one owner, across every window and terminal of this user.

Two processes sending the same file to the same destination would each find the same
resumable run (or each start a new one) and send every lead twice. Before a run is started
or resumed, its sender takes an OS file lock named after the file's fingerprint, the
provider and the destination. The operating system releases the lock when its process
ends, however it ends, so a lock left by a killed process is free again at once: there is
no stale-lock timeout to wait out. Two different files to one campaign take different
locks and still run side by side.

Beside the lock file sits a small JSON note of who holds it (process id, host, which
front end, since when), so the second sender can say where the run is going on.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from gui.core import paths
from gui.core.errors import LeadLoaderError


class RunLocked(LeadLoaderError):  # noqa: N818 - named for the state the user meets
    """The run is being sent by another window or command; this one must send nothing.

    Attributes:
        holder: Where it runs, in words ("the LeadLoader window, process 4242 on host x,
            since 10:02 UTC"), or a plain phrase when the note could not be read.
    """

    def __init__(self, holder: str) -> None:
        super().__init__(f"This upload is already running in {holder}. Let it finish, or stop it there.")
        self.holder = holder


def lock_path(fingerprint: str, provider: str, destination: str, *, folder: Path | None = None) -> Path:
    """The lock file of one run identity (the same triple a resume is looked up by)."""
    digest = hashlib.sha256(f"{fingerprint}\0{provider}\0{destination}".encode()).hexdigest()[:24]
    return (folder or paths.home() / "locks") / f"run-{digest}.lock"


def _describe(note: Path) -> str:
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
        return (
            f"{data['front_end']}, process {data['pid']} on {data['host']}, "
            f"since {str(data['since'])[11:16]} UTC"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return "another LeadLoader window or command"


@contextmanager
def hold_run(
    fingerprint: str, provider: str, destination: str, *, front_end: str, folder: Path | None = None
) -> Iterator[Path]:
    """Hold the run's lock for the ``with`` block, or raise :class:`RunLocked` at once.

    Args:
        fingerprint: The file's fingerprint (``identity.file_fingerprint``).
        provider: The provider id.
        destination: The destination string the run sends to.
        front_end: Who holds it, as the other sender will read it ("the LeadLoader window",
            "the command line").
        folder: Where lock files live; default ``home()/locks``.

    Yields:
        The lock file's path.
    """
    path = lock_path(fingerprint, provider, destination, folder=folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    note = path.with_suffix(".json")
    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise RunLocked(_describe(note)) from None
    try:
        since = datetime.now(UTC).isoformat(timespec="seconds")
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "front_end": front_end, "since": since}
        # The note only improves the other sender's message; the lock is what protects the run.
        with suppress(OSError):
            note.write_text(json.dumps(holder), encoding="utf-8")
        yield path
    finally:
        lock.release()
