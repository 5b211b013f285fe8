"""Qt layer: the accounts dialog: labelled API keys per provider, added, tested, renamed, removed.

The key is typed (or pasted) into a password field, handed to the credential store and cleared at
once: after saving it is never shown again, not even masked. A test runs the provider's key check
in a worker, so a slow provider never freezes the dialog.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httpx

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.core.credentials import Account, CredentialStore, test_key
from gui.core.errors import AuthError, FatalProviderError, LeadLoaderError
from gui.core.providers import all_specs
from gui.qt.workers import Worker, start_worker

log = logging.getLogger(__name__)

#: Builds the transport a key test goes through; None means the provider's real (or env) URL.
TransportFactory = Callable[[str], httpx.AsyncBaseTransport]


def describe_test_error(provider_label: str, exc: object) -> str:
    """Words for a failed key test; never the key, never a stack trace."""
    if isinstance(exc, AuthError):
        return f"{provider_label} rejected this key. Copy it again from {provider_label} and paste it here."
    if isinstance(exc, FatalProviderError | LeadLoaderError):
        return str(exc)
    return f"The test could not finish ({type(exc).__name__})."


class AccountsDialog(QDialog):
    """Manage the labelled keys of each provider.

    Signals:
        sig_accounts_changed: An account was added, renamed or removed.
        sig_test_finished: A key test ended (True: accepted); tests and the window wait on it.
    """

    sig_accounts_changed = Signal()
    sig_test_finished = Signal(bool, str)

    def __init__(
        self,
        store: CredentialStore,
        provider_id: str | None = None,
        parent: QWidget | None = None,
        *,
        transport_factory: TransportFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Accounts (API keys)")
        self.setAccessibleName("Accounts")
        self.setMinimumWidth(560)
        self._store = store
        self._transport_factory = transport_factory
        self._specs = {s.id: s for s in all_specs()}
        self._workers: set[Worker] = set()

        # -- where keys live ----------------------------------------------------------------
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setAccessibleName("Where keys are kept")
        self.keyring_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.keyring_note.setFrameShape(QFrame.Shape.StyledPanel)
        self.keyring_note.setMargin(8)

        # -- provider and its accounts ------------------------------------------------------
        self.provider_combo = QComboBox()
        self.provider_combo.setAccessibleName("Provider")
        for spec in self._specs.values():
            self.provider_combo.addItem(spec.label, spec.id)
        if provider_id in self._specs:
            self.provider_combo.setCurrentIndex(self.provider_combo.findData(provider_id))

        self.account_list = QListWidget()
        self.account_list.setAccessibleName("Saved accounts")
        self.account_list.setMinimumHeight(110)
        self.test_button = QPushButton("&Test")
        self.test_button.setAccessibleName("Test the selected account")
        self.test_button.setToolTip("Ask the provider whether the saved key still works")
        self.rename_button = QPushButton("Re&name…")
        self.rename_button.setAccessibleName("Rename the selected account")
        self.remove_button = QPushButton("&Remove…")
        self.remove_button.setAccessibleName("Remove the selected account")
        self.remove_button.setToolTip("Delete the key from your keychain (asks first)")
        buttons = QVBoxLayout()
        for button in (self.test_button, self.rename_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        list_row = QHBoxLayout()
        list_row.addWidget(self.account_list, 1)
        list_row.addLayout(buttons)

        # -- add a key --------------------------------------------------------------------
        self.add_box = QGroupBox("Add an account")
        self.label_edit = QLineEdit()
        self.label_edit.setAccessibleName("Account name")
        self.label_edit.setPlaceholderText("A name you recognise, e.g. “Main workspace” or “Client B”")
        self.key_edit = QLineEdit()
        self.key_edit.setAccessibleName("API key")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Paste the API key here")
        self.key_help = QLabel()
        self.key_help.setWordWrap(True)
        self.key_help.setAccessibleName("Where to find the key")
        self.key_help.setEnabled(False)  # the disabled colour is the palette's quiet text colour
        self.test_new_button = QPushButton("Test &key")
        self.test_new_button.setAccessibleName("Test the key before saving")
        self.save_button = QPushButton("&Save")
        self.save_button.setAccessibleName("Save the account")
        self.save_button.setDefault(True)
        add_buttons = QHBoxLayout()
        add_buttons.addStretch(1)
        add_buttons.addWidget(self.test_new_button)
        add_buttons.addWidget(self.save_button)
        add_form = QFormLayout(self.add_box)
        name_caption = QLabel("Na&me:")
        name_caption.setBuddy(self.label_edit)
        key_caption = QLabel("API &key:")
        key_caption.setBuddy(self.key_edit)
        add_form.addRow(name_caption, self.label_edit)
        add_form.addRow(key_caption, self.key_edit)
        add_form.addRow("", self.key_help)
        add_form.addRow(add_buttons)

        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Result")
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        close_button = close.button(QDialogButtonBox.StandardButton.Close)
        close_button.setAutoDefault(False)
        close_button.setAccessibleName("Close")

        form = QFormLayout()
        provider_caption = QLabel("&Provider:")
        provider_caption.setBuddy(self.provider_combo)
        form.addRow(provider_caption, self.provider_combo)

        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring_note)
        layout.addLayout(form)
        layout.addLayout(list_row)
        layout.addWidget(self.add_box)
        layout.addWidget(self.result_label)
        layout.addWidget(close)

        self.provider_combo.currentIndexChanged.connect(self._reload)
        self.account_list.currentItemChanged.connect(self._update_buttons)
        self.account_list.itemDoubleClicked.connect(lambda _item: self.test_selected())
        self.test_button.clicked.connect(self.test_selected)
        self.rename_button.clicked.connect(self.rename_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.test_new_button.clicked.connect(self.test_new_key)
        self.save_button.clicked.connect(self.save_new_account)
        self.key_edit.textChanged.connect(self._update_buttons)
        self.label_edit.textChanged.connect(self._update_buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.account_list, self.remove_selected)

        self._reload()

    # ---- public API ---------------------------------------------------------------------

    def provider_id(self) -> str:
        """The provider whose accounts are shown."""
        return str(self.provider_combo.currentData())

    def selected_account(self) -> Account | None:
        """The account selected in the list."""
        item = self.account_list.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return data if isinstance(data, Account) else None

    def save_new_account(self) -> Account | None:
        """Store the typed key under the typed name (session-only without a keyring)."""
        provider = self.provider_id()
        label = self.label_edit.text().strip()
        key = self.key_edit.text().strip()
        try:
            if self._store.available():
                account = self._store.add(provider, label, key)
                where = "your system keychain"
            else:
                account = self._store.set_session_key(provider, label, key)
                where = "memory for this session only"
        except LeadLoaderError as exc:
            self._show_result(f"⚠ {exc}")
            return None
        # The key leaves the dialog now: nothing on screen holds it any more.
        self.key_edit.clear()
        self.label_edit.clear()
        self._show_result(f"Saved “{account.label}” in {where}.")
        self._reload(select=account)
        self.sig_accounts_changed.emit()
        return account

    def test_new_key(self) -> None:
        """Check the typed key with the provider before it is saved."""
        key = self.key_edit.text().strip()
        if not key:
            self._show_result("⚠ Paste a key first, then press Test key.")
            return
        self._run_test(self.provider_id(), lambda: key, "The new key")

    def test_selected(self) -> None:
        """Check the selected account's saved key with the provider."""
        account = self.selected_account()
        if account is None:
            return
        store = self._store
        self._run_test(account.provider, lambda: store.get_key(account), f"“{account.label}”")

    def rename_selected(self) -> None:
        """Ask for a new name and rename the selected account (its key moves with it)."""
        account = self.selected_account()
        if account is None:
            return
        new_label, ok = QInputDialog.getText(
            self,
            "Rename account",
            f"New name for “{account.label}”:",
            QLineEdit.EchoMode.Normal,
            account.label,
        )
        if not ok or not new_label.strip() or new_label.strip() == account.label:
            return
        try:
            renamed = self._store.rename(account, new_label)
        except LeadLoaderError as exc:
            self._show_result(f"⚠ {exc}")
            return
        self._show_result(f"Renamed “{account.label}” to “{renamed.label}”.")
        self._reload(select=renamed)
        self.sig_accounts_changed.emit()

    def remove_selected(self) -> None:
        """Delete the selected account and its key, after asking."""
        account = self.selected_account()
        if account is None:
            return
        spec = self._specs[account.provider]
        answer = QMessageBox.question(
            self,
            "Remove account",
            f"Remove the {spec.label} account “{account.label}”?\n\n"
            "Its API key is deleted from this computer. The account at "
            f"{spec.label} is not touched; you can add the key again later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._store.remove(account)
        except LeadLoaderError as exc:
            self._show_result(f"⚠ {exc}")
            return
        self._show_result(f"Removed “{account.label}”.")
        self._reload()
        self.sig_accounts_changed.emit()

    def busy(self) -> bool:
        """True while a key test runs."""
        return any(w.running for w in self._workers)

    def done(self, result: int) -> None:
        """Stop a test still running before the dialog goes away."""
        for worker in list(self._workers):
            worker.stop(timeout_ms=5000)
        self._workers.clear()
        super().done(result)

    # ---- internals ------------------------------------------------------------------------

    def _reload(self, *_args: Any, select: Account | None = None) -> None:
        spec = self._specs[self.provider_id()]
        available = self._store.available()
        if available:
            self.keyring_note.setText(
                f"Keys are kept in your system keychain ({self._store.backend_name()}), never in a file. "
                "LeadLoader shows a key only while you paste it."
            )
            self.save_button.setText("&Save")
        else:
            reason = self._store.unavailable_reason()
            text = f"⚠ Keys cannot be saved on this computer.\n{reason}"
            if "session" not in reason:
                text += "\nYou can still use a key now: it stays in memory until LeadLoader closes."
            self.keyring_note.setText(text)
            self.save_button.setText("&Use for this session")
        self.save_button.setAccessibleName(self.save_button.text().replace("&", ""))
        where = spec.key_help.removeprefix(f"{spec.label}:").strip()
        self.key_help.setText(f"Where to find it in {spec.label}: {where}" if where else "")
        self.add_box.setTitle(f"Add a {spec.label} account")
        self.account_list.clear()
        try:
            accounts = self._store.list(spec.id)
        except LeadLoaderError as exc:
            accounts = []
            self._show_result(f"⚠ {exc}")
        for account in accounts:
            text = account.label + ("  (this session only)" if account.session else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, account)
            item.setToolTip(f"{spec.label} account “{account.label}”")
            self.account_list.addItem(item)
            if select is not None and account == select:
                self.account_list.setCurrentItem(item)
        if not accounts:
            placeholder = QListWidgetItem(f"No {spec.label} account yet: add one below.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.account_list.addItem(placeholder)
        elif self.account_list.currentItem() is None:
            self.account_list.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self, *_args: Any) -> None:
        has_account = self.selected_account() is not None
        testing = self.busy()
        self.test_button.setEnabled(has_account and not testing)
        self.rename_button.setEnabled(has_account)
        self.remove_button.setEnabled(has_account)
        has_key = bool(self.key_edit.text().strip())
        self.test_new_button.setEnabled(has_key and not testing)
        self.save_button.setEnabled(has_key and bool(self.label_edit.text().strip()))

    def _show_result(self, text: str) -> None:
        self.result_label.setText(text)

    def _run_test(self, provider: str, read_key: Callable[[], str], subject: str) -> None:
        """Run the provider's key check in a worker; the key is read inside the worker."""
        spec = self._specs[provider]
        transport_factory = self._transport_factory

        def job(_progress: Any, _cancel: Any) -> str:
            transport = transport_factory(provider) if transport_factory else None
            return asyncio.run(test_key(provider, read_key(), transport=transport))

        self._show_result(f"Testing {subject} with {spec.label}…")
        worker = start_worker(job, parent=self)
        self._workers.add(worker)
        worker.sig_succeeded.connect(lambda name: self._on_tested(subject, spec.label, True, str(name)))
        worker.sig_failed.connect(
            lambda exc: self._on_tested(subject, spec.label, False, describe_test_error(spec.label, exc))
        )
        worker.sig_finished.connect(lambda w=worker: self._on_worker_finished(w))
        self._update_buttons()

    def _on_worker_finished(self, worker: Worker) -> None:
        self._workers.discard(worker)
        self._update_buttons()

    def _on_tested(self, subject: str, provider_label: str, ok: bool, text: str) -> None:
        if ok:
            self._show_result(f"✔ {subject}: OK — workspace “{text}” ({provider_label} accepted the key).")
        else:
            self._show_result(f"⚠ {subject}: {text}")
        self.sig_test_finished.emit(ok, text)
