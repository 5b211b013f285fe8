"""Pure Python: saved mappings (presets) and the mapping remembered for each header set.

A preset is a small JSON file: a name, the provider, the mapping by header, the fixes to
replay and the provider options. It lives under ``paths.home()/presets/`` and is found again
by the file's header fingerprint, so "the weekly Apollo export" maps itself even when the
columns come in another order. Export/import copy the same file, so a colleague gets exactly
what was saved; import checks it and says what is wrong in words.

Apart from named presets, the last mapping used for a header set and provider is kept
automatically (``remembered.json``), which is what makes a recurring file need no clicks.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gui.core import paths
from gui.core.errors import MappingError
from gui.core.fixes import FixStep
from gui.core.mapping.columns import ColumnMapping, header_fingerprint, header_key
from gui.core.providers import PROVIDER_IDS

__all__ = [
    "FORMAT",
    "Preset",
    "delete_preset",
    "export_preset",
    "find_preset_for",
    "import_preset",
    "list_presets",
    "load_preset",
    "recall_mapping",
    "remember_mapping",
    "save_preset",
]

FORMAT = "leadloader-preset"
VERSION = 1
_REMEMBERED = "remembered.json"
_REMEMBER_LIMIT = 200


@dataclass(frozen=True)
class Preset:
    """A saved mapping with its fixes and options.

    Attributes:
        name: What the user called it.
        provider: Provider id (``lemlist``...).
        mapping: Provider field -> header, header -> custom variable.
        fixes: Fix steps replayed after loading a file.
        options: Provider options (``deduplicate``...).
        columns: The headers of the file it was made on (for the fingerprint and for messages).
        fingerprint: :func:`header_fingerprint` of ``columns``.
        saved_at: ISO time of the last save, to prefer the newest of two matching presets.
    """

    name: str
    provider: str
    mapping: ColumnMapping
    fixes: tuple[FixStep, ...] = ()
    options: Mapping[str, bool | str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    fingerprint: str = ""
    saved_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON document written to disk."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "provider": self.provider,
            "mapping": self.mapping.to_dict(),
            "fixes": [step.to_dict() for step in self.fixes],
            "options": dict(self.options),
            "columns": list(self.columns),
            "fingerprint": self.fingerprint or header_fingerprint(self.columns),
            "saved_at": self.saved_at,
        }

    @classmethod
    def from_dict(cls, data: object, *, source: str = "preset") -> Preset:
        """Check and read a preset document; MappingError names the file and the problem."""
        if not isinstance(data, Mapping):
            raise MappingError(f"{source}: not a LeadLoader preset (expected a JSON object).")
        if data.get("format") != FORMAT:
            raise MappingError(f'{source}: not a LeadLoader preset (no "format": "{FORMAT}").')
        version = data.get("version")
        if not isinstance(version, int) or version > VERSION:
            raise MappingError(f"{source}: made by a newer LeadLoader (version {version}); update the app.")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise MappingError(f"{source}: the preset has no name.")
        provider = data.get("provider")
        if provider not in PROVIDER_IDS:
            raise MappingError(
                f"{source}: unknown provider {provider!r}; expected one of {', '.join(PROVIDER_IDS)}."
            )
        try:
            mapping = ColumnMapping.from_dict(data.get("mapping"))
        except MappingError as exc:
            raise MappingError(f"{source}: {exc}") from exc
        from gui.core.providers import get_spec

        known = {f.name for f in get_spec(str(provider)).fields}
        unknown = sorted(set(mapping.fields) - known)
        if unknown:
            raise MappingError(f"{source}: {provider} has no field ‘{unknown[0]}’.")
        raw_fixes = data.get("fixes", [])
        if not isinstance(raw_fixes, list):
            raise MappingError(f"{source}: 'fixes' must be a list.")
        try:
            fixes = tuple(FixStep.from_dict(item) for item in raw_fixes)
        except MappingError as exc:
            raise MappingError(f"{source}: {exc}") from exc
        options = data.get("options", {})
        if not isinstance(options, Mapping) or not all(
            isinstance(k, str) and isinstance(v, (bool, str)) for k, v in options.items()
        ):
            raise MappingError(f"{source}: 'options' must map names to true/false or text.")
        columns = data.get("columns", [])
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise MappingError(f"{source}: 'columns' must be a list of headers.")
        if not columns:
            columns = mapping.columns()
        saved_at = data.get("saved_at", "")
        return cls(
            name=name.strip(),
            provider=str(provider),
            mapping=mapping,
            fixes=fixes,
            options=dict(options),
            columns=tuple(columns),
            fingerprint=header_fingerprint(columns),
            saved_at=saved_at if isinstance(saved_at, str) else "",
        )

    def mapping_for(self, columns: Sequence[object]) -> ColumnMapping:
        """The mapping with headers matched to this file's spelling (case and spacing may differ)."""
        return self.mapping.renamed(_case_renames(self.mapping.columns(), {str(c) for c in columns}))

    def fits(self, columns: Sequence[object]) -> list[str]:
        """Headers the preset needs that the file lacks (empty when it fits)."""
        present = {str(c) for c in columns}
        return [h for h in self.mapping.columns() if h not in present]


def presets_dir() -> Path:
    """Where presets live (created on first use)."""
    folder = paths.home() / "presets"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name.strip()).strip("-.")
    return (slug or "preset")[:80]


def _write_json(path: Path, data: object) -> None:
    """Write atomically: a crash mid-write never leaves half a preset."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise MappingError(f"{path.name}: no such preset file.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path.name}: cannot be read ({exc}).") from exc
    except json.JSONDecodeError as exc:
        raise MappingError(f"{path.name}: not valid JSON (line {exc.lineno}: {exc.msg}).") from exc


def save_preset(
    name: str,
    provider: str,
    mapping: ColumnMapping,
    columns: Sequence[object],
    *,
    fixes: Sequence[FixStep] = (),
    options: Mapping[str, bool | str] | None = None,
) -> Preset:
    """Save (or overwrite) a preset by name and return it."""
    if not name.strip():
        raise MappingError("Give the preset a name.")
    preset = Preset.from_dict(
        Preset(
            name=name.strip(),
            provider=provider,
            mapping=mapping,
            fixes=tuple(fixes),
            options=dict(options or {}),
            columns=tuple(str(c) for c in columns),
            saved_at=datetime.now(UTC).isoformat(timespec="seconds"),
        ).to_dict(),
        source=f"Preset ‘{name}’",
    )
    _write_json(_path_for(preset.name), preset.to_dict())
    return preset


def _saved_files() -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """Every readable preset file and its JSON, by file name (unreadable files are skipped)."""
    for path in sorted(presets_dir().glob("*.json")):
        if path.name == _REMEMBERED:
            continue
        try:
            data = _read_json(path)
        except MappingError:
            continue
        if isinstance(data, Mapping):
            yield path, data


def _path_for(name: str) -> Path:
    """The file of the preset called ``name``: its existing file, else a free one named after it.

    "Q4/EU" and "Q4 EU" share a slug; each keeps its own file instead of overwriting the other.
    """
    folder = presets_dir()
    for path, data in _saved_files():
        if str(data.get("name", "")).casefold() == name.casefold():
            return path
    slug = _slug(name)
    candidate = folder / f"{slug}.json"
    number = 2
    while candidate.exists() or candidate.name == _REMEMBERED:
        candidate = folder / f"{slug}-{number}.json"
        number += 1
    return candidate


def list_presets() -> list[Preset]:
    """Every readable saved preset, by name (unreadable files are skipped, not fatal)."""
    found = []
    for path, data in _saved_files():
        try:
            found.append(Preset.from_dict(data, source=path.name))
        except MappingError:
            continue
    return sorted(found, key=lambda p: p.name.casefold())


def load_preset(name_or_path: str | Path) -> Preset:
    """A preset by its name (as saved) or by a path to a preset file (the CLI ``--preset``)."""
    text = str(name_or_path)
    candidate = Path(text).expanduser()
    if candidate.suffix.lower() == ".json" and candidate.is_file():
        return Preset.from_dict(_read_json(candidate), source=candidate.name)
    for preset in list_presets():
        if preset.name == text or preset.name.casefold() == text.casefold():
            return preset
    names = ", ".join(p.name for p in list_presets()) or "none saved yet"
    raise MappingError(f"No preset called ‘{text}’ (presets: {names}).")


def delete_preset(name: str) -> None:
    """Remove a saved preset by name."""
    preset = load_preset(name)
    for path, data in _saved_files():
        if data.get("name") == preset.name:
            path.unlink()


def find_preset_for(columns: Sequence[object], provider: str | None = None) -> Preset | None:
    """The newest preset made on a file with the same headers (in any order), if any."""
    fingerprint = header_fingerprint(columns)
    matches = [
        p
        for p in list_presets()
        if p.fingerprint == fingerprint and (provider is None or p.provider == provider)
    ]
    return max(matches, key=lambda p: p.saved_at, default=None)


def export_preset(name: str, path: str | Path) -> Path:
    """Write a saved preset to a file a colleague can import."""
    preset = load_preset(name)
    target = Path(path).expanduser()
    if target.suffix.lower() != ".json":
        target = target.with_suffix(".json")
    _write_json(target, preset.to_dict())
    return target


def import_preset(path: str | Path, *, name: str | None = None) -> Preset:
    """Check a preset file and save it here (optionally under another name)."""
    source = Path(path).expanduser()
    preset = Preset.from_dict(_read_json(source), source=source.name)
    return save_preset(
        name or preset.name,
        preset.provider,
        preset.mapping,
        preset.columns,
        fixes=preset.fixes,
        options=preset.options,
    )


# --------------------------------------------------------------------------------------------
# Remembered mappings
# --------------------------------------------------------------------------------------------


def _remembered_path() -> Path:
    return presets_dir() / _REMEMBERED


def _remembered() -> dict[str, Any]:
    path = _remembered_path()
    if not path.is_file():
        return {}
    try:
        data = _read_json(path)
    except MappingError:
        return {}  # a damaged memory is forgotten, never fatal
    return dict(data) if isinstance(data, Mapping) else {}


def remember_mapping(columns: Sequence[object], provider_id: str, mapping: ColumnMapping) -> None:
    """Keep the mapping last used for this header set and provider (the newest 200 are kept)."""
    store = _remembered()
    key = f"{header_fingerprint(columns)}:{provider_id}"
    store[key] = {
        "mapping": mapping.to_dict(),
        "used_at": datetime.now(UTC).isoformat(timespec="microseconds"),
    }
    if len(store) > _REMEMBER_LIMIT:
        newest = sorted(store.items(), key=lambda kv: str(kv[1].get("used_at", "")), reverse=True)
        store = dict(newest[:_REMEMBER_LIMIT])
    _write_json(_remembered_path(), store)


def recall_mapping(columns: Sequence[object], provider_id: str) -> ColumnMapping | None:
    """The mapping last used for this header set and provider, if it still fits the headers."""
    entry = _remembered().get(f"{header_fingerprint(columns)}:{provider_id}")
    if not isinstance(entry, Mapping):
        return None
    try:
        mapping = ColumnMapping.from_dict(entry.get("mapping"))
    except MappingError:
        return None
    present = {str(c) for c in columns}
    if not set(mapping.columns()) <= present:
        return mapping.renamed(_case_renames(mapping.columns(), present))
    return mapping


def _case_renames(wanted: Sequence[str], present: set[str]) -> dict[str, str]:
    """Match headers that differ only in case or spacing, as :func:`header_fingerprint` does."""
    by_key = {header_key(h): h for h in present}
    return {h: by_key[k] for h in wanted if (k := header_key(h)) in by_key}
