"""Qt layer: what an upload starts from, and the words on the Upload button before it does.

:class:`UploadInputs` is the window read on the GUI thread in one snapshot; :func:`upload_plan`
turns it into the button's words ("Upload 22 leads to ‘Q4 Outbound’"), whether it may start, and
the hint line under it. A plain function of the snapshot, so every wording is tested without a run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gui.core.domain import Campaign, RunSummary
from gui.qt import routed_upload

if TYPE_CHECKING:
    import numpy as np

    from gui.core.journal import RunRecord
    from gui.core.providers.base import ProviderClient, ProviderSpec
    from gui.core.routing import RouteTable


@dataclass(frozen=True)
class UploadInputs:
    """What the window shows, read on the GUI thread: everything a plan or a job needs.

    Attributes:
        path: The open file (None when no sheet is open).
        fingerprint: The file's fingerprint (journal key of a resumable run).
        frame: The sheet with the user's fixes.
        mapping: The column mapping (None before a sheet is open: building it loads the core).
        missing_required: Required fields no column is chosen for.
        spec: The provider.
        destination: The chosen campaign or list, None when none is picked.
        validation: The last check (None while it runs).
        sandbox: The demo account is chosen.
        account: The account's label (journaled).
        options: The provider's options for the run.
        client_factory: Returns the factory of clients for the account (raises when no key).
        loading: A sheet is still being read.
        tag_note: The merge-tag check in one line (rows held back for an empty tag), or "".
        held_rows: Rows the merge-tag check holds back (the button does not count them).
        routes: The routing to several campaigns (then ``destination`` is the run's stand-in,
            :func:`gui.qt.routed_upload.run_campaign`), or None for one campaign.
        campaigns: The account's campaigns (names and checks of a routed upload).
        update_existing: Update leads that are already there where a value changed.
    """

    path: Path | None
    fingerprint: str
    frame: Any
    mapping: Any
    missing_required: Sequence[str]
    spec: ProviderSpec
    destination: Campaign | None
    validation: Any
    sandbox: bool
    account: str
    options: Mapping[str, bool | str]
    client_factory: Callable[[], Callable[[], ProviderClient]]
    loading: bool = False
    tag_note: str = ""
    held_rows: frozenset[int] = frozenset()
    routes: RouteTable | None = None
    campaigns: Sequence[Campaign] = ()
    update_existing: bool = False

    @property
    def has_sheet(self) -> bool:
        """A sheet is open."""
        return self.path is not None and self.frame is not None


@dataclass(frozen=True)
class RunEnded:
    """A finished run as the results panel shows it.

    Attributes:
        report: The engine's report.
        summary: The counts for the whole sheet (a retry's summary is merged with earlier runs).
        destination: The campaign's name.
        sandbox: The run went to the sandbox.
        per_destination: A routed run's counts, one line per campaign (empty otherwise).
    """

    report: Any
    summary: RunSummary
    destination: str
    sandbox: bool = False
    skipped: Mapping[int, str] = field(default_factory=dict)
    per_destination: tuple[str, ...] = ()


def valid_rows(inputs: UploadInputs) -> np.ndarray:
    """Frame rows that pass validation (the ones an upload sends)."""
    import numpy as np

    n = len(inputs.frame) if inputs.frame is not None else 0
    if inputs.validation is None:
        return np.arange(n)
    return np.flatnonzero(~np.asarray(inputs.validation.error_rows, dtype=bool))


def upload_plan(
    inputs: UploadInputs, *, done: set[int], resumable: RunRecord | None = None
) -> tuple[str, bool, str]:
    """The Upload button's words, whether it can start, and a hint line.

    Args:
        inputs: The window, read on the GUI thread.
        done: Rows the sheet's earlier runs already placed in this destination (not sent again).
        resumable: The journal's unfinished run of this file and destination, offered instead.
    """
    if not inputs.has_sheet:
        return "Open a sheet to start", False, "Drop a spreadsheet on the window or press Ctrl+O."
    if inputs.missing_required:
        return (
            f"Choose the column for {inputs.missing_required[0]} to upload",
            False,
            "See step 2 on the right: Match your columns.",
        )
    destination, spec = inputs.destination, inputs.spec
    if destination is None:
        what = "list or campaign" if spec.has_lists else "campaign"
        return f"Pick a {spec.label} {what} to upload", False, "See step 1 on the right: Where to send."
    if inputs.validation is None:
        return "Checking rows…", False, ""
    import numpy as np

    total = len(inputs.frame)
    sendable = valid_rows(inputs)
    if inputs.held_rows:
        held = np.fromiter(inputs.held_rows, dtype=np.int64, count=len(inputs.held_rows))
        sendable = sendable[~np.isin(sendable, held)]
    remaining = len(sendable) - len(done.intersection(sendable.tolist())) if done else len(sendable)
    skipped = total - len(sendable)
    name = destination.name
    sandbox = "" if "sandbox" in name.lower() or not inputs.sandbox else " (sandbox)"
    if not len(sendable):
        return (
            "No row can be uploaded yet",
            False,
            inputs.tag_note
            or "Every row has a problem: hover a red cell to see why (Show: Rows that will be skipped).",
        )
    if resumable is not None:
        finished = resumable.total - resumable.counts.get("pending", 0)
        return (
            f"Resume the upload to ‘{name}’{sandbox}  ({finished:,} rows already done, the rest is sent)",
            True,
            "Rows already added are never sent twice.",
        )
    if inputs.routes is not None:
        left = sendable[~np.isin(sendable, np.fromiter(done, np.int64))] if done else sendable
        return routed_upload.plan(
            inputs.frame, inputs.routes, inputs.campaigns, left, problems=skipped, done=len(done)
        )
    if remaining == 0:
        hint = "Fix the rows with problems to send them too, or pick another campaign." if skipped else ""
        return f"All {len(sendable):,} valid leads are in ‘{name}’{sandbox}", False, hint
    leads = "lead" if remaining == 1 else "leads"
    text = f"Upload {remaining:,} {leads} to ‘{name}’{sandbox}"
    if skipped:
        rows = "row" if skipped == 1 else "rows"
        text += f"  ({skipped:,} {rows} with problems will be skipped)"
    hints: list[str] = []
    if done:
        hints.append(f"{len(done):,} rows already added to this campaign are not sent again.")
    elif skipped:
        hints.append("Rows with problems are tinted red: hover one to see why, or fix it in place.")
    if destination.warning:
        hints.append(f"{spec.label} says about this campaign: {destination.warning}")
    if inputs.tag_note:
        hints.append(inputs.tag_note)
    if inputs.update_existing:
        hints.append("Leads already there are updated where a value changed (only those fields).")
    return text, True, " ".join(hints)
