"""Aktify emulator (providers.md §4, seeds/aktify-create-lead.md): the key is the campaign.

NestJS-style answers: ``x-api-key`` checked before the body (a ``{}`` body with a good key is a 400 and
creates nothing), class-validator 400s listing every problem, 409 for a phone already in the campaign, 201
echoing only the accepted properties.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gui.sandbox import seed
from gui.sandbox.common import At, Provider, envelope, header_key, key_ok, read_body, seconds_header
from gui.sandbox.limits import Decision
from gui.sandbox.normalize import phone_key

# fmt: off
US_STATES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
    "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
))
# fmt: on
# First three zip digits → state (USPS prefix ranges; territories and military codes map to nothing).
_ZIP_RANGES: tuple[tuple[int, int, str], ...] = (
    (5, 5, "NY"),
    (10, 27, "MA"),
    (28, 29, "RI"),
    (30, 38, "NH"),
    (39, 49, "ME"),
    (50, 54, "VT"),
    (55, 55, "MA"),
    (56, 59, "VT"),
    (60, 69, "CT"),
    (70, 89, "NJ"),
    (100, 149, "NY"),
    (150, 196, "PA"),
    (197, 199, "DE"),
    (200, 205, "DC"),
    (206, 219, "MD"),
    (220, 246, "VA"),
    (247, 268, "WV"),
    (270, 289, "NC"),
    (290, 299, "SC"),
    (300, 319, "GA"),
    (320, 349, "FL"),
    (350, 369, "AL"),
    (370, 385, "TN"),
    (386, 397, "MS"),
    (398, 399, "GA"),
    (400, 427, "KY"),
    (430, 459, "OH"),
    (460, 479, "IN"),
    (480, 499, "MI"),
    (500, 528, "IA"),
    (530, 549, "WI"),
    (550, 567, "MN"),
    (569, 569, "DC"),
    (570, 577, "SD"),
    (580, 588, "ND"),
    (590, 599, "MT"),
    (600, 629, "IL"),
    (630, 658, "MO"),
    (660, 679, "KS"),
    (680, 693, "NE"),
    (700, 714, "LA"),
    (716, 729, "AR"),
    (730, 749, "OK"),
    (750, 799, "TX"),
    (800, 816, "CO"),
    (820, 831, "WY"),
    (832, 838, "ID"),
    (840, 847, "UT"),
    (850, 865, "AZ"),
    (870, 884, "NM"),
    (885, 885, "TX"),
    (889, 898, "NV"),
    (900, 961, "CA"),
    (967, 968, "HI"),
    (970, 979, "OR"),
    (980, 994, "WA"),
    (995, 999, "AK"),
)  # fmt: skip
_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STRING_FIELDS = (
    "phoneNumber",
    "region",
    "zipCode",
    "email",
    "externalCreated",
    "externalLeadId",
    "firstName",
    "lastName",
    "source",
    "link",
    "linkToShorten",
)


def state_for_zip(zip_code: str) -> str | None:
    """The US state a zip code lies in ("zipCode will be used to determine region"), or None."""
    match = _ZIP.match(zip_code.strip())
    if not match:
        return None
    prefix = int(match.group(1)[:3])
    for low, high, state in _ZIP_RANGES:
        if low <= prefix <= high:
            return state
    return None


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and "." in parts.netloc


def _is_iso8601(value: str) -> bool:
    text = value.strip()
    if re.search(r"[+-]\d{4}$", text):  # 2022-11-15T21:04:28-0600 (the documented example)
        text = text[:-2] + ":" + text[-2:]
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def validate(body: dict[str, Any]) -> list[str]:
    """Every problem with a CreateLead body, class-validator style (empty when valid)."""
    problems: list[str] = []
    for name in STRING_FIELDS:
        if name in body and body[name] is not None and not isinstance(body[name], str):
            problems.append(f"{name} must be a string")
    phone = body.get("phoneNumber")
    if not isinstance(phone, str) or not phone.strip():
        problems.append("phoneNumber should not be empty")
    elif phone_key(phone) is None:
        problems.append("phoneNumber must be a valid US phone number")
    region, zip_code = body.get("region"), body.get("zipCode")
    has_region = isinstance(region, str) and bool(region.strip())
    has_zip = isinstance(zip_code, str) and bool(zip_code.strip())
    if not has_region and not has_zip:
        problems.append("region or zipCode must be provided")
    if has_region and region.strip().upper() not in US_STATES:  # type: ignore[union-attr]
        problems.append("region must be a US state code")
    if has_zip and state_for_zip(zip_code) is None:  # type: ignore[arg-type]
        problems.append("zipCode must be a valid US zip code")
    email = body.get("email")
    if isinstance(email, str) and email and not _EMAIL.match(email):
        problems.append("email must be an email")
    created = body.get("externalCreated")
    if isinstance(created, str) and created and not _is_iso8601(created):
        problems.append("externalCreated must be a valid ISO 8601 date string")
    link, shorten = body.get("link"), body.get("linkToShorten")
    if link and shorten:
        problems.append("link and linkToShorten are mutually exclusive")
    for name, value in (("link", link), ("linkToShorten", shorten)):
        if isinstance(value, str) and value and not _is_url(value):
            problems.append(f"{name} must be a URL address")
    if "metadata" in body and body["metadata"] is not None:
        metadata = body["metadata"]
        if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
            problems.append("metadata must be a key-value object where all values are strings")
    return problems


class Aktify(Provider):
    name = "aktify"
    ROUTES = (At("POST", "/api/v1/leads", "create_lead", write=True),)

    def seeded(self) -> seed.Seed:
        return seed.Seed([], seed.aktify_leads())

    def lead_key(self, payload: dict[str, Any]) -> str | None:
        return phone_key(str(payload["phoneNumber"]))

    def authenticate(self, request: Request) -> str | Response:
        key = header_key(request)
        if not key_ok(key):
            return envelope(401, "Unauthorized", "Invalid or missing x-api-key")
        return key

    def throttled(self, decision: Decision) -> Response:
        response = JSONResponse(
            {"statusCode": 429, "message": "ThrottlerException: Too Many Requests"}, status_code=429
        )
        response.headers["Retry-After"] = seconds_header(decision.retry_after)
        return response

    def server_error(self) -> Response:
        return JSONResponse({"statusCode": 500, "message": "Internal server error"}, status_code=500)

    async def create_lead(self, request: Request, key: str) -> Response:
        """``POST /api/v1/leads``: one lead into the key's campaign (§4.1)."""
        body = await read_body(
            request, lambda err: envelope(400, "Bad Request", f"Unexpected token in JSON: {err}")
        )
        if isinstance(body, Response):
            return body
        if isinstance(body, dict) and isinstance(body.get("phoneNumber"), str):
            lead_key = phone_key(body["phoneNumber"])
            if lead_key:
                self.ctx.ledger.count_attempt(self.name, key, lead_key)
        return await self.write(lambda: self._commit(key, body))

    def _commit(self, key: str, body: Any) -> Response:
        if not isinstance(body, dict):
            return envelope(
                400, "Bad Request", ["phoneNumber should not be empty", "region or zipCode must be provided"]
            )
        problems = validate(body)
        if seed.AKTIFY_LINK_CLICK_KEY_MARK in key and not (body.get("link") or body.get("linkToShorten")):
            problems.append("link or linkToShorten must be provided for a link-click campaign")
        if problems:
            return envelope(400, "Bad Request", problems)
        lead_key = phone_key(body["phoneNumber"])
        accepted: dict[str, Any] = {
            name: body[name]
            for name in STRING_FIELDS
            if name != "linkToShorten" and body.get(name) is not None
        }
        if not body.get("region"):
            accepted["region"] = state_for_zip(body["zipCode"])
        else:
            accepted["region"] = body["region"].strip().upper()
        if body.get("linkToShorten"):
            accepted["link"] = f"https://shortlink.aktify.com/{self.ctx.ids.token(8)}"
        if isinstance(body.get("metadata"), dict):
            accepted["metadata"] = dict(body["metadata"])
        stored = self.ctx.ledger.add(self.name, key, f"lead_{self.ctx.ids.token()}", lead_key, body)
        if stored is None:
            return envelope(
                409, "Conflict", "Lead with this phone number was already submitted to the campaign"
            )
        return JSONResponse(accepted, status_code=201)
