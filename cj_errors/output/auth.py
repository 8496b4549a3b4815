"""Print `cjerr auth` results as plain text or JSON. Standard library only.

Tokens are shown masked (the first 4 characters and the length); the openId,
which signs CJ's webhooks, only as "stored". Dates are shown in UTC and in
local time; CJ itself writes them with +08:00.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from cj_errors.base import redact
from cj_errors.output.documents import document, explanation_to_dict
from cj_errors.output.plain import explanation_plain

if TYPE_CHECKING:
    from cj_errors.account.auth import AuthReport
    from cj_errors.account.credentials import StoredLogin


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _local(moment: dt.datetime) -> str | None:
    """Local time, or None when local time is UTC (nothing to add)."""
    local = moment.astimezone()
    if local.utcoffset() == dt.timedelta(0):
        return None
    return local.strftime("%Y-%m-%d %H:%M:%S %Z").strip() or local.isoformat()


def _left(moment: dt.datetime, now: dt.datetime) -> str:
    seconds = int((moment - now).total_seconds())
    if seconds <= 0:
        return "expired"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} days {hours} h left"
    if hours:
        return f"{hours} h {minutes} min left"
    return f"{minutes} min {seconds % 60} s left"


def _when(moment: dt.datetime | None, now: dt.datetime) -> str:
    if moment is None:
        return "unknown (CJ did not say)"
    local = _local(moment)
    shown = _utc(moment) + (f" ({local} local)" if local else "")
    return f"{shown}, {_left(moment, now)}"


def _login_lines(login: StoredLogin, now: dt.datetime) -> list[str]:
    lines = [
        f"  account:        {login.account or 'unknown'}"
        + ("  (openId stored; not shown: it signs CJ's webhooks)" if login.open_id else ""),
        f"  access token:   {redact.mask(login.access_token)}",
        f"    expires:      {_when(login.access_expires, now)}",
    ]
    if login.refresh_token:
        lines += [
            f"  refresh token:  {redact.mask(login.refresh_token)}",
            f"    expires:      {_when(login.refresh_expires, now)}",
        ]
    else:
        lines.append("  refresh token:  none stored")
    issued = f"  issued:         {_utc(login.issued_at)}"
    if login.refreshed_at is not None:
        issued += f"; refreshed {_utc(login.refreshed_at)}"
    lines.append(issued)
    return lines


def auth_plain(report: AuthReport) -> str:
    lines = [report.headline]
    if report.login is not None and report.action not in ("failed", "logged_out", "deleted"):
        lines += _login_lines(report.login, report.now)
    lines.append(f"  base URL:       {report.base_url}")
    lines.append(f"  stored in:      {report.store}")
    if report.check is not None:
        check = report.check
        lines.append(f"  qpsLimit:       {check.qps_limit if check.qps_limit is not None else 'not given'}")
        for quota in check.quotas:
            used = f", used {quota.used}" if quota.used is not None else ""
            lines.append(f"  quota:          {quota.url}: limit {quota.limit}{used}")
        if check.sandbox is not None:
            lines.append(f"  sandbox:        {'yes' if check.sandbox else 'no'}")
    lines.extend(f"note: {note}" for note in report.notes)
    text = "\n".join(lines) + "\n"
    if report.explanation is not None and report.error is not None:
        text += "\n" + explanation_plain(report.explanation)
    return text


def _moment(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z") if moment is not None else None


def _seconds_left(moment: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if moment is None else int((moment - now).total_seconds())


def login_to_dict(login: StoredLogin, now: dt.datetime) -> dict[str, Any]:
    return {
        "account": login.account,
        "open_id_stored": login.open_id is not None,
        "access_token": redact.mask(login.access_token),
        "access_expires": _moment(login.access_expires),
        "access_seconds_left": _seconds_left(login.access_expires, now),
        "refresh_token": redact.mask(login.refresh_token) if login.refresh_token else None,
        "refresh_expires": _moment(login.refresh_expires),
        "refresh_seconds_left": _seconds_left(login.refresh_expires, now),
        "issued_at": _moment(login.issued_at),
        "refreshed_at": _moment(login.refreshed_at),
        "created": _moment(login.created),
        "store": login.store,
    }


def auth_to_dict(report: AuthReport) -> dict[str, Any]:
    check = report.check
    return document(
        report.command,
        report.exit_status,
        action=report.action,
        message=report.headline,
        base_url=report.base_url,
        logged_in=report.logged_in,
        stored_in=report.store,
        login=login_to_dict(report.login, report.now) if report.login is not None else None,
        next_login_allowed_at=_moment(report.next_login_at),
        check=None
        if check is None
        else {
            "qps_limit": check.qps_limit,
            "quotas": [{"url": quota.url, "limit": quota.limit, "used": quota.used} for quota in check.quotas],
            "sandbox": check.sandbox,
        },
        notes=list(report.notes),
        error=report.error,
        explanation=explanation_to_dict(report.explanation) if report.explanation is not None else None,
    )


def print_secret(value: str) -> None:
    """`cjerr auth token`: the one place cjerr prints a secret in full, on purpose, for a script to capture.

    Written past the masking stream (which would hide it), on stdout only, one line. Like ``gh auth token``,
    a terminal gets it too: typing the command is the request.
    """
    import sys

    sys.stdout.write(value + "\n")
