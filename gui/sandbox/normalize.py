"""Duplicate keys the emulated providers compare leads by."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_LINKEDIN_HOST = re.compile(r"^(?:[a-z]{2,3}\.|www\.)?linkedin\.com$")
_PROFILE = re.compile(r"^/(?:in|pub)/[^/]+")


def linkedin_key(url: str) -> str | None:
    """``linkedin.com/in/slug`` for any spelling of a profile URL, or None when it is not one.

    Case, scheme, ``www.`` or a country subdomain, query, fragment and a trailing slash do not make a
    different person (providers.md §3.3: SendPilot dedupes by LinkedIn URL; its normalisation is [I]).
    """
    raw = url.strip()
    if not raw:
        return None
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not _LINKEDIN_HOST.match(host):
        return None
    path = re.sub(r"/+", "/", parts.path).rstrip("/").lower()
    match = _PROFILE.match(path)
    if not match:
        return None
    return "linkedin.com" + match.group(0)


def phone_key(phone: str) -> str | None:
    """The 10 digits of a US number (a leading country code 1 dropped), or None when it has no 10 digits."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) == 10 else None
