"""`probe --preflight`: check a createOrderV2/V3 body against CJ without sending the create.

What CJ refuses a create for, checked with read calls (https://developers.cjdropshipping.com/en/api/api2/api/shopping.html,
product.html, logistic.html): every variant exists (a pid in the vid field is named), its product is on sale
(status 3) and has the quantity in stock in the ``fromCountryCode`` warehouse; items that can only ship from
another warehouse are named (CJ cannot combine warehouses in one order); ``logisticName`` is one of the names
freightCalculate quotes for the route (CJ: 1605001 otherwise); the orderNumber is not used yet (1603003).
The points the checks cost and the points the create costs (from the catalog) are reported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cj_errors.base import redact
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.requests.findings import Finding, Severity
from cj_errors.requests.reader import Answer, Reader, refuse
from cj_errors.table import catalog

ORDER_PATHS = ("/shopping/order/createOrderV2", "/shopping/order/createOrderV3")
ON_SALE = "3"
_MOST_ITEMS = 50


@dataclass
class Item:
    where: str
    quantity: int
    vid: str | None
    sku: str | None
    name: str = ""
    ships_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreflightReport:
    path: str
    findings: tuple[Finding, ...]
    route: str
    quoted: tuple[str, ...]
    logistic_name: str
    ships_from: tuple[tuple[str, tuple[str, ...]], ...]  # (item, warehouses that can ship it)
    calls: tuple[tuple[str, int], ...] = field(default=())
    create_points: int = 0

    @property
    def blocked(self) -> bool:
        return any(finding.severity is Severity.ERROR for finding in self.findings)

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.INVALID_INPUT if self.blocked else ExitStatus.SUCCESS

    @property
    def check_points(self) -> int:
        return sum(points for _path, points in self.calls)


def _shown(value: object) -> str:
    return redact.scrub(str(value))[:80]


def _body(body: bytes | None) -> dict[str, Any]:
    try:
        value = json.loads(body or b"")
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, dict):
        raise CliError("--preflight needs the order as a JSON object body (-d @order.json)", ExitStatus.INVALID_INPUT)
    return value


def _items(order: Mapping[str, Any]) -> list[Item]:
    products = order.get("products")
    items: list[Item] = []
    for index, entry in enumerate(products[:_MOST_ITEMS] if isinstance(products, list) else []):
        if not isinstance(entry, Mapping):
            continue
        quantity = entry.get("quantity")
        count = int(quantity) if isinstance(quantity, int | str) and str(quantity).isdigit() else 1
        vid, sku = entry.get("vid"), entry.get("sku")
        items.append(
            Item(
                f"products[{index}]",
                count,
                vid.strip() if isinstance(vid, str) and vid.strip() else None,
                sku.strip() if isinstance(sku, str) and sku.strip() else None,
            )
        )
    return items


def _stock(rows: object, country: str) -> dict[str, int]:
    """Units per warehouse country from a stock answer (queryByVid rows)."""
    units: dict[str, int] = {}
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, Mapping):
            continue
        where = row.get("countryCode")
        count = next(
            (row[key] for key in ("storageNum", "totalInventoryNum", "totalInventory") if key in row),
            None,
        )
        if isinstance(where, str) and isinstance(count, int | float) and not isinstance(count, bool):
            units[where.upper()] = units.get(where.upper(), 0) + int(count)
    return units


class _Checks:
    def __init__(self, reader: Reader, order: Mapping[str, Any]) -> None:
        self.reader = reader
        self.order = order
        self.findings: list[Finding] = []
        self._products: dict[str, Answer] = {}

    def error(self, message: str, code: int | None = None, where: str | None = None) -> None:
        self.findings.append(Finding(Severity.ERROR, message, code, field=where))

    def warn(self, message: str, code: int | None = None, where: str | None = None) -> None:
        self.findings.append(Finding(Severity.WARNING, message, code, field=where))

    def read(self, path: str, query: list[tuple[str, str]]) -> Answer:
        answer = self.reader.get(path, query)
        if answer.explanation.exit_status in (ExitStatus.AUTH, ExitStatus.QUOTA, ExitStatus.NOT_ENVELOPE):
            raise refuse(answer)
        return answer

    def order_number(self) -> None:
        number = self.order.get("orderNumber")
        if not isinstance(number, str) or not number.strip():
            return
        answer = self.read("/shopping/order/getOrderDetail", [("orderId", number.strip())])
        if answer.ok and isinstance(answer.data, Mapping) and answer.data:
            found = answer.data
            self.error(
                f"orderNumber {_shown(number)!r} is already used by CJ order {_shown(found.get('orderId'))} "
                f"(status {_shown(found.get('orderStatus'))}); CJ refuses a second create with it: use a new "
                "orderNumber, or check that order (cjerr order REF)",
                1603003,
                "orderNumber",
            )

    def product(self, pid: str) -> Answer:
        if pid not in self._products:
            self._products[pid] = self.read("/product/query", [("pid", pid)])
        return self._products[pid]

    def resolve(self, item: Item) -> bool:
        """Find the item's variant; False (with a finding) when CJ does not know it."""
        if item.vid is None and item.sku is not None:
            answer = self.read("/product/variant/query", [("variantSku", item.sku)])
            rows = answer.data if answer.ok and isinstance(answer.data, list) else []
            match = next((row for row in rows if isinstance(row, Mapping) and row.get("variantSku") == item.sku), None)
            if match is None or not isinstance(match.get("vid"), str):
                self.error(f"{item.where}.sku: CJ knows no variant with SKU {_shown(item.sku)!r}", 1602000, item.where)
                return False
            item.vid = str(match["vid"])
        if item.vid is None:
            self.error(f"{item.where}: give a vid or a sku", 16900403, item.where)
            return False
        answer = self.read("/product/variant/queryByVid", [("vid", item.vid)])
        if answer.ok and isinstance(answer.data, Mapping) and answer.data:
            variant = answer.data
            item.name = str(variant.get("variantNameEn") or variant.get("variantSku") or "")
            pid = variant.get("pid")
            if isinstance(pid, str) and pid:
                self.on_sale(item, pid)
            return True
        as_product = self.product(item.vid)
        if as_product.ok and isinstance(as_product.data, Mapping) and as_product.data:
            variants = as_product.data.get("variants")
            rows = variants if isinstance(variants, list) else []
            vids = [str(row.get("vid")) for row in rows if isinstance(row, Mapping)]
            listed = ", ".join(vids[:5]) + (", ..." if len(vids) > 5 else "")
            self.error(
                f"{item.where}.vid: {_shown(item.vid)!r} is a pid (product "
                f"{_shown(as_product.data.get('productNameEn') or '')!r}), the field wants a vid"
                + (f"; its vids: {listed}" if listed else ""),
                1602000,
                f"{item.where}.vid",
            )
        else:
            self.error(f"{item.where}.vid: CJ knows no variant {_shown(item.vid)!r}", 1602000, f"{item.where}.vid")
        return False

    def on_sale(self, item: Item, pid: str) -> None:
        answer = self.product(pid)
        if not answer.ok:
            self.error(f"{item.where}: the variant's product {_shown(pid)} is not found (removed from sale?)", 1602001)
            return
        status = answer.data.get("status") if isinstance(answer.data, Mapping) else None
        if status is not None and str(status) != ON_SALE:
            self.error(
                f"{item.where}: product {_shown(pid)} is not on sale (status {_shown(status)}; 3 is on sale); "
                "pick a product that is, or remove the item",
                1602003,
                item.where,
            )

    def stock(self, item: Item, start: str) -> None:
        assert item.vid is not None
        answer = self.read("/product/stock/queryByVid", [("vid", item.vid)])
        if not answer.ok:
            self.warn(f"{item.where}: CJ gave no stock for {_shown(item.vid)}: {answer.explanation.verdict}")
            return
        units = _stock(answer.data, start)
        item.ships_from = tuple(sorted(where for where, count in units.items() if count >= item.quantity))
        here = units.get(start, 0)
        if here >= item.quantity:
            return
        elsewhere = ", ".join(f"{where} ({count})" for where, count in sorted(units.items()) if count > 0)
        self.error(
            f"{item.where}: {here} in stock in the {start} warehouse (fromCountryCode), the order wants "
            f"{item.quantity}" + (f"; stock elsewhere: {elsewhere}" if elsewhere else "; none in any warehouse"),
            None,
            item.where,
        )

    def warehouses(self, items: list[Item], start: str) -> None:
        away = [item for item in items if item.ships_from and start not in item.ships_from]
        home = [item for item in items if start in item.ships_from]
        if away and (home or len({item.ships_from for item in away}) > 1):
            named = "; ".join(f"{item.where} from {'/'.join(item.ships_from)}" for item in [*home, *away])
            self.error(
                f"the items ship from different warehouses ({named}); CJ cannot combine warehouses in one "
                "order: split it into one order per warehouse, each with its own fromCountryCode",
                None,
                "products",
            )

    def freight(self, items: list[Item], start: str, end: str) -> tuple[str, ...]:
        lines = [{"vid": item.vid, "quantity": item.quantity} for item in items if item.vid]
        answer = self.reader.post(
            "/logistic/freightCalculate", {"startCountryCode": start, "endCountryCode": end, "products": lines}
        )
        if answer.explanation.exit_status in (ExitStatus.AUTH, ExitStatus.QUOTA, ExitStatus.NOT_ENVELOPE):
            raise refuse(answer)
        if not answer.ok:
            verdict = answer.explanation.verdict
            self.warn(f"freightCalculate {start} -> {end} failed ({verdict}): logisticName not checked")
            return ()
        quotes = answer.data if isinstance(answer.data, list) else []
        names = tuple(
            str(quote["logisticName"])
            for quote in quotes
            if isinstance(quote, Mapping) and isinstance(quote.get("logisticName"), str)
        )
        chosen = self.order.get("logisticName")
        chosen_text = chosen.strip() if isinstance(chosen, str) else ""
        if not names:
            self.error(
                f"CJ quoted no shipping method from {start} to {end} for these items; the create would fail "
                "(check the countries, or ship from another warehouse)",
                1605001,
                "logisticName",
            )
        elif chosen_text not in names:
            close = next((name for name in names if name.lower() == chosen_text.lower()), None)
            hint = f" (the case differs: {close!r})" if close else ""
            self.error(
                f"logisticName {_shown(chosen_text)!r} is not one CJ quoted from {start} to {end}{hint}; "
                f"quoted: {', '.join(names)}",
                1605001,
                "logisticName",
            )
        return names


def run(reader: Reader, path: str, body: bytes | None) -> PreflightReport:
    """Every preflight check of a createOrderV2/V3 body. Reads only; never sends the create."""
    if path not in ORDER_PATHS:
        raise CliError(f"--preflight checks {' and '.join(ORDER_PATHS)}; {path} is not one", ExitStatus.USAGE)
    order = _body(body)
    start = str(order.get("fromCountryCode") or "").strip().upper()
    end = str(order.get("shippingCountryCode") or "").strip().upper()
    checks = _Checks(reader, order)
    checks.order_number()
    items = _items(order)
    known = [item for item in items if checks.resolve(item)]
    if start:
        for item in known:
            checks.stock(item, start)
        checks.warehouses(known, start)
    quoted: tuple[str, ...] = ()
    if start and end and known:
        quoted = checks.freight(known, start, end)
    endpoint = catalog.find(path)
    chosen = order.get("logisticName")
    return PreflightReport(
        path=path,
        findings=tuple(sorted(checks.findings, key=lambda finding: finding.severity is not Severity.ERROR)),
        route=f"{start or '?'} -> {end or '?'}",
        quoted=quoted,
        logistic_name=str(chosen) if isinstance(chosen, str) else "",
        ships_from=tuple((f"{item.where} {item.vid}", item.ships_from) for item in known),
        calls=tuple(reader.calls),
        create_points=endpoint.points if endpoint is not None else 0,
    )
