"""The header corpus for mapping suggestions: real-world headers and headerless value columns.

``tests/data/headers/corpus.csv`` lists headers seen in exports of Apollo, HubSpot, Salesforce,
ZoomInfo, Phantombuster, lemlist/Instantly and European CRMs in seven languages, with the
provider-neutral concept each one carries (empty: no concept, the column should stay a custom
variable). ``HEADERLESS`` holds value columns without a useful header (``Column 3``), which
must be recognised from their values.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gui.core.mapping.headers import NON_FIELD_CONCEPTS
from gui.core.mapping.suggest import suggest_mapping
from gui.core.providers.base import ProviderSpec

CORPUS = Path(__file__).resolve().parents[1] / "data" / "headers" / "corpus.csv"


@dataclass(frozen=True)
class Case:
    header: str
    concept: str  # "" when the column carries no provider concept
    lang: str
    source: str
    values: tuple[str, ...] = ()


def header_cases() -> list[Case]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return [Case(r["header"], r["concept"], r["lang"], r["source"]) for r in csv.DictReader(handle)]


HEADERLESS: list[Case] = [
    Case(
        "Column 3",
        "email",
        "-",
        "values",
        (
            "jane.doe@acme.com",
            "bob@example.org",
            "m.rossi@azienda.it",
            "x_y@sub.domain.co.uk",
            "anna@firma.de",
        ),
    ),
    Case(
        "Unnamed: 4",
        "linkedin",
        "-",
        "values",
        (
            "https://www.linkedin.com/in/jane-doe",
            "linkedin.com/in/bob-smith-123",
            "https://fr.linkedin.com/in/pierre/",
            "http://www.linkedin.com/in/anna-k",
            "https://www.linkedin.com/in/m-rossi?trk=abc",
        ),
    ),
    Case(
        "Field 7",
        "phone",
        "-",
        "values",
        ("(212) 555-0100", "415-555-0134", "+1 646 555 0199", "312.555.0147", "(718) 555-0111"),
    ),
    Case(
        "col5",
        "phone",
        "-",
        "values",
        ("+44 20 7946 0958", "+33 1 42 68 53 00", "+49 30 901820", "+1 212 555 0100", "+34 912 345 678"),
    ),
    Case("C", "zip", "-", "values", ("02134", "90210", "10001", "60601-1234", "94105")),
    Case("D", "us_state", "-", "values", ("CA", "NY", "TX", "MA", "WA", "IL")),
    Case("Column 9", "us_state", "-", "values", ("California", "New York", "Texas", "Oregon", "Ohio")),
    Case(
        "X1",
        "timezone",
        "-",
        "values",
        ("Europe/Paris", "America/New_York", "Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin"),
    ),
    Case(
        "Column 12",
        "website",
        "-",
        "values",
        ("https://acme.com", "www.example.org", "http://firma.de", "https://azienda.it/", "bedrijf.nl"),
    ),
    Case(
        "Column 13",
        "created_at",
        "-",
        "values",
        ("2024-03-05", "2024-03-06T10:00:00Z", "2023-12-31", "2024-01-15T08:30:00-05:00", "2024-02-29"),
    ),
    Case(
        "Column 14",
        "picture",
        "-",
        "values",
        (
            "https://cdn.acme.com/photos/jane.jpg",
            "https://img.example.org/a.png",
            "https://x.io/avatar/1.jpeg",
            "https://media.licdn.com/b.jpg",
            "https://cdn.site.com/p/q.webp",
        ),
    ),
    Case(
        "Column 15",
        "company_linkedin",
        "-",
        "values",
        (
            "https://www.linkedin.com/company/acme",
            "linkedin.com/company/example",
            "https://www.linkedin.com/company/x/",
            "https://linkedin.com/company/firma",
            "https://www.linkedin.com/company/bedrijf",
        ),
    ),
    Case("Column 16", "", "-", "values", ("Jane", "Bob", "Maria", "Pierre", "Anna")),
    Case(
        "Column 17",
        "",
        "-",
        "values",
        ("Acme Inc", "Example LLC", "Firma GmbH", "Azienda S.p.A.", "Bedrijf BV"),
    ),
    Case(
        "Column 18",
        "",
        "-",
        "values",
        ("Great call last week", "Loved your post", "n/a", "see notes", "hello"),
    ),
    Case("Column 19", "", "-", "values", ("A-1009", "A-1010", "B-2", "C-77", "Z-1")),
    Case("Column 20", "", "-", "values", ("yes", "no", "yes", "yes", "no")),
    # A header that lies: values win over the header's meaning for email.
    Case(
        "Notes",
        "email",
        "-",
        "values",
        ("jane.doe@acme.com", "bob@example.org", "m.rossi@azienda.it", "anna@firma.de", "x@y.com"),
    ),
]


def expected_field(spec: ProviderSpec, concept: str) -> str | None:
    """The field a concept should land in for a provider (None: a custom variable)."""
    if not concept or concept in NON_FIELD_CONCEPTS:
        return None
    f = spec.field_for_concept(concept)
    if f is None:
        fallback = {"website": "company_domain", "company_domain": "website", "link_to_shorten": "link"}
        other = fallback.get(concept)
        f = spec.field_for_concept(other) if other else None
    return f.name if f is not None else None


def mapped_field(case: Case, spec: ProviderSpec) -> str | None:
    """What suggest_mapping does with the case as a one-column sheet."""
    values = list(case.values) or [""] * 3
    frame = pd.DataFrame({case.header: values}, dtype=object)
    suggestion = suggest_mapping(frame, spec)
    return next((f for f, h in suggestion.mapping.fields.items() if h == case.header), None)
