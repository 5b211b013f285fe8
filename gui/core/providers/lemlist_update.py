"""Pure Python: changing a lead already in a lemlist campaign (providers-next.md §4).

lemlist splits an update in two routes [D]: ``PATCH /campaigns/{campaignId}/leads/{leadId}``
takes only ``firstName, lastName, companyName, jobTitle`` (and ``preferredContactMethod``,
which the sheet does not map), and custom variables change through
``/leads/{leadId}/variables`` with the values in the query string: ``PATCH`` for a variable the
lead has, ``POST`` to add one it lacks. Its other standard fields (phone, LinkedIn URL,
picture...) have no update route: they are reported as refused, named, and the rest goes.
The lead's id, when the journal does not have it, comes from ``GET /leads/{email}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from gui.core.domain import Lead
from gui.core.errors import NotFoundError
from gui.core.providers import http
from gui.core.providers.base import Existing, FieldUpdate, LeadChange
from gui.core.providers.shaping import custom_names

if TYPE_CHECKING:
    import httpx

    from gui.core.providers.client import HttpClient

#: What ``PATCH /campaigns/{campaignId}/leads/{leadId}`` accepts of the fields we map [D].
CAMPAIGN_LEAD_FIELDS = ("firstName", "lastName", "companyName", "jobTitle")
#: Keys of ``GET /leads/{email}``'s ``variables`` that are lemlist's bookkeeping, not lead data.
_NOT_DATA = frozenset({"_id", "campaignId", "contactId", "email"})


def cannot_change(label: str, name: str) -> str:
    """Why a standard field is left as it is: lemlist's API has no route that changes it."""
    return f"{label}'s API cannot change {name} on a lead that is already there"


async def find_existing(
    client: HttpClient, standard: frozenset[str], destination: str, lead: Lead
) -> Existing | None:
    """``GET /leads/{email}?campaignId=…``: the lead in this campaign, None when lemlist has none.

    lemlist answers every campaign the email is in; the one for ``destination`` is picked here
    too, in case the filter is ignored. A LinkedIn-only lead has no email to look up: None.
    """
    email = lead.fields.get("email", "").strip()
    if not email:
        return None
    try:
        data = await client._read(
            "GET", f"/leads/{quote(email, safe='@')}", params={"campaignId": destination}
        )
    except NotFoundError:
        return None
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    for item in items:
        if not isinstance(item, dict) or _campaign_of(item) not in ("", destination):
            continue
        variables = item.get("variables") if isinstance(item.get("variables"), dict) else {}
        assert isinstance(variables, dict)
        values = {str(k): str(v) for k, v in variables.items() if isinstance(v, str | int | float)}
        return Existing(
            provider_id=str(item.get("_id") or ""),
            fields={k: v for k, v in values.items() if k in standard},
            custom={k: v for k, v in values.items() if k not in standard and k not in _NOT_DATA},
        )
    return None


def _campaign_of(item: Mapping[str, Any]) -> str:
    campaign = item.get("campaign")
    return str(campaign.get("id") or "") if isinstance(campaign, dict) else ""


async def update_lead(client: HttpClient, destination: str, change: LeadChange) -> FieldUpdate:
    """At most three requests: the campaign lead's fields, changed variables, new variables.

    Variables the lead has already (``change.had_custom``) are changed with ``PATCH``; the
    others are added with ``POST``.

    Raises:
        FatalProviderError, RateLimited, TransientError: For the request that met them; the
            caller repeats the whole update, which sets the same values again.
    """
    provider_id, fields, custom = change.provider_id, change.fields, change.custom
    known_custom = frozenset(change.had_custom)
    label = client.spec.label
    changed: list[str] = []
    refused: dict[str, str] = {}
    unsupported = {name: cannot_change(label, name) for name in fields if name not in CAMPAIGN_LEAD_FIELDS}
    body = {k: v for k, v in fields.items() if k in CAMPAIGN_LEAD_FIELDS}
    if body:
        response = await client._request("PATCH", f"/campaigns/{destination}/leads/{provider_id}", json=body)
        _land(client, response, list(body), changed, refused)
    sent_as = custom_names(custom, [f.name for f in client.spec.fields])
    existing = [k for k in custom if k in known_custom]
    added = [k for k in custom if k not in known_custom]
    for method, names in (("PATCH", existing), ("POST", added)):
        if names:
            params = {sent_as[k]: custom[k] for k in names}
            response = await client._request(method, f"/leads/{provider_id}/variables", params=params)
            _land(client, response, names, changed, refused)
    return FieldUpdate(provider_id, tuple(changed), refused, unsupported)


def _land(
    client: HttpClient,
    response: httpx.Response,
    names: list[str],
    changed: list[str],
    refused: dict[str, str],
) -> None:
    """Sort one answer's names into changed or refused; run-level answers raise."""
    client._screen(response)
    http.raise_for_run(client.spec.id, client.spec.label, response)
    if response.status_code < 400:
        changed.extend(names)
        return
    words = f"{client.spec.label} refused ({response.status_code}): {http.body_text(response) or 'no reason'}"
    refused.update(dict.fromkeys(names, words))
