"""Where the pace of CJ calls is kept: one interface, a lock-file backend (the default) and Redis (``redis://``).

CJ's limit is per account and counted at CJ's servers (https://developers.cjdropshipping.com/en/api/api2/standard/limit.html):
every worker, cron job and host that uses the account draws from one allowance. A *backend* holds the shared
state; a *bucket* is one limit in it (the account's calls a second, or one token endpoint's own throttle):

* ``reserve(max_wait)`` books the next send time and returns the seconds to wait first (``PaceRefused`` when that
  is longer than ``max_wait``: nothing is booked);
* ``slow_down()`` after a 1600200: every member of the fleet spaces its calls further apart;
* ``recover()`` after an answer that is not a rate limit.

One setting chooses the backend (``pacing_url=`` on the transports, ``$CJERR_PACING_URL``, ``--pacing`` on
``cjerr proxy``):

* nothing, ``file:`` or ``file:///DIR``: the lock file of ``cj_errors.sdk.pacing`` in the user's cache (or DIR),
  shared by the processes of one machine; nothing to install;
* ``memory:``: this process only (threads and tasks);
* ``redis://[:PASSWORD@]HOST[:PORT][/DB]``, ``rediss://`` and ``unix://``: one Redis shared by every host
  (``cj_errors.sdk.redis_limiter``; ``pip install 'cjerr[redis]'``).

Keys: the account's openId when it is known (learned from a getAccessToken or refreshAccessToken answer, or from
``setting/get``), else the token; either way a SHA-256, never the value. When the backend cannot be reached the
call is not sent and ``PacingUnavailable`` says why: a shared limit that silently stopped limiting would let the
fleet run at full speed into 1600200.

Standard library only (Redis is imported by ``redis_limiter``, only for a ``redis://`` URL).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from cj_errors.base.envvars import PACING_URL_ENV
from cj_errors.base.inputs import is_loopback
from cj_errors.sdk import pacing
from cj_errors.sdk.pacing import PacingUnavailable

__all__ = [
    "Backend",
    "Bucket",
    "FileBackend",
    "Limiter",
    "PacingUnavailable",
    "account_key",
    "open_backend",
    "pacing_url_from_env",
    "take_turn",
    "token_key",
]

# Answers that name the account (openId) of the token they were asked with or that they hand out.
LEARN_PATHS = frozenset(
    {"/authentication/getAccessToken", "/authentication/refreshAccessToken", "/setting/get", "/setting/account/get"}
)


class Bucket(Protocol):
    """One limit in a backend: at most ``calls`` sends in any ``window`` seconds."""

    calls: int
    window: float

    def reserve(self, max_wait: float | None = None) -> float: ...

    def slow_down(self) -> None: ...

    def recover(self) -> None: ...

    @property
    def slowdown(self) -> float: ...


class Backend(Protocol):
    """Where buckets keep their state, and which token belongs to which account."""

    @property
    def description(self) -> str: ...

    @property
    def shared(self) -> bool: ...

    def bucket(self, key: str, calls: int, window: float) -> Bucket:
        """The bucket for ``key``; a token's key draws from its account's bucket once ``learn`` named it."""
        ...

    def learn(self, token_hash: str, account_hash: str) -> None: ...

    def close(self) -> None: ...


def token_key(token: str) -> str:
    """The hash a token is known by in the shared state."""
    return pacing.state_key("token", token)


def account_key(open_id: str) -> str:
    """The hash an account (openId) is known by in the shared state."""
    return pacing.state_key("account", open_id)


class FileBackend:
    """Today's pacing: a 0600 JSON file per key under a lock, in the user's cache (or ``directory``).

    ``shared=False`` keeps the state in this process (``memory:``). The token-to-account aliases learned
    are kept beside the pace files (a file per token hash holding the account hash: no secret).
    """

    def __init__(
        self, directory: Path | None = None, *, shared: bool = True, clock: Callable[[], float] = time.time
    ) -> None:
        self.directory = directory
        self._shared = shared
        self._clock = clock
        self._aliases: dict[str, str] = {}
        self._sizes: dict[str, set[tuple[int, float]]] = {}  # the limits each key's buckets were made with
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        if not self._shared:
            return "memory: this process only"
        return f"lock file in {self.directory if self.directory is not None else pacing.cache_dir()}"

    @property
    def shared(self) -> bool:
        return self._shared and os.name != "nt"  # pacing.Pacer shares through fcntl, absent on Windows

    def bucket(self, key: str, calls: int, window: float) -> Bucket:
        return _FileBucket(self, key, calls, window)

    def pacer(self, key: str, calls: int, window: float) -> pacing.Pacer:
        return pacing.Pacer(key, calls, window, directory=self.directory, shared=self._shared, clock=self._clock)

    def _alias_path(self, token_hash: str) -> Path:
        folder = self.directory if self.directory is not None else pacing.cache_dir()
        return folder / f"account-{token_hash}"

    def account_of(self, token_hash: str) -> str | None:
        with self._lock:
            found = self._aliases.get(token_hash)
        if found is not None or not self._shared:
            return found
        try:
            text = self._alias_path(token_hash).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        if len(text) == len(token_hash) and text.isalnum():
            with self._lock:
                self._aliases[token_hash] = text
            return text
        return None

    def learn(self, token_hash: str, account_hash: str) -> None:
        with self._lock:
            if self._aliases.get(token_hash) == account_hash:
                return
        # The slots this token booked move into the account's file before the alias is written, so that
        # the calls that follow, in any process, see them.
        with self._lock:
            self._aliases[token_hash] = account_hash
        self._merge(token_hash, account_hash)
        if not self._shared:
            return
        path = self._alias_path(token_hash)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(handle, account_hash.encode("ascii"))
            finally:
                os.close(handle)
        except OSError:
            pass  # this process knows the alias; the others go on pacing by the token

    def _merge(self, token_hash: str, account_hash: str) -> None:
        booked: list[float] = []
        for calls, window in self._sizes.get(token_hash, ()):
            with self.pacer(token_hash, calls, window)._state() as state:
                booked = [float(slot) for slot in state.get("slots", [])]
            with self.pacer(account_hash, calls, window)._state() as state:
                state["slots"] = sorted({*state.get("slots", []), *booked})

    def close(self) -> None:
        pass


class _FileBucket:
    """A key's pacer, or its account's once ``FileBackend.learn`` named the account (checked on every call)."""

    def __init__(self, backend: FileBackend, key: str, calls: int, window: float) -> None:
        self.calls = calls
        self.window = window
        self._backend = backend
        self._key = key
        with backend._lock:
            backend._sizes.setdefault(key, set()).add((calls, window))
        self._pacers: dict[str, pacing.Pacer] = {}

    def _current(self) -> pacing.Pacer:
        key = self._backend.account_of(self._key) or self._key
        found = self._pacers.get(key)
        if found is None:
            found = self._pacers[key] = self._backend.pacer(key, self.calls, self.window)
        return found

    def reserve(self, max_wait: float | None = None) -> float:
        return self._current().reserve(max_wait)

    def slow_down(self) -> None:
        self._current().slow_down()

    def recover(self) -> None:
        self._current().recover()

    @property
    def slowdown(self) -> float:
        return self._current().slowdown


# A sender that wakes this much later than its slot (a loaded machine, a slow round trip) books a new slot
# instead of sending out of turn: the calls booked after it counted on it going on time.
LATE = 0.05
TURN_ATTEMPTS = 3  # bookings for one call at most: the last one is kept however late its wait ends


def woke_late(delay: float, took: float) -> bool:
    """Whether a wait for a slot ``delay`` seconds away, which took ``took`` seconds, ended too late to use it."""
    return took - delay > LATE


def turn_waits(
    reserve: Callable[[float | None], float],
    max_wait: float | None,
    *,
    clock: Callable[[], float] = time.monotonic,
    attempts: int = TURN_ATTEMPTS,
) -> Iterator[float]:
    """The waits of one turn, for the caller to sleep: book a slot with ``reserve(allowance)`` and wait for it; when
    the wait ended too late, book again (at most ``attempts`` bookings).

    ``max_wait`` bounds the whole turn: a later booking may wait only what is left of it. The wait is counted from
    the booking, so a slow booking (Redis, a busy lock file) is not a late wake. ``PaceRefused`` and
    ``PacingUnavailable`` from ``reserve`` pass through: the call is not sent. The sync transport, the async one
    and the proxy all take their turn through here.
    """
    started = clock()
    for attempt in range(1, attempts + 1):
        allowance = None if max_wait is None else max(max_wait - (clock() - started), 0.0)
        delay = reserve(allowance)
        booked = clock()
        if delay > 0:
            yield delay
        if attempt == attempts or not woke_late(delay, clock() - booked):
            return


def take_turn(
    bucket: Bucket,
    max_wait: float | None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    attempts: int = TURN_ATTEMPTS,
) -> float:
    """``turn_waits`` slept through with ``sleep``; returns the seconds spent."""
    started = clock()
    for delay in turn_waits(bucket.reserve, max_wait, clock=clock, attempts=attempts):
        sleep(delay)
    return clock() - started


def pacing_url_from_env(environ: dict[str, str] | None = None) -> str | None:
    """``$CJERR_PACING_URL``, or None when it is unset or blank."""
    value = (environ if environ is not None else os.environ).get(PACING_URL_ENV, "").strip()
    return value or None


def open_backend(
    url: str | None,
    *,
    state_dir: Path | None = None,
    share: bool = True,
    clock: Callable[[], float] = time.time,
    connect_timeout: float = 2.0,
) -> Backend:
    """The backend a pacing URL names (None: the lock file). A bad URL raises ValueError; a missing
    ``redis`` package or an unreachable Redis raises PacingUnavailable."""
    if url is None or not url.strip():
        return FileBackend(state_dir, shared=share, clock=clock)
    text = url.strip()
    scheme = urlsplit(text).scheme.lower()
    if scheme == "file":
        path = unquote(urlsplit(text).path)
        return FileBackend(Path(path) if path else state_dir, shared=True, clock=clock)
    if scheme == "memory":
        return FileBackend(None, shared=False, clock=clock)
    if scheme in ("redis", "rediss", "unix"):
        from cj_errors.sdk import redis_limiter

        return redis_limiter.RedisBackend(text, connect_timeout=connect_timeout)
    named = f"scheme {scheme}:" if scheme else "URL without a scheme"
    raise ValueError(f"unknown pacing {named}; use file:, file:///DIR, memory: or redis://HOST:PORT/DB")


class Limiter:
    """Which bucket a call draws from: the token endpoints' own throttle, else the account's calls a second.

    ``qps`` 0.5 is one call every 2 s; 2 is two calls in any second; 0 turns account pacing off (the token
    endpoints stay paced). Buckets are made once per key and kept.
    """

    def __init__(self, backend: Backend, qps: float) -> None:
        self.backend = backend
        self.qps = qps
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, key: str, calls: int, window: float) -> Bucket:
        with self._lock:
            found = self._buckets.get(key)
            if found is None:
                found = self.backend.bucket(key, calls, window)
                self._buckets[key] = found
            return found

    def bucket_for(self, path: str, host: str, token: str | None, *, login_limit: bool | None = None) -> Bucket | None:
        """The bucket for a call to ``path`` (relative to /api2.0/v1) on ``host`` with ``token``.

        ``login_limit``: the token endpoints get their own bucket at CJ's limits. By default (None) they do,
        except against a loopback host (``cjerr mock``, a test server), where the server's answers rule and a
        suite may log in as often as the server lets it; without it they are paced like any other call."""
        if login_limit is None:
            login_limit = not is_loopback(host)
        if path in pacing.AUTH_LIMITS and login_limit:
            calls, window = pacing.AUTH_LIMITS[path]
            return self._bucket(pacing.state_key(f"auth {path}", host), calls, window)
        if self.qps <= 0:
            return None
        calls, window = (int(self.qps), 1.0) if self.qps >= 1 else (1, 1.0 / self.qps)
        if not token:
            return self._bucket(pacing.state_key(f"anonymous {host}", None), calls, window)
        return self._bucket(token_key(token), calls, window)  # the backend follows the token to its account

    def note_answer(
        self, path: str, token: str | None, bucket: Bucket | None, limit: str | None, document: Any
    ) -> None:
        """What an answer teaches the limiter: whose account a token is, and whether to slow down (a 1600200
        seen by any member slows every member) or recover. Best effort: the call was sent and answered, so a
        pacing state that went away must not turn its answer into a "not sent" error."""
        try:
            if document is not None:
                self.learn(path, token, document)
            if bucket is not None:
                if limit in ("qps", "bare_429"):
                    bucket.slow_down()
                elif document is not None:
                    bucket.recover()
        except PacingUnavailable:
            pass  # the next call's turn reports it, before anything is sent

    def learn(self, path: str, token: str | None, document: Any) -> None:
        """Note whose account a token is, from an answer that names the openId (see LEARN_PATHS)."""
        if path not in LEARN_PATHS or not isinstance(document, dict):
            return
        data = document.get("data")
        if not isinstance(data, dict):
            return
        open_id = data.get("openId")
        if isinstance(open_id, bool) or not isinstance(open_id, int | str) or not str(open_id).strip():
            return
        account = account_key(str(open_id).strip())
        handed_out = data.get("accessToken")
        for known in (handed_out if isinstance(handed_out, str) else None, token):
            if known:
                self.backend.learn(token_key(known), account)
