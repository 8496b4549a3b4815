"""The `cjerr auth` flows: log in with the API key, show, refresh and log out; the stored login for probe.

Every call goes through probe's request building and sending (and so through
transport, the only httpx user), with no retries: CJ throttles its token
endpoints hard (getAccessToken once per 5 minutes in the older docs; its 1600200
answer names "1 time/300 seconds"), and a retry would only extend the lockout.
CJ's auth page: https://developers.cjdropshipping.com/en/api/api2/api/auth.html

The results are :class:`AuthReport` objects; ``render_auth`` prints them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from cj_errors.account import config, paths
from cj_errors.account.credentials import CredentialStore, StoredLogin, normalize_base_url
from cj_errors.base import inputs, limits, redact
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus

if TYPE_CHECKING:
    from cj_errors.reading.explanation import Explanation
    from cj_errors.requests.probe import PreparedProbe, ProbeOptions, ProbeOutcome

LOGIN_PATH = "/authentication/getAccessToken"
REFRESH_PATH = "/authentication/refreshAccessToken"
LOGOUT_PATH = "/authentication/logout"
SETTING_PATH = "/setting/get"
# getAccessToken: "once every 5 minutes" (older docs), "QPS limit is 1 time/300 seconds" (CJ's 1600200 answer).
THROTTLE = dt.timedelta(seconds=300)
# Within 24 hours of issue, getAccessToken and refreshAccessToken hand back the same cached pair (CJ's auth page).
SAME_PAIR_WINDOW = dt.timedelta(hours=24)
CJ_TIME = dt.timezone(dt.timedelta(hours=8))  # CJ writes its dates with +08:00
API_KEY_SHAPE = redact.API_KEY_SHAPE
api_key_problem = redact.api_key_problem
_TOKEN_ACCOUNT = re.compile(r"API@CJ(\d+)@CJ:")
_USERINFO = re.compile(r"(?<=//)[^/?#]*@")
_TIMEOUT = 30.0

Announce = Callable[[str], None]
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _quiet(line: str) -> None:
    pass


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quota:
    url: str
    limit: Any
    used: Any


@dataclass(frozen=True)
class SettingCheck:
    """What /setting/get said about the account's limits."""

    qps_limit: Any
    quotas: tuple[Quota, ...]
    sandbox: bool | None


@dataclass(frozen=True)
class AuthReport:
    """The result of one `cjerr auth` command, for render_auth.

    ``action``: called, reused, refreshed, same_pair, logged_out, deleted, not_logged_in, status, failed.
    """

    command: str
    exit_status: ExitStatus
    action: str
    headline: str
    base_url: str
    store: str
    now: dt.datetime
    login: StoredLogin | None = None
    notes: tuple[str, ...] = ()
    error: str | None = None  # the one stderr line of a failed run
    explanation: Explanation | None = None
    check: SettingCheck | None = None
    next_login_at: dt.datetime | None = None

    @property
    def logged_in(self) -> bool:
        return self.login is not None and self.action not in ("logged_out", "deleted")


# --- helpers -------------------------------------------------------------------------------


def resolve_base_url(given: str | None, store: CredentialStore, environ: Mapping[str, str] | None = None) -> str:
    """--base-url, else the current stored login's, else $CJERR_BASE_URL, else CJ's."""
    if given:
        _check_url(given)
        return normalize_base_url(given)
    current = store.current_base_url()
    if current:
        return current
    from cj_errors.table.catalog import BASE_URL

    return normalize_base_url(config.default_base_url(environ) or BASE_URL)


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


def read_api_key(source: str | None, *, interactive: bool, prompt: Callable[[], str]) -> str:
    """The API key from a file, standard input (``-``) or a hidden prompt; never from argv.

    ``interactive``: standard input is a terminal; then ``-`` asks with the hidden prompt too, so the key
    is not echoed as it is typed.
    """
    if source is None or (source == inputs.STDIN and interactive):
        if not interactive:
            raise CliError(
                "no API key: pass --api-key-file PATH, or --api-key-file - to read it from standard input "
                "(cjerr never takes the key as a command-line value)",
                ExitStatus.USAGE,
            )
        text = prompt()
        where = "the prompt"
    else:
        text = inputs.read_text(
            source, limit=limits.API_KEY_FILE_BYTES, what="API key file", invalid=ExitStatus.INVALID_INPUT
        )
        where = f"API key file {inputs.shown_source(source)}"
    key = text.strip()
    redact.register(key)
    if not key:
        raise CliError(f"{where} holds no API key", ExitStatus.INVALID_INPUT)
    if "\n" in key or "\r" in key:
        raise CliError(f"{where} holds more than one line; put only the API key in it", ExitStatus.INVALID_INPUT)
    if paths.has_control_characters(key):
        raise CliError(f"the API key from {where} contains control characters", ExitStatus.INVALID_INPUT)
    return key


def account_of(key_or_token: str | None) -> str | None:
    """ "CJ1234567" from an API key or a 2025+ token; None otherwise."""
    if not key_or_token:
        return None
    match = API_KEY_SHAPE.fullmatch(key_or_token) or _TOKEN_ACCOUNT.match(key_or_token)
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


# --- sending ---------------------------------------------------------------------------------


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


def _expiry_notes(login: StoredLogin) -> tuple[str, ...]:
    if login.access_expires is None:
        return ("CJ's answer carried no accessTokenExpiryDate, so cjerr cannot tell when the token expires",)
    return ()


# --- login -------------------------------------------------------------------------------------


def login(
    store: CredentialStore,
    base_url: str,
    read_key: Callable[[], str],
    *,
    key_given: bool,
    force: bool = False,
    announce: Announce = _quiet,
    verify: bool | str = True,
    clock: Clock = utc_now,
) -> AuthReport:
    """getAccessToken with the API key, unless a pair for ``base_url`` is younger than CJ's throttle window."""
    now = clock()
    existing = store.load(base_url)
    key = _checked_key(read_key(), force) if key_given else None
    if (
        existing is not None
        and not force
        and now - existing.issued_at < THROTTLE
        and not expired(existing.access_expires, now)
    ):
        key_account = account_of(key)
        if key_account is None or existing.account in (None, key_account):
            allowed = existing.issued_at + THROTTLE
            return AuthReport(
                command="auth login",
                exit_status=ExitStatus.SUCCESS,
                action="reused",
                headline=f"already logged in to {base_url}: reusing the pair stored {_ago(now - existing.issued_at)} "
                "ago instead of calling getAccessToken again",
                base_url=base_url,
                store=store.describe(existing),
                now=now,
                login=existing,
                notes=(
                    "CJ allows getAccessToken once per 5 minutes ('QPS limit is 1 time/300 seconds'); a new call "
                    f"is allowed from {_utc(allowed)} (in {_ago(allowed - now)}); --force calls now anyway",
                ),
                next_login_at=allowed,
            )
    if key is None:
        key = _checked_key(read_key(), force)
    outcome = _send(base_url, LOGIN_PATH, body={"apiKey": key}, announce=announce, verify=verify)
    issued = clock()
    if outcome.explanation is None or not outcome.explanation.ok:
        status, error, notes = _failure_lines(outcome, "getAccessToken")  # notes: tuple[str, ...]
        if existing is not None:
            notes += (f"the pair stored {_ago(issued - existing.issued_at)} ago is kept",)
        return AuthReport(
            "auth login",
            status,
            "failed",
            error,
            base_url,
            store.describe(existing),
            issued,
            login=existing,
            notes=notes,
            error=error,
            explanation=outcome.explanation,
        )
    new = _login_from_data(_answer_data(outcome), base_url, issued, account_of(key))
    if new is None:
        error = "getAccessToken answered success, but with no usable accessToken in data; nothing stored"
        return AuthReport(
            "auth login",
            ExitStatus.NOT_ENVELOPE,
            "failed",
            error,
            base_url,
            store.describe(existing),
            issued,
            login=existing,
            error=error,
            explanation=outcome.explanation,
        )
    saved = store.save(new)
    notes = _expiry_notes(saved)
    if existing is not None and existing.access_token == saved.access_token:
        notes += ("CJ handed back the pair it issued before (it caches the pair for 24 hours)",)
    return AuthReport(
        "auth login",
        ExitStatus.SUCCESS,
        "called",
        f"logged in to {base_url}" + _as(saved),
        base_url,
        store.describe(saved),
        issued,
        login=saved,
        notes=notes,
        next_login_at=saved.issued_at + THROTTLE,
    )


def _checked_key(key: str, force: bool) -> str:
    problem = api_key_problem(key)
    if problem is not None and not force:
        raise CliError(f"the API key {problem}; nothing sent (--force sends it anyway)", ExitStatus.INVALID_INPUT)
    return key


def _as(login: StoredLogin) -> str:
    return f" as {login.account}" if login.account else ""


# --- status ------------------------------------------------------------------------------------


def status(
    store: CredentialStore,
    base_url: str,
    *,
    check: bool = False,
    announce: Announce = _quiet,
    verify: bool | str = True,
    clock: Clock = utc_now,
) -> AuthReport:
    now = clock()
    found = store.load(base_url)
    others = [url for url in store.base_urls() if url != base_url]
    elsewhere = f"logins are stored for {', '.join(others)} (pick one with --base-url)" if others else None
    if found is None:
        return AuthReport(
            "auth status",
            ExitStatus.AUTH,
            "not_logged_in",
            f"not logged in to {base_url} (run 'cjerr auth login')",
            base_url,
            store.describe(),
            now,
            notes=(elsewhere,) if elsewhere else (),
            error=f"not logged in to {base_url}; run 'cjerr auth login'",
        )
    notes: list[str] = []
    if elsewhere:
        notes.append(elsewhere.replace("logins are stored", "other logins are stored", 1))
    access_dead = expired(found.access_expires, now)
    refresh_ok = refresh_usable(found, now)
    exit_status = ExitStatus.SUCCESS
    error = None
    if access_dead and refresh_ok:
        notes.append("the access token has expired: 'cjerr auth refresh' gets a new one (probe does it by itself)")
    elif access_dead:
        exit_status = ExitStatus.AUTH
        error = f"the stored tokens for {base_url} have expired; run 'cjerr auth login'"
        notes.append("both tokens have expired: run 'cjerr auth login'")
    allowed = found.issued_at + THROTTLE
    if now < allowed:
        notes.append(f"a new getAccessToken call is allowed from {_utc(allowed)} (CJ's once-per-5-minutes throttle)")
    notes.extend(_expiry_notes(found))
    setting: SettingCheck | None = None
    explanation = None
    if check:
        outcome = _send(base_url, SETTING_PATH, token=found.access_token, announce=announce, verify=verify)
        explanation = outcome.explanation
        if explanation is None or not explanation.ok:
            exit_status, error, more = _failure_lines(outcome, "checking the token with /setting/get")
            notes.extend(more)
        else:
            setting = _setting_check(_answer_data(outcome))
    headline = f"logged in to {base_url}" + _as(found)
    return AuthReport(
        "auth status",
        exit_status,
        "status",
        headline,
        base_url,
        store.describe(found),
        now,
        login=found,
        notes=tuple(notes),
        error=error,
        explanation=explanation if error else None,
        check=setting,
        next_login_at=allowed,
    )


def _setting_check(data: Any) -> SettingCheck:
    setting = data.get("setting") if isinstance(data, dict) else None
    setting = setting if isinstance(setting, dict) else {}
    quotas = []
    for item in setting.get("quotaLimits") or ():
        if isinstance(item, dict):
            quotas.append(Quota(str(item.get("quotaUrl") or "?"), item.get("quotaLimit"), item.get("requestedNum")))
    sandbox = data.get("isSandbox") if isinstance(data, dict) else None
    return SettingCheck(setting.get("qpsLimit"), tuple(quotas), sandbox if isinstance(sandbox, bool) else None)


# --- refresh -----------------------------------------------------------------------------------


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


def refresh(
    store: CredentialStore,
    base_url: str,
    *,
    announce: Announce = _quiet,
    verify: bool | str = True,
    clock: Clock = utc_now,
) -> AuthReport:
    now = clock()
    current = store.load(base_url)
    if current is None:
        error = f"not logged in to {base_url}; run 'cjerr auth login'"
        return AuthReport(
            "auth refresh", ExitStatus.AUTH, "not_logged_in", error, base_url, store.describe(), now, error=error
        )
    result = refresh_login(store, current, announce=announce, verify=verify, clock=clock)
    explanation = result.outcome.explanation if result.outcome is not None else None
    if result.login is None:
        assert result.error is not None
        return AuthReport(
            "auth refresh",
            result.status,
            "failed",
            result.error,
            base_url,
            store.describe(current),
            now,
            login=current,
            notes=result.notes,
            error=result.error,
            explanation=explanation,
        )
    saved = result.login
    if result.same_pair:
        age = _ago(now - current.issued_at)
        notes: tuple[str, ...] = (
            f"CJ hands back the cached pair for 24 hours after issue (this one was issued {age} ago), so the "
            "expiry dates did not move; a new pair comes only after that",
        )
        headline = "refreshed: CJ returned the same pair (nothing changed)"
        action = "same_pair"
    else:
        notes = ("the new pair is stored; use it from now on, since CJ may retire the old one",)
        headline = "refreshed: CJ issued a new pair"
        action = "refreshed"
    return AuthReport(
        "auth refresh",
        ExitStatus.SUCCESS,
        action,
        headline,
        base_url,
        store.describe(saved),
        now,
        login=saved,
        notes=notes + _expiry_notes(saved),
    )


# --- logout ------------------------------------------------------------------------------------


def logout(
    store: CredentialStore,
    base_url: str,
    *,
    local_only: bool = False,
    announce: Announce = _quiet,
    verify: bool | str = True,
    clock: Clock = utc_now,
) -> AuthReport:
    now = clock()
    current = store.load(base_url)
    where = store.describe(current)
    if current is None:
        return AuthReport(
            "auth logout",
            ExitStatus.SUCCESS,
            "not_logged_in",
            f"no stored login for {base_url}; nothing to do",
            base_url,
            where,
            now,
        )
    if local_only:
        store.delete(base_url)
        return AuthReport(
            "auth logout",
            ExitStatus.SUCCESS,
            "deleted",
            f"deleted the stored pair for {base_url} without calling CJ",
            base_url,
            where,
            now,
            login=current,
            notes=("the tokens still work at CJ until they expire or a logout retires them",),
        )
    outcome = _send(base_url, LOGOUT_PATH, token=current.access_token, announce=announce, verify=verify)
    explanation = outcome.explanation
    if explanation is not None and explanation.ok:
        store.delete(base_url)
        return AuthReport(
            "auth logout",
            ExitStatus.SUCCESS,
            "logged_out",
            f"logged out of {base_url}: CJ expired both tokens, and the stored pair is deleted",
            base_url,
            where,
            now,
            login=current,
        )
    if explanation is not None and explanation.code in (1600001, 1600002):
        store.delete(base_url)
        return AuthReport(
            "auth logout",
            ExitStatus.SUCCESS,
            "logged_out",
            f"CJ no longer accepted the stored token ({explanation.code}), so there was nothing to expire; the "
            "stored pair is deleted",
            base_url,
            where,
            now,
            login=current,
        )
    status_, error, notes = _failure_lines(outcome, "logout")
    notes += (
        "the stored pair is kept: run 'cjerr auth logout' again, or add --local-only to delete it without calling CJ",
    )
    return AuthReport(
        "auth logout",
        status_,
        "failed",
        error,
        base_url,
        where,
        now,
        login=current,
        notes=notes,
        error=error,
        explanation=explanation,
    )


# --- the stored login for probe and the Python API ------------------------------------------


def send_with_login(
    prepared: PreparedProbe,
    options: ProbeOptions,
    stored: StoredLogin,
    announce: Announce,
    *,
    verify: bool | str = True,
    store: CredentialStore | None = None,
    clock: Clock = utc_now,
) -> ProbeOutcome:
    """probe's send() with the stored login's token: refreshed once when its expiry passed or CJ says 1600001."""
    from cj_errors.requests import probe as probing

    credentials = store or CredentialStore()
    refreshed = False
    if prepared.token is not None and expired(stored.access_expires, clock()) and refresh_usable(stored, clock()):
        assert stored.access_expires is not None
        announce(f"the stored access token expired at {_utc(stored.access_expires)}; refreshing it once")
        result = refresh_login(credentials, stored, announce=announce, verify=verify, clock=clock)
        refreshed = True
        if result.login is not None:
            announce(_refreshed_line(result))
            prepared = replace(prepared, token=result.login.access_token)
            stored = result.login
        else:
            announce(f"could not refresh ({result.error}); sending the expired token anyway")
    outcome = probing.send(prepared, options, announce, verify=verify)
    # Never after an unknown outcome: sending again could repeat a call that changes data and may have worked.
    rejected = not outcome.unknown and outcome.explanation is not None and outcome.explanation.code == 1600001
    if rejected and not refreshed and prepared.token is not None and refresh_usable(stored, clock()):
        announce("CJ rejected the stored access token (1600001); refreshing it once")
        result = refresh_login(credentials, stored, announce=announce, verify=verify, clock=clock)
        if result.login is None:
            announce(f"could not refresh ({result.error}); run 'cjerr auth login'")
        elif result.same_pair:
            announce(
                "CJ returned the same token (it caches the pair for 24 hours), so sending again would not help; "
                "run 'cjerr auth login --force' for a new pair"
            )
        else:
            announce(_refreshed_line(result) + "; sending again")
            outcome = probing.send(replace(prepared, token=result.login.access_token), options, announce, verify=verify)
    return outcome


def _refreshed_line(result: Refreshed) -> str:
    assert result.login is not None
    when = result.login.access_expires
    until = f", valid until {_utc(when)}" if when is not None else ""
    kind = "CJ returned the same pair" if result.same_pair else "CJ issued a new pair"
    return f"refreshed the stored login ({kind}{until})"


def stored_access_token(
    base_url: str | None = None,
    *,
    refresh: bool = True,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """The access token of the login stored by `cjerr auth login` for ``base_url`` (default: the current one).

    With ``refresh`` (the default), an access token whose stored expiry has passed is first refreshed once
    with the stored refresh token, and the new pair is stored. None when nothing usable is stored. Raises
    ``CliError`` (with ``status`` 78) when the store is corrupted or unreadable.
    """
    store = CredentialStore(environ)
    key = normalize_base_url(base_url) if base_url else store.current_base_url()
    if key is None:
        return None
    current = store.load(key)
    if current is None:
        return None
    now = utc_now()
    if refresh and expired(current.access_expires, now) and refresh_usable(current, now):
        result = refresh_login(store, current)
        current = result.login or current
    if expired(current.access_expires, utc_now()):
        return None
    return current.access_token
