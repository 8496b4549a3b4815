"""Read (and write) the limit wordings CJ puts in its messages: one parser per wording.

explain, probe, the mock and the Python API all read rate-limit windows, points
figures and reset times through this module, so they cannot disagree. The mock
writes its bodies with the writers below, so what it sends is what this module
reads.

Wordings handled (CJ's rate-limit and points pages,
https://developers.cjdropshipping.com/en/api/api2/standard/limit.html and
https://developers.cjdropshipping.com/en/api/api2/standard/points.html, and
bodies integrators quote from the live API):

* ``Too Many Requests, QPS limit is 1 time/1second`` (no space before the unit),
  ``... 2 time/1second``, ``... 1 time/300 seconds``; the number before the
  unit may be missing (``1 time/second``), which means one unit.
* ``Insufficient API points. Used today: 104890, Remaining: 0, Required: 10. ...``
* ``pointsInfo`` (``usedToday``, ``remaining``, ``total``) in a body or its ``data``.
* ``... you have reached the daily request limit (1000 times/day) ...``

Standard library only: ``lookup`` and shell completion import the code table,
which must never pull in httpx or Rich.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import NamedTuple

from cj_errors.base import limits

__all__ = [
    "Limits",
    "Points",
    "QpsWindow",
    "daily_limit_named",
    "duration",
    "iso_utc",
    "next_reset",
    "points_from_info",
    "points_in_text",
    "points_masked",
    "points_message",
    "points_named",
    "ip_users_limit",
    "qps_message",
    "qps_window",
    "read",
]

_QPS = re.compile(
    r"QPS\s+limit\s+is\s+(\d+)\s*times?\s*/\s*(\d*)\s*(second|sec|s|minute|min|hour|h)s?\b",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"second": 1.0, "sec": 1.0, "s": 1.0, "minute": 60.0, "min": 60.0, "hour": 3600.0, "h": 3600.0}
_NUMBER = r"(-?\d[\d',.]*)"
_POINTS = re.compile(
    rf"Used\s+today:\s*{_NUMBER}\s*,\s*Remaining:\s*{_NUMBER}\s*,\s*Required:\s*{_NUMBER}", re.IGNORECASE
)
_POINTS_WORD = re.compile(r"\bpoints?\b", re.IGNORECASE)
_DAILY_LIMIT = re.compile(r"daily\s+request\s+limit", re.IGNORECASE)
# CJ's hosted MCP endpoint (developers.cjdropshipping.cn/mcp/<token>) answers a tool call with
# "Too Many Requests, one ip limit 3 users" when more users than that share one IP address
# (quoted by ItzikSdev/alpha-shoop src/cj_mcp/README.md and its tests, 2026).
_IP_USERS = re.compile(r"one\s+ip\s+limit\s+(\d+)\s+users?", re.IGNORECASE)


class QpsWindow(NamedTuple):
    """``QPS limit is CALLS time/SECONDS``: at most ``calls`` calls per ``seconds``."""

    calls: int
    seconds: float

    def describe(self) -> str:
        return f"{self.calls} request(s) per {duration(self.seconds)}"


class Points(NamedTuple):
    """Points figures, as far as the body gives them (None where it does not)."""

    used: int | None = None
    remaining: int | None = None
    required: int | None = None
    total: int | None = None

    @property
    def spent(self) -> bool:
        """True when the figures say this call cannot be paid for."""
        if self.remaining is None:
            return False
        if self.required is not None:
            return self.remaining < self.required
        return self.remaining <= 0

    def as_dict(self) -> dict[str, int | None]:
        return {"used": self.used, "remaining": self.remaining, "required": self.required, "total": self.total}


class Limits(NamedTuple):
    """Everything a body says about limits: the window, the points and the reset."""

    qps: QpsWindow | None = None
    points: Points | None = None
    points_named: bool = False  # the message or pointsInfo is about points
    daily_limit: bool = False  # the pre-points daily call-count wording
    reset_at: dt.datetime | None = None  # set when points or a daily limit are named

    @property
    def wait_seconds(self) -> float | None:
        """The window the message names, in seconds (None when it names none)."""
        return self.qps.seconds if self.qps is not None else None


def duration(seconds: float) -> str:
    """A wait as people say it: "1 second", "300 s" as "5 min", "2 h"."""
    if seconds < 120:
        return "1 second" if seconds == 1 else f"{seconds:g} seconds"
    if seconds < 7200:
        return f"{seconds / 60:g} min"
    return f"{seconds / 3600:g} h"


def _int(text: str) -> int | None:
    digits = text.replace(",", "").replace("'", "").split(".")[0]
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("-")
    return sign * int(digits) if digits.isdigit() and len(digits) <= 18 else None


def qps_window(text: str | None) -> QpsWindow | None:
    """The window of a "QPS limit is N time/M seconds" message, or None."""
    match = _QPS.search((text or "")[: limits.CJ_MESSAGE_CHARS])
    if match is None:
        return None
    count, span, unit = match.groups()
    seconds = (float(span) if span else 1.0) * _UNIT_SECONDS[unit.lower()]
    return QpsWindow(max(int(count), 1), seconds)


def points_in_text(text: str | None) -> Points | None:
    """The figures of "Used today: N, Remaining: N, Required: N", or None."""
    match = _POINTS.search((text or "")[: limits.CJ_MESSAGE_CHARS])
    if match is None:
        return None
    used, remaining, required = (_int(group) for group in match.groups())
    return Points(used=used, remaining=remaining, required=required)


_DIGITS = re.compile(r"\d+")


def points_masked(text: str) -> tuple[str, bool] | None:
    """``text`` with the figures of its "Used today: N, Remaining: N, Required: N" replaced by ``#``, and
    whether those figures say the points are spent; None when it has no such figures.

    Two messages with the same masked text and the same answer read alike everywhere (wordings match any
    number; only ``spent`` depends on the values), so explain can count them as one shape.
    """
    match = _POINTS.search(text[: limits.CJ_MESSAGE_CHARS])
    if match is None:
        return None
    used, remaining, required = (_int(group) for group in match.groups())
    spent = Points(used=used, remaining=remaining, required=required).spent
    return text[: match.start()] + _DIGITS.sub("#", match.group()) + text[match.end() :], spent


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return _int(value.strip()) if value.strip() else None
    return None


def points_from_info(document: object) -> Points | None:
    """``pointsInfo`` (usedToday, remaining, total) from a body or from its ``data``, or None."""
    if not isinstance(document, Mapping):
        return None
    info = document.get("pointsInfo")
    data = document.get("data")
    if not isinstance(info, Mapping) and isinstance(data, Mapping):
        info = data.get("pointsInfo")
    if not isinstance(info, Mapping):
        return None
    points = Points(
        used=_number(info.get("usedToday", info.get("used"))),
        remaining=_number(info.get("remaining")),
        required=_number(info.get("required")),
        total=_number(info.get("total")),
    )
    return points if any(value is not None for value in points) else None


def points_named(text: str | None) -> bool:
    """True when a message is about points ("Insufficient API points...", "points exhausted")."""
    return _POINTS_WORD.search((text or "")[: limits.CJ_MESSAGE_CHARS]) is not None


def ip_users_limit(text: str | None) -> int | None:
    """How many users per IP address the hosted MCP endpoint's throttle names, if the text is that throttle."""
    match = _IP_USERS.search(text) if text else None
    return int(match.group(1)) if match else None


def daily_limit_named(text: str | None) -> bool:
    """True for the daily call-count wording ("you have reached the daily request limit")."""
    return _DAILY_LIMIT.search((text or "")[: limits.CJ_MESSAGE_CHARS]) is not None


def next_reset(now: dt.datetime | None = None) -> dt.datetime:
    """The next 00:00 UTC, when CJ's daily points reset."""
    current = now or dt.datetime.now(dt.timezone.utc)
    if current.tzinfo is None:
        current = current.replace(tzinfo=dt.timezone.utc)
    tomorrow = (current.astimezone(dt.timezone.utc) + dt.timedelta(days=1)).date()
    return dt.datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=dt.timezone.utc)


def iso_utc(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with a Z: 2026-12-03T00:00:00Z."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def read(message: str | None, document: object = None, now: dt.datetime | None = None) -> Limits:
    """Everything ``message`` (and ``pointsInfo`` in ``document``) says about limits."""
    qps = qps_window(message)
    from_text = points_in_text(message)
    from_info = points_from_info(document)
    points = from_text
    if from_info is not None:
        points = (
            from_info
            if from_text is None
            else Points(
                used=from_text.used if from_text.used is not None else from_info.used,
                remaining=from_text.remaining if from_text.remaining is not None else from_info.remaining,
                required=from_text.required,
                total=from_info.total,
            )
        )
    named = from_text is not None or (qps is None and points_named(message))
    daily = daily_limit_named(message)
    reset = next_reset(now) if named or daily or (points is not None and points.spent) else None
    return Limits(qps=qps, points=points, points_named=named, daily_limit=daily, reset_at=reset)


# --- writers (the mock's bodies) ------------------------------------------------------


def qps_message(count: int = 1, seconds: int = 1) -> str:
    """The live wording: "Too Many Requests, QPS limit is 1 time/1second" (or "1 time/300 seconds")."""
    unit = f"{seconds}second" if seconds == 1 else f"{seconds} seconds"
    return f"Too Many Requests, QPS limit is {max(count, 1)} time/{unit}"


def points_message(used: int, remaining: int, required: int) -> str:
    """The wording of 16900500 as integrators captured it."""
    return (
        f"Insufficient API points. Used today: {used}, Remaining: {remaining}, Required: {required}. "
        "Please try again after 00:00 UTC."
    )
