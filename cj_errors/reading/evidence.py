"""Does a log line without a CJ body carry CJ's answer, or only talk about CJ?

explain reads a code or a CJ wording out of plain log text only when the line reports a CJ call
failing. Lines that mention CJ for other reasons are not CJ errors, and reading them as errors
breaks alerting on logs:

- a DEBUG, INFO or TRACE record (the level is evidence: a failed call is logged as a warning or error);
- a comment or a doc line (``//``, ``#``, ``*``, ``/*``, a docstring);
- a line describing policy ("handling code=1600200 as retryable", "treat 1600200 as a rate limit");
- the app's own lookup ("not found in local cache", "for CJ ID ...", "not found locally");
- a webhook that arrived (CJ called the app; nothing failed);
- another company called CJ (CJ Affiliate / Commission Junction, CJ Logistics, CJ ENM).

Only plain text is judged here: a JSON body CJ sent is CJ's answer wherever it appears.
"""

from __future__ import annotations

import re

# A level word near the start of the record, or a structured logger's level field.
_QUIET_LEVEL = re.compile(
    r"""^\W{0,3}(?:\S+\s+){0,3}?\[?(?:DEBUG|INFO|TRACE|VERBOSE)\]?(?:\s|:|\]|$)|"""
    r"""["']?level["']?\s*[:=]\s*["']?(?:debug|info|trace|10|20|30)\b""",
    re.I,
)
_COMMENT = re.compile(r'^\s*(?://|#(?!\d)|\*(?!\*)|/\*|"""|\'\'\'|<!--|--\s)')
_POLICY = re.compile(
    r"\b(?:handl(?:e|es|ing)\s+(?:code|error|it)|treat(?:s|ing|ed)?\b.{0,40}\bas\b|as\s+(?:retryable|non-retryable|"
    r"fatal|transient|permanent)|(?:maps?|mapped|mapping)\s+(?:code\s+)?\d+\s+to|retry\s+policy|will\s+retry\s+on)",
    re.I,
)
_OWN_LOOKUP = re.compile(
    r"\b(?:not\s+found|missing|no\s+match)\s+(?:in\s+(?:the\s+)?(?:local|our|own)\b|in\s+(?:the\s+)?(?:cache|db|"
    r"database|store|fallback)|locally)|\bfor\s+CJ\s+(?:ID|pid|vid|sku|order)\b|\bskipping\b",
    re.I,
)
_WEBHOOK_RECEIPT = re.compile(
    r"\bwebhook\s+(?:received|arrived|recibido|ontvangen|mottatt)|\breceived\s+(?:a\s+)?webhook", re.I
)
_OTHER_CJ = re.compile(r"\bCJ\s+(?:Affiliate|Logistics|ENM|Korea)\b|Commission\s+Junction|\bcj\.com\b", re.I)


# A number labelled as a code, in the languages clients log in: "code 5123", "(code 5123)", "code=5123",
# "error code: 5123", "código 1600300", "Fehlercode 1602001", "错误码 1600200", "Code 9001 «...»".
CODE_LABEL = re.compile(
    r"(?:(?<![\w-])(?:error[\s_-]?|err[\s_-]?|cj[\s_-]?)?code|\bc[oó]digo(?:\s+de\s+error)?|\bfehlercode|\berrcode|"
    r"\bcode\s+d'erreur|错误码|錯誤碼|错误代码)\s*[:=#]?\s*(\d{3,8})(?![\d.])",
    re.I,
)
_HTTP_STATUSES = range(100, 600)


def labelled_code(text: str) -> tuple[int, str] | None:
    """The first number ``text`` labels as a code (not an HTTP status), and the message next to it:
    the words after the number, else the words before its label."""
    for match in CODE_LABEL.finditer(text):
        code = int(match.group(1))
        if code in _HTTP_STATUSES:
            continue
        after = text[match.end() :].strip().strip(":=-|,.)]»\"'“”« \t").strip()
        before = text[: match.start()].strip().rstrip("([:-, \t").strip()
        return code, after or before
    return None


QUIET_LEVEL = "a DEBUG or INFO record without a CJ body"


def not_cj_answer(text: str) -> str | None:
    """Why a plain log line (no CJ body in it) is not a report of CJ's answer, or None when it may be one."""
    head = text.lstrip()[:200]
    if _COMMENT.match(text):
        return "a comment or doc line"
    if _OTHER_CJ.search(text):
        return "another company called CJ"
    if _QUIET_LEVEL.search(head):
        return QUIET_LEVEL
    if _POLICY.search(text):
        return "a line describing how the app handles a code"
    if _WEBHOOK_RECEIPT.search(text):
        return "a webhook the app received"
    if _OWN_LOOKUP.search(text):
        return "the app's own lookup"
    return None
