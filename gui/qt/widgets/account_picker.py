"""Qt layer: the account picker: a provider's saved accounts, then the built-in sandbox.

Items hold an :class:`Account` (never its key: the key is read from the keyring when a client is
built) or :data:`SANDBOX_ACCOUNT`. The settings file remembers the label, so the picker speaks in
labels ("account id") on that side.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from gui.core.credentials import Account
from gui.core.demo_account import SANDBOX_ACCOUNT, SANDBOX_LABEL


class AccountPicker(QComboBox):
    """The accounts of one provider; :meth:`fill` swaps them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Account")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def is_sandbox(self) -> bool:
        """True when the built-in demo account is chosen: nothing leaves this computer."""
        return bool(self.currentData() == SANDBOX_ACCOUNT)

    def label(self) -> str:
        """The chosen account's label (the sandbox's words for the demo account)."""
        data = self.currentData()
        if data == SANDBOX_ACCOUNT:
            return SANDBOX_LABEL
        return data.label if isinstance(data, Account) else ""

    def account(self) -> Account | None:
        """The chosen stored (or session) account; None for the sandbox."""
        data = self.currentData()
        return data if isinstance(data, Account) else None

    def account_id(self) -> str:
        """What the settings file remembers for the chosen account (its label, or the sandbox marker)."""
        data = self.currentData()
        return data.label if isinstance(data, Account) else str(data or "")

    def fill(self, accounts: Sequence[Account], provider_label: str, wanted: str) -> None:
        """List ``accounts`` and the sandbox, and choose ``wanted`` (an account id) if listed.

        A real account comes first when there is one: the sandbox is the fallback, not the default.
        Signals stay blocked: the caller announces the choice once.
        """
        self.blockSignals(True)
        self.clear()
        for account in accounts:
            text = f"{account.label}  (this session only)" if account.session else account.label
            tip = f"{provider_label} account “{account.label}”"
            if account.session:
                tip += ": its key is forgotten when LeadLoader closes"
            self.addItem(text, account)
            self.setItemData(self.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.addItem(SANDBOX_LABEL, SANDBOX_ACCOUNT)
        self.setItemData(
            self.count() - 1,
            "A practice copy of the provider inside LeadLoader: no key needed, nothing leaves your computer.",
            Qt.ItemDataRole.ToolTipRole,
        )
        self.setCurrentIndex(max(self._index(wanted) if wanted else -1, 0))
        self.blockSignals(False)

    def _index(self, account_id: str) -> int:
        for i in range(self.count()):
            data = self.itemData(i)
            if (data.label if isinstance(data, Account) else data) == account_id:
                return i
        return -1
