"""The token pair CJ's auth endpoints hand out: sending to them, reading their answers and dates, and
refreshing a stored pair (https://developers.cjdropshipping.com/en/api/api2/api/auth.html).

The ``auth`` flows and the stored ``session`` both build on this.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cj_errors.account import paths
from cj_errors.account.credentials import CredentialStore, StoredLogin
from cj_errors.base import inputs, redact
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus

if TYPE_CHECKING:
    from cj_errors.requests.probe import ProbeOutcome


LOGIN_PATH = "/authentication/getAccessToken"


REFRESH_PATH = "/authentication/refreshAccessToken"


# getAccessToken: "once every 5 minutes" (older docs), "QPS limit is 1 time/300 seconds" (CJ's 1600200 answer).
THROTTLE = dt.timedelta(seconds=300)


# Within 24 hours of issue, getAccessToken and refreshAccessToken hand back the same cached pair (CJ's auth page).
SAME_PAIR_WINDOW = dt.timedelta(hours=24)


CJ_TIME = dt.timezone(dt.timedelta(hours=8))  # CJ writes its dates with +08:00


_TOKEN_ACCOUNT = re.compile(r"API@CJ(\d+)@CJ:")


_TIMEOUT = 30.0


Announce = Callable[[str], None]


Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _quiet(line: str) -> None:
    pass


def account_of(key_or_token: str | None) -> str | None:
    """ "CJ1234567" from an API key or a 2025+ token; None otherwise."""
    if not key_or_token:
        return None
    match = redact.API_KEY_SHAPE.fullmatch(key_or_token) or _TOKEN_ACCOUNT.match(key_or_token)
    return f"CJ{match.group(1)}" if match else None


def parse_cj_date(value: Any) -> dt.datetime | None:
    """CJ's expiry dates: ISO text with +08:00 (read as +08:00 when the offset is missing) or epoch milliseconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=CJ_TIME)


def expired(moment: dt.datetime | None, now: dt.datetime) -> bool:
    """True when a known expiry has passed (an unknown one counts as not expired: CJ will say)."""
    return moment is not None and now >= moment


def refresh_usable(login: StoredLogin, now: dt.datetime) -> bool:
    return bool(login.refresh_token) and not expired(login.refresh_expires, now)


def _ago(delta: dt.timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 600:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _send(
    base_url: str,
    path: str,
    *,
    body: Mapping[str, Any] | None = None,
    token: str | None = None,
    announce: Announce = _quiet,
    verify: bool | str = True,
    timeout: float = _TIMEOUT,
) -> ProbeOutcome:
    """One request through probe's builder and sender: no retries (the token endpoints are throttled)."""
    from cj_errors.requests import probe as probing

    _check_url(base_url)
    options = probing.ProbeOptions(
        target=path,
        data="@-" if body is not None else None,
        base_url=base_url,
        token=token,
        timeout=timeout,
        retries=0,
    )
    # The body goes in through prepare's stdin parameter: never on a command line, and no "-d apiKey" warning.
    stdin = io.BytesIO(json.dumps(dict(body)).encode("utf-8")) if body is not None else None
    prepared = probing.prepare(options, stdin)
    return probing.send(prepared, options, announce, verify=verify)


def _answer_data(outcome: ProbeOutcome) -> Any:
    from cj_errors.reading.explanation import loads_tolerant

    if outcome.response is None:
        return None
    try:
        document = loads_tolerant(outcome.response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return document.get("data") if isinstance(document, dict) else None


_HINTS: dict[int, str] = {
    1600005: 'CJ did not accept the API key. Since 2025 getAccessToken takes only {"apiKey": ...}; the old '
    "email + password login gets this same answer. Copy the key again from My CJ > Authorization > API and check "
    "it for quotes, spaces or a line break. Trying again with the same key will not help.",
    1600004: "CJ could not authorize the account: check that the API key belongs to it and that your API store "
    "is authorized in My CJ.",
    1600006: "CJ found no developer account for this key: check that the key is copied whole.",
    1600008: "CJ could not authorize the account: check the key and that your API store is authorized.",
    1600003: "The refresh token is no longer valid (expired, or a logout retired it): run 'cjerr auth login'.",
    1600001: "CJ does not accept the token (expired, logged out, or from another account): run 'cjerr auth "
    "refresh', or 'cjerr auth login' when that fails too.",
    1600002: "CJ got no token: run 'cjerr auth login'.",
}


def _failure_lines(outcome: ProbeOutcome, what: str) -> tuple[ExitStatus, str, tuple[str, ...]]:
    """(exit status, one-line error, notes) for a call that did not succeed."""
    if outcome.transport_error is not None:
        advice = (outcome.next_step,) if outcome.unknown and outcome.next_step else ()
        return outcome.exit_status, f"{what}: no response: {outcome.transport_error}", advice
    explanation = outcome.explanation
    assert explanation is not None
    code = explanation.code
    title = explanation.entry.title if explanation.entry is not None else explanation.verdict
    message = explanation.envelope.message if explanation.envelope is not None else None
    said = f": {redact.scrub(message)}" if message else ""
    error = f"{what} failed: CJ answered {code} ({title}){said}" if code is not None else f"{what} failed: {title}"
    if outcome.unknown:  # exit 80: it may have worked, so no "failed"
        detail = f"CJ answered {code} ({title}){said}" if code is not None else title.removeprefix("outcome unknown: ")
        error = f"{what}: outcome unknown: {detail}"
    notes: list[str] = []
    if code in _HINTS:
        notes.append(_HINTS[code])
    if code in (1600200, 429) or explanation.http_status == 429:
        notes.append(
            "CJ throttles its token endpoints (getAccessToken once per 5 minutes in the older docs; its answer "
            "says 'QPS limit is 1 time/300 seconds'): wait 5 minutes before the next try, since every attempt "
            "restarts the wait. Within 24 hours CJ hands back the same pair anyway."
        )
    notes.extend(outcome.notes)
    return explanation.exit_status, error, tuple(notes)


def _login_from_data(
    data: Any, base_url: str, issued: dt.datetime, account: str | None, previous: StoredLogin | None = None
) -> StoredLogin | None:
    """The pair in getAccessToken's (or refreshAccessToken's) data; None when it has no usable accessToken."""
    if not isinstance(data, dict):
        return None
    access = data.get("accessToken")
    refresh = data.get("refreshToken")
    if not isinstance(access, str) or not access.strip() or paths.has_control_characters(access):
        return None
    access = access.strip()
    refresh = refresh.strip() if isinstance(refresh, str) and not paths.has_control_characters(refresh) else None
    redact.register(access)
    redact.register(refresh)
    open_id = data.get("openId")
    open_text = str(open_id) if isinstance(open_id, int | str) and not isinstance(open_id, bool) else None
    return StoredLogin(
        base_url=base_url,
        access_token=access,
        refresh_token=refresh or (previous.refresh_token if previous else None),
        access_expires=parse_cj_date(data.get("accessTokenExpiryDate")),
        refresh_expires=parse_cj_date(data.get("refreshTokenExpiryDate"))
        or (previous.refresh_expires if previous else None),
        issued_at=previous.issued_at if previous else issued,
        created=parse_cj_date(data.get("createDate")) or (previous.created if previous else None),
        refreshed_at=issued if previous else None,
        open_id=open_text or (previous.open_id if previous else None),
        account=account or account_of(access) or (previous.account if previous else None),
    )


@dataclass(frozen=True)
class Refreshed:
    login: StoredLogin | None  # the stored pair after a successful refresh
    same_pair: bool
    outcome: ProbeOutcome | None
    error: str | None = None
    status: ExitStatus = ExitStatus.SUCCESS
    notes: tuple[str, ...] = ()


def refresh_login(
    store: CredentialStore,
    current: StoredLogin,
    *,
    announce: Announce = _quiet,
    verify: bool | str = True,
    clock: Clock = utc_now,
) -> Refreshed:
    """refreshAccessToken with the stored refresh token; stores and returns the pair CJ answers with."""
    now = clock()
    if not current.refresh_token:
        return Refreshed(None, False, None, "no refresh token is stored; run 'cjerr auth login'", ExitStatus.AUTH)
    if expired(current.refresh_expires, now):
        assert current.refresh_expires is not None
        return Refreshed(
            None,
            False,
            None,
            f"the refresh token expired at {_utc(current.refresh_expires)}; run 'cjerr auth login'",
            ExitStatus.AUTH,
        )
    outcome = _send(
        current.base_url, REFRESH_PATH, body={"refreshToken": current.refresh_token}, announce=announce, verify=verify
    )
    answered = clock()
    if outcome.explanation is None or not outcome.explanation.ok:
        status_, error, notes = _failure_lines(outcome, "refreshAccessToken")
        return Refreshed(None, False, outcome, error, status_, notes)
    new = _login_from_data(_answer_data(outcome), current.base_url, answered, current.account, previous=current)
    if new is None:
        return Refreshed(
            None,
            False,
            outcome,
            "refreshAccessToken answered success, but with no usable accessToken in data; nothing stored",
            ExitStatus.NOT_ENVELOPE,
        )
    saved = store.save(new, make_current=False)
    return Refreshed(saved, saved.access_token == current.access_token, outcome)


def _refreshed_line(result: Refreshed) -> str:
    assert result.login is not None
    when = result.login.access_expires
    until = f", valid until {_utc(when)}" if when is not None else ""
    kind = "CJ returned the same pair" if result.same_pair else "CJ issued a new pair"
    return f"refreshed the stored login ({kind}{until})"


_USERINFO = re.compile(r"(?<=//)[^/?#]*@")


def _check_url(base_url: str) -> None:
    """Secrets go over HTTPS, or plain HTTP to loopback only (a local cjerr mock)."""
    if _USERINFO.search(base_url):
        # Checked first, so that no message below repeats a password.
        raise CliError("--base-url contains a user name or password (user:password@host); remove it", ExitStatus.USAGE)
    try:
        parts = urllib.parse.urlsplit(base_url)
        host = parts.hostname or ""
    except ValueError:
        raise CliError(f"--base-url {base_url!r} is not a valid URL", ExitStatus.USAGE) from None
    if parts.scheme not in ("http", "https") or not host:
        raise CliError(f"--base-url {base_url!r} is not an http(s) URL with a host", ExitStatus.USAGE)
    if parts.scheme == "http" and not inputs.is_loopback(host):
        raise CliError(
            f"refusing to send the API key or a token over plain HTTP to {host}; use https (plain HTTP is only "
            "allowed to loopback, e.g. a local cjerr mock)",
            ExitStatus.CONFIG,
        )
