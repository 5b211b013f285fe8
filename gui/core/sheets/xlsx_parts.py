"""Where things live inside an .xlsx package: the first worksheet, the part of a named sheet."""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree as ET

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _first_worksheet(archive: zipfile.ZipFile) -> str | None:
    """The first sheet of the workbook that is a worksheet (not a chart or macro sheet)."""
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    kinds = {rel.get("Id"): rel.get("Type", "") for rel in rels.iter(f"{_PKG_REL_NS}Relationship")}
    for node in workbook.iter(f"{_MAIN_NS}sheet"):
        if kinds.get(node.get(f"{_REL_NS}id"), "").endswith("/worksheet"):
            return node.get("name")
    return None


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL_NS}Relationship")}
    for node in workbook.iter(f"{_MAIN_NS}sheet"):
        if node.get("name") == sheet_name:
            target = targets.get(node.get(f"{_REL_NS}id"), "")
            if not target:
                return None
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None
