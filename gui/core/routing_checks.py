"""Pure Python: the checks before sending, for a routed sheet: each campaign's emails, one list.

A routed sheet goes to several campaigns, and each has its own emails: the row routed to the
German campaign must have what *its* steps use, not what the English one's do. So the merge
tags are checked destination by destination on the rows routed there (:func:`check_routed`),
while the do-not-contact list, which is the provider's and not a campaign's, is checked once
over the whole sheet, exactly as :func:`gui.core.safety.check_before_upload` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gui.core.dnc_check import DncCheck, check_sheet
from gui.core.merge_tags import TagCheck, check_tags, not_checked
from gui.core.safety import CampaignRead, Safety, merge_reasons, unread_note

if TYPE_CHECKING:
    import pandas as pd

    from gui.core.cancel import CancelToken
    from gui.core.dnc import DncList
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.providers.base import ProviderSpec
    from gui.core.routing import RouteSplit


@dataclass(frozen=True)
class RoutedSafety:
    """What the checks found for a routed sheet; read as :class:`~gui.core.safety.Safety` is.

    Attributes:
        tags: Destination -> the merge-tag check of the rows routed there (row positions are
            the sheet's).
        dnc: Rows on the do-not-contact list, whatever their destination.
        allow_empty_tags: The user chose to send rows whose emails have an empty tag.
    """

    tags: Mapping[str, TagCheck]
    dnc: DncCheck = field(default_factory=DncCheck)
    allow_empty_tags: bool = False

    @property
    def invalid(self) -> Mapping[int, str]:
        """Rows held back for an empty tag in their own campaign's emails (none when allowed)."""
        if self.allow_empty_tags:
            return {}
        return merge_reasons(*(check.reasons for check in self.tags.values()))

    @property
    def skipped(self) -> Mapping[int, str]:
        """Rows on the do-not-contact list: skipped whatever the options say."""
        return self.dnc.reasons

    def lines(self) -> list[str]:
        """Each destination's tag lines, named by the destination, then the do-not-contact count."""
        out: list[str] = []
        for destination, check in self.tags.items():
            lines = Safety(check, DncCheck(), self.allow_empty_tags).lines()
            out += [f"{destination}: {line}" for line in lines]
        if self.dnc.count:
            out.append(self.dnc.message())
        return out


def check_routed(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    spec: ProviderSpec,
    campaigns: Mapping[str, CampaignRead],
    split: RouteSplit,
    *,
    dnc: DncList | None,
    region: str = "US",
    allow_empty_tags: bool = False,
    cancel: CancelToken | None = None,
) -> RoutedSafety:
    """Check each destination's rows against that destination's emails, and every row against the list.

    The arguments are :func:`gui.core.safety.check_before_upload`'s, with one campaign per destination:
    ``campaigns`` maps each destination to its :func:`~gui.core.safety.read_campaign` (one missing is
    reported as not checked) and ``split`` (:func:`gui.core.routing.split_rows`) says which rows go where.
    """
    rows_of: dict[str, list[int]] = {}
    for row, destination in split.destinations.items():
        rows_of.setdefault(destination, []).append(row)
    tags: dict[str, TagCheck] = {}
    for destination, rows in rows_of.items():
        read = campaigns.get(destination, CampaignRead(None, unread_note(spec, destination)))
        if read.text is None or spec.merge_tags is None:
            tags[destination] = not_checked(read.note or unread_note(spec, destination))
            continue
        rows.sort()
        part = frame.iloc[rows].reset_index(drop=True)
        check = check_tags(part, mapping, read.text, spec.merge_tags, cancel=cancel)
        # Positions in the part are positions in ``rows``: give the sheet's back.
        reasons = {rows[pos]: reason for pos, reason in check.reasons.items()}
        tags[destination] = TagCheck(check.checked, check.note, check.missing, reasons)
    listed = DncCheck() if dnc is None else check_sheet(frame, mapping, spec, dnc, region)
    return RoutedSafety(tags, listed, allow_empty_tags)
