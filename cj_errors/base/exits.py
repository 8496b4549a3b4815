"""The published exit-code contract of cjerr.

Scripts branch on these numbers, so they never change meaning. The scheme is
grep-like for 0/1/2 and uses the BSD sysexits values (64-78) for the rest, plus
79 for spent quota and 80 for an unknown outcome, which sysexits has no values for. The
numbers are defined here rather than taken from ``os.EX_*``, which exists only
on Unix, so Windows gets the same values.
"""

from __future__ import annotations

import enum


@enum.unique
class ExitStatus(enum.IntEnum):
    """Every status cjerr can exit with."""

    SUCCESS = 0
    NOT_FOUND = 1
    USAGE = 2
    INVALID_INPUT = 65
    NO_INPUT = 66
    NETWORK = 68
    API_ERROR = 69
    INTERNAL = 70
    TEMPORARY = 75
    NOT_ENVELOPE = 76
    AUTH = 77
    CONFIG = 78
    QUOTA = 79
    OUTCOME_UNKNOWN = 80
    INTERRUPTED = 130
    BROKEN_PIPE = 141

    @property
    def summary(self) -> str:
        return _SUMMARIES[self][0]

    @property
    def when(self) -> str:
        return _SUMMARIES[self][1]


# (one-line meaning, when it happens). The table in docs/exit-codes-and-json.md and `cjerr exit-codes`
# are both rendered from this mapping, so they cannot drift apart.
_SUMMARIES: dict[ExitStatus, tuple[str, str]] = {
    ExitStatus.SUCCESS: (
        "success",
        "lookup found every code; explain or probe saw only CJ successes; probe --reconcile found the order "
        "the unanswered call created",
    ),
    ExitStatus.NOT_FOUND: (
        "not found",
        "lookup: a code or text is not in the table (a family hint is still printed); webhook verify: the "
        "signature does not match; webhook listen --count: a message was malformed or wrongly signed",
    ),
    ExitStatus.USAGE: (
        "usage error",
        "a bad option, argument or option value",
    ),
    ExitStatus.INVALID_INPUT: (
        "invalid input, nothing sent",
        "probe: local validation found errors (bad JSON, missing field, wrong method, a value outside a documented "
        "range, a known CJ trap...; with --curl no command is printed); mock: a bad rules file; "
        "webhook check: CJ would refuse the callback URL",
    ),
    ExitStatus.NO_INPUT: (
        "input file unreadable",
        "an @file body, a token file, a config file or an explain FILE is missing or unreadable",
    ),
    ExitStatus.NETWORK: (
        "network failure",
        "could not reach the API: DNS, refused or dropped connection, TLS failure, body too large; webhook send: "
        "nothing answered at the URL",
    ),
    ExitStatus.API_ERROR: (
        "API error, retrying won't help",
        "CJ answered with an error that needs a change first (parameter, product, order...), or accepted an "
        "order but holds it (interceptOrderReasons, logisticsMiss, submitSuccess false); webhook send: the "
        "receiver answered too late or not with HTTP 200, so CJ would count the delivery as failed",
    ),
    ExitStatus.INTERNAL: (
        "internal error",
        "a bug in cjerr; the one-line message says what failed",
    ),
    ExitStatus.TEMPORARY: (
        "temporary trouble, retry can help",
        "system busy, QPS limit, a 429 naming no points; a read timeout or HTTP 502/503/504 on a call that "
        "changes nothing (after probe's own retries); probe --reconcile found the unanswered call created no order",
    ),
    ExitStatus.NOT_ENVELOPE: (
        "not a CJ envelope",
        "the response is not JSON, is truncated, or has no CJ envelope in it (for a call that changes data: 80)",
    ),
    ExitStatus.AUTH: (
        "authentication problem",
        "token missing, wrong or expired; API key wrong; store not authorized",
    ),
    ExitStatus.CONFIG: (
        "configuration problem",
        "a malformed config file or token file, or a request refused for safety (a URL on another host, "
        "the token over plain HTTP without --allow-http, or with it a token shaped like a real CJ token)",
    ),
    ExitStatus.QUOTA: (
        "quota or points exhausted",
        "16900500 or a 429 naming points (back at 00:00 UTC, or sooner for a cheap call); 1600201 (back when "
        "the quota's period restarts)",
    ),
    ExitStatus.OUTCOME_UNKNOWN: (
        "outcome unknown: the call may have worked",
        "probe: a call that changes data (create, pay, confirm, delete, refresh) got no answer that says whether "
        "it worked: a timeout, a dropped connection or Ctrl-C after sending, HTTP 5xx, CJ's 1600000 or 1600301, "
        "or any answer that is no readable CJ envelope (a proxy's 403/404/502 page, an empty or HTML body, a "
        "redirect, a bare 429); "
        "check before repeating it with the read-only command the hint names (getOrderDetail by orderNumber)",
    ),
    ExitStatus.INTERRUPTED: (
        "interrupted",
        "Ctrl-C (SIGINT) before anything that changes data was sent (after: 80)",
    ),
    ExitStatus.BROKEN_PIPE: (
        "output closed",
        "the reader of stdout went away (for example `cjerr list | head -1`), or stdout could not be written "
        "(a full disk: one line on stderr says so; a failing status, such as 80 after a create, stands)",
    ),
}
