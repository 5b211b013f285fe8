"""The CLI's ``--map "Header=field"`` items read into a mapping, with errors that say what to type."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from gui.core.errors import MappingError
from gui.core.mapping.columns import CUSTOM_PREFIX, ColumnMapping
from gui.core.mapping.headers import normalize_header
from gui.core.mapping.suggest import is_reserved_name, sanitize_custom_name
from gui.core.providers.base import ProviderSpec


def _find_field(spec: ProviderSpec, text: str) -> str | None:
    wanted = text.strip()
    for f in spec.fields:
        if f.name == wanted:
            return f.name
    folded = normalize_header(wanted)
    for f in spec.fields:
        if normalize_header(f.name) == folded or normalize_header(f.label) == folded:
            return f.name
    for f in spec.fields:
        if f.concept and normalize_header(f.concept) == folded:
            return f.name
    return None


def _find_header(columns: Sequence[str], text: str) -> str | None:
    if text in columns:
        return text
    folded = [c for c in columns if c.casefold().strip() == text.casefold().strip()]
    if len(folded) == 1:
        return folded[0]
    normed = [c for c in columns if normalize_header(c) == normalize_header(text)]
    return normed[0] if len(normed) == 1 else None


def parse_map_args(
    items: Sequence[str], frame_columns: Iterable[object], spec: ProviderSpec
) -> ColumnMapping:
    """Read CLI ``--map "Header=field"`` / ``"Header=custom:name"`` / ``"Header=custom"`` items.

    A header matches exactly, else case-insensitively when that is unambiguous. A field may be
    given by its API name, its label or its concept (``email``).

    Raises:
        MappingError: Unknown header or field, a field given twice, a malformed item.
    """
    columns = [str(c) for c in frame_columns]
    fields: dict[str, str] = {}
    custom: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise MappingError(f'--map {item!r}: write it as "Header=field" (or "Header=custom:name").')
        left, right = item.rsplit("=", 1)
        header = _find_header(columns, left)
        if header is None:
            shown = ", ".join(columns[:12]) + (" …" if len(columns) > 12 else "")
            raise MappingError(f"--map {item!r}: the file has no column ‘{left}’. Columns: {shown}.")
        if header in fields.values() or header in custom:
            raise MappingError(f"--map {item!r}: column ‘{header}’ is already mapped.")
        target = right.strip()
        if target.lower() == "custom" or target.lower().startswith(CUSTOM_PREFIX):
            name = target[len(CUSTOM_PREFIX) :].strip() if ":" in target else ""
            name = name or sanitize_custom_name(header, spec)
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", name):
                raise MappingError(
                    f"--map {item!r}: ‘{name}’ cannot be a custom variable name "
                    "(letters, digits and _ only, starting with a letter)."
                )
            if is_reserved_name(name, spec):
                raise MappingError(
                    f"--map {item!r}: ‘{name}’ is a {spec.label} field name; map the column to the field "
                    "or pick another name."
                )
            if name in custom.values():
                raise MappingError(f"--map {item!r}: the custom variable ‘{name}’ is used twice.")
            custom[header] = name
            continue
        field_name = _find_field(spec, target)
        if field_name is None:
            names = ", ".join(f.name for f in spec.fields)
            raise MappingError(f"--map {item!r}: {spec.label} has no field ‘{target}’. Fields: {names}.")
        if field_name in fields:
            raise MappingError(
                f"--map {item!r}: {field_name} is already fed by column ‘{fields[field_name]}’; "
                "a field takes one column."
            )
        fields[field_name] = header
    return ColumnMapping(fields, custom)
