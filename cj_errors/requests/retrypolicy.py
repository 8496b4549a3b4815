"""When to send the same CJ request again, and how long to wait first: one policy for probe and the SDK transports.

The answer's Explanation decides (it reads the code table and CJ's limit wordings in one place):

* only a TEMPORARY outcome is retried (1600000, 1600301, 1600200, a 429 naming a QPS window, HTTP 502/503/504),
  after at least its ``wait_seconds`` (or a ``Retry-After`` header, capped at 60 s) and at most its
  ``max_attempts`` tries in all (1600000: 3, as CJ advises; a bare 429: 2);
* spent points and used-up quotas are never retried: only a reset brings them back;
* the token endpoints' own throttle is never retried: every attempt counts against it;
* a window longer than ``LONGEST_WAIT`` is not waited out: the caller is told how long to wait instead;
* a call that changes data (create, confirm, pay, delete) is never repeated unless the caller allows it,
  because a repeat could duplicate an effect the first call may already have had;
* between tries the wait doubles from ``backoff`` (0.5 s), never below what CJ names, with optional jitter.

Standard library only; the clock, the sleep and the random source belong to the caller.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from cj_errors.base.exits import ExitStatus
from cj_errors.table import cjwording

if TYPE_CHECKING:
    from cj_errors.reading.explanation import Explanation
    from cj_errors.table.catalog import Endpoint

__all__ = [
    "DEFAULT_BACKOFF",
    "LONGEST_WAIT",
    "MAX_RETRY_AFTER",
    "Decision",
    "answer_decision",
    "backoff_wait",
    "error_decision",
    "mutation_blocks",
    "retry_after_seconds",
]

MAX_RETRY_AFTER = 60.0  # a Retry-After beyond this is capped
LONGEST_WAIT = 10.0  # a rate-limit window longer than this is not waited out
DEFAULT_BACKOFF = 0.5  # the first wait; it doubles with each retry


class Decision(NamedTuple):
    """Whether to try again, the least wait before doing so, and why (a non-empty reason becomes a note)."""

    retry: bool
    minimum_wait: float
    reason: str


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header in whole seconds, capped at MAX_RETRY_AFTER; None when absent or unreadable."""
    text = value.strip() if value else ""
    # isascii: "²" passes isdigit() but not float(); 5,000 digits are capped, never converted to a huge float.
    if text and text.isascii() and text.isdigit():
        return MAX_RETRY_AFTER if len(text) > 6 else min(float(text), MAX_RETRY_AFTER)
    return None


def answer_decision(explanation: Explanation, tries: int, endpoint: Endpoint | None = None) -> Decision:
    """The decision for an answer that came back, after ``tries`` tries in all so far."""
    code = explanation.code
    if explanation.exit_status is ExitStatus.QUOTA:
        return Decision(False, 0.0, f"quota or daily points spent: {explanation.retry}")
    if explanation.exit_status is not ExitStatus.TEMPORARY:
        return Decision(False, 0.0, "")
    wait = explanation.wait_seconds or 0.0
    if explanation.limit == "token_throttle" and endpoint is not None:
        return Decision(
            False,
            0.0,
            f"{endpoint.path} has a strict rate limit of its own ({endpoint.auth_throttle}), and every attempt "
            f"counts against it, so retrying only extends the lockout; wait {cjwording.duration(wait)}, then call "
            "it once (within 24 hours CJ hands back the same tokens, so keep and reuse the ones you have)",
        )
    if wait > LONGEST_WAIT:
        return Decision(
            False,
            0.0,
            f"the rate-limit window CJ names is {cjwording.duration(wait)}, longer than probe waits between "
            f"tries; wait {cjwording.duration(wait)} before calling again",
        )
    label = f"CJ {code}" if code is not None else f"HTTP {explanation.http_status}"
    if explanation.max_attempts is not None and tries >= explanation.max_attempts:
        if explanation.limit == "bare_429":
            return Decision(False, 0.0, f"{label}: a 429 that names no limit is retried once, then probe stops")
        return Decision(False, 0.0, f"{code} tried {tries} times, the most CJ advises")
    return Decision(True, wait, label)


def error_decision(kind: str, retryable: bool) -> Decision:
    """The decision for a try that produced no answer (``kind``: timeout, connect, dropped, tls, ...)."""
    return Decision(retryable, 0.0, kind if retryable else "")


def mutation_blocks(mutating: bool, retry_mutating: bool) -> bool:
    """True when a retry must not happen because the call changes data and the caller did not allow repeats."""
    return mutating and not retry_mutating


def backoff_wait(
    number: int,
    minimum: float,
    backoff: float = DEFAULT_BACKOFF,
    jitter: float = 0.0,
    rng: Callable[[], float] = random.random,
) -> float:
    """The wait after try ``number`` (1-based): doubling from ``backoff``, never below ``minimum``.

    ``jitter`` (a fraction, 0 for none) spreads the wait upwards by up to that share, so clients that
    failed together do not come back together; it never shortens a wait CJ asked for.
    """
    wait = max(float(minimum), float(backoff) * 2.0 ** (number - 1))
    if jitter > 0:
        wait *= 1.0 + jitter * rng()
    return wait
