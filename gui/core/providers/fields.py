"""Pure Python: the lead fields providers share by meaning, worded and checked alike everywhere.

Every provider takes an email, a first name, a company... under its own JSON key
(``firstName``, ``first_name``). The concept is what carries a mapping from one provider to
another (:attr:`~gui.core.domain.LeadField.concept`), so its label in the mapping panel and the
check its values get are the same for all of them. A provider spec names only its keys:
``concept_fields(email="email", first_name="firstName")``; a field of its own (or one it words
differently) stays a plain :class:`~gui.core.domain.LeadField`.
"""

from __future__ import annotations

from collections.abc import Collection

from gui.core.domain import FieldKind, LeadField

#: Concept -> (label, kind) of the fields several providers take.
SHARED: dict[str, tuple[str, FieldKind]] = {
    "email": ("Email", FieldKind.EMAIL),
    "first_name": ("First name", FieldKind.TEXT),
    "last_name": ("Last name", FieldKind.TEXT),
    "company": ("Company", FieldKind.TEXT),
    "job_title": ("Job title", FieldKind.TEXT),
    "phone": ("Phone", FieldKind.PHONE),
    "linkedin": ("LinkedIn URL", FieldKind.LINKEDIN),
    "website": ("Website", FieldKind.URL),
    "icebreaker": ("Icebreaker", FieldKind.TEXT),
}


def concept_fields(*, required: Collection[str] = (), **names: str) -> tuple[LeadField, ...]:
    """A provider's fields for shared concepts, in the order given: ``concept="providerKey"``.

    Args:
        required: Concepts whose field is required on its own ("one of" rules live on the spec).
        **names: Concept (a key of :data:`SHARED`) -> the provider's JSON key.

    Raises:
        KeyError: A concept that is not shared (write that field as a plain ``LeadField``).
    """
    unknown = (set(names) | set(required)) - set(SHARED)
    if unknown:
        raise KeyError(f"not a shared concept: {', '.join(sorted(unknown))}")
    return tuple(
        LeadField(name, SHARED[concept][0], SHARED[concept][1], required=concept in required, concept=concept)
        for concept, name in names.items()
    )
