"""Pure Python: Instantly API v2, up to 1000 leads per request to a campaign or a lead list.

Sources: ``shared/seeds/instantly-add-leads-bulk.md`` (authoritative) and ``shared/providers.md`` §2.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from gui.core.campaign_text import CampaignText, TagVocabulary
from gui.core.cancel import CancelToken, ProgressCallback
from gui.core.domain import BatchResult, Campaign, Lead, LeadField
from gui.core.errors import ForbiddenError, NotFoundError, TransientError
from gui.core.providers import http, instantly_update
from gui.core.providers.attribution import count_of, whole_request_rejected
from gui.core.providers.base import (
    Existing,
    FieldUpdate,
    LeadChange,
    Options,
    ProviderOption,
    ProviderSpec,
    RatePolicy,
    RateWindow,
    ReadBack,
    Removal,
)
from gui.core.providers.client import HttpClient
from gui.core.providers.fields import concept_fields
from gui.core.providers.instantly_answers import (
    attribute,
    campaign_steps,
    delete_body,
    status_words,
    target_of,
)
from gui.core.providers.shaping import custom_names, option_on, option_text, typed_value

if TYPE_CHECKING:
    from gui.core.paced_calls import PacedCaller

_log = logging.getLogger(__name__)


_FIELDS = (
    *concept_fields(email="email", first_name="first_name", last_name="last_name", required=("email",)),
    *concept_fields(company="company_name", job_title="job_title", phone="phone", website="website"),
    LeadField("personalization", "Personalization", concept="icebreaker"),
    LeadField("pl_value_lead", "Lead value", concept="lead_value"),
)

#: Instantly's merge tags. Lead data: ``{{firstName}}``, ``{{companyName}}``, ``{{personalization}}``,
#: ``{{website}}``, ``{{phone}}`` [T: providers-next.md §1]; the OpenAPI's own examples also write
#: the snake_case names (``{{first_name}}``, ``{{company_name}}`` in shared/specs/instantly_api_v2.json)
#: [D], so both spellings read the field. Instantly's own: ``{{sendingAccountFirstName}}``,
#: ``{{accountSignature}}`` and the rest of the sending-account family [T: providers-next.md §1];
#: spintax ``{{RANDOM | a | b}}`` is a choice of words, not a variable [T: same].
TAGS = TagVocabulary(
    fields={
        "email": "email",
        "firstName": "first_name",
        "first_name": "first_name",
        "lastName": "last_name",
        "last_name": "last_name",
        "companyName": "company_name",
        "company_name": "company_name",
        "jobTitle": "job_title",
        "job_title": "job_title",
        "phone": "phone",
        "website": "website",
        "personalization": "personalization",
    },
    own=frozenset({"accountSignature", "signature", "unsubscribe", "unsubscribeLink"}),
    own_prefixes=("sendingAccount",),
    spintax="RANDOM",
    source="providers-next.md §1 (Instantly's variables [T]); the examples of instantly_api_v2.json",
)

SPEC = ProviderSpec(
    id="instantly",
    label="Instantly",
    fields=_FIELDS,
    # With a campaign every lead needs an email; a lead list takes email or a name (the client
    # and validation apply the list rule when the destination is a list).
    required_groups=(("email",),),
    dedupe_field="email",
    batch_size=1000,
    # Documented: 100 requests/s and 6000/min per workspace. A bulk request is heavy, so a few
    # in flight is plenty; the windows keep shared-workspace use polite.
    rate=RatePolicy(windows=(RateWindow(100, 1.0), RateWindow(6000, 60.0)), max_in_flight=2),
    custom_shape="custom_variables",
    options=(
        ProviderOption(
            "skip_if_in_workspace",
            "Skip leads already anywhere in the workspace",
            help="Overrides the other two skip options.",
        ),
        ProviderOption("skip_if_in_campaign", "Skip leads already in any campaign"),
        ProviderOption("skip_if_in_list", "Skip leads already in any list"),
        ProviderOption(
            "verify_leads_on_import",
            "Verify emails on import",
            help="Instantly starts a background job that verifies the imported emails.",
        ),
        ProviderOption(
            "blocklist_id", "Blocklist id", kind="text", default="", help="Empty: workspace default."
        ),
        ProviderOption(
            "assigned_to", "Assign to user id", kind="text", default="", help="Empty: campaign owner."
        ),
        ProviderOption(
            "typed_custom_variables",
            "Send numbers and true/false as typed values",
            help="Off: every custom variable is sent as text, which Instantly always accepts. On: "
            "12 and true become a number and a boolean (ZIPs with a leading 0 and phones stay text).",
        ),
    ),
    has_lists=True,
    has_read_back=True,
    has_campaign_text=True,
    merge_tags=TAGS,
    # DELETE /api/v2/leads takes up to 10,000 ids; 1000 keeps a request's fate small (issue 17).
    remove_batch_size=1000,
    # PATCH /api/v2/leads/{id}, custom variables in the same body (providers-next.md §4).
    update_fields=instantly_update.PATCH_FIELDS,
    updates_custom=True,
    dnc_push_batch=1000,
    dnc_push_kinds=("email", "domain"),
    default_url="https://api.instantly.ai",
    key_help="Instantly: Settings > Integrations > API Keys (scopes leads:create and campaigns:read).",
)

_PAGE = 100
#: A cursor loop stops here even if the server keeps handing out cursors (100k items).
_MAX_PAGES = 1000
_BOOL_OPTIONS = ("skip_if_in_workspace", "skip_if_in_campaign", "skip_if_in_list", "verify_leads_on_import")
_TEXT_OPTIONS = ("blocklist_id", "assigned_to")
#: Instantly adds custom variables to the lead's payload next to its own variables, which
#: templates name in camelCase: a custom column must take none of these names.
_RESERVED = (
    *(f.name for f in SPEC.fields),
    "lt_interest_status",
    "assigned_to",
    "custom_variables",
    "firstName",
    "lastName",
    "companyName",
    "jobTitle",
)
_DNC_PATH = "/api/v2/block-lists-entries"
#: Block-list pages to follow at most (2,000,000 entries).
_MAX_DNC_PAGES = 20_000
#: What Instantly's block list takes: an email, or a bare domain (``acme.com``).
_EMAIL_OR_DOMAIN = re.compile(r"[^@\s/]+@[^@\s/]+\.[^@\s/]+|(?:[a-z0-9-]+\.)+[a-z]{2,}", re.IGNORECASE)


class InstantlyClient(HttpClient):
    """Instantly API v2 client (``Authorization: Bearer KEY``)."""

    spec = SPEC
    key_header = "Authorization"
    key_scheme = "Bearer"

    async def check_key(self) -> str:
        """The workspace name; a key without ``workspaces:read`` is checked on the campaign list.

        A key made with only ``leads:create`` and ``campaigns:read`` gets 403 on the workspace
        (providers.md §2.6): it is still good for uploads, so fall back rather than reject it.
        """
        try:
            data = await self._read("GET", "/api/v2/workspaces/current")
        except (ForbiddenError, NotFoundError):
            await self._read("GET", "/api/v2/campaigns", params={"limit": 1})
            return "Instantly workspace"
        name = data.get("name") if isinstance(data, dict) else None
        return str(name) if name else "Instantly workspace"

    async def _pages(
        self,
        path: str,
        on_page: Callable[[list[dict[str, Any]]], None] | None = None,
        max_pages: int = _MAX_PAGES,
        paced: PacedCaller | None = None,
    ) -> list[dict[str, Any]]:
        """Follow ``next_starting_after`` to the end; a page may carry a cursor and still be the last.

        ``on_page`` sees the items so far after each page (a pull's progress and cancel).
        """
        items: list[dict[str, Any]] = []
        ids: set[str] = set()
        cursor = ""
        seen: set[str] = set()
        for _ in range(max_pages):
            params: dict[str, str | int] = {"limit": _PAGE}
            if cursor:
                params["starting_after"] = cursor
            data = await self._read("GET", path, params=params, paced=paced)
            page = data.get("items") if isinstance(data, dict) else data
            if not isinstance(page, list) or not page:
                break
            for item in page:
                if isinstance(item, dict) and str(item.get("id")) not in ids:
                    ids.add(str(item.get("id")))
                    items.append(item)
            if on_page is not None:
                on_page(items)
            following = data.get("next_starting_after") if isinstance(data, dict) else None
            if not following or str(following) in seen:
                break
            cursor = str(following)
            seen.add(cursor)
        return items

    async def list_campaigns(self) -> list[Campaign]:
        """Every campaign (statuses in words), then every lead list.

        A key whose scopes do not cover lead lists (403) still lists its campaigns.
        """
        campaigns = [
            Campaign(
                id=str(item.get("id", "")),
                name=str(item.get("name", "")),
                status=status_words(item.get("status")),
            )
            for item in await self._pages("/api/v2/campaigns")
        ]
        try:
            lists = await self._pages("/api/v2/lead-lists")
        except ForbiddenError:
            _log.info("instantly: this key may not read lead lists; listing campaigns only")
            lists = []
        campaigns.extend(
            Campaign(id=str(item.get("id", "")), name=str(item.get("name", "")), kind="list")
            for item in lists
        )
        return campaigns

    def payload(self, batch: Sequence[Lead], destination: str, options: Options) -> dict[str, object]:
        """``{campaign_id|list_id, leads, options...}``: custom columns go in ``custom_variables``.

        The lead item schema has ``additionalProperties: false``, so nothing custom may sit at
        the top level. Values stay text unless ``typed_custom_variables`` is on.
        """
        target = target_of(destination, strict=False)
        typed = option_on(options, "typed_custom_variables")
        leads: list[dict[str, object]] = []
        for lead in batch:
            item: dict[str, object] = dict(lead.fields)
            if lead.custom:
                names = custom_names(lead.custom, _RESERVED)
                item["custom_variables"] = {
                    names[k]: (typed_value(v) if typed else str(v)) for k, v in lead.custom.items()
                }
            leads.append(item)
        body: dict[str, object] = {target.key: target.id, "leads": leads}
        for name in _BOOL_OPTIONS:
            if option_on(options, name):
                body[name] = True
        for name in _TEXT_OPTIONS:
            value = option_text(options, name)
            if value:
                body[name] = value
        return body

    async def send(
        self, batch: Sequence[Lead], destination: str, options: Options, *, replay: bool = False
    ) -> BatchResult:
        """POST up to 1000 leads; rows are attributed by :func:`attribute`.

        A replay adds ``skip_if_in_campaign`` (or ``skip_if_in_list``) so leads the lost first
        attempt created are skipped instead of added twice.
        """
        target = target_of(destination)
        body = self.payload(batch, destination, options)
        if replay:
            body["skip_if_in_list" if target.is_list else "skip_if_in_campaign"] = True
        response = await self._request(
            "POST", "/api/v2/leads/add", json=body, timeout=http.BULK_WRITE_TIMEOUT
        )
        if response.status_code == 404:
            reason = http.body_text(response) or "Resource not found"
            raise NotFoundError(SPEC.id, f"Instantly: {reason} ({target.noun} {target.id}).", 404)
        http.raise_for_run(SPEC.id, SPEC.label, response)
        if response.status_code >= 400:
            outcomes = whole_request_rejected(batch, SPEC.label, http.body_text(response))
            return BatchResult(outcomes)
        data = http.json_of(SPEC.id, SPEC.label, response)
        if not isinstance(data, dict):
            raise TransientError(SPEC.id, "Instantly answered without a summary of the import.")
        return BatchResult(attribute(batch, data, target, replay=replay))

    async def read_back(self, destination: str, provider_ids: Sequence[str]) -> ReadBack | None:
        """Look the created lead ids up with ``POST /api/v2/leads/list`` (filter ``ids``).

        The filter is asked for 100 ids at a time; a server that ignores it (it returns other
        leads) is read once to the end instead. A failed read raises (the engine reports "could
        not verify") rather than claiming 0 found.
        """
        wanted = list(dict.fromkeys(i for i in provider_ids if i))
        if not wanted:
            return None
        target = target_of(destination)
        scope: dict[str, object] = {"campaign": target.id} if not target.is_list else {"list_id": target.id}
        found: set[str] = set()
        wanted_set = set(wanted)
        for start in range(0, len(wanted), _PAGE):
            chunk = wanted[start : start + _PAGE]
            listed, filtered = await self._listed({**scope, "ids": chunk}, set(chunk))
            found |= listed & wanted_set
            if not filtered:
                everything, _ = await self._listed(scope, wanted_set)
                found |= everything & wanted_set
                break
        return ReadBack(
            len(wanted), len(found), f"verified {len(found)} of {len(wanted)} in the {target.noun}"
        )

    async def campaign_text(self, campaign_id: str) -> CampaignText | None:
        """``GET /api/v2/campaigns/{id}``: ``sequences[0].steps[].variants[]``, disabled variants left out.

        Instantly uses only the first sequence (its schema says so). Variants are lettered in
        the order Instantly stores them, disabled ones included, so "variant B" is the B the
        user sees in the app.
        """
        data = await self._get(f"/api/v2/campaigns/{campaign_id}")
        return CampaignText(
            SPEC.id, campaign_id, campaign_steps(data, partial(self._unknown_shape, campaign_id))
        )

    async def pull_do_not_contact(
        self, progress: ProgressCallback | None, cancel: CancelToken | None
    ) -> tuple[str, ...] | None:
        """``GET /api/v2/block-lists-entries`` by cursor pages of 100: each entry's ``bl_value``."""

        def on_page(items: list[dict[str, Any]]) -> None:
            self._pulled(progress, cancel, len(items))

        items = await self._pages(_DNC_PATH, on_page, _MAX_DNC_PAGES, paced=self._list_pace(cancel))
        return tuple(
            str(i["bl_value"]) for i in items if isinstance(i.get("bl_value"), str) and i["bl_value"]
        )

    async def push_do_not_contact(self, values: Sequence[str]) -> int:
        """``POST .../bulk-create`` ``{"bl_values": [...]}``, 1000 per request, emails and domains only.

        Instantly's list holds emails and domains; phones and LinkedIn URLs are not sent (and
        not counted): the app's own list still guards them.
        """
        wanted = [v for v in values if _EMAIL_OR_DOMAIN.fullmatch(v.strip())]
        return await self._push_values(f"{_DNC_PATH}/bulk-create", "bl_values", wanted)

    def _accepted(self, data: Any, sent: int) -> int:
        """``valid_count`` of the bulk-create answer; all sent when it has none."""
        count = data.get("valid_count") if isinstance(data, dict) else None
        return int(count) if isinstance(count, int | float) and not isinstance(count, bool) else sent

    async def remove(self, destination: str, provider_ids: Sequence[str]) -> tuple[Removal, ...]:
        """``DELETE /api/v2/leads`` with the destination and ``ids``, 1000 at a time.

        Instantly answers only a ``count``. Ids it did not count were no longer there (the
        ``ids`` filter deletes only what exists), so every id is gone either way; when the count
        falls short the reason says so. No ids: nothing is sent (see :func:`delete_body`).
        """
        ids = list(dict.fromkeys(i for i in provider_ids if i))
        if not ids:
            return ()
        target = target_of(destination)
        removals: list[Removal] = []
        for start in range(0, len(ids), SPEC.remove_batch_size):
            chunk = ids[start : start + SPEC.remove_batch_size]
            response = await self._request(
                "DELETE", "/api/v2/leads", json=delete_body(target, chunk), timeout=http.BULK_WRITE_TIMEOUT
            )
            answered = self._removals(response, chunk)
            if answered is not None:
                removals.extend(answered)
                continue
            data = http.json_or_none(response)
            count = count_of(data, "count") if isinstance(data, dict) else 0
            reason = f"deleted from the {target.noun}"
            if count < len(chunk):
                reason = (
                    f"not in the {target.noun} any more: Instantly deleted {count} of {len(chunk)} "
                    "without naming them, the others were already gone"
                )
            removals.extend(Removal(i, "removed", reason) for i in chunk)
        return tuple(removals)

    async def find_existing(self, destination: str, lead: Lead) -> Existing | None:
        """``POST /api/v2/leads/list`` with the destination and the email (see :mod:`instantly_update`)."""
        target = target_of(destination)
        return await instantly_update.find_existing(self, (target.key, target.id), lead)

    async def update_lead(self, destination: str, change: LeadChange) -> FieldUpdate:
        """One ``PATCH /api/v2/leads/{id}``; custom names as the upload sent them."""
        names = custom_names([*change.had_custom, *change.custom], _RESERVED)
        return await instantly_update.update_lead(
            self,
            LeadChange(
                change.provider_id,
                change.fields,
                {names[k]: v for k, v in change.custom.items()},
                {names[k]: v for k, v in change.had_custom.items()},
            ),
        )

    async def _listed(self, body: Mapping[str, object], wanted: set[str]) -> tuple[set[str], bool]:
        """Lead ids listed for a filter, and whether the server applied the ``ids`` filter."""
        ids: set[str] = set()
        filtered = True
        cursor = ""
        for _ in range(_MAX_PAGES):
            request = {**body, "limit": _PAGE, **({"starting_after": cursor} if cursor else {})}
            data = await self._read("POST", "/api/v2/leads/list", body=request)
            page = data.get("items") if isinstance(data, dict) else None
            if not isinstance(page, list) or not page:
                break
            page_ids = {str(item.get("id")) for item in page if isinstance(item, dict)}
            ids |= page_ids
            if "ids" in body and not page_ids <= wanted:
                filtered = False
                break
            following = data.get("next_starting_after")
            if not following or str(following) == cursor or wanted <= ids:
                break
            cursor = str(following)
        return ids, filtered


#: The registry looks for ``Client`` in every provider module.
Client = InstantlyClient
