"""The stored login at work: probe's send with the stored token (refreshed once when it expired or CJ
answers 1600001), and ``stored_access_token`` for the Python API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from cj_errors.account.credentials import CredentialStore, StoredLogin, normalize_base_url
from cj_errors.account.tokens import (
    Announce,
    Clock,
    _refreshed_line,
    _utc,
    expired,
    refresh_login,
    refresh_usable,
    utc_now,
)

if TYPE_CHECKING:
    from cj_errors.requests.probe import PreparedProbe, ProbeOptions, ProbeOutcome


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
            prepared = prepared._replace(token=result.login.access_token)
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
            outcome = probing.send(prepared._replace(token=result.login.access_token), options, announce, verify=verify)
    return outcome


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
