"""What a user pastes into ``cjerr lookup``: a code, a code with its message, a message, or a whole body.

The table layer answers questions about codes and wordings; reading a pasted body or log line needs the
envelope scanner, which lives here, so the whole chain that resolves a query lives here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cj_errors.base import limits, redact
from cj_errors.reading import evidence
from cj_errors.table import matching
from cj_errors.table.codes import (
    _BY_CODE,
    LookupResult,
    _unknown_code,
    accepted,
    codes_with_prefix,
    get,
    guess_family,
    infer_code,
    match_inside,
    match_message,
    message_fits,
    parse_code,
    search,
    similar,
    texts_contain,
)
from cj_errors.table.model import CodeEntry, Message, Outcome

# A code at the start of pasted text ("1602001 Product not found", "1600005 - APIkey is wrong",
# "CJ1600200: Too many"), and a CJ-length code anywhere in it ("CJ API error 1600200: ...").
_LEADING_CODE = re.compile(
    r"^(?:(?:cj|api|error|code|err|errcode|fehler|erreur)\b[-_ ]?\s*[:#=]?\s*)*(\d{3,8})(?:\s*[-:|=,]+\s*|\s+)(.+)$",
    re.I | re.S,
)
_CODE_KEYWORD = re.compile(r"\bcode\b\W{0,3}(\d{3,8})(?!\d)", re.I)
_CODE_TOKEN = re.compile(r"(?<![\w.])(\d{6,8})(?![\w.])")
_SEVERAL_CODES = re.compile(r"^(?:cj)?\d{1,12}(?:\s*[,;|/\s]\s*(?:cj)?\d{1,12})+$", re.I)
_BODY_HINT = re.compile(r"""[{(].*\bcode\b""", re.I | re.S)


def lookup(query: str | int, *, near: bool = True) -> LookupResult:
    """Resolve what a user pastes: a code (``1600200``, ``"CJ1600200"``), a code with its message,
    a message (with values filled in, context around it, or a typo), or a whole body or log line.

    ``near=False`` skips the search for a near miss (a typo), the costly step for text that matches nothing."""
    if isinstance(query, int) and abs(query) >= 10**limits.CODE_DIGITS:
        # str() of an int over 4,300 digits raises ValueError; no code is this long anyway.
        return LookupResult(f"<a {query.bit_length()}-bit number>", None, ())
    return _lookup_text(matching.clean(str(query)), near=near)


_NO_NEAR_MISS = (
    f"no wording matches; near misses were looked for in the first {limits.LOOKUP_NEAR_MISS_QUERIES:,} queries "
    "only (for a log, use cjerr explain)"
)


def _lookup_text(text: str, *, after_label: bool = False, near: bool = True) -> LookupResult:
    code = parse_code(text)
    if code is not None:
        entry = get(code)
        if entry is not None:
            return LookupResult(text, code, (entry,), match="code")
        if len(text) < 7 and (matches := codes_with_prefix(text)):
            return LookupResult(text, None, tuple(matches), prefix=text, match="prefix")
        return _unknown_code(text, code, "code")
    if matches := codes_with_prefix(text):
        return LookupResult(text, None, tuple(matches), prefix=text, match="prefix")
    leading = _LEADING_CODE.match(text)
    if leading is not None and _is_cj_code(int(leading.group(1))):
        # A code first, then its message: the code decides, even when the message fits a wording whose
        # {param} would take the code in ("1600010 RedirectUri must be not empty.").
        return _code_and_message(text, int(leading.group(1)), leading.group(2))
    if match_message(text):
        # A CJ wording in full is a message, even when it holds digits ("Response Status Code: 200").
        return LookupResult(text, None, tuple(search(text)), match="text")
    if _BODY_HINT.search(text[: limits.CONTAINED_SEARCH_CHARS]) and (from_body := _lookup_body(text)) is not None:
        return from_body
    # Numbers that a wording found inside the text writes itself ("... Status Code: 200, ...") are values,
    # not the code; any other code in the text still decides ("| 1600300 | orderId must be not empty |").
    inside = match_inside(text)
    values = frozenset(number for _, message in inside for number in re.findall(r"\d+", message.text))
    if (with_code := _lookup_code_and_message(text, values)) is not None:
        return with_code
    if not inside and not after_label and (labelled := _after_label(text, near)) is not None:
        return labelled
    found = search(text, inside)  # the wordings inside the text are already known
    if found and _carries_wording(found[0], text, inside):
        return LookupResult(text, None, tuple(found), match="text")
    code_label = evidence.labelled_code(text)
    if code_label is not None and str(code_label[0]) not in values:
        # A number labelled as a code is a code even when no table has it ("Store not found (code 5123)").
        return _code_and_message(text, code_label[0], code_label[1])
    # The near-miss search is the costly step; past the first queries of a run it is skipped (said below).
    candidates = tuple(similar(text)) if near else ()
    best = accepted(list(candidates)) if near else None
    if best is not None and not found:
        entry = _BY_CODE[best.code]
        note = f'no exact wording matches; the closest is "{best.text}" (similarity {best.score:.2f})'
        return LookupResult(text, None, (entry,), match="similar", note=note, candidates=candidates)
    from cj_errors.table import meaning  # lazily: `lookup CODE` and TAB never load the index

    if by_meaning := meaning.rank(redact.scrub(text)):  # a pasted token or key carries no meaning
        rest = tuple(entry for entry in found if entry not in by_meaning)
        note = "no CJ wording matches; these codes' texts carry the same meaning (synonyms, both languages)"
        return LookupResult(text, None, (*by_meaning, *rest), match="meaning", note=note)
    if found:
        return LookupResult(text, None, tuple(found), match="text")
    return LookupResult(text, None, (), candidates=candidates, note=None if near else _NO_NEAR_MISS)


def _carries_wording(entry: CodeEntry, text: str, inside: list[tuple[CodeEntry, Message]]) -> bool:
    """Does the best text match hold one of CJ's own wordings (not only a title or an MCP text)?"""
    if any(found.code == entry.code for found, _ in inside) or texts_contain(entry, text):
        return True
    return any(message.exact and message_fits(message, text) for message in entry.messages)


# What people put before a message they paste or log: a list marker ("- ", "* ", "1. ", "> "), a log
# level in brackets, a short label ("Error:", "CJ API error -"), or an exception's class
# ("CJApiException:", "requests.exceptions.HTTPError:"). Only these few; any other text before a
# colon may be a wording itself ("Product not found: Success" is 1602001's, not a label).
_LABEL = re.compile(
    r"""^(?:[-*\u2022>]\s+|\d{1,2}[.)]\s+|\[\w+\]\s*)?"""
    r"""(?:(?:(?i:(?:cj(?:\s*dropshipping)?\s+)?(?:api\s+)?(?:error|err|warning|warn|exception|fatal|failed|"""
    r"""failure|message|msg|reason))|[\w.]*(?:Error|Exception))\s*[:\u2013\u2014-]\s+)?(?=\S)""",
)


_MOST_LABELS = 3  # "- Error: CJApiException: ..." and no more: hostile input cannot make this loop long


def _after_label(text: str, near: bool = True) -> LookupResult | None:
    """What lookup of the message alone gives, when labels or a list marker come before it and no
    wording was found in the whole text. Never a success: "Error: Success" does not say a call worked."""
    rest = text
    for _ in range(_MOST_LABELS):
        label = _LABEL.match(rest)
        if label is None or not label.group(0):
            break
        rest = rest[label.end() :]
    if rest == text:
        return None
    result = _lookup_text(rest, after_label=True, near=near)
    if result.entry is None or result.prefix is not None or result.entry.outcome is Outcome.SUCCESS:
        return None
    label_note = f'read "{rest}" as the message, after "{text[: len(text) - len(rest)].strip()}"'
    note = f"{label_note}; {result.note}" if result.note else label_note
    return result._replace(query=text, note=note)


def _message_note(code: int, entry: CodeEntry | None, message: str) -> str | None:
    """What the message pasted next to a code says: nothing new, or that it is another code's wording."""
    message = message.strip().strip("\"'")
    if entry is not None and any(message_fits(variant, message) for variant in entry.messages):
        return None
    owners = [matched for matched, _ in match_message(message)] or [matched for matched, _ in match_inside(message)]
    others = [owner for owner in owners if owner.code != code]
    if entry is not None and owners and not others:
        return None
    if others:
        other = others[0]
        return f"the code decides: the message is CJ's wording for {other.code} ({other.title}), not for {code}"
    return None


def _code_and_message(text: str, code: int, message: str) -> LookupResult:
    entry = get(code)
    note = _message_note(code, entry, message)
    if entry is not None:
        return LookupResult(text, code, (entry,), match="code+message", note=note)
    return _unknown_code(text, code, "code+message", note)


def _lookup_code_and_message(text: str, values: frozenset[str] = frozenset()) -> LookupResult | None:
    leading = _LEADING_CODE.match(text)
    if leading is not None:
        return _code_and_message(text, int(leading.group(1)), leading.group(2))
    tokens = [token for token in _CODE_TOKEN.findall(text) if _is_cj_code(int(token))]
    tokens += [token for token in _CODE_KEYWORD.findall(text) if int(token) in _BY_CODE]
    tokens = [token for token in tokens if token not in values]
    if not tokens:
        return None
    return _code_and_message(text, int(tokens[0]), text.replace(tokens[0], " ", 1))


def _is_cj_code(code: int) -> bool:
    return code in _BY_CODE or guess_family(code).family is not None


def _lookup_body(text: str) -> LookupResult | None:
    """A pasted response body or log line: take its code (or the code its message names)."""
    from cj_errors.reading.scan import envelopes_in_text

    for envelope in envelopes_in_text(text):
        code = envelope.code
        inferred = code is None and envelope.text_to_match is not None
        if inferred:
            matched = infer_code(envelope.text_to_match or "")
            code = matched.code if matched is not None else None
        if code is None:
            continue
        how = "its message names" if inferred else "the body's `code`"
        note = (
            f"read {how} {code} from a pasted body; "
            "'cjerr explain' reads such input in full (success rule, HTTP status, requestId)"
        )
        entry = get(code)
        if entry is None:
            return _unknown_code(text, code, "body", note)
        return LookupResult(text, code, (entry,), match="body", note=note)
    return None


def split_queries(query: str) -> list[str]:
    """One argument holding several codes ("1600200 1600201", "1600200,1600201") is several queries."""
    text = matching.clean(query)
    if _SEVERAL_CODES.match(text):
        return re.findall(r"(?:cj)?\d+", text, flags=re.I)
    return [query]


def lookup_many(queries: Iterable[str | int]) -> list[LookupResult]:
    """Each query looked up; past ``limits.LOOKUP_NEAR_MISS_QUERIES`` of them, without the near-miss search,
    so that 16 MiB of unmatched lines on ``lookup -`` take minutes, not hours."""
    results: list[LookupResult] = []
    for query in queries:
        parts = split_queries(query) if isinstance(query, str) else [query]
        results.extend(lookup(part, near=len(results) < limits.LOOKUP_NEAR_MISS_QUERIES) for part in parts)
    return results
