"""Webhook registrations and deliveries for a CJ stand-in (``cjerr mock``), one hub per server.

The mock hands ``/webhook/set`` bodies to ``configure`` and calls ``publish`` after each state
change; the hub keeps the callback URL of each topic per account (openId), refuses URLs the way CJ
does (unless ``allow_local``), and delivers through one ``webhooks.Deliverer`` per openId, in the
background, with CJ's 3-second rule, retries and closing rule. Standard library only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cj_errors import webhooks

# The /webhook/set objects, in the order CJ's docs list them.
SETTINGS = ("product", "stock", "order", "logistics", "makeup", "privateOrder")
_ENABLE = frozenset({"ENABLE", "ALL"})  # ALL is the older docs' word for ENABLE


@dataclass(frozen=True)
class Refusal:
    """Why ``/webhook/set`` fails: the CJ code to answer with, and the setting and URL it is about."""

    code: int
    setting: str
    url: str | None


class WebhookHub:
    """Thread-safe; ``journal`` gets the Deliverer's records (``webhook.attempt`` and ``webhook.delivery``)."""

    def __init__(
        self,
        *,
        allow_local: bool = False,
        journal: webhooks.Journal | None = None,
        retry_delays: Sequence[float] = webhooks.DEFAULT_RETRY_DELAYS,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.allow_local = allow_local
        self._journal = journal
        self._retry_delays = tuple(retry_delays)
        self._clock = clock
        self._sleep = sleep
        self._urls: dict[str, dict[str, str]] = {}  # openId -> setting -> URL
        self._deliverers: dict[str, webhooks.Deliverer] = {}
        self._lock = threading.Lock()
        self._version = 0  # goes up with every change of any account's URLs, never back

    def _deliverer(self, open_id: str) -> webhooks.Deliverer:
        with self._lock:
            found = self._deliverers.get(open_id)
            if found is None:
                found = webhooks.Deliverer(
                    open_id, self._journal, retry_delays=self._retry_delays, clock=self._clock, sleep=self._sleep
                )
                self._deliverers[open_id] = found
            return found

    def configure(self, open_id: str | int, body: Mapping[str, Any]) -> Refusal | None:
        """Apply a ``/webhook/set`` body; None when CJ would answer success, else the ``Refusal``.

        Nothing changes when any URL is refused, as one call to CJ either passes or fails.
        """
        key = str(open_id)
        changes: dict[str, str | None] = {}
        for setting in SETTINGS:
            entry = body.get(setting)
            if not isinstance(entry, Mapping):
                continue
            kind = str(entry.get("type", "")).upper()
            if kind == "CANCEL":
                changes[setting] = None
                continue
            if kind not in _ENABLE:
                continue  # the mock's request validation reports a bad type; nothing to register
            urls = entry.get("callbackUrls")
            if not isinstance(urls, list) or not urls or not isinstance(urls[0], str):
                return Refusal(1607000, setting, None)
            code = webhooks.registration_error(urls[0], allow_local=self.allow_local)
            if code is not None:
                return Refusal(code, setting, urls[0])
            changes[setting] = urls[0].strip()
        deliverer = self._deliverer(key)
        with self._lock:
            registered = self._urls.setdefault(key, {})
            for setting, url in changes.items():
                if url is None:
                    registered.pop(setting, None)
                else:
                    registered[setting] = url
            self._version += 1
        for setting, url in changes.items():
            if url is not None:
                for topic in webhooks.topics_for_setting(setting):
                    deliverer.health.reopen(topic)  # switching a topic on again clears CJ's closing rule
        return None

    def callbacks(self, open_id: str | int) -> dict[str, dict[str, Any]]:
        """What ``/setting/get`` shows under ``callback``: each setting's ``type`` and ``urls``."""
        with self._lock:
            registered = dict(self._urls.get(str(open_id), {}))
        return {
            setting: {"type": "ENABLE" if setting in registered else "CANCEL", "urls": [registered[setting]]}
            if setting in registered
            else {"type": "CANCEL", "urls": []}
            for setting in SETTINGS
        }

    @property
    def version(self) -> int:
        """A number that changes with every registration and never comes back: a key for a cached answer (a
        key built from the URLs themselves can recur, so an answer cached during a change could be served
        after the change is undone)."""
        with self._lock:
            return self._version

    def accounts(self) -> list[str]:
        """The openIds that registered at least one callback URL."""
        with self._lock:
            return [key for key, urls in self._urls.items() if urls]

    def publish(
        self, open_id: str | int, topic: str, params: Any, *, message_type: str = "UPDATE"
    ) -> threading.Thread | None:
        """Deliver one message in the background if the account registered the topic; None when it did not."""
        setting = webhooks.topic_named(topic).setting
        key = str(open_id)
        with self._lock:
            url = self._urls.get(key, {}).get(setting or "")
        if url is None:
            return None
        return self._deliverer(key).deliver_async(url, topic, params, message_type=message_type)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for deliveries in flight (on shutdown); True when none is left."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            deliverers = list(self._deliverers.values())
        done = True
        for deliverer in deliverers:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            done = deliverer.join(left) and done
        return done


__all__ = ["SETTINGS", "Refusal", "WebhookHub"]
