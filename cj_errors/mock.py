"""``cjerr mock``: a local stand-in for the CJ API 2.0 that can answer with any error code.

It serves every catalog path under ``/api2.0/v1`` with a small, plausible
success body in the envelope variant CJ uses for that endpoint, validates
requests the way CJ does (token, method, JSON, required fields, unknown path),
enforces a per-token QPS limit and an optional daily points budget, and injects
faults on demand: any code of the table, HTTP 429/5xx, HTML, empty bodies,
connections dropped mid-body, and added latency.

Order of the checks for one request (first hit answers):

1. injected faults (``--fail`` / ``--rules``); ``slow`` faults and ``--latency``
   only add delay. A request that gets an injected fault is not counted
   against the QPS limit or the points budget;
2. unknown path -> 1600101;
3. token: missing -> 1600002, unknown or expired -> 1600001;
4. QPS limit -> 1600200 (per token; tokenless auth calls per client IP);
5. HTTP method -> 16900202;
6. body: Content-Type -> 16900203, missing -> 16900204, malformed -> 16900205;
7. required fields -> 16900403 (JSON bodies) or 1600300 (query and form);
8. points budget -> 16900500 (charged only when the call succeeds).

Rules file schema (JSON, or TOML with ``[[rules]]`` tables)::

    {"rules": [
      {"fault": "1600200", "rate": 1.0, "path": "/product/query", "method": "GET", "count": 2},
      {"fault": "slow:1.5", "path": "/logistic/*"}
    ]}

``fault`` is required; ``rate`` (0-1) defaults to 1; ``path`` (catalog form,
with or without /api2.0/v1, ``*`` globs allowed) and ``method`` default to any;
``count`` limits the rule to the first N requests that match it. Rules are
tried in order (``--fail`` flags first); the first fault that fires answers,
while every ``slow`` fault that fires adds its delay.

Standard library only (``http.server``): no httpx, no Rich. Tokens never reach
the log in full.
"""

from __future__ import annotations

import base64
import datetime
import email.parser
import email.policy
import fnmatch
import hashlib
import json
import random
import re
import secrets
import socket
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO, cast
from urllib.parse import parse_qsl, unquote_plus, urlsplit

from cj_errors import catalog, cjwording, codes
from cj_errors.catalog import API_PREFIX, Endpoint, FieldSpec, Location
from cj_errors.config import MAX_SECRET_BYTES, has_control_characters
from cj_errors.errors import CliError
from cj_errors.exits import ExitStatus
from cj_errors.inputs import is_loopback, load_toml, read_text, shown_source
from cj_errors.model import Outcome
from cj_errors.redact import is_secret_name, mask, register, scrub

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_TOKEN_TTL = 180 * 24 * 3600.0  # the 2026 capture: access and refresh tokens both +180 days
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_RULES_BYTES = 1024 * 1024  # a rules file; more is a wrong file (a log, /dev/zero), not many rules
MAX_DELAY_SECONDS = 600.0
_TOKEN_CACHE_SECONDS = 24 * 3600.0  # getAccessToken returns the same pair within 24 hours (cj-api-facts §4.2)
_CN_TIME = datetime.timezone(datetime.timedelta(hours=8))  # CJ prints token dates with +08:00
_API_KEY_SHAPE = re.compile(r"^CJ(\d+)@api@[A-Za-z0-9]{32}$")
_JWT_HEADER = "eyJhbGciOiJIUzI1NiJ9"  # base64url of {"alg":"HS256"}, as in the captured tokens
_JSON = "application/json;charset=UTF-8"
_HTML = "text/html;charset=utf-8"

# Fault names besides CJ codes.
HTTP_FAULTS: dict[str, int] = {"http429": 429, "http500": 500, "http502": 502, "http503": 503, "http504": 504}
# http429 alone is a bare 429; these name the limit the way CJ's bodies do (see _fault_response).
HTTP429_VARIANTS = ("qps", "points", "auth")
BODY_FAULTS = ("html", "empty", "drop")
FAULT_HELP = (
    "a CJ code, http429, http429:qps, http429:points, http429:auth, http500, http502, http503, http504, html, "
    "empty, drop or slow:SECONDS"
)
_RULE_KEYS = ("fault", "rate", "path", "method", "count")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

# Endpoint-specific wordings for a missing query field (cj-api-facts §1.5: getOrderDetail's 1600300 messages).
_QUERY_MISSING_MESSAGE: dict[str, str] = {"/shopping/order/getOrderDetail": "orderId must be not empty"}


# --- faults and rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One thing that can go wrong. ``kind``: code, http, html, empty, drop or slow."""

    kind: str
    label: str
    code: int = 0  # the CJ code (kind "code") or the HTTP status (kind "http")
    seconds: float = 0.0  # kind "slow"
    variant: str = ""  # kind "http" with 429: "", "qps", "points" or "auth"


@dataclass(frozen=True)
class Rule:
    fault: Fault
    rate: float = 1.0
    path: str | None = None  # catalog form ("/product/query"), may hold * globs
    method: str | None = None
    count: int | None = None
    origin: str = ""  # for the log: "--fail 1600200:0.5" or "rules.json rule 2"

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and method != self.method:
            return False
        if self.path is None:
            return True
        if any(char in self.path for char in "*?["):
            return fnmatch.fnmatchcase(path, self.path)
        return path == self.path


def parse_fault(text: str) -> Fault:
    """Read one fault name; raise ValueError with a one-line reason."""
    name = text.strip()
    lowered = name.lower()
    if lowered in HTTP_FAULTS:
        return Fault("http", lowered, code=HTTP_FAULTS[lowered])
    if lowered.startswith("http429:"):
        variant = lowered.split(":", 1)[1]
        if variant not in HTTP429_VARIANTS:
            raise ValueError(f"unknown 429 variant '{variant}'; use http429:{', http429:'.join(HTTP429_VARIANTS)}")
        return Fault("http", lowered, code=429, variant=variant)
    if lowered in BODY_FAULTS:
        return Fault(lowered, lowered)
    if lowered.startswith("slow:"):
        seconds = _parse_seconds(name[5:], "slow")
        return Fault("slow", f"slow:{seconds:g}", seconds=seconds)
    if name.isdigit() and len(name) <= 12:
        code = int(name)
        entry = codes.get(code)
        if entry is None:
            raise ValueError(f"code {code} is not in cjerr's table (see 'cjerr list')")
        if entry.outcome is Outcome.SUCCESS:
            raise ValueError(f"{code} is a success code, not a fault")
        return Fault("code", str(code), code=code)
    raise ValueError(f"unknown fault '{name}'; use {FAULT_HELP}")


def _parse_seconds(text: str, what: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"{what} needs a number of seconds, got '{text}'") from None
    if not 0 <= seconds <= MAX_DELAY_SECONDS:  # also rejects nan
        raise ValueError(f"{what} seconds must be from 0 to {MAX_DELAY_SECONDS:g}, got '{text}'")
    return seconds


def _parse_rate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"rate must be a number from 0 to 1, got {value!r}")
    try:
        rate = float(value)
    except ValueError:
        raise ValueError(f"rate must be a number from 0 to 1, got '{value}'") from None
    if not 0 <= rate <= 1:
        raise ValueError(f"rate must be a number from 0 to 1, got '{value}'")
    return rate


def _parse_rule_path(text: str) -> str:
    value = text.strip()
    if not value.startswith("/"):
        raise ValueError(f"path must start with '/', got '{text}'")
    return catalog.normalize_path(value)


def parse_fail(spec: str) -> Rule:
    """Read ``--fail FAULT[:RATE[:PATH]]`` (FAULT may itself be ``slow:SECONDS``)."""
    parts = spec.strip().split(":")
    if parts[0].lower() == "slow":
        if len(parts) < 2:
            raise ValueError("slow needs seconds: slow:SECONDS[:RATE[:PATH]]")
        fault_text, rest = f"{parts[0]}:{parts[1]}", parts[2:]
    elif parts[0].lower() == "http429" and len(parts) > 1 and parts[1].lower() in HTTP429_VARIANTS:
        fault_text, rest = f"{parts[0]}:{parts[1]}", parts[2:]
    else:
        fault_text, rest = parts[0], parts[1:]
    if len(rest) > 2:
        raise ValueError("expected FAULT[:RATE[:PATH]]")
    fault = parse_fault(fault_text)
    rate = _parse_rate(rest[0]) if rest and rest[0] != "" else 1.0
    path = _parse_rule_path(rest[1]) if len(rest) == 2 else None
    return Rule(fault, rate, path, origin=f"--fail {spec.strip()}")


def _rule_from_mapping(item: object, where: str) -> Rule:
    if not isinstance(item, dict):
        raise ValueError(f"{where}: a rule must be a table/object, got {type(item).__name__}")
    unknown = sorted(str(key) for key in item if key not in _RULE_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r}; a rule has {', '.join(_RULE_KEYS)}")
    if "fault" not in item:
        raise ValueError(f"{where}: 'fault' is required ({FAULT_HELP})")
    raw_fault = item["fault"]
    if isinstance(raw_fault, bool) or not isinstance(raw_fault, str | int):
        raise ValueError(f"{where}: fault must be a string or a code, got {raw_fault!r}")
    fault = parse_fault(str(raw_fault))
    rate = _parse_rate(item.get("rate", 1.0))
    path = item.get("path")
    if path is not None and not isinstance(path, str):
        raise ValueError(f"{where}: path must be a string, got {path!r}")
    method = item.get("method")
    if method is not None:
        if not isinstance(method, str) or method.upper() not in _METHODS:
            raise ValueError(f"{where}: method must be one of {', '.join(_METHODS)}, got {method!r}")
        method = method.upper()
    count = item.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ValueError(f"{where}: count must be a whole number of at least 1, got {count!r}")
    return Rule(fault, rate, _parse_rule_path(path) if path is not None else None, method, count, where)


def load_rules(path: Path | str) -> list[Rule]:
    """Read a rules file (JSON or TOML; ``-``: standard input).

    Raises CliError: NO_INPUT when missing or unreadable, INVALID_INPUT when too large or wrong.
    """
    source = str(path)
    name = shown_source(source)
    text = read_text(source, limit=MAX_RULES_BYTES, what="rules file", invalid=ExitStatus.INVALID_INPUT)
    suffix = Path(source).suffix.lower()
    as_json = suffix == ".json" or (suffix != ".toml" and text.lstrip().startswith("{"))
    try:
        document = json.loads(text) if as_json else load_toml(text)
    except json.JSONDecodeError as error:
        raise CliError(
            f"rules file {name} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
            ExitStatus.INVALID_INPUT,
        ) from None
    except ValueError as error:  # tomllib.TOMLDecodeError is a ValueError
        detail = str(error).splitlines()[0] if str(error) else "syntax error"
        raise CliError(f"rules file {name} is not valid TOML: {detail}", ExitStatus.INVALID_INPUT) from None
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise CliError(
            f"rules file {name} must hold a list named 'rules' (JSON {{\"rules\": [...]}} or TOML [[rules]])",
            ExitStatus.INVALID_INPUT,
        )
    extra = sorted(str(key) for key in document if key != "rules")
    if extra:
        raise CliError(f"rules file {name}: unknown top-level key {extra[0]!r}", ExitStatus.INVALID_INPUT)
    rules: list[Rule] = []
    for index, item in enumerate(document["rules"], start=1):
        try:
            label = "standard input" if source == "-" else Path(source).name
            rules.append(_rule_from_mapping(item, f"{label} rule {index}"))
        except ValueError as error:
            raise CliError(f"rules file {name}: {error}", ExitStatus.INVALID_INPUT) from None
    return rules


def load_tokens(path: Path | str) -> list[str]:
    """Access tokens to accept from the start: one per line (blank lines and # comments skipped).

    The statuses match probe's --token-file: missing or unreadable -> NO_INPUT; too large, not UTF-8,
    no token, or a token with control characters -> CONFIG.
    """
    source = str(path)
    name = shown_source(source)
    text = read_text(source, limit=MAX_SECRET_BYTES, what="token file", invalid=ExitStatus.CONFIG)
    tokens: list[str] = []
    # Split on \n only: str.splitlines() would also split on \v, \f, \x1c... and hide them from the check below.
    for number, line in enumerate(text.split("\n"), start=1):
        token = line.strip()
        if not token or token.startswith("#"):
            continue
        if has_control_characters(token):
            raise CliError(f"token file {name} line {number}: the token contains control characters", ExitStatus.CONFIG)
        tokens.append(token)
    if not tokens:
        raise CliError(f"token file {name} is empty (it holds no token)", ExitStatus.CONFIG)
    for token in tokens:
        register(token)
    return tokens


# --- configuration --------------------------------------------------------------------------


@dataclass(frozen=True)
class MockConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    qps: int = 1  # per token per second; 0 = no limit
    points: int | None = None  # daily budget; None = unlimited
    latency: float = 0.0
    seed: int | None = None
    rules: tuple[Rule, ...] = ()
    tokens: tuple[str, ...] = ()
    accept_any_key: bool = False
    token_ttl: float = DEFAULT_TOKEN_TTL
    warnings: tuple[str, ...] = ()


def build_config(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    qps: int = 1,
    points: int | None = None,
    fail: Sequence[str] = (),
    latency: float = 0.0,
    seed: int | None = None,
    rules_file: Path | str | None = None,
    token_file: Path | str | None = None,
    accept_any_key: bool = False,
    token_ttl: float | None = None,
) -> MockConfig:
    """Check the options and read the files; every problem is a one-line CliError."""
    if not host.strip():
        raise CliError("--host must not be empty", ExitStatus.USAGE)
    if not 0 <= port <= 65535:
        raise CliError(f"--port must be from 0 to 65535, got {port}", ExitStatus.USAGE)
    if qps < 0:
        raise CliError(f"--qps must be 0 (no limit) or more, got {qps}", ExitStatus.USAGE)
    if points is not None and points < 0:
        raise CliError(f"--points must be 0 or more, got {points}", ExitStatus.USAGE)
    try:
        latency = _parse_seconds(str(latency), "--latency")
    except ValueError as error:
        raise CliError(str(error), ExitStatus.USAGE) from None
    ttl = DEFAULT_TOKEN_TTL if token_ttl is None else token_ttl
    if not ttl > 0:
        raise CliError(f"--token-ttl must be more than 0 seconds, got {token_ttl}", ExitStatus.USAGE)
    rules: list[Rule] = []
    for spec in fail:
        try:
            rules.append(parse_fail(spec))
        except ValueError as error:
            raise CliError(f"--fail {spec}: {error}", ExitStatus.INVALID_INPUT) from None
    if rules_file is not None:
        rules.extend(load_rules(rules_file))
    tokens = load_tokens(token_file) if token_file is not None else []
    warnings = [
        f"{rule.origin}: path {rule.path} is not in the catalog; it only matches requests answered 1600101"
        for rule in rules
        if rule.path is not None and not any(char in rule.path for char in "*?[") and catalog.find(rule.path) is None
    ]
    return MockConfig(
        host=host.strip(),
        port=port,
        qps=qps,
        points=points,
        latency=latency,
        seed=seed,
        rules=tuple(rules),
        tokens=tuple(tokens),
        accept_any_key=accept_any_key,
        token_ttl=ttl,
        warnings=tuple(warnings),
    )


# --- requests and responses -----------------------------------------------------------------


@dataclass(frozen=True)
class MockRequest:
    method: str
    target: str  # path and query string as sent
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    client: str

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class MockResponse:
    status: int = 200
    body: bytes = b""
    content_type: str | None = _JSON
    code: int | None = None  # the CJ code in the body, for the log
    fault: Rule | None = None
    drop: bool = False  # send half the body, then close the connection
    delay: float = 0.0
    token: str = ""  # the token the request carried, masked in the log


def _request_id() -> str:
    return uuid.uuid4().hex


def _json_response(document: Mapping[str, Any], code: int | None, status: int = 200) -> MockResponse:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return MockResponse(status=status, body=body, code=code)


def error_body(code: int, message: str) -> dict[str, Any]:
    """CJ's error envelope: HTTP 200, result false, data null, a fresh requestId."""
    if code == 1600101:
        # The exact live body (cj-clients §4.1 item 5): no requestId.
        return {"code": 1600101, "message": "Interface not found", "result": False, "data": None}
    return {"code": code, "result": False, "message": message, "data": None, "requestId": _request_id()}


def qps_message(qps: int, seconds: int = 1) -> str:
    # The body integrators capture from the live API; written by the module that also reads it.
    return cjwording.qps_message(max(qps, 1), seconds)


def points_message(used: int, remaining: int, required: int) -> str:
    return cjwording.points_message(used, remaining, required)


def code_message(code: int, fill: Sequence[str] = ()) -> str:
    """The wording the mock uses for ``code``: its first ``current`` message, else its first, else its title.

    Each ``{param}`` takes the next value of ``fill`` ("" when none is left).
    """
    entry = codes.get(code)
    if entry is None:
        return "Error"
    current = [message for message in entry.messages if message.source == "current"]
    chosen = current[0] if current else (entry.messages[0] if entry.messages else None)
    if chosen is None:
        return entry.title
    pieces = chosen.text.split("{param}")
    values = list(fill)
    text = pieces[0]
    for index, piece in enumerate(pieces[1:]):
        text += (values[index] if index < len(values) else "") + piece
    return text


# --- success bodies -------------------------------------------------------------------------


_PID = "2A4D8B2C-5B6E-4F0A-9C1D-7E3F2A1B0C9D"
_VIDS = ("9F1E2D3C-4B5A-4697-8877-665544332211", "1A2B3C4D-5E6F-4071-8293-A4B5C6D7E8F9")
_CATEGORY_ID = "87CF251F-8D11-4DE0-A154-9694D9858EB3"
_WAREHOUSE_ID = "201e67f6ba4644c0a36d63bf4989dd70"
_IMAGE = "https://cf.cjdropshipping.com/quick/product/example.jpg"


@dataclass(frozen=True)
class _Call:
    """What a data builder may echo back: the query string and the JSON body."""

    endpoint: Endpoint
    query: Mapping[str, list[str]]
    body: Mapping[str, Any]
    config: MockConfig

    def get(self, name: str, default: str) -> str:
        values = self.query.get(name)
        if values and values[0]:
            return values[0]
        value = self.body.get(name)
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
            return str(value)
        return default

    def all(self, name: str) -> list[str]:
        values = [value for value in self.query.get(name, []) if value]
        body_value = self.body.get(name)
        if isinstance(body_value, list):
            values.extend(str(value) for value in body_value)
        return values


def _now_utc(fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime(fmt)


def _variant(pid: str, vid: str, key: str) -> dict[str, Any]:
    return {
        "vid": vid,
        "pid": pid,
        "variantNameEn": f"Silicone Cable Organizer {key}",
        "variantSku": f"CJJJ1234567-{key}",
        "variantKey": key,
        "variantSellPrice": 1.2 if key.startswith("Black") else 1.35,
        "variantWeight": 20,
        "variantImage": _IMAGE,
        "inventories": None,  # often null on the live API (cj-clients §4.4)
    }


def _product(call: _Call) -> dict[str, Any]:
    pid = call.get("pid", _PID)
    return {
        "pid": pid,
        "productNameEn": "Silicone Cable Organizer",
        "productSku": call.get("productSku", "CJJJ1234567"),
        "productImage": _IMAGE,
        "productWeight": "20.00-24.00",
        "productType": "ORDINARY_PRODUCT",
        "categoryId": _CATEGORY_ID,
        "categoryName": "Home Office Storage",
        "sellPrice": "1.20-1.35",
        "productKeyEn": "Color-Size",
        "status": "3",
        "variants": [_variant(pid, _VIDS[0], "Black-M"), _variant(pid, _VIDS[1], "White-M")],
    }


def _list_v2(call: _Call) -> dict[str, Any]:
    item = {
        "id": _PID,
        "nameEn": "Silicone Cable Organizer",
        "sku": "CJJJ1234567",
        "bigImage": _IMAGE,
        "sellPrice": "1.20-1.35",
        "categoryId": _CATEGORY_ID,
        "listedNum": 3,
        "warehouseInventoryNum": 120,
        "verifiedWarehouse": 2,
    }
    return {
        "pageSize": int(call.get("size", "10")) if call.get("size", "10").isdigit() else 10,
        "pageNumber": int(call.get("page", "1")) if call.get("page", "1").isdigit() else 1,
        "totalRecords": 1,
        "totalPages": 1,
        "content": [
            {"productList": [item], "relatedCategoryList": [], "keyWord": call.get("keyWord", ""), "keyWordOld": ""}
        ],
    }


def _v1_page(items: list[Any], call: _Call, size: int = 20) -> dict[str, Any]:
    page = call.get("pageNum", "1")
    page_size = call.get("pageSize", str(size))
    return {
        "pageNum": int(page) if page.isdigit() else 1,
        "pageSize": int(page_size) if page_size.isdigit() else size,
        "total": len(items),
        "list": items,
    }


def _v2_page(items: list[Any], call: _Call) -> dict[str, Any]:
    return {"pageSize": 20, "pageNumber": 1, "totalRecords": len(items), "totalPages": 1, "content": items}


def _product_list(call: _Call) -> dict[str, Any]:
    item = {
        "pid": _PID,
        "productName": '["硅胶理线器"]',  # a JSON-encoded array in a string, as live (cj-clients §4.4)
        "productNameEn": "Silicone Cable Organizer",
        "productSku": "CJJJ1234567",
        "productImage": _IMAGE,
        "productWeight": "20.00-24.00",
        "productType": "ORDINARY_PRODUCT",
        "categoryId": _CATEGORY_ID,
        "categoryName": "Home Office Storage",
        "sellPrice": "1.20-1.35",
        "isVideo": 0,
        "saleStatus": 3,
        "listedNum": 3,
        "createTime": _now_utc("%Y-%m-%dT%H:%M:%S.000+00:00"),
    }
    return _v1_page([item], call)


def _inventory_rows(vid: str) -> list[dict[str, Any]]:
    return [
        {"vid": vid, "areaId": 2, "areaEn": "China Warehouse", "countryCode": "CN", "storageNum": 100},
        {"vid": vid, "areaId": 1, "areaEn": "US Warehouse", "countryCode": "US", "storageNum": 20},
    ]


def _inventory_by_pid(call: _Call) -> dict[str, Any]:
    return {
        "inventories": [
            {"areaEn": "China Warehouse", "areaId": 2, "countryCode": "CN", "totalInventoryNum": 200},
            {"areaEn": "US Warehouse", "areaId": 1, "countryCode": "US", "totalInventoryNum": 40},
        ],
        "variantInventories": [
            {
                "vid": vid,
                "inventory": [
                    {
                        "countryCode": "CN",
                        "totalInventory": 100,
                        "cjInventory": 100,
                        "factoryInventory": 0,
                        "verifiedWarehouse": 1,
                    },
                    {
                        "countryCode": "US",
                        "totalInventory": 20,
                        "cjInventory": 20,
                        "factoryInventory": 0,
                        "verifiedWarehouse": 1,
                    },
                ],
            }
            for vid in _VIDS
        ],
    }


def _comments(call: _Call) -> dict[str, Any]:
    comment = {
        "commentId": "1600000000000000001",
        "pid": call.get("pid", _PID),
        "comment": "Holds every cable on my desk.",
        "commentDate": _now_utc("%Y-%m-%dT%H:%M:%S.000+00:00"),
        "commentUser": "K***a",
        "score": "5",
        "commentUrls": [],
        "countryCode": "US",
    }
    # pageNum and friends are strings on this endpoint (cj-clients §4.1).
    return {
        "pageNum": call.get("pageNum", "1"),
        "pageSize": call.get("pageSize", "20"),
        "total": "1",
        "list": [comment],
    }


def _order(call: _Call) -> dict[str, Any]:
    order_id = call.get("orderId", "SD2509120001")
    return {
        "orderId": order_id,
        "orderNum": call.get("orderNumber", "my-order-1001"),
        "cjOrderId": "CJ2509120001",
        "shippingCountryCode": "US",
        "shippingProvince": "California",
        "shippingCity": "Los Angeles",
        "shippingCustomerName": "Ada Lovelace",
        "shippingAddress": "1 Example Street",
        "orderWeight": 40,
        "orderStatus": "CREATED",
        "orderAmount": 6.91,
        "productAmount": 2.4,
        "postageAmount": 4.51,
        "logisticName": "CJPacket Ordinary",
        "trackNumber": None,
        "createDate": _now_utc(),
        "paymentDate": None,
        "isSandbox": 0,
        "productList": [{"vid": _VIDS[0], "quantity": 2, "sellPrice": 1.2}],
    }


def _create_order(call: _Call) -> dict[str, Any]:
    return {
        "orderId": "SD2509120001",
        "orderNumber": call.get("orderNumber", "my-order-1001"),
        "shipmentOrderId": None,
        "orderStatus": "CREATED",
        "productAmount": 2.4,
        "postageAmount": 4.51,
        "orderAmount": 6.91,
        "logisticsMiss": False,
        "interceptOrderReasons": [],
        "cjPayUrl": "https://www.cjdropshipping.com/mine/payment?pid=example",
    }


def _freight(call: _Call) -> list[dict[str, Any]]:
    return [
        {
            "logisticAging": "7-12",
            "logisticPrice": 4.51,
            "logisticPriceCn": 32.47,
            "logisticName": "CJPacket Ordinary",
            "taxesFee": 0,
            "clearanceOperationFee": 0,
            "totalPostageFee": 4.51,
        },
        {
            "logisticAging": "12-50",
            "logisticPrice": 2.86,
            "logisticPriceCn": 20.59,
            "logisticName": "CJPacket Eub",
            "taxesFee": 0,
            "clearanceOperationFee": 0,
            "totalPostageFee": 2.86,
        },
    ]


def _tracking(call: _Call) -> list[dict[str, Any]]:
    numbers = call.all("trackNumber") or ["CJPKL7160102171YQ"]
    return [
        {
            "trackingNumber": number,
            "logisticName": "CJPacket Ordinary",
            "trackingFrom": "CN",
            "trackingTo": "US",
            "deliveryDay": "9",
            "deliveryTime": _now_utc(),
            "trackingStatus": "In transit",
            "lastMileCarrier": "USPS",
            "lastTrackNumber": "9400111899223197428490",
        }
        for number in numbers
    ]


def _token_data(pair: _TokenPair, *, with_open_id: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"openId": pair.open_id} if with_open_id else {}
    data.update(
        accessToken=pair.access,
        accessTokenExpiryDate=_cn_date(pair.access_expires),
        refreshToken=pair.refresh,
        refreshTokenExpiryDate=_cn_date(pair.refresh_expires),
        createDate=_cn_date(pair.created),
    )
    return data


def _cn_date(epoch: float) -> str:
    moment = datetime.datetime.fromtimestamp(min(epoch, 253402300799.0), tz=_CN_TIME)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+08:00")


_Builder = Callable[[_Call], Any]

_BUILDERS: dict[str, _Builder] = {
    "/setting/get": lambda call: {
        "openId": 1234567,
        "openName": "mock",
        "openEmail": "mock@example.com",
        "setting": {
            "quotaLimits": [{"quotaUrl": "/api2.0/v1/product/listV2", "quotaLimit": 1000, "quotaType": 4}],
            "qpsLimit": call.config.qps,
        },
        "callback": {"product": {"type": "CANCEL", "urls": []}, "order": {"type": "CANCEL", "urls": []}},
        "root": "GENERAL",
        "isSandbox": False,
    },
    "/product/getCategory": lambda call: [
        {
            "categoryFirstId": "5E656DFB-9BAE-44DD-A755-40AFA2E0E686",
            "categoryFirstName": "Home, Garden & Furniture",
            "categoryFirstList": [
                {
                    "categorySecondId": "6A5D2EB4-13BD-462E-A627-78CFED11B2A2",
                    "categorySecondName": "Home Storage",
                    "categorySecondList": [{"categoryId": _CATEGORY_ID, "categoryName": "Home Office Storage"}],
                }
            ],
        }
    ],
    "/product/listV2": _list_v2,
    "/product/globalWarehouseList": lambda call: [
        {"id": _WAREHOUSE_ID, "areaEn": "US Warehouse", "countryCode": "US", "areaId": 1},
        {"id": "c4b3a2f1e0d94c8b9a7f6e5d4c3b2a10", "areaEn": "China Warehouse", "countryCode": "CN", "areaId": 2},
    ],
    "/product/list": _product_list,
    "/product/query": _product,
    "/product/productDetail/query": _product,
    "/product/myProduct/query": lambda call: _v2_page(
        [{"productId": _PID, "nameEn": "Silicone Cable Organizer"}], call
    ),
    "/product/variant/query": lambda call: _product(call)["variants"],
    "/product/variant/queryByVid": lambda call: _variant(_PID, call.get("vid", _VIDS[0]), "Black-M"),
    "/product/stock/queryByVid": lambda call: _inventory_rows(call.get("vid", _VIDS[0])),
    "/product/stock/queryBySku": lambda call: _inventory_rows(_VIDS[0]),
    "/product/stock/getInventoryByPid": _inventory_by_pid,
    "/product/comments": _comments,
    "/product/productComments": _comments,
    "/product/sourcing/create": lambda call: {"cjSourcingId": "1600000000000000002", "result": "Sourcing created"},
    "/product/sourcing/query": lambda call: [
        {"sourceId": source, "sourceStatus": "2", "sourceStatusStr": "Processing", "cjProductId": None}
        for source in (call.all("sourceIds") or ["1600000000000000002"])
    ],
    "/product/sourcing/queryList": lambda call: [
        {"sourceId": source, "sourceStatus": "2", "sourceStatusStr": "Processing", "cjProductId": None}
        for source in (call.all("sourceIds") or ["1600000000000000002"])
    ],
    "/product/queryProductsByImage": lambda call: _list_v2(call),
    "/warehouse/detail": lambda call: {
        "id": call.get("id", _WAREHOUSE_ID),
        "name": "US Warehouse (mock)",
        "countryCode": "US",
        "logisticsBrandList": [{"id": "1", "name": "USPS"}, {"id": "2", "name": "UPS"}, {"id": "3", "name": "FedEx"}],
    },
    "/shopping/order/createOrderV2": _create_order,
    "/shopping/order/createOrderV3": _create_order,
    "/shopping/order/createOrder": lambda call: "210711100018655344",  # a bare order id string (legacy)
    "/shopping/order/addCart": lambda call: {
        "successCount": len(call.all("cjOrderIdList")) or 1,
        "addSuccessOrders": call.all("cjOrderIdList"),
        "interceptOrders": [],
    },
    "/shopping/order/addCartConfirm": lambda call: {
        "successCount": len(call.all("cjOrderIdList")) or 1,
        "submitSuccess": True,
        "shipmentsId": "SP2509120001",
        "result": True,
        "interceptOrders": [],
    },
    "/shopping/order/saveGenerateParentOrder": lambda call: {
        "payId": "PAY2509120001",
        "orderMoney": 6.91,
        "payExpireTime": _now_utc(),
        "paymentInformation": {"shipmentOrderId": call.get("shipmentOrderId", "SP2509120001"), "currency": "USD"},
    },
    "/shopping/order/list": lambda call: _v1_page([_order(call)], call),
    "/shopping/order/getOrderDetail": _order,
    "/shopping/order/deleteOrder": lambda call: call.get("orderId", "SD2509120001"),
    "/shopping/order/confirmOrder": lambda call: call.get("orderId", "SD2509120001"),
    "/shopping/pay/getBalance": lambda call: {"amount": 100.0, "noWithdrawalAmount": 0.0, "freezeAmount": 0.0},
    "/shopping/order/podProductCustomPicturesEdit": lambda call: [
        {"orderCode": "SD2509120001", "lineItemId": "1", "result": 1}
    ],
    "/logistic/freightCalculate": _freight,
    "/logistic/partnerFreightCalculate": _freight,
    "/logistic/freightCalculateTip": lambda call: [
        {"logisticName": "CJPacket Ordinary", "postage": 4.51, "arrivalTime": "7-12", "ruleTips": []}
    ],
    "/logistic/getSupplierLogisticsTemplate": lambda call: [],
    "/logistic/unavailableShippingMethods": lambda call: {"availableList": _freight(call), "unavailableList": []},
    "/logistic/getTrackInfo": _tracking,
    "/logistic/trackInfo": _tracking,
    "/disputes/disputeProducts": lambda call: {
        "orderId": call.get("orderId", "SD2509120001"),
        "productInfoList": [{"lineItemId": "1", "vid": _VIDS[0], "quantity": 2, "price": 1.2}],
    },
    "/disputes/disputeConfirmInfo": lambda call: {
        "orderId": call.get("orderId", "SD2509120001"),
        "maxAmount": 2.4,
        "expectResultOptionList": ["1", "2"],
    },
    "/disputes/create": lambda call: "true",
    "/disputes/cancel": lambda call: "true",
    "/disputes/getDisputeList": lambda call: _v1_page([], call, size=10),
    "/shop/getShops": lambda call: [{"shopId": "1001", "shopName": "mock-store", "platform": "shopify"}],
    "/product/stock/privateInventory/querySpuPage": lambda call: _v2_page([], call),
    "/product/stock/privateInventory/querySkuDetailPage": lambda call: _v2_page([], call),
    "/webhook/product/subscribe/list": lambda call: _v2_page([], call),
    "/ticket/pendingCount": lambda call: 0,
}

_CODE0_PATHS = frozenset({"/product/globalWarehouseList", "/shop/getShops"})
_CART_PATHS = frozenset({"/shopping/order/addCart", "/shopping/order/addCartConfirm"})
_DISPUTE_PATHS = frozenset({"/disputes/create", "/disputes/cancel", "/disputes/getDisputeList"})


def success_data(call: _Call) -> Any:
    builder = _BUILDERS.get(call.endpoint.path)
    if builder is not None:
        return builder(call)
    if call.endpoint.mutating:
        return True
    return _v1_page([], call)


def success_body(endpoint: Endpoint, data: Any) -> dict[str, Any]:
    """The success envelope in the variant CJ uses for this endpoint (cj-api-facts §2.3, cj-clients §4.1)."""
    path = endpoint.path
    if path in _CODE0_PATHS:
        return {"success": True, "code": 0, "message": "Success", "data": data, "requestId": _request_id()}
    if path == "/product/productComments" or endpoint.group == "Sourcing":
        return {"success": True, "code": 0, "message": None, "data": data, "requestId": _request_id()}
    if path in _CART_PATHS:
        return {"success": True, "code": 200, "message": "Congratulation! Well done!", "data": data}
    if path == "/shopping/order/saveGenerateParentOrder":
        return {"success": True, "message": "Success", "data": data}
    if path == "/product/stock/getInventoryByPid":
        return {"success": True, "code": 200, "message": "", "data": data, "requestId": _request_id()}
    if path in _DISPUTE_PATHS:
        return {"code": 200, "result": True, "message": "Success", "data": data, "redirectUri": str(uuid.uuid4())}
    return {"code": 200, "result": True, "message": "Success", "data": data, "requestId": _request_id()}


# --- the application ------------------------------------------------------------------------


@dataclass
class _TokenPair:
    access: str
    refresh: str
    created: float
    access_expires: float
    refresh_expires: float
    open_id: int
    api_key: str | None = None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _make_token(account: str, kind: str) -> str:
    payload = {"jti": uuid.uuid4().hex, "sub": account, "type": kind, "iat": int(time.time())}
    body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
    return f"API@CJ{account}@CJ:{_JWT_HEADER}.{body}.{_b64url(secrets.token_bytes(32))}"


def _account_of(api_key: str) -> tuple[str, int]:
    """(account number, openId) for an API key; stable for the same key."""
    digest = int.from_bytes(hashlib.sha256(api_key.encode("utf-8")).digest()[:8], "big")
    match = _API_KEY_SHAPE.match(api_key)
    account = match.group(1) if match else str(1000000 + digest % 9000000)
    return account, 10000 + digest % 90000


class _Faulted(Exception):
    def __init__(self, response: MockResponse) -> None:
        super().__init__(response.code)
        self.response = response


class MockApp:
    """Everything but the sockets: one call to ``handle`` per request. Thread-safe."""

    def __init__(
        self,
        config: MockConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self._clock = clock
        self._wall = wall
        self._lock = threading.Lock()
        self._rng = random.Random(config.seed)
        self._seen = [0] * len(config.rules)
        self._windows: dict[str, deque[float]] = {}
        self._by_access: dict[str, _TokenPair] = {}
        self._by_refresh: dict[str, _TokenPair] = {}
        self._by_key: dict[str, _TokenPair] = {}
        self._points_day = self._utc_day()
        self._points_used = 0
        forever = float("inf")
        for token in config.tokens:
            self._by_access[token] = _TokenPair(token, "", wall(), forever, forever, 10000)
        self._routes: dict[str, Endpoint] = {API_PREFIX + endpoint.path: endpoint for endpoint in catalog.ENDPOINTS}

    # -- entry point --

    def handle(self, request: MockRequest) -> MockResponse:
        split = urlsplit(request.target)
        path = split.path
        relative = path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path
        endpoint = self._routes.get(path)
        delay, rule = self._pick_fault(request.method, relative)
        token = request.header("CJ-Access-Token").strip()
        if rule is not None:
            response = self._fault_response(rule, request, endpoint)
        else:
            try:
                response = self._answer(request, endpoint, split.query, token)
            except _Faulted as faulted:
                response = faulted.response
        response.delay = delay
        response.token = token
        return response

    # -- faults --

    def _pick_fault(self, method: str, path: str) -> tuple[float, Rule | None]:
        delay = self.config.latency
        with self._lock:
            for index, rule in enumerate(self.config.rules):
                if not rule.matches(method, path):
                    continue
                if rule.count is not None and self._seen[index] >= rule.count:
                    continue
                self._seen[index] += 1
                if self._rng.random() >= rule.rate:
                    continue
                if rule.fault.kind == "slow":
                    delay += rule.fault.seconds
                    continue
                return delay, rule
        return delay, None

    def _fault_response(self, rule: Rule, request: MockRequest, endpoint: Endpoint | None) -> MockResponse:
        fault = rule.fault
        if fault.kind == "code":
            response = _json_response(
                error_body(fault.code, self._injected_message(fault.code, request, endpoint)), fault.code
            )
        elif fault.kind == "http" and fault.code == 429:
            response = self._http429(fault.variant, endpoint)
        elif fault.kind == "http":
            response = MockResponse(status=fault.code, body=_error_page(fault.code), content_type=_HTML)
        elif fault.kind == "html":
            response = MockResponse(body=_LOGIN_PAGE, content_type=_HTML)
        elif fault.kind == "empty":
            response = MockResponse(body=b"")
        else:  # drop
            data = {"padding": "x" * 256}
            response = _json_response(
                {"code": 200, "result": True, "message": "Success", "data": data, "requestId": _request_id()}, None
            )
            response.drop = True
        response.fault = rule
        return response

    def _http429(self, variant: str, endpoint: Endpoint | None) -> MockResponse:
        """HTTP 429 as CJ sends it: bare, the QPS limit, spent points, or the getAccessToken throttle."""
        if variant == "qps":
            # 1600200 with its QPS wording has been logged with HTTP 429 as well as with 200.
            return _json_response(error_body(1600200, qps_message(self.config.qps)), 1600200, status=429)
        if variant == "auth":
            # The getAccessToken throttle: one call per 5 minutes, in the QPS wording.
            return _json_response(error_body(1600200, qps_message(1, 300)), 1600200, status=429)
        if variant == "points":
            # The points page documents HTTP 429 with a body starting {"code": 429, "result": ...}; the
            # points figures follow the 16900500 wording, plus pointsInfo (usedToday, remaining, total).
            cost = endpoint.points if endpoint is not None and endpoint.points else 10
            with self._lock:
                budget = self.config.points if self.config.points is not None else 50000
                used = max(self._points_used, budget)
            body = error_body(429, points_message(used, 0, cost))
            body["data"] = {"pointsInfo": {"usedToday": used, "remaining": 0, "total": budget}}
            return _json_response(body, 429, status=429)
        # A bare 429 that names no limit (the points page's body start, nothing more).
        return _json_response(error_body(429, "Too Many Requests"), 429, status=429)

    def _injected_message(self, code: int, request: MockRequest, endpoint: Endpoint | None) -> str:
        if code == 1600200:
            return qps_message(self.config.qps)
        if code == 16900500:
            cost = endpoint.points if endpoint is not None and endpoint.points else 10
            with self._lock:
                budget = self.config.points if self.config.points is not None else 50000
                used = max(self._points_used, budget)
            return points_message(used, 0, cost)
        fill: list[str] = []
        if code == 16900202:
            fill = [request.method]
        elif code == 16900203:
            fill = [request.header("Content-Type") or "application/x-www-form-urlencoded"]
        elif code == 16900403:
            required = [spec.name for spec in endpoint.fields if spec.required] if endpoint is not None else []
            fill = [required[0] if required else "param"]
        elif code == 806:
            fill = ["null", "USPS"]
        return code_message(code, fill)

    # -- the normal path --

    def _fail(self, code: int, message: str) -> _Faulted:
        return _Faulted(_json_response(error_body(code, message), code))

    def _answer(self, request: MockRequest, endpoint: Endpoint | None, query_string: str, token: str) -> MockResponse:
        if endpoint is None:
            raise self._fail(1600101, "Interface not found")
        if endpoint.needs_token:
            if not token:
                raise self._fail(1600002, code_message(1600002))
            if not self._token_valid(token):
                raise self._fail(1600001, code_message(1600001))
            limit_key = "token:" + token
        else:
            limit_key = "ip:" + request.client  # getAccessToken / refreshAccessToken carry no token
        if not self._take_qps(limit_key):
            raise self._fail(1600200, qps_message(self.config.qps))
        method = "GET" if request.method == "HEAD" else request.method
        # The catalog knows which paths take more than one method (/product/conn/connection: GET, POST, DELETE).
        if method != endpoint.method and method not in endpoint.other_methods:
            raise self._fail(16900202, code_message(16900202, [request.method]))
        query: dict[str, list[str]] = {}
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(key, []).append(value)
        body: dict[str, Any] = {}
        location = endpoint.location if method == endpoint.method else Location.HEADERS
        if location is Location.JSON:
            body = self._json_body(request, endpoint)
            missing = _missing_fields(endpoint.fields, endpoint.one_of, body)
            if missing:
                # 16900403 "{param} can not be empty": the current table (cj-api-facts §1.2) and the live
                # "startCountryCode must be not empty" for a JSON body (cj-clients §4.1 item 7).
                raise self._fail(16900403, code_message(16900403, [missing]))
        elif location in (Location.QUERY, Location.FORM):
            given: Mapping[str, Any] = query if location is Location.QUERY else self._form_fields(request)
            if _missing_fields(endpoint.fields, endpoint.one_of, given):
                # 1600300 "Param error": the current table (cj-api-facts §1.2) and the 1600300 guidance for
                # parameters sent the wrong way (§1.4); getOrderDetail has its own wording (§1.5).
                message = _QUERY_MISSING_MESSAGE.get(endpoint.path, code_message(1600300))
                raise self._fail(1600300, message)
        if self.config.points is not None and endpoint.points:
            self._charge(endpoint.points)
        call = _Call(endpoint, query, body, self.config)
        if endpoint.path == "/authentication/getAccessToken":
            data: Any = self._get_access_token(body)
        elif endpoint.path == "/authentication/refreshAccessToken":
            data = self._refresh(body)
        elif endpoint.path == "/authentication/logout":
            self._logout(token)
            data = True
        else:
            data = success_data(call)
        return _json_response(success_body(endpoint, data), success_body_code(endpoint))

    def _json_body(self, request: MockRequest, endpoint: Endpoint) -> dict[str, Any]:
        content_type = request.header("Content-Type")
        if content_type:
            media = content_type.split(";")[0].strip().lower()
            if media != "application/json" and not media.endswith("+json"):
                raise self._fail(16900203, code_message(16900203, [content_type]))
        if not request.body.strip():
            if any(spec.required for spec in endpoint.fields) or endpoint.one_of:
                raise self._fail(16900204, code_message(16900204))
            return {}
        try:
            value = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise self._fail(16900205, code_message(16900205)) from None
        if not isinstance(value, dict):
            raise self._fail(16900205, code_message(16900205))
        return value

    def _form_fields(self, request: MockRequest) -> dict[str, Any]:
        content_type = request.header("Content-Type")
        if not content_type.lower().startswith("multipart/form-data"):
            raise self._fail(16900203, code_message(16900203, [content_type or "application/octet-stream"]))
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
        fields: dict[str, Any] = {}
        if not message.is_multipart():
            raise self._fail(1600300, code_message(1600300))
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                fields[name] = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        return fields

    # -- tokens --

    def _token_valid(self, token: str) -> bool:
        with self._lock:
            pair = self._by_access.get(token)
            return pair is not None and self._wall() < pair.access_expires

    def _issue(self, api_key: str | None, open_id: int, account: str) -> _TokenPair:
        now = self._wall()
        pair = _TokenPair(
            access=_make_token(account, "access"),
            refresh=_make_token(account, "refresh"),
            created=now,
            access_expires=now + self.config.token_ttl,
            refresh_expires=now + self.config.token_ttl,
            open_id=open_id,
            api_key=api_key,
        )
        register(pair.access)
        register(pair.refresh)
        self._by_access[pair.access] = pair
        self._by_refresh[pair.refresh] = pair
        if api_key is not None:
            self._by_key[api_key] = pair
        return pair

    def _revoke(self, pair: _TokenPair) -> None:
        self._by_access.pop(pair.access, None)
        self._by_refresh.pop(pair.refresh, None)
        if pair.api_key is not None and self._by_key.get(pair.api_key) is pair:
            del self._by_key[pair.api_key]

    def _get_access_token(self, body: Mapping[str, Any]) -> dict[str, Any]:
        api_key = body.get("apiKey")
        key = api_key.strip() if isinstance(api_key, str) else ""
        # Only {apiKey} works since 2025; email + password gets 1600005 too (cj-clients §4.2).
        if not key or not (self.config.accept_any_key or _API_KEY_SHAPE.match(key)):
            raise self._fail(1600005, code_message(1600005))
        account, open_id = _account_of(key)
        with self._lock:
            pair = self._by_key.get(key)
            if pair is None or not self._cached(pair):
                pair = self._issue(key, open_id, account)
        return _token_data(pair, with_open_id=True)

    def _cached(self, pair: _TokenPair) -> bool:
        """Whether CJ's 24-hour cache still hands out ``pair`` (cj-api-facts §4.2: S3-com, S5). Hold the lock."""
        now = self._wall()
        return (
            self._by_access.get(pair.access) is pair
            and now < pair.access_expires
            and now - pair.created < _TOKEN_CACHE_SECONDS
        )

    def _refresh(self, body: Mapping[str, Any]) -> dict[str, Any]:
        value = body.get("refreshToken")
        refresh = value.strip() if isinstance(value, str) else ""
        with self._lock:
            old = self._by_refresh.get(refresh)
            if old is None or self._wall() >= old.refresh_expires:
                raise self._fail(1600003, code_message(1600003))
            if self._cached(old):
                # "Refresh Token also returns the same cached token within the 24-hour window" (§4.2):
                # the same pair comes back and both tokens keep working.
                pair = old
            else:
                # After 24 hours (or once the access token expired): a new pair, and the old one stops
                # working, so a client that keeps the old token is caught.
                self._revoke(old)
                account = old.access.split("@")[1][2:] if old.access.startswith("API@CJ") else "1000000"
                pair = self._issue(old.api_key, old.open_id, account)
        return _token_data(pair, with_open_id=False)

    def _logout(self, token: str) -> None:
        with self._lock:
            pair = self._by_access.get(token)
            if pair is not None:
                self._revoke(pair)

    # -- limits --

    def _take_qps(self, key: str) -> bool:
        if self.config.qps <= 0:
            return True
        with self._lock:
            now = self._clock()
            window = self._windows.setdefault(key, deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= self.config.qps:
                return False
            window.append(now)
            return True

    @staticmethod
    def _utc_day() -> datetime.date:
        return datetime.datetime.now(datetime.timezone.utc).date()

    def _charge(self, cost: int) -> None:
        budget = self.config.points or 0
        with self._lock:
            today = self._utc_day()
            if today != self._points_day:  # points reset at 00:00 UTC
                self._points_day, self._points_used = today, 0
            remaining = max(budget - self._points_used, 0)
            if remaining < cost:
                used = self._points_used
            else:
                self._points_used += cost
                return
        raise self._fail(16900500, points_message(used, remaining, cost))


def success_body_code(endpoint: Endpoint) -> int | None:
    if endpoint.path in _CODE0_PATHS or endpoint.path == "/product/productComments" or endpoint.group == "Sourcing":
        return 0
    if endpoint.path == "/shopping/order/saveGenerateParentOrder":
        return None
    return 200


def _is_empty(value: object) -> bool:
    """CJ's "can not be empty": absent, null, "", {}, [] (a repeated query key counts when any value is set)."""
    if isinstance(value, list):
        return all(item is None or item == "" for item in value)
    return value is None or (isinstance(value, str | dict) and len(value) == 0)


def _missing_fields(
    specs: Sequence[FieldSpec], one_of: Iterable[Sequence[str]], given: Mapping[str, Any], prefix: str = ""
) -> str | None:
    """The name of the first required field that is missing or empty, or None."""
    for spec in specs:
        value = given.get(spec.name)
        if spec.required and _is_empty(value):
            return prefix + spec.name
        if spec.items and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    found = _missing_fields(spec.items, (), item, f"{prefix}{spec.name}[{index}].")
                    if found:
                        return found
        elif spec.items and isinstance(value, dict):
            found = _missing_fields(spec.items, (), value, f"{prefix}{spec.name}.")
            if found:
                return found
    for group in one_of:
        if all(_is_empty(given.get(name)) for name in group):
            return prefix + group[0]
    return None


def _error_page(status: int) -> bytes:
    reasons = {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Temporarily Unavailable",
        504: "Gateway Time-out",
    }
    title = f"{status} {reasons.get(status, 'Error')}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ).encode("ascii")


_LOGIN_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>CJdropshipping</title></head>\n'
    b'<body><div id="app">Loading...</div><script src="/static/js/app.js"></script></body></html>\n'
)


# --- HTTP -----------------------------------------------------------------------------------


class _Log:
    """One line per event on stderr, never interleaved; a closed stderr is ignored."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        with self._lock:
            try:
                self._stream.write(text + "\n")
                self._stream.flush()
            except (OSError, ValueError):
                pass


def log_target(target: str) -> str:
    """The request target for the log: values of secret-named query keys masked, the rest scrubbed.

    ``?token=...&accessToken=...`` is masked whatever the value looks like; names are judged by
    ``redact.is_secret_name``, so the list of secret names lives in one place.
    """
    path, separator, query = target.partition("?")
    if not separator:
        return scrub(target)
    pieces: list[str] = []
    for piece in query.split("&"):
        key, equals, value = piece.partition("=")
        if equals and value and is_secret_name(unquote_plus(key).strip()):
            piece = f"{key}={mask(unquote_plus(value))}"
        pieces.append(piece)
    return scrub(f"{path}?{'&'.join(pieces)}")


def describe_request(request: MockRequest, response: MockResponse, elapsed: float) -> str:
    stamp = datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3]
    code = "-" if response.code is None else str(response.code)
    parts = [
        f"{stamp} {request.client} {request.method} {log_target(request.target)} -> {response.status} code={code}",
        f"token={mask(response.token) if response.token else '-'}",
        f"{elapsed * 1000:.0f}ms",
    ]
    if response.delay:
        parts.append(f"delay={response.delay:g}s")
    if response.fault is not None:
        parts.append(f"fault={response.fault.fault.label} ({response.fault.origin})")
    return " ".join(parts)


class _BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cjerr-mock"
    timeout = 120  # idle keep-alive connections end after this
    disable_nagle_algorithm = True  # headers and body go out in separate writes; do not wait for delayed ACKs

    @property
    def _mock(self) -> MockServer:
        return cast(MockServer, self.server)

    def version_string(self) -> str:
        return self.server_version

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # one line per request comes from _serve, with the CJ code and the fault

    def log_message(self, format: str, *args: Any) -> None:
        self._mock.log.line(f"cjerr mock: {self.client_address[0]} {scrub(format % args)}")

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_GET

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is not None:
            if not length.strip().isdigit():
                raise _BadRequest(400, "bad Content-Length")
            size = int(length)
            if size > MAX_BODY_BYTES:
                raise _BadRequest(413, f"body over {MAX_BODY_BYTES} bytes")
            return self.rfile.read(size)
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                line = self.rfile.readline(1024).split(b";")[0].strip()
                try:
                    size = int(line, 16)
                except ValueError:
                    raise _BadRequest(400, "bad chunk size") from None
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass  # trailers
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY_BYTES:
                    raise _BadRequest(413, f"body over {MAX_BODY_BYTES} bytes")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        return b""

    def _serve(self) -> None:
        started = time.monotonic()
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = MockRequest(self.command, self.path, headers, b"", self.client_address[0])
        try:
            body = self._read_body()
        except _BadRequest as problem:
            response = MockResponse(
                status=problem.status, body=problem.reason.encode() + b"\n", content_type="text/plain"
            )
            self.close_connection = True
            self._write(response)
            self._mock.log.line(describe_request(request, response, time.monotonic() - started))
            return
        request = MockRequest(self.command, self.path, headers, body, self.client_address[0])
        try:
            response = self._mock.app.handle(request)
        except Exception as error:  # noqa: BLE001 - a bug in the mock must not kill the connection silently
            response = _json_response(error_body(1600000, code_message(1600000)), 1600000, status=500)
            self._mock.log.line(f"cjerr mock: internal error: {type(error).__name__}: {scrub(str(error))}")
        if response.delay > 0:
            time.sleep(response.delay)
        self._write(response)
        self._mock.log.line(describe_request(request, response, time.monotonic() - started))

    def _write(self, response: MockResponse) -> None:
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.drop:
            self.wfile.write(response.body[: len(response.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(response.body)


class MockServer(ThreadingHTTPServer):
    """The standard library's threading HTTP server, holding the app and the log."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = (
        128  # the default backlog of 5 drops a burst of connects; clients then wait 1 s for a SYN retry
    )

    def __init__(self, address: tuple[str, int], app: MockApp, log: _Log) -> None:
        self.app = app
        self.log = log
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return  # the client went away; nothing to report
        where = client_address[0] if isinstance(client_address, tuple) and client_address else "?"
        self.log.line(f"cjerr mock: {where}: request failed: {type(error).__name__}: {scrub(str(error))}")


def base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}{API_PREFIX}"


def summary(config: MockConfig) -> str:
    qps = f"QPS {config.qps}/s per token" if config.qps else "no QPS limit"
    points = f"{config.points} points/day" if config.points is not None else "no points budget"
    faults = ", ".join(rule.origin for rule in config.rules) or "none"
    extra = f"; latency {config.latency:g}s" if config.latency else ""
    seed = f"; seed {config.seed}" if config.seed is not None else ""
    return (
        f"cjerr mock: {len(catalog.ENDPOINTS)} endpoints; {qps}; {points}; faults: {faults}{extra}{seed}; Ctrl-C stops"
    )


def serve(config: MockConfig, stdout: TextIO, stderr: TextIO) -> None:
    """Run until interrupted. The base URL is the first line on stdout; everything else goes to stderr."""
    log = _Log(stderr)
    app = MockApp(config)
    bind_host = config.host.strip("[]")
    try:
        server = MockServer((bind_host, config.port), app, log)
    except OSError as error:
        reason = error.strerror or str(error)
        hint = " (try --port 0 for a free port)" if getattr(error, "errno", None) in (48, 98, 10048) else ""
        where = base_url(bind_host, config.port).split("/api2.0")[0].removeprefix("http://")
        raise CliError(f"cannot listen on {where}: {reason}{hint}", ExitStatus.USAGE) from None
    try:
        port = int(server.server_address[1])
        stdout.write(base_url(bind_host, port) + "\n")
        stdout.flush()
        if not is_loopback(bind_host):
            log.line(
                f"cjerr mock: warning: listening on {config.host}, not loopback: other machines can reach this "
                "mock and get tokens from it"
            )
        for warning in config.warnings:
            log.line(f"cjerr mock: warning: {warning}")
        log.line(summary(config))
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        log.line("cjerr mock: stopped")


__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "Fault",
    "MockApp",
    "MockConfig",
    "MockRequest",
    "MockResponse",
    "MockServer",
    "Rule",
    "base_url",
    "build_config",
    "code_message",
    "error_body",
    "load_rules",
    "load_tokens",
    "parse_fail",
    "parse_fault",
    "serve",
    "success_body",
]
