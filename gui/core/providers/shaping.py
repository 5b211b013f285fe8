"""Pure Python: how a lead's custom variables and the run's options become request JSON.

Shared by the provider clients so every provider treats a custom column whose name collides
with a real field the same way, and reads an option given as ``True`` or as ``"true"`` alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

#: Put in front of a custom variable whose name is a real field of the provider.
COLLISION_PREFIX = "custom_"

_TRUE = {"true", "1", "yes", "on"}


def option_on(options: Mapping[str, bool | str], name: str) -> bool:
    """True when option ``name`` is switched on (``True`` or a text such as ``"true"``/``"1"``)."""
    value = options.get(name, False)
    if isinstance(value, bool):
        return value
    return value.strip().lower() in _TRUE


def option_text(options: Mapping[str, bool | str], name: str) -> str:
    """A text option, stripped; empty when unset or given as a bool."""
    value = options.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def custom_names(custom: Iterable[str], reserved: Iterable[str]) -> dict[str, str]:
    """The name each custom variable is sent under, so none overwrites a real field.

    A name that matches a reserved name case-insensitively (lemlist and SendPilot merge custom
    keys with the lead's own fields; providers.md §1.3 leaves the case question open) gets
    :data:`COLLISION_PREFIX`, then a number if that is taken too. Renaming keeps the user's data
    where dropping it would lose a column silently.

    Args:
        custom: The custom-variable names, as the mapping layer sanitised them.
        reserved: The provider's own field names (and any other top-level key of a lead).

    Returns:
        Original name to the name to send.
    """
    names = list(custom)
    reserved_lower = {r.lower() for r in reserved}
    taken = reserved_lower | {n.lower() for n in names}
    out: dict[str, str] = {}
    for name in names:
        if name.lower() not in reserved_lower:
            out[name] = name
            continue
        candidate = f"{COLLISION_PREFIX}{name}"
        number = 2
        while candidate.lower() in taken:
            candidate = f"{COLLISION_PREFIX}{name}_{number}"
            number += 1
        taken.add(candidate.lower())
        out[name] = candidate
    return out


def flat_body(
    fields: Mapping[str, str], custom: Mapping[str, str], reserved: Iterable[str]
) -> dict[str, object]:
    """A lead as one flat object: its fields, then its custom variables renamed off collisions."""
    body: dict[str, object] = dict(fields)
    names = custom_names(custom, [*reserved, *fields])
    for name, value in custom.items():
        body[names[name]] = str(value)
    return body


_NUMBER = re.compile(r"-?(0|[1-9][0-9]{0,14})(\.[0-9]*[1-9])?")


def typed_value(value: str) -> str | int | float | bool | None:
    """A cell's text as the JSON type it reads as, only where no information is lost.

    ``"true"``/``"false"`` (any case) become booleans and an empty cell ``None``. A number
    becomes a number only when writing it back gives the same text: ``"02134"`` (a ZIP),
    ``"+1555..."`` (a phone), ``"1.50"`` and ids longer than 15 digits stay text.
    """
    text = value.strip()
    if not text:
        return None
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if _NUMBER.fullmatch(text):
        number: int | float = json.loads(text)
        if json.dumps(number) == text:
            return number
    return value
