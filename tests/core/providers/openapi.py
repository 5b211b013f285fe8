"""The providers' published OpenAPI files, for checking what the clients send against them.

The files live in the project's shared folder (``../shared/specs`` next to the checkout, or
``LEADLOADER_SPECS``); a test that needs one is skipped, with the reason, where they are absent.
Only the JSON-Schema words these routes use are checked: ``$ref``, ``type``, ``properties``,
``required``, ``additionalProperties`` (false or a schema), ``items``, ``enum``, ``anyOf``.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import pytest

_ROOT = Path(__file__).resolve().parents[3]
_PLACES = [
    os.environ.get("LEADLOADER_SPECS", ""),
    str(_ROOT.parent / "shared" / "specs"),
    "/work/shared/specs",
]
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


@functools.cache
def load(name: str) -> dict[str, Any]:
    """A spec file by name (``lemlist_openapi.json``, ``instantly_api_v2.json``)."""
    for place in filter(None, _PLACES):
        path = Path(place) / name
        if path.is_file():
            spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return spec
    pytest.skip(f"{name} not found in {', '.join(filter(None, _PLACES))}")


def operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The operation object of a route."""
    op: dict[str, Any] = spec["paths"][path][method.lower()]
    return op


def request_schema(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The JSON request body schema of a route."""
    schema: dict[str, Any] = operation(spec, method, path)["requestBody"]["content"]["application/json"][
        "schema"
    ]
    return schema


def response_schema(spec: dict[str, Any], method: str, path: str, status: str = "200") -> dict[str, Any]:
    """The JSON schema of a route's answer."""
    schema: dict[str, Any] = operation(spec, method, path)["responses"][status]["content"][
        "application/json"
    ]["schema"]
    return schema


def problems(spec: dict[str, Any], schema: dict[str, Any], value: Any, where: str = "body") -> list[str]:
    """Every way ``value`` breaks ``schema``; empty when it conforms."""
    if "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return problems(spec, node, value, where)
    found: list[str] = []
    if "anyOf" in schema and all(problems(spec, s, value, where) for s in schema["anyOf"]):
        found.append(f"{where}: matches none of anyOf")
    kind = schema.get("type")
    if kind and not (isinstance(value, _TYPES[kind]) and not (kind != "boolean" and isinstance(value, bool))):
        return [*found, f"{where}: {value!r} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        found += [f"{where}.{k}: required" for k in schema.get("required", []) if k not in value]
        for key, item in value.items():
            if key in props:
                found += problems(spec, props[key], item, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}.{key}: not allowed")
            elif isinstance(schema.get("additionalProperties"), dict):
                found += problems(spec, schema["additionalProperties"], item, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += problems(spec, schema["items"], item, f"{where}[{i}]")
    return found
