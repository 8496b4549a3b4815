"""The text and the JSON documents of `order`, `probe --preflight` and `points plan`. Standard library only."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from cj_errors.output.documents import document

if TYPE_CHECKING:
    from cj_errors.requests.orderstatus import OrderReport
    from cj_errors.requests.preflight import PreflightReport
    from cj_errors.sdk.points_plan import Plan


# --- order ---------------------------------------------------------------------------------


def order_plain(report: OrderReport) -> str:
    if not report.found:
        return f"order {report.ref}: not found\n  {report.message}\n"
    lines = [f"order {report.ref}" + (" (sandbox)" if report.sandbox else "")]
    if report.order_id or report.order_number:
        lines.append(f"  CJ order id:    {report.order_id or '?'}    orderNumber: {report.order_number or '?'}")
    status = report.status or "?"
    if report.changed_from:
        status = f"{report.changed_from} -> {status}"
    lines.append(f"  status:         {status}: {report.meaning}")
    for reason in report.held:
        lines.append(f"  held:           {reason}")
    lines.append(f"  payment:        {report.payment}")
    lines.append(f"  logistic:       {report.logistic_name or 'none chosen'}")
    if report.track_number:
        lines.append(f"  tracking:       {report.track_number} (from {report.track_field})")
        lines.append(f"  tracking state: {report.tracking_status or 'CJ gave no tracking status yet'}")
    else:
        lines.append(f"  tracking:       none yet: {report.no_tracking_reason}")
    lines.append(f"  next step:      {report.next_step}")
    if report.message:
        lines.append(f"  note:           {report.message}")
    return "\n".join(lines) + "\n"


def order_document(report: OrderReport) -> dict[str, Any]:
    return document(
        "order",
        report.exit_status,
        ref=report.ref,
        found=report.found,
        order_id=report.order_id,
        order_number=report.order_number,
        status=report.status,
        previous_status=report.changed_from,
        meaning=report.meaning or None,
        held=list(report.held),
        payment=report.payment or None,
        logistic_name=report.logistic_name,
        tracking_number=report.track_number,
        tracking_field=report.track_field,
        tracking_status=report.tracking_status,
        no_tracking_reason=report.no_tracking_reason,
        sandbox=report.sandbox,
        next_step=report.next_step or None,
        message=report.message or None,
        polls=report.polls,
    )


# --- preflight -----------------------------------------------------------------------------


def preflight_plain(report: PreflightReport) -> str:
    lines = [f"preflight {report.path} (nothing was sent to it)"]
    lines.append(f"  route:      {report.route}")
    if report.quoted:
        lines.append(f"  quoted:     {', '.join(report.quoted)}")
    lines.append(f"  logistic:   {report.logistic_name or 'none given'}")
    for item, warehouses in report.ships_from:
        lines.append(f"  {item}: can ship from {', '.join(warehouses) or 'no warehouse'}")
    lines.append(
        f"  points:     the create costs {report.create_points}; these checks cost {report.check_points} "
        f"({len(report.calls)} calls)"
    )
    for finding in report.findings:
        code = f" (CJ: {finding.likely_code})" if finding.likely_code is not None else ""
        lines.append(f"  {finding.severity.value}: {finding.message}{code}")
    lines.append("  verdict:    " + ("blocked: fix the errors above" if report.blocked else "clean: CJ should take it"))
    return "\n".join(lines) + "\n"


def preflight_document(report: PreflightReport) -> dict[str, Any]:
    return document(
        "probe --preflight",
        report.exit_status,
        path=report.path,
        blocked=report.blocked,
        route=report.route,
        logistic_name=report.logistic_name,
        quoted=list(report.quoted),
        ships_from={item: list(warehouses) for item, warehouses in report.ships_from},
        findings=[
            {
                "severity": finding.severity.value,
                "message": finding.message,
                "likely_code": finding.likely_code,
                "field": finding.field,
            }
            for finding in report.findings
        ],
        create_points=report.create_points,
        check_points=report.check_points,
        calls=[{"path": path, "points": points} for path, points in report.calls],
    )


# --- points plan ---------------------------------------------------------------------------


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h {minutes} min"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def plan_plain(plan: Plan) -> str:
    lines = ["points plan"]
    width = max(len(line.path) for line in plan.lines)
    for line in plan.lines:
        quota = f"  (daily quota {line.quota_per_day:,})" if line.quota_per_day else ""
        lines.append(
            f"  {line.path:<{width}}  {line.count:>11,} calls x {line.points_each:>4} = "
            f"{line.points:>13,} points{quota}"
        )
    lines.append(f"  total: {plan.calls:,} calls, {plan.points:,} points")
    lines.append(f"  time at {plan.qps:g} call(s) a second: {_duration(plan.seconds)}")
    reset = plan.next_reset
    left = _duration((reset - plan.now).total_seconds())
    lines.append(
        f"  days: {plan.days} at {plan.daily_points:,} points a day (points: {plan.days_for_points}, "
        f"time: {plan.days_for_time}, quotas: {plan.days_for_quota})"
    )
    lines.append(f"  points reset at 00:00 UTC (not China's midnight); the next in {left}, {reset:%Y-%m-%d %H:%M} UTC")
    lines.append(f"  figures from: {plan.figures_from}")
    return "\n".join(lines) + "\n"


def plan_document(plan: Plan, exit_status: Any) -> dict[str, Any]:
    return document(
        "points plan",
        exit_status,
        lines=[
            {
                "path": line.path,
                "count": line.count,
                "points_each": line.points_each,
                "points": line.points,
                "daily_quota": line.quota_per_day,
            }
            for line in plan.lines
        ],
        calls=plan.calls,
        points=plan.points,
        qps=plan.qps,
        seconds=round(plan.seconds, 1),
        daily_points=plan.daily_points,
        days=plan.days,
        days_for_points=plan.days_for_points,
        days_for_time=plan.days_for_time,
        days_for_quota=plan.days_for_quota,
        next_reset=plan.next_reset.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z"),
        figures_from=plan.figures_from,
    )
