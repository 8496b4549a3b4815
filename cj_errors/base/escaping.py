"""The one way cjerr escapes text before a terminal shows it.

Text from the network, a log or the command line can hold characters that drive a
terminal or hide what is shown: control characters (ESC starts an escape sequence, CR
rewrites the line, BEL rings), line and paragraph separators, bidirectional overrides
and other invisible format characters, and lone surrogates. Each is written as its
Python escape (``\\x1b``, ``\\r``, ``\\u202e``), so it is visible and inert; every other
character, non-ASCII letters included, is kept. Standard library only.
"""

from __future__ import annotations

import re

# Cc (C0 controls, DEL, C1), Cf (format: soft hyphen, bidi marks and overrides, zero-width
# characters, BOM, tags), Zl and Zp (line and paragraph separators), Cs (lone surrogates).
_UNSAFE_BUT_C0 = (
    "\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_ONE_LINE = re.compile(f"[\x00-\x1f{_UNSAFE_BUT_C0}]")
_LINES = re.compile(f"[\x00-\x08\x0b-\x1f{_UNSAFE_BUT_C0}]")  # newline and tab kept


def _escape(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def escaped(text: str, *, keep_line_breaks: bool = False) -> str:
    """``text`` with every character that could drive or fool a terminal written as its escape.

    One line by default (a newline shows as ``\\n``); ``keep_line_breaks`` keeps newlines
    and tabs as they are, for text shown as a block.
    """
    if text.isascii() and text.isprintable():
        return text  # space to "~" only: nothing to escape (the common case, spared a regex pass)
    return (_LINES if keep_line_breaks else _ONE_LINE).sub(_escape, text)


__all__ = ["escaped"]
