"""The mapping itself: which column feeds which provider field, and why it was suggested.

Also the header fingerprint that recognises the weekly export whatever its column order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gui.core.errors import MappingError

CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class ColumnMapping:
    """The user's (or the suggestion's) choice of columns.

    Attributes:
        fields: Provider field name to source column header.
        custom: Source column header to custom-variable name (already sanitised for the provider).
    """

    fields: Mapping[str, str] = field(default_factory=dict)
    custom: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, dict[str, str]]:
        """Plain JSON-ready form, used by presets and the remembered mappings."""
        return {"fields": dict(self.fields), "custom": dict(self.custom)}

    @classmethod
    def from_dict(cls, data: object) -> ColumnMapping:
        """Read :meth:`to_dict` output back; MappingError says what is wrong with a hand-edited file."""
        if not isinstance(data, Mapping):
            raise MappingError("A mapping must be an object with 'fields' and 'custom'.")
        out: dict[str, dict[str, str]] = {}
        for key in ("fields", "custom"):
            part = data.get(key, {})
            if not isinstance(part, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in part.items()
            ):
                raise MappingError(f"The mapping's '{key}' must map text to text.")
            out[key] = dict(part)
        headers = list(out["fields"].values())
        twice = sorted({h for h in headers if headers.count(h) > 1})
        if twice:
            raise MappingError(f"Column ‘{twice[0]}’ is mapped to more than one field.")
        both = sorted(set(headers) & set(out["custom"]))
        if both:
            raise MappingError(f"Column ‘{both[0]}’ is mapped to a field and also sent as a custom variable.")
        names = list(out["custom"].values())
        same = sorted({n for n in names if names.count(n) > 1})
        if same:
            raise MappingError(f"Two columns would be sent as the same custom variable ‘{same[0]}’.")
        return cls(fields=out["fields"], custom=out["custom"])

    def summary(self) -> dict[str, str]:
        """Header to field name, custom variables as ``custom:<name>``: the CLI ``--dry-run`` JSON."""
        out = {header: name for name, header in self.fields.items()}
        out.update({header: f"{CUSTOM_PREFIX}{name}" for header, name in self.custom.items()})
        return out

    def columns(self) -> list[str]:
        """Every source column the mapping reads, fields first."""
        return [*self.fields.values(), *self.custom]

    def column_for(self, field_name: str) -> str | None:
        """The header mapped to a provider field, if any."""
        return self.fields.get(field_name)

    def field_for(self, column: str) -> str | None:
        """The provider field a header feeds, if any (custom variables are not fields)."""
        return next((f for f, h in self.fields.items() if h == column), None)

    def renamed(self, renames: Mapping[str, str]) -> ColumnMapping:
        """The same mapping with headers renamed (a preset applied to a file whose headers differ in case)."""
        return ColumnMapping(
            fields={f: renames.get(h, h) for f, h in self.fields.items()},
            custom={renames.get(h, h): n for h, n in self.custom.items()},
        )


@dataclass(frozen=True)
class Suggestion:
    """Why one column was mapped to one field.

    Attributes:
        column: The source header.
        field: The provider field name, or ``custom:<name>`` for a custom variable.
        confidence: 0..1; the mapping panel shows low ones in amber.
        reason: Words for the user: ``header synonym``, ``fuzzy 87``, ``values look like emails``.
    """

    column: str
    field: str
    confidence: float
    reason: str


@dataclass(frozen=True)
class MappingSuggestion:
    """The suggested mapping, the reasons behind it, and what is still missing.

    Attributes:
        mapping: Ready to use (or to edit in the mapping panel).
        suggestions: One entry per mapped field or custom variable.
        missing_required: Human text per unmet required group, e.g. ``Email or LinkedIn URL``.
    """

    mapping: ColumnMapping
    suggestions: tuple[Suggestion, ...]
    missing_required: tuple[str, ...]


def header_key(header: object) -> str:
    """A header as "the same header" is judged: case and runs of spaces do not count."""
    return " ".join(str(header).casefold().split())


def header_fingerprint(columns: Sequence[object]) -> str:
    """A short id of a header set, the same whatever the column order, case or spacing.

    The weekly export is recognised by it even when the tool that makes it shuffles columns.
    """
    keys = sorted(header_key(c) for c in columns)
    digest = hashlib.sha256("\x1f".join(keys).encode("utf-8")).hexdigest()
    return digest[:20]
