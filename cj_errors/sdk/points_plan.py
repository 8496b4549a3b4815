"""The core of `cjerr points plan`: what a batch of calls costs in points, time and days.

From CJ's points page (https://developers.cjdropshipping.com/en/api/api2/standard/points.html): each call
costs its endpoint's points (endpoints not in the table cost 0) out of a daily total, 50,000 base points
plus the order conversion ($1 of the last months' transactions = 100 points), which resets at 00:00 UTC
(not China's midnight). The time follows the account's QPS (the rate-limit page: 1 call a second on the free
tier). With a token, the account's own QPS and per-endpoint daily quotas come from GET /setting/get, which
costs no points.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.requests.reader import Reader, account_qps
from cj_errors.sdk.budget import points_for
from cj_errors.table import catalog

BASE_DAILY_POINTS = 50_000
DEFAULT_QPS = 1.0
_DAY = 86_400
_PER_DAY_QUOTA = 4  # quotaType 4: per day (both versions of CJ's table agree on 4)
_LARGEST_COUNT = 10**9


@dataclass(frozen=True)
class Line:
    path: str
    count: int
    points_each: int
    quota_per_day: int | None = None

    @property
    def points(self) -> int:
        return self.points_each * self.count


@dataclass(frozen=True)
class Plan:
    lines: tuple[Line, ...]
    daily_points: int
    qps: float
    figures_from: str  # "catalog" or "account (GET /setting/get)"
    now: dt.datetime

    @property
    def points(self) -> int:
        return sum(line.points for line in self.lines)

    @property
    def calls(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def seconds(self) -> float:
        return self.calls / self.qps if self.qps > 0 else 0.0

    @property
    def days_for_points(self) -> int:
        return math.ceil(self.points / self.daily_points) if self.points and self.daily_points else 0

    @property
    def days_for_time(self) -> int:
        return math.ceil(self.seconds / _DAY) if self.seconds else 0

    @property
    def days_for_quota(self) -> int:
        return max((math.ceil(line.count / line.quota_per_day) for line in self.lines if line.quota_per_day), default=0)

    @property
    def days(self) -> int:
        return max(self.days_for_points, self.days_for_time, self.days_for_quota, 1 if self.calls else 0)

    @property
    def next_reset(self) -> dt.datetime:
        tomorrow = (self.now + dt.timedelta(days=1)).date()
        return dt.datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=dt.timezone.utc)


def parse_items(items: Sequence[str]) -> list[tuple[str, int]]:
    """PATH:COUNT words to (catalog path, count); an unknown path or a bad count is a usage error."""
    if not items:
        raise CliError("give at least one PATH:COUNT, e.g. /product/listV2:440", ExitStatus.USAGE)
    parsed: list[tuple[str, int]] = []
    for item in items:
        path_text, separator, count_text = item.rpartition(":")
        count_text = count_text.replace(",", "").replace("_", "")
        if not separator or not path_text or not count_text.isdigit() or not 0 < int(count_text) <= _LARGEST_COUNT:
            raise CliError(
                f"{item!r}: write PATH:COUNT with a count from 1 to {_LARGEST_COUNT:,}, e.g. /product/query:44000",
                ExitStatus.USAGE,
            )
        path = catalog.normalize_path(path_text)
        if catalog.find(path) is None:
            close = catalog.suggest(path)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise CliError(f"{path} is not in the endpoint catalog{hint}", ExitStatus.INVALID_INPUT)
        parsed.append((path, int(count_text)))
    return parsed


def daily_quotas(settings: Mapping[str, Any] | None) -> dict[str, int]:
    """Per-day quotas by catalog path, from /setting/get's ``setting.quotaLimits``."""
    setting = settings.get("setting") if isinstance(settings, Mapping) else None
    limits = setting.get("quotaLimits") if isinstance(setting, Mapping) else None
    quotas: dict[str, int] = {}
    for item in limits if isinstance(limits, list) else []:
        if not isinstance(item, Mapping) or item.get("quotaType") != _PER_DAY_QUOTA:
            continue
        url, limit = item.get("quotaUrl"), item.get("quotaLimit")
        if isinstance(url, str) and isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
            quotas[catalog.normalize_path(url)] = limit
    return quotas


def plan(
    items: Sequence[str],
    *,
    daily_points: int | None = None,
    qps: float | None = None,
    settings: Mapping[str, Any] | None = None,
    account_qps: float | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
) -> Plan:
    """The plan for ``items`` (PATH:COUNT). Options win over the account's figures, which win over defaults."""
    parsed = parse_items(items)
    quotas = daily_quotas(settings)
    lines = tuple(Line(path, count, points_for(path), quotas.get(path)) for path, count in parsed)
    chosen_qps = qps if qps is not None else account_qps if account_qps else DEFAULT_QPS
    source = "account (GET /setting/get)" if settings is not None else "catalog and CJ's published defaults"
    return Plan(lines, daily_points or BASE_DAILY_POINTS, chosen_qps, source, now())


def plan_for(
    items: Sequence[str],
    reader: Reader | None,
    *,
    daily_points: int | None = None,
    qps: float | None = None,
) -> Plan:
    """The plan, with the account's own QPS and daily quotas when ``reader`` (a token) is given."""
    parse_items(items)  # a typo in PATH:COUNT is reported before any network call
    if reader is None:
        return plan(items, daily_points=daily_points, qps=qps)
    found_qps, settings = account_qps(reader)
    return plan(items, daily_points=daily_points, qps=qps, settings=settings, account_qps=found_qps)
