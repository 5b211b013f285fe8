"""The accounts dialog: add, test, rename, remove keys; the key never shows after saving."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import keyring
import pytest
from keyring.backends import fail

from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMessageBox

from gui.core.credentials import Account, CredentialStore
from gui.qt.dialogs.accounts import AccountsDialog

GOOD_KEY = "sandbox-key-0123456789abcdef"


def _lemlist_transport(_provider: str) -> httpx.AsyncBaseTransport:
    """lemlist's /team answers 200 with a name for the good key, 401 for any other."""

    def handler(request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("Authorization", "")
        expected = httpx.BasicAuth("", GOOD_KEY)._auth_header
        if request.url.path.endswith("/team"):
            if auth == expected:
                return httpx.Response(200, json={"_id": "tea_1", "name": "Acme"})
            return httpx.Response(401, json={"message": "Invalid API key"})
        return httpx.Response(404)

    return httpx.MockTransport(handler)


@pytest.fixture
def store() -> CredentialStore:
    return CredentialStore()


@pytest.fixture
def dialog(qtbot, store: CredentialStore) -> Iterator[AccountsDialog]:
    dlg = AccountsDialog(store, "lemlist", transport_factory=_lemlist_transport)
    qtbot.addWidget(dlg)
    yield dlg
    dlg.done(0)


def _all_visible_text(dlg: AccountsDialog) -> str:
    parts = [w.text() for w in dlg.findChildren(QLineEdit)]
    parts += [w.text() for w in dlg.findChildren(QLabel)]
    parts += [dlg.account_list.item(i).text() for i in range(dlg.account_list.count())]
    return "\n".join(parts)


def test_key_field_is_a_password_field(dialog: AccountsDialog) -> None:
    assert dialog.key_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.key_edit.accessibleName() == "API key"


def test_add_saves_in_keyring_and_never_shows_the_key(
    qtbot, dialog: AccountsDialog, store, memory_keyring
) -> None:
    changed: list[bool] = []
    dialog.sig_accounts_changed.connect(lambda: changed.append(True))
    dialog.label_edit.setText("Main workspace")
    dialog.key_edit.setText(f"  {GOOD_KEY}\n")  # pasted with stray whitespace
    assert dialog.save_button.isEnabled()
    account = dialog.save_new_account()

    assert account == Account("lemlist", "Main workspace")
    assert store.get_key(account) == GOOD_KEY  # trimmed
    assert GOOD_KEY in memory_keyring.store.values()
    assert changed == [True]
    assert dialog.key_edit.text() == ""
    assert GOOD_KEY not in _all_visible_text(dialog)
    assert dialog.selected_account() == account
    assert "Main workspace" in dialog.account_list.currentItem().text()


def test_test_selected_account_shows_workspace(qtbot, dialog: AccountsDialog, store) -> None:
    store.add("lemlist", "Main", GOOD_KEY)
    dialog._reload()
    with qtbot.waitSignal(dialog.sig_test_finished, timeout=10_000) as blocker:
        dialog.test_selected()
    assert blocker.args[0] is True
    assert "“Main”: OK — workspace “Acme”" in dialog.result_label.text()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=5000)
    assert GOOD_KEY not in _all_visible_text(dialog)


def test_wrong_key_says_rejected(qtbot, dialog: AccountsDialog) -> None:
    dialog.key_edit.setText("not-the-right-key")
    with qtbot.waitSignal(dialog.sig_test_finished, timeout=10_000) as blocker:
        dialog.test_new_key()
    assert blocker.args[0] is False
    assert "lemlist rejected this key" in dialog.result_label.text()
    assert "not-the-right-key" not in dialog.result_label.text()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=5000)


def test_rename_and_remove(qtbot, dialog: AccountsDialog, store, monkeypatch) -> None:
    store.add("lemlist", "Old name", GOOD_KEY)
    dialog._reload()
    changed: list[bool] = []
    dialog.sig_accounts_changed.connect(lambda: changed.append(True))

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("New name", True))
    dialog.rename_selected()
    assert [a.label for a in store.list("lemlist")] == ["New name"]
    assert store.get_key(Account("lemlist", "New name")) == GOOD_KEY

    # Saying "No" keeps it.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.remove_selected()
    assert [a.label for a in store.list("lemlist")] == ["New name"]

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.remove_selected()
    assert store.list("lemlist") == []
    assert changed == [True, True]
    assert dialog.selected_account() is None
    assert not dialog.remove_button.isEnabled()


def test_duplicate_label_is_refused_in_words(dialog: AccountsDialog, store) -> None:
    store.add("lemlist", "Main", GOOD_KEY)
    dialog.label_edit.setText("main")
    dialog.key_edit.setText("sandbox-other")
    assert dialog.save_new_account() is None
    assert "already" in dialog.result_label.text()
    assert len(store.list("lemlist")) == 1


def test_no_keyring_offers_a_session_key(qtbot, monkeypatch) -> None:
    keyring.set_keyring(fail.Keyring())  # the conftest fixture restores the in-memory one
    store = CredentialStore()
    dlg = AccountsDialog(store, "instantly")
    qtbot.addWidget(dlg)
    assert "Keys cannot be saved on this computer" in dlg.keyring_note.text()
    assert store.unavailable_reason() in dlg.keyring_note.text()
    assert "session" in dlg.save_button.text()

    dlg.label_edit.setText("Temp")
    dlg.key_edit.setText(GOOD_KEY)
    account = dlg.save_new_account()
    assert account is not None and account.session
    assert store.get_key(account) == GOOD_KEY
    assert "this session only" in dlg.account_list.currentItem().text()
    assert dlg.key_edit.text() == ""
    dlg.done(0)


def test_switching_provider_lists_its_accounts(dialog: AccountsDialog, store) -> None:
    store.add("instantly", "Outbound", "sandbox-i")
    assert dialog.selected_account() is None
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("instantly"))
    assert dialog.selected_account() == Account("instantly", "Outbound")
    assert "Instantly" in dialog.add_box.title()
    assert "Settings" in dialog.key_help.text()


def test_every_control_has_an_accessible_name(dialog: AccountsDialog) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QListWidget

    for kind in (QComboBox, QAbstractButton, QLineEdit, QListWidget):
        for widget in dialog.findChildren(kind):
            assert widget.accessibleName(), type(widget).__name__
