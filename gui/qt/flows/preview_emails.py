"""Qt layer: the "preview the emails" flow: each step of the campaign as the selected prospect reads it.

The pane answers, before anything is sent, "what will this person get?" Values from the sheet
are tinted green, tags that would go out empty red, tags the provider fills itself (sender,
signature, unsubscribe) grey. It follows the table's selection and the mapping live; the
whole-sheet check (which rows would go out broken) runs in a worker so a 100k-row sheet never
freezes the window.

The flow holds no provider code: the window gives it a function that reads the campaign's
emails (run in a worker too, never on the GUI thread) and the provider's tag vocabulary. What
it read is :attr:`PreviewEmailsFlow.campaign_read`, so the upload checks the same emails the
user just read instead of asking the provider again.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from gui.core.errors import Cancelled, LeadLoaderError
from gui.qt.workers import Worker, start_worker

if TYPE_CHECKING:
    # The window builds this pane before its first paint, when pandas is not loaded yet
    # (DESIGN §5): the merge-tag code (numpy, pandas) is imported where it is first used.
    import pandas as pd

    from gui.core.campaign_text import CampaignText, TagVocabulary
    from gui.core.cancel import CancelToken, ProgressCallback
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.merge_tags import Piece, RenderedEmail, TagCheck
    from gui.core.providers.base import ProviderClient, ProviderSpec
    from gui.core.safety import CampaignRead

log = logging.getLogger(__name__)

#: Tints drawn under the palette's text colour, readable on light and dark themes.
TINTS = {
    "resolved": "background-color: rgba(67, 160, 71, 60);",
    "unresolved": "background-color: rgba(229, 57, 53, 80); font-weight: bold;",
    "own": "color: gray; font-style: italic;",
    "spintax": "text-decoration: underline;",
}
LEGEND = (
    f"<span style='{TINTS['resolved']}'>&nbsp;from the sheet&nbsp;</span> &nbsp; "
    f"<span style='{TINTS['unresolved']}'>&nbsp;would go out empty&nbsp;</span> &nbsp; "
    f"<span style='{TINTS['own']}'>filled by the provider</span> &nbsp; "
    f"<span style='{TINTS['spintax']}'>one of several wordings</span>"
)

#: Reads the campaign in the worker: its emails, None when it publishes none, or a
#: :class:`CampaignRead` whose note says why there is no text (core ``read_campaign``).
ReadCampaign = Callable[[], "CampaignText | CampaignRead | None"]


def _piece_html(piece: Piece, *, is_html: bool) -> str:
    if piece.kind == "text":
        return piece.text if is_html else html.escape(piece.text).replace("\n", "<br>")
    title = f" title='{{{{{html.escape(piece.tag)}}}}}'" if piece.tag else ""
    return f"<span style='{TINTS[piece.kind]}'{title}>{html.escape(piece.text)}</span>"


def email_html(email: RenderedEmail) -> str:
    """One email as rich text: a heading, the subject line, then the body as the prospect reads it."""
    from gui.core.merge_tags import looks_like_html

    is_html = looks_like_html(email.step.body)
    subject = (
        "".join(_piece_html(p, is_html=False) for p in email.subject) or "<i>(replies in the thread)</i>"
    )
    body = "".join(_piece_html(p, is_html=is_html) for p in email.body)
    warn = ""
    if email.unresolved:
        tags = ", ".join(html.escape(t) for t in email.unresolved)
        warn = (
            f"<p style='{TINTS['unresolved']}'>&nbsp;Would go out empty for this prospect: {tags}&nbsp;</p>"
        )
    return (
        f"<h3>{html.escape(email.step.label.capitalize())}</h3>"
        f"<p><b>Subject:</b> {subject}</p>{warn}<div>{body}</div><hr>"
    )


class PreviewEmailsFlow(QWidget):
    """The campaign's emails for the selected row, and the whole-sheet merge-tag check.

    Signals:
        sig_checked: A :class:`TagCheck` for the current sheet, mapping and campaign.
        sig_allow_empty_changed: The user's "send rows with empty merge tags anyway" choice.
    """

    sig_checked = Signal(object)
    sig_allow_empty_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._campaign: CampaignText | None = None
        self._read: CampaignRead | None = None
        self._vocab: TagVocabulary | None = None
        self._note = "Choose a campaign to see its emails."
        self._frame: pd.DataFrame | None = None
        self._mapping: ColumnMapping | None = None
        self._row: int | None = None
        self._scope: tuple[int, ...] | None = None  # frame rows the check covers
        self._scope_note = ""
        self._following: tuple[str, str, str] | None = None  # (provider, account, destination) read
        self._check: TagCheck | None = None  # built on first use: see the imports
        self._reader: Worker | None = None
        self._checker: Worker | None = None
        self._build()

    def _build(self) -> None:
        self.status = QLabel(self._note)
        self.status.setObjectName("previewStatus")
        self.status.setWordWrap(True)
        self.allow_empty = QCheckBox("Send rows with empty merge tags anyway")
        self.allow_empty.setToolTip(
            "Off: a row whose email would go out with an empty merge tag is not sent and shows why.\n"
            "On: such rows are sent as they are."
        )
        self.allow_empty.toggled.connect(self.sig_allow_empty_changed)
        self.allow_empty.setVisible(False)
        self.legend = QLabel(LEGEND)
        self.legend.setVisible(False)
        self.view = QTextBrowser()
        self.view.setObjectName("emailPreview")
        self.view.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.allow_empty)
        layout.addWidget(self.legend)
        layout.addWidget(self.view, 1)

    # -- what the window tells the flow ------------------------------------------------------

    def read_campaign(
        self, read: ReadCampaign | None, vocab: TagVocabulary | None, label: str, note: str = ""
    ) -> None:
        """Read the chosen campaign's emails in a worker; ``read`` None means the provider publishes none.

        Args:
            read: Returns the campaign's emails (None when the provider has no such route).
            vocab: The provider's merge tags.
            label: The provider's name, for the one-line notes.
            note: The line to show when ``read`` is None (a lead list, no account yet).
        """
        from gui.core.safety import CampaignRead

        self._stop(self._reader)
        self._vocab = vocab
        self._campaign = None
        self._read = None
        if read is None or vocab is None:
            note = note or f"{label} does not publish a campaign's emails, so they are not checked."
            self._show_note(note)
            self._read = CampaignRead(None, note)
            return
        self._show_note("Reading the campaign's emails…")
        reader = self._reader = start_worker(lambda _p, _c: read(), parent=self)
        # A campaign chosen while another is read: only the latest reader's answer counts.
        reader.sig_succeeded.connect(lambda text: self._reader is reader and self._on_read(text, label))
        reader.sig_failed.connect(lambda exc: self._reader is reader and self._on_read_failed(exc))

    def follow(
        self,
        spec: ProviderSpec,
        account: str,
        target: tuple[str, Sequence[int] | None, str] | None,
        client_factory: Callable[[], Callable[[], ProviderClient]],
    ) -> None:
        """Show ``target``'s campaign: read once per provider, account and campaign.

        Args:
            spec: The provider.
            account: The account's label (another account may see another campaign).
            target: The destination id, the rows its check covers (None: all) and a note; the id is
                "" for a row that is not sent (the note says why); None when nothing is chosen.
            client_factory: Returns the account's client factory (raises when there is no key).
        """
        from gui.core.safety import publishes_emails, read_campaign, unread_note

        if target is None:
            self._following = None
            self._scope, self._scope_note = None, ""
            self.clear()
            return
        destination, scope, note = target
        key = (spec.id, account, destination)
        if key == self._following:
            return
        self._following = key
        if not destination:
            self.read_campaign(None, None, spec.label, note=note)
            return
        # No check yet: the campaign read below starts the one check, on these rows.
        self._scope = None if scope is None else tuple(scope)
        self._scope_note = note
        if not publishes_emails(spec, destination):
            self.read_campaign(None, None, spec.label, note=unread_note(spec, destination))
            return
        try:
            factory = client_factory()
        except LeadLoaderError as exc:
            self._following = None  # a key added later is read on the next change
            self.read_campaign(
                None, None, spec.label, note=f"The campaign's emails could not be checked: {exc}"
            )
            return
        self.read_campaign(lambda: read_campaign(spec, destination, factory), spec.merge_tags, spec.label)

    def forget_campaign(self) -> None:
        """Read the campaign again on the next :meth:`follow` (what it follows has changed)."""
        self._following = None

    def set_sheet(self, frame: pd.DataFrame | None, mapping: ColumnMapping) -> None:
        """The sheet (fixes applied) and the mapping changed: render again and re-check."""
        self._frame = frame
        self._mapping = mapping
        self._render()
        self._start_check()

    def set_scope(self, rows: Sequence[int] | None, note: str = "") -> None:
        """Check only frame rows ``rows`` against the campaign shown (None: every row).

        A sheet sent to several campaigns shows one campaign at a time: its whole-sheet check then
        counts only the rows going there, and ``note`` says which those are.
        """
        self._scope = None if rows is None else tuple(rows)
        self._scope_note = note
        self._start_check()

    def set_row(self, row: int | None) -> None:
        """The table's selection moved to frame row ``row`` (a position)."""
        self._row = row
        self._render()

    def clear(self) -> None:
        """No campaign chosen any more."""
        self._stop(self._reader)
        self._campaign = None
        self._read = None
        self._show_note("Choose a campaign to see its emails.")

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the reader and the check and wait for them (the window closes).

        Waiting matters: a campaign read in flight when the app quits would otherwise be a
        QThread destroyed while running, which aborts the process.
        """
        for worker in (self._reader, self._checker):
            if worker is not None and worker.running:
                worker.stop(timeout_ms)

    @property
    def campaign_read(self) -> CampaignRead | None:
        """The campaign as last read (text, or the note why none); None while reading or unchosen."""
        return self._read

    @property
    def check(self) -> TagCheck:
        """The last finished whole-sheet check."""
        if self._check is None:
            from gui.core.merge_tags import not_checked

            self._check = not_checked(self._note)
        return self._check

    @property
    def allows_empty_tags(self) -> bool:
        """The user chose to send rows with empty merge tags."""
        return self.allow_empty.isChecked()

    def held_rows(self) -> frozenset[int]:
        """Rows the last check holds back from the upload (none when the user sends them anyway)."""
        check = self.check
        if not check.checked or self.allows_empty_tags:
            return frozenset()
        return frozenset(check.reasons)

    def upload_note(self) -> str:
        """The check in one line under the Upload button ("" when nothing is flagged)."""
        check = self.check
        if not check.checked or not (check.flagged or check.missing):
            return ""
        missing = " ".join(m.message for m in check.missing)
        if not check.flagged:
            return missing
        rows = "row" if check.flagged == 1 else "rows"
        if self.allows_empty_tags:
            held = f"{check.flagged:,} {rows} with an empty merge tag will be sent anyway."
        else:
            held = (
                f"{check.flagged:,} {rows} with an empty merge tag will not be sent "
                "(tick “Send rows with empty merge tags anyway” to send them)."
            )
        return f"{missing} {held}".strip()

    # -- inside --------------------------------------------------------------------------------

    def _show_note(self, note: str) -> None:
        from gui.core.merge_tags import not_checked

        self._note = note
        self._check = not_checked(note)
        self.status.setText(note)
        self.allow_empty.setVisible(False)
        self.legend.setVisible(False)
        self.view.clear()
        self.sig_checked.emit(self._check)

    def _on_read(self, text: CampaignText | CampaignRead | None, label: str) -> None:
        from gui.core.safety import CampaignRead

        if isinstance(text, CampaignRead):
            if text.text is None:
                self._show_note(text.note or f"{label} does not publish a campaign's emails.")
                self._read = text
                return
            text = text.text
        if text is None:
            note = f"{label} does not publish a campaign's emails, so they are not checked."
            self._show_note(note)
            self._read = CampaignRead(None, note)
            return
        self._read = CampaignRead(text)
        if not text.steps:
            self._show_note("The campaign has no emails yet, so there is nothing to check.")
            return
        self._campaign = text
        self.legend.setVisible(True)
        self._render()
        self._start_check()

    def _on_read_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            return
        from gui.core.safety import CampaignRead

        note = f"The emails could not be checked: {exc} The upload is still possible."
        self._show_note(note)
        self._read = CampaignRead(None, note)

    def _render(self) -> None:
        if self._campaign is None or self._vocab is None or self._mapping is None:
            return
        if self._frame is None or self._row is None or not 0 <= self._row < len(self._frame):
            self.view.setHtml("<p><i>Select a row in the table to read its emails.</i></p>")
            return
        from gui.core.merge_tags import render_row

        emails = render_row(self._frame, self._mapping, self._campaign, self._vocab, self._row)
        self.view.setHtml("".join(email_html(e) for e in emails))

    def _start_check(self) -> None:
        self._stop(self._checker)
        campaign, vocab, frame, mapping = self._campaign, self._vocab, self._frame, self._mapping
        if campaign is None or vocab is None or frame is None or mapping is None:
            return
        scope = self._scope

        def run(_progress: ProgressCallback, cancel: CancelToken) -> TagCheck:
            from dataclasses import replace

            from gui.core.merge_tags import check_tags

            if scope is None:
                return check_tags(frame, mapping, campaign, vocab, cancel=cancel)
            part = check_tags(frame.iloc[list(scope)], mapping, campaign, vocab, cancel=cancel)
            # The part's positions are its own: name each flagged row by its place in the sheet.
            return replace(part, reasons={scope[p]: why for p, why in part.reasons.items()})

        checker = self._checker = start_worker(run, parent=self)
        checker.sig_succeeded.connect(lambda check: self._checker is checker and self._on_checked(check))

    def _on_checked(self, check: TagCheck) -> None:
        self._check = check
        note = f"{self._scope_note} {check.note}".strip()
        self.status.setText(note + ("" if not check.missing else "\n" + _lines(check)))
        self.allow_empty.setVisible(check.checked and check.flagged > 0)
        self.sig_checked.emit(check)

    @staticmethod
    def _stop(worker: Worker | None) -> None:
        if worker is not None and worker.running:
            worker.cancel.cancel()


def _lines(check: TagCheck) -> str:
    messages: Sequence[str] = [m.message for m in check.missing[1:]]
    return "\n".join(messages)
