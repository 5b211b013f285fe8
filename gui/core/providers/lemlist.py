"""Pure Python: lemlist, one lead per request, 20 requests per rolling 2 s per key.

Sources: ``shared/seeds/lemlist-create-lead.md`` and ``lemlist-get-campaign-leads.md``
(authoritative), ``shared/providers.md`` §1 (duplicates and pagination, partly third-party).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import httpx

from gui.core.domain import BatchResult, Campaign, FieldKind, Lead, LeadField, RowOutcome, Status
from gui.core.errors import NotFoundError, ProviderError
from gui.core.providers import http
from gui.core.providers.base import ProviderOption, ProviderSpec, RatePolicy, RateWindow, ReadBack

SPEC = ProviderSpec(
    id="lemlist",
    label="lemlist",
    fields=(
        LeadField("email", "Email", FieldKind.EMAIL, concept="email"),
        LeadField("firstName", "First name", concept="first_name"),
        LeadField("lastName", "Last name", concept="last_name"),
        LeadField("companyName", "Company", concept="company"),
        LeadField("jobTitle", "Job title", concept="job_title"),
        LeadField("linkedinUrl", "LinkedIn URL", FieldKind.LINKEDIN, concept="linkedin"),
        LeadField("phone", "Phone", FieldKind.PHONE, concept="phone"),
        LeadField("companyDomain", "Company domain", concept="company_domain"),
        LeadField("icebreaker", "Icebreaker", concept="icebreaker"),
        LeadField("picture", "Picture URL", FieldKind.URL, concept="picture"),
        LeadField("timezone", "Timezone (IANA)", FieldKind.TIMEZONE, concept="timezone"),
        LeadField("contactOwner", "Contact owner", concept="contact_owner"),
    ),
    required_groups=(("email", "linkedinUrl"),),
    dedupe_field="email",
    batch_size=1,
    # Documented: 20 requests per 2 s per key. Steady pacing with a few in flight reaches the
    # ceiling without 429s (DESIGN §6); a burst of 20 does not.
    rate=RatePolicy(windows=(RateWindow(20, 2.0),), max_in_flight=4),
    custom_shape="flat",
    options=(
        ProviderOption(
            "deduplicate",
            "Skip leads already in another campaign",
            help="lemlist searches the email in your other campaigns and does not add it again.",
        ),
        ProviderOption("linkedinEnrichment", "LinkedIn enrichment", help="Let lemlist enrich from LinkedIn."),
        ProviderOption(
            "findEmail", "Find email", help="Let lemlist look for a verified email (uses credits)."
        ),
        ProviderOption(
            "verifyEmail", "Verify email", help="Let lemlist verify existing emails (uses credits)."
        ),
        ProviderOption("findPhone", "Find phone", help="Let lemlist look for a phone number (uses credits)."),
    ),
    has_read_back=True,
    url_env="LEADLOADER_LEMLIST_URL",
    default_url="https://api.lemlist.com/api",
    key_help="lemlist: Settings > Integrations > API keys.",
)

_DUPLICATE = re.compile(r"already (in|exist)", re.IGNORECASE)
_PAGE = 100
_READ_LIMIT = 500


class LemlistClient:
    """lemlist API client (Basic auth: empty login, the key as password)."""

    spec = SPEC

    def __init__(self, api_key: str, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._http = http.make_client(SPEC.base_url(), auth=("", api_key), transport=transport)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    async def _get(self, path: str, params: Mapping[str, str | int] | None = None) -> httpx.Response:
        response = await http.request(self._http, SPEC.id, "GET", path, params=params)
        http.raise_for_read(SPEC.id, SPEC.label, response)
        return response

    async def check_key(self) -> str:
        """``GET /team`` is cheap and needs no scope beyond the key itself."""
        data = (await self._get("/team")).json()
        return str(data.get("name") or "lemlist team") if isinstance(data, dict) else "lemlist team"

    async def list_campaigns(self) -> list[Campaign]:
        """Offset pages of 100 until an empty or short page; accepts the array and v2 object shapes."""
        campaigns: list[Campaign] = []
        offset = 0
        while True:
            data = (await self._get("/campaigns", {"offset": offset, "limit": _PAGE})).json()
            items = data.get("campaigns", []) if isinstance(data, dict) else data
            if not isinstance(items, list) or not items:
                break
            for item in items:
                errors = item.get("errors") or []
                campaigns.append(
                    Campaign(
                        id=str(item.get("_id", "")),
                        name=str(item.get("name", "")),
                        status=str(item.get("status", "")),
                        warning=str(errors[0]) if errors and item.get("hasError", True) else "",
                    )
                )
            if len(items) < _PAGE:
                break
            offset += _PAGE
        return campaigns

    def payload(
        self, batch: Sequence[Lead], destination: str, options: Mapping[str, bool | str]
    ) -> dict[str, object]:
        """The lead's fields with custom variables as flat string keys (lemlist has no nesting)."""
        (lead,) = batch
        body: dict[str, object] = {k: str(v) for k, v in lead.custom.items()}
        body.update(lead.fields)
        return body

    async def send(
        self,
        batch: Sequence[Lead],
        destination: str,
        options: Mapping[str, bool | str],
        *,
        replay: bool = False,
    ) -> BatchResult:
        """POST one lead; a duplicate text (400, or 500 with ``deduplicate``) is an outcome, never retried."""
        (lead,) = batch
        params = {name: "true" for name, value in options.items() if value is True}
        response = await http.request(
            self._http,
            SPEC.id,
            "POST",
            f"/campaigns/{destination}/leads/",
            params=params,
            json=self.payload(batch, destination, options),
        )
        wait, left = http.retry_after(response), http.remaining(response)
        reason = http.body_text(response)
        if response.status_code in (400, 500) and _DUPLICATE.search(reason):
            status = Status.UPLOADED if replay and "other campaign" not in reason else Status.DUPLICATE
            note = (
                f"{reason} (our earlier attempt had reached lemlist)" if status is Status.UPLOADED else reason
            )
            return BatchResult((RowOutcome(lead.row, status, note),), wait, left)
        if response.status_code == 404:
            raise NotFoundError(SPEC.id, f"lemlist: {reason or 'Campaign not found'} ({destination}).", 404)
        http.raise_for_run(SPEC.id, SPEC.label, response)
        if response.status_code >= 400:
            return BatchResult((RowOutcome(lead.row, Status.INVALID, reason or "Bad request"),), wait, left)
        data = response.json() if response.content else {}
        lead_id = str(data.get("_id", "")) if isinstance(data, dict) else ""
        return BatchResult((RowOutcome(lead.row, Status.UPLOADED, provider_id=lead_id),), wait, left)

    async def lead_states(self, destination: str) -> dict[str, int]:
        """Counts by state of the campaign's newest leads (up to 500): a glance for the picker."""
        items = (await self._get(f"/campaigns/{destination}/leads/", {"limit": _READ_LIMIT})).json()
        counts: dict[str, int] = {}
        for item in items if isinstance(items, list) else []:
            state = str(item.get("state", "unknown"))
            counts[state] = counts.get(state, 0) + 1
        return counts

    async def read_back(self, destination: str, provider_ids: Sequence[str]) -> ReadBack | None:
        """Look for the newest uploaded ids among the campaign's newest 500 leads (newest first)."""
        wanted = [i for i in provider_ids if i][-_READ_LIMIT:]
        if not wanted:
            return None
        try:
            items = (await self._get(f"/campaigns/{destination}/leads/", {"limit": _READ_LIMIT})).json()
        except ProviderError as exc:
            return ReadBack(len(wanted), 0, f"could not verify: {exc}")
        listed = {str(i.get("_id")) for i in items} if isinstance(items, list) else set()
        found = sum(1 for i in wanted if i in listed)
        scope = "newest" if len(wanted) < len(provider_ids) else "uploaded"
        return ReadBack(len(wanted), found, f"verified {found} of {len(wanted)} {scope} in the campaign")


#: The registry looks for ``Client`` in every provider module.
Client = LemlistClient
