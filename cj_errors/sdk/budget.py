"""An estimate of the day's CJ API points: what the calls sent so far cost, from the catalog's points per call.

Since the points model (https://developers.cjdropshipping.com/en/api/api2/standard/points.html) each call
costs the points the points table gives its endpoint (endpoints not in the table cost 0), out of a daily
total that resets at 00:00 UTC. CJ's own figures win when an answer carries them (``pointsInfo`` or the
16900500 wording's "Used today" and "Remaining"), so the estimate is corrected whenever CJ says more.

It counts this process's calls only, and it is an estimate: points also trickle back during the day.

Standard library only.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from cj_errors.table import catalog
from cj_errors.table.cjwording import Points

__all__ = ["PointsBudget", "points_for"]


def points_for(path: str) -> int:
    """The points one call to ``path`` (relative to /api2.0/v1) costs; 0 for an endpoint the table does not list."""
    endpoint = catalog.find(path)
    return endpoint.points if endpoint is not None else 0


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class PointsBudget:
    """Points spent today (UTC) by the calls sent through one transport, against an optional daily total."""

    def __init__(self, daily: int | None = None, *, now: Callable[[], dt.datetime] = _utc_now) -> None:
        if daily is not None and daily < 0:
            raise ValueError("the daily points budget cannot be negative")
        self.daily = daily
        self._now = now
        self._lock = threading.Lock()
        self._day = now().date()
        self._spent = 0
        self._calls = 0
        self._reported_remaining: int | None = None

    def _roll(self) -> None:
        today = self._now().date()
        if today != self._day:
            self._day, self._spent, self._calls, self._reported_remaining = today, 0, 0, None

    def record(self, path: str) -> int:
        """Count one call sent to ``path``; returns its points."""
        cost = points_for(path)
        with self._lock:
            self._roll()
            self._spent += cost
            self._calls += 1
            if self._reported_remaining is not None:
                self._reported_remaining = max(self._reported_remaining - cost, 0)
        return cost

    def observe(self, points: Points | None) -> None:
        """Take CJ's own figures from an answer (used today, remaining), where it gives them."""
        if points is None:
            return
        with self._lock:
            self._roll()
            if points.used is not None:
                self._spent = points.used
            if points.remaining is not None:
                self._reported_remaining = points.remaining

    @property
    def spent(self) -> int:
        """Points spent today, as far as this process knows (CJ's figure once an answer gave one)."""
        with self._lock:
            self._roll()
            return self._spent

    @property
    def calls(self) -> int:
        with self._lock:
            self._roll()
            return self._calls

    @property
    def remaining(self) -> int | None:
        """Points left today: CJ's last figure less what was spent since, else the daily total less the spent.

        None when neither CJ nor the caller gave a total.
        """
        with self._lock:
            self._roll()
            if self._reported_remaining is not None:
                return self._reported_remaining
            return max(self.daily - self._spent, 0) if self.daily is not None else None

    def affords(self, path: str) -> bool:
        """False when the estimate says a call to ``path`` would exceed what is left today."""
        left = self.remaining
        return left is None or points_for(path) <= left

    @property
    def reset_at(self) -> dt.datetime:
        """The next 00:00 UTC, when the daily points come back in full."""
        today = self._now().astimezone(dt.timezone.utc).date()
        return dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc)

    def __repr__(self) -> str:
        return f"PointsBudget(daily={self.daily!r}, spent={self.spent}, remaining={self.remaining!r})"
