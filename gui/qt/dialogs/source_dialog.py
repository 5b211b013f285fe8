"""Qt layer: how the file is read (sheet, header row, encoding, delimiter) with a live preview.

The loader guesses all four; this dialog shows the guess and the file's first rows as they would
be read, and re-reads the preview on every change, so a wrong encoding (``MÃ¼ller``) or delimiter
(one column of ``a;b;c``) is visible before the whole file is loaded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.core.errors import LeadLoaderError

#: Encodings offered (the loader's guess is added when it is another one).
ENCODINGS: tuple[tuple[str, str], ...] = (
    ("utf-8", "UTF-8 (most files)"),
    ("utf-8-sig", "UTF-8 with BOM"),
    ("cp1252", "Windows Western (cp1252, Excel on Windows)"),
    ("cp1250", "Windows Central European (cp1250)"),
    ("latin-1", "Latin-1 (ISO 8859-1)"),
    ("utf-16", "UTF-16 (Excel 'Unicode text')"),
    ("mac_roman", "Mac Roman"),
)

#: Delimiters offered, with the words shown.
DELIMITERS: tuple[tuple[str, str], ...] = (
    (",", "Comma  ,"),
    (";", "Semicolon  ;"),
    ("\t", "Tab"),
    ("|", "Pipe  |"),
)

PREVIEW_ROWS = 30
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}


@dataclass(frozen=True)
class SourceChoice:
    """How to read the file: None means "let the loader guess".

    Attributes:
        sheet: Worksheet name (workbooks).
        header_row: 0-based row of the header.
        encoding: Text encoding (text files).
        delimiter: Field delimiter (text files).
    """

    sheet: str | None = None
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None


def encoding_words(encoding: str | None) -> str:
    """'UTF-8' style words for the source bar."""
    if not encoding:
        return ""
    for code, words in ENCODINGS:
        if code == encoding.lower().replace("_", "-") or code == encoding.lower():
            return words.split(" (")[0]
    return encoding


def delimiter_words(delimiter: str | None) -> str:
    """'comma' style words for the source bar."""
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(delimiter or "", delimiter or "")


class SourceDialog(QDialog):
    """Pick sheet, header row, encoding and delimiter, watching the first rows change."""

    def __init__(
        self,
        path: Path,
        *,
        sheet_names: tuple[str, ...] | list[str] = (),
        current: SourceChoice = SourceChoice(),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"How to read {path.name}")
        self.setAccessibleName("File reading options")
        self._path = path
        self._text = path.suffix.lower() in _TEXT_SUFFIXES

        self.sheet_combo = QComboBox()
        self.sheet_combo.setAccessibleName("Worksheet")
        for name in sheet_names:
            self.sheet_combo.addItem(name, name)
        if current.sheet:
            self.sheet_combo.setCurrentIndex(max(0, self.sheet_combo.findData(current.sheet)))
        self.header_spin = QSpinBox()
        self.header_spin.setAccessibleName("Header row")
        self.header_spin.setRange(1, PREVIEW_ROWS)
        self.header_spin.setValue((current.header_row or 0) + 1)
        self.header_spin.setToolTip("The row that holds the column names; rows above it are ignored")
        self.encoding_combo = QComboBox()
        self.encoding_combo.setAccessibleName("Encoding")
        for code, words in ENCODINGS:
            self.encoding_combo.addItem(words, code)
        if current.encoding and self.encoding_combo.findData(current.encoding) < 0:
            self.encoding_combo.insertItem(0, f"{current.encoding} (detected)", current.encoding)
        self.encoding_combo.setCurrentIndex(max(0, self.encoding_combo.findData(current.encoding or "utf-8")))
        self.encoding_combo.setToolTip("If names show Ã© or ? instead of é, try another encoding")
        self.delimiter_combo = QComboBox()
        self.delimiter_combo.setAccessibleName("Delimiter")
        for code, words in DELIMITERS:
            self.delimiter_combo.addItem(words, code)
        if current.delimiter and self.delimiter_combo.findData(current.delimiter) < 0:
            self.delimiter_combo.addItem(repr(current.delimiter), current.delimiter)
        self.delimiter_combo.setCurrentIndex(max(0, self.delimiter_combo.findData(current.delimiter or ",")))

        form = QFormLayout()
        if not self._text:
            form.addRow("&Worksheet:", self.sheet_combo)
        form.addRow("&Header on row:", self.header_spin)
        if self._text:
            form.addRow("&Encoding:", self.encoding_combo)
            form.addRow("&Delimiter:", self.delimiter_combo)

        self.preview = QTableWidget()
        self.preview.setAccessibleName("Preview of the first rows")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Preview message")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Reload with these settings")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Preview (the header row is in bold):"))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(820, 520)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.refresh_preview)
        for combo in (self.sheet_combo, self.encoding_combo, self.delimiter_combo):
            combo.currentIndexChanged.connect(self._timer.start)
        self.header_spin.valueChanged.connect(self._mark_header)
        self.refresh_preview()

    def choice(self) -> SourceChoice:
        """What the user picked."""
        return SourceChoice(
            sheet=self.sheet_combo.currentData() if not self._text else None,
            header_row=self.header_spin.value() - 1,
            encoding=self.encoding_combo.currentData() if self._text else None,
            delimiter=self.delimiter_combo.currentData() if self._text else None,
        )

    def refresh_preview(self) -> None:
        """Re-read the first rows with the current choice (a few KB: fast enough for the GUI thread)."""
        from gui.core.sheets.load import preview_rows

        choice = self.choice()
        try:
            rows = preview_rows(
                self._path,
                sheet=choice.sheet,
                encoding=choice.encoding,
                delimiter=choice.delimiter,
                rows=PREVIEW_ROWS,
            )
        except (LeadLoaderError, OSError, ValueError) as exc:
            self.preview.clear()
            self.preview.setRowCount(0)
            self.message.setText(f"Cannot read the file this way: {exc}")
            return
        width = max((len(r) for r in rows), default=0)
        self.preview.clear()
        self.preview.setRowCount(len(rows))
        self.preview.setColumnCount(width)
        self.preview.setVerticalHeaderLabels([str(i + 1) for i in range(len(rows))])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.preview.setItem(r, c, QTableWidgetItem(value))
        message = f"{width} columns."
        if self._text:
            message += " One wide column usually means the wrong delimiter."
            if any("\ufffd" in v or "Ã" in v for row in rows for v in row):
                message += " Signs like � or Ã© mean the wrong encoding: try another one."
        self.message.setText(message)
        self._mark_header()

    def _mark_header(self) -> None:
        header = self.header_spin.value() - 1
        for r in range(self.preview.rowCount()):
            for c in range(self.preview.columnCount()):
                item = self.preview.item(r, c)
                if item is None:
                    continue
                font = QFont(item.font())
                font.setBold(r == header)
                item.setFont(font)
                item.setForeground(self.palette().placeholderText() if r < header else self.palette().text())
        first = self.preview.item(header, 0) if 0 <= header < self.preview.rowCount() else None
        if first is not None:
            self.preview.scrollToItem(first)
        self.preview.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
