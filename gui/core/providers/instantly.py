"""Pure Python: Instantly API v2, up to 1000 leads per request to a campaign or a lead list.

Sources: ``shared/seeds/instantly-add-leads-bulk.md`` (authoritative) and ``shared/providers.md`` §2.
"""

from __future__ import annotations

from gui.core.domain import FieldKind, LeadField
from gui.core.providers.base import ProviderOption, ProviderSpec, RatePolicy, RateWindow

SPEC = ProviderSpec(
    id="instantly",
    label="Instantly",
    fields=(
        LeadField("email", "Email", FieldKind.EMAIL, required=True, concept="email"),
        LeadField("first_name", "First name", concept="first_name"),
        LeadField("last_name", "Last name", concept="last_name"),
        LeadField("company_name", "Company", concept="company"),
        LeadField("job_title", "Job title", concept="job_title"),
        LeadField("phone", "Phone", FieldKind.PHONE, concept="phone"),
        LeadField("website", "Website", FieldKind.URL, concept="website"),
        LeadField("personalization", "Personalization", concept="icebreaker"),
        LeadField("pl_value_lead", "Lead value", concept="lead_value"),
    ),
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
    ),
    has_lists=True,
    url_env="LEADLOADER_INSTANTLY_URL",
    default_url="https://api.instantly.ai",
    key_help="Instantly: Settings > Integrations > API Keys (scopes leads:create and campaigns:read).",
)
