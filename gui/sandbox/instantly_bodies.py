"""The request bodies Instantly v2 accepts, checked the way its Fastify/AJV layer does (first error only).

Kept apart from the emulator so the routes read as the provider's behaviour and these as its schemas
(``../shared/specs/instantly_api_v2.json``).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from starlette.responses import Response

from gui.sandbox.common import envelope

# The lead item schema of POST /api/v2/leads/add, in its property order (additionalProperties: false).
STRING_FIELDS = (
    "email",
    "personalization",
    "website",
    "last_name",
    "first_name",
    "company_name",
    "job_title",
    "phone",
    "pl_value_lead",
    "assigned_to",
)
LEAD_FIELDS = (*STRING_FIELDS, "lt_interest_status", "custom_variables")
INTEREST_STATUSES = (1, 2, 3, 4, 0, -1, -2, -3, -4)
MAX_LEADS = 1000
MAX_DELETE = 10_000
MAX_BLOCK_VALUES = 1000
_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_FLAGS = ("verify_leads_on_import", "skip_if_in_workspace", "skip_if_in_campaign", "skip_if_in_list")


def bad_request(message: str) -> Response:
    """Fastify/AJV validation answer: the first schema error only, the whole request refused (§2.3)."""
    return envelope(400, "Bad Request", message)


def is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


def _validate_lead(i: int, lead: object) -> str | None:
    where = f"body/leads/{i}"
    if not isinstance(lead, dict):
        return f"{where} must be object"
    for name in lead:
        if name not in LEAD_FIELDS:
            return f"{where} must NOT have additional properties"
    for name in STRING_FIELDS:
        if name in lead and lead[name] is not None and not isinstance(lead[name], str):
            return f"{where}/{name} must be string,null"
    if "assigned_to" in lead and lead["assigned_to"] is not None and not is_uuid(lead["assigned_to"]):
        return f'{where}/assigned_to must match format "uuid"'
    if "lt_interest_status" in lead:
        status = lead["lt_interest_status"]
        if isinstance(status, bool) or not isinstance(status, int | float):
            return f"{where}/lt_interest_status must be number"
        if status not in INTEREST_STATUSES:
            return f"{where}/lt_interest_status must be equal to one of the allowed values"
    if "custom_variables" in lead:
        custom = lead["custom_variables"]
        if not isinstance(custom, dict):
            return f"{where}/custom_variables must be object"
        for name, value in custom.items():
            if value is not None and not isinstance(value, str | int | float | bool):
                return f"{where}/custom_variables/{name} must be string,number,boolean,null"
    return None


def validate_body(body: object) -> str | None:
    """The first AJV error of a leads/add body, in the order a schema walk finds it (or None)."""
    if not isinstance(body, dict):
        return "body must be object"
    if "leads" not in body:
        return "body must have required property 'leads'"
    for name in ("campaign_id", "list_id", "assigned_to"):
        if name in body and not is_uuid(body[name]):
            return f'body/{name} must match format "uuid"'
    if body.get("blocklist_id") is not None and not is_uuid(body["blocklist_id"]):
        return 'body/blocklist_id must match format "uuid"'
    for name in _FLAGS:
        if name in body and not isinstance(body[name], bool):
            return f"body/{name} must be boolean"
    leads = body["leads"]
    if not isinstance(leads, list):
        return "body/leads must be array"
    if len(leads) < 1:
        return "body/leads must NOT have fewer than 1 items"
    if len(leads) > MAX_LEADS:
        return f"body/leads must NOT have more than {MAX_LEADS} items"
    for i, lead in enumerate(leads):
        error = _validate_lead(i, lead)
        if error:
            return error
    return None


def validate_delete(body: Any) -> str | None:
    """The body schema of ``DELETE /api/v2/leads`` (AJV's first error)."""
    if not isinstance(body, dict):
        return "body must be object"
    if not (body.get("campaign_id") or body.get("list_id")):
        return "body must have required property 'campaign_id'"
    for name in ("campaign_id", "list_id"):
        if name in body and not is_uuid(body[name]):
            return f'body/{name} must match format "uuid"'
    if "ids" in body and not (isinstance(body["ids"], list) and all(is_uuid(i) for i in body["ids"])):
        return 'body/ids must be array of "uuid"'
    if "status" in body and body["status"] not in (1, 2, 3, -1, -2, -3):
        return "body/status must be equal to one of the allowed values"
    limit = body.get("limit", 1)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_DELETE:
        return f"body/limit must be an integer from 1 to {MAX_DELETE}"
    return None


def is_domain(value: str) -> bool:
    """A bare domain, as the block list takes it (``example.com``)."""
    return bool(_DOMAIN.match(value))
