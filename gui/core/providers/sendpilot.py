"""Pure Python: SendPilot, up to 100 LinkedIn leads per request, deduplicated by LinkedIn URL.

Sources: ``shared/seeds/sendpilot-add-leads.md`` (authoritative) and ``shared/providers.md`` §3.
"""

from __future__ import annotations

from gui.core.domain import FieldKind, LeadField
from gui.core.providers.base import ProviderSpec, RatePolicy, RateWindow

SPEC = ProviderSpec(
    id="sendpilot",
    label="SendPilot",
    fields=(
        LeadField("linkedinUrl", "LinkedIn URL", FieldKind.LINKEDIN, required=True, concept="linkedin"),
        LeadField("firstName", "First name", concept="first_name"),
        LeadField("lastName", "Last name", concept="last_name"),
        LeadField("company", "Company", concept="company"),
        LeadField("title", "Job title", concept="job_title"),
        LeadField("email", "Email", FieldKind.EMAIL, concept="email"),
        LeadField("icebreaker", "Icebreaker", concept="icebreaker"),
    ),
    required_groups=(("linkedinUrl",),),
    dedupe_field="linkedinUrl",
    batch_size=100,
    # Undocumented limit: about one write a second (providers.md §3.4), adapting to 429s.
    rate=RatePolicy(windows=(RateWindow(1, 1.0),), max_in_flight=1, documented=False),
    custom_shape="flat",
    url_env="LEADLOADER_SENDPILOT_URL",
    default_url="https://api.sendpilot.ai",
    key_help="SendPilot: Settings > API.",
)
