"""Queries over the code table: get, search, family ranges, suggestions.

Standard library only, because shell completion imports this on every TAB.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

from cj_errors.code_table import ENTRIES, FAMILIES, SOURCES
from cj_errors.model import CodeEntry, Family, Message, Outcome, Retry, Source

__all__ = [
    "FAMILIES",
    "SOURCES",
    "CodeEntry",
    "Family",
    "FamilyGuess",
    "LookupResult",
    "Message",
    "Outcome",
    "Retry",
    "Source",
    "all_entries",
    "code_of",
    "entries_in_family",
    "get",
    "guess_family",
    "is_retryable",
    "lookup",
    "match_message",
    "message_fits",
    "normalize",
    "nearest",
    "parse_code",
    "retries_after_reset",
    "retry_advice",
    "search",
]

_BY_CODE: dict[int, CodeEntry] = {entry.code: entry for entry in ENTRIES}
_SORTED_CODES: tuple[int, ...] = tuple(sorted(_BY_CODE))
_ALL_ENTRIES: tuple[CodeEntry, ...] = tuple(_BY_CODE[code] for code in _SORTED_CODES)

# Longest CJ code is 8 digits; anything much longer is not a code, and capping
# the length keeps int() away from Python's 4300-digit conversion limit.
_MAX_CODE_DIGITS = 12
_CODE_IN_TEXT = re.compile(r"""^(?:cj[-_ ]?)?(?:["']?code["']?\s*[:=]\s*)?["']?(\d{1,12})["']?,?$""", re.IGNORECASE)


def all_entries() -> tuple[CodeEntry, ...]:
    """Every entry, in code order."""
    return _ALL_ENTRIES


def get(code: int) -> CodeEntry | None:
    """The entry for ``code``, or None when the table does not have it."""
    return _BY_CODE.get(code)


def entries_in_family(family: str) -> tuple[CodeEntry, ...]:
    return tuple(entry for entry in all_entries() if entry.family == family)


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
        if text.isascii() and text.isdigit() and len(text) <= _MAX_CODE_DIGITS:
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
    """Case-folded, with runs of white space made one space: how wordings are compared."""
    return " ".join(text.split()).casefold()


@functools.cache
def _template_pattern(template: str) -> re.Pattern[str]:
    parts = normalize(template).split("{param}")
    body = "(?:.*?)".join(re.escape(part) for part in parts)
    # CJ is inconsistent about a trailing full stop; accept either.
    return re.compile(body.rstrip("\\.") + r"\.?", re.DOTALL)


def message_fits(message: Message, text: str) -> bool:
    """True when ``text`` is this exact CJ wording (``{param}`` matching anything); paraphrases never fit."""
    return message.exact and _template_pattern(message.text).fullmatch(normalize(text)) is not None


# Whose wording is it? The tables name the owner; doc examples and observed
# bodies reuse wordings, and a paraphrase is only cjerr's description.
_SOURCE_RANK = {"current": 0, "legacy": 0, "current-crawl": 1, "observed": 2, "limit-page": 2, "doc-example": 3}
_LAST_RANK = 4


def _ownership_rank(message: Message) -> int:
    if message.belongs_to is not None:
        return _LAST_RANK
    return _SOURCE_RANK.get(message.source, _LAST_RANK)


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
    if not normalize(text):
        return []
    matches = [(entry, message) for entry in all_entries() for message in entry.messages if message_fits(message, text)]
    return sorted(matches, key=lambda pair: (_ownership_rank(pair[1]), pair[0].code))


_URL = re.compile(r"https?://\S+")
_MIN_SEARCH_CHARACTERS = 2


def _searchable(text: str) -> str:
    # A doc link inside a message must not make "#" or "-1" match it.
    return normalize(_URL.sub(" ", text))


def search(text: str) -> list[CodeEntry]:
    """Entries whose messages or title match ``text``, best first.

    A full match of an exact wording ranks first (its owner before codes that
    reuse it), then the text as a phrase inside a wording or title, then
    entries that contain every word of the text.
    """
    normalized = normalize(text)
    if sum(character.isalnum() for character in normalized) < _MIN_SEARCH_CHARACTERS:
        return []
    words = normalized.split()
    ranked: dict[int, tuple[int, int]] = {}
    for entry in all_entries():
        exact = [_ownership_rank(message) for message in entry.messages if message_fits(message, text)]
        haystacks = [_searchable(message.text) for message in entry.messages] + [_searchable(entry.title)]
        if exact:
            rank = (0, min(exact))
        elif any(normalized in haystack for haystack in haystacks):
            rank = (1, 0)
        elif any(all(word in haystack for word in words) for haystack in haystacks):
            rank = (2, 0)
        else:
            continue
        ranked[entry.code] = rank
    return [_BY_CODE[code] for code in sorted(ranked, key=lambda code: (ranked[code], code))]


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


def guess_family(code: int) -> FamilyGuess:
    """Explain an unknown code from its prefix, the way SQLSTATE classes work."""
    digits = str(code)
    for prefix, length, family, label, explanation in _RANGES:
        if len(digits) == length and digits.startswith(prefix):
            return FamilyGuess(family, label, explanation)
    if len(digits) == 3 and 100 <= code <= 599:
        return FamilyGuess(None, "HTTP", "looks like an HTTP status, not a CJ body code")
    return FamilyGuess(None, "none", "matches no known CJ code range (CJ codes are 7 or 8 digits starting 160 or 169)")


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

    @property
    def found(self) -> bool:
        return bool(self.entries)

    @property
    def entry(self) -> CodeEntry | None:
        return self.entries[0] if self.entries else None


def lookup(query: str | int) -> LookupResult:
    """Resolve a code (``1600200``, ``"CJ1600200"``) or search text (``"No permission"``)."""
    if isinstance(query, int) and abs(query) >= 10**_MAX_CODE_DIGITS:
        # str() of an int over 4,300 digits raises ValueError; no code is this long anyway.
        return LookupResult(f"<a {query.bit_length()}-bit number>", None, ())
    text = str(query).strip()
    code = parse_code(text)
    if code is not None:
        entry = get(code)
        if entry is not None:
            return LookupResult(text, code, (entry,))
        if len(text) < 7 and (matches := codes_with_prefix(text)):
            return LookupResult(text, None, tuple(matches), prefix=text)
        return LookupResult(text, code, (), guess_family(code), tuple(nearest(code)))
    if matches := codes_with_prefix(text):
        return LookupResult(text, None, tuple(matches), prefix=text)
    return LookupResult(text, None, tuple(search(text)))


def lookup_many(queries: Iterable[str | int]) -> list[LookupResult]:
    return [lookup(query) for query in queries]
