"""What a column's values look like: emails, LinkedIn URLs, phones, US states, ZIP codes...

A header such as ``Column 3`` says nothing; a sample of its values often does, and values also
confirm or overrule what a header seems to say.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
import phonenumbers

_EMAIL_SNIFF = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_LINKEDIN_PROFILE = re.compile(r"^(https?://)?([a-z]{2,3}\.)?linkedin\.com/(in|pub)/[^/\s]+", re.I)
_LINKEDIN_COMPANY = re.compile(r"^(https?://)?([a-z]{2,3}\.)?linkedin\.com/(company|school|showcase)/", re.I)
_URL = re.compile(r"^(https?://)?([a-z0-9-]+\.)+[a-z]{2,}(:\d+)?(/\S*)?$", re.I)
_IMAGE = re.compile(r"\.(jpe?g|png|gif|webp|svg|bmp)(\?\S*)?$|/(photo|avatar|image|picture)s?/", re.I)
_ZIP = re.compile(r"^\d{5}(-?\d{4})?$")
_PHONE_SHAPE = re.compile(r"^\+?[\d\s().\-/]{7,24}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")

US_STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "U.S. Virgin Islands",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
    "AA": "Armed Forces Americas",
    "AE": "Armed Forces Europe",
    "AP": "Armed Forces Pacific",
}
US_STATE_NAMES: dict[str, str] = {name.casefold(): code for code, name in US_STATES.items()}


@lru_cache(maxsize=1)
def timezones() -> frozenset[str]:
    """Every IANA time zone name this system knows."""
    return frozenset(zoneinfo.available_timezones())


def _looks_like_phone(value: str, region: str) -> bool:
    if not _PHONE_SHAPE.match(value) or _ZIP.match(value) or _ISO_DATE.match(value):
        return False
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))


_SNIFFERS: tuple[tuple[str, str], ...] = (
    ("email", "emails"),
    ("linkedin", "LinkedIn profile URLs"),
    ("company_linkedin", "LinkedIn company pages"),
    ("timezone", "time zones"),
    ("us_state", "US states"),
    ("zip", "ZIP codes"),
    ("created_at", "ISO dates"),
    ("phone", "phone numbers"),
    ("picture", "picture URLs"),
    ("website", "web addresses"),
)


def _sniff_one(concept: str, value: str, region: str) -> bool:
    if concept == "email":
        return bool(_EMAIL_SNIFF.match(value))
    if concept == "linkedin":
        return bool(_LINKEDIN_PROFILE.match(value))
    if concept == "company_linkedin":
        return bool(_LINKEDIN_COMPANY.match(value))
    if concept == "timezone":
        return value in timezones() and "/" in value
    if concept == "us_state":
        return value.upper() in US_STATES or value.casefold() in US_STATE_NAMES
    if concept == "zip":
        return bool(_ZIP.match(value))
    if concept == "created_at":
        return bool(_ISO_DATE.match(value))
    if concept == "phone":
        return _looks_like_phone(value, region)
    if concept == "picture":
        return bool(_URL.match(value) and _IMAGE.search(value))
    if concept == "website":
        return bool(_URL.match(value)) and "linkedin.com" not in value.lower()
    return False


#: Concepts whose values can be recognised, so values may confirm or overrule a header.
SNIFFABLE = frozenset(c for c, _ in _SNIFFERS)


def sample_values(series: pd.Series, limit: int = 200) -> list[str]:
    """Up to ``limit`` non-empty stripped values from the top of a column (deterministic)."""
    out: list[str] = []
    start = 0
    step = max(limit * 5, 1000)
    while len(out) < limit and start < len(series):
        chunk = series.iloc[start : start + step]
        for value in chunk.tolist():
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                continue
            text = str(value).strip()
            if text:
                out.append(text)
                if len(out) >= limit:
                    break
        start += step
        if start >= 20 * step:
            break
    return out


def sniff_values(values: Sequence[str], region: str = "US") -> tuple[str, float, str] | None:
    """The concept a sample of values shows, the share that fits, and the reason in words."""
    if len(values) < 3:
        return None
    for concept, words in _SNIFFERS:
        share = sum(1 for v in values if _sniff_one(concept, v, region)) / len(values)
        needed = 0.9 if concept in ("us_state", "zip", "created_at", "website") else 0.8
        if share >= needed:
            return concept, share, f"values look like {words}"
    return None


def value_share(concept: str, values: Sequence[str], region: str) -> float:
    """The share of a sample that looks like ``concept`` (all of it when the sample is empty)."""
    if not values:
        return 1.0
    return sum(1 for v in values if _sniff_one(concept, v, region)) / len(values)
