"""Qt layer: the window's menu bar, built from the actions each flow owns.

Like the ``setupUi`` of a Designer form, this sets the window's own actions (Export, Quit, Upload,
Undo...) as its attributes, so shortcuts and tests reach them there; every other item is an action a
flow already made (File > Open is the open-sheet flow's, Upload > History the history flow's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from gui.qt.main_window import MainWindow


def build_menu_bar(window: MainWindow) -> None:
    """File, Edit, View, Upload and Tools, in the order a user works."""
    menu_file = window.menuBar().addMenu("&File")
    menu_file.addAction(window.opener.action_open)
    menu_file.addMenu(window.opener.recent_menu)
    menu_file.addAction(window.opener.action_reading)
    menu_file.addAction(window.opener.action_sample)
    menu_file.addSeparator()
    window.action_export = QAction("&Export results…", window)
    window.action_export.triggered.connect(lambda: window.export_results(only_failed=False))
    menu_file.addAction(window.action_export)
    menu_file.addSeparator()
    window.action_quit = QAction("&Quit", window)
    window.action_quit.setShortcut(QKeySequence.StandardKey.Quit)
    window.action_quit.triggered.connect(window.close)
    menu_file.addAction(window.action_quit)

    menu_edit = window.menuBar().addMenu("&Edit")
    window.action_undo = window.undo_stack.createUndoAction(window, "&Undo")
    window.action_undo.setShortcut(QKeySequence.StandardKey.Undo)
    window.action_redo = window.undo_stack.createRedoAction(window, "&Redo")
    window.action_redo.setShortcuts(
        [QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)]
    )
    menu_edit.addAction(window.action_undo)
    menu_edit.addAction(window.action_redo)
    menu_edit.addSeparator()
    window.check.action_fix.triggered.connect(window.view.request_fix_of_current_column)
    menu_edit.addAction(window.check.action_fix)

    menu_view = window.menuBar().addMenu("&View")
    for action in (window.view.action_problems, window.view.action_filter, window.view.action_next_problem):
        menu_view.addAction(action)
    menu_view.addSeparator()
    window.action_dest_tab = QAction("Go to &Where to send", window)
    window.action_dest_tab.setShortcut(QKeySequence("Ctrl+1"))
    # The lambdas drop the "checked" argument triggered() passes.
    window.action_dest_tab.triggered.connect(lambda: window.destination_panel.provider_combo.setFocus())  # noqa: PLW0108
    window.action_map_tab = QAction("Go to &Match columns", window)
    window.action_map_tab.setShortcut(QKeySequence("Ctrl+2"))
    window.action_map_tab.triggered.connect(lambda: window.mapping_panel.setFocus())  # noqa: PLW0108
    menu_view.addAction(window.action_dest_tab)
    menu_view.addAction(window.action_map_tab)

    menu_upload = window.menuBar().addMenu("&Upload")
    window.action_upload = QAction("&Upload", window)
    window.action_upload.triggered.connect(window.start_upload)
    menu_upload.addAction(window.action_upload)
    menu_upload.addAction(window.history.action_history)
    window.action_accounts = QAction("Manage &accounts…", window)
    window.action_accounts.setShortcut(QKeySequence("Ctrl+K"))
    window.action_accounts.triggered.connect(window.destination_panel.open_accounts_dialog)
    menu_upload.addAction(window.action_accounts)
    # Shortcuts on the bar's buttons already (Ctrl+U, Ctrl+P, Ctrl+Shift+X): menu items show them.
    window.action_upload.setShortcut(QKeySequence("Ctrl+U"))
    window.action_upload.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    window.menu_tools = window.menuBar().addMenu("&Tools")
    window.action_dnc = window.menu_tools.addAction("&Do-not-contact list…")
    window.action_dnc.triggered.connect(window.open_do_not_contact)
