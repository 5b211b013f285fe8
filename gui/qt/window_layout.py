"""Qt layer: where the window's parts sit.

The table and the email preview on the left, the two steps on the right, the Upload bar along the
bottom. Like the ``setupUi`` of a Designer form: the window builds its flows, then this arranges them and
keeps the frames (splitters, step boxes) as the window's attributes, for the saved layout and tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGroupBox, QScrollArea, QSplitter, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from gui.qt.main_window import MainWindow


def lay_out(window: MainWindow) -> None:
    """Place the window's flows; the first-run size fits the screen."""
    left = QWidget()
    left_layout = QVBoxLayout(left)
    left_layout.setContentsMargins(0, 0, 0, 0)
    left_layout.addWidget(window.opener)
    left_layout.addWidget(window.view, 1)
    # Under the table: the selected row's emails, as that prospect will read them.
    window.emails_box = QGroupBox("Emails as the selected prospect will get them")
    window.emails_box.setAccessibleName("Email preview")
    QVBoxLayout(window.emails_box).addWidget(window.preview)
    window.left_split = QSplitter(Qt.Orientation.Vertical)
    window.left_split.addWidget(left)
    window.left_split.addWidget(window.emails_box)
    window.left_split.addWidget(window.results_panel)
    window.left_split.setStretchFactor(0, 1)
    window.left_split.setSizes([520, 260, 0])
    window.left_split.setChildrenCollapsible(False)

    # Right side: where to send, then how columns map.
    # Both steps stay visible: the campaign decides which fields the mapping shows.
    window.destination_box = QGroupBox("1 · Where to send")
    window.destination_box.setAccessibleName("Step 1: where to send")
    destination_layout = QVBoxLayout(window.destination_box)
    destination_layout.addWidget(window.destination_panel)
    # Several campaigns instead of step 1's one: a choice about where the rows go, so it sits here.
    destination_layout.addWidget(window.routing, 1)
    window.mapping_box = QGroupBox("2 · Match your columns to the provider's fields")
    window.mapping_box.setAccessibleName("Step 2: match columns")
    QVBoxLayout(window.mapping_box).addWidget(window.mapping_panel)
    window.side_split = QSplitter(Qt.Orientation.Vertical)
    window.side_split.addWidget(window.destination_box)
    window.side_split.addWidget(window.mapping_box)
    window.side_split.setStretchFactor(1, 1)
    window.side_split.setChildrenCollapsible(False)
    window.side_split.setSizes([230, 600])

    window.main_split = QSplitter(Qt.Orientation.Horizontal)
    window.main_split.addWidget(window.left_split)
    # A scroll area, so the panels' minimum heights never push the Upload bar off a small screen.
    window.side_scroll = QScrollArea()
    window.side_scroll.setWidgetResizable(True)
    window.side_scroll.setFrameShape(QFrame.Shape.NoFrame)
    window.side_scroll.setWidget(window.side_split)
    window.side_scroll.setMinimumWidth(380)
    window.main_split.addWidget(window.side_scroll)
    window.main_split.setStretchFactor(0, 3)
    window.main_split.setStretchFactor(1, 2)
    window.main_split.setChildrenCollapsible(False)
    window.main_split.setSizes([760, 520])

    central = QWidget()
    layout = QVBoxLayout(central)
    layout.setContentsMargins(6, 6, 6, 0)
    layout.addWidget(window.sandbox_banner)
    layout.addWidget(window.resume_banner)
    layout.addWidget(window.storage_banner)
    layout.addWidget(window.main_split, 1)
    # The choice sits by the Upload button it changes; the pane shows it only when rows are flagged.
    layout.addWidget(window.preview.allow_empty)
    layout.addWidget(window.upload_bar)
    window.setCentralWidget(central)
    window.statusBar().setAccessibleName("Status bar")
    _fit_to_screen(window)


def _fit_to_screen(window: MainWindow) -> None:
    """A first-run size that fits the screen (restored geometry replaces it later)."""
    screen = window.screen()
    if screen is None:
        window.resize(1320, 820)
        return
    area = screen.availableGeometry()
    width = min(1400, int(area.width() * 0.94))
    height = min(900, int(area.height() * 0.9))
    window.resize(width, height)
    window.move(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2)
