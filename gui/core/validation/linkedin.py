"""LinkedIn profile URLs as comparison keys (duplicates) and in their canonical form (the fix)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from gui.core.validation.kernels import LINKEDIN_PATTERN

_LI_PREFIX = r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/"


def linkedin_key(values: pa.Array) -> pa.Array:
    """A comparison key per LinkedIn URL: ``linkedin.com/in/jane-doe`` whatever the scheme, host or query."""
    low = pc.utf8_lower(values)
    key = pc.replace_substring_regex(low, _LI_PREFIX, "linkedin.com/")
    key = pc.replace_substring_regex(key, r"[?#].*$", "")
    return pc.replace_substring_regex(key, r"/+$", "")


def normalize_linkedin_urls(values: pa.Array) -> pa.Array:
    """``http://fr.linkedin.com/in/Jane-Doe/?trk=x`` -> ``https://www.linkedin.com/in/jane-doe``, per value.

    Null where a value is not a LinkedIn profile URL. One pass over the array: the fix runs it on
    a million mostly distinct URLs.
    """
    text = pc.utf8_trim_whitespace(values)
    profile = pc.match_substring_regex(text, LINKEDIN_PATTERN, ignore_case=True)
    url = pc.binary_join_element_wise("https://www.", linkedin_key(text), "")
    return pc.if_else(profile, url, pa.nulls(len(values), type=pa.string()))


def normalize_linkedin_url(value: str) -> str | None:
    """:func:`normalize_linkedin_urls` for one value."""
    result: str | None = normalize_linkedin_urls(pa.array([value], type=pa.string()))[0].as_py()
    return result
