"""How pasted text is compared with CJ's wordings: normalisation, templates and similarity.

People paste what they have: a live message with its values filled in
("Remaining: 0" is "Remaining: 3" tomorrow), curly quotes from a chat, full-width
punctuation from a Chinese client, a BOM from a Windows file, a message with an
id appended. This module turns each CJ wording into a pattern that accepts those
forms, and ranks near misses by similarity for "did you mean".

Standard library only: lookup and shell completion import it on every run.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from cj_errors.base import limits

# Characters that differ between what CJ sends and what a user pastes, mapped to the plain form.
_PLAIN_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u3001": ",",
        "\u3002": ".",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad\ufe0f]")
_PICTURES = frozenset({"So", "Cs"})
_TRAILING_STOP = re.compile(r"[\s.!]+$")


def clean(text: str) -> str:
    """``text`` without a BOM, zero-width characters or surrounding white space; otherwise unchanged."""
    return _INVISIBLE.sub("", text).strip()


def normalize(text: str) -> str:
    """The form wordings are compared in: case-folded, one space between words, plain quotes and
    punctuation (full-width and curly forms folded), no BOM and no trailing full stop."""
    # explain asks this for every message of a log, which repeats a few; only short
    # texts are cached, so hostile input cannot make the cache large.
    return _normalize_cached(text) if len(text) <= _CACHED_CHARS else _normalize(text)


_CACHED_CHARS = 512


@functools.lru_cache(maxsize=4096)
def _normalize_cached(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).translate(_PLAIN_PUNCTUATION)
        # Emoji and other pictographs (a client's "⛔" or "🚦") carry no wording.
        text = "".join(" " if unicodedata.category(char) in _PICTURES else char for char in text)
    return _TRAILING_STOP.sub("", " ".join(text.split())).casefold()


# A number CJ writes in a wording is usually a value it fills in (points left, a QPS
# window, a field count), so any number matches it: "1 time/1second" fits "2 time/1second".
_NUMBER = r"\d[\d,.']*"
_SENTENCE_END = re.compile(r"(?<=[.!?]) ")


def _literal(part: str) -> str:
    return "".join(_NUMBER if piece.isdigit() else re.escape(piece) for piece in re.split(r"(\d+)", part) if piece)


def _clause(clause: str) -> str:
    return "(.*?)".join(_literal(part) for part in clause.split("{param}"))


def _sentence(sentence: str, optional: str) -> str:
    # Clauses after the first are optional too: logs cut "Used today: 5, Remaining: 0, Required: 10"
    # after any comma.
    first, *rest = sentence.split(", ")
    tail = ""
    for clause in reversed(rest):
        tail = rf"(?:,\s*{_clause(clause)}{tail}){optional}"
    return _clause(first) + tail


@functools.cache
def template_regex(template: str, *, complete: bool = False) -> str:
    """The regular expression for one CJ wording (already normalised text in, pattern source out).

    ``{param}`` matches anything, numbers match any number, and (unless ``complete``) every sentence after
    the first (and every clause after a sentence's first) is optional, so
    "Insufficient API points. Used today: 5" still fits the points wording whose
    end the user did not copy.
    """
    optional = "" if complete else "?"
    first, *rest = _SENTENCE_END.split(normalize(template))
    tail = ""
    for sentence in reversed(rest):
        tail = rf"(?:\s*{_sentence(sentence.rstrip('.'), optional)}\.?{tail}){optional}"
    return _sentence(first.rstrip("."), optional) + r"\.?" + tail


@functools.cache
def _full(template: str) -> re.Pattern[str]:
    return re.compile(template_regex(template), re.DOTALL)


@functools.cache
def _inside(template: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + template_regex(template) + r"(?!\w)", re.DOTALL)


@functools.cache
def anchor(template: str) -> str:
    """The longest fixed piece of the wording's first clause: text that fits the wording must contain it.

    Later sentences and clauses are optional and values vary, so only the first clause's
    literal text is certain. Empty when that clause is all values (``{param}``).
    """
    from cj_errors.table._wording_table import EXACT

    known = EXACT.get(template)
    return known[0] if known is not None else compute_anchor(template)


def compute_anchor(template: str) -> str:
    """``anchor`` worked out from the wording (the table's are generated: table/wording_table.py)."""
    pieces = re.split(r"\{param\}|\d+", compute_first_clause(template))
    return max(pieces, key=len).strip() if pieces else ""


@functools.cache
def first_clause(template: str) -> str:
    """The wording's first clause, normalised: "APIkey is wrong" of "APIkey is wrong, please check and try again"."""
    from cj_errors.table._wording_table import EXACT

    known = EXACT.get(template)
    return known[1] if known is not None else compute_first_clause(template)


def compute_first_clause(template: str) -> str:
    """``first_clause`` worked out from the wording."""
    return _SENTENCE_END.split(normalize(template))[0].rstrip(".").split(", ")[0]


# No CJ wording, even with its values filled in, is this long (the longest is about 300
# characters); longer text is not compared in full, which keeps hostile input cheap.
MAX_WORDING_CHARS = limits.WORDING_CHARS


def fits(template: str, text: str) -> bool:
    """True when ``text`` is this wording in full (values, case, quotes and a trailing stop aside)."""
    return _full(template).fullmatch(normalize(text)) is not None


@functools.cache
def _complete(template: str) -> re.Pattern[str]:
    return re.compile(template_regex(template, complete=True), re.DOTALL)


def fits_completely(template: str, text: str) -> bool:
    """Like ``fits``, but every sentence and clause of the wording must be there: not a cut-short copy."""
    return _complete(template).fullmatch(normalize(text)) is not None


# A wording must carry this many characters of its own to be found inside longer text:
# "Success" or "Param error" inside a log sentence proves nothing.
MIN_CONTAINED_CHARS = 10  # "system busy" is found in "error: System busy"; "success" never


# ...and the part found must be most of the wording, its whole first sentence, or long on its own:
# "Too Many Requests" begins the daily-limit wording too, but it is only a clause of it.
_MIN_CONTAINED_SHARE = 0.5
_LONG_CONTAINED_CHARS = 40


def contained_span(template: str, text: str, *, first_clause_is_enough: bool = False) -> int:
    """How many characters of ``text`` this wording covers when it appears inside it; 0 when it does not.

    ``first_clause_is_enough``: the caller knows that no other code's wording begins with this one's first
    clause, so that clause alone names the code ("CJ auth failed: APIkey is wrong" is 1600005).
    """
    literal = normalize(template).replace("{param}", "")
    if len(literal) < MIN_CONTAINED_CHARS:
        return 0
    match = _inside(template).search(normalize(text))
    if match is None:
        return 0
    span = match.end() - match.start()
    if span < _LONG_CONTAINED_CHARS and span < _MIN_CONTAINED_SHARE * len(literal) and span < _first_sentence(template):
        clause = first_clause(template)
        if not (first_clause_is_enough and "{param}" not in clause and span >= len(clause) >= MIN_CONTAINED_CHARS):
            return 0
    return span


@functools.cache
def _first_sentence(template: str) -> int:
    """Length of the wording's first sentence when it has several: a whole sentence quoted is the wording."""
    sentences = _SENTENCE_END.split(normalize(template))
    return len(sentences[0].rstrip(".").replace("{param}", "")) if len(sentences) > 1 else 1 << 30


# --- similarity, for "did you mean" ------------------------------------------------------


class Similarity(NamedTuple):
    score: float  # 0..1, 1 for the same text
    characters: float
    words: float


_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text))


def _ratio(left: str, right: str, floor: float, weight: float = 1.0) -> float:
    """``SequenceMatcher.ratio`` times ``weight``, or 0.0 when its cheap upper bounds already fall below ``floor``.

    ``ratio`` costs a longest-match search per block; ``real_quick_ratio`` (lengths) and ``quick_ratio``
    (letters in common) bound it from above for a fraction of that, and most wordings fail them.
    """
    import difflib

    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    if floor > 0 and (matcher.real_quick_ratio() * weight < floor or matcher.quick_ratio() * weight < floor):
        return 0.0
    return matcher.ratio() * weight


def similarity(query: str, wording: str, *, floor: float = 0.0) -> Similarity:
    """How close ``query`` is to a wording, by characters (typos) and by words (order, extra words).

    The character score compares the query with the wording's start of the same length
    too, so a wording pasted with extra context after it still scores high. With ``floor``,
    a character score that cannot reach it is not computed (0.0 instead): scores at or over
    ``floor`` are exact, lower ones are not, which is all a search for near misses needs.
    """
    left = normalize(query)
    right = normalize(wording).replace("{param}", " ").strip()
    if not left or not right:
        return Similarity(0.0, 0.0, 0.0)
    characters = _ratio(left, right, floor)
    if len(left) < len(right):
        # A query that is the wording's beginning with a typo: "invaild api key".
        characters = max(characters, _ratio(left, right[: len(left)], floor, 0.95))
    query_words, wording_words = _words(left), _words(right)
    words = len(query_words & wording_words) / len(query_words | wording_words) if query_words | wording_words else 0
    return Similarity(max(characters, words), characters, words)
