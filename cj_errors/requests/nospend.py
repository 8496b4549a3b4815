"""The no-spend guard: which calls spend money or cannot be undone, refused before anything is sent.

The catalog marks the endpoints (``Endpoint.spends``: pay, confirm, delete). One more case depends on the
body: createOrderV2 with ``payType: 2`` pays from the balance as it creates, unless the order is a sandbox
order (``isSandbox: 1``; https://developers.cjdropshipping.com/en/api/api2/api/shopping.html).
``cjerr probe --no-spend`` and the SDK transports (``no_spend=True``) share this one rule; the setting also
comes from ``$CJERR_NO_SPEND`` and, for probe, ``no_spend = true`` in the config file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from cj_errors.base.envvars import NO_SPEND_ENV
from cj_errors.table import catalog

_TRUE = ("1", "true", "yes", "on")
_PAYS_ON_CREATE = "/shopping/order/createOrderV2"


class SpendRefused(PermissionError):
    """Raised by the SDK transports, before sending, for a call the no-spend setting refuses."""


def env_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``$CJERR_NO_SPEND`` is 1, true, yes or on (any case)."""
    env = os.environ if environ is None else environ
    return env.get(NO_SPEND_ENV, "").strip().lower() in _TRUE


def _body_object(body: bytes | None) -> dict[str, object] | None:
    if not body:
        return None
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def refusal(path: str, method: str, body: bytes | None) -> str | None:
    """Why this call is refused under no-spend, in one line; None when it spends nothing."""
    endpoint = catalog.find(path)
    if endpoint is not None and method == endpoint.method and endpoint.spends:
        return f"{path} {endpoint.spends}"
    if path == _PAYS_ON_CREATE and method == "POST":
        fields = _body_object(body)
        if fields is not None and str(fields.get("payType", "")).strip() == "2":
            if str(fields.get("isSandbox", "")).strip() not in ("1", "True", "true"):
                return f"{path} with payType 2 pays from the account balance as it creates the order"
    return None


def message(reason: str, setting: str) -> str:
    """The refusal as shown to the user: the reason and how to allow it."""
    return f"not sent (no-spend): {reason}; {setting} refuses calls that spend money or cannot be undone"
