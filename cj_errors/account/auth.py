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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cj_errors.account import config, paths
from cj_errors.account.credentials import CredentialStore, StoredLogin, normalize_base_url
from cj_errors.account.tokens import (
    LOGIN_PATH,
    THROTTLE,
    Announce,
    Clock,
    _ago,
    _answer_data,
    _check_url,
    _failure_lines,
    _login_from_data,
    _quiet,
    _send,
    _utc,
    account_of,
    expired,
    refresh_login,
    refresh_usable,
    utc_now,
)
from cj_errors.base import inputs, limits, redact
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus

if TYPE_CHECKING:
    from cj_errors.reading.explanation import Explanation

LOGOUT_PATH = "/authentication/logout"
SETTING_PATH = "/setting/get"
API_KEY_SHAPE = redact.API_KEY_SHAPE
api_key_problem = redact.api_key_problem


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


def stored_open_id(store: CredentialStore) -> tuple[str, str] | None:
    """The current stored login's openId and base URL, when that login holds one (CJ sends it with the token)."""
    current = store.current_base_url()
    login = store.load(current) if current else None
    if login is None or not login.open_id:
        return None
    return login.open_id, login.base_url


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


# --- sending ---------------------------------------------------------------------------------


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


def _status_headline(base_url: str, found: StoredLogin, *, access_dead: bool, refresh_ok: bool) -> str:
    """The first line says what is usable, not only that a login is stored."""
    if not access_dead:
        return f"logged in to {base_url}" + _as(found)
    if refresh_ok:
        return f"logged in to {base_url}{_as(found)}: the access token has expired, the refresh token is usable"
    return f"login expired for {base_url}{_as(found)}: neither token is usable; run 'cjerr auth login'"


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
    headline = _status_headline(base_url, found, access_dead=access_dead, refresh_ok=refresh_ok)
    if found.open_id:
        notes.append("the openId is stored: the webhook commands use it; 'cjerr auth token --open-id' prints it")
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

# --- token ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredSecret:
    """What `cjerr auth token` prints: one stored secret for a script, or why there is none (``error``)."""

    exit_status: ExitStatus
    value: str | None = None
    error: str | None = None


def stored_secret(
    store: CredentialStore, base_url: str, *, open_id: bool = False, clock: Clock = utc_now
) -> StoredSecret:
    """The stored access token (or openId) for ``base_url``; an expired token is refused, not printed."""
    found = store.load(base_url)
    if found is None:
        return StoredSecret(ExitStatus.AUTH, error=f"not logged in to {base_url}; run 'cjerr auth login'")
    if open_id:
        if not found.open_id:
            return StoredSecret(
                ExitStatus.AUTH,
                error=f"the login for {base_url} holds no openId (CJ sends it with the token): run 'cjerr auth login'",
            )
        return StoredSecret(ExitStatus.SUCCESS, found.open_id)
    now = clock()
    if expired(found.access_expires, now):
        step = "'cjerr auth refresh'" if refresh_usable(found, now) else "'cjerr auth login'"
        return StoredSecret(
            ExitStatus.AUTH, error=f"the stored access token for {base_url} has expired; run {step} first"
        )
    return StoredSecret(ExitStatus.SUCCESS, found.access_token)
