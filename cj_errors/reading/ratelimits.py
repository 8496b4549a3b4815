"""Which limit a CJ answer hit, and what that means for the caller: one decision for explain and probe.

CJ signals several different limits with overlapping codes and statuses
(https://developers.cjdropshipping.com/en/api/api2/standard/limit.html,
https://developers.cjdropshipping.com/en/api/api2/standard/points.html):

* spent points: code 16900500 with HTTP 200, or HTTP 429 whose body names points
  (the points wording, or ``pointsInfo`` with nothing remaining). Back at
  00:00 UTC, or sooner for a cheap call, since points trickle back;
* a used-up quota (1600201) or the older daily call-count wording: back when the
  quota's own period restarts;
* the per-second limit: 1600200, usually with HTTP 200, sometimes with 429, and
  a "QPS limit is N time/M seconds" wording that names the window to wait;
* the token endpoints' own throttle (getAccessToken, refreshAccessToken);
* a bare 429 that names nothing: most likely the per-second limit, so a short
  wait and one more try, then stop.

Standard library only; the wordings are read by ``cjwording``.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from cj_errors.table import cjwording
from cj_errors.table.model import Outcome

LIMIT_CODES = frozenset({429, 1600200, 1600201, 16900500})
# refreshAccessToken allows 5 calls a minute, getAccessToken one every 5 minutes (older limit page).
_TOKEN_THROTTLE_SECONDS = {"/authentication/getAccessToken": 300.0, "/authentication/refreshAccessToken": 60.0}
_BARE_WAIT = 1.0
_PER_IP_WAIT = 5.0
_QPS_MIN_WAIT = 1.0
# A window this long is what CJ's getAccessToken throttle answers with ("1 time/300 seconds").
_TOKEN_WINDOW = 300.0


class Limit(NamedTuple):
    """What a limit answer means: the outcome, one line of advice, and the numbers behind it."""

    kind: str  # points, quota, qps, token_throttle, bare_429, per_ip
    outcome: Outcome
    advice: str
    wait_seconds: float | None = None
    reset_at: dt.datetime | None = None
    points: cjwording.Points | None = None
    max_attempts: int | None = None  # tries in all that can help; None: no limit beyond probe's --retries
    hints: tuple[str, ...] = ()

    @property
    def reset_at_iso(self) -> str | None:
        return cjwording.iso_utc(self.reset_at) if self.reset_at is not None else None


def _reset_hint(reset: dt.datetime, now: dt.datetime | None) -> str:
    current = now or dt.datetime.now(dt.timezone.utc)
    minutes = max(int((reset - current).total_seconds() // 60), 0)
    when = f"{reset:%Y-%m-%d %H:%M} UTC, in {minutes // 60} h {minutes % 60:02d} min"
    return f"daily points reset at 00:00 UTC ({when}); they also trickle back during the day"


def _points_hint(points: cjwording.Points) -> str | None:
    parts = []
    if points.used is not None:
        parts.append(f"used today {points.used}")
    if points.remaining is not None:
        parts.append(f"remaining {points.remaining}")
    if points.required is not None:
        parts.append(f"this call needs {points.required}")
    if points.total is not None:
        parts.append(f"daily total {points.total}")
    return "points: " + ", ".join(parts) if parts else None


def _per_ip(users: int) -> Limit:
    return Limit(
        "per_ip",
        Outcome.TEMPORARY,
        f"CJ's hosted MCP endpoint serves at most {users} users per IP address at a time: wait until another "
        "session ends and retry once; keep one shared session per IP (or call the OpenAPI directly)",
        wait_seconds=_PER_IP_WAIT,
        max_attempts=2,
        hints=(f"the per-IP user limit of CJ's hosted MCP endpoint ({users} users per IP), not the QPS limit",),
    )


def token_throttle_seconds(path: str | None) -> float | None:
    """The throttle window of a token endpoint (None for every other path)."""
    return _TOKEN_THROTTLE_SECONDS.get(path or "")


def classify(
    code: int | None,
    message: str | None,
    document: object = None,
    http_status: int | None = 200,
    path: str | None = None,
    now: dt.datetime | None = None,
) -> Limit | None:
    """The limit this answer hit, or None when it is not a limit answer at all."""
    if (users := cjwording.ip_users_limit(message)) is not None:
        return _per_ip(users)
    if http_status != 429 and code not in LIMIT_CODES:
        return None
    reading = cjwording.read(message, document, now)
    points = reading.points
    if code == 16900500 or reading.points_named or (points is not None and points.spent):
        reset = reading.reset_at or cjwording.next_reset(now)
        hints = [hint for hint in (_points_hint(points) if points else None,) if hint]
        hints.append(_reset_hint(reset, now))
        if http_status == 429 and code != 16900500:
            hints.append("HTTP 429 naming points: the daily points are spent (CJ's points page)")
        return Limit(
            "points",
            Outcome.QUOTA,
            f"stop calls that cost points: they reset at 00:00 UTC ({cjwording.iso_utc(reset)}), or a cheap "
            "call may pass sooner as points trickle back",
            reset_at=reset,
            points=points,
            max_attempts=1,
            hints=tuple(hints),
        )
    if code == 1600201 or reading.daily_limit:
        hints = []
        if reading.daily_limit:
            hints.append(
                'the daily call-count limit: CJ says "try again tomorrow" without a time zone; points-based '
                "limits reset at 00:00 UTC"
            )
        hints.append("GET /setting/get lists each quota's quotaUrl, quotaLimit and quotaType (its period)")
        return Limit(
            "quota",
            Outcome.QUOTA,
            "do not retry until the quota's period restarts: quotaType in GET /setting/get says which "
            "(5 hourly, 4 daily; 0 is a total that never resets)",
            reset_at=reading.reset_at if reading.daily_limit else None,
            max_attempts=1,
            hints=tuple(hints),
        )
    window = reading.qps
    throttle = token_throttle_seconds(path)
    if throttle is not None:
        wait = max(window.seconds, throttle) if window is not None else throttle
        return Limit(
            "token_throttle",
            Outcome.TEMPORARY,
            f"{path} has its own throttle: wait {cjwording.duration(wait)}, then call it once; reuse the cached "
            "token meanwhile (CJ hands back the same pair for 24 hours)",
            wait_seconds=wait,
            max_attempts=1,
            hints=("token endpoint throttled: every attempt counts against its limit, so retrying extends it",),
        )
    if window is not None or code == 1600200:
        wait = max(window.seconds, _QPS_MIN_WAIT) if window is not None else _QPS_MIN_WAIT
        hints = []
        if window is not None:
            hints.append(f"QPS limit hit: {window.describe()}; wait at least that long before the next call")
        else:
            hints.append("per-second rate limit (QPS) hit; wait at least 1 s and space calls 1.1-1.2 s apart")
        if wait >= _TOKEN_WINDOW:
            hints.append(
                "a 5-minute window is what getAccessToken's throttle answers with: reuse the cached token "
                "instead of asking for a new one"
            )
        if http_status == 429:
            hints.append("HTTP 429 naming a QPS limit: the per-second limit, not spent points")
        return Limit(
            "qps",
            Outcome.TEMPORARY,
            f"retry after {cjwording.duration(wait)}, the window the message names"
            if window is not None
            else "retry after at least 1 s, with backoff",
            wait_seconds=wait,
            hints=tuple(hints),
        )
    return Limit(
        "bare_429",
        Outcome.TEMPORARY,
        "a 429 that names no limit: wait a short while (at least 1 s) and retry once, then stop and check "
        "which limit it is",
        wait_seconds=_BARE_WAIT,
        max_attempts=2,
        hints=(
            "HTTP 429 naming neither points nor a QPS window: most often the per-second limit; if it comes "
            "again, check your points and GET /setting/get",
        ),
    )
