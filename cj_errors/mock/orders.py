"""Orders and the balance: create, look up, list, confirm, pay, delete, and the sandbox status tools.

An order is stored under CJ's order id and under the account's ``orderNumber``; the same
``orderNumber`` again answers 1603003. Statuses follow CJ's order list: CREATED, then UNPAID once
confirmed, UNSHIPPED once paid, CANCELLED once deleted; sandbox orders (``isSandbox: 1``) then move
through the numeric sandbox statuses 300 -> 400 -> 500 -> 600 -> 700 by ``/shopping/sandbox/updateStatus``.
Paying from the balance debits ``orderAmount`` and answers 1604000 when the balance is short; sandbox
orders never touch the balance.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from cj_errors.mock.bodies import Call, CjError, code_message, now_utc
from cj_errors.mock.catalogue import Catalogue, country
from cj_errors.mock.state import Store

OPEN_STATUSES = ("CREATED", "IN_CART", "UNPAID")
# The mock's reading of the sandbox steps (CJ documents the numbers, not their names).
SANDBOX_STATUS = {300: "UNSHIPPED", 400: "UNSHIPPED", 500: "SHIPPED", 600: "SHIPPED", 700: "DELIVERED"}
_PAY_URL = "https://www.cjdropshipping.com/mine/payment?orderId="
_NOT_FOUND = "order not found"  # getOrderDetail's own 1600300 wording


def public(order: Mapping[str, Any]) -> dict[str, Any]:
    """An order as getOrderDetail and the order list show it (internal keys start with _)."""
    return {key: value for key, value in order.items() if not key.startswith("_")}


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
        with self.store.lock:
            if number and f"{owner}:{number}" in self.store.numbers:
                raise CjError(1603003, code_message(1603003))
            paid = str(pay_type) == "2" and not sandbox
            if paid and self.store.balance + 1e-9 < amount:
                raise CjError(1604000, code_message(1604000))
            serial = self.store.next_number("next_order", 1)
            day = datetime.datetime.now(datetime.timezone.utc).strftime("%y%m%d")
            order_id = f"SD{day}{serial:06d}"
            order: dict[str, Any] = {
                "orderId": order_id,
                "orderNum": number,
                "cjOrderId": f"CJ{day}{serial:06d}",
                "shippingCountryCode": end,
                "shippingProvince": str(body.get("shippingProvince", "")),
                "shippingCity": str(body.get("shippingCity", "")),
                "shippingCustomerName": str(body.get("shippingCustomerName", "")),
                "shippingAddress": str(body.get("shippingAddress", "")),
                "shippingZip": str(body.get("shippingZip", "")),
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
                "isSandbox": 1 if sandbox else 0,
                "productList": [
                    {"vid": variant.vid, "sku": variant.sku, "quantity": quantity, "sellPrice": variant.price}
                    for variant, quantity in lines
                ],
                "_owner": owner,
                "_version": version,
            }
            if paid:
                self.store.set_balance(self.store.balance - amount)
                order.update(orderStatus="UNSHIPPED", paymentDate=now_utc())
            self.store.put_order(order)
        if version == "legacy":
            return order_id  # the old createOrder answers with the bare order id
        data: dict[str, Any] = {
            "orderId": order_id,
            "orderNumber": number,
            "shipmentOrderId": None,
            "orderStatus": order["orderStatus"],
            "productAmount": product_amount,
            "postageAmount": postage,
            "orderAmount": amount,
            "logisticsMiss": False,
            "interceptOrderReasons": [],
        }
        if version == "v2":  # createOrderV3 has no cjPayUrl
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
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        size = min(int(size_text), 200) if size_text.isdigit() and int(size_text) > 0 else 20
        return {
            "pageNum": page,
            "pageSize": size,
            "total": len(orders),
            "list": orders[(page - 1) * size : page * size],
        }

    def dispute_products(self, owner: int, call: Call) -> dict[str, Any]:
        with self.store.lock:
            order = self._order(owner, call)
        return {
            "orderId": order["orderId"],
            "productInfoList": [
                {"lineItemId": str(index), "vid": line["vid"], "quantity": line["quantity"], "price": line["sellPrice"]}
                for index, line in enumerate(order["productList"], start=1)
            ],
        }

    # -- move --

    def confirm(self, owner: int, call: Call) -> str:
        with self.store.lock:
            order = self._order(owner, call)
            if order["orderStatus"] not in ("CREATED", "IN_CART"):
                raise CjError(1603001, code_message(1603001))
            order["orderStatus"] = "UNPAID"
            self.store.put_order(order)
            return str(order["orderId"])

    def delete(self, owner: int, call: Call) -> str:
        with self.store.lock:
            order = self._order(owner, call)
            if order["orderStatus"] not in OPEN_STATUSES:
                raise CjError(1603002, code_message(1603002))
            order["orderStatus"] = "CANCELLED"
            self.store.put_order(order)
            return str(order["orderId"])

    def pay(self, owner: int, call: Call) -> bool:
        with self.store.lock:
            order = self._order(owner, call)
            if order["orderStatus"] not in OPEN_STATUSES:
                raise CjError(1603101, code_message(1603101))
            if not order["isSandbox"]:
                amount = float(order["orderAmount"])
                if self.store.balance + 1e-9 < amount:
                    raise CjError(1604000, code_message(1604000))
                self.store.set_balance(self.store.balance - amount)
            order.update(orderStatus="UNSHIPPED", paymentDate=now_utc())
            if order["isSandbox"]:
                order["_sandbox"] = 300
            self.store.put_order(order)
            return True

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
            order.update(orderStatus="UNSHIPPED", paymentDate=now_utc(), _sandbox=300)
            self.store.put_order(order)
            return True

    def update_status(self, owner: int, call: Call) -> bool:
        with self.store.lock:
            order = self._sandbox_order(owner, call)
            current = order.get("_sandbox")
            if current is None or order["orderStatus"] == "CANCELLED":
                raise CjError(819, code_message(819))
            target = call.get("targetStatus", "")
            if not target.isdigit() or int(target) != int(current) + 100 or int(target) not in SANDBOX_STATUS:
                following = int(current) + 100
                step = str(following) if following in SANDBOX_STATUS else "none (the order is at 700)"
                raise CjError(1600300, f"targetStatus must be the next status: {step}")
            order.update(_sandbox=int(target), orderStatus=SANDBOX_STATUS[int(target)])
            self.store.put_order(order)
            return True

    def update_track_number(self, owner: int, call: Call) -> bool:
        with self.store.lock:
            order = self._sandbox_order(owner, call)
            if order.get("_sandbox") is None or order["orderStatus"] == "CANCELLED":
                raise CjError(819, code_message(819))
            if not order.get("logisticName"):
                raise CjError(820, code_message(820))
            order["trackNumber"] = call.get("trackNumber", "")
            self.store.put_order(order)
            return True

    def summary(self) -> dict[str, Any]:
        with self.store.lock:
            orders = [
                {**public(order), "owner": order.get("_owner"), "sandboxStatus": order.get("_sandbox")}
                for order in self.store.orders.values()
            ]
            return {"balance": self.store.balance, "orders": orders}
