"""Pure Python: a campaign's merge tags checked against the sheet, and each email rendered per row.

The check answers one question before anything is sent: which rows would get an email
with a hole in it ("Hi ,")? A tag resolves against what this upload sends for the row: the
provider's standard field under its tag name, else a custom variable by its exact key.
The provider's own tags (sender, signature, unsubscribe) and spintax are never lead data.

The check is whole columns at a time: each lead tag's column is cleaned once and tested for
empty cells as one array, and rows are grouped by the pattern of their empty tags so one
reason string serves every row with the same holes (100k rows, six steps: well under 0.5 s).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

import numpy as np
import pandas as pd

from gui.core.campaign_text import CampaignText, EmailStep, TagVocabulary
from gui.core.cancel import CancelToken
from gui.core.mapping.columns import ColumnMapping
from gui.core.mapping.payload import clean_values

#: ``{{ name }}`` with no brace inside, so a tag nested in spintax is still found on its own.
TAG = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

TagKind = Literal["lead", "own", "spintax"]
PieceKind = Literal["text", "resolved", "unresolved", "own", "spintax"]


@dataclass(frozen=True)
class Tag:
    """One merge tag as written in a subject or body.

    Attributes:
        raw: The tag with its braces, as the prospect would see it if it went out literally.
        name: The variable name, or the spintax word.
        kind: Lead data, the provider's own, or spintax.
        options: Spintax choices in order; empty for other tags.
    """

    raw: str
    name: str
    kind: TagKind
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class MissingTag:
    """A lead tag that no mapped column provides: every row would send it empty.

    Attributes:
        tag: The tag as written, braces included.
        labels: The emails that use it, in campaign order.
    """

    tag: str
    labels: tuple[str, ...]

    @property
    def message(self) -> str:
        """One line for the whole sheet, naming the steps so the user can find the tag."""
        verb = "uses" if len(self.labels) == 1 else "use"
        return f"The campaign's {_join(self.labels)} {verb} {self.tag}; no column provides it."


@dataclass(frozen=True)
class TagCheck:
    """The outcome of checking one sheet against one campaign's emails.

    Attributes:
        checked: False when nothing could be checked (no text published, unreadable, no steps).
        note: One line for the pane and the CLI when nothing was checked, or the summary.
        missing: Lead tags that no mapped column provides.
        reasons: Row position to why its emails would go out broken; only flagged rows.
    """

    checked: bool
    note: str
    missing: tuple[MissingTag, ...] = ()
    reasons: Mapping[int, str] = field(default_factory=dict)

    @property
    def flagged(self) -> int:
        """Rows whose emails would go out with an empty tag."""
        return len(self.reasons)


@dataclass(frozen=True)
class Piece:
    """A run of an email as rendered: literal text or what one tag became.

    Attributes:
        text: What the prospect reads (the tag itself when it stays unresolved or is the provider's).
        kind: How the preview marks it.
        tag: The tag's name; empty for literal text.
    """

    text: str
    kind: PieceKind
    tag: str = ""


@dataclass(frozen=True)
class RenderedEmail:
    """One email as one prospect gets it.

    Attributes:
        step: The email as the campaign stores it.
        subject: The subject, piece by piece.
        body: The body, piece by piece; literal pieces keep their HTML.
        unresolved: Every lead tag that would go out empty, braces included, in order.
    """

    step: EmailStep
    subject: tuple[Piece, ...]
    body: tuple[Piece, ...]
    unresolved: tuple[str, ...]


def not_checked(note: str) -> TagCheck:
    """A check that did not run, with the one line that says why (the upload stays possible)."""
    return TagCheck(checked=False, note=note)


def parse_tag(raw: str, inner: str, vocab: TagVocabulary) -> Tag:
    """Classify one tag: spintax, the provider's own, or lead data."""
    if vocab.spintax and "|" in inner:
        head, *options = (part.strip() for part in inner.split("|"))
        if head == vocab.spintax:
            return Tag(raw, head, "spintax", tuple(options))
    if inner in vocab.own or any(inner.startswith(p) for p in vocab.own_prefixes):
        return Tag(raw, inner, "own")
    return Tag(raw, inner, "lead")


def find_tags(text: str, vocab: TagVocabulary) -> tuple[Tag, ...]:
    """Every tag in a subject or body, in the order written."""
    return tuple(parse_tag(m.group(0), m.group(1), vocab) for m in TAG.finditer(text))


def lead_tags(campaign: CampaignText, vocab: TagVocabulary) -> dict[str, tuple[str, ...]]:
    """Each lead tag's name to the labels of the emails that use it, in campaign order."""
    used: dict[str, list[str]] = {}
    for step in campaign.steps:
        for tag in find_tags(step.subject + "\n" + step.body, vocab):
            if tag.kind != "lead":
                continue
            labels = used.setdefault(tag.name, [])
            if step.label not in labels:
                labels.append(step.label)
    return {name: tuple(labels) for name, labels in used.items()}


def tag_columns(mapping: ColumnMapping, vocab: TagVocabulary) -> dict[str, str]:
    """Tag name to the sheet column that fills it in this upload.

    Standard fields come first under every spelling the provider accepts; a custom variable
    fills the tag with its exact key (keys are case-sensitive), so a column sent as
    ``icebreaker_line`` does not fill ``{{icebreaker}}``.
    """
    out = {key: header for header, key in mapping.custom.items()}
    for tag, field_name in vocab.fields.items():
        header = mapping.fields.get(field_name)
        if header is not None:
            out[tag] = header
    return out


def check_tags(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    campaign: CampaignText,
    vocab: TagVocabulary,
    *,
    cancel: CancelToken | None = None,
) -> TagCheck:
    """Find the rows whose emails would go out with an empty or unprovided lead tag.

    A tag no column provides flags every row (each of those emails has the hole) and also
    gets one whole-sheet message, so the user fixes the mapping rather than reading 10,000
    identical reasons.

    Args:
        frame: The sheet as it would be sent (fixes applied).
        mapping: The upload's mapping.
        campaign: The campaign's emails.
        vocab: The provider's tag vocabulary.
        cancel: Checked between columns; a cancel raises :class:`~gui.core.errors.Cancelled`.
    """
    if not campaign.steps:
        return not_checked("The campaign has no emails yet, so there is nothing to check.")
    used = lead_tags(campaign, vocab)
    columns = tag_columns(mapping, vocab)
    missing = tuple(
        MissingTag("{{" + name + "}}", labels) for name, labels in used.items() if name not in columns
    )
    names = list(used)
    pattern = np.zeros(len(frame), dtype=object if len(names) > 62 else np.int64)
    for bit, name in enumerate(names):
        if cancel is not None:
            cancel.raise_if_cancelled()
        header = columns.get(name)
        if header is None or header not in frame.columns:
            empty = np.ones(len(frame), dtype=bool)
        else:
            empty = clean_values(frame[header]) == ""
        pattern[empty] += 1 << bit
    reasons = _reasons(pattern, names, used, columns)
    note = _summary(len(campaign.steps), len(used), len(reasons), missing)
    return TagCheck(checked=True, note=note, missing=missing, reasons=reasons)


def _reasons(
    pattern: np.ndarray,
    names: Sequence[str],
    used: Mapping[str, tuple[str, ...]],
    columns: Mapping[str, str],
) -> dict[int, str]:
    """Row position to reason, one string built per distinct pattern of empty tags."""
    flagged = np.flatnonzero(pattern != 0)
    if not len(flagged):
        return {}
    kinds, inverse = np.unique(pattern[flagged], return_inverse=True)
    texts = []
    for bits in kinds.tolist():
        parts = []
        for bit, name in enumerate(names):
            if int(bits) >> bit & 1:
                where = _join(used[name])
                why = "no column provides it" if name not in columns else "empty in this row"
                parts.append(f"{{{{{name}}}}} in {where} ({why})")
        texts.append("Would go out with an empty merge tag: " + "; ".join(parts))
    return dict(zip(flagged.tolist(), [texts[i] for i in inverse.tolist()], strict=True))


def _summary(steps: int, tags: int, flagged: int, missing: Sequence[MissingTag]) -> str:
    emails = f"{steps} email{'s' if steps != 1 else ''}"
    if not tags:
        return f"Checked {emails}: they use no lead data, so every row reads the same."
    if not flagged:
        return f"Checked {emails}: every row fills all {tags} merge tag{'s' if tags != 1 else ''}."
    rows = f"{flagged:,} row{'s' if flagged != 1 else ''}"
    if missing:
        return f"Checked {emails}: {missing[0].message} {rows} would go out with an empty merge tag."
    return f"Checked {emails}: {rows} would go out with an empty merge tag."


def row_values(frame: pd.DataFrame, mapping: ColumnMapping, vocab: TagVocabulary, row: int) -> dict[str, str]:
    """Tag name to the value this upload sends for one row (cleaned as sending cleans it)."""
    out: dict[str, str] = {}
    for tag, header in tag_columns(mapping, vocab).items():
        if header in frame.columns:
            (value,) = clean_values(frame[header].iloc[[row]])
            out[tag] = str(value)
    return out


def render_text(text: str, values: Mapping[str, str], vocab: TagVocabulary) -> tuple[Piece, ...]:
    """A subject or body cut into literal text and what each tag becomes for one prospect.

    Spintax shows its first option (the provider picks one per send; the first is the one
    the user wrote first). The provider's own tags stay as written: only it can fill them.
    """
    pieces: list[Piece] = []
    at = 0
    for match in TAG.finditer(text):
        if match.start() > at:
            pieces.append(Piece(text[at : match.start()], "text"))
        tag = parse_tag(match.group(0), match.group(1), vocab)
        if tag.kind == "spintax":
            pieces.append(Piece(tag.options[0] if tag.options else "", "spintax", tag.name))
        elif tag.kind == "own":
            pieces.append(Piece(tag.raw, "own", tag.name))
        elif values.get(tag.name, ""):
            pieces.append(Piece(values[tag.name], "resolved", tag.name))
        else:
            pieces.append(Piece(tag.raw, "unresolved", tag.name))
        at = match.end()
    if at < len(text):
        pieces.append(Piece(text[at:], "text"))
    return tuple(pieces)


def render_row(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    campaign: CampaignText,
    vocab: TagVocabulary,
    row: int,
) -> tuple[RenderedEmail, ...]:
    """Every email of the campaign as the prospect in ``row`` (a frame position) gets it."""
    values = row_values(frame, mapping, vocab, row)
    out = []
    for step in campaign.steps:
        subject = render_text(step.subject, values, vocab)
        body = render_text(step.body, values, vocab)
        unresolved = tuple(dict.fromkeys(p.text for p in (*subject, *body) if p.kind == "unresolved"))
        out.append(RenderedEmail(step, subject, body, unresolved))
    return tuple(out)


def pieces_html(pieces: Sequence[Piece]) -> str:
    """The pieces joined back into HTML: literal runs as stored, values escaped."""
    return "".join(p.text if p.kind == "text" else html.escape(p.text) for p in pieces)


def pieces_text(pieces: Sequence[Piece], *, is_html: bool) -> str:
    """The pieces as plain text, the way a terminal or a text-only mail client reads them."""
    if not is_html:
        return "".join(p.text for p in pieces)
    return html_to_text(pieces_html(pieces))


def looks_like_html(text: str) -> bool:
    """True when a body holds markup (lemlist LinkedIn steps and some templates are plain)."""
    return bool(re.search(r"<\s*(p|br|div|span|a|b|i|strong|em|ul|ol|li|table)\b", text, re.IGNORECASE))


def html_to_text(markup: str) -> str:
    """HTML to readable plain text: paragraphs and breaks become new lines, links keep their words."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _TextParser(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "ul", "ol", "table", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in self._BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def _join(labels: Sequence[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]
