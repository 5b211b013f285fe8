"""Checking the sandbox's answers and our requests against the providers' OpenAPI files (tests/data/specs/).

A small validator for the JSON-schema subset the two specs use (types, required, properties,
additionalProperties, items, enum, anyOf/oneOf/allOf, uuid/email formats, item and number bounds), so the
contract tests need no extra dependency. ``LEADLOADER_SPECS`` points elsewhere; without the files the
contract tests are skipped with that reason.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import pytest

#: The published OpenAPI files, kept in the repo so CI checks them on a clean clone (Aug 2026 copies).
SPECS = Path(os.environ.get("LEADLOADER_SPECS", Path(__file__).resolve().parents[1] / "data" / "specs"))
LEMLIST = "lemlist_openapi.json"
INSTANTLY = "instantly_api_v2.json"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


@cache
def load(name: str) -> dict[str, Any]:
    path = SPECS / name
    if not path.is_file():
        pytest.fail(f"provider spec {path} not present (tests/data/specs, or set LEADLOADER_SPECS)")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _operation(spec: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return spec["paths"][path][method.lower()]  # type: ignore[no-any-return]


def response_schema(name: str, path: str, method: str, status: int = 200) -> dict[str, Any]:
    """The JSON schema of one documented answer."""
    op = _operation(load(name), path, method)
    return op["responses"][str(status)]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def request_schema(name: str, path: str, method: str) -> dict[str, Any]:
    op = _operation(load(name), path, method)
    return op["requestBody"]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def query_names(name: str, path: str, method: str) -> set[str]:
    op = _operation(load(name), path, method)
    return {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}


def problems(name: str, schema: dict[str, Any], value: Any, where: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema`` (empty when it conforms)."""
    spec = load(name)
    schema = _resolve(spec, schema)
    out: list[str] = []
    types = schema.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else list(types)
        if schema.get("nullable"):
            allowed.append("null")
        ok = any(
            isinstance(value, _TYPES[t]) and not (t in ("integer", "number") and isinstance(value, bool))
            for t in allowed
        )
        if not ok:
            return [f"{where}: {value!r} is not {allowed}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} not in {schema['enum']}")
    fmt = schema.get("format")
    if isinstance(value, str) and fmt == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            out.append(f"{where}: {value!r} is not a uuid")
    if isinstance(value, str) and fmt == "email" and not _EMAIL.match(value):
        out.append(f"{where}: {value!r} is not an email")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, dict):
        out += [f"{where}: missing {key}" for key in schema.get("required", []) if key not in value]
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                out += problems(name, props[key], item, f"{where}.{key}")
            elif extra is False:
                out.append(f"{where}: unexpected property {key}")
            elif isinstance(extra, dict):
                out += problems(name, extra, item, f"{where}.{key}")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            out.append(f"{where}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append(f"{where}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                out += problems(name, schema["items"], item, f"{where}[{i}]")
    for sub in schema.get("allOf", []):
        out += problems(name, sub, value, where)
    for key in ("anyOf", "oneOf"):
        if key in schema and all(problems(name, sub, value, where) for sub in schema[key]):
            out.append(f"{where}: matches none of {key}")
    return out


def assert_conforms(name: str, schema: dict[str, Any], value: Any) -> None:
    found = problems(name, schema, value)
    assert not found, "\n".join(found[:20])
