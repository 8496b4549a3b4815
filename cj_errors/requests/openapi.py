"""The endpoint catalog as an OpenAPI 3.1 document (``cjerr endpoints --openapi``).

CJ publishes no machine-readable description of API 2.0; this one is compiled from cjerr's catalog and code
table. Every endpoint and method is an operation; parameters sit where CJ reads them (query, JSON body,
multipart form, headers) with their types, lengths and enums; the CJ envelope is one shared response schema;
each operation lists the error codes it is known to return (``x-cj-error-codes``); the ``CJ-Access-Token``
header is the security scheme; deprecations, points per call (``x-cj-points``), whether a call changes data
(``x-cj-changes-data``) and the source of each endpoint (``x-cj-source``) are kept.

Fields whose type no source gives have no ``type`` in their schema (their description says so), rather than
a guessed one. The output is stable: the same catalog gives the same bytes.

Standard library only.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cj_errors.table import catalog, codes
from cj_errors.table.catalog import Endpoint, FieldSpec, Location

__all__ = ["openapi_document", "openapi_json"]

_SECURITY = "CJAccessToken"
_ENVELOPE = "#/components/schemas/Envelope"
_JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


def _value_type(choices: tuple[str | int, ...]) -> str:
    return "integer" if all(isinstance(choice, int) for choice in choices) else "string"


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """The JSON Schema of one catalog field."""
    schema: dict[str, Any] = {}
    known = catalog.type_known(spec)
    if spec.type in _JSON_TYPES and known:
        schema["type"] = _JSON_TYPES[spec.type]
        if spec.type == "string" and spec.max_length is not None:
            schema["maxLength"] = spec.max_length
    elif spec.type == "array":
        schema["type"] = "array"
        if spec.max_length is not None:
            schema["maxItems"] = spec.max_length
        if spec.items:
            schema["items"] = _object_schema(spec.items)
        elif spec.choices:
            schema["items"] = {"type": _value_type(spec.choices), "enum": list(spec.choices)}
    elif spec.type == "object":
        schema.update(_object_schema(spec.items))
    elif spec.type == "file":
        schema.update({"type": "string", "contentMediaType": "application/octet-stream"})
    if spec.choices and spec.type != "array":
        schema["enum"] = list(spec.choices)
    if spec.note:
        schema["description"] = spec.note
    return schema


def _object_schema(fields: tuple[FieldSpec, ...], one_of: tuple[tuple[str, ...], ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object"}
    if fields:
        schema["properties"] = {spec.name: field_schema(spec) for spec in fields}
    required = [spec.name for spec in fields if spec.required]
    if required:
        schema["required"] = required
    groups = [group for group in one_of if group]
    if len(groups) == 1:
        schema["anyOf"] = [{"required": [name]} for name in groups[0]]
    elif groups:
        schema["allOf"] = [{"anyOf": [{"required": [name]} for name in group]} for group in groups]
    return schema


def _mentions(text: str, path: str) -> bool:
    return re.search(re.escape(path) + r"(?![A-Za-z0-9])", text) is not None


def known_codes(endpoint: Endpoint, method: str) -> list[int]:
    """The codes this endpoint is known to return: the checks every call meets, plus codes the table ties to it."""
    found = {1600000, 1600100, 1600101, 1600200}
    if endpoint.needs_token:
        found |= {1600001, 1600002}
    if endpoint.points:
        found |= {429, 16900500}
    if endpoint.auth_throttle:
        found.add(429)
    found.add(16900202)  # the wrong HTTP method
    if endpoint.location is Location.JSON and method != "GET":
        found |= {16900203, 16900204, 16900205, 16900403}
    if endpoint.location is Location.QUERY and any(spec.required for spec in endpoint.fields):
        found.add(1600300)
    for entry in codes.all_entries():
        texts = [*(message.text for message in entry.messages), *entry.notes, *entry.steps, entry.title]
        if any(_mentions(text, endpoint.path) for text in texts):
            found.add(entry.code)
    return sorted(code for code in found if codes.get(code) is not None)


def _operation_id(method: str, path: str) -> str:
    words = [word for word in re.split(r"[^A-Za-z0-9]+", path) if word]
    return method.lower() + "".join(word[:1].upper() + word[1:] for word in words)


def _operation(endpoint: Endpoint, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": _operation_id(method, endpoint.path),
        "summary": endpoint.summary,
        "tags": [endpoint.group],
    }
    if endpoint.note:
        operation["description"] = endpoint.note
    if endpoint.doc:
        operation["externalDocs"] = {"url": endpoint.doc}
    parameters: list[dict[str, Any]] = [
        # platformToken: optional, and may be empty (the endpoint's note says more)
        {"name": name, "in": "header", "required": False, "schema": {"type": "string"}}
        for name in endpoint.extra_headers
    ]
    if endpoint.location is Location.QUERY:
        for spec in endpoint.fields:
            parameter: dict[str, Any] = {"name": spec.name, "in": "query", "schema": field_schema(spec)}
            if spec.required:
                parameter["required"] = True
            if spec.type == "array":
                parameter.update({"style": "form", "explode": True})
            parameters.append(parameter)
    if parameters:
        operation["parameters"] = parameters
    if endpoint.location in (Location.JSON, Location.FORM):
        media = "application/json" if endpoint.location is Location.JSON else "multipart/form-data"
        operation["requestBody"] = {
            "required": bool(endpoint.fields) and endpoint.location is Location.JSON,
            "content": {media: {"schema": _object_schema(endpoint.fields, endpoint.one_of)}},
        }
    error_codes = known_codes(endpoint, method)
    operation["responses"] = {
        "200": {
            "description": "A CJ envelope. Success is code 200 (or 0 with success true) with result true; "
            "errors arrive with HTTP 200 too, with the codes in x-cj-error-codes.",
            "content": {"application/json": {"schema": {"$ref": _ENVELOPE}}},
            "x-cj-error-codes": error_codes,
        }
    }
    if 429 in error_codes:
        operation["responses"]["429"] = {
            "description": "Too many requests: the per-second limit, the token endpoints' throttle or spent points "
            "(the body says which).",
            "content": {"application/json": {"schema": {"$ref": _ENVELOPE}}},
        }
    operation["security"] = [{_SECURITY: []}] if endpoint.needs_token else []
    if endpoint.deprecated:
        operation["deprecated"] = True
        operation["x-cj-deprecation"] = endpoint.deprecated
        if endpoint.replacement:
            operation["x-cj-replacement"] = endpoint.replacement
    operation["x-cj-points"] = endpoint.points
    operation["x-cj-changes-data"] = catalog.is_mutating(endpoint, method)
    if endpoint.auth_throttle:
        operation["x-cj-rate-limit"] = endpoint.auth_throttle
    source: dict[str, Any] = {"official": endpoint.official}
    source["from"] = "CJ's API 2.0 documentation" if endpoint.official else "secondary notes quoting CJ's current docs"
    if endpoint.doc:
        source["doc"] = endpoint.doc
    operation["x-cj-source"] = source
    return operation


def _envelope_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "CJ's response envelope. Judge by code, never by message: a call succeeded when the HTTP "
        "status is 200 and code is 200 or absent (some endpoints answer code 0 with success true).",
        "properties": {
            "code": {
                "type": "integer",
                "description": "200 on success; otherwise a CJ error code (cjerr lookup CODE explains it).",
                "examples": [200, 1600200],
            },
            "result": {"type": "boolean"},
            "success": {"type": "boolean", "description": "Sent instead of result by some endpoints."},
            "message": {"type": ["string", "null"], "description": "Informational only; wordings change."},
            "data": {"description": "The payload; null on most errors."},
            "requestId": {"type": "string", "description": "Quote it to CJ support."},
        },
    }


def openapi_document() -> dict[str, Any]:
    """The whole catalog as an OpenAPI 3.1 document (a dict ready for json.dumps)."""
    paths: dict[str, Any] = {}
    for endpoint in catalog.ENDPOINTS:
        paths[endpoint.path] = {method.lower(): _operation(endpoint, method) for method in endpoint.methods}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CJ Dropshipping API 2.0 (as catalogued by cjerr)",
            "version": "2.0",
            "description": "Not published by CJ: compiled by cjerr from CJ's API 2.0 documentation and, where "
            "marked in x-cj-source, from secondary notes. Error codes are explained by `cjerr lookup`.",
        },
        "servers": [{"url": catalog.BASE_URL}],
        "security": [{_SECURITY: []}],
        "tags": [{"name": group} for group in dict.fromkeys(endpoint.group for endpoint in catalog.ENDPOINTS)],
        "paths": paths,
        "components": {
            "securitySchemes": {
                _SECURITY: {
                    "type": "apiKey",
                    "in": "header",
                    "name": "CJ-Access-Token",
                    "description": "The access token from POST /authentication/getAccessToken.",
                }
            },
            "schemas": {"Envelope": _envelope_schema()},
        },
    }


def openapi_json() -> str:
    """The document as stable, indented JSON text (with a final newline)."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover - python -m cj_errors.requests.openapi
    import sys

    sys.stdout.write(openapi_json())
