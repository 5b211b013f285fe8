"""Widget: a stacked bar of rows per status with a legend, painted with QPainter.

QtCharts would add 156 MB to the app for one bar, so the chart is a small widget of our own; its
legend doubles as its accessible description.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.core.domain import FINAL_STATUSES, Status
from gui.qt.style import STATUS_COLOURS

#: The chart's order: final statuses, then rows not sent.
CHART_ORDER: tuple[str, ...] = (*(s.value for s in FINAL_STATUSES), Status.PENDING.value)

STATUS_LEGEND_WORDS = {
    "uploaded": "uploaded",
    "updated": "updated in place",
    "duplicate": "already there (duplicate)",
    "skipped": "skipped (sent before)",
    "invalid": "not sent: problems in the row",
    "failed": "failed",
    "pending": "not sent yet",
}


class StatusChart(QWidget):
    """A stacked bar of rows per status, with a legend; painted with QPainter (no QtCharts)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: dict[str, int] = {}
        self.setAccessibleName("Results chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self.sizeHint().height())

    def sizeHint(self) -> QSize:
        """One bar and one legend line."""
        line = self.fontMetrics().height()
        return QSize(360, line * 2 + 26)

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """Rows per status; statuses with 0 rows are left out of the bar and the legend."""
        self._counts = {k: int(counts.get(k, 0)) for k in CHART_ORDER if counts.get(k, 0)}
        self.setAccessibleDescription(
            ", ".join(f"{n:,} {STATUS_LEGEND_WORDS.get(k, k)}" for k, n in self._counts.items()) or "No rows"
        )
        self.update()

    def counts(self) -> dict[str, int]:
        """What the chart shows."""
        return dict(self._counts)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The bar on top, the legend under it, in palette colours."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        total = sum(self._counts.values())
        line = self.fontMetrics().height()
        bar = QRectF(1, 1, self.width() - 2, line + 8)
        text_pen = QPen(self.palette().color(QPalette.ColorRole.WindowText))
        if not total:
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid)))
            painter.drawRoundedRect(bar, 4, 4)
            painter.setPen(text_pen)
            painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, "No rows yet")
            painter.end()
            return
        x = bar.left()
        for status, n in self._counts.items():
            width = bar.width() * n / total
            painter.fillRect(QRectF(x, bar.top(), width, bar.height()), STATUS_COLOURS[status])
            x += width
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(bar)
        # Legend: a swatch and "1,204 uploaded" per status, wrapping is not needed for six items.
        lx, ly = 1.0, bar.bottom() + 8
        metrics = self.fontMetrics()
        for status, n in self._counts.items():
            label = f"{n:,} {STATUS_LEGEND_WORDS.get(status, status)}"
            painter.fillRect(QRectF(lx, ly + 2, line - 4, line - 4), STATUS_COLOURS[status])
            painter.setPen(text_pen)
            painter.drawText(QRectF(lx + line, ly, metrics.horizontalAdvance(label) + 4, line), label)
            lx += line + metrics.horizontalAdvance(label) + 18
        painter.end()
