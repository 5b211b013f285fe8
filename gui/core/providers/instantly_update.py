"""Pure Python: changing a lead already in an Instantly campaign or list (providers-next.md §4).

One request does it [D]: ``PATCH /api/v2/leads/{id}`` with the changed fields and, when a
custom variable changed, ``custom_variables``. The body has ``additionalProperties: false``,
so only fields the schema names are ever put in it; ``email`` is the lead's identity and is
never changed. The id, when the journal does not have it, comes from
``POST /api/v2/leads/list`` with the campaign (or list) and ``search`` set to the email.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gui.core.domain import Lead
from gui.core.providers import http
from gui.core.providers.base import Existing, FieldUpdate, LeadChange

if TYPE_CHECKING:
    from gui.core.providers.client import HttpClient

#: The fields we map that ``PATCH /api/v2/leads/{id}`` accepts (all of them but ``email``) [D].
PATCH_FIELDS = (
    "first_name",
    "last_name",
    "company_name",
    "job_title",
    "phone",
    "website",
    "personalization",
    "pl_value_lead",
)


async def find_existing(client: HttpClient, target: tuple[str, str], lead: Lead) -> Existing | None:
    """The lead with this email in the campaign or list (``target`` is ``(campaign|list_id, id)``)."""
    email = lead.fields.get("email", "").strip()
    if not email:
        return None
    key, target_id = target
    filter_key = "campaign" if key == "campaign_id" else "list_id"
    body = {filter_key: target_id, "search": email, "limit": 10}
    data = await client._read("POST", "/api/v2/leads/list", body=body)
    items = data.get("items") if isinstance(data, dict) else None
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or str(item.get("email") or "").strip().lower() != email.lower():
            continue
        payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
        assert isinstance(payload, dict)
        return Existing(
            provider_id=str(item.get("id") or ""),
            fields={k: str(item[k]) for k in PATCH_FIELDS if item.get(k) not in (None, "")},
            custom={str(k): str(v) for k, v in payload.items() if v is not None},
        )
    return None


async def update_lead(client: HttpClient, change: LeadChange) -> FieldUpdate:
    """One ``PATCH``; a 4xx refuses every field in it, named, with Instantly's words.

    When a custom variable changed, the lead's other known variables go with it: the schema
    does not say whether ``custom_variables`` is merged or replaced [I], and sending them back
    loses nothing either way.
    """
    label = client.spec.label
    provider_id, fields, custom = change.provider_id, change.fields, change.custom
    unsupported = {
        name: f"{label}'s API cannot change {name} on a lead that is already there"
        for name in fields
        if name not in PATCH_FIELDS
    }
    body: dict[str, object] = {k: v for k, v in fields.items() if k in PATCH_FIELDS}
    if custom:
        body["custom_variables"] = {**dict(change.had_custom), **dict(custom)}
    names = [k for k in fields if k in PATCH_FIELDS] + list(custom)
    if not names:
        return FieldUpdate(provider_id, (), {}, unsupported)
    response = await client._request("PATCH", f"/api/v2/leads/{provider_id}", json=body)
    client._screen(response)
    http.raise_for_run(client.spec.id, label, response)
    if response.status_code < 400:
        return FieldUpdate(provider_id, tuple(names), {}, unsupported)
    words = f"{label} refused ({response.status_code}): {http.body_text(response) or 'no reason'}"
    return FieldUpdate(provider_id, (), dict.fromkeys(names, words), unsupported)
