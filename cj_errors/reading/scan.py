"""Find CJ envelopes where they really are in a line or block of text.

A body can be the whole line, a JSON object after a log prefix, a Python or
JavaScript literal (see ``literals``), an object nested anywhere inside a JSON log
record (pino's ``response.data``, Laravel's context, structlog's fields), or a
JSON string escaped inside another one. When nothing parses, a log line that
names a CJ code (``code=1600200 msg="Too Many Requests"``) is still read for its
code and message, and a line that looks like a CJ body but cannot be read is
reported, never skipped in silence.

Work per line is bounded: at most ``limits.SCAN_ATTEMPTS`` starting points are tried,
the nested walk visits at most ``limits.SCAN_NODES`` values, and escaped bodies are
unpacked one level deep.

Standard library only.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple

from cj_errors.base import limits, redact
from cj_errors.base.escaping import escaped
from cj_errors.reading import evidence, literals
from cj_errors.reading.explanation import Envelope, loads_tolerant, parse_envelope
from cj_errors.table import codes

_DECODER = json.JSONDecoder(parse_int=literals.parse_int)


def _decode_at(text: str, position: int) -> tuple[Any, int] | None:
    try:
        return _DECODER.raw_decode(text, position)
    except (ValueError, RecursionError):
        pass
    if len(text) - position > limits.LITERAL_CHARS:
        return None
    try:
        return literals.read_literal(text, position)
    except literals.LiteralError:
        return None


def documents_in(text: str, *, unescape: bool = True) -> list[Any]:
    """Objects and arrays found in ``text``: the whole text as JSON, else each literal inside it."""
    stripped = text.strip()
    if not stripped:
        return []
    if stripped[0] in "{[":
        try:
            return [loads_tolerant(stripped)]
        except ValueError:
            pass
    found: list[Any] = []
    position = text.find("{")
    attempts = 0
    while position != -1 and attempts < limits.SCAN_ATTEMPTS:
        attempts += 1
        decoded = _decode_at(text, position)
        if decoded is None:
            position = text.find("{", position + 1)
            continue
        value, end = decoded
        if isinstance(value, (dict, list)):
            found.append(value)
        position = text.find("{", max(end, position + 1))
    if not found and unescape and '\\"' in text:
        # A body printed as a JSON string's content: {\"code\":1600200,...}
        found = documents_in(text.replace('\\\\"', "\x00").replace('\\"', '"').replace("\x00", '\\"'), unescape=False)
    return found


class Found(NamedTuple):
    """An envelope found in text; ``nested`` when it sat inside a log record rather than at the top."""

    envelope: Envelope
    nested: bool


def cj_like(envelope: Envelope, document: dict[str, Any]) -> bool:
    """Does this look like a body CJ sent, rather than some other service's or logger's object?"""
    keys = document.keys()
    if envelope.code is not None:
        code = envelope.code
        return (
            codes.get(code) is not None
            or codes.guess_family(code).family is not None
            or bool({"result", "success", "requestId"} & keys)
        )
    if "code" in keys:
        # `code` present but unusable ("ECONNRESET", true, null): CJ only if the rest says so.
        return envelope.result is not None or envelope.success is not None or "requestId" in keys
    if envelope.result is not None or envelope.success is not None:
        return bool({"message", "data", "requestId"} & keys)
    return envelope.message is not None  # parse_envelope accepted it for a CJ wording


def _answer_shaped(envelope: Envelope, document: dict[str, Any]) -> bool:
    # In a line that reports a CJ call failing, a numeric `code` with a `message` is CJ's answer even when
    # the code is in no table (the store-connection, shop-product and dispute endpoints send 3- and 4-digit
    # codes); an HTTP status under `code` is not.
    code = envelope.code
    return code is not None and code not in _HTTP_STATUSES and isinstance(document.get("message"), str)


def envelopes_in_document(document: Any, *, about_cj: bool = False) -> list[Found]:
    """CJ envelopes in a decoded value: the value itself, or any dict nested in it (breadth first).

    An envelope's own ``data`` is not searched: codes inside it (``interceptOrderReasons``)
    belong to that response, they are not responses of their own. ``about_cj``: the value came from
    a line that reports a CJ call failing, so any code with a message is an answer (see _answer_shaped).
    """
    found: list[Found] = []

    def enter(node: Any, depth: int) -> list[Any]:
        if isinstance(node, dict):
            envelope = parse_envelope(node)
            if envelope is not None and (cj_like(envelope, node) or (about_cj and _answer_shaped(envelope, node))):
                found.append(Found(envelope, depth > 0))
                return []
            return list(node.values())
        if isinstance(node, list):
            return node
        if isinstance(node, str) and depth > 0 and _may_hold_body(node):
            return documents_in(node, unescape=False)
        return []

    _breadth_first(document, enter)
    if not found and (answer := _mcp_answer(document)) is not None:
        found.append(Found(answer, True))
    if not found and (worded := _wording_in_fields(document)) is not None:
        found.append(Found(worded, True))
    return found


MCP_NOTE = "a JSON-RPC answer of CJ's MCP endpoint: the error is in its tool text, with no CJ code"
# What a tool text says when the CJ call behind it failed ("Get product inventory failed: ...").
_TOOL_FAILURE = re.compile(r"fail|error|too many|limit|invalid|not found|denied|expired|失败|错误", re.I)


def _mcp_answer(document: Any) -> Envelope | None:
    """A JSON-RPC 2.0 answer (CJ's hosted MCP endpoint, over SSE ``data:`` lines) that reports a failure:
    its ``error.message``, or a tool result's text when it is flagged ``isError`` or says a call failed.
    A CJ body inside the tool text is found before this, as any body inside a string is."""
    if not isinstance(document, dict) or document.get("jsonrpc") != "2.0":
        return None
    error, result = document.get("error"), document.get("result")
    text: str | None = None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        text = error["message"]
    elif isinstance(result, dict) and isinstance(result.get("content"), list):
        texts = [
            item["text"] for item in result["content"] if isinstance(item, dict) and isinstance(item.get("text"), str)
        ]
        joined = " ".join(texts).strip()
        if joined and (result.get("isError") is True or _TOOL_FAILURE.search(joined[: limits.LITERAL_CHARS])):
            text = joined
    if not text:
        return None
    envelope = parse_envelope({"result": False, "message": text})
    if envelope is None:
        return None
    return dataclasses.replace(envelope, problems=(*envelope.problems, MCP_NOTE), wording=text)


# Where log records put the text of an error they caught.
_MESSAGE_FIELDS = frozenset({"message", "msg", "error", "errorMessage", "error_message", "reason", "detail", "err"})


def _wording_in_fields(document: Any) -> Envelope | None:
    """A log record without an envelope whose error field holds a CJ error wording in full.

    Laravel's ``Log::warning('CJ sync failed', ['error' => $e->getMessage()])`` keeps
    only the message; it still names the code.
    """
    worded: list[Envelope | None] = []

    def enter(node: Any, depth: int) -> list[Any] | None:
        if isinstance(node, dict) and depth < limits.SCAN_DEPTH:
            for key, value in node.items():
                if isinstance(value, str) and key in _MESSAGE_FIELDS and _full_error_wording(value):
                    worded.append(parse_envelope({"message": value}))
                    return None
            return list(node.values())
        if isinstance(node, list):
            return node
        return []

    _breadth_first(document, enter)
    return worded[0] if worded else None


def _breadth_first(document: Any, enter: Callable[[Any, int], list[Any] | None]) -> None:
    """Visit ``document`` and the values in it breadth first, at most SCAN_NODES of them, SCAN_DEPTH deep.

    ``enter(node, depth)`` looks at one value and returns the ones to visit below it, or None to stop.
    """
    queue: deque[tuple[Any, int]] = deque([(document, 0)])
    visited = 0
    while queue and visited < limits.SCAN_NODES:
        node, depth = queue.popleft()
        visited += 1
        children = enter(node, depth)
        if children is None:
            return
        if depth < limits.SCAN_DEPTH:
            queue.extend((child, depth + 1) for child in children)


def _full_error_wording(text: str) -> bool:
    return any(entry.outcome is not codes.Outcome.SUCCESS for entry, _ in codes.match_message(text))


def _may_hold_body(text: str) -> bool:
    return len(text) <= limits.LITERAL_CHARS and "code" in text and text.lstrip()[:1] in "{["


def envelopes_in_text(text: str) -> list[Envelope]:
    """Every CJ envelope in a line or block, in order; a log line's code and message as a last resort."""
    documents = documents_in(text)
    found = [item.envelope for document in documents for item in envelopes_in_document(document)]
    if found:
        return found
    if documents and about_cj_call(text):
        found = [item.envelope for document in documents for item in envelopes_in_document(document, about_cj=True)]
        if found:
            return found
    salvaged = envelope_from_log_text(text)
    return [salvaged] if salvaged is not None else []


def about_cj_call(text: str) -> bool:
    """Does a line name CJ without being only talk about it (a comment, a DEBUG record, a webhook receipt...)?"""
    return _MENTIONS_CJ.search(text) is not None and evidence.not_cj_answer(text) is None


# --- log text that is not a literal ------------------------------------------------------

# CJ's own `code` key, then the names clients log CJ's code under (`responseCode: 1601001`,
# `errCode=1602001`); each client key has its message under the same stem (`responseMessage`).
_KEY_CODE = re.compile(
    r"""(?<![\w-])["']?(code|errorCode|error_code|cjCode|cj_code|responseCode|response_code|errCode|err_code|"""
    r"""resultCode|result_code)["']?\s*[:=]\s*["']?(\d{3,8})(?![\w.])""",
    re.I,
)
_CJ_CODE_KEY = "code"
_HTTP_STATUSES = range(100, 600)  # under a client's own key, a 3-digit number is the HTTP status it logged
_MESSAGE_VALUE = r"""["']?\s*[:=]\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^,;}\]\n|]+))"""
_KEY_MESSAGE = re.compile(r"""(?<![\w-])["']?(?:message|msg|errorMessage|error_message)""" + _MESSAGE_VALUE, re.I)
_KEY_REQUEST_ID = re.compile(r"""(?<![\w-])["']?request_?id["']?\s*[:=]\s*["']?([\w-]{4,128})""", re.I)
_CODE_WORD = re.compile(r"(?<![\w.])(\d{7,8})(?![\w.])")
_CJ_KEYS = re.compile(r"""["']?\b(?:requestId|result|success)\b["']?\s*[:=]""")
_CODE_KEY = re.compile(r"""["']?\bcode\b["']?\s*[:=]""")


def _salvageable(code: int) -> bool:
    # 200 and 0 are success markers and appear in every HTTP log; only error codes are read from text.
    return code not in (0, 200) and (codes.get(code) is not None or codes.guess_family(code).family is not None)


def _names_own_wording(entry: codes.CodeEntry, text: str) -> bool:
    if any(codes.message_fits(variant, text) for variant in entry.messages):
        return True
    return any(matched.code == entry.code for matched, _ in codes.match_inside(text))


# A line is about CJ when it names it: "[CJ]", "CJ API", "cjdropshipping", a CJ API path.
_MENTIONS_CJ = re.compile(r"(?<![a-z])cj(?![a-z])|cj[-_ ]?(?:api|dropship)|cjdropship|/api2\.0/", re.I)
_ERROR_WORD = re.compile(r"(?:code|error|erreur|fehler|errcode|错误|错误码)\W{0,3}(?:[\w']+\W{1,3}){0,2}$", re.I)
# A request logger's "GET /api2.0/v1/... → 1600200 (184ms)": what the call got back, in a line about CJ.
_ANSWERED_WITH = re.compile(r"(?:\u2192|->|=>)\s*$")
_ANSWER_LOGGED = re.compile(r"(?:\u2192|->|=>)\s*\d{7,8}\b")


# What a client's own words say when a call went wrong, for a code it puts in brackets.
_FAILURE_WORDS = re.compile(
    r"fail|error|erreur|fehler|reject|refus|denied|invalid|limit|atteint|exceed|too many|retry|失败|错误|超过", re.I
)


def _bracketed(text: str, start: int, end: int) -> bool:
    # "[CJAPIClient] Rate limit atteint (1600200), attente de 15000ms": a client puts the code it got in
    # brackets, after saying it is about CJ and that the call failed. Process ids are bracketed too
    # ("cjsync[1600200]:", gunicorn's "[1600100] [INFO]"), so: not glued to a name, after the mention
    # of CJ, and in a line that says something failed.
    if start < 2 or end >= len(text) or text[start - 1] + text[end] not in ("()", "[]"):
        return False
    if text[start - 2].isalnum() or text[start - 2] == "_":
        return False
    mention = _MENTIONS_CJ.search(text)
    return mention is not None and mention.start() < start and _FAILURE_WORDS.search(text) is not None


def _code_named(text: str) -> tuple[int, str | None] | None:
    """A known 7- or 8-digit code next to its own wording, right after a word such as "code" or "Fehler",
    or after an arrow or in brackets in a line about CJ."""
    for word in _CODE_WORD.finditer(text):
        entry = codes.get(int(word.group(1)))
        if entry is None:
            continue
        rest = text[word.end() :].strip(" :-|,\t\r\n")
        if rest and _names_own_wording(entry, rest):
            return entry.code, rest
        before = text[max(0, word.start() - 40) : word.start()]
        if (
            _ERROR_WORD.search(before)
            or (_ANSWERED_WITH.search(before) and _MENTIONS_CJ.search(text))
            or _bracketed(text, word.start(), word.end())
        ):
            return entry.code, rest if rest and codes.infer_code(rest) is not None else None
    return None


LOG_TEXT_NOTE = "read from log text, not from a JSON body"
BODY_CUT_NOTE = "a JSON body that could not be read whole (cut short?); its code was read from the text"


def _with_log_note(envelope: Envelope | None) -> Envelope | None:
    if envelope is None:
        return None
    return dataclasses.replace(envelope, problems=(*envelope.problems, LOG_TEXT_NOTE))


def envelope_from_log_text(text: str) -> Envelope | None:
    """The code and message a log line names in ``key=value`` form, or a known code next to its wording.

    Nothing for a line that only talks about CJ (a comment, a DEBUG/INFO record, the app's own lookup,
    policy, a webhook receipt, another company called CJ): see reading.evidence.
    """
    if not ('"code"' in text and "{" in text) and (why := evidence.not_cj_answer(text)) is not None:
        # A request logger's INFO line that records what the call got back ("GET /api2.0/... → 1600200")
        # reports CJ's answer whatever its level; any other quiet line only talks about CJ.
        if why != evidence.QUIET_LEVEL or _ANSWER_LOGGED.search(text) is None or not _MENTIONS_CJ.search(text):
            return None
    keyed = _keyed_code(text)
    message: str | None = None
    if keyed is not None:
        code, message = keyed
    elif (named := _code_named(text)) is not None:
        code, message = named
    elif _MENTIONS_CJ.search(text) and (labelled := evidence.labelled_code(text)) is not None:
        # "CJ sync failed: Store not found (code 5123)": a labelled code in a CJ line, in a table or not.
        code, message = labelled[0], labelled[1] or None
    elif _MENTIONS_CJ.search(text) and codes.infer_code(line := " ".join(text.split())) is not None:
        # "[CJ] Order failed: Invalid API key or access token": no code, but CJ's wording in a CJ line.
        # The wording is kept as it came: explain matches the same text again, and finds the same code.
        message = escaped(redact.scrub(line))
        return _with_log_note(Envelope(None, False, None, None, message, None, False, wording=line))
    else:
        return None
    document: dict[str, Any] = {"code": code}
    if message:
        document["message"] = message
    if (request_id := _KEY_REQUEST_ID.search(text)) is not None:
        document["requestId"] = request_id.group(1)
    envelope = parse_envelope(document)
    if envelope is not None and '"code"' in text and "{" in text:
        # JSON that did not parse: most often a body a logger cut off.
        return dataclasses.replace(envelope, problems=(*envelope.problems, BODY_CUT_NOTE))
    return _with_log_note(envelope)


def _keyed_code(text: str) -> tuple[int, str | None] | None:
    """The code a line logs under a key, and the message logged with it.

    CJ's `code` key wins wherever it is; a client's key counts only for a number that can be a
    CJ code, not the HTTP status a client logs next to it.
    """
    found = [
        match
        for match in _KEY_CODE.finditer(text)
        if _salvageable(int(match.group(2)))
        and (match.group(1).lower() == _CJ_CODE_KEY or int(match.group(2)) not in _HTTP_STATUSES)
    ]
    if not found:
        return None
    chosen = min(found, key=lambda match: (match.group(1).lower() != _CJ_CODE_KEY, match.start()))
    return int(chosen.group(2)), _message_for(chosen.group(1), text)


def _message_for(code_key: str, text: str) -> str | None:
    # `code` goes with message/msg; `responseCode` with responseMessage/responseMsg (or plain message).
    stem = code_key[: -len("code")].rstrip("_") if code_key.lower() != _CJ_CODE_KEY else ""
    patterns = [_KEY_MESSAGE]
    if stem:
        own = rf"""(?<![\w-])["']?{re.escape(stem)}_?(?:message|msg)""" + _MESSAGE_VALUE
        patterns.insert(0, re.compile(own, re.I))
    for pattern in patterns:
        if (match := pattern.search(text)) is not None:
            return next(group for group in match.groups() if group is not None).strip().lstrip("\"'")
    return None


def looks_unreadable(text: str) -> bool:
    """True for text that has the shape of a CJ body (a brace, `code`, CJ's other keys) that nothing could read."""
    return "{" in text and _CODE_KEY.search(text) is not None and _CJ_KEYS.search(text) is not None
