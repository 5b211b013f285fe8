"""``upload``'s mapping options: ``--map`` refines the suggested (or preset) mapping, never replaces it.

A user who corrects one column expects every other column to stay as suggested; ``--only-mapped``
keeps the strict form (only the ``--map`` items) for scripts that want nothing implicit.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from gui.cli.common import UsageError

if TYPE_CHECKING:
    import pandas as pd

    from gui.core.mapping.columns import ColumnMapping
    from gui.core.providers.base import ProviderSpec

LEAVE_OUT = "-"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--map``, ``--unmap``, ``--only-mapped``, ``--preset`` and ``--no-custom``."""
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help='map a column, over the suggestion: --map "E-mail=email", --map "Notes=custom:notes"; '
        '"Header=-" leaves the column out',
    )
    parser.add_argument(
        "--unmap", action="append", default=[], metavar="HEADER", help="leave a column out (same as Header=-)"
    )
    parser.add_argument(
        "--only-mapped",
        action="store_true",
        help="send only the --map columns: no suggested fields, no custom variables",
    )
    parser.add_argument("--preset", help="saved preset name or a preset .json file (--map refines it)")
    parser.add_argument(
        "--no-custom",
        action="store_true",
        help="leave unmapped columns out (custom variables named with --map still go)",
    )


def resolve(
    frame: pd.DataFrame,
    spec: ProviderSpec,
    options: argparse.Namespace,
    *,
    base: ColumnMapping | None,
    destination_kind: str,
) -> ColumnMapping:
    """The mapping the upload will use: ``base`` (a preset's) or the suggestion, refined by the options.

    Raises:
        UsageError: A ``--map``/``--unmap`` item names no column or field, or contradicts another.
    """
    from gui.core.errors import MappingError
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.mapping.map_args import parse_map_args
    from gui.core.mapping.suggest import suggest_mapping

    columns = [str(c) for c in frame.columns]
    kept = [item for item in options.map if item.rpartition("=")[2].strip() != LEAVE_OUT]
    left_out = [item.rpartition("=")[0] for item in options.map if item not in kept]
    try:
        explicit = parse_map_args(kept, columns, spec)
    except MappingError as exc:
        raise UsageError(str(exc)) from None
    removed = {_header(columns, name) for name in [*left_out, *options.unmap]}
    both = sorted(removed & set(explicit.columns()))
    if both:
        raise UsageError(f"column ‘{both[0]}’ is both mapped (--map) and left out (--unmap or =-)")
    if base is None:
        base = (
            ColumnMapping()
            if options.only_mapped
            else suggest_mapping(
                frame,
                spec,
                custom=not options.no_custom,
                default_region=options.region,
                destination_kind=destination_kind,
            ).mapping
        )
    elif options.no_custom:
        base = ColumnMapping(fields=base.fields, custom={})
    return refine(base, explicit, removed)


def refine(base: ColumnMapping, explicit: ColumnMapping, removed: set[str]) -> ColumnMapping:
    """``base`` with the explicit choices laid over it and the ``removed`` columns taken out.

    An explicit item wins over the base for its column, its field and its custom-variable name; a
    column whose field was given to another column is left out rather than sent as a custom
    variable under a name that reads like the field.
    """
    from gui.core.mapping.columns import ColumnMapping

    claimed = set(explicit.columns()) | removed
    names = {name.casefold() for name in explicit.custom.values()}
    fields = {
        field: header
        for field, header in base.fields.items()
        if header not in claimed and field not in explicit.fields
    }
    custom = {
        header: name
        for header, name in base.custom.items()
        if header not in claimed and name.casefold() not in names
    }
    return ColumnMapping(fields={**fields, **explicit.fields}, custom={**custom, **explicit.custom})


def _header(columns: Sequence[str], name: str) -> str:
    """The file's header that ``name`` means, matched as ``--map`` matches (exact, then by case/spacing)."""
    from gui.core.mapping.map_args import _find_header

    header = _find_header(columns, name)
    if header is None:
        shown = ", ".join(columns[:12]) + (" …" if len(columns) > 12 else "")
        raise UsageError(f"cannot leave out ‘{name}’: the file has no such column. Columns: {shown}.")
    return header


def describe(mapping: ColumnMapping, columns: Iterable[object]) -> str:
    """The mapping as a user reads it before sending: one ``column -> field`` line each, then the rest."""
    targets = mapping.summary()
    headers = [str(c) for c in columns]
    width = max((len(h) for h in headers if h in targets), default=0)
    lines = [f"  {h:<{width}}  -> {targets[h]}" for h in headers if h in targets]
    left_out = [h for h in headers if h not in targets]
    out = ["mapping (column -> field):", *(lines or ["  (no column is mapped)"])]
    out.append("left out: " + (", ".join(left_out) if left_out else "none"))
    return "\n".join(out)
