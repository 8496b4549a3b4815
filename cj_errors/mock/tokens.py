"""Access and refresh tokens the way CJ's auth endpoints hand them out.

getAccessToken returns a pair; within 24 hours the same account gets the same pair back (CJ's token
cache, described on the auth page), and so does refreshAccessToken. After that, or once the access
token expired, refreshAccessToken issues a new pair and retires the old one, as long as the refresh
token itself is still alive (``--refresh-ttl``, separate from ``--token-ttl``). logout retires both.
``--auth-throttle SECONDS`` makes getAccessToken answer CJ's "1 time/300 seconds"-style 1600200 when
the same key asks again too soon.

Issued pairs live in the ``Store`` (and so survive a restart with ``--state``); the API key itself is
never stored, only a digest of it.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from cj_errors.base.redact import API_KEY_SHAPE, mask, register
from cj_errors.mock.bodies import CjError, code_message, qps_message
from cj_errors.mock.config import MockConfig
from cj_errors.mock.state import Store

TOKEN_CACHE_SECONDS = 24 * 3600.0  # the auth page: the same pair comes back within 24 hours
_CN_TIME = datetime.timezone(datetime.timedelta(hours=8))  # CJ prints token dates with +08:00
_JWT_HEADER = "eyJhbGciOiJIUzI1NiJ9"  # base64url of {"alg":"HS256"}, the header of tokens seen in public code
FIXED_OPEN_ID = 10000  # the account of tokens from --token-file


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_token(account: str, kind: str) -> str:
    payload = {"jti": uuid.uuid4().hex, "sub": account, "type": kind, "iat": int(time.time())}
    body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
    return f"API@CJ{account}@CJ:{_JWT_HEADER}.{body}.{_b64url(secrets.token_bytes(32))}"


def account_of(api_key: str) -> tuple[str, int]:
    """(account number, openId) for an API key; stable for the same key."""
    digest = int.from_bytes(hashlib.sha256(api_key.encode("utf-8")).digest()[:8], "big")
    match = API_KEY_SHAPE.fullmatch(api_key)
    account = match.group(1) if match else str(1000000 + digest % 9000000)
    return account, 10000 + digest % 90000


def key_digest(api_key: str) -> str:
    return hashlib.sha256(("cjerr mock " + api_key).encode("utf-8")).hexdigest()[:24]


def cn_date(epoch: float) -> str:
    moment = datetime.datetime.fromtimestamp(min(epoch, 253402300799.0), tz=_CN_TIME)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def token_data(pair: Mapping[str, Any], *, with_open_id: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"openId": pair["open_id"]} if with_open_id else {}
    data.update(
        accessToken=pair["access"],
        accessTokenExpiryDate=cn_date(pair["access_expires"]),
        refreshToken=pair["refresh"],
        refreshTokenExpiryDate=cn_date(pair["refresh_expires"]),
        createDate=cn_date(pair["created"]),
    )
    return data


class TokenBook:
    """Token issue, refresh, expiry and logout over a ``Store``. Thread-safe through ``store.lock``."""

    def __init__(self, config: MockConfig, store: Store, wall: Callable[[], float]) -> None:
        self.config = config
        self.store = store
        self.wall = wall
        self.fixed = frozenset(config.tokens)  # --token-file: accepted forever, account FIXED_OPEN_ID
        self._last_auth: dict[str, float] = {}
        for pair in store.tokens.values():  # tokens issued before a restart with --state
            register(pair["access"])
            register(pair["refresh"])

    def owner(self, token: str) -> int | None:
        """The openId of a live access token, or None when it is unknown or expired."""
        if token in self.fixed:
            return FIXED_OPEN_ID
        with self.store.lock:
            pair = self.store.tokens.get(token)
            if pair is None or self.wall() >= pair["access_expires"]:
                return None
            return int(pair["open_id"])

    def _issue(self, key: str | None, open_id: int, account: str) -> dict[str, Any]:
        now = self.wall()
        pair: dict[str, Any] = {
            "access": make_token(account, "access"),
            "refresh": make_token(account, "refresh"),
            "created": now,
            "access_expires": now + self.config.token_ttl,
            "refresh_expires": now + self.config.refresh_ttl,
            "open_id": open_id,
            "account": account,
            "key": key,
        }
        register(pair["access"])
        register(pair["refresh"])
        self.store.put_token(pair)
        return pair

    def _cached(self, pair: Mapping[str, Any]) -> bool:
        now = self.wall()
        return bool(now < pair["access_expires"] and now - pair["created"] < TOKEN_CACHE_SECONDS)

    def get_access_token(self, body: Mapping[str, Any]) -> dict[str, Any]:
        api_key = body.get("apiKey")
        key = api_key.strip() if isinstance(api_key, str) else ""
        # Only {apiKey} works since 2025; email + password gets 1600005 too.
        if not key or not (self.config.accept_any_key or API_KEY_SHAPE.fullmatch(key)):
            raise CjError(1600005, code_message(1600005))
        account, open_id = account_of(key)
        digest = key_digest(key)
        with self.store.lock:
            now = self.wall()
            throttle = self.config.auth_throttle
            last = self._last_auth.get(digest)
            if throttle > 0 and last is not None and now - last < throttle:
                raise CjError(1600200, qps_message(1, max(int(round(throttle)), 1)))
            self._last_auth[digest] = now
            pair = next(
                (item for item in self.store.tokens.values() if item.get("key") == digest and self._cached(item)),
                None,
            )
            if pair is None:
                pair = self._issue(digest, open_id, account)
        return token_data(pair, with_open_id=True)

    def refresh(self, body: Mapping[str, Any]) -> dict[str, Any]:
        value = body.get("refreshToken")
        refresh = value.strip() if isinstance(value, str) else ""
        with self.store.lock:
            old = next((item for item in self.store.tokens.values() if refresh and item["refresh"] == refresh), None)
            if old is None or self.wall() >= old["refresh_expires"]:
                raise CjError(1600003, code_message(1600003))
            if self._cached(old):
                pair = old  # within 24 hours CJ hands back the same pair
            else:
                # After 24 hours, or once the access token expired: a new pair, and the old one stops
                # working, so a client that keeps the old token is caught.
                self.store.drop_token(old["access"])
                pair = self._issue(old.get("key"), int(old["open_id"]), str(old.get("account", "1000000")))
        return token_data(pair, with_open_id=False)

    def logout(self, token: str) -> None:
        with self.store.lock:
            if token in self.store.tokens:
                self.store.drop_token(token)

    def listing(self) -> list[dict[str, Any]]:
        """The live pairs for ``GET /__cjerr/state``, masked."""
        now = self.wall()
        with self.store.lock:
            return [
                {
                    "accessToken": mask(pair["access"]),
                    "refreshToken": mask(pair["refresh"]),
                    "openId": pair["open_id"],
                    "accessExpired": now >= pair["access_expires"],
                    "refreshExpired": now >= pair["refresh_expires"],
                    "accessTokenExpiryDate": cn_date(pair["access_expires"]),
                    "refreshTokenExpiryDate": cn_date(pair["refresh_expires"]),
                }
                for pair in self.store.tokens.values()
            ] + [{"accessToken": mask(token), "openId": FIXED_OPEN_ID, "fromTokenFile": True} for token in self.fixed]
