"""Qt layer: a campaign (or lead list) picker that a workspace of hundreds of campaigns stays usable in.

Typing part of a name finds a campaign; Instantly's lead lists are grouped under their own heading; the
chosen item is a :class:`Campaign`. The destination chooser uses one, and so can anything else that
asks "which campaign?".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QSizePolicy, QWidget

from gui.core.domain import Campaign
from gui.core.routing import destination_id

_NO_CAMPAIGN = "— pick a campaign —"


def campaign_text(campaign: Campaign) -> str:
    """One line for the campaign picker: name, status, and the provider's warning if any."""
    text = campaign.name or campaign.id
    if campaign.status:
        text += f"  ·  {campaign.status}"
    if campaign.warning:
        text += f"  ⚠ {campaign.warning}"
    return text


class CampaignPicker(QComboBox):
    """An editable combo of campaigns: its items' data are :class:`Campaign` (headings hold None)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Campaign")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumContentsLength(24)
        self.setMaxVisibleItems(20)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.completer()
        line = self.lineEdit()
        assert completer is not None and line is not None  # an editable combo has both
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        line.setPlaceholderText("Type to search the campaigns")
        line.setAccessibleName("Search campaigns")
        line.editingFinished.connect(self._on_text_done)

    def chosen(self) -> Campaign | None:
        """The chosen campaign as listed (a list's id still bare), or None."""
        data = self.currentData()
        return data if isinstance(data, Campaign) else None

    def select(self, wanted: str) -> bool:
        """Choose the campaign whose :func:`destination_id` is ``wanted``; False when it is not listed."""
        for i in range(self.count()):
            data = self.itemData(i)
            if isinstance(data, Campaign) and destination_id(data) == wanted:
                self.setCurrentIndex(i)
                return True
        return False

    def show_placeholder(self, text: str, tip: str = "") -> None:
        """One disabled line instead of campaigns ("Loading…", Aktify's key-is-the-campaign)."""
        self.blockSignals(True)
        self.clear()
        self.addItem(text, None)
        self.blockSignals(False)
        self.setToolTip(tip)
        self.setEnabled(False)

    def fill(
        self, campaigns: list[Campaign], *, provider_label: str, has_lists: bool, wanted: str = ""
    ) -> None:
        """List ``campaigns`` (lists under their own heading) and choose ``wanted`` if listed.

        Signals stay blocked while filling: the caller announces the choice once, when it is made.
        """
        self.blockSignals(True)
        self.clear()
        self.setToolTip("")
        self.addItem(_NO_CAMPAIGN if campaigns else "— no campaigns —", None)
        groups = [("campaign", "Campaigns"), ("list", "Lead lists")] if has_lists else [("campaign", "")]
        for kind, heading in groups:
            members = [c for c in campaigns if (c.kind == "list") == (kind == "list")]
            if heading and members:
                self._add_heading(heading)
            for campaign in members:
                self.addItem(campaign_text(campaign), campaign)
                tip = f"{campaign.name} ({'lead list' if campaign.kind == 'list' else 'campaign'}"
                tip += f", {campaign.status})" if campaign.status else ")"
                if campaign.warning:
                    tip += f"\n{provider_label} reports: {campaign.warning}"
                self.setItemData(self.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        if not (wanted and self.select(wanted)):
            self.setCurrentIndex(0)
        self.blockSignals(False)
        self.setEnabled(bool(campaigns))

    def _add_heading(self, heading: str) -> None:
        self.insertSeparator(self.count())
        self.addItem(heading, None)
        # A heading is not selectable; it only groups what follows.
        item = self.model().item(self.count() - 1)  # type: ignore[attr-defined]
        item.setEnabled(False)

    def _on_text_done(self) -> None:
        """Typed text that names no campaign goes back to the chosen one, so text and choice agree."""
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchFixedString)
        if index >= 0 and isinstance(self.itemData(index), Campaign):
            self.setCurrentIndex(index)
        else:
            self.setEditText(self.itemText(self.currentIndex()))
