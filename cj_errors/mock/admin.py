"""The admin API under ``/__cjerr/`` on the mock's own port, outside CJ's ``/api2.0/v1`` paths.

* ``GET /__cjerr/requests`` the journal (``?path=/shopping/order/createOrderV2&method=POST`` filter it);
  ``DELETE /__cjerr/requests`` empties it;
* ``POST /__cjerr/reset`` forgets orders, tokens, counters and the journal, and puts the balance back;
  the catalogue and the rules stay;
* ``GET /__cjerr/faults`` lists the rules with how many requests each matched; ``POST`` adds rules
  (``{"rules": [...]}`` or one rule object, the rules-file form); ``DELETE`` drops them all, or one
  with ``?index=N``;
* ``GET /__cjerr/state`` shows the balance, the orders, the tokens (masked), points and the catalogue.

Answers are JSON; a mistake is HTTP 400 (bad body), 404 (unknown path) or 405 (wrong method) with
``{"error": "..."}``. Admin calls never get faults and are not journaled.

A web page open in the developer's browser can reach the mock too, so an admin call is refused (403) when its
``Host`` does not name this machine (DNS rebinding) or its ``Origin`` is not a loopback origin, and a POST
with a body must say ``Content-Type: application/json`` (415): a cross-site "simple" ``text/plain`` POST,
which a browser sends without asking, never changes the rules or resets the mock.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

from cj_errors.base import limits
from cj_errors.base.httpguard import host_allowed, origin_allowed
from cj_errors.mock.bodies import MockRequest, MockResponse
from cj_errors.mock.rules import rule_from_mapping, rules_from_document

if TYPE_CHECKING:
    from cj_errors.mock.catalogue import Catalogue
    from cj_errors.mock.config import MockConfig
    from cj_errors.mock.journal import Journal
    from cj_errors.mock.orders import Orders
    from cj_errors.mock.rules import RuleBook
    from cj_errors.mock.state import Store
    from cj_errors.mock.tokens import TokenBook
    from cj_errors.webhooks.hub import WebhookHub


class MockApp(Protocol):
    """What the admin API reads and changes of the mock (``mock.app.MockApp`` is the one there is).

    A protocol, so that the app can route ``/__cjerr/`` here without the two modules importing each other.
    """

    config: MockConfig
    store: Store
    catalogue: Catalogue
    tokens: TokenBook
    orders: Orders
    rules: RuleBook
    journal: Journal
    webhooks: WebhookHub

    def reset(self) -> None: ...

    def points_state(self) -> dict[str, Any]: ...


PREFIX = "/__cjerr/"


def _answer(document: Any, status: int = 200) -> MockResponse:
    body = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    return MockResponse(status=status, body=body + b"\n", content_type="application/json")


def _error(message: str, status: int) -> MockResponse:
    return _answer({"error": message}, status)


def refusal(app: MockApp, request: MockRequest) -> MockResponse | None:
    """Why an admin call is refused before it is looked at (see the module's docstring), or None."""
    headers = request.headers
    if not host_allowed(headers.get("host"), app.config.host):
        return _error("the admin API answers only requests whose Host names this machine", 403)
    if not origin_allowed(headers.get("origin")):
        return _error("the admin API refuses requests from a web page on another origin", 403)
    if request.method == "POST":
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if (media or request.body) and media != "application/json":
            return _error("send the admin API JSON with Content-Type: application/json", 415)
    return None


def handle(app: MockApp, request: MockRequest, path: str, query_string: str) -> MockResponse:
    refused = refusal(app, request)
    if refused is not None:
        return refused
    name = path[len(PREFIX) :].strip("/") if path.startswith(PREFIX) else ""
    query = dict(parse_qsl(query_string, keep_blank_values=True))
    method = request.method
    routes = {
        "requests": ("GET", "DELETE"),
        "reset": ("POST",),
        "faults": ("GET", "POST", "DELETE"),
        "state": ("GET",),
        "webhooks": ("POST",),
    }
    if name not in routes:
        return _error(f"unknown admin path {path}; use {', '.join(PREFIX + route for route in routes)}", 404)
    if method not in routes[name]:
        return _error(f"{PREFIX}{name} takes {' or '.join(routes[name])}, not {method}", 405)
    if name == "requests":
        if method == "DELETE":
            return _answer({"cleared": app.journal.clear()})
        entries = app.journal.entries(query.get("path"), query.get("method"))
        return _answer({"count": len(entries), "requests": entries})
    if name == "reset":
        app.reset()
        return _answer({"reset": True, "balance": app.store.balance})
    if name == "faults":
        return _faults(app, request, method, query)
    if name == "webhooks":
        return _trigger(app, request)
    return _answer(state(app))


def _trigger(app: MockApp, request: MockRequest) -> MockResponse:
    """POST /__cjerr/webhooks {"topic": "STOCK", "messageType": "UPDATE", "params": {...}, "openId": 1}:
    deliver a message as CJ would after a change the mock does not model (stock, products).

    Without ``openId`` every account that registered the topic gets it; without ``params``, a sample.
    """
    from cj_errors import webhooks

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")  # NaN and Infinity would reach receivers as invalid JSON

    try:
        document = json.loads(request.body.decode("utf-8") or "{}", parse_constant=no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _error("the body must be a JSON object", 400)
    if not isinstance(document, dict):
        return _error("the body must be a JSON object", 400)
    topic = str(document.get("topic", "")).upper()
    try:
        webhooks.topic_named(topic)
    except webhooks.WebhookError as error:
        return _error(str(error), 400)
    message_type = str(document.get("messageType") or "UPDATE").upper()
    if message_type not in webhooks.topic_named(topic).message_types:
        kinds = ", ".join(webhooks.topic_named(topic).message_types)
        return _error(f"{topic} messages have messageType {kinds}, not {message_type!r}", 400)
    params = document.get("params")
    if params is None:
        params = webhooks.sample_params(topic, message_type)
    targets = [str(document["openId"])] if "openId" in document else app.webhooks.accounts()
    sent = [target for target in targets if app.webhooks.publish(target, topic, params, message_type=message_type)]
    return _answer({"topic": topic, "messageType": message_type, "deliveries": len(sent)})


def _faults(app: MockApp, request: MockRequest, method: str, query: dict[str, str]) -> MockResponse:
    if method == "GET":
        return _answer({"rules": app.rules.listing()})
    if method == "DELETE":
        index_text = query.get("index")
        if index_text is None:
            return _answer({"removed": app.rules.remove()})
        if not index_text.isdecimal():
            return _error(f"index must be a whole number, got {index_text!r}", 400)
        removed = app.rules.remove(int(index_text))
        if not removed:
            return _error(f"no rule with index {index_text}", 404)
        return _answer({"removed": removed, "rules": app.rules.listing()})
    if len(request.body) > limits.MOCK_ADMIN_BODY_BYTES:
        return _error(f"body over {limits.MOCK_ADMIN_BODY_BYTES} bytes", 413)
    try:
        document = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _error('send JSON: {"rules": [{"fault": "1600200", "count": 2}]} or one rule object', 400)
    try:
        if isinstance(document, dict) and "rules" in document:
            rules = rules_from_document(document, "admin")
        else:
            rules = [rule_from_mapping(document, "admin rule")]
    except ValueError as error:
        return _error(str(error), 400)
    app.rules.add(rules)
    return _answer({"added": len(rules), "rules": app.rules.listing()})


def state(app: MockApp) -> dict[str, Any]:
    orders = app.orders.summary()
    return {
        "balance": orders["balance"],
        "orders": orders["orders"],
        "tokens": app.tokens.listing(),
        "points": app.points_state(),
        "journal": len(app.journal),
        "stateFile": app.config.state_file,
        "catalogue": app.catalogue.summary(),
    }
