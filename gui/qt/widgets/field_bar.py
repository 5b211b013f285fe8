"""Qt layer: a thin bar that shows how full a mapped column is and how much of it has problems.

Painted with QPainter from palette roles only, so it reads in light and dark themes and costs
nothing at start-up (no QtCharts). The numbers also go into the tooltip and the accessible
description, so a screen-reader user gets the same facts as a sighted one.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

#: Hues for "has a problem": a warm red that stays visible on a dark or light base.
_PROBLEM_HUE = QColor(214, 69, 65)
#: Warnings (sent anyway, but worth a look): amber, readable on both bases too.
_WARNING_HUE = QColor(230, 160, 30)


def fill_text(filled: int, problems: int, total: int, warnings: int = 0) -> str:
    """The sentence the tooltip and the screen reader get, e.g. "24 of 26 rows filled, 1 with a problem"."""
    if total <= 0:
        return "No rows loaded yet"
    text = f"{filled:,} of {total:,} rows filled"
    if problems:
        text += f", {problems:,} with a problem (not sent)"
    if warnings:
        text += f", {warnings:,} with a warning (sent anyway)"
    return text


class FieldBar(QWidget):
    """Filled share (highlight colour) with the problem share (red) drawn at its end.

    The problem share is drawn inside the filled part because a problem cell is usually a filled
    cell with a bad value; an empty required cell counts as a problem too, so it is clamped to the
    bar's width.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filled = 0
        self._problems = 0
        self._warnings = 0
        self._total = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Fill and problems")
        self._sync_text()

    def sizeHint(self) -> QSize:
        """Thin: the bar sits under a picker and should not push the rows apart."""
        return QSize(80, 8)

    def minimumSizeHint(self) -> QSize:
        """Still readable when the panel is squeezed."""
        return QSize(30, 6)

    def set_counts(self, filled: int, problems: int, total: int, warnings: int = 0) -> None:
        """Show ``filled``, ``problems`` (errors) and ``warnings`` out of ``total`` rows."""
        if (filled, problems, total, warnings) == (self._filled, self._problems, self._total, self._warnings):
            return
        self._filled, self._problems, self._total = max(0, filled), max(0, problems), max(0, total)
        self._warnings = max(0, warnings)
        self._sync_text()
        self.update()

    def warnings(self) -> int:
        """Cells with a warning."""
        return self._warnings

    def counts(self) -> tuple[int, int, int]:
        """(filled, problems, total), for tests and the panel's summary line."""
        return self._filled, self._problems, self._total

    def _sync_text(self) -> None:
        text = fill_text(self._filled, self._problems, self._total, self._warnings)
        self.setToolTip(text)
        self.setAccessibleDescription(text)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Track, filled share, then the problem share at the end of the filled part."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = min(3.0, rect.height() / 2)
        # Track: the "button" role is a mid tone in both light and dark palettes.
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.setBrush(pal.color(QPalette.ColorRole.Button))
        painter.drawRoundedRect(rect, radius, radius)
        if self._total <= 0:
            painter.end()
            return
        inner = rect.adjusted(1, 1, -1, -1)
        fill_w = inner.width() * min(1.0, self._filled / self._total)
        problem_w = inner.width() * min(1.0, self._problems / self._total)
        warning_w = inner.width() * min(1.0, self._warnings / self._total)
        painter.setPen(Qt.PenStyle.NoPen)
        if fill_w > 0:
            painter.setBrush(pal.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(QRectF(inner.left(), inner.top(), fill_w, inner.height()), radius, radius)
        right = max(inner.left(), inner.left() + fill_w)
        for share, hue in ((problem_w, _PROBLEM_HUE), (warning_w, _WARNING_HUE)):
            if share <= 0:
                continue
            # At least 2 px so one bad row out of 100,000 is still visible.
            width = max(2.0, share)
            right = max(right, inner.left() + width)
            painter.setBrush(hue)
            painter.drawRect(QRectF(right - width, inner.top(), width, inner.height()))
            right -= width
        painter.end()
