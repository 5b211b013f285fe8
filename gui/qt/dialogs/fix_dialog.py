"""Qt layer: fix a whole column (trim, lowercase emails, phones to +1…, split names...) with a preview.

Nothing changes until the user presses Apply: the dialog shows the first rows that would change,
before and after, and how many cells change in all. The preview and the count run in a worker,
so a million-row column never freezes the window. Apply changes the frame in place through
:func:`gui.core.fixes.apply_fix` and keeps the :class:`FixResult` for the window's undo stack.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import pandas as pd
import phonenumbers

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.core.errors import LeadLoaderError
from gui.core.fixes import FIXES, FixResult, FixStep, apply_fix, preview_fix
from gui.core.mapping.headers import detect_concept
from gui.qt.workers import Worker, start_worker

log = logging.getLogger(__name__)

#: Rows shown in the before/after table: enough to judge, small enough to build at once.
PREVIEW_ROWS = 50
#: Milliseconds to wait after the last parameter change before recomputing the preview.
PREVIEW_DELAY_MS = 150

#: One sentence per fix: what it does to the cells, in the user's words.
DESCRIPTIONS: dict[str, str] = {
    "trim": "Removes spaces (and invisible characters) at the start and end of each cell, "
    "and turns double spaces inside into one.",
    "lowercase_email": "Writes email addresses in lower case (Anna.Ames@Acme.com → anna.ames@acme.com). "
    "Cells without an @ are left alone.",
    "phone_e164": "Rewrites phone numbers in the international format providers expect (+16175550142). "
    "Numbers written without a country code are read as numbers of the country below. "
    "Numbers that cannot be read are left as they are.",
    "split_full_name": "Splits a full name into a first-name and a last-name column. Titles (Mr, Dr...) "
    "are dropped, “Doe, Jane” is read as last, first, and particles (de, van...) stay "
    "with the last name.",
    "zip_to_state": "Fills a US state column (MA, CA...) from 5-digit ZIP codes.",
    "normalize_linkedin": "Cleans LinkedIn profile links into one form "
    "(https://www.linkedin.com/in/name), dropping tracking parts and language prefixes.",
    "fill_constant": "Writes the same value into the cells of this column (the empty ones only, unless "
    "you untick the box).",
}

#: Regions at the top of the phone country list; every other region phonenumbers knows follows.
_COMMON_REGIONS = (
    ("US", "United States / Canada (+1)"),
    ("GB", "United Kingdom (+44)"),
    ("FR", "France (+33)"),
    ("DE", "Germany (+49)"),
    ("ES", "Spain (+34)"),
    ("IT", "Italy (+39)"),
    ("NL", "Netherlands (+31)"),
    ("BE", "Belgium (+32)"),
    ("CH", "Switzerland (+41)"),
    ("PT", "Portugal (+351)"),
    ("IE", "Ireland (+353)"),
    ("AU", "Australia (+61)"),
    ("IN", "India (+91)"),
    ("BR", "Brazil (+55)"),
    ("MX", "Mexico (+52)"),
)

#: The fix a column's meaning suggests first (concepts from gui.core.mapping.headers.detect_concept).
_FIX_FOR_CONCEPT = {
    "email": "lowercase_email",
    "phone": "phone_e164",
    "linkedin": "normalize_linkedin",
    "zip": "zip_to_state",
    "full_name": "split_full_name",
}


def suggested_fix(column: str) -> str:
    """The fix most likely wanted for a column, from its header (trim when nothing fits)."""
    found = detect_concept(column)
    if found is not None and found[0] in _FIX_FOR_CONCEPT:
        return _FIX_FOR_CONCEPT[found[0]]
    return "trim"


def _target_columns(frame: pd.DataFrame, column: str, fix: str, params: Mapping[str, Any]) -> list[str]:
    """Every existing column a fix reads or writes (what a dry run must copy)."""
    names = [column]
    if fix == "split_full_name":
        names += [str(params.get("first_column", "")), str(params.get("last_column", ""))]
    elif fix == "zip_to_state":
        names.append(str(params.get("state_column", "")))
    return [n for n in dict.fromkeys(names) if n in frame.columns]


def dry_run(
    frame: pd.DataFrame, column: str, fix: str, params: Mapping[str, Any], *, limit: int = PREVIEW_ROWS
) -> tuple[list[tuple[int, str, str]], FixResult]:
    """The preview rows and the full record of what the fix would change; ``frame`` is not touched.

    The fix runs on a copy of only the columns it touches, so the count is exactly what Apply
    will do, and the record (rows, before, after) can be written to the real frame on Apply
    (``FixResult.redo``) without computing the fix again on the GUI thread.
    """
    rows = preview_fix(frame, column, fix, limit=limit, **dict(params))
    scratch = frame[_target_columns(frame, column, fix, params)].copy()
    return rows, apply_fix(scratch, column, fix, **dict(params))


class FixDialog(QDialog):
    """Pick a fix for one column, see what it does, apply it.

    Signals:
        sig_preview_ready: The preview and count for the current choice are shown (tests wait on it).
    """

    sig_preview_ready = Signal()

    def __init__(
        self,
        frame: pd.DataFrame,
        column: str,
        parent: QWidget | None = None,
        *,
        region: str = "US",
        fix: str | None = None,
        row_number_base: int = 2,
    ) -> None:
        super().__init__(parent)
        if column not in frame.columns:
            raise KeyError(f"The sheet has no column {column!r}")
        self._frame = frame
        self._column = column
        self._row_base = row_number_base
        self._result: FixResult | None = None
        self._workers: set[Worker] = set()
        self._generation = 0
        self._changed: int | None = None
        self._dry_result: FixResult | None = None
        self.setWindowTitle(f"Fix column “{column}”")
        self.setAccessibleName("Fix a column")
        self.resize(820, 560)

        # -- which fix ----------------------------------------------------------------------
        self.fix_list = QListWidget()
        self.fix_list.setAccessibleName("Fixes")
        for name, label in FIXES.items():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(DESCRIPTIONS.get(name, label))
            self.fix_list.addItem(item)
        metrics = self.fix_list.fontMetrics()
        widest = max(metrics.horizontalAdvance(label) for label in FIXES.values())
        self.fix_list.setFixedWidth(min(widest + 32, 380))
        self.fix_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fix_list.setWordWrap(True)

        self.heading = QLabel(f"Fix the column “{column}” ({len(frame):,} rows)")
        heading_font = self.heading.font()
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.1)
        self.heading.setFont(heading_font)

        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setAccessibleName("What this fix does")

        # -- parameters, one page per fix ---------------------------------------------------
        self.params_stack = QStackedWidget()
        self._pages: dict[str, int] = {}
        empty = QWidget()
        self._pages["none"] = self.params_stack.addWidget(empty)

        self.region_combo = QComboBox()
        self.region_combo.setAccessibleName("Country for numbers without a country code")
        for code, label in _COMMON_REGIONS:
            self.region_combo.addItem(label, code)
        self.region_combo.insertSeparator(self.region_combo.count())
        common = {c for c, _ in _COMMON_REGIONS}
        for code in sorted(phonenumbers.SUPPORTED_REGIONS - common):
            cc = phonenumbers.country_code_for_region(code)
            self.region_combo.addItem(f"{code} (+{cc})", code)
        index = self.region_combo.findData(region.upper())
        self.region_combo.setCurrentIndex(max(0, index))
        self._pages["phone_e164"] = self._form_page(("Numbers without +… are from:", self.region_combo))

        columns = [str(c) for c in frame.columns if str(c) != column]
        self.first_combo = self._column_combo(columns, "First name", "Column for first names")
        self.last_combo = self._column_combo(columns, "Last name", "Column for last names")
        self.split_only_empty = QCheckBox("Keep names already in those columns")
        self.split_only_empty.setAccessibleName("Keep names already in those columns")
        self._pages["split_full_name"] = self._form_page(
            ("First name goes to:", self.first_combo),
            ("Last name goes to:", self.last_combo),
            ("", self.split_only_empty),
        )

        self.state_combo = self._column_combo(columns, "State", "Column for the state")
        self.state_overwrite = QCheckBox("Replace states already filled in")
        self.state_overwrite.setAccessibleName("Replace states already filled in")
        self._pages["zip_to_state"] = self._form_page(
            ("State goes to:", self.state_combo), ("", self.state_overwrite)
        )

        self.fill_value = QLineEdit()
        self.fill_value.setAccessibleName("Value to fill in")
        self.fill_value.setPlaceholderText("e.g. United States")
        self.fill_only_empty = QCheckBox("Only empty cells")
        self.fill_only_empty.setAccessibleName("Only empty cells")
        self.fill_only_empty.setChecked(True)
        self._pages["fill_constant"] = self._form_page(
            ("Value:", self.fill_value), ("", self.fill_only_empty)
        )

        # -- preview --------------------------------------------------------------------------
        self.count_label = QLabel()
        self.count_label.setAccessibleName("How many cells change")
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Before and after")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button.setText("&Apply to the column")
        self.apply_button.setAccessibleName("Apply the fix to the column")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._apply)
        self.buttons.rejected.connect(self.reject)
        self.undo_note = QLabel("You can undo it afterwards with Edit > Undo (Ctrl+Z).")
        self.undo_note.setEnabled(False)

        right = QVBoxLayout()
        right.addWidget(self.description)
        right.addWidget(self.params_stack)
        right.addWidget(self.count_label)
        right.addWidget(self.table, 1)
        top = QHBoxLayout()
        top.addWidget(self.fix_list)
        top.addLayout(right, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.undo_note, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top, 1)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self._start_preview)
        self.fix_list.currentRowChanged.connect(self._on_fix_changed)
        for combo in (self.region_combo, self.first_combo, self.last_combo, self.state_combo):
            combo.currentTextChanged.connect(self._schedule_preview)
        for box in (self.split_only_empty, self.state_overwrite, self.fill_only_empty):
            box.toggled.connect(self._schedule_preview)
        self.fill_value.textChanged.connect(self._schedule_preview)

        wanted = fix if fix in FIXES else suggested_fix(column)
        self.set_fix(wanted)
        self.fix_list.setFocus()

    # ---- public API ---------------------------------------------------------------------

    def fix_result(self) -> FixResult | None:
        """What Apply changed (None when cancelled): the window puts it on its undo stack."""
        return self._result

    def fix_name(self) -> str:
        """The chosen fix (a key of :data:`gui.core.fixes.FIXES`)."""
        item = self.fix_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else "trim"

    def set_fix(self, name: str) -> None:
        """Choose a fix as the user would."""
        for i in range(self.fix_list.count()):
            if self.fix_list.item(i).data(Qt.ItemDataRole.UserRole) == name:
                self.fix_list.setCurrentRow(i)
                return
        raise KeyError(name)

    def params(self) -> dict[str, Any]:
        """The chosen fix's parameters, as :func:`gui.core.fixes.apply_fix` takes them."""
        fix = self.fix_name()
        if fix == "phone_e164":
            return {"region": str(self.region_combo.currentData() or "US")}
        if fix == "split_full_name":
            return {
                "first_column": self.first_combo.currentText().strip() or "First name",
                "last_column": self.last_combo.currentText().strip() or "Last name",
                "only_empty": self.split_only_empty.isChecked(),
            }
        if fix == "zip_to_state":
            return {
                "state_column": self.state_combo.currentText().strip() or "State",
                "overwrite": self.state_overwrite.isChecked(),
            }
        if fix == "fill_constant":
            return {"value": self.fill_value.text(), "only_empty": self.fill_only_empty.isChecked()}
        return {}

    def fix_step(self) -> FixStep:
        """The choice as a preset stores it, so next week's file gets the same fix."""
        return FixStep(self._column, self.fix_name(), self.params())

    def changed_count(self) -> int | None:
        """Cells the fix would change (None while counting)."""
        return self._changed

    def preview_rows(self) -> list[tuple[str, str, str]]:
        """The before/after table as text, for tests."""
        out = []
        for r in range(self.table.rowCount()):
            cells = [self.table.item(r, c) for c in range(3)]
            out.append(tuple(c.text() if c is not None else "" for c in cells))
        return out  # type: ignore[return-value]

    def done(self, result: int) -> None:
        """Stop a preview still running before the dialog goes away."""
        self._timer.stop()
        self._generation += 1
        for worker in list(self._workers):
            worker.stop(timeout_ms=10_000)
        self._workers.clear()
        super().done(result)

    def busy(self) -> bool:
        """True while a preview is being computed."""
        return any(w.running for w in self._workers)

    # ---- internals ------------------------------------------------------------------------

    def _column_combo(self, columns: list[str], default: str, accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.setAccessibleName(accessible)
        combo.setToolTip("Pick a column, or type a new name to add a column")
        combo.addItems(columns)
        match = next((c for c in columns if c.casefold() == default.casefold()), None)
        if match is None:
            found = [c for c in columns if (d := detect_concept(c)) and d[0] == _concept_of(default)]
            match = found[0] if found else None
        combo.setCurrentText(match or default)
        return combo

    def _form_page(self, *rows: tuple[str, QWidget]) -> int:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        for caption, widget in rows:
            if caption:
                label = QLabel(caption)
                label.setBuddy(widget)
                form.addRow(label, widget)
            else:
                form.addRow(widget)
        return self.params_stack.addWidget(page)

    def _on_fix_changed(self) -> None:
        fix = self.fix_name()
        self.description.setText(DESCRIPTIONS.get(fix, FIXES.get(fix, "")))
        current = self._pages.get(fix, self._pages["none"])
        # Size the stack to the shown page only, so a short page leaves no gap above the preview.
        for i in range(self.params_stack.count()):
            page = self.params_stack.widget(i)
            policy = QSizePolicy.Policy.Preferred if i == current else QSizePolicy.Policy.Ignored
            if page is not None:
                page.setSizePolicy(policy, policy)
        self.params_stack.setCurrentIndex(current)
        self.params_stack.adjustSize()
        if fix == "split_full_name":
            headers = ["Row", f"{self._column}", "First name | Last name"]
        elif fix == "zip_to_state":
            headers = ["Row", f"{self._column} (state now)", "State after"]
        else:
            headers = ["Row", "Before", "After"]
        self.table.setHorizontalHeaderLabels(headers)
        self._start_preview()

    def _schedule_preview(self, *_args: Any) -> None:
        self._changed = None
        self._dry_result = None
        self.apply_button.setEnabled(False)
        self.count_label.setText("Checking…")
        self._timer.start()

    def _start_preview(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        self._changed = None
        self._dry_result = None
        self.apply_button.setEnabled(False)
        self.count_label.setText("Checking…")
        fix, params = self.fix_name(), self.params()
        frame, column = self._frame, self._column

        def job(_progress: Any, _cancel: Any) -> tuple[list[tuple[int, str, str]], FixResult]:
            return dry_run(frame, column, fix, params)

        # A stale preview still running finishes on its own; its answer is ignored by generation.
        worker = start_worker(job, parent=self)
        self._workers.add(worker)
        worker.sig_succeeded.connect(lambda result, g=generation: self._on_preview(g, result))
        worker.sig_failed.connect(lambda exc, g=generation: self._on_preview_failed(g, exc))
        worker.sig_finished.connect(lambda w=worker: self._workers.discard(w))

    def _on_preview(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return
        assert isinstance(result, tuple)
        rows: list[tuple[int, str, str]] = result[0]
        self._dry_result = result[1]
        changed = self._dry_result.changed
        self._changed = changed
        self.table.setRowCount(len(rows))
        for r, (row, before, after) in enumerate(rows):
            number = QTableWidgetItem(f"{row + self._row_base:,}")
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 0, number)
            self.table.setItem(r, 1, QTableWidgetItem(before if before else "(empty)"))
            self.table.setItem(r, 2, QTableWidgetItem(after if after else "(empty)"))
        if changed == 0 and self.fix_name() == "fill_constant" and not self.fill_value.text():
            self.count_label.setText("Type the value to write into the cells.")
        elif changed == 0:
            self.count_label.setText("Nothing to change: this column is already clean for this fix.")
        else:
            cells = "cell" if changed == 1 else "cells"
            text = f"{changed:,} {cells} will change."
            if changed > len(rows):
                text += f" The first {len(rows):,} are shown."
            self.count_label.setText(text)
        self.apply_button.setEnabled(changed > 0)
        self.sig_preview_ready.emit()

    def _on_preview_failed(self, generation: int, exc: object) -> None:
        if generation != self._generation:
            return
        self._changed = 0
        self.table.setRowCount(0)
        detail = str(exc) if isinstance(exc, LeadLoaderError) else type(exc).__name__
        if not isinstance(exc, LeadLoaderError):
            log.warning("Fix preview failed: %r", exc)
        self.count_label.setText(f"⚠ This fix cannot run: {detail}")
        self.apply_button.setEnabled(False)
        self.sig_preview_ready.emit()

    def _apply(self) -> None:
        try:
            if self._dry_result is not None:
                # The preview already computed every change on a copy: write it, fast.
                self._dry_result.redo(self._frame)
                self._result = self._dry_result
            else:
                self._result = apply_fix(self._frame, self._column, self.fix_name(), **self.params())
        except LeadLoaderError as exc:
            self.count_label.setText(f"⚠ {exc}")
            return
        self.accept()


def _concept_of(label: str) -> str:
    found = detect_concept(label)
    return found[0] if found else ""
