"""Qt layer: the lines above the field pickers: what this step is, the provider's rule, and whether it is met.

Four labels, so the user reads at a glance whether the upload can go ("✔ Ready: 7 columns
mapped") or which field still needs a column, and where the columns came from when they were
matched from an earlier file.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gui.core.providers.base import ProviderSpec
from gui.qt.widgets.field_picker import required_words


class MappingSummary(QWidget):
    """Title, required rule, status and the "matched as last time" note, one label each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Match your columns")
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        self.rule_label.setAccessibleName("Required fields")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Mapping status")
        self.recall_label = QLabel()
        self.recall_label.setWordWrap(True)
        self.recall_label.setAccessibleName("Remembered mapping")
        italic = self.recall_label.font()
        italic.setItalic(True)
        self.recall_label.setFont(italic)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label in (self.title, self.rule_label, self.status_label, self.recall_label):
            layout.addWidget(label)

    def show_provider(self, spec: ProviderSpec, kind: str) -> None:
        """Name the provider in the title and spell out its rule for this kind of destination."""
        self.title.setText(f"Match your columns to {spec.label} fields")
        self.show_rule(spec, kind)

    def show_rule(self, spec: ProviderSpec, kind: str) -> None:
        """The required-field rule; an Instantly lead list (``kind`` "list") asks for less."""
        self.rule_label.setText(required_words(spec, kind))

    def say(self, text: str) -> None:
        """A status of its own: waiting for the provider, a file written."""
        self.status_label.setText(text)

    def show_state(
        self, missing: Sequence[str], mapped: int, custom: int, *, recalled: str, has_sheet: bool
    ) -> None:
        """Ready or not: the unmet required groups, else how many columns go where.

        ``recalled`` names where an earlier mapping came from ("last time", "your saved mapping
        “Weekly”"); empty when the columns were suggested.
        """
        if not has_sheet:
            self.status_label.setText("Open a sheet to match its columns.")
            self.recall_label.setVisible(False)
            return
        if missing:
            self.status_label.setText("⚠ Pick a column for " + "; and for ".join(missing) + ".")
        else:
            text = f"✔ Ready: {mapped} column{'s' if mapped != 1 else ''} mapped"
            if custom:
                text += f", {custom} sent as custom variable{'s' if custom != 1 else ''}"
            self.status_label.setText(text + ".")
        self.recall_label.setText(
            f"This sheet has the same headers as before, so its columns were matched as in {recalled}."
            if recalled
            else ""
        )
        self.recall_label.setVisible(bool(recalled))
