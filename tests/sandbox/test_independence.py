"""The sandbox is written from the specs on its own (issue 3): it must not import our clients."""

from __future__ import annotations

import ast
from pathlib import Path

import gui.sandbox

SANDBOX_DIR = Path(gui.sandbox.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_sandbox_imports_nothing_from_the_clients_or_qt():
    """Issue 3: a client's misreading must be caught by the sandbox, not mirrored (import-linter)."""
    offenders = {
        f"{path.name}: {name}"
        for path in SANDBOX_DIR.glob("*.py")
        for name in _imports(path)
        if name.startswith(("gui.core.providers", "gui.qt", "PySide6"))
    }
    assert not offenders
