"""Qt layer: the window's banners: the sandbox notice, and the disk problem that pauses an upload.

A banner is a tinted frame across the top of the window (:func:`gui.qt.style.banner_style`), read
in light and dark palettes alike, with an accessible name a screen reader announces.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from gui.qt.style import banner_style


class Banner(QFrame):
    """A banner of ``kind`` (sandbox, info, error) holding one word-wrapped label."""

    def __init__(self, kind: str, name: str, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setStyleSheet(banner_style(kind))
        self.setAccessibleName(name)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)


class SandboxBanner(Banner):
    """Always shown while the sandbox is the destination: nothing the user does there is real."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "sandbox",
            "Sandbox notice",
            "<b>Sandbox — no real leads are sent.</b> You are trying LeadLoader with a built-in practice "
            "account. To upload for real, choose your provider and click <i>Manage accounts…</i> to add "
            "your API key.",
            parent,
        )
        self.label.setTextFormat(Qt.TextFormat.RichText)


class StorageBanner(Banner):
    """The journal cannot be written (disk full, read-only): the run waits until it can."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("error", "Disk problem", "", parent)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, message: str) -> None:
        """Say what is wrong and what to do, or hide when ``message`` is "" (the disk is writable again)."""
        self.label.setText(f"<b>{message}</b>" if message else "")
        self.setVisible(bool(message))
