"""The suggested mapping for one provider: header and value evidence turned into fields.

Also the custom-variable names the rest of the columns are sent under.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gui.core.mapping.columns import CUSTOM_PREFIX, ColumnMapping, MappingSuggestion, Suggestion
from gui.core.mapping.headers import NON_FIELD_CONCEPTS, detect_concept, normalize_header
from gui.core.mapping.payload import clean_values
from gui.core.mapping.values import SNIFFABLE, sample_values, sniff_values, value_share
from gui.core.providers.base import ProviderSpec

_BARE_NAMES = frozenset({"name", "naam", "nome"})

_PROVIDER_CONCEPTS_FALLBACK: dict[str, tuple[str, ...]] = {
    # A provider without the concept's field may take a close one (lemlist has no website field).
    "website": ("company_domain",),
    "company_domain": ("website",),
    "link_to_shorten": ("link",),
}


def required_groups(spec: ProviderSpec, destination_kind: str = "campaign") -> tuple[tuple[str, ...], ...]:
    """The provider's required groups for a destination (an Instantly list takes email or a name)."""
    if spec.id == "instantly" and destination_kind == "list":
        return (("email", "first_name", "last_name"),)
    return spec.required_groups


def group_label(spec: ProviderSpec, group: Sequence[str]) -> str:
    """``Email or LinkedIn URL``: the words for a required group."""
    labels = [spec.field(name).label for name in group]
    if len(labels) <= 2:
        return " or ".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def _field_for_concept(spec: ProviderSpec, concept: str) -> tuple[str, float] | None:
    if concept in NON_FIELD_CONCEPTS:
        return None
    f = spec.field_for_concept(concept)
    if f is not None:
        return f.name, 1.0
    for other in _PROVIDER_CONCEPTS_FALLBACK.get(concept, ()):
        f = spec.field_for_concept(other)
        if f is not None:
            return f.name, 0.85
    return None


def suggest_mapping(
    frame: pd.DataFrame,
    spec: ProviderSpec,
    *,
    custom: bool = True,
    default_region: str = "US",
    destination_kind: str = "campaign",
) -> MappingSuggestion:
    """Suggest which column feeds which field of ``spec``, and send the rest as custom variables.

    Each column maps to at most one field and each field takes at most one column; conflicts go
    to the higher confidence (a synonym beats a fuzzy match, which beats sniffed values).

    Args:
        frame: The loaded sheet, all text.
        spec: The chosen provider.
        custom: Send unmapped, non-empty columns as custom variables.
        default_region: Phone region for value sniffing (``US``).
        destination_kind: ``campaign`` or ``list`` (changes Instantly's required fields).
    """
    candidates: list[tuple[float, int, str, str, str]] = []  # (confidence, order, column, field, reason)
    samples: dict[str, list[str]] = {}
    notes: dict[str, tuple[str, float, str]] = {}
    concepts: list[tuple[int, str, tuple[str, float, str]]] = []
    for order, column in enumerate(frame.columns):
        header = str(column)
        values = sample_values(frame[column])
        samples[header] = values
        from_header = detect_concept(header)
        sniffed = sniff_values(values, default_region) if values else None
        choice: tuple[str, float, str] | None = from_header
        if from_header is not None:
            concept, conf, reason = from_header
            if concept in SNIFFABLE and len(values) >= 3:
                share = value_share(concept, values, default_region)
                if share >= 0.5:
                    conf = min(1.0, conf + 0.03) if share >= 0.8 else conf
                    choice = (concept, conf, reason)
                elif sniffed is not None:
                    choice = (sniffed[0], 0.6 + 0.3 * sniffed[1], sniffed[2] + " (not the header's meaning)")
                else:
                    choice = (concept, conf * 0.5, reason + "; values do not fit")
            elif (
                sniffed is not None
                and sniffed[0] != concept
                and sniffed[1] >= 0.95
                and (sniffed[0] in ("email", "linkedin", "company_linkedin"))
            ):
                choice = (sniffed[0], 0.6 + 0.3 * sniffed[1], sniffed[2])
        elif sniffed is not None:
            choice = (sniffed[0], 0.6 + 0.3 * sniffed[1], sniffed[2])
        if choice is None:
            continue
        notes[header] = choice
        concepts.append((order, header, choice))

    # German and Dutch CRMs write "Vorname" + "Name": next to a first-name column and without a
    # last-name column, a bare "Name" is the family name, not a full name.
    found = {c[0] for _, _, c in concepts}
    if "first_name" in found and "last_name" not in found:
        concepts = [
            (o, h, ("last_name", 0.7, f"‘{h}’ next to a first-name column reads as the last name"))
            if c[0] == "full_name" and normalize_header(h) in _BARE_NAMES
            else (o, h, c)
            for o, h, c in concepts
        ]
    for order, header, (concept, conf, reason) in concepts:
        target = _field_for_concept(spec, concept)
        if target is None:
            continue
        name, factor = target
        candidates.append((round(conf * factor, 3), -order, header, name, reason))

    candidates.sort(reverse=True)
    fields: dict[str, str] = {}
    used: set[str] = set()
    suggestions: list[Suggestion] = []
    for conf, _order, header, name, reason in candidates:
        if header in used or name in fields or conf < 0.45:
            continue
        fields[name] = header
        used.add(header)
        suggestions.append(Suggestion(header, name, conf, reason))

    custom_map: dict[str, str] = {}
    if custom:
        taken: set[str] = set()
        for column in frame.columns:
            header = str(column)
            if header in used or not _has_values(frame[column], samples.get(header, [])):
                continue
            name = _unique_name(sanitize_custom_name(header, spec), taken)
            taken.add(name.casefold())
            custom_map[header] = name
            note = notes.get(header)
            reason = "not a provider field"
            if note is not None and note[0] == "full_name":
                reason = "a full name: use the Split full name fix to fill first and last name"
            elif note is not None and note[0] in NON_FIELD_CONCEPTS | SNIFFABLE:
                reason = f"{note[0].replace('_', ' ')}: {spec.label} has no field for it"
            suggestions.append(Suggestion(header, f"{CUSTOM_PREFIX}{name}", 0.5, reason))

    rank = {f.name: i for i, f in enumerate(spec.fields)}
    ordered_fields = dict(sorted(fields.items(), key=lambda kv: rank.get(kv[0], 999)))
    missing = tuple(
        group_label(spec, group)
        for group in required_groups(spec, destination_kind)
        if not any(name in ordered_fields for name in group)
    )
    return MappingSuggestion(ColumnMapping(ordered_fields, custom_map), tuple(suggestions), missing)


def _has_values(series: pd.Series, sample: Sequence[str]) -> bool:
    if sample:
        return True
    if len(series) == 0:
        return False
    try:  # one vectorised pass: a file may have dozens of empty columns of a million rows
        text = pa.array(series.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return bool(clean_values(series).astype(bool).any())
    lengths = pc.utf8_length(pc.utf8_trim_whitespace(text.fill_null("")))
    return bool(pc.any(pc.greater(lengths, 0)).as_py())


def _unique_name(name: str, taken: set[str]) -> str:
    if name.casefold() not in taken:
        return name
    n = 2
    while f"{name}{n}".casefold() in taken:
        n += 1
    return f"{name}{n}"


# Keys a flat body already uses besides the spec's fields: a custom variable with one of these
# names would be read as something else by the provider.
_FLAT_RESERVED = frozenset({"id", "campaignid", "customvariables", "customfields", "variables"})


def sanitize_custom_name(header: str, spec: ProviderSpec) -> str:
    """A custom-variable name the provider takes and templates use: ``Taille société`` -> ``tailleSociete``.

    lemlist, SendPilot and Aktify get camelCase, Instantly snake_case (its documented style). A
    name that would collide with one of the provider's own fields (``Email`` as a custom
    variable) gets a ``Custom`` suffix: lemlist and SendPilot put custom variables beside the
    fields, and in Instantly and Aktify templates the two would read the same.
    """
    words = normalize_header(header).split() or ["custom"]
    if spec.custom_shape == "custom_variables":
        name = "_".join(words)
    else:
        name = words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])
    if name[0].isdigit():
        name = ("col_" if spec.custom_shape == "custom_variables" else "col") + name
    if is_reserved_name(name, spec):
        name += "_custom" if spec.custom_shape == "custom_variables" else "Custom"
    return name[:64]


def is_reserved_name(name: str, spec: ProviderSpec) -> bool:
    """Whether a custom variable called ``name`` would collide with a field of the provider.

    Compared folded (``first_name`` is ``firstName``); flat bodies also reserve the keys the
    provider itself sets on a lead (:data:`_FLAT_RESERVED`).
    """
    reserved = {re.sub(r"[^a-z0-9]", "", f.name.lower()) for f in spec.fields}
    if spec.custom_shape == "flat":
        reserved |= _FLAT_RESERVED
    return re.sub(r"[^a-z0-9]", "", name.lower()) in reserved
