"""Qt layer: the upload's worker body, built from plain values, and the words around it.

The run flow (``flows/run_upload.py``) snapshots what the window shows on the GUI thread; this
module turns that snapshot into the function the worker runs: the leads and the held-back rows'
reasons are built there (about a second per million rows), then the engine sends. Nothing here
touches a widget: the engine's callbacks are the relay's signals, queued to the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from gui.core.domain import Campaign, RowOutcome
    from gui.core.providers.base import ProviderClient, ProviderSpec
    from gui.core.routing_checks import RoutedSafety
    from gui.core.safety import Safety


def upload_job_fn(
    *,
    frame: Any,
    mapping: Any,
    spec: ProviderSpec,
    validation: Any,
    destination: Campaign,
    account: str,
    options: Mapping[str, bool | str],
    fingerprint: str,
    file_name: str,
    factory: Callable[[], ProviderClient],
    rows: tuple[np.ndarray, np.ndarray, int],
    resume: bool,
    held_back: tuple[Mapping[int, str], Mapping[int, str]],
    routes: Mapping[int, str],
    update_existing: bool,
    on_outcomes: Callable[[Sequence[RowOutcome]], None],
    on_storage: Callable[[str], None],
) -> Callable[[Any, Any], Any]:
    """The function the upload worker runs: build the job, then :func:`gui.core.upload.run_upload`.

    Args:
        frame: The sheet (editing is off during a run, so it cannot change underneath).
        mapping: The column mapping.
        spec: The provider.
        validation: The last cell check (None: no cell problems known).
        destination: Where the leads go.
        account: The account's label (journaled).
        options: The provider's options for the run.
        fingerprint: The file's fingerprint (the journal's key of the run).
        file_name: The file's name (journaled).
        factory: Builds the provider client inside the engine's loop.
        rows: The frame rows to send, the rows invalid by their cells, and the run's row count.
        resume: Continue an unfinished run of the same file and destination.
        held_back: From the checks before sending: rows with an empty merge tag (invalid) and
            rows on the do-not-contact list (skipped), each with its reason.
        routes: Row -> campaign of a routed upload (``destination`` is then the run's
            ``route:<column>``); empty sends every lead to ``destination``.
        update_existing: Update leads already there whose values changed.
        on_outcomes: Receives row outcomes as they land (from the worker thread).
        on_storage: Receives the disk-full pause message, then "" (from the worker thread).
    """
    from gui.core.mapping.payload import build_leads
    from gui.core.upload import run_upload
    from gui.core.upload_job import UploadJob

    send_rows, invalid_rows, total_rows = rows
    held, listed = held_back

    def job_fn(progress: Any, cancel: Any) -> Any:
        reasons = validation.row_messages if validation is not None else None
        invalid = {row: "; ".join(reasons(row)) for row in invalid_rows.tolist()} if reasons else {}
        for row, reason in held.items():  # an empty merge tag: after the cells' own problems
            invalid[row] = f"{invalid[row]}; {reason}" if row in invalid else reason
        job = UploadJob(
            provider=spec.id,
            destination=destination.id,
            destination_name=destination.name,
            account=account,
            leads=tuple(build_leads(frame, mapping, spec, rows=send_rows)),
            invalid=invalid,
            skipped=dict(listed),
            total_rows=total_rows,
            options=dict(options),
            mapping=mapping.summary(),
            fingerprint=fingerprint,
            file_name=file_name,
            resume=resume,
            routes=dict(routes),
            update_existing=update_existing,
        )
        return run_upload(
            job,
            factory,
            progress=progress,
            cancel=cancel,
            on_outcomes=on_outcomes,
            on_storage=on_storage,
        )

    return job_fn


def held_back(
    safety: Safety | RoutedSafety | None, rows: np.ndarray | None
) -> tuple[dict[int, str], dict[int, str]]:
    """Rows the checks hold back: (empty merge tag -> invalid, do-not-contact -> skipped).

    A whole upload holds back every listed row of the sheet; a retry only among its ``rows``.
    """
    if safety is None:
        return {}, {}
    scope = None if rows is None else set(rows.tolist())
    held = {r: m for r, m in safety.invalid.items() if scope is None or r in scope}
    listed = {r: m for r, m in safety.skipped.items() if scope is None or r in scope}
    return held, listed


def journal_fix(exc: Any) -> str:
    """What the user does about a journal that cannot be opened or written (a JournalError)."""
    from gui.core.journal import DISK_FULL, READ_ONLY

    folder = exc.path.parent
    if exc.problem == DISK_FULL:
        step = f"Free some space on the disk that holds {folder}"
    elif exc.problem == READ_ONLY:
        step = f"Make {folder} writable"
    else:
        step = "Check that the file can be written"
    return (
        f"Nothing was sent: LeadLoader records every row before sending it, so that no lead is ever "
        f"sent twice. {step}, then click Upload again."
    )
