"""Pure Python: Aktify, one lead per request to the campaign the key belongs to.

Sources: ``shared/seeds/aktify-create-lead.md`` (authoritative) and ``shared/providers.md`` §4.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.core.domain import BatchResult, Campaign, FieldKind, Lead, LeadField, RowOutcome, Status
from gui.core.errors import NotFoundError, ProviderError
from gui.core.providers import http
from gui.core.providers.base import Options, ProviderSpec, RatePolicy, RateWindow, ReadBack
from gui.core.providers.client import HttpClient
from gui.core.providers.fields import concept_fields

if TYPE_CHECKING:
    pass

SPEC = ProviderSpec(
    id="aktify",
    label="Aktify",
    fields=(
        *concept_fields(phone="phoneNumber", required=("phone",)),
        LeadField("region", "US state", FieldKind.US_STATE, concept="us_state"),
        LeadField("zipCode", "ZIP code", FieldKind.ZIP, concept="zip"),
        *concept_fields(email="email", first_name="firstName", last_name="lastName"),
        LeadField("externalLeadId", "External lead id", concept="external_id"),
        LeadField("externalCreated", "Created at (ISO 8601)", FieldKind.DATETIME, concept="created_at"),
        LeadField("source", "Lead source", concept="source"),
        LeadField("link", "Link", FieldKind.URL, concept="link"),
        LeadField("linkToShorten", "Link to shorten", FieldKind.URL, concept="link_to_shorten"),
    ),
    required_groups=(("phoneNumber",), ("region", "zipCode")),
    dedupe_field="phoneNumber",
    batch_size=1,
    # Undocumented limit: start at a polite 5/s with two in flight and adapt to 429s.
    rate=RatePolicy(windows=(RateWindow(5, 1.0),), max_in_flight=2, documented=False),
    custom_shape="metadata",
    has_campaign_list=False,
    default_url="https://api.aktify.io",
    key_help="Aktify: each campaign has its own API key; name the account after the campaign.",
)

_log = logging.getLogger(__name__)

#: Aktify has no campaign list: the key belongs to one campaign, offered as this one destination.
KEY_CAMPAIGN = Campaign(id="default", name="Campaign of this key")
REPLAY_REASON = "created by an earlier attempt (Aktify answered 409 on replay)"
_PATH = "/api/v1/leads"


class AktifyClient(HttpClient):
    """Aktify API client (``x-api-key`` header); the key is its campaign, so destinations are ignored."""

    spec = SPEC
    key_header = "x-api-key"

    async def check_key(self) -> str:
        """POST an empty lead: 400 means the key passed and only the body failed. UNVERIFIED.

        Aktify publishes no side-effect-free endpoint. Its API is NestJS-generated, where guards
        (the key check) run before validation, so a good key should get 400 for ``{}`` and a bad
        one 401, with nothing created (providers.md §4.1, tagged [I]: inferred, not tried against
        the real API). A 2xx would mean Aktify accepted an empty lead; we report the key as good
        and log it, since nothing better can be said.
        """
        response = await self._request("POST", _PATH, json={})
        http.raise_for_run(SPEC.id, SPEC.label, response)
        if response.status_code < 300:
            _log.warning("aktify: the key check's empty lead was accepted (%d)", response.status_code)
        if response.status_code in (400, 422) or response.status_code < 300:
            return "Aktify campaign of this key"
        if response.status_code == 404:
            raise NotFoundError(SPEC.id, f"Aktify: no lead endpoint at {SPEC.base_url()}{_PATH} (404).", 404)
        raise ProviderError(
            SPEC.id,
            f"Aktify answered {response.status_code} to the key check: {http.body_text(response)}",
            response.status_code,
        )

    async def list_campaigns(self) -> list[Campaign]:
        """The key's own campaign, the only destination Aktify has (no list endpoint exists)."""
        return [KEY_CAMPAIGN]

    def payload(self, batch: Sequence[Lead], destination: str, options: Options) -> dict[str, object]:
        """The lead's fields, custom columns as ``metadata`` (an object of strings)."""
        (lead,) = batch
        body: dict[str, object] = dict(lead.fields)
        if lead.custom:
            body["metadata"] = {name: str(value) for name, value in lead.custom.items()}
        return body

    async def send(
        self, batch: Sequence[Lead], destination: str, options: Options, *, replay: bool = False
    ) -> BatchResult:
        """POST one lead: 201 uploaded, 409 duplicate (uploaded on a replay), 400 invalid."""
        (lead,) = batch
        response = await self._request("POST", _PATH, json=self.payload(batch, destination, options))
        wait = http.retry_after(response)
        status = response.status_code
        if status == 409:
            reason = http.body_text(response) or "phone number already submitted to this campaign"
            if replay:
                return BatchResult((RowOutcome(lead.row, Status.UPLOADED, REPLAY_REASON),), wait)
            return BatchResult((RowOutcome(lead.row, Status.DUPLICATE, f"Aktify: {reason}"),), wait)
        if status == 404:
            raise NotFoundError(SPEC.id, f"Aktify: no lead endpoint at {SPEC.base_url()}{_PATH} (404).", 404)
        http.raise_for_run(SPEC.id, SPEC.label, response)
        if status >= 400:
            reason = http.body_text(response) or f"rejected ({status}) without a reason"
            return BatchResult((RowOutcome(lead.row, Status.INVALID, f"Aktify: {reason}"),), wait)
        data = http.json_or_none(response)
        lead_id = next(
            (str(data[k]) for k in ("id", "_id", "leadId") if isinstance(data, dict) and data.get(k)), ""
        )
        return BatchResult((RowOutcome(lead.row, Status.UPLOADED, provider_id=lead_id),), wait)

    async def read_back(self, destination: str, provider_ids: Sequence[str]) -> ReadBack | None:
        """None: Aktify's API has no way to read leads back (only create-lead and DNC endpoints)."""
        return None


#: The registry looks for ``Client`` in every provider module.
Client = AktifyClient
