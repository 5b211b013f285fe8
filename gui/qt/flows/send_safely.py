"""Flow: the checks between the Upload click and the first request: merge tags and do-not-contact.

Before the window sends anything, a worker pulls the provider's do-not-contact list when the
last pull is older than ten minutes (lemlist and Instantly publish one), then asks
:func:`gui.core.safety.check_before_upload` which rows would go out with an empty merge tag
(``invalid`` unless the user allows them) and which are on the list (``skipped``, always). The
CLI asks the core the same questions (``gui/cli/safety_args.py``), so both hold back the same rows.

If the provider's list cannot be read, the upload does not start: a message says why and offers
to go on with the local list and the copy pulled last, naming its age, as ``--no-provider-list``
does in the terminal. The flow never sends: it tells the window "go on" with the
:class:`~gui.core.safety.Safety` it found, or "stopped" with the reason.

A sheet routed to several campaigns is checked campaign by campaign
(:func:`gui.core.routing_checks.check_routed`: each campaign's emails on the rows routed there),
after the account's campaigns are listed afresh: a route to a campaign that does not exist, or
is another provider's or account's, stops the upload before anything is sent, naming the value
and the id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from gui.core.errors import Cancelled, LeadLoaderError
from gui.qt.workers import Worker, start_worker

if TYPE_CHECKING:
    from gui.core.cancel import CancelToken
    from gui.core.dnc import DncList
    from gui.core.providers.base import ProviderClient, ProviderSpec
    from gui.core.routing import RouteTable
    from gui.core.routing_checks import RoutedSafety
    from gui.core.safety import CampaignRead, Safety

log = logging.getLogger(__name__)

#: What to do about a route to a campaign the account does not list, in the window's words.
WINDOW_NEXT = "pick one of the listed campaigns for those values; Refresh in step 1 lists them again"


@dataclass(frozen=True)
class SafetyInputs:
    """One upload's sheet and destination, as the checks need them (read on the GUI thread).

    Attributes:
        frame: The sheet with the user's fixes (editing is locked while the check runs).
        mapping: The upload's column mapping.
        spec: The provider.
        destination: The engine's destination id (``list:<id>`` for an Instantly lead list).
        campaign: The emails the preview pane read; None makes the worker read them itself.
        client_factory: Builds a client for the chosen account (the key is read in the worker).
        allow_empty_tags: The user ticked "Send rows with empty merge tags anyway".
        region: How phones in national form are read.
        routes: The routing to several campaigns (``destination`` is then the run's
            ``route:<column>`` and ``campaign`` is not used), or None.
    """

    frame: Any
    mapping: Any
    spec: ProviderSpec
    destination: str
    campaign: CampaignRead | None
    client_factory: Callable[[], ProviderClient]
    allow_empty_tags: bool = False
    region: str = "US"
    routes: RouteTable | None = None


@dataclass(frozen=True)
class _ListUnreadable:
    """The worker's answer when the provider's list could not be pulled (not an error: a question)."""

    message: str
    age: str


class SendSafely(QObject):
    """Runs the checks before an upload in a worker and asks when the provider's list is unreadable.

    Signals:
        sig_passed: The upload may start: the :class:`~gui.core.safety.Safety` to apply.
        sig_stopped: The upload does not start (the reason; "" when the user cancelled).
        sig_message: A status-bar line and how long it shows (ms).
    """

    sig_passed = Signal(object)
    sig_stopped = Signal(str)
    sig_message = Signal(str, int)

    def __init__(self, parent: QWidget) -> None:
        """Build the flow; ``parent`` is the window its message opens over."""
        super().__init__(parent)
        self._parent = parent
        self._worker: Worker | None = None
        self._inputs: SafetyInputs | None = None
        #: The open "could not read the provider's list" message (tests press its buttons).
        self.box: QMessageBox | None = None
        self.go_on_button: QPushButton | None = None

    def running(self) -> bool:
        """True while the checks run or the message waits for an answer."""
        return self._worker is not None or self.box is not None

    def check(self, inputs: SafetyInputs, *, use_provider_list: bool = True) -> None:
        """Pull the provider's list when stale, then check every row; answers with a signal.

        Args:
            inputs: The sheet and destination of the upload about to start.
            use_provider_list: False goes on with the local list and the copy pulled last (the
                user's answer to the message).
        """
        self._inputs = inputs
        label = inputs.spec.label
        self.sig_message.emit(f"Checking the rows against {label}'s emails and the do-not-contact list…", 0)
        worker = self._worker = start_worker(_checks(inputs, use_provider_list), parent=self._parent)
        # Only the latest worker's answer counts (a stopped one may still report).
        worker.sig_succeeded.connect(lambda result: self._on_result(worker, result))
        worker.sig_failed.connect(lambda exc: self._on_failed(worker, exc))
        worker.sig_finished.connect(lambda: self._forget(worker))

    def stop(self, timeout_ms: int = 5000) -> None:
        """Stop the checks and close the message (the window closes)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop(timeout_ms)
        if self.box is not None:
            self.box.done(0)
            self.box = None

    # -- answers -------------------------------------------------------------------------------

    def _forget(self, worker: Worker) -> None:
        if self._worker is worker:
            self._worker = None

    def _on_result(self, worker: Worker, result: Safety | RoutedSafety | _ListUnreadable) -> None:
        if self._worker is not worker:
            return
        self._worker = None
        if isinstance(result, _ListUnreadable):
            self._ask(result)
            return
        lines = result.lines()
        if lines:
            self.sig_message.emit(" ".join(lines), 0)
        self.sig_passed.emit(result)

    def _on_failed(self, worker: Worker, exc: BaseException) -> None:
        if self._worker is not worker:
            return
        self._worker = None
        if isinstance(exc, Cancelled):
            self.sig_stopped.emit("")
            return
        message = str(exc) if isinstance(exc, LeadLoaderError) else f"Unexpected error: {exc!r}"
        log.warning("The checks before the upload failed: %s", message)
        if "Nothing was sent" not in message:
            message += " Nothing was sent: every upload is checked first."
        self.sig_stopped.emit(message)

    def _ask(self, unreadable: _ListUnreadable) -> None:
        """The upload did not start: say why and offer to go on with the local list."""
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Upload not started")
        box.setAccessibleName("Upload not started")
        box.setText(unreadable.message)
        box.setInformativeText(
            "Rows on your local do-not-contact list are skipped either way. Going on without a fresh "
            "copy may send to people who unsubscribed since the last pull."
        )
        go_on = box.addButton(
            f"Go on with the local list ({unreadable.age})", QMessageBox.ButtonRole.AcceptRole
        )
        go_on.setAccessibleName("Go on with the local list")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _code: self._answered(box, box.clickedButton() is go_on))
        self.box, self.go_on_button = box, go_on
        box.open()

    def _answered(self, box: QMessageBox, go_on: bool) -> None:
        if self.box is not box:
            return
        self.box = self.go_on_button = None
        inputs = self._inputs
        if go_on and inputs is not None:
            self.check(inputs, use_provider_list=False)
        else:
            self.sig_stopped.emit("")


def _checks(inputs: SafetyInputs, use_provider_list: bool) -> Callable[[Any, CancelToken], object]:
    """The worker body: the pull, the campaign's emails when not read yet, and the row checks."""

    def run(_progress: Any, cancel: CancelToken) -> object:
        from gui.core.dnc import DncList
        from gui.core.dnc_sync import ProviderListUnavailable, age_words, refresh_before_upload
        from gui.core.safety import check_before_upload, read_campaign

        spec = inputs.spec
        dnc = DncList()  # a DncError names the file; the window says nothing was sent
        try:
            try:
                note = refresh_before_upload(
                    dnc, spec, inputs.client_factory, use_provider_list=use_provider_list, cancel=cancel
                )
            except ProviderListUnavailable as exc:
                return _ListUnreadable(str(exc), age_words(dnc, spec.id))
            if note:
                log.info("%s", note)
            if inputs.routes is not None:
                return _routed_checks(inputs, inputs.routes, dnc, cancel)
            campaign = inputs.campaign or read_campaign(spec, inputs.destination, inputs.client_factory)
            return check_before_upload(
                inputs.frame,
                inputs.mapping,
                spec,
                campaign,
                dnc,
                region=inputs.region,
                allow_empty_tags=inputs.allow_empty_tags,
                cancel=cancel,
            )
        finally:
            dnc.close()

    return run


def _routed_checks(
    inputs: SafetyInputs, routes: RouteTable, dnc: DncList, cancel: CancelToken
) -> RoutedSafety:
    """Every route checked against the account's campaigns, then each campaign's emails on its rows.

    Raises:
        RoutingError: A routed id the account does not list (the message names the value and
            the id, and says nothing was sent).
        ProviderError: The campaigns could not be listed.
    """
    from gui.core.routing import split_rows, verify_routes
    from gui.core.routing_checks import check_routed
    from gui.core.safety import read_campaign

    spec, frame, allow = inputs.spec, inputs.frame, inputs.allow_empty_tags
    verify_routes(routes, spec, inputs.client_factory, what_next=WINDOW_NEXT)
    split = split_rows(frame, routes)
    reads = {
        d: read_campaign(spec, d, inputs.client_factory) for d in dict.fromkeys(split.destinations.values())
    }
    return check_routed(
        frame,
        inputs.mapping,
        spec,
        reads,
        split,
        dnc=dnc,
        region=inputs.region,
        allow_empty_tags=allow,
        cancel=cancel,
    )
