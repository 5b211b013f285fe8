"""Qt layer: the box that shows the exact JSON one row of the sheet would send to a provider.

The text comes from the provider's own client (its ``payload()``), so what the user reads is
what the upload posts, not a second rendering that could drift from it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QGroupBox, QPlainTextEdit, QVBoxLayout, QWidget

from gui.core.errors import LeadLoaderError
from gui.core.providers import make_client
from gui.core.providers.base import ProviderClient, ProviderSpec

if TYPE_CHECKING:
    import httpx
    import pandas as pd

    from gui.core.mapping.columns import ColumnMapping

_EMPTY_TITLE = "What one row sends"


def _refuse(request: httpx.Request) -> httpx.Response:
    """The preview clients' transport: a preview must never send anything."""
    import httpx

    raise httpx.ConnectError("the payload preview never connects", request=request)


class PayloadPreviewBox(QGroupBox):
    """A read-only, monospaced view of one lead's request body, titled with the row it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_EMPTY_TITLE, parent)
        self._clients: dict[str, ProviderClient] = {}
        self.editor = QPlainTextEdit()
        self.editor.setReadOnly(True)
        self.editor.setAccessibleName("Payload preview")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setPlaceholderText("Open a sheet to see the data one row sends.")
        QVBoxLayout(self).addWidget(self.editor)

    def clear(self) -> None:
        """Nothing to show: no provider or no rows yet."""
        self.editor.setPlainText("")
        self.setTitle(_EMPTY_TITLE)

    def show_row(
        self,
        spec: ProviderSpec,
        frame: pd.DataFrame,
        mapping: ColumnMapping,
        row: int,
        *,
        destination_id: str,
        options: Mapping[str, bool | str],
        row_number_base: int,
    ) -> None:
        """Show what frame row ``row`` sends to ``destination_id`` (a placeholder id when empty).

        ``row_number_base`` is the number the table shows for frame row 0, so the title names
        the same line the user clicked.
        """
        if len(frame) == 0:
            self.clear()
            return
        row = min(row, len(frame) - 1)
        self.setTitle(
            f"What row {row + row_number_base:,} sends to {spec.label} "
            "(click a row in the table to see another)"
        )
        try:
            text = self._payload_text(
                spec, frame, mapping, row, destination_id or "CAMPAIGN_ID", options=options
            )
        except (LeadLoaderError, KeyError, ValueError) as exc:
            text = f"Cannot build this row's data yet: {exc}"
        self.editor.setPlainText(text)

    def _payload_text(
        self,
        spec: ProviderSpec,
        frame: pd.DataFrame,
        mapping: ColumnMapping,
        row: int,
        destination: str,
        *,
        options: Mapping[str, bool | str],
    ) -> str:
        """The JSON the provider's own client would post for one row.

        The client is built once per provider with a transport that refuses every request:
        building a real one loads the system's certificate bundle each time, which costs up to
        a second on the GUI thread, and a preview never connects anyway.
        """
        import httpx

        from gui.core.mapping.payload import build_leads

        (lead,) = build_leads(frame, mapping, spec, rows=[row])
        body_options = spec.default_options()
        body_options.update(options)
        client = self._clients.get(spec.id)
        if client is None:
            client = make_client(spec.id, "preview", transport=httpx.MockTransport(_refuse))
            self._clients[spec.id] = client
        body = client.payload([lead], destination, body_options)
        return json.dumps(body, indent=2, ensure_ascii=False, default=str)

    def shutdown(self) -> None:
        """Close the preview clients (window closing)."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            asyncio.run(client.aclose())
