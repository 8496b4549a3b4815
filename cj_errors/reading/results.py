"""What explaining a stream yields: an ``Item`` per response, and the ``Summary`` of them all (counted by code,
outcome and kind, with the worst exit status).

Standard library only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from cj_errors.base import limits
from cj_errors.base.exits import ExitStatus
from cj_errors.reading.explanation import (
    Explanation,
    request_id_text,
)
from cj_errors.table.model import Outcome

# A stream summary itemizes at most limits.SUMMARY_CODES distinct codes (CJ has ~150), so a hostile
# stream of ever-new codes stays bounded; tests lower this name.
MAX_SUMMARY_CODES = limits.SUMMARY_CODES


@dataclass(frozen=True)
class Item:
    """One response found in a stream, with the line it started on.

    ``readable`` is False for text that looks like a CJ body but could not be read.
    """

    line: int
    explanation: Explanation
    readable: bool = True
    # For a line read through the per-shape memo of ``explain --each``: a token naming its shape, the same
    # object for every line of that shape, whose explanations differ only in the requestId (renderers may
    # reuse their work).
    shape: object = field(default=None, compare=False)

    @property
    def request_id(self) -> str | None:
        """The response's requestId as cjerr prints it (``explanation.request_id``)."""
        return self.explanation.request_id


class _Counted(NamedTuple):
    """What a summary keeps of one response."""

    key: int | None  # its code; a success without one counts with 200, a failure without one is None
    exit_status: ExitStatus
    held: bool

    @classmethod
    def of(cls, explanation: Explanation) -> _Counted:
        key = explanation.code if explanation.code is not None else (200 if explanation.ok else None)
        return cls(key, explanation.exit_status, explanation.outcome is Outcome.HELD)


@dataclass
class Summary:
    """Running counts over a stream; memory does not grow with the input."""

    responses: int = 0
    lines: int = 0
    skipped_lines: int = 0
    oversized: int = 0
    unreadable: int = 0  # looked like CJ bodies, could not be read
    first_unreadable_line: int | None = None
    encoding: str | None = None  # set when the input was not UTF-8 (UTF-16 from PowerShell's >)
    per_code: Counter[int | None] = field(default_factory=Counter)
    per_status: Counter[ExitStatus] = field(default_factory=Counter)
    first_request_id: dict[int | None, str] = field(default_factory=dict)
    first_line: dict[int | None, int] = field(default_factory=dict)
    untracked: int = 0  # responses whose code arrived after MAX_SUMMARY_CODES distinct codes
    held: int = 0  # success envelopes whose data says the order is held (counted under their code too)
    first_held_line: int | None = None
    # explain --summary: a log without any CJ response is "nothing to report" (0), not "not a CJ envelope" (76).
    empty_is_success: bool = False

    @property
    def nothing_to_report(self) -> bool:
        return self.responses == 0 and self.unreadable == 0

    def add(self, item: Item) -> None:
        explanation = item.explanation
        if not item.readable:
            self.per_status[explanation.exit_status] += 1
            self.unreadable += 1
            if self.first_unreadable_line is None:
                self.first_unreadable_line = item.line
            return
        self.count(_Counted.of(explanation), item.line, explanation.request_id)

    def count(self, counted: _Counted, line: int, request_id: object) -> None:
        """Count one response; ``request_id`` is its text, or a raw value read as the exact path would."""
        key = counted.key
        self.per_status[counted.exit_status] += 1
        self.responses += 1
        if counted.held:
            self.held += 1
            if self.first_held_line is None:
                self.first_held_line = line
        text = None
        if request_id is not None and key not in self.first_request_id:
            text = request_id if isinstance(request_id, str) else request_id_text(request_id)
        self._itemize(key, 1, line, text)

    def count_settled(self, counted: _Counted, count: int) -> None:
        """Count ``count`` more responses of a code already itemized, whose first line and requestId are kept."""
        self.per_code[counted.key] += count
        self.per_status[counted.exit_status] += count
        self.responses += count
        if counted.held:
            self.held += count

    def _itemize(self, key: int | None, count: int, line: int, request_id: str | None) -> None:
        """Count ``count`` responses of ``key`` under their code, first seen on ``line``, unless over the cap."""
        if key not in self.per_code and len(self.per_code) >= MAX_SUMMARY_CODES:
            self.untracked += count
            return
        self.per_code[key] += count
        self.first_line.setdefault(key, line)
        if request_id and key not in self.first_request_id:
            self.first_request_id[key] = request_id[: limits.REQUEST_ID_CHARS]

    def merge(self, later: Summary, lines_before: int) -> bool:
        """Add the summary of the lines that follow this one's (numbered from 1 there), as one pass would.

        False, changing nothing, when that cannot be exact: ``later`` dropped codes over the cap, which
        one pass might have itemized because they were already seen here.
        """
        if later.untracked or later.encoding != self.encoding and later.encoding is not None:
            return False
        self.responses += later.responses
        self.lines += later.lines
        self.skipped_lines += later.skipped_lines
        self.oversized += later.oversized
        self.unreadable += later.unreadable
        self.held += later.held
        self.per_status.update(later.per_status)
        if self.first_unreadable_line is None and later.first_unreadable_line is not None:
            self.first_unreadable_line = later.first_unreadable_line + lines_before
        if self.first_held_line is None and later.first_held_line is not None:
            self.first_held_line = later.first_held_line + lines_before
        for key, count in later.per_code.items():  # in the order one pass would have met them
            self._itemize(key, count, later.first_line[key] + lines_before, later.first_request_id.get(key))
        return True

    @property
    def exit_status(self) -> ExitStatus:
        """The most pressing outcome seen: what a script should act on first."""
        if self.nothing_to_report:
            return ExitStatus.SUCCESS if self.empty_is_success else ExitStatus.NOT_ENVELOPE
        for status in _SEVERITY:
            if self.per_status[status]:
                return status
        return ExitStatus.SUCCESS


# Most pressing first: a human must act on auth and quota; API errors need a
# code change; temporary trouble passes by itself.
_SEVERITY = (
    ExitStatus.AUTH,
    ExitStatus.QUOTA,
    ExitStatus.API_ERROR,
    ExitStatus.NOT_ENVELOPE,
    ExitStatus.TEMPORARY,
)
