"""The Redis backend of ``cj_errors.sdk.limiter``: one pace for every host of a fleet (``pacing_url="redis://..."``).

Each bucket is a short Redis list of booked send times plus a slowdown factor, changed by one Lua script per
call, so that two hosts never book the same slot. The clock is Redis's own (``TIME``), so hosts whose clocks
disagree still space their calls by the limit. A 1600200 that any member sees doubles the bucket's spacing for
everyone (up to 4 times; it decays after a minute without news, and halves with each answer that is not a rate
limit), the idea of botocore's adaptive retry mode applied across a fleet, as octokit's throttling plugin and
Envoy's global rate limit service keep their shared counts in Redis.

Keys live under ``cjerr:pace:`` and ``cjerr:account:``; each is a SHA-256 (of the account's openId or of the
token), never a secret, and each expires on its own. An unreachable Redis raises ``PacingUnavailable``: the call
is not sent. Needs the ``redis`` package (``pip install 'cjerr[redis]'``), imported only here.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cj_errors.sdk import pacing
from cj_errors.sdk.pacing import _MAX_SLOWDOWN as MAX_SLOWDOWN
from cj_errors.sdk.pacing import PacingUnavailable

if TYPE_CHECKING:
    import redis

__all__ = ["RedisBackend", "RedisBucket"]

PREFIX = "cjerr:"
_SLOWDOWN_SECONDS = 60  # a slowdown nobody renews fades after this
_ALIAS_SECONDS = 30 * 24 * 3600  # a token-to-account alias is forgotten after 30 days
# Slots of a fleet are this much further apart than the limit asks (the lock file's margin is 0.05 s): calls
# from several hosts reach CJ by different paths, and integrators who share one account report that calls
# spaced 1.1-1.2 s apart keep clear of 1600200 at 1 call a second.
FLEET_MARGIN = 0.15
_ACCOUNTS = f"{PREFIX}pace:"  # account buckets: cjerr:pace:<account hash>:slots and :slowdown

# KEYS[1] the slots list, KEYS[2] the slowdown, KEYS[3] the token's account alias (absent for other buckets).
# ARGV: calls, window, margin, max_wait (-1: none), max slowdown, the key prefix of account buckets.
# Once the alias names the account, the account's bucket is used, and the slots this token booked before are
# read too: the switch from the token's key to the account's leaves no gap, whatever member learned it.
# Returns {booked (1/0), wait as text}: Lua numbers come back to the client as integers unless sent as text.
_RESERVE = """
local slots_key, slow_key, before = KEYS[1], KEYS[2], nil
local account = redis.call('GET', KEYS[3])
if account then
  before = KEYS[1]
  slots_key, slow_key = ARGV[6] .. account .. ':slots', ARGV[6] .. account .. ':slowdown'
end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local calls = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local margin = tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])
local max_slow = tonumber(ARGV[5])
local slowdown = tonumber(redis.call('GET', slow_key) or '1') or 1
if slowdown < 1 then slowdown = 1 end
if slowdown > max_slow then slowdown = max_slow end
local slots = {}
for _, key in ipairs({slots_key, before}) do
  for _, value in ipairs(redis.call('LRANGE', key, 0, -1)) do
    local slot = tonumber(value)
    if slot and slot > now - window * max_slow then table.insert(slots, slot) end
  end
end
table.sort(slots)
local n = #slots
local slot = now
if n > 0 and slowdown > 1 then slot = math.max(slot, slots[n] + (window / calls) * slowdown) end
if n >= calls then slot = math.max(slot, slots[n - calls + 1] + window + margin) end
local wait = slot - now
if max_wait >= 0 and wait > max_wait then return {0, tostring(wait)} end
redis.call('DEL', slots_key)
local first = math.max(1, n - calls + 1)
for i = first, n do redis.call('RPUSH', slots_key, tostring(slots[i])) end
redis.call('RPUSH', slots_key, string.format('%.6f', slot))
redis.call('PEXPIRE', slots_key, math.ceil((wait + window * max_slow) * 1000) + 1000)
return {1, tostring(wait)}
"""

# KEYS[1] the slowdown, KEYS[2] the account alias. ARGV: "slow" or "recover", max slowdown, seconds to keep
# it, the key prefix of account buckets.
_ADJUST = """
local key = KEYS[1]
local account = redis.call('GET', KEYS[2])
if account then key = ARGV[4] .. account .. ':slowdown' end
local slowdown = tonumber(redis.call('GET', key) or '1') or 1
if ARGV[1] == 'slow' then
  slowdown = math.min(math.max(slowdown, 1) * 2, tonumber(ARGV[2]))
  redis.call('SET', key, tostring(slowdown), 'EX', tonumber(ARGV[3]))
elseif slowdown > 1 then
  slowdown = math.max(1, slowdown / 2)
  if slowdown == 1 then redis.call('DEL', key)
  else redis.call('SET', key, tostring(slowdown), 'EX', tonumber(ARGV[3])) end
end
return tostring(slowdown)
"""


class RedisBucket:
    """One limit kept in Redis; the same methods as ``pacing.Pacer``."""

    def __init__(self, backend: RedisBackend, key: str, calls: int, window: float) -> None:
        if calls < 1 or window <= 0:
            raise ValueError("a pace needs at least 1 call per positive window")
        self.key = key
        self.calls = calls
        self.window = window
        self._backend = backend
        self._slots = f"{PREFIX}pace:{key}:slots"
        self._slowdown = f"{PREFIX}pace:{key}:slowdown"
        self._alias = f"{PREFIX}account:{key}"  # set once an answer named the account of this token

    def reserve(self, max_wait: float | None = None) -> float:
        booked, wait_text = self._backend.run(
            self._backend.reserve_script,
            [self._slots, self._slowdown, self._alias],
            [self.calls, self.window, FLEET_MARGIN, -1 if max_wait is None else max_wait, MAX_SLOWDOWN, _ACCOUNTS],
        )
        wait = max(float(wait_text), 0.0)
        if not int(booked):
            raise pacing.PaceRefused(wait, self.calls, self.window)
        return wait

    def slow_down(self) -> None:
        self._adjust("slow")

    def recover(self) -> None:
        self._adjust("recover")

    def _adjust(self, how: str) -> float:
        found = self._backend.run(
            self._backend.adjust_script,
            [self._slowdown, self._alias],
            [how, MAX_SLOWDOWN, _SLOWDOWN_SECONDS, _ACCOUNTS],
        )
        return float(found)

    @property
    def slowdown(self) -> float:
        def read(client: redis.Redis) -> Any:
            account = client.get(self._alias)
            if isinstance(account, bytes):
                return client.get(f"{_ACCOUNTS}{account.decode('ascii', 'replace')}:slowdown")
            return client.get(self._slowdown)

        value = self._backend.call(read)
        try:
            return min(max(float(value), 1.0), MAX_SLOWDOWN) if value is not None else 1.0
        except (TypeError, ValueError):
            return 1.0


class RedisBackend:
    """Buckets and token-to-account aliases in one Redis, named by a ``redis://``, ``rediss://`` or ``unix://`` URL."""

    def __init__(self, url: str, *, connect_timeout: float = 2.0, timeout: float = 2.0) -> None:
        try:
            import redis as redis_module
        except ImportError:
            raise ImportError("pacing through Redis needs the redis package: pip install 'cjerr[redis]'") from None
        self._module = redis_module
        self.url = url
        try:
            self._client: redis.Redis = redis_module.Redis.from_url(
                url, socket_connect_timeout=connect_timeout, socket_timeout=timeout, retry_on_timeout=False
            )
        except ValueError as error:
            raise ValueError(f"bad Redis URL {shown_url(url)}: {error}") from None
        self._learned: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self.reserve_script = self._client.register_script(_RESERVE)
        self.adjust_script = self._client.register_script(_ADJUST)
        # A wrong URL is told now, not at the first call; and the scripts are loaded before the first call,
        # whose slot would otherwise wait for the load.
        self.call(lambda client: [client.script_load(_RESERVE), client.script_load(_ADJUST)])

    @property
    def description(self) -> str:
        return shown_url(self.url)

    @property
    def shared(self) -> bool:
        return True

    def call(self, action: Any) -> Any:
        try:
            return action(self._client)
        except self._module.exceptions.RedisError as error:
            raise PacingUnavailable(
                f"pacing state at {shown_url(self.url)} cannot be reached ({type(error).__name__}: "
                f"{_first_line(error)}); the call was not sent"
            ) from None

    def run(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        return self.call(lambda client: script(keys=keys, args=args, client=client))

    def bucket(self, key: str, calls: int, window: float) -> RedisBucket:
        return RedisBucket(self, key, calls, window)

    def learn(self, token_hash: str, account_hash: str) -> None:
        """Pace this token's calls in its account's bucket from now on, for every member (the scripts read it)."""
        with self._lock:
            if (token_hash, account_hash) in self._learned:
                return
            self._learned.add((token_hash, account_hash))
        self.call(lambda client: client.set(f"{PREFIX}account:{token_hash}", account_hash, ex=_ALIAS_SECONDS))

    def close(self) -> None:
        try:
            self._client.close()
        except self._module.exceptions.RedisError:
            pass


def shown_url(url: str) -> str:
    """A Redis URL as it may be printed: a password in it is replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port is not None else ""
    return parts._replace(netloc=f"{user}:***@{host}{port}").geturl()


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else "no detail"
