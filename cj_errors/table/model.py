"""Types of the code table: immutable records, no behaviour.

Kept apart from the data (``code_table.py``) and the queries (``codes.py``) so
that the data file reads like a table and the queries stay short. They are
NamedTuples rather than frozen dataclasses because every TAB completion imports
them, and a NamedTuple class is about six times cheaper to create.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from cj_errors.base.exits import ExitStatus


class Outcome(str, enum.Enum):
    """What a code means for the caller; each outcome maps to one exit status."""

    SUCCESS = "success"
    API_ERROR = "api_error"  # needs a change before it can work
    TEMPORARY = "temporary"  # the same request may work after a short wait
    AUTH = "auth"  # credentials or authorization
    QUOTA = "quota"  # spent until its reset (points: 00:00 UTC or sooner; a quota: its own period)
    HELD = "held"  # a success envelope whose data says the order is held or partly failed
    UNKNOWN = "unknown"  # a call that changes data got no answer: it may have worked

    @property
    def exit_status(self) -> ExitStatus:
        return _OUTCOME_EXIT[self]


_OUTCOME_EXIT = {
    Outcome.SUCCESS: ExitStatus.SUCCESS,
    Outcome.API_ERROR: ExitStatus.API_ERROR,
    Outcome.TEMPORARY: ExitStatus.TEMPORARY,
    Outcome.AUTH: ExitStatus.AUTH,
    Outcome.QUOTA: ExitStatus.QUOTA,
    Outcome.HELD: ExitStatus.API_ERROR,
    Outcome.UNKNOWN: ExitStatus.OUTCOME_UNKNOWN,
}


class Retry(str, enum.Enum):
    """Whether sending the very same request again can help, and when.

    Values are only ever added, never renamed: scripts compare the strings.
    """

    NEVER = "never"  # change something first
    SHORT_WAIT = "short_wait"  # after a short wait (see min_wait_seconds, max_attempts)
    DAILY_RESET = "daily_reset"  # only after the next 00:00 UTC (no current entry uses it)
    NOT_APPLICABLE = "not_applicable"  # success markers
    AFTER_PERIOD = "after_period"  # when the quota's own period restarts (quotaType: hour, day...; total: never)
    AFTER_RESET_OR_SOONER = "after_reset_or_sooner"  # points: at 00:00 UTC, or sooner as they trickle back


# Retry values that wait for a limit to reset rather than for a short while.
RESET_RETRIES = frozenset({Retry.DAILY_RESET, Retry.AFTER_PERIOD, Retry.AFTER_RESET_OR_SOONER})


class Source(NamedTuple):
    """One version of CJ's documentation, or a kind of evidence."""

    key: str
    title: str
    where: str


class Message(NamedTuple):
    """One wording of a code's message, as CJ returns or prints it (see ``exact``).

    ``{param}`` stands for the part CJ fills in (a method name, a field name).
    ``belongs_to`` is set when this wording is the table message of another
    code, which is how contradictions such as 1600100 "Param error" are found.
    ``exact`` is False for a description cjerr wrote where CJ's wording was
    never captured; such text is shown but never matched against responses.
    ``outcome`` overrides the code's outcome when a response carries this
    wording (1600000 with "already added" is not a system failure).
    """

    text: str
    source: str
    note: str = ""
    belongs_to: int | None = None
    exact: bool = True
    outcome: Outcome | None = None


class Family(NamedTuple):
    key: str
    title: str
    description: str


class CodeEntry(NamedTuple):
    """Everything cjerr knows about one CJ code."""

    code: int
    title: str
    family: str
    outcome: Outcome
    retry: Retry
    messages: tuple[Message, ...]
    steps: tuple[str, ...]
    doc: str
    notes: tuple[str, ...] = ()
    min_wait_seconds: float | None = None
    max_attempts: int | None = None
    related: tuple[int, ...] = ()
    # CJ's text in other languages (the Chinese table's troubleshooting column): searchable, never
    # matched against responses, each tagged with its source.
    localized: tuple[Message, ...] = ()

    @property
    def exit_status(self) -> ExitStatus:
        return self.outcome.exit_status

    @property
    def retryable(self) -> bool:
        """True when sending the same request again after a short wait can help."""
        return self.retry is Retry.SHORT_WAIT

    @property
    def retry_after_reset(self) -> bool:
        """True when only a reset of the limit brings the call back, not a short wait.

        Which reset is in ``retry``: 00:00 UTC (points also trickle back sooner), or the quota's own period.
        """
        return self.retry in RESET_RETRIES
