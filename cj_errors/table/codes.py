"""Queries over the code table: get, search, family ranges, suggestions.

Standard library only, because shell completion imports this on every TAB.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from cj_errors.base import limits
from cj_errors.table import matching
from cj_errors.table.code_table import ENTRIES, FAMILIES, SOURCES
from cj_errors.table.model import CodeEntry, Family, Message, Outcome, Retry, Source

__all__ = [
    "CodeEntry",
    "FAMILIES",
    "Family",
    "FamilyGuess",
    "LookupResult",
    "Message",
    "Outcome",
    "OutsideCode",
    "Retry",
    "SOURCES",
    "Source",
    "all_entries",
    "code_of",
    "entries_in_family",
    "family_key",
    "get",
    "guess_family",
    "is_retryable",
    "known_outside",
    "match_message",
    "message_fits",
    "nearest",
    "normalize",
    "parse_code",
    "retries_after_reset",
    "retry_advice",
    "search",
]

_BY_CODE: dict[int, CodeEntry] = {entry.code: entry for entry in ENTRIES}
_SORTED_CODES: tuple[int, ...] = tuple(sorted(_BY_CODE))
_ALL_ENTRIES: tuple[CodeEntry, ...] = tuple(_BY_CODE[code] for code in _SORTED_CODES)

_CODE_IN_TEXT = re.compile(r"""^(?:cj[-_ ]?)?(?:["']?code["']?\s*[:=]\s*)?["']?(\d{1,12})["']?,?$""", re.IGNORECASE)


def all_entries() -> tuple[CodeEntry, ...]:
    """Every entry, in code order."""
    return _ALL_ENTRIES


def get(code: int) -> CodeEntry | None:
    """The entry for ``code``, or None when the table does not have it."""
    return _BY_CODE.get(code)


def entries_in_family(family: str) -> tuple[CodeEntry, ...]:
    key = family_key(family) or family
    return tuple(entry for entry in all_entries() if entry.family == key)


def family_key(name: str) -> str | None:
    """The family ``name`` stands for, in any case and with surrounding spaces (``Quota``, `` RATE-LIMIT``)."""
    key = name.strip().lower()
    return key if key in FAMILIES else None


def parse_code(text: str) -> int | None:
    """Read a code from lenient input: ``1600200``, `` CJ1600200 ``, ``"code": 1600200``.

    Returns None when the text is not a code, so the caller can search instead.
    """
    match = _CODE_IN_TEXT.match(text.strip())
    if match is None:
        return None
    return int(match.group(1))


def code_of(code: object, caller: str = "this function") -> int:
    """A code given as an int or a string of digits ("1600200", " 1600200 "); anything else is a TypeError."""
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    if isinstance(code, str):
        text = code.strip()
        if text.isascii() and text.isdigit() and len(text) <= limits.CODE_DIGITS:
            return int(text)
        raise TypeError(f"{caller} takes a CJ code as an int or a string of digits, got {code[:40]!r}")
    raise TypeError(f"{caller} takes a CJ code as an int or a string of digits, got {type(code).__name__}")


def is_retryable(code: int | str) -> bool:
    """True when sending the same request again after a short wait can help.

    Spent quota and points (1600201, 16900500) are False: they need a reset of
    the limit; see ``retries_after_reset``. ``code`` may be an int or a digit string.
    """
    entry = get(code_of(code, "is_retryable()"))
    return entry is not None and entry.retryable


def retries_after_reset(code: int | str) -> bool:
    """True when only a reset of the limit brings the call back (points at 00:00 UTC, a quota per its period)."""
    entry = get(code_of(code, "retries_after_reset()"))
    return entry is not None and entry.retry_after_reset


def retry_advice(entry: CodeEntry) -> str:
    """One sentence on whether and when to resend the same request."""
    if entry.retry is Retry.SHORT_WAIT:
        wait = f"at least {entry.min_wait_seconds:g} s" if entry.min_wait_seconds else "a short wait"
        if entry.max_attempts == 2:
            return f"retry once after {wait}, then stop"
        limit = f", {entry.max_attempts} tries in all at most" if entry.max_attempts else ""
        return f"retry after {wait}, with backoff{limit}"
    if entry.retry is Retry.AFTER_RESET_OR_SOONER:
        return "stop for now: points reset at 00:00 UTC, or a cheap call may pass sooner as points trickle back"
    if entry.retry is Retry.AFTER_PERIOD:
        return (
            "do not retry until the quota's period restarts: quotaType in GET /setting/get says which "
            "(5 hourly, 4 daily; 0 is a total that never resets)"
        )
    if entry.retry is Retry.DAILY_RESET:
        return "do not retry before the daily reset at 00:00 UTC"
    if entry.retry is Retry.NEVER:
        return "retrying the same request will not help; change it first"
    return "nothing to retry"


# --- message matching -------------------------------------------------------


def normalize(text: str) -> str:
    """How wordings are compared: case, white space, quotes, full-width punctuation and a trailing stop folded."""
    return matching.normalize(text)


def message_fits(message: Message, text: str) -> bool:
    """True when ``text`` is this exact CJ wording in full (values filled in); paraphrases never fit."""
    return message.exact and matching.fits(message.text, text)


# Whose wording is it? The tables name the owner; doc examples and observed
# bodies reuse wordings, and a paraphrase is only cjerr's description.
_SOURCE_RANK = {"current": 0, "legacy": 0, "current-crawl": 1, "observed": 2, "limit-page": 2, "doc-example": 3}
_LAST_RANK = 4


def _ownership_rank(message: Message) -> int:
    if message.belongs_to is not None:
        return _LAST_RANK
    return _SOURCE_RANK.get(message.source, _LAST_RANK)


@functools.cache
def _exact_wordings() -> tuple[tuple[CodeEntry, Message, str], ...]:
    """Every exact wording with the fixed text that any match of it must contain (see matching.anchor).

    Built on first use, not at import: ``lookup CODE`` never needs it.
    """
    return tuple(
        (entry, message, matching.anchor(message.text))
        for entry in _ALL_ENTRIES
        for message in entry.messages
        if message.exact
    )


def _candidates_in(normalized: str) -> list[tuple[CodeEntry, Message, str]]:
    """The exact wordings whose fixed text occurs in ``normalized``: the only ones that can match it.

    A substring test is far cheaper than a wording's regular expression, and most log lines
    hold no CJ wording at all.
    """
    return [wording for wording in _exact_wordings() if wording[2] in normalized]


def match_message(text: str) -> list[tuple[CodeEntry, Message]]:
    """Every (entry, exact wording) that matches ``text`` in full, the wording's owner first.

    The table that prints a wording outranks a doc example or a captured body
    that reuses it, so "Param error" answers 1600300 before 1600100 or 804.
    """
    if len(text) <= _CACHED_MESSAGE_CHARS:
        return list(_match_message_cached(text))
    return _match_message(text)


# explain asks this for every line of a log, which mostly repeats a few messages
# (without the cache a 50 MB log took minutes); only short texts are cached, so
# hostile input cannot make the cache large.
_CACHED_MESSAGE_CHARS = 512


@functools.lru_cache(maxsize=1024)
def _match_message_cached(text: str) -> tuple[tuple[CodeEntry, Message], ...]:
    return tuple(_match_message(text))


def _match_message(text: str) -> list[tuple[CodeEntry, Message]]:
    normalized = normalize(text) if len(text) <= matching.MAX_WORDING_CHARS else ""
    if not normalized:
        return []
    matches = [
        (entry, message) for entry, message, _ in _candidates_in(normalized) if matching.fits(message.text, text)
    ]
    return sorted(matches, key=lambda pair: (_fit_tier(pair[1], text), _ownership_rank(pair[1]), pair[0].code))


def _fit_tier(message: Message, text: str) -> int:
    # A wording present in full outranks one the text only begins, except a doc example's: "order not
    # found" is getOrderDetail's example under 1600300 in full, but live answers for a missing order
    # carry 1603100's "Order not found, Please check the CJ order id", so the table's wording ranks first.
    complete = matching.fits_completely(message.text, text)
    if _ownership_rank(message) >= _SOURCE_RANK["doc-example"]:
        return 2 if complete else 3
    return 0 if complete else 1


def _codes_beginning_with(clause: str) -> frozenset[int]:
    return _first_clause_owners().get(clause, frozenset())


@functools.cache
def _first_clause_owners() -> dict[str, frozenset[int]]:
    """Each exact wording's first clause, and the codes whose wordings begin with it: "Too Many Requests"
    begins 1600200's and 1600201's, so it names neither alone; "APIkey is wrong" begins only 1600005's.

    Generated from the table (table/wording_table.py; a test keeps it in step): this compares every clause
    with every other."""
    from cj_errors.table._wording_table import FIRST_CLAUSE_OWNERS

    return {clause: frozenset(codes) for clause, codes in FIRST_CLAUSE_OWNERS.items()}


def compute_first_clause_owners() -> dict[str, frozenset[int]]:
    """``_first_clause_owners`` worked out from the table."""
    # A doc example's wording does not make a clause ambiguous: "order not found" (getOrderDetail's example
    # under 1600300) leaves "Order not found" to 1603100, whose wording live answers carry.
    clauses = [
        (matching.compute_first_clause(message.text), entry.code)
        for entry, message, _ in _exact_wordings()
        if _ownership_rank(message) < _SOURCE_RANK["doc-example"]
    ]
    owners: dict[str, set[int]] = {clause: set() for clause, _ in clauses}
    for clause in owners:
        # A longer first clause that starts with this one begins with it too ("X" and "X or Y").
        owners[clause].update(code for other, code in clauses if other == clause or other.startswith(clause + " "))
    return {clause: frozenset(codes) for clause, codes in owners.items()}


def match_inside(text: str) -> list[tuple[CodeEntry, Message]]:
    """Exact wordings found inside ``text`` (a message with context before or after it), longest first."""
    if len(text) > limits.CONTAINED_SEARCH_CHARS:
        return []
    found: list[tuple[int, int, int, CodeEntry, Message]] = []
    for entry, message, _ in _candidates_in(normalize(text)):
        unique = _codes_beginning_with(matching.first_clause(message.text)) == {entry.code}
        if span := matching.contained_span(message.text, text, first_clause_is_enough=unique):
            found.append((-span, _ownership_rank(message), entry.code, entry, message))
    found.sort(key=lambda item: item[:3])
    return [(entry, message) for *_, entry, message in found]


def infer_code(message: str) -> CodeEntry | None:
    """The error code a code-less body's message names: its full wording, else a wording inside it."""
    full = [entry for entry, _ in match_message(message) if entry.outcome is not Outcome.SUCCESS]
    if full:
        return full[0]
    inside = [entry for entry, _ in match_inside(message) if entry.outcome is not Outcome.SUCCESS]
    return inside[0] if inside else None


_URL = re.compile(r"https?://\S+")
_MIN_SEARCH_CHARACTERS = 2


def _searchable(text: str) -> str:
    from cj_errors.table._wording_table import SEARCHABLE  # the table's texts, normalised at build time

    known = SEARCHABLE.get(text)
    return known if known is not None else compute_searchable(text)


def compute_searchable(text: str) -> str:
    """A text as search compares it: normalised, and a doc link inside it must not make "#" or "-1" match."""
    return normalize(_URL.sub(" ", text))


def searched_texts(entry: CodeEntry) -> list[str]:
    """The texts of an entry that search reads word for word (see ``_haystacks``)."""
    # A text another code owns ("Token expired" on 1600100, from CJ's MCP) is shown, not searched word for word.
    texts = [message.text for message in entry.messages if message.belongs_to is None] + [entry.title]
    texts.extend(message.text for message in entry.localized)
    return texts


def texts_contain(entry: CodeEntry, text: str) -> bool:
    """Is ``text`` a phrase of one of the entry's own texts (a wording, the title, CJ's Chinese text)?"""
    normalized = normalize(text)
    return bool(normalized) and any(normalized in haystack for haystack in _haystacks(entry))


def _haystacks(entry: CodeEntry) -> list[str]:
    return [_searchable(text) for text in searched_texts(entry)]


def search(text: str, inside_text: list[tuple[CodeEntry, Message]] | None = None) -> list[CodeEntry]:
    """Entries whose messages or title match ``text``, best first.

    A full match of an exact wording ranks first (its owner before codes that
    reuse it), then a wording found inside the text (a message pasted with
    context), then the text as a phrase inside a wording or title, then entries
    that contain every word of the text. ``inside_text`` is ``match_inside(text)`` when the
    caller has it already.
    """
    normalized = normalize(text)
    if sum(character.isalnum() for character in normalized) < _MIN_SEARCH_CHARACTERS:
        return []
    words = normalized.split()
    inside: dict[int, int] = {}
    found_inside = match_inside(text) if inside_text is None else inside_text
    for position, (entry, _) in enumerate(found_inside):
        inside.setdefault(entry.code, position)
    ranked: dict[int, tuple[int, int]] = {}
    # Only a wording whose fixed text is in the query can fit it: the others' patterns are never compiled.
    fitting: dict[int, list[Message]] = {}
    for entry, message, _ in _candidates_in(normalized):
        fitting.setdefault(entry.code, []).append(message)
    for entry in all_entries():
        exact = [
            _fit_tier(message, text) * (_LAST_RANK + 2) + _ownership_rank(message)
            for message in fitting.get(entry.code, ())
            if message_fits(message, text)
        ]
        haystacks = _haystacks(entry)
        if exact:
            rank = (0, min(exact))
        elif normalized in haystacks:
            rank = (0, 2 * (_LAST_RANK + 2))  # one of the entry's texts word for word, after CJ's own wordings
        elif entry.code in inside:
            rank = (1, inside[entry.code])
        elif any(normalized in haystack for haystack in haystacks):
            rank = (2, 0)
        elif any(all(word in haystack for word in words) for haystack in haystacks):
            rank = (3, 0)
        else:
            continue
        ranked[entry.code] = rank
    return [_BY_CODE[code] for code in sorted(ranked, key=lambda code: (ranked[code], code))]


class Candidate(NamedTuple):
    """A code whose wording or title is close to the query: a "did you mean"."""

    code: int
    score: float
    text: str


# A near miss scores at least this to be offered, and at least ACCEPT_SCORE (with a clear
# lead over the runner-up) to count as found: a typo in a wording, not a different wording.
SUGGEST_SCORE = 0.55
ACCEPT_SCORE = 0.86
_ACCEPT_LEAD = 0.04


def similar(text: str, limit: int = 3) -> list[Candidate]:
    """Codes whose wordings or titles are most like ``text``, best first (for "did you mean")."""
    if len(text) > limits.SIMILAR_CHARS or not normalize(text):
        return []
    best: dict[int, Candidate] = {}
    for entry in all_entries():
        texts = [message.text for message in entry.messages if message.exact] + [entry.title]
        texts.extend(message.text for message in entry.localized)
        for wording in texts:
            # Scores under the floor are not offered; the floor sits under SUGGEST_SCORE by the rounding.
            score = round(matching.similarity(text, _URL.sub(" ", wording), floor=SUGGEST_SCORE - 0.0005).score, 3)
            known = best.get(entry.code)
            # The closest wording is shown; of equally close ones, the shortest reads best.
            if score >= SUGGEST_SCORE and (
                known is None or score > known.score or (score == known.score and len(wording) < len(known.text))
            ):
                best[entry.code] = Candidate(entry.code, score, wording)
    return sorted(best.values(), key=lambda candidate: (-candidate.score, candidate.code))[:limit]


def accepted(candidates: list[Candidate]) -> Candidate | None:
    """The candidate close enough to count as found, if there is one."""
    if not candidates or candidates[0].score < ACCEPT_SCORE:
        return None
    if len(candidates) > 1 and candidates[0].score - candidates[1].score < _ACCEPT_LEAD:
        return None
    return candidates[0]


# --- unknown codes ------------------------------------------------------------


class FamilyGuess(NamedTuple):
    """What the digits of an unknown code say about it."""

    family: str | None
    range: str
    explanation: str


# (prefix, digit count, family, range label, explanation), most specific first.
_RANGES: tuple[tuple[str, int, str | None, str, str], ...] = (
    ("169002", 8, "request", "169002xx", "request-format checks: HTTP method, Content-Type, body, JSON syntax"),
    ("169004", 8, "parameter", "169004xx", "parameter checks (a required field is empty)"),
    ("169005", 8, "quota", "169005xx", "API points (daily budget)"),
    ("16900", 8, "request", "16900xxx", "gateway checks made before the request reaches the interface"),
    ("16070", 8, "webhook", "16070xxx", "an 8-digit webhook code as printed in CJ's table (16070002)"),
    ("16000", 7, "auth", "16000xx", "authentication: access token, refresh token, API key, store authorization"),
    ("16001", 7, "interface", "16001xx", "the interface itself: offline or path not found"),
    ("16002", 7, "rate-limit", "16002xx", "call limits: 1600200 per-second rate, 1600201 daily quota"),
    ("16003", 7, "parameter", "16003xx", "parameters and read timeouts"),
    ("1601", 7, "auth", "1601xxx", "CJ user accounts"),
    ("1602", 7, "product", "1602xxx", "products and variants"),
    ("16031", 7, "payment", "16031xx", "order lookup (1603100, an order code), payment and inventory deduction"),
    ("1603", 7, "order", "1603xxx", "order creation, confirmation and deletion"),
    ("1604", 7, "payment", "1604xxx", "balance and balance payment"),
    ("1605", 7, "logistics", "1605xxx", "shipping methods, freight and country codes"),
    ("1606", 7, "webhook", "1606xxx", "webhook settings and product subscriptions"),
    (
        "1607",
        7,
        "webhook",
        "1607xxx",
        "webhook URL checks (1607000-1607003), but also freight (1607004), disputes (1607006-1607009) "
        "and product updates (1607010)",
    ),
    ("1608", 7, "storage", "1608xxx", "warehouses"),
    ("1609", 7, "ticket", "1609xxx", "support tickets"),
    ("8", 3, "sandbox", "8xx", "sandbox order tools and waybill uploads"),
)


# The outcome every code of a family shares, for the families where it is one: a code CJ sends that no table
# lists still exits as its family does (an unknown 16000xx code is an authentication problem, exit 77).
_FAMILY_OUTCOMES = {"auth": Outcome.AUTH, "rate-limit": Outcome.TEMPORARY, "quota": Outcome.QUOTA}


def family_outcome(family: str) -> Outcome | None:
    """The outcome a family's codes share, or None where its codes differ (orders, products, ...)."""
    return _FAMILY_OUTCOMES.get(family)


def guess_family(code: int) -> FamilyGuess:
    """Explain an unknown code from its prefix, the way SQLSTATE classes work."""
    digits = str(code)
    for prefix, length, family, label, explanation in _RANGES:
        if len(digits) == length and digits.startswith(prefix):
            return FamilyGuess(family, label, explanation)
    if len(digits) == 3 and 100 <= code <= 599:
        return FamilyGuess(None, "HTTP", "looks like an HTTP status, not a CJ body code")
    return FamilyGuess(None, "none", "matches no known CJ code range (CJ codes are 7 or 8 digits starting 160 or 169)")


class OutsideCode(NamedTuple):
    """A number that clients mention as a CJ code but that is no OpenAPI 2.0 code, and where that is said."""

    note: str
    source: str


_CJ_MCP = "https://github.com/CJ-dropshipping/api-mcp"
# Looked up only for codes outside every range: none of these is in the code table, and none is an
# OpenAPI answer, so they get one line of context instead of a table entry.
_OUTSIDE_OPENAPI: dict[int, OutsideCode] = {
    300001: OutsideCode("a code of CJ's website login, not of the OpenAPI: the account is locked", _CJ_MCP),
    300003: OutsideCode("a code of CJ's website login, not of the OpenAPI: the email is not registered", _CJ_MCP),
    300006: OutsideCode("a code of CJ's website login, not of the OpenAPI: wrong account or password", _CJ_MCP),
    2000001: OutsideCode(
        "one client's notes call it the rate-limit code, but no CJ doc or other client shows it; "
        "CJ's per-second limit answers 1600200 (see cjerr lookup 1600200)",
        "https://github.com/OpenSIN-Code/cj-dropshipping-skill (references/rate-limits.md)",
    ),
}


def known_outside(code: int) -> OutsideCode | None:
    """What is known of a code that clients mention but the OpenAPI does not answer with."""
    return _OUTSIDE_OPENAPI.get(code)


def _unknown_code(text: str, code: int, match: str, note: str | None = None) -> LookupResult:
    """An unknown code: what its digits say, and nearby known codes only when it falls in a known range."""
    guess = guess_family(code)
    suggestions = tuple(nearest(code)) if guess.family is not None else ()
    return LookupResult(text, code, (), guess, suggestions, match=match, note=note, known_outside=known_outside(code))


def _shared_prefix(left: str, right: str) -> int:
    length = 0
    for a, b in zip(left, right, strict=False):
        if a != b:
            break
        length += 1
    return length


def nearest(code: int, limit: int = 3) -> list[int]:
    """Known codes closest to ``code``: same digit count, longest shared prefix, then numeric distance."""
    digits = str(code)

    def closeness(known: int) -> tuple[bool, int, int, int]:
        text = str(known)
        return len(text) != len(digits), -_shared_prefix(text, digits), abs(known - code), known

    return sorted(_SORTED_CODES, key=closeness)[:limit]


_PREFIX_QUERY = re.compile(r"^(\d{1,7})(x*)$", re.IGNORECASE)


def codes_with_prefix(query: str) -> list[CodeEntry]:
    """Codes that a prefix (``16002``) or a mask (``1603xxx``) stands for."""
    match = _PREFIX_QUERY.match(query.strip())
    if match is None:
        return []
    prefix, mask = match.groups()
    length = len(prefix) + len(mask) if mask else None
    return [
        entry
        for entry in all_entries()
        if str(entry.code).startswith(prefix) and (length is None or len(str(entry.code)) == length)
    ]


# --- lookup -------------------------------------------------------------------


class LookupResult(NamedTuple):
    """The answer to one lookup query: a code, or text to search for."""

    query: str
    code: int | None
    entries: tuple[CodeEntry, ...]
    family_guess: FamilyGuess | None = None
    suggestions: tuple[int, ...] = ()
    prefix: str | None = None  # set when the query was a prefix or mask such as 16002 or 1603xxx
    # How the query was read: "code", "prefix", "code+message", "body", "text" or "similar".
    match: str = ""
    note: str | None = None  # what the reader should know about how the query was read
    candidates: tuple[Candidate, ...] = ()  # "did you mean", best first
    known_outside: OutsideCode | None = None  # for an unknown code that clients mention: what it is

    @property
    def found(self) -> bool:
        return bool(self.entries)

    @property
    def entry(self) -> CodeEntry | None:
        return self.entries[0] if self.entries else None
