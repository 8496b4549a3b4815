"""The CJ API 2.0 endpoint catalog: paths, methods, parameters, points and
deprecations, plus the path helpers that "did you mean" and shell completion use.

Sources: official rows come from CJ's .cn/en docs (developers.cjdropshipping.cn/en/api/)
compiled 2026-02-26, cross-checked with the .com copies; rows marked
``official=False`` come only from secondary notes that quote the current .com
docs (or from CJ's own MCP server), so their parameters are often unknown.

Conventions of the data:

* ``fields`` lists the required fields and the documented optional ones. When
  a field's type is not given anywhere, it is typed ``"string"`` and its note
  starts with ``TYPE_NOT_CAPTURED``; use ``type_known()`` before warning on type.
* An empty ``fields`` on an endpoint whose note says "parameters not captured"
  means nothing is known, not that the endpoint takes no parameters.
* Array ``max_length`` is the maximum number of items.
* Where two documented versions disagree, validation accepts both and the note
  says which version says what.

Standard library only: shell completion imports this module on every keypress.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from cj_errors.table.doc_links import (
    DOC_AUTH,
    DOC_LOGISTIC,
    DOC_PRODUCT,
    DOC_SANDBOX,
    DOC_SETTING,
    DOC_SHOPPING,
    DOC_STORAGE,
    DOC_TICKET,
    DOC_WEBHOOK,
)

BASE_URL = "https://developers.cjdropshipping.com/api2.0/v1"
API_PREFIX = "/api2.0/v1"

TYPE_NOT_CAPTURED = "type not captured"
PARAMS_NOT_CAPTURED = "parameters not captured"


class Location(str, enum.Enum):
    """Where an endpoint's parameters go."""

    QUERY = "query"
    JSON = "json"
    FORM = "form"  # multipart/form-data
    HEADERS = "headers"  # no parameters; only the headers


class FieldSpec(NamedTuple):
    """One request field, or one field of the objects inside an array/object."""

    name: str
    type: str  # "string", "integer", "number", "boolean", "array", "object", "file"
    max_length: int | None = None  # strings: characters; arrays: items
    choices: tuple[str | int, ...] = ()
    items: tuple[FieldSpec, ...] = ()
    required: bool = False
    note: str = ""
    # CJ's own wording when this field is missing or empty, where the docs give one
    # (getOrderDetail: "orderId must be not empty"); else the generic "{name} can not be empty".
    empty_message: str = ""
    # Documented ranges of integers (pageSize "max 200", quantity at least 1), inclusive.
    minimum: int | None = None
    maximum: int | None = None
    # A country code: CJ's order and freight pages say to use the two-letter (ISO 3166-1 alpha-2) code.
    country: bool = False


class Endpoint(NamedTuple):
    """One path of the API, relative to ``API_PREFIX``."""

    path: str
    method: str
    location: Location
    group: str
    summary: str
    fields: tuple[FieldSpec, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    needs_token: bool = True
    deprecated: str = ""
    replacement: str = ""
    points: int = 0
    mutating: bool = False
    official: bool = True
    extra_headers: tuple[str, ...] = ()
    doc: str = ""
    note: str = ""
    # Methods the path accepts besides ``method`` (the default one); ``mutating`` describes the
    # default method only, see is_mutating().
    other_methods: tuple[str, ...] = ()
    # Non-empty for the token endpoints, which have a strict throttle of their own: the
    # documented limit. Every attempt counts against it, so probe never retries them on a rate limit.
    auth_throttle: str = ""
    # Non-empty for calls that spend money or cannot be undone (pay, confirm, delete): what they do, in
    # words. --no-spend (probe) and no_spend (the SDK transports) refuse them before anything is sent.
    spends: str = ""

    @property
    def methods(self) -> tuple[str, ...]:
        """Every method the path accepts, the default one first."""
        return (self.method, *self.other_methods)


def is_mutating(endpoint: Endpoint | None, method: str) -> bool:
    """Whether sending ``method`` to this endpoint can change data (so repeating it could duplicate the effect).

    The default method follows ``endpoint.mutating``; GET on another method never changes data, and any
    other method than the default one (POST/DELETE on /product/conn/connection, or a wrong method sent
    with --force) is taken to change data. Unknown paths: everything but GET.
    """
    if endpoint is not None and method == endpoint.method:
        return endpoint.mutating
    return method != "GET"


def type_known(spec: FieldSpec) -> bool:
    """False when no source gives the field's type (its ``type`` is a placeholder)."""
    return not spec.note.startswith(TYPE_NOT_CAPTURED)


# --- field constructors (keep the table below readable) -----------------------

_Choices = tuple[str | int, ...]


def _s(
    name: str,
    max_length: int | None = None,
    *,
    req: bool = False,
    choices: _Choices = (),
    note: str = "",
    empty: str = "",
    country: bool = False,
) -> FieldSpec:
    return FieldSpec(name, "string", max_length, choices, (), req, note, empty, country=country)


def _i(
    name: str,
    *,
    req: bool = False,
    choices: _Choices = (),
    note: str = "",
    minimum: int | None = None,
    maximum: int | None = None,
) -> FieldSpec:
    return FieldSpec(name, "integer", None, choices, (), req, note, minimum=minimum, maximum=maximum)


def _n(name: str, *, req: bool = False, note: str = "") -> FieldSpec:
    return FieldSpec(name, "number", None, (), (), req, note)


def _b(name: str, *, req: bool = False, note: str = "") -> FieldSpec:
    return FieldSpec(name, "boolean", None, (), (), req, note)


def _a(
    name: str,
    max_items: int | None = None,
    *,
    req: bool = False,
    choices: _Choices = (),
    items: tuple[FieldSpec, ...] = (),
    note: str = "",
) -> FieldSpec:
    return FieldSpec(name, "array", max_items, choices, items, req, note)


def _o(name: str, *, req: bool = False, items: tuple[FieldSpec, ...] = (), note: str = "") -> FieldSpec:
    return FieldSpec(name, "object", None, (), items, req, note)


def _f(name: str, *, req: bool = False, note: str = "") -> FieldSpec:
    return FieldSpec(name, "file", None, (), (), req, note)


def _u(name: str, *, req: bool = False, note: str = "") -> FieldSpec:
    """A field whose type no source gives."""
    text = f"{TYPE_NOT_CAPTURED}; {note}" if note else TYPE_NOT_CAPTURED
    return FieldSpec(name, "string", None, (), (), req, text)


_PAGE_NUM = _i("pageNum", note="default 1")
_ONE_OF_PRODUCT = (("pid", "productSku", "variantSku"),)
_PRODUCT_KEYS = (
    _s("pid", 200),
    _s("productSku", 200, note="the product SKU; a variant SKU here gives 1602001 Product not found"),
    _s("variantSku", 200),
)
_PLATFORM_TOKEN = ("platformToken",)
_PLATFORM_TOKEN_NOTE = (
    "Optional platformToken header: obtained like the CJ access token, may be empty; "
    "a bad value gives 1600031 Invalid platform token."
)

# createOrderV2 / V3 share everything except payType.
_ORDER_ITEM = (
    _s(
        "vid",
        50,
        note="at least one of vid / sku per item; send as a string; if both are given they must match; "
        "vid is required when the account may submit non-CJ SKUs",
    ),
    _s("sku", 50, note="at least one of vid / sku per item"),
    _i("quantity", req=True, note="send as a number", minimum=1),
    _u("unitPrice"),
    _s("storeLineItemId", 125, note="omit it rather than sending null"),
    _s("podProperties", 500),
)
_ORDER_V2_FIELDS = (
    _s("orderNumber", 50, req=True, note="your own order number"),
    _s("shippingCountryCode", 20, req=True, note="two-letter country code", country=True),
    _s("shippingCountry", 50, req=True),
    _s("shippingProvince", 50, req=True, note="an empty province is one suspected cause of 100202 Invalid products"),
    _s("shippingCity", 50, req=True),
    _s("shippingCustomerName", 50, req=True),
    _s("shippingAddress", 200, req=True),
    _s("logisticName", 50, req=True, note="must be valid for the route (see freightCalculate)"),
    _s("fromCountryCode", 20, req=True, note="two-letter country code", country=True),
    _a("products", req=True, items=_ORDER_ITEM, note="each item needs quantity and at least one of vid / sku"),
    _s("shippingZip", 20),
    _s("shippingCounty", 50),
    _s("shippingPhone", 20),
    _s("shippingAddress2", 200),
    _s("houseNumber", 20),
    _s("email", 50),
    _s("taxId", 20),
    _s("remark", 500),
    _s("consigneeID", 20),
    _n("shopAmount"),
    _s("platform", 20, note="default Api; see Appendix 3 for the platform names"),
    _i("iossType", choices=(1, 2, 3)),
    _s("iossNumber", 10, note="fixed CJ-IOSS when iossType=3"),
    _i(
        "shopLogisticsType",
        choices=(1, 2, 3),
        note="default 2; 1 platform logistics with your storageId, 2 seller logistics, "
        "3 platform logistics with a CJ-chosen storage (added 2025-11-18)",
    ),
    _s("storageId", 40, note="used when shopLogisticsType=1"),
    _u("orderFlow", note="only in the newest crawl's example (value 1), not in the field table"),
    _i("isSandbox", choices=(0, 1), note="secondary source (newer .com docs): 1 makes a sandbox order, default 0"),
)
_PAY_TYPE = _i(
    "payType",
    choices=(1, 2, 3),
    note="conflict: the 2026-02 docs give 2 = balance payment (adds to cart, confirms and deducts the balance), "
    "3 = no balance payment; the newest crawl gives 1 or omitted = page payment (default, returns cjPayUrl), "
    "2 = balance payment, 3 = create only",
)
_ORDER_NOTE = (
    "100202 Invalid products has been reported with valid vids; suspected causes: no route or stock for the "
    "destination, empty shippingProvince, a logisticName not valid for the route, storeLineItemId sent as null. "
)

_WAYBILL_FIELDS = (
    _s("orderId", 200, req=True),
    _s("cjOrderId", 200, req=True),
    _s("cjShippingCompanyName", 200, req=True, note="a name from warehouse/detail logisticsBrandList"),
    _s("trackNumber", 200, req=True),
    _f("waybillFile", req=True),
)

_WEBHOOK_TOPIC = (
    _s(
        "type",
        req=True,
        choices=("ENABLE", "CANCEL", "ALL"),
        note="conflict: current docs ENABLE / CANCEL; older docs ALL / CANCEL",
    ),
    _a(
        "callbackUrls",
        5,
        req=True,
        note="conflict: current docs exactly one reachable public https URL (no localhost / 127.0.0.1); "
        "older docs a list, length 5",
    ),
)

_DISPUTE_PRODUCT = (
    _i("quantity", req=True, minimum=1),
    _n("price", req=True),
    _u("lineItemId"),
)

_PRIVATE_STOCK_FILTERS = (
    _u("keyword"),
    _u("availableStock"),
    _u("pack"),
    _u("serviceProd"),
    _u("pod"),
    _u("productId"),
    _u("sku"),
)

_TICKET_NOTE = "Ticket APIs: at most 1 request per second."


ENDPOINTS: tuple[Endpoint, ...] = (
    # --- Auth (official) ------------------------------------------------------
    Endpoint(
        "/authentication/getAccessToken",
        "POST",
        Location.JSON,
        "Auth",
        "Exchange the API key for an access token and a refresh token",
        fields=(
            _s("apiKey", 200, note="current docs: required; format CJUserNum@api@<32 chars>"),
            _s("email", 200, note="legacy docs only (email + password); CJ answers 1600005 to it since 2025"),
            _s("password", 200, note="legacy docs only; the API key was passed as the password; 1600005 since 2025"),
        ),
        # The legacy body still gets as far as the key check (CJ answers 1600005, as the mock does); probe
        # blocks it before sending (cj_errors/requests/traps.py).
        one_of=(("apiKey", "password"),),
        needs_token=False,
        auth_throttle="once every 5 minutes (2025/2026 .cn docs; the 2026 .com auth page says 1 call per second)",
        doc=DOC_AUTH,
        note="Conflict: current docs take {apiKey}; legacy docs took {email, password} (a 2025 issue reports "
        "email + password stopped working). Strict rate limit: once every 5 minutes (2025/2026 .cn docs) "
        "vs 1 call per second (2026 .com auth page). Within 24 hours the same tokens come back. "
        "Issues tokens but changes nothing, so not marked mutating.",
    ),
    Endpoint(
        "/authentication/refreshAccessToken",
        "POST",
        Location.JSON,
        "Auth",
        "Get a new access token with the refresh token",
        fields=(
            _s(
                "refreshToken",
                200,
                req=True,
                note="conflict: the request table gives length 80, the field definitions string(200); "
                "send the refresh token, not the access token",
            ),
        ),
        needs_token=False,
        auth_throttle="5 calls per minute (2025/2026 .cn docs)",
        mutating=True,
        doc=DOC_AUTH,
        note="Strict rate limit: 5 calls per minute (2025/2026 .cn docs). Within 24 hours the same cached token "
        "comes back. Marked mutating: a refresh that issues a new pair retires the old one, so one whose "
        "answer was lost is not repeated blindly (a second refresh with the retired token fails).",
    ),
    Endpoint(
        "/authentication/logout",
        "POST",
        Location.HEADERS,
        "Auth",
        "Expire the access token and the refresh token",
        mutating=True,
        doc=DOC_AUTH,
        note="No body; only the CJ-Access-Token header.",
    ),
    # --- Setting ----------------------------------------------------------------
    Endpoint(
        "/setting/get",
        "GET",
        Location.HEADERS,
        "Setting",
        "Account settings: quota and QPS limits, callbacks, permission level, sandbox flag",
        doc=DOC_SETTING,
    ),
    Endpoint(
        "/setting/account/set",
        "PATCH",
        Location.JSON,
        "Setting",
        "Change the account's open name and email",
        fields=(_u("openName"), _u("openEmail")),
        mutating=True,
        note="Appears only as the example on the Interface Definition page (URL not captured); "
        "no required fields documented.",
    ),
    # --- Product ----------------------------------------------------------------
    Endpoint(
        "/product/getCategory",
        "GET",
        Location.HEADERS,
        "Product",
        "Three-level product category tree",
        doc=DOC_PRODUCT,
        note="GET; one client sent POST.",
    ),
    Endpoint(
        "/product/listV2",
        "GET",
        Location.QUERY,
        "Product",
        "Search the product catalog (newer search, keyWord / page / size)",
        fields=(
            _s("keyWord", 200),
            _i("page", note="1-1000, default 1", minimum=1, maximum=1000),
            _i("size", note="1-100, default 10", minimum=1, maximum=100),
            _u("categoryId"),
            _a("lv2categoryList"),
            _a("lv3categoryList"),
            _s("countryCode"),
            _n("startSellPrice"),
            _n("endSellPrice"),
            _i("addMarkStatus", choices=(0, 1)),
            _i("productType", choices=(4, 10, 11)),
            _i("productFlag", choices=(0, 1, 2, 3)),
            _u("startWarehouseInventory"),
            _u("endWarehouseInventory"),
            _i("verifiedWarehouse", choices=(0, 1, 2)),
            _i("timeStart", note="milliseconds"),
            _i("timeEnd", note="milliseconds"),
            _u("zonePlatform"),
            _b("isWarehouse"),
            _s("sort", choices=("desc", "asc")),
            _i("orderBy", choices=(0, 1, 2, 3, 4)),
            _a(
                "features",
                choices=("enable_description", "enable_category", "enable_combine", "enable_video"),
                note="repeat the key",
            ),
            _u("supplierId"),
            _u("hasCertification"),
            _u("isSelfPickup"),
            _u("customization"),
        ),
        points=50,
        doc=DOC_PRODUCT,
        note="GET only (POST gives \"Request method 'POST' not supported\"). Takes keyWord/page/size, not "
        "productNameEn/pageNum/pageSize. Results are nested in data.content[].productList[]; totalRecords "
        "is capped at 6000 and a 'max offset' message means the end of paging.",
    ),
    Endpoint(
        "/product/globalWarehouseList",
        "GET",
        Location.HEADERS,
        "Product",
        "List CJ's global warehouses",
        doc=DOC_PRODUCT,
        note="Success carries success:true instead of result.",
    ),
    Endpoint(
        "/product/list",
        "GET",
        Location.QUERY,
        "Product",
        "List products (older search, productNameEn / pageNum / pageSize)",
        fields=(
            _PAGE_NUM,
            _i("pageSize", note="default 20, max 200 (an older note says fixed at 20)", maximum=200),
            _u("categoryId"),
            _s("pid"),
            _s("productSku"),
            _s("productName"),
            _s("productNameEn", note="the name search of this endpoint (keyword / keyWord are not parameters here)"),
            _s("productType", choices=("ORDINARY_PRODUCT", "SUPPLIER_PRODUCT")),
            _s("countryCode"),
            _i("deliveryTime", choices=(24, 48, 72)),
            _i("verifiedWarehouse", choices=(1, 2)),
            _u("startInventory"),
            _u("endInventory"),
            _s("createTimeFrom", note="yyyy-MM-dd hh:mm:ss"),
            _s("createTimeTo", note="yyyy-MM-dd hh:mm:ss"),
            _i("brandOpenId", note="long"),
            _u("minPrice"),
            _u("maxPrice"),
            _i("searchType", choices=(0, 2, 21)),
            _u("minListedNum"),
            _u("maxListedNum"),
            _s("sort", choices=("desc", "asc")),
            _s("orderBy", choices=("createAt", "listedNum")),
            _i("isSelfPickup", choices=(0, 1)),
            _s("supplierId", 40),
            _i("isFreeShipping", choices=(0, 1)),
            _i("customizationVersion", choices=(1, 2, 3, 4, 5)),
        ),
        points=50,
        doc=DOC_PRODUCT,
        note="Unknown parameters (e.g. keyword, keyWord) are silently ignored, so a misspelt filter returns the "
        "unfiltered list. Free/v1 users: at most 1000 requests per day; at most three users per IP "
        "(2024-09-30 update).",
    ),
    Endpoint(
        "/product/query",
        "GET",
        Location.QUERY,
        "Product",
        "Product details by pid, product SKU or variant SKU",
        fields=(
            *_PRODUCT_KEYS,
            _a("features", choices=("enable_combine", "enable_video", "enable_inventory")),
            _s("countryCode", 2, note="filters variants by warehouse country", country=True),
        ),
        one_of=_ONE_OF_PRODUCT,
        points=10,
        doc=DOC_PRODUCT,
        note="Exactly one of pid / productSku / variantSku. variants[].inventories is often null; "
        "use /product/stock/getInventoryByPid for stock.",
    ),
    Endpoint(
        "/product/addToMyProduct",
        "POST",
        Location.JSON,
        "Product",
        "Add a product to My Products",
        fields=(_s("productId", 100, req=True),),
        mutating=True,
        doc=DOC_PRODUCT,
        note="Adding a product twice gives 1600000 'The product has been added to My Products.'",
    ),
    Endpoint(
        "/product/myProduct/query",
        "GET",
        Location.QUERY,
        "Product",
        "List the products in My Products",
        fields=(
            _u("keyword"),
            _u("categoryId"),
            _u("startAt"),
            _u("endAt"),
            _u("isListed"),
            _u("visiable"),
            _u("hasPacked"),
            _u("hasVirPacked"),
        ),
        doc=DOC_PRODUCT,
        note="No required fields; 'visiable' is spelt as in the docs.",
    ),
    # --- Variant ------------------------------------------------------------------
    Endpoint(
        "/product/variant/query",
        "GET",
        Location.QUERY,
        "Variant",
        "A product's variants by pid, product SKU or variant SKU",
        fields=(*_PRODUCT_KEYS, _s("countryCode", 2, country=True)),
        one_of=_ONE_OF_PRODUCT,
        points=10,
        doc=DOC_PRODUCT,
        note="Exactly one of pid / productSku / variantSku.",
    ),
    Endpoint(
        "/product/variant/queryByVid",
        "GET",
        Location.QUERY,
        "Variant",
        "One variant by its vid",
        fields=(_s("vid", 200, req=True), _a("features", choices=("enable_inventory",))),
        points=10,
        doc=DOC_PRODUCT,
    ),
    # --- Inventory ------------------------------------------------------------------
    Endpoint(
        "/product/stock/queryByVid",
        "GET",
        Location.QUERY,
        "Inventory",
        "Stock of one variant by vid",
        fields=(_s("vid", 200, req=True),),
        points=10,
        doc=DOC_PRODUCT,
    ),
    Endpoint(
        "/product/stock/queryBySku",
        "GET",
        Location.QUERY,
        "Inventory",
        "Stock by SKU or SPU",
        fields=(_s("sku", 200, req=True, note="SKU or SPU"),),
        points=10,
        doc=DOC_PRODUCT,
    ),
    Endpoint(
        "/product/stock/getInventoryByPid",
        "GET",
        Location.QUERY,
        "Inventory",
        "Stock of all variants of a product, per warehouse",
        fields=(_s("pid", 40, req=True),),
        points=10,
        doc=DOC_PRODUCT,
        note="Sub-warehouse list added 2025-11-19.",
    ),
    # --- Reviews --------------------------------------------------------------------
    Endpoint(
        "/product/comments",
        "GET",
        Location.QUERY,
        "Reviews",
        "Product reviews (old endpoint)",
        fields=(_s("pid", 200, req=True), _u("score"), _PAGE_NUM, _i("pageSize")),
        deprecated="deprecated June 1, 2024",
        replacement="/product/productComments",
        doc=DOC_PRODUCT,
    ),
    Endpoint(
        "/product/productComments",
        "GET",
        Location.QUERY,
        "Reviews",
        "Product reviews",
        fields=(_s("pid", 200, req=True), _u("score"), _PAGE_NUM, _i("pageSize", note="default 20")),
        doc=DOC_PRODUCT,
        note="Success example uses code 0, not 200.",
    ),
    # --- Sourcing -------------------------------------------------------------------
    Endpoint(
        "/product/sourcing/create",
        "POST",
        Location.JSON,
        "Sourcing",
        "Ask CJ to source a product",
        fields=(
            _s("productName", 200, req=True),
            _s("productImage", 200, req=True),
            _s("thirdProductId", 200),
            _s("thirdVariantId", 200),
            _s("thirdProductSku", 200),
            _s("productUrl", 200),
            _s("remark", 200),
            _n("price"),
        ),
        mutating=True,
        doc=DOC_PRODUCT,
        note="Success example uses code 0, not 200.",
    ),
    Endpoint(
        "/product/sourcing/query",
        "POST",
        Location.JSON,
        "Sourcing",
        "Status of sourcing requests",
        fields=(_a("sourceIds", req=True),),
        doc=DOC_PRODUCT,
        note="A query despite POST.",
    ),
    # --- Storage --------------------------------------------------------------------
    Endpoint(
        "/warehouse/detail",
        "GET",
        Location.QUERY,
        "Storage",
        "Warehouse details, including the carriers it supports (logisticsBrandList)",
        fields=(_s("id", 200, req=True, note="storage ID"),),
        doc=DOC_STORAGE,
        note="Unknown id gives 1608001 Warehouse info not found. Added 2025-11-18.",
    ),
    # --- Order ----------------------------------------------------------------------
    Endpoint(
        "/shopping/order/createOrderV2",
        "POST",
        Location.JSON,
        "Order",
        "Create an order (optionally paying from the balance, see payType)",
        fields=(*_ORDER_V2_FIELDS, _PAY_TYPE),
        mutating=True,
        extra_headers=_PLATFORM_TOKEN,
        doc=DOC_SHOPPING,
        note=_ORDER_NOTE + _PLATFORM_TOKEN_NOTE,
    ),
    Endpoint(
        "/shopping/order/createOrderV3",
        "POST",
        Location.JSON,
        "Order",
        "Create an order (same body as createOrderV2, without payType)",
        fields=_ORDER_V2_FIELDS,
        mutating=True,
        extra_headers=_PLATFORM_TOKEN,
        doc=DOC_SHOPPING,
        note=_ORDER_NOTE + _PLATFORM_TOKEN_NOTE,
    ),
    Endpoint(
        "/shopping/order/createOrder",
        "POST",
        Location.JSON,
        "Order",
        "Create an order (old endpoint)",
        fields=(
            _s("orderNumber", 200, req=True),
            _s("shippingCountryCode", 200, req=True, country=True),
            _s("shippingCountry", 200, req=True),
            _s("shippingProvince", 200, req=True),
            _s("shippingCity", 200, req=True),
            _s("shippingAddress", 200, req=True),
            _s("shippingCustomerName", 200, req=True),
            _s("shippingZip", 200, req=True),
            _s("shippingPhone", 200, req=True),
            _s("logisticName", 200, req=True),
            _s("fromCountryCode", 200, req=True, country=True),
            _a("products", req=True, items=(_s("vid", 200, req=True), _i("quantity", req=True, minimum=1))),
        ),
        deprecated="deprecated (the Chinese page says it has expired)",
        replacement="/shopping/order/createOrderV2",
        mutating=True,
        doc=DOC_SHOPPING,
        note="Success data is the order id string. Lengths are from older tables (all 200).",
    ),
    Endpoint(
        "/shopping/order/addCart",
        "POST",
        Location.JSON,
        "Order",
        "Put created orders into the cart (step 2 of the pay flow)",
        fields=(_a("cjOrderIdList", req=True),),
        mutating=True,
        doc=DOC_SHOPPING,
    ),
    Endpoint(
        "/shopping/order/addCartConfirm",
        "POST",
        Location.JSON,
        "Order",
        "Confirm the cart; returns shipmentsId (step 3 of the pay flow)",
        fields=(_a("cjOrderIdList", req=True),),
        mutating=True,
        spends="confirms the cart, which commits the orders to the pay flow",
        doc=DOC_SHOPPING,
    ),
    Endpoint(
        "/shopping/order/saveGenerateParentOrder",
        "POST",
        Location.JSON,
        "Order",
        "Create the parent (payment) order; returns payId (step 4 of the pay flow)",
        fields=(_s("shipmentOrderId", 200, req=True),),
        mutating=True,
        doc=DOC_SHOPPING,
        note="Success body has no code field.",
    ),
    Endpoint(
        "/shopping/order/list",
        "GET",
        Location.QUERY,
        "Order",
        "List orders",
        fields=(
            _PAGE_NUM,
            _i("pageSize", note="default 20"),
            _a("orderIds", 100, note="printed as string[](100); repeat the key"),
            _s("shipmentOrderId", 100),
            _s(
                "status",
                choices=("CREATED", "IN_CART", "UNPAID", "UNSHIPPED", "SHIPPED", "DELIVERED", "CANCELLED", "OTHER"),
                note="the docs print 'default: CANCELLED'",
            ),
        ),
        doc=DOC_SHOPPING,
    ),
    Endpoint(
        "/shopping/order/getOrderDetail",
        "GET",
        Location.QUERY,
        "Order",
        "One order's details",
        fields=(
            _s("orderId", 200, req=True, note="your order id or the CJ order id", empty="orderId must be not empty"),
            _a("features", 20, note="repeat the key; at most 20; e.g. LOGISTICS_TIMELINESS"),
        ),
        doc=DOC_SHOPPING,
        note="Errors come under 1600300: 'order not found', 'orderId must be not empty', "
        "'The maximum number of features is 20'.",
    ),
    Endpoint(
        "/shopping/order/deleteOrder",
        "DELETE",
        Location.QUERY,
        "Order",
        "Delete an order",
        fields=(_s("orderId", 200, req=True),),
        mutating=True,
        spends="deletes the order, which cannot be undone",
        doc=DOC_SHOPPING,
        note="DELETE with the orderId in the query string; one client used GET.",
    ),
    Endpoint(
        "/shopping/order/confirmOrder",
        "PATCH",
        Location.JSON,
        "Order",
        "Confirm an order",
        fields=(_s("orderId", 200, req=True),),
        mutating=True,
        spends="confirms the order for payment, which cannot be undone",
        doc=DOC_SHOPPING,
        note="PATCH with a JSON body; one client used GET.",
    ),
    Endpoint(
        "/shopping/order/changeWarehouse",
        "POST",
        Location.JSON,
        "Order",
        "Move an order to another warehouse",
        fields=(_s("orderCode", 200, req=True), _s("storageId", 200, req=True)),
        mutating=True,
        doc=DOC_SHOPPING,
        note="Only for orders using platform logistics.",
    ),
    # --- Payment ----------------------------------------------------------------------
    Endpoint(
        "/shopping/pay/getBalance",
        "GET",
        Location.HEADERS,
        "Payment",
        "Account balance",
        doc=DOC_SHOPPING,
    ),
    Endpoint(
        "/shopping/pay/payBalance",
        "POST",
        Location.JSON,
        "Payment",
        "Pay an order from the balance",
        fields=(_s("orderId", 200, req=True),),
        mutating=True,
        spends="pays the order from the account balance",
        doc=DOC_SHOPPING,
    ),
    Endpoint(
        "/shopping/pay/payBalanceV2",
        "POST",
        Location.JSON,
        "Payment",
        "Pay a parent order from the balance (step 5 of the pay flow)",
        fields=(
            _s("shipmentOrderId", 200, req=True),
            _s("payId", 200, req=True, note="from saveGenerateParentOrder"),
        ),
        mutating=True,
        spends="pays the parent order from the account balance",
        doc=DOC_SHOPPING,
    ),
    # --- Shipping info ----------------------------------------------------------------
    Endpoint(
        "/shopping/order/uploadWaybillInfo",
        "POST",
        Location.FORM,
        "Shipping info",
        "Upload a shipping label for a platform-logistics order",
        fields=_WAYBILL_FIELDS,
        mutating=True,
        doc=DOC_SHOPPING,
        note="multipart/form-data, not JSON. Only after the CJ order is paid; errors 804 and 806.",
    ),
    Endpoint(
        "/shopping/order/updateWaybillInfo",
        "POST",
        Location.FORM,
        "Shipping info",
        "Replace a shipping label uploaded before",
        fields=_WAYBILL_FIELDS,
        mutating=True,
        doc=DOC_SHOPPING,
        note="multipart/form-data, not JSON.",
    ),
    Endpoint(
        "/shopping/order/podProductCustomPicturesEdit",
        "POST",
        Location.JSON,
        "Shipping info",
        "Change the custom (POD) pictures of order lines",
        fields=(
            _a(
                "podPicturesEditParams",
                req=True,
                items=(
                    _s("orderCode", 200, req=True),
                    _s("lineItemId", 200, req=True),
                    _a("effectImgList", req=True),
                    _a("productionImgList", req=True),
                ),
            ),
        ),
        mutating=True,
        extra_headers=_PLATFORM_TOKEN,
        doc=DOC_SHOPPING,
        note="Per-item result: 0 failed, 1 processing, 2 succeeded. " + _PLATFORM_TOKEN_NOTE,
    ),
    # --- Logistic -----------------------------------------------------------------------
    Endpoint(
        "/logistic/freightCalculate",
        "POST",
        Location.JSON,
        "Logistic",
        "Shipping options and prices for variants on a route",
        fields=(
            _s("startCountryCode", 200, req=True, country=True),
            _s("endCountryCode", 200, req=True, country=True),
            _a(
                "products",
                req=True,
                items=(
                    _i("quantity", req=True, note="int(10)", minimum=1),
                    _s("vid", 200, req=True),
                ),
            ),
            _u("zip"),
            _u("taxId"),
            _u("houseNumber"),
            _u("iossNumber"),
        ),
        points=10,
        doc=DOC_LOGISTIC,
        note="Wrong keys seen in clients: countryCode, fromCountryCode/toCountryCode, {pid, vid, country}. "
        "A rate-limited call returns data:null with HTTP 200, which is not 'no routes'.",
    ),
    Endpoint(
        "/logistic/freightCalculateTip",
        "POST",
        Location.JSON,
        "Logistic",
        "Detailed freight trial by SKU, weight and volume",
        fields=(
            _a(
                "reqDTOS",
                req=True,
                items=(
                    # The page's table marks the rest required too, but its own request example leaves out
                    # wrapWeight and weight, and CJ's MCP server (github.com/CJ-dropshipping/api-mcp) sends only
                    # the two area codes: they refine the quote.
                    _s("srcAreaCode", 200, req=True),
                    _s("destAreaCode", 200, req=True),
                    _a("skuList"),
                    _i("wrapWeight", note="grams"),
                    _n("volume", note="cm3"),
                    _i("weight", note="grams"),
                    _s("productProp"),
                    _a(
                        "freightTrialSkuList",
                        items=(
                            _u("productCode"),
                            _u("sku"),
                            _u("vid"),
                            _u("skuQuantity"),
                            _u("skuWeight"),
                            _u("skuVolume"),
                        ),
                        note="item-level optional fields are only partly captured",
                    ),
                    _u("zip"),
                    _u("houseNumber"),
                    _u("iossNumber"),
                    _a("storageIdList"),
                    _u("city"),
                    _u("town"),
                    _u("phone"),
                    _u("station"),
                    _a("platforms"),
                    _u("dutyNo"),
                    _u("email"),
                    _u("province"),
                    _u("uid"),
                    _u("amount"),
                    _a("productTypes"),
                    _u("optionName"),
                    _u("volumeWeight"),
                    _u("orderType"),
                    _u("totalGoodsAmount"),
                ),
            ),
        ),
        points=10,
        doc=DOC_LOGISTIC,
        note="The optional field list inside reqDTOS is incomplete (there are also recipient* fields); "
        "do not warn on unknown fields there. Phone rule tip 1001: 6-32 digits, symbols and spaces.",
    ),
    Endpoint(
        "/logistic/getSupplierLogisticsTemplate",
        "POST",
        Location.JSON,
        "Logistic",
        "Supplier shipping templates for product SPUs",
        fields=(_a("skuList", req=True, note="product SPUs"),),
        points=10,
        doc=DOC_LOGISTIC,
    ),
    # --- Tracking -----------------------------------------------------------------------
    Endpoint(
        "/logistic/getTrackInfo",
        "GET",
        Location.QUERY,
        "Tracking",
        "Tracking by tracking number (old endpoint)",
        fields=(_s("trackNumber", 200, req=True, note="repeat the key for a batch"),),
        deprecated="deprecated June 1, 2024",
        replacement="/logistic/trackInfo",
        doc=DOC_LOGISTIC,
    ),
    Endpoint(
        "/logistic/trackInfo",
        "GET",
        Location.QUERY,
        "Tracking",
        "Tracking by tracking number",
        fields=(_s("trackNumber", 200, req=True, note="repeat the key for a batch"),),
        doc=DOC_LOGISTIC,
    ),
    # --- Dispute ------------------------------------------------------------------------
    Endpoint(
        "/disputes/disputeProducts",
        "GET",
        Location.QUERY,
        "Dispute",
        "Products of an order that a dispute can cover",
        fields=(_s("orderId", 100, req=True),),
        note="Dispute doc page URL not captured.",
    ),
    Endpoint(
        "/disputes/disputeConfirmInfo",
        "POST",
        Location.JSON,
        "Dispute",
        "Check what a dispute would cover before creating it",
        fields=(_s("orderId", 100, req=True), _a("productInfoList", req=True, items=_DISPUTE_PRODUCT)),
        note="A query despite POST. Dispute doc page URL not captured.",
    ),
    Endpoint(
        "/disputes/create",
        "POST",
        Location.JSON,
        "Dispute",
        "Open a dispute (refund or reissue)",
        fields=(
            _s("businessDisputeId", 100, req=True, note="your own unique id"),
            _s("orderId", 100, req=True),
            _i("disputeReasonId", req=True, note="integer(10)"),
            _i("expectType", req=True, choices=(1, 2), note="1 refund, 2 reissue"),
            _i("refundType", req=True, choices=(1, 2), note="1 balance, 2 platform"),
            _s("messageText", 500, req=True),
            _a("productInfoList", req=True, items=_DISPUTE_PRODUCT),
            _a("imageUrl"),
            _a("videoUrl"),
        ),
        mutating=True,
        note="Success body carries redirectUri where requestId would be. Dispute doc page URL not captured.",
    ),
    Endpoint(
        "/disputes/cancel",
        "POST",
        Location.JSON,
        "Dispute",
        "Cancel a dispute",
        fields=(_s("orderId", 100, req=True), _s("disputeId", 100, req=True)),
        mutating=True,
        note="Dispute doc page URL not captured.",
    ),
    Endpoint(
        "/disputes/getDisputeList",
        "GET",
        Location.QUERY,
        "Dispute",
        "List disputes",
        fields=(_u("orderId"), _u("disputeId"), _u("orderNumber"), _PAGE_NUM, _i("pageSize", note="default 10")),
        note="Dispute doc page URL not captured.",
    ),
    # --- Webhook ------------------------------------------------------------------------
    Endpoint(
        "/webhook/set",
        "POST",
        Location.JSON,
        "Webhook",
        "Turn webhook topics on or off and set their callback URLs",
        fields=(
            _o("product", req=True, items=_WEBHOOK_TOPIC),
            _o("stock", req=True, items=_WEBHOOK_TOPIC),
            _o("order", req=True, items=_WEBHOOK_TOPIC),
            _o("logistics", req=True, items=_WEBHOOK_TOPIC),
            _o("makeup", items=_WEBHOOK_TOPIC, note="newest crawl only"),
            _o("privateOrder", items=_WEBHOOK_TOPIC, note="newest crawl only"),
        ),
        mutating=True,
        doc=DOC_WEBHOOK,
        note="Conflicts: type ENABLE/CANCEL (current) vs ALL/CANCEL (older); callbackUrls exactly one https URL "
        "(current) vs a list of length 5 (older). CJ checks the URL: https only, not localhost, must answer "
        "HTTP 200 within 3 seconds (1607001-1607003); `cjerr webhook check URL` applies these rules offline.",
    ),
    # --- Secondary: auth / shop / store ---------------------------------------------------
    Endpoint(
        "/authentication/getAuthorizeUrl",
        "GET",
        Location.QUERY,
        "Auth",
        "URL for authorizing a store (seen only in CJ's own MCP server)",
        fields=(_u("shopType", note="sent by CJ's MCP server"),),
        official=False,
        doc=DOC_AUTH,
        note="Not in any doc copy; listed by CJ's official MCP server only. Parameters beyond shopType not captured.",
    ),
    Endpoint(
        "/shop/getShops",
        "GET",
        Location.QUERY,
        "Shop",
        "List the stores connected to the account",
        official=False,
        note=f"{PARAMS_NOT_CAPTURED}; clients send pageNum, pageSize, keyword. Success uses code 0 and success:true.",
    ),
    Endpoint(
        "/store/product/saveProduct",
        "POST",
        Location.JSON,
        "Store product",
        "Save a product to a connected store",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/store/product/saveVariantBatch",
        "POST",
        Location.JSON,
        "Store product",
        "Save variants of a store product in a batch",
        mutating=True,
        official=False,
        note=f"{PARAMS_NOT_CAPTURED}; batch maximum not documented.",
    ),
    Endpoint(
        "/shop/product/queryPage",
        "GET",
        Location.QUERY,
        "Shop product",
        "Page through a store's products",
        official=False,
        note=f"{PARAMS_NOT_CAPTURED}; at most 10 products per page.",
    ),
    Endpoint(
        "/shop/product/queryDetail",
        "GET",
        Location.QUERY,
        "Shop product",
        "Details of store products",
        official=False,
        note=f"{PARAMS_NOT_CAPTURED}; at most 10 product IDs.",
    ),
    Endpoint(
        "/product/conn/connection",
        "GET",
        Location.QUERY,
        "Connection",
        "Product connections between store and CJ products (list; also create and disconnect)",
        official=False,
        other_methods=("POST", "DELETE"),
        note=f"{PARAMS_NOT_CAPTURED}. One path, three methods: GET lists (query, pageSize default 10, max 100), "
        "POST creates (JSON), DELETE disconnects (query). GET (the default) changes nothing; POST and DELETE "
        "change connections, so probe does not auto-retry them (see is_mutating).",
    ),
    # --- Secondary: product -------------------------------------------------------------------
    Endpoint(
        "/product/packaging/connection/create",
        "POST",
        Location.JSON,
        "Packaging",
        "Connect packaging to a product",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/product/packaging/connection/query",
        "POST",
        Location.JSON,
        "Packaging",
        "List packaging connections",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/product/packaging/connection/delete",
        "POST",
        Location.JSON,
        "Packaging",
        "Remove a packaging connection",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/product/packaging/connection/variantConditionPackList",
        "POST",
        Location.JSON,
        "Packaging",
        "Packaging that fits given variants",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/product/productDetail/query",
        "POST",
        Location.JSON,
        "Product",
        "Product details (newer endpoint)",
        official=False,
        doc=DOC_PRODUCT,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/product/packagingProduct/query",
        "POST",
        Location.JSON,
        "Product",
        "Query packaging products",
        official=False,
        doc=DOC_PRODUCT,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/product/cjPackaging/query",
        "POST",
        Location.JSON,
        "Product",
        "Query CJ packaging",
        official=False,
        doc=DOC_PRODUCT,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/product/individualization/add",
        "POST",
        Location.JSON,
        "Product",
        "Add a product customization",
        mutating=True,
        official=False,
        doc=DOC_PRODUCT,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/product/queryProductsByImage",
        "POST",
        Location.JSON,
        "Product",
        "Search products by image",
        fields=(_s("imageUrl", req=True, note="from one user's code, not the docs"),),
        points=1000,
        official=False,
        doc=DOC_PRODUCT,
        note="1000 points per call (listed on the .cn pages, missing from one .com crawl). Whitelisted accounts "
        "only, per one user's code.",
    ),
    Endpoint(
        "/product/queryVideosByProductId",
        "POST",
        Location.JSON,
        "Product",
        "Videos of a product",
        official=False,
        doc=DOC_PRODUCT,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/product/sourcing/queryList",
        "GET",
        Location.QUERY,
        "Sourcing",
        "Sourcing requests by id",
        fields=(_a("sourceIds", 100, req=True, note="repeat the key"),),
        official=False,
        doc=DOC_PRODUCT,
        note="Missing ids are left out; if all are missing the call fails.",
    ),
    # --- Secondary: private inventory and storage ---------------------------------------------
    Endpoint(
        "/product/stock/privateInventory/querySpuPage",
        "POST",
        Location.JSON,
        "Private inventory",
        "Page through products held in private inventory",
        fields=(
            _PAGE_NUM,
            _i("pageSize", note="default 20"),
            *_PRIVATE_STOCK_FILTERS,
            _u("sortField"),
            _u("sortType"),
        ),
        points=10,
        official=False,
        doc=DOC_STORAGE,
        note="No required fields. Doc page inferred (the source quotes the .com storage page set).",
    ),
    Endpoint(
        "/product/stock/privateInventory/querySkuListByProductId",
        "POST",
        Location.JSON,
        "Private inventory",
        "Private-inventory SKUs of one product",
        fields=(_s("productId", 200, req=True),),
        points=10,
        official=False,
        doc=DOC_STORAGE,
        note="Doc page inferred.",
    ),
    Endpoint(
        "/product/stock/privateInventory/querySkuDetailPage",
        "POST",
        Location.JSON,
        "Private inventory",
        "Page through private-inventory SKU details",
        fields=(
            _PAGE_NUM,
            _i("pageSize"),
            *_PRIVATE_STOCK_FILTERS,
            _u("orderCode"),
            _a("storageIds"),
            _a("skuList"),
        ),
        points=10,
        official=False,
        doc=DOC_STORAGE,
        note="No required fields. Doc page inferred.",
    ),
    Endpoint(
        "/product/stock/privateInventory/querySkuDetailListBySku",
        "POST",
        Location.JSON,
        "Private inventory",
        "Private-inventory details of one SKU",
        fields=(_s("sku", 200, req=True),),
        points=10,
        official=False,
        doc=DOC_STORAGE,
        note="Doc page inferred.",
    ),
    Endpoint(
        "/product/stock/privateInventory/querySkuFlowByCondition",
        "POST",
        Location.JSON,
        "Private inventory",
        "Stock movements of private inventory",
        points=10,
        official=False,
        doc=DOC_STORAGE,
        note=f"{PARAMS_NOT_CAPTURED}. Doc page inferred.",
    ),
    Endpoint(
        "/storehouseCenterWeb/syncStorehouseVideoRequests",
        "POST",
        Location.JSON,
        "Storage",
        "Warehouse video requests for orders",
        points=10,
        official=False,
        note=f"{PARAMS_NOT_CAPTURED}; CJ's MCP server sends {{orderIdList}}. Assumed read-only (unverified).",
    ),
    # --- Secondary: sandbox -------------------------------------------------------------------
    Endpoint(
        "/shopping/sandbox/simulatePay",
        "POST",
        Location.JSON,
        "Sandbox",
        "Mark a sandbox order as paid",
        fields=(_s("orderId", 200), _s("shipmentOrderId", 200)),
        one_of=(("orderId", "shipmentOrderId"),),
        mutating=True,
        official=False,
        doc=DOC_SANDBOX,
        note="At least one of orderId / shipmentOrderId. Sandbox orders are created with isSandbox: 1.",
    ),
    Endpoint(
        "/shopping/sandbox/updateStatus",
        "POST",
        Location.JSON,
        "Sandbox",
        "Move a sandbox order to its next status",
        fields=(
            _s("orderId", 200, req=True),
            _i(
                "targetStatus",
                req=True,
                choices=(400, 500, 600, 700),
                note="one step at a time from 300: 400, 500, 600, 700; no skips or going back",
            ),
        ),
        mutating=True,
        official=False,
        doc=DOC_SANDBOX,
    ),
    Endpoint(
        "/shopping/sandbox/updateTrackNumber",
        "POST",
        Location.JSON,
        "Sandbox",
        "Set the tracking number of a sandbox order",
        fields=(_s("orderId", 200, req=True), _s("trackNumber", 64, req=True)),
        mutating=True,
        official=False,
        doc=DOC_SANDBOX,
        note="Errors 803, 811, 818-821.",
    ),
    # --- Secondary: order -----------------------------------------------------------------------
    Endpoint(
        "/shopping/order/getOrderLogisticsInfo",
        "GET",
        Location.QUERY,
        "Order",
        "Logistics information of an order",
        official=False,
        doc=DOC_SHOPPING,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/order/updateLogistics",
        "POST",
        Location.JSON,
        "Order",
        "Change an order's logistics",
        mutating=True,
        official=False,
        doc=DOC_SHOPPING,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/order/getOrderDetailBatch",
        "POST",
        Location.JSON,
        "Order",
        "Details of many orders at once",
        official=False,
        doc=DOC_SHOPPING,
        note=f"{PARAMS_NOT_CAPTURED} (field name of the ID list unknown); at most 100 IDs, 20-50 recommended; "
        "at most 2 requests per second per account; missing or foreign orders are left out.",
    ),
    Endpoint(
        "/shopping/order/getProofOfDelivery",
        "POST",
        Location.JSON,
        "Order",
        "Proof of delivery for orders",
        official=False,
        doc=DOC_SHOPPING,
        note=f"{PARAMS_NOT_CAPTURED} (field name of the ID list unknown); at most 100 IDs; "
        "at most 2 requests per second per account.",
    ),
    Endpoint(
        "/shopping/order/queryCogsBasicDataOrderInfoList",
        "POST",
        Location.JSON,
        "Order",
        "Cost-of-goods data for orders",
        official=False,
        doc=DOC_SHOPPING,
        note=f"{PARAMS_NOT_CAPTURED}; CJ's MCP server sends {{orderCodesList}}.",
    ),
    # --- Secondary: logistic ----------------------------------------------------------------------
    Endpoint(
        "/logistic/partnerFreightCalculate",
        "POST",
        Location.JSON,
        "Logistic",
        "Freight options for an order address (partner calculation)",
        fields=(
            _s("orderNumber", 40, req=True),
            _s("shippingCountryCode", 200, req=True),
            _s("shippingCountry", 200, req=True),
            _s("shippingProvince", 200, req=True),
            _s("shippingCity", 200, req=True),
            _s("shippingZip", 200, req=True),
            _s("fromCountryCode", 200, req=True),
            _a("products", req=True, items=(_u("vid"), _u("quantity"))),
        ),
        points=10,
        official=False,
        doc=DOC_LOGISTIC,
        note="Fields from a secondary note quoting the .cn logistic page.",
    ),
    Endpoint(
        "/logistic/unavailableShippingMethods",
        "POST",
        Location.JSON,
        "Logistic",
        "Which shipping methods are and are not available, and why",
        points=10,
        official=False,
        doc=DOC_LOGISTIC,
        note=f"{PARAMS_NOT_CAPTURED}; one user's code sends the freightCalculateTip body (reqDTOS). "
        "Points conflict: 10 per its own page, but absent from the points table (which means 0).",
    ),
    # --- Secondary: dispute -------------------------------------------------------------------------
    Endpoint(
        "/disputes/getDisputeDetail",
        "GET",
        Location.QUERY,
        "Dispute",
        "One dispute's details",
        official=False,
        note=f"{PARAMS_NOT_CAPTURED}; CJ's MCP server sends disputeId.",
    ),
    # --- Secondary: merge orders --------------------------------------------------------------------
    Endpoint(
        "/shopping/mergeOrder/autoMatchMergeOrderListV3",
        "POST",
        Location.JSON,
        "Merge orders",
        "Start matching orders that can be merged",
        official=False,
        note=f"{PARAMS_NOT_CAPTURED}. Assumed not to change orders (unverified).",
    ),
    Endpoint(
        "/shopping/mergeOrder/autoMergeQueryProgress",
        "POST",
        Location.JSON,
        "Merge orders",
        "Progress of the merge matching",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/mergeOrder/autoMergeQueryResult",
        "POST",
        Location.JSON,
        "Merge orders",
        "Result of the merge matching",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/mergeOrder/submitMergeOrderBatchV3",
        "POST",
        Location.JSON,
        "Merge orders",
        "Submit orders to be merged",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/mergeOrder/submitProgress",
        "POST",
        Location.JSON,
        "Merge orders",
        "Progress of a merge submission",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/mergeOrder/submitResult",
        "POST",
        Location.JSON,
        "Merge orders",
        "Result of a merge submission",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    # --- Secondary: private-inventory orders ---------------------------------------------------------
    Endpoint(
        "/shopping/privateInventory/address/list",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "List saved addresses for private-inventory orders",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/address/create",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Save a new address",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/address/update",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Change a saved address",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/addToCart",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Add private-inventory items to the cart",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/getCart",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Show the private-inventory cart",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/removeFromCart",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Remove items from the private-inventory cart",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/getConfirmation",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Order confirmation preview",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/logistics/list",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Shipping methods for a private-inventory order",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/getCostInfo",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Costs of a private-inventory order",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/getConfirmationWithCost",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Order confirmation preview with costs",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/createOrder",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Create an order shipped from private inventory",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/order/list",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "List private-inventory orders",
        official=False,
        note=f"{PARAMS_NOT_CAPTURED}; at most 200 per page.",
    ),
    Endpoint(
        "/shopping/privateInventory/outbound/address/list",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Addresses for outbound shipments",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/outbound/product/query",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Products available for an outbound shipment",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/outbound/product/batch-refresh",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Refresh product data for an outbound shipment",
        official=False,
        note=f"{PARAMS_NOT_CAPTURED}. Assumed read-only (unverified).",
    ),
    Endpoint(
        "/shopping/privateInventory/outbound/create",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Create an outbound shipment",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/outbound/progress",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Progress of an outbound shipment",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/outbound/submit",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Submit an outbound shipment",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/outbound/detail",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Details of an outbound shipment",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    Endpoint(
        "/shopping/privateInventory/outbound/cancel",
        "POST",
        Location.JSON,
        "Private-inventory orders",
        "Cancel an outbound shipment",
        mutating=True,
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    # --- Secondary: makeup bills -----------------------------------------------------------------------
    Endpoint(
        "/shopping/makeup/list",
        "POST",
        Location.JSON,
        "Makeup bills",
        "List makeup (supplementary payment) bills",
        official=False,
        note=f"{PARAMS_NOT_CAPTURED}; at most 200 per page.",
    ),
    Endpoint(
        "/shopping/makeup/createPayOrder",
        "POST",
        Location.JSON,
        "Makeup bills",
        "Create a payment order for makeup bills",
        mutating=True,
        spends="creates a payment order for makeup bills",
        official=False,
        note=PARAMS_NOT_CAPTURED,
    ),
    # --- Secondary: webhook product subscriptions ---------------------------------------------------------
    Endpoint(
        "/webhook/product/subscribe",
        "POST",
        Location.JSON,
        "Webhook",
        "Subscribe to product change messages",
        fields=(
            _a("productIds", 100, note="at most 100 per call"),
            _b("subscribeAll", note="unavailable to every account after July 2026"),
        ),
        one_of=(("productIds", "subscribeAll"),),
        points=10,
        mutating=True,
        official=False,
        doc=DOC_WEBHOOK,
        note="Subscription caps by level: lv1 1000, lv2 2000, lv3 3000, lv4 5000, lv5 10000 (1606010-1606013).",
    ),
    Endpoint(
        "/webhook/product/unsubscribe",
        "POST",
        Location.JSON,
        "Webhook",
        "Stop product change messages",
        fields=(_a("productIds", 100, req=True, note="at most 100 per call"),),
        points=10,
        mutating=True,
        official=False,
        doc=DOC_WEBHOOK,
    ),
    Endpoint(
        "/webhook/product/subscribe/list",
        "GET",
        Location.QUERY,
        "Webhook",
        "List product subscriptions",
        fields=(
            _u("shopId", req=True),
            _i("pageNum", note="min 1", minimum=1),
            _i("pageSize", note="default 20, max 200", maximum=200),
            _s("sku", 21),
            _s("productId", 50),
        ),
        official=False,
        doc=DOC_WEBHOOK,
    ),
    # --- Secondary: tickets ------------------------------------------------------------------------------
    Endpoint(
        "/ticket/list",
        "POST",
        Location.JSON,
        "Ticket",
        "List support tickets",
        fields=(
            _PAGE_NUM,
            _i("pageSize", note="default 20, max 100", maximum=100),
            _u("searchType"),
            _u("search"),
            _u("ticketTypeId"),
            _u("status"),
            _a("shopIds"),
        ),
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
    Endpoint(
        "/ticket/detail",
        "GET",
        Location.QUERY,
        "Ticket",
        "One ticket",
        fields=(_u("ticketId", req=True),),
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
    Endpoint(
        "/ticket/messages",
        "GET",
        Location.QUERY,
        "Ticket",
        "Messages of a ticket",
        fields=(_u("ticketId", req=True),),
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE + " Page size default 20, max 100.",
    ),
    Endpoint(
        "/ticket/types",
        "GET",
        Location.HEADERS,
        "Ticket",
        "Ticket types",
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
    Endpoint(
        "/ticket/create",
        "POST",
        Location.JSON,
        "Ticket",
        "Open a support ticket",
        fields=(
            _u("ticketTypeId", req=True),
            _u("questionTypeId", req=True),
            _s("message", 1000, req=True),
            _s("expectResult", 1000, req=True),
            _s("requestNo", 64, note="only blocks duplicates sent within 5 seconds"),
        ),
        mutating=True,
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
    Endpoint(
        "/ticket/reply",
        "POST",
        Location.JSON,
        "Ticket",
        "Reply to a ticket",
        fields=(_u("ticketId", req=True), _s("message", 1000, req=True, note="5-1000 characters")),
        mutating=True,
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
    Endpoint(
        "/ticket/complete",
        "POST",
        Location.JSON,
        "Ticket",
        "Close a ticket as resolved",
        fields=(_u("ticketId", req=True),),
        mutating=True,
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
    Endpoint(
        "/ticket/remind",
        "POST",
        Location.JSON,
        "Ticket",
        "Remind CJ about a ticket",
        fields=(_u("ticketId", req=True),),
        mutating=True,
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
    Endpoint(
        "/ticket/evaluate",
        "POST",
        Location.JSON,
        "Ticket",
        "Rate how a ticket was handled",
        fields=(_u("ticketId", req=True), _s("level", req=True, choices=("GOOD", "AVERAGE", "POOR"))),
        mutating=True,
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
    Endpoint(
        "/ticket/pendingCount",
        "GET",
        Location.HEADERS,
        "Ticket",
        "Number of tickets waiting for you",
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
    Endpoint(
        "/ticket/attachment/upload",
        "POST",
        Location.JSON,
        "Ticket",
        "Attach a file to tickets from a public URL",
        fields=(_u("fileName", req=True), _s("sourceUrl", req=True, note="public http(s) URL; at most 5 MB")),
        mutating=True,
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
    Endpoint(
        "/ticket/order/questionTypes",
        "GET",
        Location.QUERY,
        "Ticket",
        "Question types for order or product tickets",
        fields=(_s("type", req=True, choices=("ORDER_ISSUE", "PRODUCT_ISSUE")),),
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
    Endpoint(
        "/ticket/order/create",
        "POST",
        Location.JSON,
        "Ticket",
        "Open a ticket about an order or product",
        fields=(
            _s("businessNo", 100, req=True),
            _u("type", req=True),
            _u("questionTypeId", req=True),
            _s("message", 1000, req=True),
            _s("expectResult", 1000, req=True),
        ),
        mutating=True,
        official=False,
        doc=DOC_TICKET,
        note=_TICKET_NOTE,
    ),
)


# --- paths clients get wrong ---------------------------------------------------------------
# wrong path -> right path ("" when there is none). "{x}" matches any one segment.

KNOWN_WRONG_PATHS: dict[str, str] = {
    "/authentication/login": "/authentication/getAccessToken",
    "/token/get": "/authentication/getAccessToken",
    "/shopping/balance/getBalance": "/shopping/pay/getBalance",
    "/wallet/getBalance": "/shopping/pay/getBalance",
    "/product/reviews": "/product/productComments",
    "/product/comments/{pid}": "/product/productComments",
    "/product/inventory/query": "/product/stock/getInventoryByPid",
    "/shopping/order/query": "/shopping/order/getOrderDetail",
    "/logistic/trackQuery": "/logistic/trackInfo",
    "/logistic/trackingInfo": "/logistic/trackInfo",
    "/logistic/trackInfoV2": "/logistic/trackInfo",
    "/product/categoryList": "/product/getCategory",
    "/category/getCategoryTree": "/product/getCategory",
    "/product/getProductList": "/product/list",
    "/product/detail": "/product/query",
    "/product/imageSearch": "/product/queryProductsByImage",
    "/shopping/order/delete": "/shopping/order/deleteOrder",
    "/shopping/order/confirm": "/shopping/order/confirmOrder",
    "/shopping/shipping/upload": "/shopping/order/uploadWaybillInfo",
    "/shopping/order/sandboxPay": "/shopping/sandbox/simulatePay",
    "/shopping/order/sandboxUpdateStatus": "/shopping/sandbox/updateStatus",
    "/shopping/directOrder/getPayOrderListV3": "",
    "/logistic/logisticsTimeliness": "",
}

_NOT_IN_DOCS = "not in the API docs; CJ's own MCP server removed it in its corrections"
_SKILL_FILE = "from a third-party endpoint table that does not match the docs"

KNOWN_WRONG_REASONS: dict[str, str] = {
    "/authentication/login": "no such endpoint (1600101); tokens come from getAccessToken with the API key",
    "/token/get": "made-up OAuth endpoint (client_id / client_secret); CJ uses getAccessToken with the API key",
    "/shopping/balance/getBalance": "no such endpoint (1600101 seen live); the balance is under /shopping/pay",
    "/wallet/getBalance": "no such endpoint; the balance is under /shopping/pay",
    "/product/reviews": "no such endpoint; reviews are /product/productComments",
    "/product/comments/{pid}": "pid is a query parameter, not a path segment; /product/comments is deprecated",
    "/product/inventory/query": "no such endpoint; stock is under /product/stock (getInventoryByPid, queryByVid, "
    "queryBySku)",
    "/shopping/order/query": "no such endpoint; use getOrderDetail for one order or /shopping/order/list",
    "/logistic/trackQuery": "no such endpoint; tracking is /logistic/trackInfo",
    "/logistic/trackingInfo": "no such endpoint; tracking is /logistic/trackInfo",
    "/logistic/trackInfoV2": f"{_SKILL_FILE}; tracking is /logistic/trackInfo",
    "/product/categoryList": "no such endpoint; categories are /product/getCategory",
    "/category/getCategoryTree": f"{_NOT_IN_DOCS}; categories are /product/getCategory",
    "/product/getProductList": "no such endpoint; use /product/list or /product/listV2 with the CJ-Access-Token "
    "header (not accessToken)",
    "/product/detail": f"{_SKILL_FILE}; details are /product/query",
    "/product/imageSearch": f"{_SKILL_FILE}; image search is /product/queryProductsByImage",
    "/shopping/order/delete": f"{_SKILL_FILE}; use DELETE /shopping/order/deleteOrder",
    "/shopping/order/confirm": f"{_SKILL_FILE}; use PATCH /shopping/order/confirmOrder",
    "/shopping/shipping/upload": f"{_SKILL_FILE}; labels go to /shopping/order/uploadWaybillInfo",
    "/shopping/order/sandboxPay": "older third-party name; newer docs put sandbox calls under /shopping/sandbox",
    "/shopping/order/sandboxUpdateStatus": "older third-party name; newer docs put sandbox calls under "
    "/shopping/sandbox",
    "/shopping/directOrder/getPayOrderListV3": _NOT_IN_DOCS,
    "/logistic/logisticsTimeliness": f"{_NOT_IN_DOCS}; freightCalculate returns logisticAging",
}

# Prefixes of paths that are not under /api2.0/v1; the rest of the path may still be right.
KNOWN_WRONG_PREFIXES: dict[str, str] = {
    "/api/v2/": "there is no v2 API; paths live under /api2.0/v1",
    "/api2.0/v2/": "there is no v2 API; paths live under /api2.0/v1",
    "/api2.0/": "the version segment is missing; paths live under /api2.0/v1",
    "/api/": "pre-2.0 (v1) API; use the /api2.0/v1 paths",
    "/v1/": "the api2.0 segment is missing; paths live under /api2.0/v1",
}


# --- lookups -------------------------------------------------------------------------------

_BY_PATH: dict[str, Endpoint] = {endpoint.path: endpoint for endpoint in ENDPOINTS}
_BY_LOWER_PATH: dict[str, Endpoint] = {endpoint.path.lower(): endpoint for endpoint in ENDPOINTS}
_BY_LAST_SEGMENT: dict[str, list[str]] = {}
for _endpoint in ENDPOINTS:
    _BY_LAST_SEGMENT.setdefault(_endpoint.path.rsplit("/", 1)[-1].lower(), []).append(_endpoint.path)
del _endpoint


def normalize_path(text: str) -> str:
    """Reduce a path or URL to the catalog form: "/product/query".

    Accepts the path with or without its leading slash and API_PREFIX, or a full
    URL. The query string and fragment are dropped, duplicate and trailing
    slashes removed; case is kept, because CJ paths are case-sensitive. A full
    URL whose path is not under API_PREFIX comes back as its bare path.
    """
    rest = text.strip()
    for mark in ("#", "?"):
        rest = rest.split(mark, 1)[0]
    scheme, sep, after = rest.partition("://")
    if sep and scheme.isalpha():
        rest = "/" + after.partition("/")[2]  # drop the host
    elif not rest.startswith("/"):
        head = rest.split("/", 1)[0]
        if "." in head and head.lower() != "api2.0" and "/" in rest:
            rest = "/" + rest.partition("/")[2]  # "developers.cjdropshipping.com/..." without a scheme
    path = "/" + "/".join(segment for segment in rest.split("/") if segment)
    prefix = API_PREFIX
    if path == prefix:
        return "/"
    if path.startswith(prefix + "/"):
        return path[len(prefix) :]
    return path


def find(path: str) -> Endpoint | None:
    """The endpoint at exactly this catalog path ("/product/query"), or None.

    It does not normalise: call normalize_path() first on user input. Normalising here again
    would strip a second API_PREFIX and hide a URL that names /api2.0/v1 twice (CJ: 1600101).
    """
    return _BY_PATH.get(path)


def find_case_insensitive(path: str) -> Endpoint | None:
    """The endpoint whose catalog path matches ignoring case, for "paths are case-sensitive" hints.

    Like find(), it does not normalise: "/api2.0/v1/product/query" (a doubled prefix) is no case slip.
    """
    return _BY_LOWER_PATH.get(path.lower())


def known_wrong(path: str) -> tuple[str, str] | None:
    """(right path or "", reason) when the path is a known client mistake, else None."""
    normalized = normalize_path(path)
    for wrong, right in KNOWN_WRONG_PATHS.items():
        if _pattern_matches(wrong, normalized):
            return right, KNOWN_WRONG_REASONS.get(wrong, "")
    return None


def _pattern_matches(pattern: str, path: str) -> bool:
    if "{" not in pattern:
        return pattern.lower() == path.lower()
    want = pattern.split("/")
    have = path.split("/")
    if len(want) != len(have):
        return False
    return all(
        (w.startswith("{") and w.endswith("}") and h != "") or w.lower() == h.lower()
        for w, h in zip(want, have, strict=True)
    )


def _strip_wrong_prefix(path: str) -> str | None:
    """The path with a wrong API prefix removed, or None when it has none."""
    for prefix in KNOWN_WRONG_PREFIXES:
        if path.startswith(prefix):
            rest = path[len(prefix) - 1 :]
            if prefix == "/api2.0/":  # "/api2.0/<version>/..." or "/api2.0/product/..."
                head, _, tail = rest[1:].partition("/")
                if head[:1] in "vV" and head[1:].isdigit() and tail:
                    rest = "/" + tail
            return rest
    return None


def suggest(path: str, limit: int = 3) -> list[str]:
    """Return "did you mean" candidates for a path that is not in the catalog, best first."""
    normalized = normalize_path(path)
    if normalized in _BY_PATH or limit <= 0:
        return []
    found: list[str] = []

    def add(candidate: str) -> None:
        if candidate and candidate not in found and candidate in _BY_PATH:
            found.append(candidate)

    wrong = known_wrong(normalized)
    if wrong is not None:
        add(wrong[0])
    stripped = _strip_wrong_prefix(normalized)
    if stripped is not None:
        if stripped in _BY_PATH:
            add(stripped)
        for candidate in suggest(stripped, limit):
            add(candidate)
    loose = _BY_LOWER_PATH.get(normalized.lower())
    if loose is not None:
        add(loose.path)

    import difflib  # lazy: only "did you mean" needs it, completion must stay fast

    lowered = normalized.lower()
    last = lowered.rsplit("/", 1)[-1]
    same_last = _BY_LAST_SEGMENT.get(last, [])

    def score(candidate: str) -> float:
        return difflib.SequenceMatcher(None, lowered, candidate.lower()).ratio()

    for candidate in sorted(same_last, key=score, reverse=True):
        add(candidate)
    close = difflib.get_close_matches(lowered, list(_BY_LOWER_PATH), n=limit, cutoff=0.6)
    for candidate in close:
        add(_BY_LOWER_PATH[candidate].path)
    if len(found) < limit and last:
        # a last segment that contains, or is contained in, the one asked for: "detail" -> getOrderDetail
        near = [
            candidate
            for segment, candidates in _BY_LAST_SEGMENT.items()
            if min(len(segment), len(last)) >= 4 and (last in segment or segment in last)
            for candidate in candidates
        ]
        for candidate in sorted(near, key=score, reverse=True):
            add(candidate)
    return found[:limit]


def search(text: str) -> list[Endpoint]:
    """Endpoints whose path, group or summary contains the text (any case); "" gives all."""
    needle = text.strip().lower()
    if not needle:
        return list(ENDPOINTS)
    return [
        endpoint
        for endpoint in ENDPOINTS
        if needle in endpoint.path.lower() or needle in endpoint.group.lower() or needle in endpoint.summary.lower()
    ]
