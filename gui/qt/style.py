"""Qt layer: colours, icons and the little styling the app adds to the platform style.

Everything is derived from the palette, so the app reads right in light and dark mode; the only
fixed colours are translucent tints drawn under the palette's own text colour.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QLayout, QStyle, QWidget

from gui.core.domain import Status
from gui.core.paths import resource

#: Chart and legend colours per status: mid-tones that keep contrast on light and dark bases.
STATUS_COLOURS: dict[str, QColor] = {
    Status.UPLOADED.value: QColor(67, 160, 71),
    Status.UPDATED.value: QColor(0, 137, 123),
    Status.DUPLICATE.value: QColor(30, 136, 229),
    Status.SKIPPED.value: QColor(141, 141, 141),
    Status.INVALID.value: QColor(251, 140, 0),
    Status.FAILED.value: QColor(229, 57, 53),
    Status.PENDING.value: QColor(171, 71, 188),
}


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is dark (the platform's dark mode)."""
    pal = palette or QGuiApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def app_icon() -> QIcon:
    """The application icon from ``resources/icons`` (SVG preferred), or an empty icon."""
    for name in ("icons/app.svg", "icons/app.png"):
        try:
            path = resource(name)
        except FileNotFoundError:
            return QIcon()
        if path.is_file():
            return QIcon(str(path))
    return QIcon()


def std_icon(widget: QWidget | None, which: QStyle.StandardPixmap) -> QIcon:
    """A platform-style icon (open, warning, save...), so icons match the desktop."""
    style = widget.style() if widget is not None else QApplication.style()
    return style.standardIcon(which)


def banner_style(kind: str) -> str:
    """A stylesheet for an info or warning banner that works on light and dark palettes.

    The background is a translucent tint and the text keeps the palette's colour.
    """
    tint = {"sandbox": "rgba(251, 192, 45, 70)", "info": "rgba(30, 136, 229, 55)"}.get(
        kind, "rgba(229, 57, 53, 60)"
    )
    border = {"sandbox": "rgba(251, 192, 45, 200)", "info": "rgba(30, 136, 229, 170)"}.get(
        kind, "rgba(229, 57, 53, 190)"
    )
    return f"QFrame#banner {{ background: {tint}; border: 1px solid {border}; border-radius: 4px; }}"


def emphasise(widget: QWidget, *, bold: bool = True, scale: float = 1.0) -> None:
    """Make a label or button stand out with the platform font, never a fixed size."""
    font = widget.font()
    font.setBold(bold)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    widget.setFont(font)


def apply_app_style(app: QApplication) -> None:
    """Keep the platform style; only make tooltips wrap and drop hints readable."""
    app.setStyleSheet("QToolTip { max-width: 480px; }")
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, False)


def clear_layout(layout: QLayout) -> None:
    """Take every widget out of ``layout`` and delete it later (a panel rebuilt for a new provider)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()
