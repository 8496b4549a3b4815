"""Turn a CJ response (HTTP status + body) into an Explanation.

Standard library only. CJ's success rule (Development Documentation): a call
succeeded when the HTTP status is 200 and ``code`` is 200 or absent; the
message is informational only. Some endpoints answer ``code: 0`` with
``success: true`` instead, and errors usually arrive with HTTP 200.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from cj_errors.base import limits, redact
from cj_errors.base.escaping import escaped
from cj_errors.base.exits import ExitStatus
from cj_errors.reading import literals, ratelimits
from cj_errors.table import cjwording, codes, held
from cj_errors.table.held import HeldReason
from cj_errors.table.model import CodeEntry, Outcome, Retry

ENVELOPE_KEYS = frozenset({"code", "result", "success", "message", "data", "requestId"})
_PREVIEW_BYTES = 200


_TooBigNumber = literals.LongNumber
_parse_int = literals.parse_int


def loads_tolerant(text: str) -> Any:
    """json.loads that cannot blow up on huge integers or deep nesting.

    Raises ValueError (with a readable message) for anything it cannot parse.
    """
    try:
        return json.loads(text, parse_int=_parse_int)
    except RecursionError:
        raise ValueError("JSON is nested too deeply to read") from None


@dataclass(frozen=True)
class Envelope:
    """The CJ envelope fields, as found. Absent fields are None."""

    code: int | None
    has_code: bool
    result: bool | None
    success: bool | None
    message: str | None
    request_id: str | None
    has_data: bool
    problems: tuple[str, ...] = ()
    # The decoded document itself: `data` (held orders) and `pointsInfo` are read from it.
    document: object = field(default=None, compare=False, repr=False)
    # The message as it came, before masking: what CJ's wordings and limit texts are matched against
    # (code inference, contradictions, overrides, limits), never printed.
    # Masking first can hide the wording ("getAccessToken: Email or password is wrong" masks "Email").
    # From log text it is the whole line. Like `document`, it is unmasked for code that reads it.
    wording: str | None = field(default=None, compare=False, repr=False)

    @property
    def text_to_match(self) -> str | None:
        return self.wording if self.wording is not None else self.message


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def parse_envelope(document: object) -> Envelope | None:
    """Read the envelope fields from a decoded JSON document; None if it is not an envelope."""
    if not isinstance(document, dict) or not (ENVELOPE_KEYS & document.keys()):
        return None
    if not ({"code", "result", "success"} & document.keys()):
        # A bare {"message": ...} or {"data": ...} is only an envelope if the
        # message is one CJ sends (e.g. "access token cannot be empty").
        message = document.get("message")
        if not (isinstance(message, str) and codes.match_message(message)):
            return None
    problems: list[str] = []
    raw_code = document.get("code")
    code: int | None = None
    if "code" in document and raw_code is not None:
        if isinstance(raw_code, bool):
            problems.append(f"`code` is a boolean ({json.dumps(raw_code)}), not a number")
        elif isinstance(raw_code, _TooBigNumber):
            problems.append(f"`code` is a {len(raw_code)}-digit number, far longer than any CJ code")
        elif isinstance(raw_code, int):
            code = raw_code
        elif isinstance(raw_code, float) and raw_code.is_integer() and abs(raw_code) < 1e15:
            code = int(raw_code)
            problems.append("`code` is a float, not an integer")
        elif (
            isinstance(raw_code, str)
            and raw_code.strip().isascii()
            and raw_code.strip().isdigit()
            and len(raw_code.strip()) <= limits.INT_DIGITS
        ):
            # isascii: str.isdigit() is also true for "²", which int() rejects.
            code = int(raw_code.strip())
            problems.append("`code` is a string, not a number")
        else:
            problems.append(f"`code` has an unexpected type ({type(raw_code).__name__})")
    elif "code" in document:
        problems.append("`code` is null")
    result = _as_bool(document.get("result"))
    if "result" in document and result is None and document["result"] is not None:
        problems.append("`result` is not a boolean")
    success = _as_bool(document.get("success"))
    message = document.get("message")
    wording = message if isinstance(message, str) else None
    if message is not None and not isinstance(message, str):
        problems.append("`message` is not a string")
        message = redact.scrubbed_head(json.dumps(message), _PREVIEW_BYTES) if _dumpable(message) else None
    # Both are printed as they are: escape sequences from the network must not drive the terminal,
    # and a secret must be masked before any renderer clips or wraps the text.
    message = escaped(redact.scrub(message), keep_line_breaks=True) if message is not None else None
    request_id = request_id_text(document.get("requestId"))
    return Envelope(
        code=code,
        has_code="code" in document and raw_code is not None,
        result=result,
        success=success,
        message=message,
        request_id=request_id,
        has_data="data" in document,
        problems=tuple(problems),
        document=document,
        wording=wording,
    )


def request_id_text(value: object) -> str | None:
    """A body's ``requestId`` as cjerr prints it: text (or an integer as text), secrets masked, no escapes."""
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    if redact.scrubs_to_itself(value):  # the usual hex or numeric ID: nothing to mask, nothing to escape
        return value
    return escaped(redact.scrub(value), keep_line_breaks=True)


def _dumpable(value: object) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        return False
    return True


@dataclass(frozen=True)
class Explanation:
    """What one response means. ``exit_status`` follows the outcome."""

    ok: bool
    verdict: str
    exit_status: ExitStatus
    http_status: int | None = None
    envelope: Envelope | None = None
    code: int | None = None
    code_inferred: bool = False
    entry: CodeEntry | None = None
    outcome: Outcome | None = None
    retry: str = ""
    contradiction: str | None = None
    hints: tuple[str, ...] = ()
    content_type: str | None = None
    body_preview: str | None = None
    # The numbers behind ``retry``: the least wait before the same request can work, the next reset
    # (UTC ISO 8601), the points figures, which limit answered, and how many tries in all can help.
    wait_seconds: float | None = None
    reset_at: str | None = None
    points: cjwording.Points | None = None
    limit: str | None = None
    max_attempts: int | None = None
    # Why a success envelope still means a held order (Outcome.HELD).
    held: tuple[HeldReason, ...] = ()

    @property
    def request_id(self) -> str | None:
        return self.envelope.request_id if self.envelope else None

    @property
    def failure_entry(self) -> CodeEntry | None:
        """The table entry to show below a failure: none for a success, and none whose own outcome contradicts
        the verdict (a held order's envelope carries code 200, whose entry says nothing failed)."""
        if self.ok or self.entry is None or self.entry.outcome is Outcome.SUCCESS:
            return None
        return self.entry

    @property
    def retryable(self) -> bool:
        """True when the same request may work after a short wait."""
        return self.exit_status is ExitStatus.TEMPORARY

    @property
    def retry_after_reset(self) -> bool:
        """True when only a reset of points or a quota brings the call back (see ``retry`` and ``reset_at``)."""
        return self.exit_status is ExitStatus.QUOTA


def preview(body: bytes, limit: int = _PREVIEW_BYTES) -> str:
    """The first bytes of a body, escaped so control characters cannot reach the terminal."""
    text = redact.scrubbed_head(body[: limit + limits.SCRUB_WINDOW_CHARS].decode("utf-8", errors="replace"), limit)
    return escaped(text) + ("..." if len(body) > limit else "")


def next_reset(now: dt.datetime | None = None) -> dt.datetime:
    """The next 00:00 UTC, when CJ's daily points reset."""
    return cjwording.next_reset(now)


def _limit_fields(limit: ratelimits.Limit | None, entry: CodeEntry | None) -> dict[str, Any]:
    """The Explanation fields that carry a limit's numbers (or a short-wait code's table minimum)."""
    if limit is not None:
        return {
            "wait_seconds": limit.wait_seconds,
            "reset_at": limit.reset_at_iso,
            "points": limit.points,
            "limit": limit.kind,
            "max_attempts": limit.max_attempts,
        }
    if entry is not None and entry.retry is Retry.SHORT_WAIT:
        return {"wait_seconds": entry.min_wait_seconds, "max_attempts": entry.max_attempts}
    return {}


_TABLE_SOURCES = frozenset({"current", "legacy", "current-crawl"})


def _contradiction(entry: CodeEntry | None, code: int, message: str | None) -> str | None:
    if not message or entry is None:
        return None
    own = [variant for variant in entry.messages if codes.message_fits(variant, message)]
    for variant in own:
        if variant.belongs_to is not None:
            return (
                f'the message "{variant.text}" is the table wording of {variant.belongs_to}, '
                f"not of {code}; yet {codes.SOURCES[variant.source].title} pair them"
            )
    if own:
        return None
    # Only a wording the error tables assign to another code is a contradiction; doc
    # examples and captured bodies reuse short wordings such as "order not found".
    others = [
        matched
        for matched, variant in codes.match_message(message)
        if matched.code != code and variant.source in _TABLE_SOURCES and variant.belongs_to is None
    ]
    if others:
        names = ", ".join(f"{other.code} ({other.title})" for other in others[:3])
        return f"the message matches the wording of {names}, not of {code}; judge by the code, as CJ advises"
    return None


def _http_only(
    http_status: int | None, content_type: str | None, body: bytes, reason: str, path: str | None = None
) -> Explanation:
    """A response with no usable envelope: explain it from the HTTP status."""
    status_text = f"HTTP {http_status}" if http_status is not None else "the response"
    outcome: Outcome | None
    hints: tuple[str, ...] = ()
    limit = ratelimits.classify(None, None, None, http_status, path) if http_status == 429 else None
    if http_status in (502, 503, 504):
        verdict = f"{status_text}: CJ's gateway or servers are temporarily unavailable ({reason})"
        outcome, retry = Outcome.TEMPORARY, "retry after a short wait, with backoff"
    elif limit is not None:
        verdict = f"{status_text}: too many requests ({reason})"
        outcome, retry, hints = limit.outcome, limit.advice, limit.hints
    elif http_status in (401, 403):
        verdict = f"{status_text}: access refused ({reason}); CJ normally reports auth errors as codes with HTTP 200"
        outcome, retry = Outcome.AUTH, "retrying will not help; check the token and the base URL"
    else:
        verdict = f"{status_text} is not a CJ envelope ({reason})"
        outcome, retry = None, "check the base URL and path; CJ's API answers JSON envelopes"
    return Explanation(
        ok=False,
        verdict=verdict,
        exit_status=outcome.exit_status if outcome else ExitStatus.NOT_ENVELOPE,
        http_status=http_status,
        outcome=outcome,
        retry=retry,
        hints=hints,
        content_type=content_type,
        body_preview=preview(body),
        **_limit_fields(limit, None),
    )


def explain_document(
    document: object, http_status: int | None = 200, now: dt.datetime | None = None, *, path: str | None = None
) -> Explanation:
    """Explain an already decoded JSON document (a dict for a CJ envelope).

    ``path`` (the catalog path, e.g. /authentication/getAccessToken) sharpens the advice where CJ's limits
    depend on the endpoint.
    """
    envelope = parse_envelope(document)
    if envelope is None:
        body = redact.scrubbed_head(json.dumps(document), _PREVIEW_BYTES).encode() if _dumpable(document) else b""
        return _http_only(http_status, "application/json", body, "JSON without the code/result/message fields", path)
    return explain_envelope(envelope, http_status, now, path=path)


def _after_success(explanation: Explanation, envelope: Envelope) -> Explanation:
    """A success envelope whose data says the order is held is Outcome.HELD, not a success."""
    reasons = held.held_reasons(envelope.document)
    if not reasons:
        return explanation
    return _with(
        explanation,
        ok=False,
        verdict=held.verdict(reasons),
        exit_status=Outcome.HELD.exit_status,
        outcome=Outcome.HELD,
        retry=held.ADVICE,
        held=reasons,
        hints=(*explanation.hints, *(f"held: {reason.describe()}" for reason in reasons)),
    )


def explain_envelope(
    envelope: Envelope, http_status: int | None = 200, now: dt.datetime | None = None, *, path: str | None = None
) -> Explanation:
    http_ok = http_status is None or http_status == 200
    code = envelope.code
    inferred = False
    hints: list[str] = list(envelope.problems)
    if code is None and not envelope.has_code and envelope.text_to_match:
        # Only an error wording names a code; "Success" must fall through to CJ's rule.
        matched = codes.infer_code(envelope.text_to_match)
        if matched is not None and envelope.result is not True and envelope.success is not True:
            code, inferred = matched.code, True
            hints.append(f"no `code` field; the message is the wording of {code}")
    flagged_failure = envelope.result is False or envelope.success is False
    if http_ok and envelope.has_code and code is None and not flagged_failure:
        # `code` is there but unusable (true, 1.5, "abc", [..], a 10,000-digit number): it is not 200,
        # so this is no CJ success, and there is no code to judge it by.
        return Explanation(
            ok=False,
            verdict="not a usable CJ envelope: `code` is present but is not a CJ code",
            exit_status=ExitStatus.NOT_ENVELOPE,
            http_status=http_status,
            envelope=envelope,
            retry="check what produced this body; CJ sends `code` as a number",
            hints=tuple(hints),
        )
    # Code 0 is a success only as the documented variant: with success=true (or result=true).
    code_success = code in (None, 200) or (code == 0 and (envelope.success is True or envelope.result is True))
    if http_ok and code_success and not flagged_failure and not inferred:
        verdict = "CJ success" if code is not None else "CJ success (no `code` field, which CJ's rule allows)"
        if code == 0:
            verdict = "CJ success (code 0 with success=true, a variant some endpoints use)"
        success = Explanation(
            ok=True,
            verdict=verdict,
            exit_status=ExitStatus.SUCCESS,
            http_status=http_status,
            envelope=envelope,
            code=code,
            entry=codes.get(code) if code is not None else None,
            outcome=Outcome.SUCCESS,
            retry="nothing to retry",
            hints=tuple(hints),
        )
        return _after_success(success, envelope)
    entry = codes.get(code) if code is not None else None
    if code is None or code in (0, 200):
        # Failure flagged by result/success or the HTTP status alone.
        if not http_ok:
            return _status_overrides_envelope(
                envelope, http_status, code, code_success and not flagged_failure, hints, path, now
            )
        if code == 0 and not flagged_failure:
            hints.append("code 0 counts as success only with success=true, the documented variant; here it is absent")
        else:
            hints.append("`result`/`success` is false although `code` is " + ("absent" if code is None else str(code)))
        return _codeless_failure(envelope, http_status, code, hints, path, now)
    override = _wording_override(entry, envelope.text_to_match)
    if entry is not None and override is not None:
        outcome = override
        title = entry.title
        retry = "retrying will not help: this wording is not the failure the code usually means"
        hints.append("the message changes what this code means here; see the entry's first step")
    elif entry is not None:
        outcome = entry.outcome
        title = entry.title
        retry = codes.retry_advice(entry)
    else:
        outcome, title, retry = _unknown_code(code, envelope.text_to_match, hints)
    # One decision for every limit answer (429 variants, 1600200, 1600201, 16900500): see ratelimits.
    limit = ratelimits.classify(code, envelope.text_to_match, envelope.document, http_status, path, now)
    if limit is not None and override is None:
        outcome, retry = limit.outcome, limit.advice
    if not http_ok:
        hints.append(f"HTTP {http_status} as well as CJ code {code}")
    if limit is not None:
        hints.extend(limit.hints)
    return Explanation(
        ok=False,
        verdict=f"CJ error {code}: {title}",
        exit_status=outcome.exit_status,
        http_status=http_status,
        envelope=envelope,
        code=code,
        code_inferred=inferred,
        entry=entry,
        outcome=outcome,
        retry=retry,
        contradiction=_contradiction(entry, code, envelope.text_to_match),
        hints=tuple(hints),
        **_limit_fields(limit if override is None else None, entry if override is None else None),
    )


def _codeless_failure(
    envelope: Envelope,
    http_status: int | None,
    code: int | None,
    hints: list[str],
    path: str | None,
    now: dt.datetime | None,
) -> Explanation:
    """A failure with no error code: a limit its wording names, else an outcome class by its meaning."""
    message = envelope.text_to_match
    outcome, verdict, retry = (
        Outcome.API_ERROR,
        "CJ failure without an error code",
        "read the message; there is no code to judge by",
    )
    limit = ratelimits.classify(code, message, envelope.document, http_status, path, now)
    if limit is not None:
        outcome, retry = limit.outcome, limit.advice
        hints.extend(limit.hints)
    elif message and (inferred := _by_meaning(message, verdict, hints)) is not None:
        outcome, verdict = inferred
        retry = _UNKNOWN_RETRY.get(outcome, retry)
    return Explanation(
        ok=False,
        verdict=verdict,
        exit_status=outcome.exit_status,
        http_status=http_status,
        envelope=envelope,
        code=code,
        outcome=outcome,
        retry=retry,
        hints=tuple(hints),
        **_limit_fields(limit, None),
    )


def _by_meaning(message: str, title: str, hints: list[str]) -> tuple[Outcome, str] | None:
    """The outcome class a message's meaning gives (not found, parameter, auth, rate limit, quota, temporary,
    balance), with ``title`` saying it was inferred; None when the message carries none of them."""
    from cj_errors.table import meaning  # lazily: only code-less failures and unknown codes need the word index

    inferred = meaning.outcome_class(message)
    if inferred is None:
        return None
    hints.append(f"outcome inferred from the message's meaning ({inferred.label}), not from a table")
    return inferred.outcome, f"{title}; by its message: {inferred.label} (inferred)"


_UNKNOWN_RETRY = {
    Outcome.AUTH: "retrying will not help; check the token, the API key and the account",
    Outcome.TEMPORARY: "retry after a short wait, with backoff (unknown code: at most a few times)",
    Outcome.QUOTA: "retrying before the limit resets will not help",
}


def _unknown_code(code: int, message: str | None, hints: list[str]) -> tuple[Outcome, str, str]:
    """An answer whose code is in none of CJ's published tables: its family from the prefix decides the
    outcome where the family has one (16000xx is authentication: exit 77); otherwise the message's meaning
    gives a class (not found, parameter, auth, rate limit, quota, temporary, balance), marked as inferred."""
    guess = codes.guess_family(code)
    title = f"code not in CJ's published tables ({guess.range}: {guess.explanation})"
    outcome = codes.family_outcome(guess.family) if guess.family is not None else None
    if outcome is not None:
        hints.append(f"outcome from the code's family ({guess.family}); the code itself is in no CJ table")
    elif message and (inferred := _by_meaning(message, title, hints)) is not None:
        outcome, title = inferred
    if outcome is None:
        return Outcome.API_ERROR, title, "unknown code: do not retry blindly"
    return outcome, title, _UNKNOWN_RETRY.get(outcome, "unknown code: do not retry blindly")


def _wording_override(entry: CodeEntry | None, message: str | None) -> Outcome | None:
    if entry is None or not message:
        return None
    return next(
        (variant.outcome for variant in entry.messages if variant.outcome and codes.message_fits(variant, message)),
        None,
    )


def _status_overrides_envelope(
    envelope: Envelope,
    http_status: int | None,
    code: int | None,
    says_success: bool,
    hints: list[str],
    path: str | None = None,
    now: dt.datetime | None = None,
) -> Explanation:
    """An envelope without an error code on a non-200 status: CJ's rule makes it a failure by status."""
    limit = ratelimits.classify(code, envelope.text_to_match, envelope.document, http_status, path, now)
    if http_status in (502, 503, 504):
        outcome, retry = Outcome.TEMPORARY, "retry after a short wait, with backoff"
    elif limit is not None:
        outcome, retry = limit.outcome, limit.advice
        hints = [*hints, *limit.hints]
    elif http_status in (401, 403):
        outcome, retry = Outcome.AUTH, "retrying will not help; check the token and the base URL"
    else:
        outcome, retry = Outcome.API_ERROR, "read the message; the status alone makes this a failure"
    claim = "success" if says_success else "failure without an error code"
    return Explanation(
        ok=False,
        verdict=f"HTTP {http_status} with a CJ envelope that says {claim}: a failure by CJ's rule",
        exit_status=outcome.exit_status,
        http_status=http_status,
        envelope=envelope,
        code=code,
        outcome=outcome,
        retry=retry,
        hints=tuple(hints),
        **_limit_fields(limit, None),
    )


def _with(explanation: Explanation, **changes: Any) -> Explanation:
    import dataclasses

    return dataclasses.replace(explanation, **changes)


def explain_response(
    body: bytes | str,
    http_status: int | None = 200,
    content_type: str | None = None,
    now: dt.datetime | None = None,
    *,
    path: str | None = None,
) -> Explanation:
    """Explain a raw HTTP response body, JSON or not; ``path`` as for explain_document."""
    raw = body.encode("utf-8", errors="surrogateescape") if isinstance(body, str) else body
    if not raw.strip():
        return _http_only(http_status, content_type, raw, "empty body", path)
    if len(raw) > limits.DOCUMENT_BYTES:
        return _http_only(http_status, content_type, raw, f"body larger than {limits.DOCUMENT_BYTES} bytes", path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _http_only(http_status, content_type, raw, "body is not valid UTF-8", path)
    try:
        document = loads_tolerant(text)
    except ValueError as error:
        stripped = text.lstrip()
        kind = "HTML page" if stripped[:1] == "<" else "not JSON"
        if stripped[:1] in "{[":
            kind = f"truncated or malformed JSON: {_short_error(error)}"
        return _http_only(http_status, content_type, raw, kind, path)
    explanation = explain_document(document, http_status, now, path=path)
    if content_type is not None:
        explanation = _with(explanation, content_type=content_type)
    return explanation


def _short_error(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at line {error.lineno} column {error.colno}"
    return str(error)
