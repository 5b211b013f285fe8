"""Instantly's block list: the entries a workspace never sends to (providers-next.md §2).

``GET /api/v2/block-lists-entries`` pages the entries by id; ``POST .../bulk-create`` takes 1..1000
emails or bare domains and answers how many were valid. A lead whose email or domain is listed is
counted ``in_blocklist`` by the add-leads answer (:mod:`gui.sandbox.instantly`).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gui.sandbox import seed
from gui.sandbox.common import Provider, read_body
from gui.sandbox.instantly_bodies import EMAIL, MAX_BLOCK_VALUES, bad_request, is_domain
from gui.sandbox.instantly_pages import limit_of, listing, page
from gui.sandbox.ledger import DncEntry


class InstantlyBlockList(Provider):
    """The block-list routes of the Instantly emulator, and the seeding of its first entries."""

    def _entry(self, entry: DncEntry) -> dict[str, Any]:
        return {
            "id": entry.id,
            "timestamp_created": seed.iso(datetime.fromtimestamp(entry.created_at, UTC)),
            "organization_id": seed.INSTANTLY_WORKSPACE_ID,
            "bl_value": entry.value,
            "is_domain": "@" not in entry.value,
        }

    async def list_block_entries(self, request: Request, key: str) -> Response:
        """``GET /api/v2/block-lists-entries``: cursor ``starting_after`` (the last id), ``domains_only``."""
        query = request.query_params
        if query.get("domains_only", "").lower() != "true" and not query.get("search"):
            limit = limit_of(request)
            if isinstance(limit, Response):
                return limit
            entries = self.ctx.ledger.dnc_page(self.name, limit, after_id=query.get("starting_after", ""))
            return page([self._entry(e) for e in entries], "id")
        listed = [self._entry(e) for e in self.ctx.ledger.dnc(self.name)]
        if request.query_params.get("domains_only", "").lower() == "true":
            listed = [e for e in listed if e["is_domain"]]
        search = request.query_params.get("search")
        if search:
            listed = [e for e in listed if search.lower() in e["bl_value"]]
        return listing(request, listed, "id")

    async def add_block_entries(self, request: Request, key: str) -> Response:
        """``POST /api/v2/block-lists-entries/bulk-create`` ``{"bl_values": [...]}``: 1..1000 values."""
        body = await read_body(request, lambda _err: bad_request("Body is not valid JSON"))
        if isinstance(body, Response):
            return body
        values = body.get("bl_values") if isinstance(body, dict) else None
        if not isinstance(values, list):
            return bad_request("body must have required property 'bl_values'")
        if not 1 <= len(values) <= MAX_BLOCK_VALUES:
            return bad_request(
                "body/bl_values must NOT have fewer than 1 items"
                if not values
                else f"body/bl_values must NOT have more than {MAX_BLOCK_VALUES} items"
            )
        if not all(isinstance(v, str) for v in values):
            return bad_request("body/bl_values/0 must be string")
        return await self.write(lambda: self._bulk_block(values))

    def _bulk_block(self, values: list[str]) -> Response:
        valid = [v.strip().lower() for v in values if EMAIL.match(v.strip()) or is_domain(v.strip())]
        created = self._block(valid, time.time())
        return JSONResponse(
            {
                "items": [self._entry(e) for e in created],
                "valid_count": len(valid),
                "invalid_count": len(values) - len(valid),
            }
        )

    def _block(self, values: list[str], when: float) -> list[DncEntry]:
        """Add values to the block list with ids that sort in creation order (the listing's cursor)."""
        created = []
        ledger = self.ctx.ledger
        for value in values:
            entry = DncEntry(seed.instantly_block_entry_id(ledger.dnc_count(self.name)), value, "api", when)
            if ledger.dnc_add(self.name, entry):
                created.append(entry)
        return created
