"""CJ's documented success examples, kept as package data, and the mock's use of them.

``examples.json`` holds, for each catalogued endpoint whose doc page prints a success example, that example
(cleaned where the page's text was not valid JSON; each entry's ``notes`` say how), its page (``source``)
and the day it was copied (``retrieved``). The mock builds its answers from its own state, then ``fill``
adds any documented field that state does not model, with the documented value, so every answer has the
documented fields and nesting. Where the live API is known to differ from the page, the live form wins and
``LIVE_FORM`` says why; ``shape_differences`` is the comparison the tests run.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

# (path, field path) -> why the mock's JSON type differs from the documented example's.
LIVE_FORM: dict[tuple[str, str], str] = {
    ("/product/list", "data.list[].sellPrice"): "live captures send a string, a range for several variants",
    ("/product/list", "data.list[].productWeight"): "live captures send a string, a range for several variants",
    ("/product/query", "data.sellPrice"): 'live captures send a range string ("8.13-10.00") as on product/list',
    (
        "/shopping/order/createOrderV2",
        "data.postageAmount",
    ): 'the example prints "" for every amount; its table says BigDecimal',
    (
        "/shopping/order/createOrderV2",
        "data.productAmount",
    ): 'the example prints "" for every amount; its table says BigDecimal',
    (
        "/shopping/order/createOrderV2",
        "data.orderAmount",
    ): 'the example prints "" for every amount; its table says BigDecimal',
    (
        "/shopping/order/createOrderV2",
        "data.iossAmount",
    ): 'the example prints "" for every amount; its table says BigDecimal',
    (
        "/shopping/order/createOrderV2",
        "data.iossTaxHandlingFee",
    ): 'the example prints "" for every amount; its table says BigDecimal',
    ("/shopping/order/createOrderV2", "data.productOriginalAmount"): 'the example prints ""; its table says BigDecimal',
    ("/shopping/order/createOrderV2", "data.productDiscountAmount"): 'the example prints ""; its table says BigDecimal',
    ("/shopping/order/createOrderV2", "data.postageDiscountAmount"): 'the example prints ""; its table says BigDecimal',
    ("/shopping/order/createOrderV2", "data.postageOriginalAmount"): 'the example prints ""; its table says BigDecimal',
    ("/shopping/order/createOrderV2", "data.totalDiscountAmount"): 'the example prints ""; its table says BigDecimal',
    ("/shopping/order/createOrderV2", "data.actualPayment"): 'the example prints ""; its table says BigDecimal',
    ("/shopping/order/createOrderV2", "data.orderOriginalAmount"): 'the example prints ""; its table says BigDecimal',
    ("/shopping/order/createOrderV2", "data.logisticsMiss"): 'the example prints ""; its table says Boolean',
    (
        "/shopping/order/createOrderV2",
        "data.productInfoList[].subOrderProducts[].quantity",
    ): 'the example prints ""; a count',
    ("/shopping/order/createOrderV2", "data.cjPayUrl"): "null when payType 2 or 3 asks for no pay page",
    ("/disputes/getDisputeList", "data"): 'the example prints ""; its field table describes a paged object',
    ("/product/sourcing/query", "data"): "the example is one object; the request takes a list of sourceIds",
}
for _name in list(LIVE_FORM):
    if _name[0] == "/shopping/order/createOrderV2":
        LIVE_FORM[("/shopping/order/createOrderV3", _name[1])] = LIVE_FORM[_name]

# Documented non-empty arrays the mock may leave empty, because its state has nothing to put there.
EMPTY_BY_STATE: dict[tuple[str, str], str] = {
    ("/logistic/freightCalculateTip", "data[].ruleTips"): "the tips a request breaks; allRuleTips lists them all",
    ("/logistic/freightCalculateTip", "data[].ruleTipTypes"): "the types of the tips a request breaks",
    ("/logistic/getSupplierLogisticsTemplate", "data"): "the mock has no supplier-shipped products",
    ("/product/listV2", "data.content[].relatedCategoryList"): "the mock's catalogue has no related categories",
    ("/setting/get", "data.callback.product.urls"): "filled once /webhook/set registered a URL",
    ("/shopping/order/createOrderV2", "data.productInfoList[].subOrderProducts"): "only for grouped products",
    ("/shopping/order/createOrderV3", "data.productInfoList[].subOrderProducts"): "only for grouped products",
    ("/shopping/order/createOrderV2", "data.interceptOrderReasons"): "filled for a held order only",
    ("/shopping/order/createOrderV3", "data.interceptOrderReasons"): "filled for a held order only",
    ("/shopping/order/getOrderDetail", "data.productList[].abnormalType"): "filled for an abnormal line only",
    ("/shopping/order/saveGenerateParentOrder", "data.unMatchOrderCodes"): "orders of the shipment not paid here",
    ("/shopping/order/saveGenerateParentOrder", "data.unMatchProductCodes"): "the mock's products always match",
}

# Envelopes that differ from the page on purpose.
LIVE_ENVELOPE: dict[str, str] = {
    "/product/globalWarehouseList": "code 0: CJ's own MCP server (github.com/CJ-dropshipping/api-mcp) reads "
    "{success: true, code: 0} from this endpoint, not the page's code 200",
}


@cache
def _all() -> dict[str, dict[str, Any]]:
    text = resources.files(__package__).joinpath("examples.json").read_text(encoding="utf-8")
    endpoints: dict[str, dict[str, Any]] = json.loads(text)["endpoints"]
    return endpoints


def paths() -> list[str]:
    """The endpoints with a documented success example."""
    return sorted(_all())


def entry(path: str) -> dict[str, Any] | None:
    """``{method, source, retrieved, example, notes}`` for ``path`` (catalog form, no /api2.0/v1), or None."""
    return _all().get(path)


def example(path: str) -> Any:
    """The documented success body of ``path``, or None."""
    found = _all().get(path)
    return found["example"] if found is not None else None


_Filler = Callable[[Any], None]


def _constant(model: Any) -> Callable[[], Any]:
    if isinstance(model, list) and not any(isinstance(item, dict | list) for item in model):
        return lambda: list(model)
    if isinstance(model, dict | list):
        return lambda: copy.deepcopy(model)
    return lambda: model


def _compile(model: Any) -> _Filler | None:
    """A function that fills a value shaped like ``model``, or None when ``model`` has nothing to fill."""
    if isinstance(model, dict):
        plan = [(key, _constant(sub), _compile(sub)) for key, sub in model.items()]

        def fill_object(value: Any) -> None:
            if not isinstance(value, dict):
                return
            for key, default, inner in plan:
                if key not in value:
                    value[key] = default()
                elif inner is not None:
                    inner(value[key])

        return fill_object
    if isinstance(model, list) and model and isinstance(model[0], dict):
        item_filler = _compile(model[0])

        def fill_items(value: Any) -> None:
            if isinstance(value, list) and item_filler is not None:
                for item in value:
                    item_filler(item)

        return fill_items
    return None


@cache
def _filler(path: str) -> _Filler | None:
    model = example(path)
    return _compile(model["data"]) if isinstance(model, dict) else None


def fill_data(path: str, data: Any) -> None:
    """``fill`` against the documented example's ``data`` of ``path``, with a plan built once per path."""
    filler = _filler(path)
    if filler is not None:
        filler(data)


def fill(value: Any, documented: Any) -> None:
    """Add, in place, every field of ``documented`` that ``value`` lacks, recursing into objects and into
    each item of a list (against the documented list's first item). Present fields are never changed."""
    filler = _compile(documented)
    if filler is not None:
        filler(value)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_differences(path: str, answer: Any) -> list[str]:
    """Documented fields missing from ``answer`` or of another JSON type, and documented non-empty arrays the
    answer leaves empty (so their items could not be compared). A documented null accepts any type; the
    differences in ``LIVE_FORM`` are left out."""
    found: list[str] = []

    def walk(mine: Any, model: Any, where: str) -> None:
        if model is None:
            return
        if (path, where) in LIVE_FORM:
            return
        if _kind(mine) != _kind(model):
            found.append(f"type {where}: documented {_kind(model)}, mock {_kind(mine)}")
            return
        if isinstance(model, dict):
            for key, sub in model.items():
                name = f"{where}.{key}" if where else key
                if key not in mine:
                    if (path, name) not in LIVE_FORM:
                        found.append(f"missing {name}")
                else:
                    walk(mine[key], sub, name)
        elif isinstance(model, list) and model:
            if not mine and (path, where) not in EMPTY_BY_STATE:
                found.append(f"empty {where}[]")
            for item in mine:
                walk(item, model[0], where + "[]")

    walk(answer, example(path), "")
    return found
