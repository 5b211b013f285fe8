"""Choosing where the leads go: provider, account, campaign (or list) and the provider's options.

Campaigns are listed live in a worker (the provider's API is slow and may fail); the panel never
holds an API key: :meth:`DestinationPanel.client_factory` reads it from the credential store
when the client is built, and the sandbox account needs none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.core.credentials import Account, CredentialStore
from gui.core.domain import Campaign
from gui.core.errors import AuthError, CredentialError, LeadLoaderError
from gui.core.providers import all_specs, list_campaigns, make_client
from gui.core.providers.aktify import KEY_CAMPAIGN
from gui.core.providers.base import ProviderClient, ProviderSpec
from gui.core.routing import destination_id
from gui.core.settings import Settings, save_settings
from gui.qt.widgets.account_picker import AccountPicker
from gui.qt.widgets.campaign_picker import CampaignPicker
from gui.qt.widgets.provider_options import ProviderOptionsBox
from gui.qt.workers import Worker, start_worker

log = logging.getLogger(__name__)

#: The campaign picker's tooltip while the sheet is sent to several campaigns by a column.
ROUTED_CAMPAIGN_TIP = "Each value's campaign is picked under “Send to several campaigns by a column”."


class DestinationPanel(QWidget):
    """Provider, account, campaign and options, remembered per provider in the settings file.

    Signals:
        sig_provider_changed: The new provider id.
        sig_destination_changed: The chosen :class:`Campaign`, or None when nothing usable is picked.
    """

    sig_provider_changed = Signal(str)
    sig_destination_changed = Signal(object)
    #: "Update leads that are already there" was ticked or cleared (the Upload button's words change).
    sig_update_existing_changed = Signal(bool)
    #: Emitted when a campaign listing ends (True: listed; False: failed). Tests and the window wait on it.
    sig_campaigns_loaded = Signal(bool)

    def __init__(
        self,
        store: CredentialStore,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        defer: bool = False,
    ) -> None:
        """The panel on the remembered provider.

        With ``defer`` the accounts stay unread (no keyring call) and no campaign listing starts
        until :meth:`start`: the app paints its first window before asking the keyring.
        """
        super().__init__(parent)
        self._store = store
        self._settings = settings
        self._specs = {s.id: s for s in all_specs()}
        self._campaigns: list[Campaign] = []
        self._worker: Worker | None = None
        self._generation = 0
        self._restoring = False
        self._last_emitted: object = object()
        self._routed = False

        self.provider_combo = QComboBox()
        self.provider_combo.setAccessibleName("Provider")
        self.provider_combo.setToolTip("The outreach tool the leads go to")
        for spec in self._specs.values():
            self.provider_combo.addItem(spec.label, spec.id)

        self.account_combo = AccountPicker()
        self.manage_button = QPushButton("Manage accounts…")
        self.manage_button.setAccessibleName("Manage accounts")
        self.manage_button.setToolTip("Add, test, rename or remove API keys (kept in your system keychain)")

        self.campaign_combo = CampaignPicker()
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setAccessibleName("Refresh campaigns")
        self.refresh_button.setToolTip("Load the campaign list again from the provider (F5)")
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Destination status")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.sandbox_note = QLabel(
            "Sandbox: a built-in practice copy of the provider on this computer. "
            "Uploads go nowhere, so you can try the whole flow safely."
        )
        self.sandbox_note.setWordWrap(True)
        self.sandbox_note.setAccessibleName("Sandbox explanation")

        self.options_box = ProviderOptionsBox()

        account_row = QHBoxLayout()
        account_row.addWidget(self.account_combo, 1)
        account_row.addWidget(self.manage_button)
        campaign_row = QHBoxLayout()
        campaign_row.addWidget(self.campaign_combo, 1)
        campaign_row.addWidget(self.refresh_button)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        provider_label = QLabel("&Send to:")
        provider_label.setBuddy(self.provider_combo)
        account_label = QLabel("&Account:")
        account_label.setBuddy(self.account_combo)
        self._campaign_caption = QLabel("&Campaign:")
        self._campaign_caption.setBuddy(self.campaign_combo)
        form.addRow(provider_label, self.provider_combo)
        form.addRow(account_label, account_row)
        form.addRow(self._campaign_caption, campaign_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.sandbox_note)
        layout.addWidget(self.options_box)
        layout.addStretch(1)

        start = settings.last_provider if settings.last_provider in self._specs else next(iter(self._specs))
        self.provider_combo.setCurrentIndex(max(0, self.provider_combo.findData(start)))
        # Restore before connecting, so the first listing starts once and nothing is re-saved.
        self._started = False
        if defer:
            self._show_provider(self.spec())
            self.account_combo.setEnabled(False)
        else:
            self.start()

        self.provider_combo.currentIndexChanged.connect(self._on_provider_changed)
        self.account_combo.currentIndexChanged.connect(self._on_account_changed)
        self.campaign_combo.currentIndexChanged.connect(self._on_campaign_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.manage_button.clicked.connect(self.open_accounts_dialog)
        self.options_box.sig_update_toggled.connect(self.sig_update_existing_changed)

    # ---- public API -------------------------------------------------------------------------

    def spec(self) -> ProviderSpec:
        """The chosen provider's spec."""
        return self._specs[str(self.provider_combo.currentData())]

    def provider_id(self) -> str:
        """The chosen provider id (``lemlist``...)."""
        return self.spec().id

    def set_provider(self, provider_id: str) -> None:
        """Pick a provider programmatically (the window's menu, tests)."""
        index = self.provider_combo.findData(provider_id)
        if index < 0:
            raise KeyError(f"Unknown provider {provider_id!r}")
        self.provider_combo.setCurrentIndex(index)

    def is_sandbox(self) -> bool:
        """True when the built-in demo account is chosen: nothing leaves this computer."""
        return self.account_combo.is_sandbox()

    def account_label(self) -> str:
        """The chosen account's label (the sandbox's words for the demo account)."""
        return self.account_combo.label()

    def account(self) -> Account | None:
        """The chosen stored (or session) account; None for the sandbox."""
        return self.account_combo.account()

    def _account_id(self) -> str:
        return self.account_combo.account_id()

    def destination(self) -> Campaign | None:
        """The chosen campaign or list (its ``id`` already ``list:<id>`` for a list); None if none.

        Aktify has no campaign list: its key is the campaign, so the account stands for it.
        """
        spec = self.spec()
        if not self.account_combo.count():
            return None
        if not spec.has_campaign_list:
            label = self.account_label()
            # The id is the client's own (``default``), as the CLI uses it, so runs resume across both.
            return Campaign(id=KEY_CAMPAIGN.id, name=label, status="")
        campaign = self.campaign_combo.chosen()
        if campaign is None:
            return None
        return Campaign(
            id=destination_id(campaign),
            name=campaign.name,
            status=campaign.status,
            kind=campaign.kind,
            warning=campaign.warning,
        )

    def campaigns(self) -> list[Campaign]:
        """The campaigns (and lists) of the last successful listing."""
        return list(self._campaigns)

    def set_destination(self, destination_id_: str) -> bool:
        """Select a listed campaign by destination id; False when it is not in the list."""
        return self.campaign_combo.select(destination_id_)

    def options(self) -> dict[str, bool | str]:
        """The provider options as the engine takes them (name to bool or text)."""
        return self.options_box.values()

    def update_existing(self) -> bool:
        """The run updates leads that are already there (offered and ticked)."""
        return self.options_box.update_existing()

    def set_routed(self, routed: bool) -> None:
        """The upload is routed to several campaigns: step 1's one campaign and updating are out of play."""
        self._routed = routed
        self.options_box.set_routed(routed)
        self._offer_campaign_choice()

    def _offer_campaign_choice(self) -> None:
        """The campaign picker is used unless the routing table names the campaigns instead."""
        listed = bool(self._campaigns) and self.spec().has_campaign_list
        self.campaign_combo.setEnabled(listed and not self._routed)
        self.campaign_combo.setToolTip(ROUTED_CAMPAIGN_TIP if self._routed else "")

    def pick_a_sandbox_campaign(self) -> None:
        """First run on the sandbox: choose a running campaign for the user (once listed).

        A new user then sees the whole flow ready to try; nothing is chosen for a real account.
        """
        if not self.is_sandbox():
            return
        if self._campaigns:
            self._pick_sandbox_campaign()
        else:
            self.sig_campaigns_loaded.connect(self._pick_sandbox_campaign_once)

    def _pick_sandbox_campaign_once(self, ok: bool) -> None:
        self.sig_campaigns_loaded.disconnect(self._pick_sandbox_campaign_once)
        if ok:
            self._pick_sandbox_campaign()

    def _pick_sandbox_campaign(self) -> None:
        if not self.is_sandbox() or self.destination() is not None:
            return
        running = [c for c in self._campaigns if c.status.lower() in ("running", "active") and not c.warning]
        candidates = running or self._campaigns
        if candidates:
            self.set_destination(destination_id(candidates[0]))

    def client_factory(self) -> Callable[[], ProviderClient]:
        """A function that builds a fresh client for the chosen account when called.

        The key is read from the store at call time (inside the worker), so no widget ever
        holds it; the sandbox account builds a client wired to the in-process sandbox.
        """
        provider = self.provider_id()
        if self.is_sandbox():

            def build_demo() -> ProviderClient:
                # Imported here, inside the worker that calls it: the sandbox app (Starlette) is
                # not worth loading on the GUI thread at start-up.
                from gui.demo import demo_client

                return demo_client(provider)

            return build_demo
        account = self.account()
        if account is None:
            raise CredentialError(f"Pick a {self.spec().label} account first (or the sandbox).")
        store = self._store

        def build() -> ProviderClient:
            return make_client(provider, store.get_key(account))

        return build

    def refresh(self) -> None:
        """List the campaigns again in the background (Aktify: just show the account)."""
        spec = self.spec()
        self._generation += 1
        self._stop_worker()
        self._set_status("")
        if not self.account_combo.count():
            self._fill_campaigns([])
            return
        if not spec.has_campaign_list:
            self._show_aktify_campaign()
            return
        self.campaign_combo.show_placeholder("Loading campaigns…")
        self.refresh_button.setEnabled(False)
        generation = self._generation
        try:
            factory = self.client_factory()
        except LeadLoaderError as exc:
            self._on_list_failed(generation, exc)
            return
        worker = start_worker(lambda _progress, _cancel: list_campaigns(factory), parent=self)
        worker.sig_succeeded.connect(lambda result, g=generation: self._on_listed(g, result))
        worker.sig_failed.connect(lambda exc, g=generation: self._on_list_failed(g, exc))
        self._worker = worker

    def start(self) -> None:
        """Read the accounts and list the campaigns, once (a panel built with ``defer``)."""
        if self._started:
            return
        self._restoring = True
        try:
            self._on_provider_changed()
        finally:
            self._restoring = False

    def reload_accounts(self) -> None:
        """Re-read the accounts of the chosen provider (after the accounts dialog changed them)."""
        if not self._started:  # a deferred panel: the first read picks the remembered account
            self.start()
            return
        before = self._account_id()
        self._fill_accounts()
        if self._account_id() != before or not self._campaigns:
            self._on_account_changed()

    def open_accounts_dialog(self) -> None:
        """Show the accounts dialog for the chosen provider, then pick up what changed."""
        from gui.qt.dialogs.accounts import AccountsDialog

        provider = self.provider_id()
        before = self._labels(provider)
        dialog = AccountsDialog(self._store, provider, parent=self)
        dialog.exec()
        dialog.deleteLater()
        # An account just added is the one the user means to use next.
        added = [label for label in self._labels(provider) if label not in before]
        if added:
            self._settings.last_account[provider] = added[-1]
        self.reload_accounts()

    def _labels(self, provider: str) -> list[str]:
        try:
            return [a.label for a in self._store.list(provider)]
        except LeadLoaderError:
            return []

    def shutdown(self) -> None:
        """Stop a listing still running (window closing)."""
        self._generation += 1
        self._stop_worker()

    # ---- internals --------------------------------------------------------------------------

    def _stop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None and worker.running:
            worker.stop(timeout_ms=5000)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))
        # An error keeps the palette's text colour but is marked with a sign, so it reads in both themes.
        self.status_label.setProperty("error", error)

    def _show_provider(self, spec: ProviderSpec) -> None:
        self.options_box.show_spec(spec)
        self._campaign_caption.setText("&Campaign:" if not spec.has_lists else "&Campaign or list:")
        self.refresh_button.setVisible(spec.has_campaign_list)

    def _on_provider_changed(self) -> None:
        spec = self.spec()
        self._show_provider(spec)
        self._started = True
        self.account_combo.setEnabled(True)
        self._fill_accounts()
        if not self._restoring:
            self._remember(provider_only=True)
            self.sig_provider_changed.emit(spec.id)
        self._on_account_changed()

    def _fill_accounts(self) -> None:
        spec = self.spec()
        previous = self._account_id()
        accounts: list[Account] = []
        try:
            accounts = list(self._store.list(spec.id))
        except LeadLoaderError as exc:
            self._set_status(f"⚠ Could not read your saved accounts: {exc}", error=True)
        wanted = self._settings.last_account.get(spec.id) or previous
        self.account_combo.fill(accounts, spec.label, wanted)

    def _on_account_changed(self) -> None:
        self.sandbox_note.setVisible(self.is_sandbox())
        if not self._restoring:
            self._remember()
        self.refresh()

    def _show_aktify_campaign(self) -> None:
        self._campaigns = []
        self.campaign_combo.show_placeholder(
            f"{self.account_label()}  ·  the campaign of this key",
            f"{self.spec().label} gives each campaign its own API key, so the account is the campaign.",
        )
        self._emit_destination()
        self.sig_campaigns_loaded.emit(True)

    def _on_listed(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return
        self._worker = None
        campaigns = [c for c in result if isinstance(c, Campaign)] if isinstance(result, list) else []
        self._fill_campaigns(campaigns)
        if not campaigns:
            self._set_status(
                f"No campaigns in this {self.spec().label} account yet. Create one in {self.spec().label}, "
                "then press Refresh."
            )
        self.sig_campaigns_loaded.emit(True)

    def _on_list_failed(self, generation: int, exc: object) -> None:
        if generation != self._generation:
            return
        self._worker = None
        self._fill_campaigns([])
        spec = self.spec()
        if isinstance(exc, AuthError):
            text = (
                f"{spec.label} rejected the API key of “{self.account_label()}”. "
                "Check or replace it in Manage accounts…"
            )
        elif isinstance(exc, LeadLoaderError):
            text = f"Could not list the {spec.label} campaigns: {exc}"
        else:
            log.warning("Campaign listing failed: %s", type(exc).__name__)
            text = (
                f"Could not list the {spec.label} campaigns ({type(exc).__name__}). "
                "Press Refresh to try again."
            )
        self._set_status("⚠ " + text, error=True)
        self.sig_campaigns_loaded.emit(False)

    def _fill_campaigns(self, campaigns: list[Campaign]) -> None:
        spec = self.spec()
        self._campaigns = campaigns
        self.campaign_combo.fill(
            campaigns,
            provider_label=spec.label,
            has_lists=spec.has_lists,
            wanted=self._settings.last_campaign.get(spec.id, ""),
        )
        if self._routed:
            self._offer_campaign_choice()
        self.refresh_button.setEnabled(True)
        self._emit_destination()

    def _on_campaign_changed(self) -> None:
        if not self._restoring:
            self._remember()
        self._emit_destination()

    def _emit_destination(self) -> None:
        destination = self.destination()
        if destination == self._last_emitted:
            return
        self._last_emitted = destination
        self.sig_destination_changed.emit(destination)

    def _remember(self, *, provider_only: bool = False) -> None:
        spec = self.spec()
        account = "" if provider_only else self._account_id()
        campaign = ""
        if not provider_only:
            chosen = self.campaign_combo.chosen()
            if chosen is not None:
                campaign = destination_id(chosen)
        self._settings.remember_destination(spec.id, account=account, campaign=campaign)
        try:
            save_settings(self._settings)
        except OSError as exc:
            log.warning("Could not save settings: %s", exc)
