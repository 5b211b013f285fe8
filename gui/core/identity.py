"""Pure Python: how a file and a lead are known across runs, whatever their names and spelling.

A file is known by its content (:func:`file_fingerprint`), so a renamed copy still resumes and
an edited one never resumes a run it does not match. A lead is known by its identity key
(:func:`lead_key`): the provider's own dedupe field first, normalised as the providers compare
it, so "already uploaded to this campaign" agrees with what the provider would call a duplicate.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

from gui.core.domain import FieldKind, Lead
from gui.core.providers.attribution import email_key, linkedin_key
from gui.core.providers.base import ProviderSpec


def file_fingerprint(path: Path) -> str:
    """The content identity of a file: its size and SHA-256 (about 0.2 s for 100 MB).

    Content, not name or mtime, so a renamed or re-saved-but-identical file still resumes,
    and an edited file never resumes a run it does not match.
    """
    digest = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return f"{size}:{digest.hexdigest()}"


def _norm_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return ("+" + digits) if value.strip().startswith("+") else digits


_NORMALISERS: dict[FieldKind, tuple[str, Callable[[str], str]]] = {
    # The same keys the clients attribute provider answers by, so "already uploaded" agrees.
    FieldKind.EMAIL: ("email", email_key),
    FieldKind.PHONE: ("phone", _norm_phone),
    FieldKind.LINKEDIN: ("linkedin", linkedin_key),
}


_Identity = tuple[tuple[str, str, Callable[[str], str]], ...]
#: Per spec object (held alive here, so its id stays unique); hashing a whole spec per lead is slow.
_identity_cache: dict[int, tuple[ProviderSpec, _Identity]] = {}


def _identity_fields(spec: ProviderSpec) -> _Identity:
    """The fields that can name a lead, the provider's dedupe field first (worked out once per spec)."""
    cached = _identity_cache.get(id(spec))
    if cached is not None and cached[0] is spec:
        return cached[1]
    kinds = {f.name: f.kind for f in spec.fields}
    names = [spec.dedupe_field] + [f.name for f in spec.fields if f.name != spec.dedupe_field]
    fields = tuple((n, *_NORMALISERS[kinds[n]]) for n in names if kinds.get(n) in _NORMALISERS)
    if len(_identity_cache) > 64:
        _identity_cache.clear()
    _identity_cache[id(spec)] = (spec, fields)
    return fields


def lead_key(lead: Lead, spec: ProviderSpec) -> str:
    """The identity of a lead for "already uploaded" and resume checks.

    The provider's own dedupe field comes first (lemlist and Instantly: email; Aktify:
    phone; SendPilot: LinkedIn URL), then any email, LinkedIn or phone field, each
    normalised the way providers compare them; a lead with none of those is known by a hash
    of all its values.
    """
    for name, label, normalise in _identity_fields(spec):
        value = lead.fields.get(name)
        if value:
            normalised = normalise(value)
            if normalised:
                return f"{label}:{normalised}"
    blob = json.dumps([sorted(lead.fields.items()), sorted(lead.custom.items())], ensure_ascii=False)
    return "hash:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]
