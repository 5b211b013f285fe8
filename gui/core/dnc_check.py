"""Pure Python: which rows of a sheet are on the do-not-contact list, and why.

A row is on the list when its email, its email's domain or any parent domain of it (a listed
``acme.com`` covers ``eu.acme.com``), its phone in E.164 or its LinkedIn URL is. Such a row is
skipped whatever the options: this check has no switch.

The sheet's values go into a temporary table and meet the list in one indexed join, so a
million entries are never read into memory: only the rows that match come back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gui.core.dnc import KINDS, DncList
from gui.core.mapping.columns import ColumnMapping
from gui.core.mapping.payload import clean_values
from gui.core.providers.base import ProviderSpec
from gui.core.validation.linkedin import normalize_linkedin_urls
from gui.core.validation.phones import phones_e164

#: How each source reads in a reason; a file's name reads "from <name>".
SOURCE_WORDS = {
    "typed": "typed in",
    "lemlist": "from lemlist unsubscribes",
    "instantly": "from the Instantly block list",
}


@dataclass(frozen=True)
class DncCheck:
    """The rows a sheet must not send.

    Attributes:
        reasons: Row position to the reason naming the entry and its source.
        entries: How many list entries there were when the check ran.
    """

    reasons: Mapping[int, str] = field(default_factory=dict)
    entries: int = 0

    @property
    def count(self) -> int:
        """Rows that will be skipped."""
        return len(self.reasons)

    def message(self) -> str:
        """The line the window shows before the upload starts."""
        if not self.reasons:
            return ""
        rows = f"{self.count:,} row{'s' if self.count != 1 else ''}"
        return f"{rows} on the do-not-contact list will be skipped."


def source_words(source: str) -> str:
    """How a source reads in a reason."""
    return SOURCE_WORDS.get(source, f"from {source}")


def reason(value: str, source: str) -> str:
    """The reason a skipped row shows: "on the do-not-contact list: acme.com, from lemlist unsubscribes"."""
    return f"on the do-not-contact list: {value}, {source_words(source)}"


def _column(
    frame: pd.DataFrame, mapping: ColumnMapping, spec: ProviderSpec, concept: str
) -> np.ndarray | None:
    lead_field = spec.field_for_concept(concept)
    header = mapping.fields.get(lead_field.name) if lead_field is not None else None
    if header is None or header not in frame.columns:
        return None
    return clean_values(frame[header])


def _probes(
    frame: pd.DataFrame, mapping: ColumnMapping, spec: ProviderSpec, region: str, kinds: set[str]
) -> Iterator[tuple[int, str, int]]:
    """``(row, value, priority)`` for every value of every row that could be on the list.

    Only the kinds the list holds are probed. The priority orders a row's matches so its
    reason names the most specific entry: the email before its domain, a sub-domain before
    its parent. Whole columns are worked on as arrow arrays; Python only zips the result.
    """
    emails = _column(frame, mapping, spec, "email")
    if emails is not None and kinds & {"email", "domain"}:
        text = pc.utf8_lower(pa.array(emails.tolist(), type=pa.string()))
        rows = np.flatnonzero(pc.match_substring(text, "@").to_numpy(zero_copy_only=False))
        text = text.take(pa.array(rows))
        if "email" in kinds:
            yield from zip(rows.tolist(), text.to_pylist(), repeat(0), strict=False)
        if "domain" in kinds:
            domains = pc.replace_substring_regex(text, r"^.*@", "")
            for level in range(1, 10):  # eu.acme.com, then acme.com; never the bare top-level "com"
                dotted = pc.match_substring(domains, ".").to_numpy(zero_copy_only=False)
                if not dotted.any():
                    break
                rows, domains = rows[dotted], domains.filter(pa.array(dotted))
                yield from zip(rows.tolist(), domains.to_pylist(), repeat(level), strict=False)
                domains = pc.replace_substring_regex(domains, r"^[^.]*\.", "")
    phones = _column(frame, mapping, spec, "phone")
    if phones is not None and "phone" in kinds:
        e164 = phones_e164(pa.array(phones.tolist(), type=pa.string()), region).to_pylist()
        yield from ((row, value, 50) for row, value in enumerate(e164) if value)
    linkedin = _column(frame, mapping, spec, "linkedin")
    if linkedin is not None and "linkedin" in kinds:
        urls = normalize_linkedin_urls(pa.array(linkedin.tolist(), type=pa.string())).to_pylist()
        yield from ((row, value, 60) for row, value in enumerate(urls) if value)


def check_sheet(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    spec: ProviderSpec,
    dnc: DncList,
    region: str = "US",
) -> DncCheck:
    """Every row of the sheet that is on the list, with the entry and source that put it there.

    Args:
        frame: The sheet as it would be sent (fixes applied).
        mapping: Which columns hold the email, phone and LinkedIn URL.
        spec: The provider (its fields say which concept each column carries).
        dnc: The list.
        region: How phones in national form are read.
    """
    with dnc.reading() as db:
        total = int(db.execute("SELECT count(*) FROM entries").fetchone()[0])
        held = "SELECT 1 FROM entries WHERE kind = ? LIMIT 1"
        kinds: set[str] = {k for k in KINDS if db.execute(held, (k,)).fetchone()}
        if not kinds:
            return DncCheck(entries=total)
        probes = _probes(frame, mapping, spec, region, kinds)
        db.execute("CREATE TEMP TABLE IF NOT EXISTS probe(row INTEGER, value TEXT, priority INTEGER)")
        db.execute("BEGIN")  # one transaction for the inserts; the rollback empties the probe table
        try:
            db.executemany("INSERT INTO probe VALUES (?, ?, ?)", probes)
            hits = db.execute(
                "SELECT p.row, e.value, e.source FROM probe p JOIN entries e ON e.value = p.value"
                " ORDER BY p.row, p.priority"
            ).fetchall()
        finally:
            db.execute("ROLLBACK")
    reasons: dict[int, str] = {}
    for row, value, source in hits:
        reasons.setdefault(int(row), reason(value, source))
    return DncCheck(reasons=reasons, entries=total)
