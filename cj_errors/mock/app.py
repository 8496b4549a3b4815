"""The mock itself, without sockets: ``MockApp.handle`` takes one request and returns one response.

Order of the checks for one request to a CJ path (first hit answers):

1. injected faults (``--fail``, ``--rules``, rules added through ``/__cjerr/faults``); ``slow`` faults and
   ``--latency`` only add delay. A request that gets an injected fault is not counted against the QPS
   limit or the points budget, unless the fault acts first (``http504:after``...): then checks 2-9 run
   and their effect stays (the order is created), and only the answer is replaced by the fault;
2. unknown path -> 1600101;
3. token: missing -> 1600002, unknown or expired -> 1600001;
4. QPS limit -> 1600200 (per token; tokenless auth calls per client IP);
5. HTTP method -> 16900202;
6. body: Content-Type -> 16900203, missing -> 16900204, malformed -> 16900205;
7. required fields -> 16900403 (JSON bodies) or 1600300 (query and form);
8. points budget -> 16900500 (charged only when the call gets past the checks above);
9. the endpoint's own answer, from the catalogue and the stored orders, balance and tokens.

Paths under ``/__cjerr/`` are the admin API (see ``cj_errors.mock.admin``); they never get faults.
"""

from __future__ import annotations

import datetime
import email.parser
import email.policy
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cj_errors.base import limits
from cj_errors.mock import admin, documented
from cj_errors.mock.bodies import (
    HTML_TYPE,
    LOGIN_PAGE,
    Call,
    CjError,
    MockRequest,
    MockResponse,
    code_message,
    data_key,
    error_body,
    error_page,
    json_response,
    missing_fields,
    points_message,
    qps_message,
    request_id,
    success_body,
    success_body_code,
    success_data,
)
from cj_errors.mock.catalogue import Catalogue, strict_page
from cj_errors.mock.config import MockConfig
from cj_errors.mock.journal import Journal
from cj_errors.mock.orders import Orders
from cj_errors.mock.rules import Fault, Rule, RuleBook
from cj_errors.mock.state import Store, StoreWriteError, store_failure
from cj_errors.mock.tokens import TokenBook
from cj_errors.table import catalog
from cj_errors.table.catalog import API_PREFIX, Endpoint, Location
from cj_errors.webhooks.hub import WebhookHub

# Endpoint-specific wordings for a missing query field (getOrderDetail's documented 1600300 messages).
_QUERY_MISSING_MESSAGE: dict[str, str] = {"/shopping/order/getOrderDetail": "orderId must be not empty"}
_DEFAULT_DAILY_POINTS = 50000  # CJ's base points per day, used in injected points errors without --points
_MINUTES_PER_DAY = 1440


class MockApp:
    """Everything but the sockets: one call to ``handle`` per request. Thread-safe."""

    def __init__(
        self,
        config: MockConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self._clock = clock
        self._wall = wall
        self._lock = threading.Lock()
        self.store = Store.open(config.balance, config.state_file)
        self.catalogue = Catalogue(config.seed)
        self.tokens = TokenBook(config, self.store, wall)
        self.orders = Orders(self.store, self.catalogue)
        self.rules = RuleBook(list(config.rules), config.seed)
        self.journal = Journal()
        # /webhook/set registrations and signed deliveries of ORDER, LOGISTIC, STOCK and PRODUCT messages.
        self.webhooks = WebhookHub(allow_local=config.allow_local_webhooks, journal=self.journal.note)
        self._windows: dict[str, deque[float]] = {}
        # Success answers serialised once per (path, key): the body before and after its requestId (see _cached).
        self._bodies: dict[tuple[str, Hashable], tuple[bytes, bytes | None]] = {}
        self._bodies_size = 0  # bytes of the answers and keys in _bodies
        self._bodies_lock = threading.Lock()
        self._points_day = self._utc_day()
        self._points_used = 0.0
        self._points_at = clock()
        self._routes: dict[str, Endpoint] = {API_PREFIX + endpoint.path: endpoint for endpoint in catalog.ENDPOINTS}

    def close(self) -> None:
        self.webhooks.join(timeout=5)  # let deliveries in flight finish, as a real shutdown would
        self.store.close()

    def publish_order(self, owner: int, key: str, message_type: str) -> None:
        """Deliver an ORDER message for the order ``key`` (id or orderNumber), if the account registered one."""
        with self.store.lock:
            order = self.orders.stored(owner, key)
            params = self.orders.order_params(order) if order is not None else None
        if params is not None:
            self.webhooks.publish(owner, "ORDER", params, message_type=message_type)

    def publish_logistic(self, owner: int, key: str) -> None:
        with self.store.lock:
            order = self.orders.stored(owner, key)
            params = self.orders.logistic_params(order) if order is not None and order.get("trackNumber") else None
        if params is not None:
            self.webhooks.publish(owner, "LOGISTIC", params)

    def publish_stock(self, owner: int, vids: list[str]) -> None:
        """A STOCK message with the warehouses' units of ``vids`` after they changed."""
        params = self.catalogue.stock_message(vids)
        if params:
            self.webhooks.publish(owner, "STOCK", params)

    def reset(self) -> None:
        """Forget orders, tokens, counters, the journal and the rules' counts; keep the catalogue and rules."""
        with self.store.lock:
            self.store.reset()
        self.catalogue.reset_stock()
        self.catalogue.clear_mine()
        with self._lock:
            self._windows.clear()
            self._points_used = 0.0
            self._points_at = self._clock()
        self.rules.reset_counters()
        self.journal.clear()

    # -- entry point --

    def handle(self, request: MockRequest) -> MockResponse:
        split = urlsplit(request.target)
        if split.path == admin.PREFIX.rstrip("/") or split.path.startswith(admin.PREFIX):
            return admin.handle(self, request, split.path, split.query)
        started = self._wall()
        path = split.path
        relative = path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path
        endpoint = self._routes.get(path)
        query = _query(split.query)
        token = request.header("CJ-Access-Token").strip()
        if self.config.replay is not None and (
            recorded := self.config.replay.take(request.method, relative, split.query)
        ):
            response = MockResponse(recorded.status, recorded.body, recorded.content_type, recorded.code, token=token)
            self.journal.record(request, response, started)  # a recorded answer (--replay) comes first
            return response
        pick = self.rules.pick(request.method, relative, query, _loose_json(request.body), self.config.latency)
        if pick.rule is not None and pick.fault is not None:
            if pick.fault.after:
                # As behind a proxy that forwards the call and then fails: the call takes effect, its answer is lost.
                try:
                    self._answer(request, endpoint, query, token)
                except CjError:
                    pass  # CJ refused it: nothing changed, and the app still sees only the fault
            response = self._fault_response(pick.rule, pick.fault, request, endpoint)
        else:
            try:
                with self.store.transaction():  # one transaction per CJ call (see mock/state.py)
                    response = self._answer(request, endpoint, query, token)
            except CjError as error:
                response = json_response(self._error_document(error, endpoint), error.code, status=error.status)
            except StoreWriteError as error:
                response = store_failure(str(error))
        response.delay = pick.delay
        response.token = token
        self.journal.record(request, response, started)
        return response

    # -- faults --

    def _fault_response(
        self, rule: Rule, fault: Fault, request: MockRequest, endpoint: Endpoint | None
    ) -> MockResponse:
        if rule.body is not None:
            raw = rule.body if isinstance(rule.body, str) else json.dumps(rule.body, ensure_ascii=False)
            code = rule.body.get("code") if isinstance(rule.body, dict) else None
            response = MockResponse(status=rule.status or 200, body=raw.encode("utf-8"))
            response.code = code if isinstance(code, int) and not isinstance(code, bool) else None
        elif fault.kind == "code":
            message = rule.message or self._injected_message(fault.code, request, endpoint)
            response = json_response(error_body(fault.code, message), fault.code, status=rule.status or 200)
        elif fault.kind == "http" and fault.code == 429:
            response = self._http429(fault.variant, endpoint, rule.message)
        elif fault.kind == "http":
            response = MockResponse(status=fault.code, body=error_page(fault.code), content_type=HTML_TYPE)
        elif fault.kind == "html":
            response = MockResponse(body=LOGIN_PAGE, content_type=HTML_TYPE)
        elif fault.kind == "empty":
            response = MockResponse(body=b"")
        else:  # drop
            data = {"padding": "x" * 256}
            response = json_response(
                {"code": 200, "result": True, "message": "Success", "data": data, "requestId": request_id()}, None
            )
            response.drop = True
        response.fault = rule
        response.fault_label = fault.label
        return response

    def _points_figures(self, endpoint: Endpoint | None) -> tuple[int, int, int]:
        """(used, budget, cost) for an injected points error: as if the budget were spent."""
        cost = endpoint.points if endpoint is not None and endpoint.points else 10
        with self._lock:
            budget = self.config.points if self.config.points is not None else _DEFAULT_DAILY_POINTS
            used = max(int(self._points_used), budget)
        return used, budget, cost

    def _http429(self, variant: str, endpoint: Endpoint | None, message: str | None) -> MockResponse:
        """HTTP 429 as CJ sends it: bare, the QPS limit, spent points, or the getAccessToken throttle."""
        if variant == "qps":
            # 1600200 with its QPS wording has been logged with HTTP 429 as well as with 200.
            text = message or qps_message(self.config.qps)
            return json_response(error_body(1600200, text), 1600200, status=429)
        if variant == "auth":
            # The getAccessToken throttle: one call per 5 minutes, in the QPS wording.
            text = message or qps_message(1, 300)
            return json_response(error_body(1600200, text), 1600200, status=429)
        if variant == "points":
            # The points page documents HTTP 429 with a body starting {"code": 429, "result": ...}; the
            # figures follow the 16900500 wording, plus pointsInfo (usedToday, remaining, total).
            used, budget, cost = self._points_figures(endpoint)
            body = error_body(429, message or points_message(used, 0, cost))
            body["data"] = {"pointsInfo": {"usedToday": used, "remaining": 0, "total": budget}}
            return json_response(body, 429, status=429)
        # A bare 429 that names no limit (the points page's body start, nothing more).
        return json_response(error_body(429, message or "Too Many Requests"), 429, status=429)

    def _injected_message(self, code: int, request: MockRequest, endpoint: Endpoint | None) -> str:
        if code == 1600200:
            return qps_message(self.config.qps)
        if code == 16900500:
            used, _budget, cost = self._points_figures(endpoint)
            return points_message(used, 0, cost)
        fill: list[str] = []
        if code == 16900202:
            fill = [request.method]
        elif code == 16900203:
            fill = [request.header("Content-Type") or "application/x-www-form-urlencoded"]
        elif code == 16900403:
            required = [spec.name for spec in endpoint.fields if spec.required] if endpoint is not None else []
            fill = [required[0] if required else "param"]
        elif code == 806:
            fill = ["null", "USPS"]
        return code_message(code, fill)

    # -- the normal path --

    def _error_document(self, error: CjError, endpoint: Endpoint | None) -> dict[str, Any]:
        document = error_body(error.code, error.message)
        info = self._points_info(endpoint)
        if info is not None:
            document["pointsInfo"] = info
        return document

    def _answer(
        self, request: MockRequest, endpoint: Endpoint | None, query: dict[str, list[str]], token: str
    ) -> MockResponse:
        if endpoint is None:
            raise CjError(1600101, "Interface not found")
        owner = 0
        if endpoint.needs_token:
            if not token:
                raise CjError(1600002, code_message(1600002))
            found = self.tokens.owner(token)
            if found is None:
                raise CjError(1600001, code_message(1600001))
            owner = found
            limit_key = "token:" + token
        else:
            limit_key = "ip:" + request.client  # getAccessToken / refreshAccessToken carry no token
        if not self._take_qps(limit_key):
            raise CjError(1600200, qps_message(self.config.qps))
        method = "GET" if request.method == "HEAD" else request.method
        # The catalog knows which paths take more than one method (/product/conn/connection: GET, POST, DELETE).
        if method != endpoint.method and method not in endpoint.other_methods:
            raise CjError(16900202, code_message(16900202, [request.method]))
        body: dict[str, Any] = {}
        location = endpoint.location if method == endpoint.method else Location.HEADERS
        if location is Location.JSON:
            body = self._json_body(request, endpoint)
            missing = missing_fields(endpoint.fields, endpoint.one_of, body)
            if missing:
                # 16900403 "{param} can not be empty": the current error table, and the live
                # "startCountryCode must be not empty" for a JSON body.
                raise CjError(16900403, code_message(16900403, [missing]))
        elif location in (Location.QUERY, Location.FORM):
            given: Mapping[str, Any] = query if location is Location.QUERY else self._form_fields(request)
            if missing_fields(endpoint.fields, endpoint.one_of, given):
                # 1600300 "Param error" for a missing query or form parameter; getOrderDetail has its own wording.
                message = _QUERY_MISSING_MESSAGE.get(endpoint.path, code_message(1600300))
                raise CjError(1600300, message)
        if self.config.points is not None and endpoint.points:
            self._charge(endpoint.points)
        call = Call(endpoint, query, body, self.config)
        if self.config.points is None:  # with a points budget every answer carries the day's figures
            key = self._cache_key(endpoint, call, owner)
            if key is not None:
                return self._cached(
                    endpoint,
                    key,
                    lambda: self._data(endpoint, call, token, owner),
                    lambda: self._cache_key(endpoint, call, owner),
                )
        data = self._data(endpoint, call, token, owner)
        document = success_body(endpoint, data)
        _fill_documented(document, endpoint.path)
        info = self._points_info(endpoint)
        if info is not None and "requestId" in document:
            document["pointsInfo"] = info
        return json_response(document, success_body_code(endpoint))

    def _cache_key(self, endpoint: Endpoint, call: Call, owner: int) -> Hashable | None:
        """What the success answer of ``call`` depends on besides its requestId, or None when it is built anew."""
        keyer = _CACHE_KEYS.get(endpoint.path)
        if keyer is not None:
            return keyer(self, call, owner)
        if endpoint.path in _STATEFUL or endpoint.path in _AUTH_PATHS:
            return None
        return data_key(call)

    def _cached(
        self, endpoint: Endpoint, key: Hashable, build: Callable[[], Any], key_now: Callable[[], Hashable | None]
    ) -> MockResponse:
        """The success answer serialised once per key (the bytes json_response would give), a new requestId each
        time. Equal keys give equal data, so the bytes are those of building the answer again.

        An answer is kept only when the key is the same after building it (another client's call may have
        changed the state while it was built) and it is small; the cache starts over past its bounds."""
        code = success_body_code(endpoint)
        halves = self._bodies.get((endpoint.path, key))
        if halves is None:
            document = success_body(endpoint, build())
            _fill_documented(document, endpoint.path)
            if "requestId" not in document:
                halves = (json_response(document, code).body, None)
            else:
                document["requestId"] = _REQUEST_ID_SLOT
                raw = json_response(document, code).body
                if raw.count(_REQUEST_ID_SLOT_BYTES) != 1:  # the call echoed the slot's text back: not cached
                    document["requestId"] = request_id()
                    return json_response(document, code)
                before, _slot, after = raw.partition(_REQUEST_ID_SLOT_BYTES)
                halves = (before, after)
            if key_now() == key:
                self._keep((endpoint.path, key), halves)
        head, tail = halves
        body = head if tail is None else b"".join((head, request_id().encode(), tail))
        return MockResponse(body=body, code=code)

    def _keep(self, key: tuple[str, Hashable], halves: tuple[bytes, bytes | None]) -> None:
        """Keep a serialised answer when it is small; the cache starts over past its bounds."""
        size = len(halves[0]) + len(halves[1] or b"") + _key_size(key)
        if size > limits.MOCK_CACHED_ANSWER_BYTES:
            return
        with self._bodies_lock:
            full = self._bodies_size + size > limits.MOCK_CACHED_BYTES
            if full or len(self._bodies) >= limits.MOCK_CACHED_ANSWERS:
                self._bodies.clear()  # keys hold what callers send (keyWord...): bounded, the oldest state's go too
                self._bodies_size = 0
            self._bodies[key] = halves
            self._bodies_size += size

    def _data(self, endpoint: Endpoint, call: Call, token: str, owner: int) -> Any:
        path = endpoint.path
        stateful = _STATEFUL.get(path)
        if stateful is not None:
            return stateful(self, call, owner)
        if path == "/authentication/getAccessToken":
            return self.tokens.get_access_token(call.body)
        if path == "/authentication/refreshAccessToken":
            return self.tokens.refresh(call.body)
        if path == "/authentication/logout":
            self.tokens.logout(token)
            return True
        return success_data(call)

    def _json_body(self, request: MockRequest, endpoint: Endpoint) -> dict[str, Any]:
        content_type = request.header("Content-Type")
        if content_type:
            media = content_type.split(";")[0].strip().lower()
            if media != "application/json" and not media.endswith("+json"):
                raise CjError(16900203, code_message(16900203, [content_type]))
        if not request.body.strip():
            if any(spec.required for spec in endpoint.fields) or endpoint.one_of:
                raise CjError(16900204, code_message(16900204))
            return {}
        try:
            value = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise CjError(16900205, code_message(16900205)) from None
        if not isinstance(value, dict):
            raise CjError(16900205, code_message(16900205))
        return value

    def _form_fields(self, request: MockRequest) -> dict[str, Any]:
        content_type = request.header("Content-Type")
        if not content_type.lower().startswith("multipart/form-data"):
            raise CjError(16900203, code_message(16900203, [content_type or "application/octet-stream"]))
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
        fields: dict[str, Any] = {}
        if not message.is_multipart():
            raise CjError(1600300, code_message(1600300))
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                fields[name] = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        return fields

    # -- limits --

    def _take_qps(self, key: str) -> bool:
        if self.config.qps <= 0:
            return True
        with self._lock:
            now = self._clock()
            window = self._windows.setdefault(key, deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= self.config.qps:
                return False
            window.append(now)
            return True

    @staticmethod
    def _utc_day() -> datetime.date:
        return datetime.datetime.now(datetime.timezone.utc).date()

    def _settle_points(self) -> None:
        """Reset at 00:00 UTC, and give back total/1440 points per minute since the last call. Hold the lock."""
        budget = self.config.points or 0
        today = self._utc_day()
        now = self._clock()
        if today != self._points_day:
            self._points_day, self._points_used = today, 0.0
        elapsed_minutes = max(now - self._points_at, 0.0) / 60.0
        self._points_used = max(self._points_used - elapsed_minutes * budget / _MINUTES_PER_DAY, 0.0)
        self._points_at = now

    def _charge(self, cost: int) -> None:
        budget = self.config.points or 0
        with self._lock:
            self._settle_points()
            remaining = max(budget - int(round(self._points_used)), 0)
            if remaining >= cost:
                self._points_used += cost
                return
            used = int(round(self._points_used))
        raise CjError(16900500, points_message(used, remaining, cost))

    def _points_info(self, endpoint: Endpoint | None) -> dict[str, int] | None:
        """``pointsInfo`` for answers of endpoints that cost points, when a budget is set (--points)."""
        if self.config.points is None or endpoint is None or not endpoint.points:
            return None
        with self._lock:
            self._settle_points()
            used = int(round(self._points_used))
        budget = self.config.points
        return {"usedToday": used, "remaining": max(budget - used, 0), "total": budget}

    def points_state(self) -> dict[str, Any]:
        with self._lock:
            if self.config.points is not None:
                self._settle_points()
            return {"budget": self.config.points, "usedToday": int(round(self._points_used))}


_ENVELOPE_OWN = frozenset({"requestId", "redirectUri", "code", "result", "message"})


def _fill_documented(document: dict[str, Any], path: str) -> None:
    """Give a success answer every field of CJ's documented example that state does not fill."""
    model = documented.example(path)
    if not isinstance(model, dict):
        return
    documented.fill_data(path, document.get("data"))
    for key, value in model.items():
        if key not in document and key != "data" and key not in _ENVELOPE_OWN:
            document[key] = value


def _query(text: str) -> dict[str, list[str]]:
    query: dict[str, list[str]] = {}
    if not text:
        return query
    for key, value in parse_qsl(text, keep_blank_values=True):
        query.setdefault(key, []).append(value)
    return query


def _loose_json(body: bytes) -> dict[str, Any] | None:
    """The JSON body for rule matching, or None when there is none (no error: the checks come later)."""
    if not body.strip() or len(body) > limits.MOCK_RULE_BODY_BYTES:
        return None
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


_Handler = Callable[[MockApp, Call, int], Any]


def _product_query(app: MockApp, call: Call, owner: int) -> Any:
    return app.catalogue.product_detail(call)


def _variant_by_vid(app: MockApp, call: Call, owner: int) -> Any:
    variant = app.catalogue.variant(call.get("vid", ""))
    with_inventory = "enable_inventory" in call.all("features")
    return variant.as_dict(app.catalogue.variant_inventories(variant) if with_inventory else None)


def _warehouse_detail(app: MockApp, call: Call, owner: int) -> Any:
    """warehouse/detail: only the storages the mock has; any other id is the page's 1608001."""
    from cj_errors.mock.catalogue import WAREHOUSE_BY_STORAGE

    warehouse = WAREHOUSE_BY_STORAGE.get(call.get("id", ""))
    if warehouse is None:
        raise CjError(1608001, "Warehouse info not found")
    return {
        "id": warehouse["storageId"],
        "name": warehouse["storageName"],
        "areaId": warehouse["areaId"],
        "areaCountryCode": warehouse["countryCode"],
        "address1": warehouse["address1"],
        "address2": None,
        "contacts": None,
        "phone": warehouse["phone"],
        "city": warehouse["city"],
        "province": warehouse["province"],
        "logisticsBrandList": [dict(brand) for brand in warehouse["logisticsBrandList"]],
        "isSelfPickup": None,
        "zipCode": None,
    }


def _freight(app: MockApp, call: Call, owner: int) -> Any:
    from cj_errors.mock.catalogue import country

    body = call.body
    start = country(body.get("startCountryCode") or body.get("fromCountryCode"), "startCountryCode")
    end = country(body.get("endCountryCode") or body.get("shippingCountryCode"), "endCountryCode")
    return app.catalogue.quotes(start, end, app.catalogue.lines(body.get("products")))


def _freight_tip(app: MockApp, call: Call, owner: int) -> Any:
    """freightCalculateTip: one option per route the catalogue runs for each reqDTOS entry. CJ's own MCP
    server sends only srcAreaCode and destAreaCode; the other fields only refine the weight."""
    from cj_errors.mock.catalogue import country

    quotes: list[dict[str, Any]] = []
    items = call.body.get("reqDTOS")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            raise CjError(1600300, code_message(1600300))
        start = country(item.get("srcAreaCode"), "reqDTOS.srcAreaCode")
        end = country(item.get("destAreaCode"), "reqDTOS.destAreaCode")
        weight = item.get("weight") or item.get("wrapWeight")
        grams = int(weight) if isinstance(weight, int | float) and not isinstance(weight, bool) and weight > 0 else 100
        quotes.extend(app.catalogue.tip_quotes(start, end, grams))
    return quotes


def _pod_pictures(app: MockApp, call: Call, owner: int) -> Any:
    """podProductCustomPicturesEdit: per line, 2 when the order and line are this account's, else 0 with the
    page's "No matching order number found"."""
    results = []
    params = call.body.get("podPicturesEditParams")
    for item in params if isinstance(params, list) else []:
        code = str(item.get("orderCode", "")) if isinstance(item, dict) else ""
        line = str(item.get("lineItemId", "")) if isinstance(item, dict) else ""
        order = app.orders.find(owner, code) if code else None
        known = order is not None and any(entry["lineItemId"] == line for entry in order["productList"])
        results.append(
            {
                "orderCode": code,
                "lineItemId": line,
                "result": 2 if known else 0,
                "failedMessage": None if known else "No matching order number found",
            }
        )
    return {"list": results}


def _unavailable(app: MockApp, call: Call, owner: int) -> Any:
    return {"availableList": _freight_or_default(app, call), "unavailableList": []}


def _freight_or_default(app: MockApp, call: Call) -> Any:
    # This endpoint takes freightCalculateTip's body (reqDTOS), not a products list: quote the catalogue's
    # first variant from China to the US so the shapes agree with freightCalculate.
    first = app.catalogue.products[0].variants[0]
    return app.catalogue.quotes("CN", "US", [(first, 1)])


# --- webhooks: state changes deliver messages (see cj_errors.webhooks.hub) ---------------------


def _created(app: MockApp, call: Call, owner: int, version: str) -> Any:
    data = app.orders.create(owner, call, version)
    key = data if isinstance(data, str) else str(data.get("orderId", ""))
    app.publish_order(owner, key, "INSERT")
    if not isinstance(data, str) and data.get("orderStatus") == "UNSHIPPED":  # payType 2 paid it at once
        app.publish_stock(owner, [item["variantId"] for item in data["productInfoList"]])
    return data


def _changed(
    app: MockApp, call: Call, owner: int, change: Callable[[int, Call], Any], message_type: str = "UPDATE"
) -> Any:
    result = change(owner, call)  # raises CjError when CJ would refuse: then nothing is delivered
    app.publish_order(owner, call.get("orderId", ""), message_type)
    return result


def _paid(app: MockApp, owner: int, order_ids: list[str]) -> None:
    vids: list[str] = []
    for order_id in order_ids:
        app.publish_order(owner, order_id, "UPDATE")
        order = app.orders.find(owner, order_id)
        if order is not None and not order["isSandbox"]:
            vids.extend(line["vid"] for line in order["productList"])
    app.publish_stock(owner, vids)


def _pay_balance(app: MockApp, call: Call, owner: int) -> Any:
    app.orders.pay(owner, call)
    _paid(app, owner, [call.get("orderId", "")])
    return None  # the page's success answer has data null


def _pay_balance_v2(app: MockApp, call: Call, owner: int) -> Any:
    _paid(app, owner, app.orders.pay_v2(owner, call))
    return None


def _add_cart(app: MockApp, call: Call, owner: int) -> Any:
    data, moved = app.orders.add_cart(owner, call)
    for order_id in moved:
        app.publish_order(owner, order_id, "UPDATE")
    return data


def _add_cart_confirm(app: MockApp, call: Call, owner: int) -> Any:
    data, moved = app.orders.add_cart_confirm(owner, call)
    for order_id in moved:
        app.publish_order(owner, order_id, "UPDATE")
    return data


def _track_moved(app: MockApp, call: Call, owner: int) -> Any:
    result = app.orders.update_track_number(owner, call)
    app.publish_logistic(owner, call.get("orderId", ""))
    return result


def _status_moved(app: MockApp, call: Call, owner: int) -> Any:
    key = call.get("orderId", "")
    before = app.orders.tracking_status(owner, key)
    result = app.orders.update_status(owner, call)
    app.publish_order(owner, key, "UPDATE")
    if app.orders.tracking_status(owner, key) != before:  # a LOGISTIC message only when tracking moved
        app.publish_logistic(owner, key)
    return result


def _webhook_set(app: MockApp, call: Call, owner: int) -> Any:
    refusal = app.webhooks.configure(owner, call.body)
    if refusal is not None:
        raise CjError(refusal.code, code_message(refusal.code))
    return True


def _setting(app: MockApp, call: Call, owner: int) -> Any:
    data = success_data(call)
    data["openId"] = owner
    data["callback"] = app.webhooks.callbacks(owner)
    return data


_STATEFUL: dict[str, _Handler] = {
    "/product/list": lambda app, call, owner: app.catalogue.list_v1(call),
    "/product/globalWarehouseList": lambda app, call, owner: _warehouses(),
    "/product/getCategory": lambda app, call, owner: _category(),
    "/product/listV2": lambda app, call, owner: app.catalogue.list_v2(call),
    "/product/queryProductsByImage": lambda app, call, owner: app.catalogue.list_v2(call),
    "/product/query": _product_query,
    "/product/productDetail/query": _product_query,
    "/product/myProduct/query": lambda app, call, owner: app.catalogue.my_products(owner, call),
    "/product/addToMyProduct": lambda app, call, owner: app.catalogue.add_mine(owner, call.get("productId", "")),
    "/product/variant/query": lambda app, call, owner: app.catalogue.variants_of(call),
    "/product/variant/queryByVid": _variant_by_vid,
    "/warehouse/detail": _warehouse_detail,
    "/product/stock/queryByVid": lambda app, call, owner: app.catalogue.stock_rows(
        app.catalogue.variant(call.get("vid", ""))
    ),
    "/product/stock/queryBySku": lambda app, call, owner: app.catalogue.stock_by_sku(call.get("sku", "")),
    "/product/stock/getInventoryByPid": lambda app, call, owner: app.catalogue.inventory_by_pid(
        app.catalogue.product(call)
    ),
    "/logistic/freightCalculate": _freight,
    "/logistic/freightCalculateTip": _freight_tip,
    "/shopping/order/podProductCustomPicturesEdit": _pod_pictures,
    "/logistic/partnerFreightCalculate": _freight,
    "/logistic/unavailableShippingMethods": _unavailable,
    "/shopping/order/createOrderV2": lambda app, call, owner: _created(app, call, owner, "v2"),
    "/shopping/order/createOrderV3": lambda app, call, owner: _created(app, call, owner, "v3"),
    "/shopping/order/createOrder": lambda app, call, owner: _created(app, call, owner, "legacy"),
    "/shopping/order/getOrderDetail": lambda app, call, owner: app.orders.detail(owner, call),
    "/shopping/order/list": lambda app, call, owner: app.orders.listing(owner, call),
    "/shopping/order/confirmOrder": lambda app, call, owner: _changed(app, call, owner, app.orders.confirm),
    "/shopping/order/deleteOrder": lambda app, call, owner: _changed(app, call, owner, app.orders.delete, "DELETE"),
    "/shopping/pay/payBalance": _pay_balance,
    "/shopping/pay/payBalanceV2": _pay_balance_v2,
    "/shopping/order/addCart": _add_cart,
    "/shopping/order/addCartConfirm": _add_cart_confirm,
    "/shopping/order/saveGenerateParentOrder": lambda app, call, owner: app.orders.parent_order(owner, call),
    "/logistic/trackInfo": lambda app, call, owner: app.orders.tracking(owner, call.all("trackNumber")),
    "/logistic/getTrackInfo": lambda app, call, owner: app.orders.tracking(owner, call.all("trackNumber")),
    "/disputes/disputeConfirmInfo": lambda app, call, owner: app.orders.dispute_confirm_info(owner, call),
    "/disputes/create": lambda app, call, owner: app.orders.create_dispute(owner, call),
    "/disputes/cancel": lambda app, call, owner: app.orders.cancel_dispute(owner, call),
    "/disputes/getDisputeList": lambda app, call, owner: app.orders.dispute_list(owner, call),
    "/shopping/pay/getBalance": lambda app, call, owner: app.orders.balance(),
    "/shopping/sandbox/simulatePay": lambda app, call, owner: _changed(app, call, owner, app.orders.simulate_pay),
    "/shopping/sandbox/updateStatus": _status_moved,
    "/shopping/sandbox/updateTrackNumber": _track_moved,
    "/webhook/set": _webhook_set,
    "/setting/get": _setting,
    "/disputes/disputeProducts": lambda app, call, owner: app.orders.dispute_products(owner, call),
}


def _warehouses() -> Any:
    # The two areas exactly as the page lists them (areaId 1 China, 2 US; id "1" and "2").
    return documented.example("/product/globalWarehouseList")["data"]


def _category() -> Any:
    from cj_errors.mock.bodies import category_tree

    return category_tree()


def _list_v2_key(app: MockApp, call: Call, owner: int) -> Hashable:
    # Everything Catalogue.list_v2 reads: the page (checked here first, raising as list_v2 would), the filters,
    # and the stock and every account's products (their version).
    page, size = strict_page(call)
    return (page, size, call.get("keyWord", ""), call.get("countryCode", "").upper(), app.catalogue.version)


# Stateful answers serialised once per key (MockApp._cached): the key holds everything the answer depends on.
_CACHE_KEYS: dict[str, Callable[[MockApp, Call, int], Hashable]] = {
    "/product/globalWarehouseList": lambda app, call, owner: (),
    "/product/getCategory": lambda app, call, owner: (),
    "/product/listV2": _list_v2_key,
    # The account, its webhook URLs; the rest (qpsLimit) comes from the mock's configuration.
    "/setting/get": lambda app, call, owner: (owner, app.webhooks.version),
}


def _key_size(key: Hashable) -> int:
    """About what a cache key holds, in bytes: its texts (what callers sent) and 8 for anything else."""
    if isinstance(key, (str, bytes)):
        return len(key)
    if isinstance(key, tuple):
        return sum(_key_size(part) for part in key)
    return 8


_AUTH_PATHS = frozenset(
    {"/authentication/getAccessToken", "/authentication/refreshAccessToken", "/authentication/logout"}
)
_REQUEST_ID_SLOT = "@@cjerr-request-id@@"
_REQUEST_ID_SLOT_BYTES = _REQUEST_ID_SLOT.encode()
