"""Orders and the balance: create, look up, list, the documented pay flow, delete, and the sandbox tools.

An order is stored under CJ's order id and under the account's ``orderNumber``; the same
``orderNumber`` again answers 1603003. Statuses follow CJ's order list: CREATED; IN_CART after addCart;
UNPAID after addCartConfirm (or confirmOrder); UNSHIPPED once paid; CANCELLED once deleted. Sandbox
orders (``isSandbox: 1``) then move through the numeric sandbox statuses 300 -> 400 -> 500 -> 600 -> 700
by ``/shopping/sandbox/updateStatus``; reaching 500 (shipped) issues a tracking number if none was set.

The balance flow is the one CJ's "Orders Synchronization Processing" guide gives
(https://developers.cjdropshipping.cn/en/api/start/): createOrderV2 -> addCart -> addCartConfirm (a
shipment id for the confirmed orders) -> saveGenerateParentOrder (a payId and the sum to pay) ->
payBalanceV2 (shipment id and payId must belong together). Paying checks the balance (1604000), takes the
units from the order's warehouse (1603102 when short) and debits the balance; an order that is already
paid, or a payId that is not the shipment's, answers 1603101 "Order pay fail". Sandbox orders never
touch the balance.

An order whose ``shippingPhone`` breaks CJ's documented phone rule (freightCalculateTip's ruleTips,
msgCode 1001) is held: createOrderV2/V3 report it in ``interceptOrderReasons`` and addCart and
addCartConfirm in ``interceptOrders``, as CJ reports intercepted orders.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from cj_errors.mock.bodies import Call, CjError, code_message, now_utc
from cj_errors.mock.catalogue import (
    PHONE_RULE,
    PHONE_RULE_CODE,
    PHONE_RULE_MESSAGE,
    ROUTES,
    WAREHOUSE_BY_COUNTRY,
    Catalogue,
    country,
)
from cj_errors.mock.state import Store

PAID_STATUSES = ("UNSHIPPED", "SHIPPED", "DELIVERED")
# The one reason disputeConfirmInfo's example lists; CJ publishes no full list.
DISPUTE_REASONS = ({"disputeReasonId": 1, "reasonName": "Unfulfilled Order Cancellation"},)
# The LOGISTIC message's trackingStatus for each sandbox step (webhook page: 0 no tracking yet, 1 warehouse
# outbound, 5 first-leg transport, 10 delivery, 12 signed for).
SANDBOX_TRACKING = {300: 0, 400: 0, 500: 1, 600: 5, 700: 12}
TRACKING_WORDS = {0: "No tracking information yet", 1: "In transit", 5: "In transit", 12: "Delivered"}

OPEN_STATUSES = ("CREATED", "IN_CART", "UNPAID")
# The mock's reading of the sandbox steps (CJ documents the numbers, not their names).
SANDBOX_STATUS = {300: "UNSHIPPED", 400: "UNSHIPPED", 500: "SHIPPED", 600: "SHIPPED", 700: "DELIVERED"}
_PAY_URL = "https://www.cjdropshipping.com/mine/payment?orderId="
_NOT_FOUND = "order not found"  # getOrderDetail's own 1600300 wording
_CONFIRM_FAIL = "order confirm fail"  # the error example of addCart, addCartConfirm and confirmOrder


_HIDDEN = frozenset({"interceptOrderReasons"})


def public(order: Mapping[str, Any]) -> dict[str, Any]:
    """An order as getOrderDetail and the order list show it (internal keys start with _)."""
    return {key: value for key, value in order.items() if not key.startswith("_") and key not in _HIDDEN}


def _store_line(products: object, index: int) -> str:
    items = products if isinstance(products, list) else []
    item = items[index] if index < len(items) and isinstance(items[index], Mapping) else {}
    value = item.get("storeLineItemId")
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _held(order: Mapping[str, Any]) -> bool:
    return bool(order.get("interceptOrderReasons"))


def _later(hours: int) -> str:
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class Orders:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self.store = store
        self.catalogue = catalogue

    # -- look-ups --

    def _find(self, owner: int, key: str) -> dict[str, Any] | None:
        """An order of ``owner`` by CJ order id or by the account's orderNumber."""
        order = self.store.orders.get(key)
        if order is None:
            order_id = self.store.numbers.get(f"{owner}:{key}")
            order = self.store.orders.get(order_id) if order_id else None
        if order is None or order.get("_owner") != owner:
            return None
        return order

    def stored(self, owner: int, key: str) -> dict[str, Any] | None:
        """The stored order itself (hold ``store.lock``), or None."""
        return self._find(owner, key) if key else None

    def find(self, owner: int, key: str) -> dict[str, Any] | None:
        """The public view of an order of ``owner`` (by order id or orderNumber), or None."""
        with self.store.lock:
            order = self._find(owner, key) if key else None
            return public(order) if order is not None else None

    def _order(self, owner: int, call: Call, code: int = 1603100) -> dict[str, Any]:
        key = call.get("orderId", "")
        order = self._find(owner, key) if key else None
        if order is None:
            raise CjError(code, _NOT_FOUND if code == 1600300 else code_message(code))
        return order

    # -- create --

    def create(self, owner: int, call: Call, version: str) -> Any:
        body = call.body
        number = str(body.get("orderNumber", "")).strip()
        start = country(body.get("fromCountryCode"), "fromCountryCode")
        end = country(body.get("shippingCountryCode"), "shippingCountryCode")
        lines = self.catalogue.lines(body.get("products"))
        logistic = str(body.get("logisticName", "")).strip()
        quotes = {quote["logisticName"]: quote for quote in self.catalogue.quotes(start, end, lines)}
        if logistic not in quotes:
            raise CjError(1605001, code_message(1605001))
        pay_type = body.get("payType") if version == "v2" else None
        sandbox = body.get("isSandbox") in (1, "1", True)
        product_amount = round(sum(variant.price * quantity for variant, quantity in lines), 2)
        postage = float(quotes[logistic]["logisticPrice"])
        amount = round(product_amount + postage, 2)
        phone = str(body.get("shippingPhone", "") or "")
        held = bool(phone) and PHONE_RULE.fullmatch(phone) is None
        warehouse = WAREHOUSE_BY_COUNTRY.get(start)
        with self.store.lock:
            if number and f"{owner}:{number}" in self.store.numbers:
                raise CjError(1603003, code_message(1603003))
            paid = str(pay_type) == "2" and not sandbox and not held
            if paid and self.store.balance + 1e-9 < amount:
                raise CjError(1604000, code_message(1604000))
            serial = self.store.next_number("next_order", 1)
            day = datetime.datetime.now(datetime.timezone.utc).strftime("%y%m%d")
            order_id = f"SD{day}{serial:06d}"
            order: dict[str, Any] = {
                "orderId": order_id,
                "orderNum": number,
                "platformOrderId": str(body.get("platformOrderId") or ""),
                "cjOrderId": f"CJ{day}{serial:06d}",
                "shippingCountryCode": end,
                "shippingProvince": str(body.get("shippingProvince", "")),
                "shippingCity": str(body.get("shippingCity", "")),
                "shippingPhone": phone,
                "shippingCustomerName": str(body.get("shippingCustomerName", "")),
                "shippingAddress": str(body.get("shippingAddress", "")),
                "shippingZip": str(body.get("shippingZip", "")),
                "remark": str(body.get("remark", "")),
                "fromCountryCode": start,
                "orderWeight": sum(variant.weight * quantity for variant, quantity in lines),
                "orderStatus": "CREATED",
                "orderAmount": amount,
                "productAmount": product_amount,
                "postageAmount": postage,
                "logisticName": logistic,
                "trackNumber": None,
                "createDate": now_utc(),
                "paymentDate": None,
                "isComplete": 1,
                "isSandbox": 1 if sandbox else 0,
                "storageId": warehouse["storageId"] if warehouse else None,
                "storageName": warehouse["storageName"] if warehouse else None,
                "productList": [
                    {
                        "vid": variant.vid,
                        "sku": variant.sku,
                        "quantity": quantity,
                        "sellPrice": variant.price,
                        "podPropertiesInfo": None,
                        "lineItemId": f"{order_id}{index:02d}",
                        "storeLineItemId": _store_line(body.get("products"), index - 1),
                        "productionOrderStatus": 1,
                        "abnormalType": [],
                    }
                    for index, (variant, quantity) in enumerate(lines, start=1)
                ],
                "interceptOrderReasons": ([{"code": PHONE_RULE_CODE, "message": PHONE_RULE_MESSAGE}] if held else []),
                "_owner": owner,
                "_version": version,
                "_updated": now_utc(),
            }
            if paid:
                self.catalogue.take([(line["vid"], line["quantity"]) for line in order["productList"]], start)
                self.store.set_balance(self.store.balance - amount)
                order.update(orderStatus="UNSHIPPED", paymentDate=now_utc())
            self.store.put_order(order)
        if version == "legacy":
            return order_id  # the old createOrder answers with the bare order id
        data: dict[str, Any] = {
            "orderNumber": number,
            "orderId": order_id,
            "shipmentOrderId": "",
            "iossAmount": 0.0,
            "iossTaxHandlingFee": 0.0,
            "postageAmount": postage,
            "productAmount": product_amount,
            "productOriginalAmount": product_amount,
            "productDiscountAmount": 0.0,
            "postageDiscountAmount": 0.0,
            "postageOriginalAmount": postage,
            "totalDiscountAmount": 0.0,
            "actualPayment": amount,
            "orderOriginalAmount": amount,
            "orderAmount": amount,
            "logisticsMiss": False,
            "productInfoList": [
                {
                    "storeLineItemId": line["storeLineItemId"],
                    "lineItemId": line["lineItemId"],
                    "variantId": line["vid"],
                    "isGroup": False,
                    "quantity": line["quantity"],
                    "subOrderProducts": [],
                }
                for line in order["productList"]
            ],
            "orderStatus": order["orderStatus"],
            "interceptOrderReasons": order["interceptOrderReasons"],
        }
        # createOrderV3 takes no payType: its page's example carries a cjPayUrl all the same.
        data["cjPayUrl"] = None if str(pay_type) in ("2", "3") else _PAY_URL + order_id
        return data

    # -- read --

    def detail(self, owner: int, call: Call) -> dict[str, Any]:
        with self.store.lock:
            return public(self._order(owner, call, 1600300))

    def listing(self, owner: int, call: Call) -> dict[str, Any]:
        status = call.get("status", "").upper()
        wanted = set(call.all("orderIds"))
        with self.store.lock:
            orders = [
                public(order)
                for order in self.store.orders.values()
                if order.get("_owner") == owner
                and (not status or order["orderStatus"] == status)
                and (not wanted or order["orderId"] in wanted or order["orderNum"] in wanted)
            ]
        orders.reverse()  # newest first
        page_text, size_text = call.get("pageNum", "1"), call.get("pageSize", "20")
        page = int(page_text) if page_text.isdecimal() and int(page_text) > 0 else 1
        size = min(int(size_text), 200) if size_text.isdecimal() and int(size_text) > 0 else 20
        return {
            "pageNum": page,
            "pageSize": size,
            "total": len(orders),
            "list": orders[(page - 1) * size : page * size],
        }

    # -- disputes (https://developers.cjdropshipping.cn/en/api/api2/api/dispute.html) --

    def _lines(self, order: Mapping[str, Any]) -> list[dict[str, Any]]:
        lines = []
        for line in order["productList"]:
            variant = self.catalogue.by_vid.get(line["vid"])
            product = self.catalogue.by_pid.get(variant.pid) if variant else None
            lines.append(
                {
                    "lineItemId": line["lineItemId"],
                    "cjProductId": variant.pid if variant else "",
                    "cjVariantId": line["vid"],
                    "canChoose": order["orderStatus"] in PAID_STATUSES,
                    "price": line["sellPrice"],
                    "quantity": line["quantity"],
                    "cjProductName": product.name if product else "",
                    "cjImage": product.image if product else "",
                    "sku": line["sku"],
                    "supplierName": "CJ",
                }
            )
        return lines

    def dispute_products(self, owner: int, call: Call) -> dict[str, Any]:
        with self.store.lock:
            order = self._order(owner, call)
            return {
                "orderId": order["orderId"],
                "orderNumber": order["orderNum"],
                "productInfoList": self._lines(order),
            }

    def _picked(self, order: Mapping[str, Any], call: Call) -> list[tuple[dict[str, Any], int]]:
        """The (line, quantity) pairs a dispute names; an unknown line or too many units: 1607007."""
        lines = {line["lineItemId"]: line for line in self._lines(order)}
        picked = []
        for item in call.body.get("productInfoList") or []:
            line = lines.get(str(item.get("lineItemId", ""))) if isinstance(item, Mapping) else None
            quantity = str(item.get("quantity", "")) if isinstance(item, Mapping) else ""
            if line is None or not quantity.isdecimal() or not 1 <= int(quantity) <= int(line["quantity"]):
                raise CjError(1607007, code_message(1607007))
            picked.append((line, int(quantity)))
        return picked

    def dispute_confirm_info(self, owner: int, call: Call) -> dict[str, Any]:
        """The most a dispute can ask for: the picked lines' price times quantity, plus the postage."""
        with self.store.lock:
            order = self._order(owner, call)
            if order["orderStatus"] not in PAID_STATUSES:
                raise CjError(1607007, code_message(1607007))
            picked = self._picked(order, call)
            goods = round(sum(float(line["price"]) * quantity for line, quantity in picked), 2)
            postage = float(order["postageAmount"])
            return {
                "orderId": order["orderId"],
                "orderNumber": order["orderNum"],
                "maxProductPrice": goods,
                "maxPostage": postage,
                "maxIossTaxAmount": 0,
                "maxIossHandTaxAmount": 0,
                "maxAmount": round(goods + postage, 2),
                "expectResultOptionList": ["1", "2"],  # 1 refund, 2 reissue
                "productInfoList": [line for line, _quantity in picked],
                "disputeReasonList": [dict(reason) for reason in DISPUTE_REASONS],
            }

    def create_dispute(self, owner: int, call: Call) -> str:
        body = call.body
        with self.store.lock:
            order = self._order(owner, call)
            if order["orderStatus"] not in PAID_STATUSES:
                raise CjError(1607008, code_message(1607008))
            picked = self._picked(order, call)
            reason = next(
                (r for r in DISPUTE_REASONS if str(r["disputeReasonId"]) == str(body.get("disputeReasonId"))), None
            )
            disputes = list(order.get("_disputes", []))
            business = str(body.get("businessDisputeId", ""))
            if reason is None or not picked or any(d["businessDisputeId"] == business for d in disputes):
                raise CjError(1607008, code_message(1607008))
            expect = str(body.get("expectType", "1"))
            amount = round(sum(float(line["price"]) * quantity for line, quantity in picked), 2)
            disputes.append(
                {
                    "id": f"SH{order['orderId']}{len(disputes) + 1:02d}",
                    "businessDisputeId": business,
                    "status": "1",
                    "disputeReason": reason["reasonName"],
                    "replacementAmount": amount if expect == "2" else 0,
                    "resendOrderCode": None,
                    "money": amount if expect == "1" else 0,
                    "finallyDeal": None,
                    "createDate": now_utc(),
                    "productList": [
                        {
                            key: line[key]
                            for key in ("price", "lineItemId", "cjProductId", "cjVariantId", "supplierName")
                        }
                        | {"image": line["cjImage"], "productName": line["cjProductName"]}
                        for line, _quantity in picked
                    ],
                    "_order": order["orderId"],
                }
            )
            order["_disputes"] = disputes
            self.store.put_order(order)
        return "true"

    def cancel_dispute(self, owner: int, call: Call) -> str:
        with self.store.lock:
            order = self._order(owner, call)
            disputes = list(order.get("_disputes", []))
            wanted = call.get("disputeId", "")
            found = next((d for d in disputes if d["id"] == wanted and d["status"] == "1"), None)
            if found is None:
                raise CjError(1607009, code_message(1607009))
            found["status"] = "0"
            order["_disputes"] = disputes
            self.store.put_order(order)
        return "true"

    def dispute_list(self, owner: int, call: Call) -> dict[str, Any]:
        with self.store.lock:
            rows = [
                {key: value for key, value in dispute.items() if not key.startswith("_")}
                for order in self.store.orders.values()
                if order.get("_owner") == owner
                for dispute in order.get("_disputes", [])
                if not call.get("orderId", "") or call.get("orderId", "") in (order["orderId"], order["orderNum"])
            ]
        page_text, size_text = call.get("pageNum", "1"), call.get("pageSize", "10")
        page = int(page_text) if page_text.isdecimal() and int(page_text) > 0 else 1
        size = int(size_text) if size_text.isdecimal() and int(size_text) > 0 else 10
        return {"pageNum": page, "pageSize": size, "total": len(rows), "list": rows[(page - 1) * size : page * size]}

    # -- move --

    def confirm(self, owner: int, call: Call) -> str:
        with self.store.lock:
            order = self._order(owner, call)
            if order["orderStatus"] not in ("CREATED", "IN_CART"):
                raise CjError(1603001, code_message(1603001))
            order.update(orderStatus="UNPAID", _updated=now_utc())
            self.store.put_order(order)
            return str(order["orderId"])

    def delete(self, owner: int, call: Call) -> str:
        with self.store.lock:
            order = self._order(owner, call)
            if order["orderStatus"] not in OPEN_STATUSES:
                raise CjError(1603002, code_message(1603002))
            order.update(orderStatus="CANCELLED", _updated=now_utc())
            self.store.put_order(order)
            return str(order["orderId"])

    # -- the documented balance pay flow --

    def _ids(self, call: Call) -> list[str]:
        return list(dict.fromkeys(call.all("cjOrderIdList")))

    def add_cart(self, owner: int, call: Call) -> tuple[dict[str, Any], list[str]]:
        """addCart: this account's orders that are not paid yet go to the cart; held ones are reported in
        interceptOrders; other ids are left out of addSuccessOrders. None added at all: 1603001 (the
        page's documented error example)."""
        added: list[str] = []
        intercepted: list[str] = []
        with self.store.lock:
            for key in self._ids(call):
                order = self._find(owner, key)
                if order is None or order["orderStatus"] not in ("CREATED", "IN_CART"):
                    continue
                if _held(order):
                    intercepted.append(order["orderId"])
                    continue
                order.update(orderStatus="IN_CART", _updated=now_utc())
                self.store.put_order(order)
                added.append(order["orderId"])
        if not added and not intercepted:
            raise CjError(1603001, _CONFIRM_FAIL)
        data = {
            "successCount": len(added),
            "addSuccessOrders": added,
            "unInterceptAddressCount": len(added),
            "interceptOrders": intercepted,
        }
        return data, added

    def add_cart_confirm(self, owner: int, call: Call) -> tuple[dict[str, Any], list[str]]:
        """addCartConfirm: the orders in the cart become one shipment (its id is what saveGenerateParentOrder
        takes) and wait for payment (UNPAID)."""
        confirmed: list[str] = []
        intercepted: list[str] = []
        with self.store.lock:
            orders = [self._find(owner, key) for key in self._ids(call)]
            for order in orders:
                if order is not None and _held(order) and order["orderStatus"] in OPEN_STATUSES:
                    intercepted.append(order["orderId"])
            ready = [order for order in orders if order is not None and order["orderStatus"] == "IN_CART"]
            if not ready:
                raise CjError(1603001, _CONFIRM_FAIL)
            day = datetime.datetime.now(datetime.timezone.utc).strftime("%y%m%d")
            shipment = f"SP{day}{self.store.next_number('next_shipment', 1):06d}"
            for order in ready:
                order.update(orderStatus="UNPAID", _shipment=shipment, _payId=None, _updated=now_utc())
                self.store.put_order(order)
                confirmed.append(order["orderId"])
        data = {
            "successCount": len(confirmed),
            "submitSuccess": True,
            "shipmentsId": shipment,
            "result": 0,
            "interceptOrders": intercepted,
        }
        return data, confirmed

    def _shipment(self, owner: int, shipment: str) -> list[dict[str, Any]]:
        orders = [
            order
            for order in self.store.orders.values()
            if shipment and order.get("_shipment") == shipment and order.get("_owner") == owner
        ]
        if not orders:
            raise CjError(1603100, code_message(1603100))
        return orders

    def parent_order(self, owner: int, call: Call) -> dict[str, Any]:
        """saveGenerateParentOrder: a payId for the shipment and what it costs, summed over its orders."""
        with self.store.lock:
            orders = self._shipment(owner, call.get("shipmentOrderId", ""))
            unpaid = [order for order in orders if order["orderStatus"] == "UNPAID"]
            if not unpaid:
                raise CjError(1603101, code_message(1603101))  # all paid (or gone) already
            pay_id = next((order["_payId"] for order in unpaid if order.get("_payId")), None)
            if pay_id is None:
                pay_id = f"PAY{self.store.next_number('next_pay', 1):09d}"
            for order in unpaid:
                order.update(_payId=pay_id)
                self.store.put_order(order)
            products = round(sum(float(order["productAmount"]) for order in unpaid), 2)
            freight = round(sum(float(order["postageAmount"]) for order in unpaid), 2)
            total = round(products + freight, 2)
            balance = self.store.balance
        return {
            "orderMoney": total,
            "payExpireTime": _later(72),
            "payId": pay_id,
            "result": 0,
            "submitSuccess": True,
            "unMatchOrderCodes": [order["orderId"] for order in orders if order not in unpaid],
            "successOrders": [order["orderId"] for order in unpaid],
            "unMatchProductCodes": [],
            "paymentInformation": {
                "actualPayment": total,
                "balanceDeduction": round(min(balance, total), 2),
                "billAmount": 0.0,
                "canDeduct": balance + 1e-9 >= total,
                "commodityDiscount": 0.0,
                "commodityTotalAmount": products,
                "couponAmount": 0.0,
                "freight": freight,
                "iossAmount": 0.0,
                "iossNumber": "",
                "iossTaxHandlingFee": 0.0,
                "iossTaxes": 0.0,
                "iossType": 0,
                "orderOriginalAmount": total,
                "orderProductAmount": products,
                "payableAmount": total,
                "postageDiscount": 0.0,
                "serviceFee": 0.0,
            },
            "interceptOrders": [],
        }

    def _settle(self, orders: list[dict[str, Any]]) -> None:
        """Pay ``orders`` (store lock held): balance first, then stock, all or nothing."""
        real = [order for order in orders if not order["isSandbox"]]
        amount = round(sum(float(order["orderAmount"]) for order in real), 2)
        if self.store.balance + 1e-9 < amount:
            raise CjError(1604000, code_message(1604000))
        for order in real:  # each from its own warehouse; a shortfall anywhere refuses the whole payment
            lines = [(line["vid"], line["quantity"]) for line in order["productList"]]
            self.catalogue.take(lines, order["fromCountryCode"])
        self.store.set_balance(self.store.balance - amount)
        for order in orders:
            order.update(orderStatus="UNSHIPPED", paymentDate=now_utc(), _updated=now_utc())
            if order["isSandbox"]:
                order["_sandbox"] = 300
            self.store.put_order(order)

    def pay_v2(self, owner: int, call: Call) -> list[str]:
        """payBalanceV2: the shipment's payId must be the one saveGenerateParentOrder gave; paid once only."""
        with self.store.lock:
            orders = self._shipment(owner, call.get("shipmentOrderId", ""))
            unpaid = [order for order in orders if order["orderStatus"] == "UNPAID"]
            pay_id = call.get("payId", "")
            if not unpaid or any(order.get("_payId") != pay_id for order in unpaid):
                raise CjError(1603101, code_message(1603101))
            self._settle(unpaid)
            return [order["orderId"] for order in unpaid]

    def pay(self, owner: int, call: Call) -> None:
        """payBalance: one order, by id; a paid, cancelled or held order answers 1603101."""
        with self.store.lock:
            order = self._order(owner, call)
            if order["orderStatus"] not in OPEN_STATUSES or _held(order):
                raise CjError(1603101, code_message(1603101))
            self._settle([order])

    def balance(self) -> dict[str, Any]:
        with self.store.lock:
            return {"amount": self.store.balance, "noWithdrawalAmount": 0.0, "freezeAmount": 0.0}

    # -- sandbox tools --

    def _sandbox_order(self, owner: int, call: Call) -> dict[str, Any]:
        key = call.get("orderId", "") or call.get("shipmentOrderId", "")
        order = self.store.orders.get(key)
        if order is None:
            order_id = next((value for name, value in self.store.numbers.items() if name.endswith(":" + key)), None)
            order = self.store.orders.get(order_id) if order_id else None
        if order is None:
            raise CjError(803, code_message(803))
        if order.get("_owner") != owner:
            raise CjError(818, code_message(818))
        if not order["isSandbox"]:
            raise CjError(811, code_message(811))
        return order

    def simulate_pay(self, owner: int, call: Call) -> bool:
        with self.store.lock:
            order = self._sandbox_order(owner, call)
            if order["orderStatus"] not in OPEN_STATUSES:
                raise CjError(819, code_message(819))
            order.update(orderStatus="UNSHIPPED", paymentDate=now_utc(), _sandbox=300, _updated=now_utc())
            self.store.put_order(order)
            return True

    def update_status(self, owner: int, call: Call) -> bool:
        with self.store.lock:
            order = self._sandbox_order(owner, call)
            current = order.get("_sandbox")
            if current is None or order["orderStatus"] == "CANCELLED":
                raise CjError(819, code_message(819))
            target = call.get("targetStatus", "")
            if not target.isdecimal() or int(target) != int(current) + 100 or int(target) not in SANDBOX_STATUS:
                following = int(current) + 100
                step = str(following) if following in SANDBOX_STATUS else "none (the order is at 700)"
                raise CjError(1600300, f"targetStatus must be the next status: {step}")
            order.update(_sandbox=int(target), orderStatus=SANDBOX_STATUS[int(target)], _updated=now_utc())
            if int(target) >= 500 and not order.get("trackNumber"):
                order["trackNumber"] = f"CJPKL{self.store.next_number('next_track', 1):010d}YQ"
                order["_shipped"] = now_utc()
            self.store.put_order(order)
            return True

    def update_track_number(self, owner: int, call: Call) -> bool:
        with self.store.lock:
            order = self._sandbox_order(owner, call)
            if order.get("_sandbox") is None or order["orderStatus"] == "CANCELLED":
                raise CjError(819, code_message(819))
            if not order.get("logisticName"):
                raise CjError(820, code_message(820))
            order.update(trackNumber=call.get("trackNumber", ""), _updated=now_utc())
            order.setdefault("_shipped", now_utc())
            self.store.put_order(order)
            return True

    # -- tracking --

    def tracking(self, owner: int, numbers: list[str]) -> list[dict[str, Any]]:
        """trackInfo: one record per number this account's orders carry. CJ's page shows no answer for a
        number it never issued, so such a number gets no record (an empty list when none is known)."""
        with self.store.lock:
            by_number = {
                order["trackNumber"]: order
                for order in self.store.orders.values()
                if order.get("_owner") == owner and order.get("trackNumber")
            }
            records = []
            for number in dict.fromkeys(numbers):
                order = by_number.get(number)
                if order is None:
                    continue
                status = SANDBOX_TRACKING.get(int(order.get("_sandbox") or 300), 0)
                route = next((route for route in ROUTES if route.name == order["logisticName"]), None)
                records.append(
                    {
                        "trackingNumber": number,
                        "logisticName": order["logisticName"],
                        "trackingFrom": order["fromCountryCode"],
                        "trackingTo": order["shippingCountryCode"],
                        "deliveryDay": route.aging.split("-")[-1] if route else "",
                        "deliveryTime": order.get("_shipped") or order["createDate"],
                        "trackingStatus": TRACKING_WORDS.get(status, "In transit"),
                        "lastMileCarrier": "USPS" if order["shippingCountryCode"] == "US" else order["logisticName"],
                        "lastTrackNumber": number,
                    }
                )
            return records

    def tracking_status(self, owner: int, key: str) -> int | None:
        """The LOGISTIC trackingStatus of an order with a tracking number, else None."""
        with self.store.lock:
            order = self._find(owner, key) if key else None
            if order is None or not order.get("trackNumber"):
                return None
            return SANDBOX_TRACKING.get(int(order.get("_sandbox") or 300), 0)

    def logistic_params(self, order: Mapping[str, Any]) -> dict[str, Any]:
        """A LOGISTIC message for ``order``: its tracking number and the status its sandbox step means."""
        status = SANDBOX_TRACKING.get(int(order.get("_sandbox") or 300), 0)
        events = []
        if status:
            events.append(
                {
                    "status": status,
                    "activity": TRACKING_WORDS.get(status, "In transit"),
                    "location": order.get("shippingCity", "") if status == 12 else "",
                    "eventTime": order.get("_updated") or now_utc(),
                    "statusDesc": TRACKING_WORDS.get(status, "In transit"),
                }
            )
        return {
            "orderId": order["orderId"],
            "logisticName": order["logisticName"],
            "trackingNumber": order.get("trackNumber"),
            "trackingStatus": status,
            # a JSON-encoded string, as in the doc body
            "logisticsTrackEvents": json.dumps(events, ensure_ascii=False, separators=(",", ":")),
        }

    def order_params(self, order: Mapping[str, Any]) -> dict[str, Any]:
        """An ORDER message for ``order`` as it stands (the doc body's fields; dates null until they happen)."""
        shipped = order["orderStatus"] in ("SHIPPED", "DELIVERED")
        return {
            "orderNumber": order["orderNum"],
            "orderNum": order["orderNum"],
            "cjOrderId": order["orderId"],
            "orderStatus": order["orderStatus"],
            "logisticName": order["logisticName"],
            "trackNumber": order.get("trackNumber"),
            "createDate": order["createDate"],
            "updateDate": order.get("_updated") or order["createDate"],
            "payDate": order.get("paymentDate"),
            "deliveryDate": order.get("_shipped") if shipped else None,
            "completeDate": order.get("_updated") if order["orderStatus"] == "DELIVERED" else None,
            "orderItems": [
                {
                    key: line[key]
                    for key in (
                        "vid",
                        "quantity",
                        "sellPrice",
                        "lineItemId",
                        "storeLineItemId",
                        "productionOrderStatus",
                        "abnormalType",
                    )
                    if key in line
                }
                for line in order["productList"]
            ],
        }

    def summary(self) -> dict[str, Any]:
        with self.store.lock:
            orders = [
                {**public(order), "owner": order.get("_owner"), "sandboxStatus": order.get("_sandbox")}
                for order in self.store.orders.values()
            ]
            return {"balance": self.store.balance, "orders": orders}
