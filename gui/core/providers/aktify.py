"""Pure Python: Aktify, one lead per request to the campaign the key belongs to.

Sources: ``shared/seeds/aktify-create-lead.md`` (authoritative) and ``shared/providers.md`` §4.
"""

from __future__ import annotations

from gui.core.domain import FieldKind, LeadField
from gui.core.providers.base import ProviderSpec, RatePolicy, RateWindow

SPEC = ProviderSpec(
    id="aktify",
    label="Aktify",
    fields=(
        LeadField("phoneNumber", "Phone", FieldKind.PHONE, required=True, concept="phone"),
        LeadField("region", "US state", FieldKind.US_STATE, concept="us_state"),
        LeadField("zipCode", "ZIP code", FieldKind.ZIP, concept="zip"),
        LeadField("email", "Email", FieldKind.EMAIL, concept="email"),
        LeadField("firstName", "First name", concept="first_name"),
        LeadField("lastName", "Last name", concept="last_name"),
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
    url_env="LEADLOADER_AKTIFY_URL",
    default_url="https://api.aktify.io",
    key_help="Aktify: each campaign has its own API key; name the account after the campaign.",
)
