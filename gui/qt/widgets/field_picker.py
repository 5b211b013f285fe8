"""Qt layer: the picker of one provider field: its caption, the column chosen, why, and how full it is.

The words the pickers show live here too: a field's required rule, the provider's rule in a
sentence, and the core's reason for a suggestion in words a sales-ops person reads at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy

from gui.core.domain import LeadField
from gui.core.providers.base import ProviderSpec
from gui.qt.widgets.field_bar import FieldBar

if TYPE_CHECKING:
    import pandas as pd

NOT_MAPPED = "— not mapped —"
_SAMPLE_CHARS = 32


def suggestion_words(item: Any) -> str:
    """The core's reason for a suggestion in words a sales-ops person reads at a glance.

    "header synonym" becomes "from the header “Courriel”", "fuzzy 87" becomes "the header
    “Emial” is close", and value sniffing keeps its own words ("values look like emails").
    """
    reason = str(getattr(item, "reason", "") or "")
    column = str(getattr(item, "column", ""))
    confidence = float(getattr(item, "confidence", 1.0))
    if reason.startswith("header synonym"):
        text = f"from the header “{column}”"
    elif reason.startswith("fuzzy"):
        text = f"the header “{column}” is close to this field's name"
    elif reason.startswith("header contains"):
        text = f"the header “{column}” {reason.removeprefix('header ')}"
    elif reason:
        text = f"“{column}”: {reason}"
    else:
        text = f"from “{column}”"
    if confidence < 0.7:
        text += " (a guess: please check)"
    return text


def required_words(spec: ProviderSpec, kind: str = "campaign") -> str:
    """The provider's required-field rule in a sentence ("lemlist needs Email or LinkedIn URL ...")."""
    from gui.core.mapping.suggest import group_label, required_groups

    groups = [group_label(spec, g) for g in required_groups(spec, kind)]
    if not groups:
        return ""
    where = " in a lead list" if kind == "list" else ""
    return f"{spec.label} needs {', and '.join(groups)} on every lead{where}."


def field_caption(spec: ProviderSpec, lead_field: LeadField, kind: str = "campaign") -> str:
    """The field's label with its rule: "Email (required)" or "Email (or LinkedIn URL)"."""
    from gui.core.mapping.suggest import required_groups

    for group in required_groups(spec, kind):
        if lead_field.name in group:
            others = [spec.field(n).label for n in group if n != lead_field.name]
            if not others:
                return f"{lead_field.label} (required)"
            return f"{lead_field.label} (or {' / '.join(others)})"
    if lead_field.required:
        return f"{lead_field.label} (required)"
    return lead_field.label


def column_samples(frame: pd.DataFrame | None, columns: Sequence[str]) -> dict[str, str]:
    """A first non-empty value per column (from the top rows only: cheap on a big sheet)."""
    if frame is None:
        return {}
    head = frame.head(50)
    out: dict[str, str] = {}
    for column in columns:
        values = [str(v) for v in head[column].tolist() if str(v).strip()]
        if values:
            sample = values[0]
            out[column] = sample if len(sample) <= _SAMPLE_CHARS else sample[: _SAMPLE_CHARS - 1] + "…"
    return out


class FieldPicker:
    """The widgets of one provider field, laid out by the grid that holds them.

    Not a widget itself: its five parts sit in two rows of the grid's columns, so captions,
    pickers and bars line up across fields.
    """

    def __init__(self, spec: ProviderSpec, lead_field: LeadField, kind: str) -> None:
        self.field = lead_field
        self.caption = QLabel()
        self.set_rule(spec, kind)
        self.combo = QComboBox()
        self.combo.setAccessibleName(f"Column for {lead_field.label}")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(8)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.caption.setBuddy(self.combo)
        self.hint = QLabel()
        self.hint.setAccessibleName(f"Why this column for {lead_field.label}")
        self.hint.setWordWrap(True)
        # A long sample (an email, a URL) must not hold the column wide: the hint wraps or clips.
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.hint.setMinimumWidth(0)
        self.hint.setEnabled(False)  # the palette's quiet text colour, in light and dark themes
        small = self.hint.font()
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.88))
        self.hint.setFont(small)
        self.bar = FieldBar()
        self.bar.setAccessibleName(f"Fill of {lead_field.label}")
        self.count = QLabel()
        self.count.setAccessibleName(f"Counts for {lead_field.label}")
        self.count.setFont(small)
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.count.setWordWrap(True)
        self.bar.setFixedWidth(self.count.fontMetrics().horizontalAdvance("999,999 / 999,999"))

    def set_rule(self, spec: ProviderSpec, kind: str) -> None:
        """Show the field's required rule; required fields are bold."""
        from gui.core.mapping.suggest import required_groups

        self.caption.setText(field_caption(spec, self.field, kind))
        groups = required_groups(spec, kind)
        font = self.caption.font()
        font.setBold(any(self.field.name in g for g in groups) or self.field.required)
        self.caption.setFont(font)

    def column(self) -> str | None:
        """The column chosen, None when the field is not mapped."""
        data = self.combo.currentData()
        return str(data) if data is not None else None

    def choose(self, column: str | None) -> bool:
        """Select ``column`` (None: not mapped); False when the picker does not offer it."""
        index = self.combo.findData(column) if column is not None else 0
        if index < 0:
            return False
        self.combo.setCurrentIndex(index)
        return True

    def offer(self, columns: Sequence[str], samples: dict[str, str]) -> None:
        """Offer ``columns`` (each with a sample in its tooltip), keeping the choice if still offered."""
        current = self.column()
        self.combo.clear()
        self.combo.addItem(NOT_MAPPED, None)
        for column in columns:
            self.combo.addItem(column, column)
            tip = f"Column “{column}”"
            if samples.get(column):
                tip += f"\ne.g. {samples[column]}"
            self.combo.setItemData(self.combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        index = self.combo.findData(current) if current is not None else 0
        self.combo.setCurrentIndex(max(0, index))

    def show_hint(self, parts: Sequence[str]) -> None:
        """The small print under the picker; hidden when there is nothing to say."""
        self.hint.setText("  ·  ".join(parts))
        self.hint.setVisible(bool(parts))

    def show_counts(self, filled: int | None, total: int, errors: int, warnings: int) -> None:
        """Fill the bar and its caption; ``filled`` None means the column is still being counted."""
        mapped = self.column() is not None
        self.bar.set_counts(filled or 0, errors, total if mapped or errors else 0, warnings)
        parts = []
        if mapped:
            parts.append(f"{filled:,} / {total:,}" if filled is not None else "counting…")
        if errors:
            parts.append(f"{errors:,} problem{'s' if errors != 1 else ''}")
        if warnings:
            parts.append(f"{warnings:,} warning{'s' if warnings != 1 else ''}")
        self.count.setText(" · ".join(parts))
        self.count.setToolTip(self.bar.toolTip())
