"""Pure checks on a request before it is sent. They return findings; they send nothing.

Each finding names the CJ code the mistake would most likely cause, so the
user learns what CJ would have said without spending a call (or points).
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any, NamedTuple

from cj_errors.base import limits, redact
from cj_errors.base.escaping import escaped
from cj_errors.requests.findings import Finding, Severity
from cj_errors.table import catalog
from cj_errors.table.catalog import Endpoint, FieldSpec, Location


class RequestPlan(NamedTuple):
    """What the user asked to send, before any network code runs."""

    method: str
    path: str
    endpoint: Endpoint | None
    query: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    content_type: str | None = None
    has_token: bool = False
    local: bool = False  # sent to a loopback host (a cjerr mock), which may accept what CJ refuses


# The likely codes of field mistakes: a missing or empty required field in a JSON body gives
# 16900403 "{param} can not be empty"; everything else (types, lengths, values, and missing
# query parameters) comes back as 1600300 "Param error" (CJ's error-code page,
# https://developers.cjdropshipping.com/en/api/api2/standard/ps-code.html, and its troubleshooting notes).
PARAM_ERROR = 1600300
JSON_FIELD_EMPTY = 16900403

# --- JSON syntax -----------------------------------------------------------------

_CONSTANTS = re.compile(r"-?\b(?:NaN|Infinity)\b")


class _DuplicateKeys:
    """object_pairs_hook that keeps the last value (as CJ's parser would) and records duplicates."""

    def __init__(self) -> None:
        self.duplicates: list[str] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result and key not in self.duplicates:
                self.duplicates.append(key)
            result[key] = value
        return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (JSON has no NaN or Infinity)")


def _bounded_int(digits: str) -> int:
    if len(digits) > limits.NUMBER_DIGITS:
        raise ValueError(f"a number with {len(digits)} digits is far longer than CJ accepts")
    return int(digits)


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def caret_context(text: str, line_number: int, column: int, width: int = 100) -> str:
    """The offending line (clipped around the column, control characters escaped) and a caret under it."""
    lines = text.split("\n")
    if not 1 <= line_number <= len(lines):
        return ""
    # Masked before clipping: a clipped secret's tail no longer looks like a secret.
    line = redact.blank(lines[line_number - 1].rstrip("\r"))
    start = max(0, column - 1 - width // 2)
    clip = line[start : start + width]
    shown = escaped(clip)
    caret_at = _columns(escaped(line[start : column - 1]))
    prefix = "..." if start else ""
    return f"  {line_number} | {prefix}{shown}\n  {' ' * len(str(line_number))} | {' ' * (len(prefix) + caret_at)}^"


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def parse_json_body(raw: bytes) -> tuple[Any, list[Finding]]:
    """Strictly parse a request body. Returns (value or None, findings)."""
    findings: list[Finding] = []
    if not raw.strip():
        return None, [Finding(Severity.ERROR, "the body is empty", 16900204)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(raw[: error.start].decode("utf-8", errors="replace"), error.start)
        detail = caret_context(raw.decode("utf-8", errors="replace"), line, column)
        return None, [
            Finding(
                Severity.ERROR,
                f"the body is not valid UTF-8 (byte 0x{raw[error.start]:02x} at line {line}, column {column}); "
                "CJ requires UTF-8",
                16900205,
                detail=detail,
            )
        ]
    if text.startswith("\ufeff"):
        return None, [Finding(Severity.ERROR, "the body starts with a UTF-8 byte-order mark; remove it", 16900205)]
    hook = _DuplicateKeys()
    try:
        value = json.loads(text, object_pairs_hook=hook, parse_constant=_reject_constant, parse_int=_bounded_int)
    except json.JSONDecodeError as error:
        message = "text after the end of the JSON value" if error.msg == "Extra data" else error.msg
        return None, [
            Finding(
                Severity.ERROR,
                f"invalid JSON at line {error.lineno}, column {error.colno}: {message}",
                16900205,
                detail=caret_context(text, error.lineno, error.colno),
            )
        ]
    except RecursionError:
        return None, [Finding(Severity.ERROR, "the JSON is nested too deeply to parse", 16900205)]
    except ValueError as error:
        constant = _CONSTANTS.search(text)
        detail = caret_context(text, *_position(text, constant.start())) if constant else ""
        where = " at line {}, column {}".format(*_position(text, constant.start())) if constant else ""
        return None, [Finding(Severity.ERROR, f"invalid JSON{where}: {error}", 16900205, detail=detail)]
    for key in hook.duplicates:
        findings.append(
            Finding(
                Severity.WARNING,
                f'duplicate key "{key}": only one value survives parsing, which one is up to the server',
                field=key,
            )
        )
    return value, findings


# --- request checks -------------------------------------------------------------------


def _unknown_path_findings(path: str) -> list[Finding]:
    wrong = catalog.known_wrong(path)
    if wrong is not None:
        right, reason = wrong
        advice = f"; use {right}" if right else ""
        return [Finding(Severity.ERROR, f"{path} is a known wrong path ({reason}){advice}", 1600101)]
    same_but_case = catalog.find_case_insensitive(path)
    if same_but_case is not None:
        return [
            Finding(
                Severity.ERROR,
                f"CJ paths are case-sensitive: {path} should be {same_but_case.path}",
                1600101,
            )
        ]
    suggestions = catalog.suggest(path)
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    return [
        Finding(
            Severity.WARNING,
            f"{path} is not in cjerr's endpoint catalog; CJ answers 1600101 for unknown paths{hint}",
            1600101,
        )
    ]


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _type_name(value: object) -> str:
    return {
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "an array",
        dict: "an object",
    }.get(type(value), "null" if value is None else type(value).__name__)


def _check_value(spec: FieldSpec, value: object, name: str, from_query: bool, missing_code: int) -> list[Finding]:
    """Type, length and enum checks for one field value (1600300); ``missing_code`` is for nested required fields."""
    findings: list[Finding] = []
    code = PARAM_ERROR
    if not catalog.type_known(spec) or spec.type == "file":
        return findings
    if from_query:
        text = str(value)
        if spec.type == "integer" and not re.fullmatch(r"-?\d+", text):
            findings.append(Finding(Severity.ERROR, f"{name} must be an integer, got {text!r}", code, name))
        elif spec.type == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", text):
            findings.append(Finding(Severity.ERROR, f"{name} must be a number, got {text!r}", code, name))
        elif spec.type == "boolean" and text.lower() not in ("true", "false", "0", "1"):
            findings.append(Finding(Severity.ERROR, f"{name} must be true or false, got {text!r}", code, name))
    else:
        allowed = _JSON_TYPES.get(spec.type)
        wrong_bool = isinstance(value, bool) and spec.type in ("integer", "number")
        if allowed is not None and value is not None and (not isinstance(value, allowed) or wrong_bool):
            # A number in quotes, or a number for a string: CJ's parser may well convert it; no CJ answer
            # shows it refusing one, so that is a warning. Other mismatches (an object for a string) are errors.
            severity, hint = Severity.ERROR, ""
            if spec.type in ("integer", "number") and isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
                severity, hint = Severity.WARNING, f" (write {value} without quotes, as the docs do)"
            elif spec.type == "string" and isinstance(value, int | float) and not isinstance(value, bool):
                severity, hint = Severity.WARNING, f' (write "{value}" in quotes, as the docs do)'
            findings.append(Finding(severity, f"{name} must be {spec.type}, got {_type_name(value)}{hint}", code, name))
            if severity is Severity.ERROR:
                return findings
    in_range = _range_findings(spec, value, name)
    findings.extend(in_range)
    if spec.max_length is not None and not (spec.country and in_range):
        if isinstance(value, str) and len(value) > spec.max_length:
            findings.append(
                Finding(
                    Severity.ERROR,
                    f"{name} is {len(value)} characters long; CJ allows at most {spec.max_length}",
                    code,
                    name,
                )
            )
        elif isinstance(value, list) and spec.type == "array" and len(value) > spec.max_length:
            findings.append(
                Finding(
                    Severity.ERROR, f"{name} has {len(value)} items; CJ allows at most {spec.max_length}", code, name
                )
            )
    if spec.choices:
        values = value if isinstance(value, list) else [value]
        allowed_text = {str(choice) for choice in spec.choices}
        for single in values:
            if isinstance(single, str | int) and not isinstance(single, bool) and str(single) not in allowed_text:
                options = ", ".join(str(choice) for choice in spec.choices)
                findings.append(
                    Finding(
                        Severity.WARNING,
                        f"{name}={single!r} is not one of the documented values: {options}",
                        code,
                        name,
                    )
                )
    if spec.items and isinstance(value, list):
        for index, item in enumerate(value[:200]):
            if isinstance(item, dict):
                findings.extend(
                    _check_fields(spec.items, (), item, f"{name}[{index}].", False, missing_code, warn_unknown=True)
                )
    elif spec.items and isinstance(value, dict):
        findings.extend(_check_fields(spec.items, (), value, f"{name}.", False, missing_code, warn_unknown=True))
    return findings


def _range_findings(spec: FieldSpec, value: object, name: str) -> list[Finding]:
    """Documented ranges: an integer below ``minimum`` or above ``maximum``; a country code that is not two letters."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"-?\d{1,18}", value.strip()):
        number = int(value)
    findings: list[Finding] = []
    if number is not None and spec.minimum is not None and number < spec.minimum:
        findings.append(
            Finding(Severity.ERROR, f"{name} is {number}; CJ's docs allow at least {spec.minimum}", PARAM_ERROR, name)
        )
    if number is not None and spec.maximum is not None and number > spec.maximum:
        findings.append(
            Finding(Severity.ERROR, f"{name} is {number}; CJ's docs allow at most {spec.maximum}", PARAM_ERROR, name)
        )
    if spec.country and isinstance(value, str) and value:
        if not re.fullmatch(r"[A-Za-z]{2}", value):
            findings.append(
                Finding(
                    Severity.ERROR,
                    f"{name} {value[:40]!r} is not a two-letter country code; CJ's docs ask for ISO 3166-1 "
                    "alpha-2 (US, DE, CN)",
                    PARAM_ERROR,
                    name,
                )
            )
        elif not value.isupper():
            findings.append(
                Finding(
                    Severity.WARNING,
                    f"{name} {value!r}: CJ's country table writes codes in capitals ({value.upper()})",
                    None,
                    name,
                )
            )
    return findings


# Names integrators commonly send instead of the documented ones (seen in public CJ clients such as
# OpenSIN-Code/cj-dropshipping-skill and MBadberg/odoo_cjdropship_addon):
# a wrong filter is silently ignored, so the search "works" and returns the same page.
_COMMON_MISTAKES: dict[str, tuple[str, ...]] = {
    "keyword": ("productNameEn", "keyWord"),
    "keywords": ("productNameEn", "keyWord"),
    "productName": ("productNameEn",),
    "name": ("productNameEn", "keyWord"),
    "pageNumber": ("pageNum", "page"),
    "page": ("pageNum",),
    "limit": ("pageSize", "size"),
    "minPrice": ("startSellPrice",),
    "maxPrice": ("endSellPrice",),
    "fromCountryCode": ("startCountryCode",),
    "toCountryCode": ("endCountryCode",),
    "countryCode": ("endCountryCode",),
    "shippingCountryCode": ("endCountryCode",),
    "accessToken": ("refreshToken",),
}


def _suggest_field(key: str, known: Sequence[str]) -> str | None:
    lowered = [name for name in known if name.lower() == key.lower()]
    if lowered:
        return lowered[0]
    for alternative in _COMMON_MISTAKES.get(key, ()):
        if alternative in known:
            return alternative
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str | list | dict) and len(value) == 0)


def _check_fields(
    specs: Sequence[FieldSpec],
    one_of: Sequence[Sequence[str]],
    given: dict[str, Any],
    prefix: str,
    from_query: bool,
    missing_code: int,
    warn_unknown: bool,
) -> list[Finding]:
    """Required, one-of and per-value checks; ``missing_code`` is the code of a missing or empty required field."""
    findings: list[Finding] = []
    by_name = {spec.name: spec for spec in specs}
    code = missing_code
    for spec in specs:
        name = prefix + spec.name
        if spec.required and (spec.name not in given or _is_empty(given[spec.name])):
            state = "missing" if spec.name not in given else "empty"
            if spec.empty_message:
                said = f'CJ: "{spec.empty_message}"'
            elif missing_code == JSON_FIELD_EMPTY:
                said = f'CJ: "{name} can not be empty"'
            else:
                said = 'CJ: "Param error"'
            findings.append(Finding(Severity.ERROR, f"required field {name} is {state} ({said})", code, name))
    for group in one_of:
        present = [name for name in group if name in given and not _is_empty(given[name])]
        names = " / ".join(prefix + name for name in group)
        if not present:
            findings.append(Finding(Severity.ERROR, f"one of {names} is required", code, prefix + group[0]))
        elif len(present) > 1:
            findings.append(
                Finding(
                    Severity.WARNING, f"give only one of {names}; got {', '.join(present)}", None, prefix + present[0]
                )
            )
    for key, value in given.items():
        known = by_name.get(key)
        if known is not None:
            findings.extend(_check_value(known, value, prefix + key, from_query, missing_code))
        elif warn_unknown and by_name:
            suggestion = _suggest_field(key, list(by_name))
            hint = f"; did you mean {prefix}{suggestion}?" if suggestion else ""
            findings.append(
                Finding(
                    Severity.WARNING,
                    f"{prefix}{key} is not a documented field; CJ silently ignores unknown fields{hint}",
                    None,
                    prefix + key,
                )
            )
    return findings


def _query_as_fields(query: Sequence[tuple[str, str]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in query:
        if key in fields:
            existing = fields[key]
            fields[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            fields[key] = value
    return fields


def validate(plan: RequestPlan) -> list[Finding]:
    """Every finding for a planned request, errors first."""
    findings: list[Finding] = []
    body_value: Any = None
    body_parsed = False  # True when the body is valid JSON, so body_value None means a literal null
    if plan.body is not None:
        body_value, body_findings = parse_json_body(plan.body)
        findings.extend(body_findings)
        body_parsed = not has_errors(body_findings)
    endpoint = plan.endpoint
    if endpoint is None:
        findings.extend(_unknown_path_findings(plan.path))
        if plan.body is not None and plan.method in ("GET", "DELETE"):
            findings.append(
                Finding(
                    Severity.ERROR,
                    f"a body on {plan.method}: CJ reads GET and DELETE parameters from the query string only",
                    1600300,
                )
            )
        return _ordered(findings)
    findings.extend(_endpoint_findings(plan, endpoint, body_value, body_parsed))
    return _ordered(findings)


def location_for(endpoint: Endpoint, method: str) -> Location:
    """Where the parameters go for this method: the catalog's location for the default method; for the
    other methods of a multi-method path (/product/conn/connection), the query string for GET and DELETE
    and a JSON body otherwise, as CJ reads them."""
    if method == endpoint.method:
        return endpoint.location
    return Location.QUERY if method in ("GET", "DELETE") else Location.JSON


def _method_list(methods: Sequence[str]) -> str:
    return methods[0] if len(methods) == 1 else f"{', '.join(methods[:-1])} or {methods[-1]}"


def _endpoint_findings(plan: RequestPlan, endpoint: Endpoint, body_value: Any, body_parsed: bool) -> list[Finding]:
    findings: list[Finding] = []
    if endpoint.deprecated:
        replacement = f"; use {endpoint.replacement}" if endpoint.replacement else ""
        findings.append(Finding(Severity.WARNING, f"{endpoint.path} is {endpoint.deprecated}{replacement}", 1600100))

    if plan.method not in endpoint.methods:
        findings.append(
            Finding(
                Severity.ERROR,
                f"{endpoint.path} takes {_method_list(endpoint.methods)}, not {plan.method} "
                f"(CJ: \"Request method '{plan.method}' not supported\")",
                16900202,
            )
        )
    if endpoint.needs_token and not plan.has_token:
        findings.append(
            Finding(
                Severity.ERROR,
                "no access token: run 'cjerr auth login' (for this base URL), give --token-file PATH, set "
                "CJ_ACCESS_TOKEN, or add access_token to the config file",
                1600002,
            )
        )
    # A method the path does not take was reported above; judge the parameters as for the default one.
    method = plan.method if plan.method in endpoint.methods else endpoint.method
    location = location_for(endpoint, method)
    if plan.content_type is not None and location is Location.JSON:
        if plan.content_type.split(";")[0].strip().lower() != "application/json":
            findings.append(
                Finding(
                    Severity.ERROR,
                    f"Content-Type {plan.content_type!r}: {endpoint.path} takes application/json",
                    16900203,
                )
            )
    body_given = plan.body is not None
    # Missing query parameters come back as 1600300 (getOrderDetail: "orderId must be not empty").
    missing_code = PARAM_ERROR if location is Location.QUERY else JSON_FIELD_EMPTY
    if location in (Location.QUERY, Location.HEADERS) and body_given:
        findings.append(
            Finding(
                Severity.ERROR,
                f"{endpoint.path} takes no body: CJ reads {method} parameters from the query string (use -p key=value)",
                1600300,
            )
        )
    if location is Location.JSON and plan.query:
        names = ", ".join(sorted({key for key, _ in plan.query}))
        findings.append(
            Finding(
                Severity.ERROR,
                f"{endpoint.path} is a JSON endpoint: CJ ignores URL parameters ({names}); put them in the -d body",
                1600300,
            )
        )
    if location is Location.FORM:
        findings.append(
            Finding(
                Severity.WARNING,
                f"{endpoint.path} takes multipart/form-data with a file; probe sends JSON only, so expect 16900203",
                16900203,
            )
        )
    if location is Location.HEADERS and plan.query:
        findings.append(Finding(Severity.WARNING, f"{endpoint.path} takes no parameters; they will be ignored"))
    warn_unknown = not endpoint.note.startswith(catalog.PARAMS_NOT_CAPTURED) and "unknown fields" not in endpoint.note
    if location is Location.QUERY:
        given = _query_as_fields(plan.query)
        findings.extend(_check_fields(endpoint.fields, endpoint.one_of, given, "", True, missing_code, warn_unknown))
    elif location is Location.JSON:
        if body_given and body_parsed and body_value is None:
            findings.append(Finding(Severity.ERROR, f"the body is null; {endpoint.path} takes a JSON object", 16900204))
        elif body_given and body_value is not None and not isinstance(body_value, dict):
            findings.append(
                Finding(
                    Severity.ERROR,
                    f"the body is {_type_name(body_value)}; {endpoint.path} takes a JSON object",
                    16900205,
                )
            )
        elif not body_given:
            if any(spec.required for spec in endpoint.fields) or endpoint.one_of:
                findings.append(
                    Finding(
                        Severity.ERROR, f"{endpoint.path} needs a JSON body (-d '{{...}}' or -d @file.json)", 16900204
                    )
                )
        elif isinstance(body_value, dict):
            findings.extend(
                _check_fields(endpoint.fields, endpoint.one_of, body_value, "", False, missing_code, warn_unknown)
            )
    if isinstance(body_value, dict):
        from cj_errors.requests import traps

        findings = traps.with_body_findings(endpoint, body_value, findings, local=plan.local)
    return findings


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda finding: _SEVERITY_ORDER[finding.severity])


def has_errors(findings: Sequence[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)
