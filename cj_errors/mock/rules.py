"""Faults and the rules that inject them: ``--fail`` flags, a rules file, and rules added at run time.

A rule names one fault (``fault``), or a ``sequence`` of them that matching requests meet in turn
(``["ok", "ok", "1600000"]``: two normal answers, then 1600000 from then on), or a custom ``body``.
It can be limited to a path, a method, a body field or a query value, to a share of requests
(``rate``) and to the first N matching requests (``count``). Rules are tried in order; the first
fault that fires answers, while every ``slow`` fault that fires adds its delay.

A failure fault with ``:after`` (``http504:after``, ``drop:after``...) acts first and then fails: the request
is handled as usual (an order is created, a payment made) and the answer is replaced by the fault, as when a
proxy forwards a call and answers the app with its own error page, or CJ fails after doing the work.
"""

from __future__ import annotations

import fnmatch
import json
import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cj_errors.base import limits
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.base.inputs import load_toml, read_text, shown_source
from cj_errors.table import catalog, codes
from cj_errors.table.model import Outcome

MAX_DELAY_SECONDS = 600.0

# Fault names besides CJ codes.
HTTP_FAULTS: dict[str, int] = {"http429": 429, "http500": 500, "http502": 502, "http503": 503, "http504": 504}
# http429 alone is a bare 429; these name the limit the way CJ's bodies do.
HTTP429_VARIANTS = ("qps", "points", "auth")
BODY_FAULTS = ("html", "empty", "drop")
# Faults that can act first and then fail (FAULT:after): every failure that says nothing about the outcome.
AFTER_SUFFIX = ":after"
AFTER_FAULTS = ("http500", "http502", "http503", "http504", *BODY_FAULTS)
FAULT_HELP = (
    "a CJ code (any number but a success code), http429, http429:qps, http429:points, http429:auth, http500, "
    "http502, http503, http504, html, empty, drop (each of the last seven also as NAME:after: handle the "
    "request, then fail), slow:SECONDS or ok (in a sequence: the normal answer)"
)
RULE_KEYS = (
    "fault",
    "sequence",
    "rate",
    "path",
    "method",
    "count",
    "message",
    "body",
    "status",
    "match_body",
    "match_query",
)
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_SUCCESS_CODES = frozenset({0, 200})


@dataclass(frozen=True)
class Fault:
    """One thing that can go wrong. ``kind``: code, http, html, empty, drop, slow or ok (no fault)."""

    kind: str
    label: str
    code: int = 0  # the CJ code (kind "code") or the HTTP status (kind "http")
    seconds: float = 0.0  # kind "slow"
    variant: str = ""  # kind "http" with 429: "", "qps", "points" or "auth"
    after: bool = False  # handle the request first (the call takes effect), then answer with the fault


OK = Fault("ok", "ok")


@dataclass(frozen=True)
class Rule:
    fault: Fault = OK
    rate: float = 1.0
    path: str | None = None  # catalog form ("/product/query"), may hold * globs
    method: str | None = None
    count: int | None = None
    origin: str = ""  # for the log: "--fail 1600200:0.5" or "rules.json rule 2"
    sequence: tuple[Fault, ...] = ()  # the n-th matching request meets sequence[n]; the last one repeats
    message: str | None = None  # replaces the wording of a code fault
    body: Any = None  # a custom answer: sent as JSON (a string is sent as it is)
    status: int | None = None  # the HTTP status of a code fault or a custom body
    match_body: tuple[tuple[str, Any], ...] = ()  # top-level JSON body fields that must be equal
    match_query: tuple[tuple[str, str], ...] = ()  # query parameters that must be equal

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and method != self.method:
            return False
        if self.path is None:
            return True
        if any(char in self.path for char in "*?["):
            return fnmatch.fnmatchcase(path, self.path)
        return path == self.path

    def matches_request(
        self, method: str, path: str, query: Mapping[str, list[str]], body: Mapping[str, Any] | None
    ) -> bool:
        if not self.matches(method, path):
            return False
        for name, value in self.match_query:
            if value not in query.get(name, []):
                return False
        for name, wanted in self.match_body:
            if body is None or name not in body or not _same(body[name], wanted):
                return False
        return True

    def step(self, seen: int) -> Fault:
        """The fault for the ``seen``-th matching request (counted from 0)."""
        if self.sequence:
            return self.sequence[min(seen, len(self.sequence) - 1)]
        return self.fault

    def as_dict(self) -> dict[str, Any]:
        """The rule in the rules-file form (what the admin API lists)."""
        out: dict[str, Any] = {}
        if self.sequence:
            out["sequence"] = [item.label for item in self.sequence]
        elif self.fault is not OK or self.body is None:
            out["fault"] = self.fault.label
        for name in ("rate", "path", "method", "count", "message", "body", "status"):
            value = getattr(self, name)
            if value is not None and not (name == "rate" and value == 1.0):
                out[name] = value
        if self.match_body:
            out["match_body"] = dict(self.match_body)
        if self.match_query:
            out["match_query"] = dict(self.match_query)
        out["origin"] = self.origin
        return out


def _same(given: object, wanted: object) -> bool:
    if isinstance(given, bool) or isinstance(wanted, bool):
        return given is wanted
    if isinstance(given, int | float) and isinstance(wanted, int | float):
        return given == wanted
    return given == wanted or (isinstance(given, int | float) and str(given) == wanted)


def parse_fault(text: str) -> Fault:
    """Read one fault name; raise ValueError with a one-line reason."""
    name = text.strip()
    lowered = name.lower()
    if lowered == "ok":
        return OK
    if lowered.endswith(AFTER_SUFFIX):
        base = lowered[: -len(AFTER_SUFFIX)]
        if base not in AFTER_FAULTS:
            raise ValueError(f"':after' goes with {', '.join(AFTER_FAULTS)}, not '{name}'")
        first = parse_fault(base)
        return Fault(first.kind, lowered, code=first.code, after=True)
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
        seconds = parse_seconds(name[5:], "slow")
        return Fault("slow", f"slow:{seconds:g}", seconds=seconds)
    if name.isascii() and name.isdecimal() and len(name) <= 12:
        code = int(name)
        entry = codes.get(code)
        if code in _SUCCESS_CODES or (entry is not None and entry.outcome is Outcome.SUCCESS):
            raise ValueError(f"{code} is a success code, not a fault")
        # Codes outside cjerr's table are allowed: CJ adds codes, and a client must cope with unknown ones.
        return Fault("code", str(code), code=code)
    raise ValueError(f"unknown fault '{name}'; use {FAULT_HELP}")


def parse_seconds(text: str, what: str) -> float:
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
    """Read ``--fail FAULT[:RATE[:PATH]]`` (FAULT may be ``slow:SECONDS``, ``http429:VARIANT`` or ``NAME:after``)."""
    parts = spec.strip().split(":")
    if len(parts) > 1 and parts[1].lower() == AFTER_SUFFIX[1:]:
        fault_text, rest = f"{parts[0]}:{parts[1]}", parts[2:]
    elif parts[0].lower() == "slow":
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
    if fault is OK:
        raise ValueError("'ok' is only useful in a rule's sequence")
    rate = _parse_rate(rest[0]) if rest and rest[0] != "" else 1.0
    path = _parse_rule_path(rest[1]) if len(rest) == 2 else None
    return Rule(fault, rate, path, origin=f"--fail {spec.strip()}")


def _string_pairs(value: object, what: str) -> tuple[tuple[str, Any], ...]:
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{what} must be a non-empty table/object of field: value")
    for name, item in value.items():
        if not isinstance(item, str | int | float | bool) or item is None:
            raise ValueError(f"{what}.{name} must be a string, number or boolean, got {item!r}")
    return tuple((str(name), item) for name, item in value.items())


def rule_from_mapping(item: object, where: str) -> Rule:
    """One rule from a rules file or the admin API; raise ValueError naming ``where``."""
    if not isinstance(item, dict):
        raise ValueError(f"{where}: a rule must be a table/object, got {type(item).__name__}")
    unknown = sorted(str(key) for key in item if key not in RULE_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r}; a rule has {', '.join(RULE_KEYS)}")
    try:
        return _rule(item, where)
    except ValueError as error:
        message = str(error)
        raise ValueError(message if message.startswith(where) else f"{where}: {message}") from None


def _one_fault(value: object) -> Fault:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"fault must be a string or a code, got {value!r}")
    return parse_fault(str(value))


def _rule(item: Mapping[str, Any], where: str) -> Rule:
    has_body = "body" in item
    if "fault" in item and "sequence" in item:
        raise ValueError("give 'fault' or 'sequence', not both")
    if not has_body and "fault" not in item and "sequence" not in item:
        raise ValueError(f"'fault', 'sequence' or 'body' is required ({FAULT_HELP})")
    fault = _one_fault(item["fault"]) if "fault" in item else OK
    sequence: tuple[Fault, ...] = ()
    if "sequence" in item:
        raw = item["sequence"]
        if not isinstance(raw, list) or not raw:
            raise ValueError('sequence must be a non-empty list of faults, e.g. ["ok", "ok", "1600000"]')
        sequence = tuple(_one_fault(step) for step in raw)
    elif fault is OK and not has_body:
        raise ValueError("'ok' is only useful in a sequence")
    message = item.get("message")
    if message is not None and (not isinstance(message, str) or not message.strip()):
        raise ValueError(f"message must be a non-empty string, got {message!r}")
    body = item.get("body")
    if has_body:
        if body is None:
            raise ValueError("body must be a JSON object, array or string, not null")
        if fault is not OK or sequence:
            raise ValueError("a rule with 'body' answers with that body; drop 'fault' and 'sequence'")
        if len(json.dumps(body)) > limits.MOCK_CUSTOM_BODY_BYTES:
            raise ValueError(f"body is over {limits.MOCK_CUSTOM_BODY_BYTES} bytes")
    status = item.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        raise ValueError(f"status must be an HTTP status from 100 to 599, got {status!r}")
    rate = _parse_rate(item.get("rate", 1.0))
    path = item.get("path")
    if path is not None and not isinstance(path, str):
        raise ValueError(f"path must be a string, got {path!r}")
    method = item.get("method")
    if method is not None:
        if not isinstance(method, str) or method.upper() not in _METHODS:
            raise ValueError(f"method must be one of {', '.join(_METHODS)}, got {method!r}")
        method = method.upper()
    count = item.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ValueError(f"count must be a whole number of at least 1, got {count!r}")
    match_body = _string_pairs(item["match_body"], "match_body") if "match_body" in item else ()
    match_query = (
        tuple((name, str(value)) for name, value in _string_pairs(item["match_query"], "match_query"))
        if "match_query" in item
        else ()
    )
    return Rule(
        fault=fault,
        rate=rate,
        path=_parse_rule_path(path) if path is not None else None,
        method=method,
        count=count,
        origin=where,
        sequence=sequence,
        message=message,
        body=body,
        status=status,
        match_body=match_body,
        match_query=match_query,
    )


def load_rules(path: Path | str) -> list[Rule]:
    """Read a rules file (JSON or TOML; ``-``: standard input).

    Raises CliError: NO_INPUT when missing or unreadable, INVALID_INPUT when too large or wrong.
    """
    source = str(path)
    name = shown_source(source)
    text = read_text(source, limit=limits.RULES_FILE_BYTES, what="rules file", invalid=ExitStatus.INVALID_INPUT)
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
    label = "standard input" if source == "-" else Path(source).name
    try:
        return rules_from_document(document, label)
    except ValueError as error:
        raise CliError(f"rules file {name}: {error}", ExitStatus.INVALID_INPUT) from None


def rules_from_document(document: object, label: str) -> list[Rule]:
    """``{"rules": [...]}`` (a file, or a POST to the admin API) as rules; raise ValueError."""
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise ValueError("must hold a list named 'rules' (JSON {\"rules\": [...]} or TOML [[rules]])")
    extra = sorted(str(key) for key in document if key != "rules")
    if extra:
        raise ValueError(f"unknown top-level key {extra[0]!r}")
    return [rule_from_mapping(item, f"{label} rule {index}") for index, item in enumerate(document["rules"], start=1)]


@dataclass
class Pick:
    """What the rules decided for one request."""

    delay: float = 0.0
    rule: Rule | None = None
    fault: Fault | None = None  # the fault that answers (never ok or slow)


@dataclass
class RuleBook:
    """The rules in force and how many requests each has matched; changed at run time by the admin API."""

    rules: list[Rule] = field(default_factory=list)
    seed: int | None = None

    def __post_init__(self) -> None:
        self._seen = [0] * len(self.rules)
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    def pick(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        body: Mapping[str, Any] | None,
        latency: float = 0.0,
    ) -> Pick:
        chosen = Pick(delay=latency)
        with self._lock:
            for index, rule in enumerate(self.rules):
                if not rule.matches_request(method, path, query, body):
                    continue
                if rule.count is not None and self._seen[index] >= rule.count:
                    continue
                seen = self._seen[index]
                self._seen[index] += 1
                if self._rng.random() >= rule.rate:
                    continue
                fault = rule.step(seen)
                if fault.kind == "slow":
                    chosen.delay += fault.seconds
                    continue
                if fault is OK and rule.body is None:
                    continue
                chosen.rule, chosen.fault = rule, fault
                return chosen
        return chosen

    def listing(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {"index": index, **rule.as_dict(), "matched": self._seen[index]}
                for index, rule in enumerate(self.rules)
            ]

    def add(self, rules: Iterable[Rule]) -> None:
        with self._lock:
            for rule in rules:
                self.rules.append(rule)
                self._seen.append(0)

    def remove(self, index: int | None = None) -> int:
        """Drop one rule (by index) or all of them; the number dropped."""
        with self._lock:
            if index is None:
                dropped = len(self.rules)
                self.rules.clear()
                self._seen.clear()
                return dropped
            if not 0 <= index < len(self.rules):
                return 0
            del self.rules[index]
            del self._seen[index]
            return 1

    def reset_counters(self) -> None:
        with self._lock:
            self._seen = [0] * len(self.rules)
            self._rng = random.Random(self.seed)

    def snapshot(self) -> tuple[Rule, ...]:
        with self._lock:
            return tuple(self.rules)
