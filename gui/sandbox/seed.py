"""Seeded ids and data: what the sandbox holds when it starts, fixed so tests, CLI and GUI can name it.

Any key that starts with ``sandbox`` is accepted by every provider. Listings are long enough to need
paging (lemlist > 100 campaigns, the others more than one page at their default or maximum page size).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

KEY_PREFIX = "sandbox"
SANDBOX_KEY = "sandbox-demo-key"
"""A key every provider accepts."""
INSTANTLY_UNPAID_KEY = "sandbox-unpaid"
"""An Instantly key whose workspace has no paid plan: every call answers 402 (providers.md §2.5)."""
LEMLIST_BLOCKED_KEY = "sandbox-blocked"
"""A lemlist key whose user is blocked: 403 "User linked to this API key is blocked" (providers.md §1.5)."""

# -- lemlist -------------------------------------------------------------------------------------------
LEMLIST_TEAM_ID = "tea_sandboxTeam00001"
LEMLIST_USER_ID = "usr_sandboxOwner0001"
LEMLIST_CAMPAIGN = "cam_sandboxQ4Outbound1"
LEMLIST_CAMPAIGN_NAME = "Q4 Outbound (sandbox)"
LEMLIST_CAMPAIGN_2 = "cam_sandboxFounders02"
"""A second running campaign; holds ``LEMLIST_OTHER_CAMPAIGN_EMAIL``."""
LEMLIST_PAUSED_CAMPAIGN = "cam_sandboxPausedEU03"
LEMLIST_ERROR_CAMPAIGN = "cam_sandboxNoSender04"
"""A campaign with ``hasError`` and an ``errors[]`` message."""
LEMLIST_DUPLICATE_EMAIL = "maya.chen@northwind-sandbox.com"
"""Already in ``LEMLIST_CAMPAIGN``: posting it again answers 400 "Lead already in the campaign"."""
LEMLIST_OTHER_CAMPAIGN_EMAIL = "omar.haddad@brightpath-sandbox.com"
"""In ``LEMLIST_CAMPAIGN_2`` only: with ``deduplicate=true`` a post to another campaign answers 500."""
LEMLIST_CAMPAIGN_COUNT = 130

# -- Instantly -----------------------------------------------------------------------------------------
INSTANTLY_WORKSPACE_ID = "0198f000-0000-7000-8000-00000000a001"
INSTANTLY_CAMPAIGN = "01990000-0007-7000-8000-5a0d00000007"
INSTANTLY_CAMPAIGN_NAME = "Q4 Outbound (sandbox)"
INSTANTLY_CAMPAIGN_2 = "01990000-0008-7000-8000-5a0d00000008"
INSTANTLY_LIST = "01980000-0003-7000-9000-115700000003"
INSTANTLY_LIST_NAME = "Trade show leads (sandbox)"
INSTANTLY_BLOCKLIST = "0197f000-0000-7000-a000-b10c00000001"
INSTANTLY_DUPLICATE_EMAIL = "maya.chen@northwind-sandbox.com"
"""Already in ``INSTANTLY_CAMPAIGN``: counted in ``duplicated_leads``."""
INSTANTLY_OTHER_CAMPAIGN_EMAIL = "omar.haddad@brightpath-sandbox.com"
"""In ``INSTANTLY_CAMPAIGN_2`` only: skipped with ``skip_if_in_campaign``."""
INSTANTLY_LIST_DUPLICATE_EMAIL = "lena.fischer@kranich-sandbox.de"
"""Already in ``INSTANTLY_LIST``."""
INSTANTLY_BLOCKLISTED_EMAIL = "do-not-contact@blocked-sandbox.com"
INSTANTLY_BLOCKLISTED_DOMAIN = "competitor-sandbox.com"
INSTANTLY_CAMPAIGN_COUNT = 240
INSTANTLY_LIST_COUNT = 130
INSTANTLY_PLAN_LEADS = 1_000_000

# -- Aktify ----------------------------------------------------------------------------------------------
AKTIFY_KEY = "sandbox-aktify"
"""A key label whose campaign starts with ``AKTIFY_DUPLICATE_PHONE`` (any ``sandbox*`` key has its own)."""
AKTIFY_DUPLICATE_PHONE = "(509) 555-0142"
AKTIFY_LINK_CLICK_KEY_MARK = "linkclick"
"""A key containing this (e.g. ``sandbox-linkclick``) is a link-click campaign: every lead needs ``link`` or
``linkToShorten`` ("one or the other must be provided, but not both", seeds/aktify-create-lead.md)."""

# -- SendPilot -------------------------------------------------------------------------------------------
SENDPILOT_WORKSPACE_ID = "ws_sandbox0001"
SENDPILOT_CAMPAIGN = "camp_sandboxLinkedIn01"
SENDPILOT_CAMPAIGN_NAME = "Q4 LinkedIn outreach (sandbox)"
SENDPILOT_CAMPAIGN_2 = "camp_sandboxFounders02"
SENDPILOT_DUPLICATE_LINKEDIN = "https://www.linkedin.com/in/maya-chen-sandbox"
"""Already in ``SENDPILOT_CAMPAIGN``: counted in ``duplicatesSkipped``."""
SENDPILOT_CAMPAIGN_COUNT = 45

EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

_TOPICS = (
    "SaaS CFOs",
    "Heads of Growth",
    "DevOps leads",
    "Agency owners",
    "HR directors",
    "Retail buyers",
    "Fintech founders",
    "Logistics managers",
    "Clinic owners",
    "E-commerce CMOs",
    "Real estate brokers",
    "Procurement heads",
    "IT managers",
)
_REGIONS = ("EMEA", "US East", "US West", "DACH", "Nordics", "UK & IE", "France", "LATAM", "APAC", "Benelux")
_KINDS = (
    "cold intro",
    "webinar follow-up",
    "reactivation",
    "event invite",
    "case study drip",
    "free trial nudge",
    "partner referral",
)


def iso(moment: datetime) -> str:
    """ISO-8601 with milliseconds and ``Z``, the way the providers print timestamps."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def token_for(text: str, length: int = 17) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    digest = hashlib.sha256(text.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


def _name(i: int) -> str:
    topic, region, kind = (
        _TOPICS[i % len(_TOPICS)],
        _REGIONS[(i // 3) % len(_REGIONS)],
        _KINDS[(i // 7) % len(_KINDS)],
    )
    return f"{topic} — {region} — {kind}"


@dataclass(frozen=True)
class SeedLead:
    """A lead the sandbox starts with."""

    container: str
    payload: dict[str, Any]
    state: str
    created_at: datetime
    id: str
    """The provider's id for it."""


@dataclass(frozen=True)
class Seed:
    """What one provider starts with."""

    campaigns: list[dict[str, Any]]
    leads: list[SeedLead]


def lemlist_campaigns() -> list[dict[str, Any]]:
    """Lemlist campaigns, oldest first (providers.md §1.2 Campaign fields)."""
    named = {
        0: (LEMLIST_CAMPAIGN, LEMLIST_CAMPAIGN_NAME, "running", []),
        1: (LEMLIST_CAMPAIGN_2, "Founders — LinkedIn + email (sandbox)", "running", []),
        2: (LEMLIST_PAUSED_CAMPAIGN, "EU expansion — paused (sandbox)", "paused", []),
        3: (
            LEMLIST_ERROR_CAMPAIGN,
            "Webinar replay — no sender (sandbox)",
            "running",
            ["Your campaign does not have sender."],
        ),
    }
    statuses = ("running", "running", "paused", "draft", "ended", "archived", "running", "draft", "errors")
    out: list[dict[str, Any]] = []
    for i in range(LEMLIST_CAMPAIGN_COUNT):
        cid, name, status, errors = named.get(
            i, (f"cam_{token_for(f'lemlist-{i}')}", _name(i), statuses[i % len(statuses)], [])
        )
        if status == "errors":
            errors = ["Your campaign does not have sender."]
        created = EPOCH + timedelta(days=i, hours=i % 5)
        out.append(
            {
                "_id": cid,
                "name": name,
                "emoji": "🚀" if i % 4 == 0 else None,
                "labels": ["sandbox"] + (["priority"] if i % 6 == 0 else []),
                "createdAt": iso(created),
                "createdBy": LEMLIST_USER_ID,
                "status": status,
                "hasError": bool(errors),
                "errors": errors,
                "timezone": "Europe/Paris" if i % 2 else "America/New_York",
                "teamId": LEMLIST_TEAM_ID,
                "sequenceId": f"seq_{token_for(f'seq-{i}')}",
                "scheduleIds": [f"skd_{token_for(f'skd-{i}')}"],
                "senders": [] if errors else [{"id": LEMLIST_USER_ID, "email": "owner@sandbox-team.example"}],
                "creator": {"userId": LEMLIST_USER_ID, "userEmail": "owner@sandbox-team.example"},
            }
        )
    return out


_PEOPLE = (
    ("Maya", "Chen", "Northwind", "northwind-sandbox.com"),
    ("Omar", "Haddad", "Brightpath", "brightpath-sandbox.com"),
    ("Lena", "Fischer", "Kranich", "kranich-sandbox.de"),
    ("Tomás", "Ruiz", "Alba Labs", "albalabs-sandbox.es"),
    ("Priya", "Nair", "Helix", "helix-sandbox.io"),
    ("Jonas", "Berg", "Fjord", "fjord-sandbox.no"),
    ("Chloé", "Martin", "Atelier Nord", "ateliernord-sandbox.fr"),
)


def _person(i: int) -> dict[str, str]:
    first, last, company, domain = _PEOPLE[i % len(_PEOPLE)]
    return {"firstName": first, "lastName": last, "companyName": company, "companyDomain": domain}


def lemlist_leads() -> list[SeedLead]:
    """Leads already in lemlist campaigns, with varied states (for the state filter and duplicates)."""
    states = ("contacted", "scanned", "interested", "emailsOpened", "notInterested", "scanned")
    out: list[SeedLead] = []
    for i, state in enumerate(states):
        person = _person(i + 2)
        email = f"{person['firstName'].lower()}.{person['lastName'].lower()}{i}@{person['companyDomain']}"
        out.append(_lemlist_lead(LEMLIST_CAMPAIGN, {"email": email, **person}, state, 200 + i))
    out.append(
        _lemlist_lead(
            LEMLIST_CAMPAIGN,
            {"email": LEMLIST_DUPLICATE_EMAIL, **_person(0), "jobTitle": "VP Sales"},
            "contacted",
            210,
        )
    )
    out.append(
        _lemlist_lead(
            LEMLIST_CAMPAIGN_2,
            {"email": LEMLIST_OTHER_CAMPAIGN_EMAIL, **_person(1), "jobTitle": "Founder"},
            "scanned",
            211,
        )
    )
    return out


def _lemlist_lead(container: str, payload: dict[str, Any], state: str, day: int) -> SeedLead:
    lead_id = f"lea_{token_for('seed-' + str(payload['email']))}"
    return SeedLead(container, payload, state, EPOCH + timedelta(days=day), lead_id)


def _uuid_like(head: str, variant: str, mark: str, i: int) -> str:
    return f"{head}-{i:04x}-7000-{variant}-{mark}{i:08x}"


def instantly_campaign_id(i: int) -> str:
    return _uuid_like("01990000", "8000", "5a0d", i)


def instantly_list_id(i: int) -> str:
    return _uuid_like("01980000", "9000", "1157", i)


def instantly_block_entry_id(i: int) -> str:
    """Block-list entry ids that sort in creation order, as ``starting_after`` pages the real ones.

    Instantly's ids are UUIDv7 (time first); the second group here counts 65,536-entry blocks so
    the order holds for a list of any size (a benchmark pulls 200,000 entries).
    """
    return f"019a0000-{i >> 16:04x}-7000-a000-b10c{i:08x}"


def instantly_campaigns() -> list[dict[str, Any]]:
    """Instantly campaigns in id order (the cursor order); numeric statuses (providers.md §2.2)."""
    statuses = (1, 1, 2, 0, 3, 1, -1, 2, 4, 0, -2)
    out: list[dict[str, Any]] = []
    for i in range(INSTANTLY_CAMPAIGN_COUNT):
        cid = instantly_campaign_id(i)
        if cid == INSTANTLY_CAMPAIGN:
            name, status = INSTANTLY_CAMPAIGN_NAME, 1
        elif cid == INSTANTLY_CAMPAIGN_2:
            name, status = "Founders follow-up (sandbox)", 1
        else:
            name, status = _name(i), statuses[i % len(statuses)]
        created = EPOCH + timedelta(hours=7 * i)
        out.append(
            {
                "id": cid,
                "name": name,
                "status": status,
                "campaign_schedule": {
                    "schedules": [
                        {
                            "name": "Weekdays",
                            "timing": {"from": "09:00", "to": "17:00"},
                            "days": {"1": True, "2": True, "3": True, "4": True, "5": True},
                            "timezone": "America/Detroit",  # one of the spec's enum values (UTC-5)
                        }
                    ]
                },
                "timestamp_created": iso(created),
                "timestamp_updated": iso(created + timedelta(days=3)),
                "organization": INSTANTLY_WORKSPACE_ID,
                "daily_limit": 50 + (i % 5) * 10,
                "email_list": [f"sender{i % 3}@sandbox-mail.example"],
            }
        )
    return out


def instantly_lists() -> list[dict[str, Any]]:
    """Instantly lead lists in ``timestamp_created`` order (their cursor is a timestamp, §2.1)."""
    out: list[dict[str, Any]] = []
    for i in range(INSTANTLY_LIST_COUNT):
        lid = instantly_list_id(i)
        name = INSTANTLY_LIST_NAME if lid == INSTANTLY_LIST else f"{_TOPICS[i % len(_TOPICS)]} list #{i + 1}"
        out.append(
            {
                "id": lid,
                "organization_id": INSTANTLY_WORKSPACE_ID,
                "name": name,
                "timestamp_created": iso(EPOCH + timedelta(hours=11 * i, minutes=i)),
                "has_enrichment_task": i % 9 == 0,
                "owned_by": "0198f000-0000-7000-8000-00000000c001",
            }
        )
    return out


def instantly_leads() -> list[SeedLead]:
    base = EPOCH + timedelta(days=180)
    people = (
        (INSTANTLY_CAMPAIGN, INSTANTLY_DUPLICATE_EMAIL, "Maya", "Chen"),
        (INSTANTLY_CAMPAIGN_2, INSTANTLY_OTHER_CAMPAIGN_EMAIL, "Omar", "Haddad"),
        (INSTANTLY_LIST, INSTANTLY_LIST_DUPLICATE_EMAIL, "Lena", "Fischer"),
    )
    return [
        SeedLead(
            container,
            {"email": email, "first_name": first, "last_name": last},
            "active",
            base,
            instantly_campaign_id(9000 + i),
        )
        for i, (container, email, first, last) in enumerate(people)
    ]


def sendpilot_campaigns() -> list[dict[str, Any]]:
    """SendPilot campaigns, newest first, lowercase statuses (providers.md §3.2 emulator rule)."""
    statuses = ("started", "started", "paused", "draft", "finished")
    out: list[dict[str, Any]] = []
    for i in range(SENDPILOT_CAMPAIGN_COUNT):
        if i == 0:
            cid, name, status = SENDPILOT_CAMPAIGN, SENDPILOT_CAMPAIGN_NAME, "started"
        elif i == 1:
            cid, name, status = SENDPILOT_CAMPAIGN_2, "Founders — connection + message (sandbox)", "started"
        else:
            cid, name, status = (
                f"camp_{token_for(f'sendpilot-{i}', 12)}",
                _name(i),
                statuses[i % len(statuses)],
            )
        created = EPOCH + timedelta(days=300 - 5 * i)
        out.append(
            {
                "id": cid,
                "name": name,
                "status": status,
                "type": "linkedin",
                "totalLeads": 0,
                "connectionsSent": 0,
                "leadsContacted": 0,
                "messagesSent": 0,
                "repliesReceived": 0,
                "linkedInSenderIds": [f"snd_{token_for(f'snd-{i % 4}', 10)}"],
                "createdAt": iso(created),
                "updatedAt": iso(created + timedelta(days=2)),
            }
        )
    return out


def sendpilot_leads() -> list[SeedLead]:
    return [
        SeedLead(
            SENDPILOT_CAMPAIGN,
            {
                "linkedinUrl": SENDPILOT_DUPLICATE_LINKEDIN,
                "firstName": "Maya",
                "lastName": "Chen",
                "company": "Northwind",
            },
            "connected",
            EPOCH + timedelta(days=250),
            f"lead_{token_for('sendpilot-seed', 12)}",
        )
    ]


def aktify_leads() -> list[SeedLead]:
    return [
        SeedLead(
            AKTIFY_KEY,
            {"phoneNumber": AKTIFY_DUPLICATE_PHONE, "region": "WA", "firstName": "Maya", "lastName": "Chen"},
            "queued",
            EPOCH + timedelta(days=250),
            f"lead_{token_for('aktify-seed')}",
        )
    ]
