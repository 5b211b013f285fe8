"""The destination panel: providers, accounts, live campaign lists through the in-process sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from PySide6.QtWidgets import QCheckBox, QLineEdit

from gui.core.credentials import CredentialStore
from gui.core.demo_account import SANDBOX_LABEL
from gui.core.domain import Campaign
from gui.core.providers import get_spec
from gui.core.settings import Settings, load_settings
from gui.qt.flows.choose_destination import DestinationPanel


@pytest.fixture
def store() -> CredentialStore:
    return CredentialStore()


@pytest.fixture
def panel(qtbot, store: CredentialStore) -> Iterator[DestinationPanel]:
    widget = DestinationPanel(store, Settings())
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget._worker is None, timeout=15_000)
    yield widget
    widget.shutdown()


def _wait_listed(qtbot, panel: DestinationPanel) -> None:
    qtbot.waitUntil(lambda: panel._worker is None and panel.campaign_combo.isEnabled(), timeout=15_000)


def test_starts_on_the_sandbox_and_lists_its_campaigns(qtbot, panel: DestinationPanel) -> None:
    assert panel.spec().id == "lemlist"
    assert panel.is_sandbox()
    assert panel.account_label() == SANDBOX_LABEL
    assert panel.sandbox_note.isVisibleTo(panel)
    _wait_listed(qtbot, panel)
    campaigns = panel.campaigns()
    assert campaigns, "the sandbox seeds lemlist campaigns"
    assert all(c.kind == "campaign" for c in campaigns)
    # Nothing is chosen until the user picks; then the destination is that campaign.
    assert panel.destination() is None
    with qtbot.waitSignal(panel.sig_destination_changed) as blocker:
        panel.campaign_combo.setCurrentIndex(1)
    chosen = blocker.args[0]
    assert isinstance(chosen, Campaign) and chosen.id == campaigns[0].id
    assert chosen.name in panel.campaign_combo.currentText()
    assert chosen.status in panel.campaign_combo.currentText()


def test_instantly_lists_lead_lists_as_list_ids(qtbot, panel: DestinationPanel) -> None:
    with qtbot.waitSignal(panel.sig_provider_changed) as blocker:
        panel.set_provider("instantly")
    assert blocker.args == ["instantly"]
    _wait_listed(qtbot, panel)
    lists = [c for c in panel.campaigns() if c.kind == "list"]
    assert lists, "the sandbox seeds Instantly lead lists"
    assert panel.set_destination(f"list:{lists[0].id}")
    destination = panel.destination()
    assert destination is not None and destination.id == f"list:{lists[0].id}" and destination.kind == "list"
    texts = [panel.campaign_combo.itemText(i) for i in range(panel.campaign_combo.count())]
    assert "Lead lists" in texts and "Campaigns" in texts


def test_aktify_shows_the_account_as_its_campaign(qtbot, panel: DestinationPanel) -> None:
    panel.set_provider("aktify")
    assert not panel.refresh_button.isVisible()
    destination = panel.destination()
    assert destination is not None and destination.name == SANDBOX_LABEL
    assert destination.id == "default"  # the client's id for the key's own campaign
    assert SANDBOX_LABEL in panel.campaign_combo.currentText()


def test_options_follow_the_provider(panel: DestinationPanel) -> None:
    spec = get_spec("instantly")
    panel.set_provider("instantly")
    options = panel.options()
    assert set(options) == {o.name for o in spec.options}
    boxes = {b.accessibleName(): b for b in panel.options_box.findChildren(QCheckBox)}
    box = boxes["Verify emails on import"]
    assert box.toolTip()
    box.setChecked(True)
    assert panel.options()["verify_leads_on_import"] is True
    edits = [e for e in panel.options_box.findChildren(QLineEdit) if e.accessibleName() == "Blocklist id"]
    edits[0].setText(" bl_1 ")
    assert panel.options()["blocklist_id"] == "bl_1"


def test_sandbox_client_factory_reaches_the_sandbox(panel: DestinationPanel) -> None:
    factory = panel.client_factory()

    async def run() -> str:
        client = factory()
        try:
            return await client.check_key()
        finally:
            await client.aclose()

    assert asyncio.run(run())


def test_wrong_key_shows_a_clear_error(qtbot, store: CredentialStore, sandbox) -> None:
    # A real account talks to the provider's URL, which the `sandbox` fixture points at 127.0.0.1.
    store.add("lemlist", "Broken", "not-a-sandbox-key")
    panel = DestinationPanel(store, Settings())
    qtbot.addWidget(panel)
    assert panel.account_label() == "Broken"  # a real account comes before the sandbox
    with qtbot.waitSignal(panel.sig_campaigns_loaded, timeout=15_000) as blocker:
        panel.refresh()
    assert blocker.args == [False]
    assert "lemlist rejected the API key" in panel.status_label.text()
    assert "not-a-sandbox-key" not in panel.status_label.text()
    assert panel.destination() is None
    panel.shutdown()


def test_real_account_lists_from_the_provider_url(qtbot, store: CredentialStore, sandbox) -> None:
    store.add("lemlist", "Main", "sandbox-main")
    panel = DestinationPanel(store, Settings())
    qtbot.addWidget(panel)
    assert not panel.is_sandbox()
    with qtbot.waitSignal(panel.sig_campaigns_loaded, timeout=15_000) as blocker:
        panel.refresh()
    assert blocker.args == [True]
    assert panel.campaigns()
    panel.shutdown()


def test_choices_are_remembered_per_provider(qtbot, store: CredentialStore) -> None:
    settings = Settings()
    panel = DestinationPanel(store, settings)
    qtbot.addWidget(panel)
    _wait_listed(qtbot, panel)
    panel.campaign_combo.setCurrentIndex(1)
    chosen = panel.destination()
    assert chosen is not None
    saved = load_settings()
    assert saved.last_provider == "lemlist"
    assert saved.last_campaign["lemlist"] == chosen.id
    panel.shutdown()

    again = DestinationPanel(store, saved)
    qtbot.addWidget(again)
    _wait_listed(qtbot, again)
    assert again.destination() == chosen
    again.shutdown()


def test_key_is_read_at_call_time(store: CredentialStore, qtbot, monkeypatch) -> None:
    store.add("lemlist", "Main", "sandbox-main")
    panel = DestinationPanel(store, Settings())
    qtbot.addWidget(panel)
    panel.shutdown()
    seen: list[str] = []
    monkeypatch.setattr(
        "gui.qt.flows.choose_destination.make_client",
        lambda provider, key, transport=None: seen.append(key) or httpx,
    )
    factory = panel.client_factory()
    assert seen == []
    factory()
    assert seen == ["sandbox-main"]


def test_typed_campaign_name_picks_it_or_goes_back(qtbot, panel: DestinationPanel) -> None:
    _wait_listed(qtbot, panel)
    target = panel.campaigns()[-1]
    line = panel.campaign_combo.lineEdit()
    line.setText(panel.campaign_combo.itemText(panel.campaign_combo.count() - 1).upper())
    line.editingFinished.emit()
    destination = panel.destination()
    assert destination is not None and destination.id == target.id
    line.setText("no campaign has this name")
    line.editingFinished.emit()
    assert panel.destination() == destination
    assert panel.campaign_combo.currentText() == panel.campaign_combo.itemText(
        panel.campaign_combo.currentIndex()
    )


def test_account_added_in_the_dialog_is_selected(qtbot, store: CredentialStore, monkeypatch) -> None:
    from gui.qt.dialogs import accounts

    panel = DestinationPanel(store, Settings())
    qtbot.addWidget(panel)
    assert panel.is_sandbox()

    def fake_exec(dialog) -> int:  # the user adds a key, then closes the dialog
        dialog.label_edit.setText("Main")
        dialog.key_edit.setText("sandbox-main")
        dialog.save_new_account()
        return 0

    monkeypatch.setattr(accounts.AccountsDialog, "exec", fake_exec)
    panel.open_accounts_dialog()
    assert panel.account_label() == "Main"
    assert not panel.is_sandbox()
    panel.shutdown()


def test_every_control_has_an_accessible_name(panel: DestinationPanel) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox

    panel.set_provider("instantly")
    for kind in (QComboBox, QAbstractButton, QLineEdit):
        for widget in panel.findChildren(kind):
            assert widget.accessibleName(), (
                f"{type(widget).__name__} {widget.text() if hasattr(widget, 'text') else ''}"
            )


def test_first_run_on_the_sandbox_picks_a_running_campaign(qtbot, store: CredentialStore) -> None:
    fresh = DestinationPanel(store, Settings(), defer=True)
    qtbot.addWidget(fresh)
    try:
        with qtbot.waitSignal(fresh.sig_destination_changed, timeout=15_000, check_params_cb=bool) as blocker:
            fresh.start()
            assert fresh.is_sandbox() and not fresh.campaigns()
            fresh.pick_a_sandbox_campaign()  # asked before the campaigns are listed: waits for them
        chosen = blocker.args[0]
        assert chosen.status.lower() in ("running", "active") and not chosen.warning
        assert fresh.destination() == chosen
    finally:
        fresh.shutdown()


def test_a_real_account_is_never_given_a_campaign_by_itself(qtbot, store: CredentialStore, sandbox) -> None:
    store.add("lemlist", "Main", "sandbox-main")
    real = DestinationPanel(store, Settings())
    qtbot.addWidget(real)
    try:
        assert not real.is_sandbox()
        with qtbot.waitSignal(real.sig_campaigns_loaded, timeout=15_000) as blocker:
            real.pick_a_sandbox_campaign()
            real.refresh()
        assert blocker.args == [True] and real.campaigns()
        assert real.destination() is None
    finally:
        real.shutdown()
