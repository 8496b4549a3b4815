"""One consistent, seeded catalogue: products, variants, stock per warehouse and shipping routes.

Every product endpoint, freightCalculate and order creation read the same objects, so a pid from
product/list works in product/query, its variants' vids work in stock and freight calls, and an
order's amounts are the variant prices plus the postage freightCalculate quoted for that route.
The same ``--seed`` gives the same ids on every run; the catalogue never changes while the mock runs.
"""

from __future__ import annotations

import datetime
import functools
import json
import random
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cj_errors.mock.bodies import CATEGORY_ID, Call, CjError, code_message, now_utc, v1_page

# ISO 3166-1 alpha-2, the codes CJ's country fields take.
ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY
    BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK
    FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
    IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK
    ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()
)

# CJ's areaIds (product page, globalWarehouseList example: 1 China, 2 US) and one storage per area; the US
# storage id, name and address are the ones in the warehouse/detail and getOrderDetail examples.
WAREHOUSES: tuple[dict[str, Any], ...] = (
    {
        "areaId": 1, "countryCode": "CN", "areaEn": "China Warehouse", "countryNameEn": "China",
        "storageId": "c4b3a2f1e0d94c8b9a7f6e5d4c3b2a10", "storageName": "Shenzhen Warehouse",
        "city": "Shenzhen", "province": "Guangdong", "phone": "", "address1": "Longhua District, Shenzhen",
        "logisticsBrandList": [{"id": "CJPacket", "name": "CJPacket"}, {"id": "YunExpress", "name": "YunExpress"}],
    },
    {
        "areaId": 2, "countryCode": "US", "areaEn": "US Warehouse", "countryNameEn": "United States of America (the)",
        "storageId": "201e67f6ba4644c0a36d63bf4989dd70", "storageName": "Cranbury Warehouse",
        "city": "Cranbury", "province": "New Jersey", "phone": "+1-9095862127", "address1": "Cranbury, New Jersey ",
        "logisticsBrandList": [
            {"id": name, "name": name} for name in ("USPS", "FedEx", "UPS", "GOFO", "DHL", "UniUni", "CBT")
        ],
    },
)  # fmt: skip
WAREHOUSE_BY_COUNTRY = {warehouse["countryCode"]: warehouse for warehouse in WAREHOUSES}
WAREHOUSE_BY_STORAGE = {warehouse["storageId"]: warehouse for warehouse in WAREHOUSES}
# freightCalculateTip's documented phone rule (ruleTips msgCode "1001", type "phone"); createOrderV2/V3 hold an
# order whose shippingPhone breaks it (interceptOrderReasons code 1001):
# https://developers.cjdropshipping.cn/en/api/api2/api/logistic.html#_1-2-freight-calculation-tip-post
PHONE_RULE = re.compile(r"^[\s\d\-（）()+]{6,32}$")
PHONE_RULE_CODE = 1001
PHONE_RULE_MESSAGE = "Must be a 6-32 digit number (only numbers, symbols and spaces are supported)."
_IMAGE_BASE = "https://cf.cjdropshipping.com/quick/product/"
_GOODS = (
    ("Silicone Cable Organizer", "Home Office Storage", ("Black", "White", "Grey")),
    ("Stainless Steel Water Bottle 500ml", "Drinkware", ("Silver", "Matte Black")),
    ("Bamboo Phone Stand", "Phone Accessories", ("Natural", "Dark")),
    ("LED Desk Lamp with USB Port", "Lighting", ("White", "Black")),
    ("Yoga Resistance Band Set", "Fitness Equipment", ("Light", "Medium", "Heavy")),
    ("Ceramic Coffee Mug 350ml", "Drinkware", ("Blue", "Cream")),
    ("Magnetic Car Phone Holder", "Car Accessories", ("Black",)),
    ("Cotton Tote Bag", "Bags", ("Beige", "Navy", "Olive")),
)


@dataclass(frozen=True)
class Route:
    """A shipping method and where it runs: from a warehouse country to a set of countries (empty: everywhere)."""

    name: str
    start: str
    aging: str
    base: float  # USD for the first 100 g
    per_100g: float  # USD for every further 100 g
    to: frozenset[str] = frozenset()

    def serves(self, start: str, end: str) -> bool:
        return start == self.start and (not self.to or end in self.to)

    def price(self, grams: int) -> float:
        extra = max(grams - 100, 0)
        return round(self.base + self.per_100g * ((extra + 99) // 100), 2)


ROUTES = (
    Route("CJPacket Ordinary", "CN", "7-12", 3.85, 0.66),
    Route("CJPacket Eub", "CN", "12-50", 2.40, 0.46, frozenset({"US", "CA", "GB", "AU", "DE", "FR"})),
    Route("YunExpress Special Line", "CN", "8-15", 4.10, 0.72, frozenset({"GB", "DE", "FR", "ES", "IT", "NL"})),
    Route("USPS Ground Advantage", "US", "2-5", 4.95, 0.55, frozenset({"US"})),
    Route("CJ US Local Express", "US", "3-7", 3.90, 0.48, frozenset({"US"})),
)
_CNY_PER_USD = 7.2


@dataclass(frozen=True)
class Variant:
    vid: str
    pid: str
    sku: str
    key: str
    name: str
    price: float
    weight: int  # grams
    stock: tuple[tuple[str, int], ...]  # (warehouse country, units)

    created: str = ""

    def stock_in(self, country: str) -> int:
        """The units the catalogue starts with in ``country``'s warehouse (orders take from them later)."""
        return dict(self.stock).get(country, 0)

    @property
    def size_mm(self) -> tuple[int, int, int]:
        """(length, width, height) in mm, derived from the weight so the same seed gives the same box."""
        side = 40 + self.weight // 5
        return side, max(side * 3 // 4, 10), max(side // 3, 10)

    def as_dict(self, inventories: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return {**self._fixed, "inventories": inventories}

    @functools.cached_property
    def _fixed(self) -> dict[str, Any]:
        """Everything but the inventories: built once (the catalogue never changes), copied per answer."""
        length, width, height = self.size_mm
        return {
            "vid": self.vid,
            "pid": self.pid,
            "variantName": None,
            "variantNameEn": self.name,
            "variantSku": self.sku,
            "variantUnit": None,
            "variantProperty": "[]",
            "variantKey": self.key,
            "variantLength": length,
            "variantWidth": width,
            "variantHeight": height,
            "variantVolume": length * width * height,
            "variantWeight": float(self.weight),
            "variantSellPrice": self.price,
            "variantSugSellPrice": round(self.price * 2.5, 2),
            "variantStandard": f"long={length // 10},width={width // 10},height={height // 10}",
            "variantImage": _IMAGE_BASE + self.sku.lower() + ".jpg",
            "createTime": self.created,
            # null unless asked for with features=enable_inventory (often null on the live API even then)
            "inventories": None,
        }


@dataclass(frozen=True)
class Product:
    pid: str
    sku: str
    name: str
    category: str
    variants: tuple[Variant, ...]
    listed: int
    created: str

    @property
    def image(self) -> str:
        return _IMAGE_BASE + self.sku.lower() + ".jpg"

    @functools.cached_property
    def created_ms(self) -> int:
        return _epoch_ms(self.created)

    @functools.cached_property
    def price_text(self) -> str:
        return self.price_range()

    def price_range(self) -> str:
        prices = sorted(variant.price for variant in self.variants)
        return f"{prices[0]:.2f}" if prices[0] == prices[-1] else f"{prices[0]:.2f}-{prices[-1]:.2f}"

    def weight_range(self) -> str:
        weights = sorted(variant.weight for variant in self.variants)
        return f"{weights[0]:.2f}" if weights[0] == weights[-1] else f"{weights[0]:.2f}-{weights[-1]:.2f}"

    def as_dict(self) -> dict[str, Any]:
        return {**self._fixed, "variants": [variant.as_dict() for variant in self.variants]}

    @functools.cached_property
    def _fixed(self) -> dict[str, Any]:
        suggested = sorted(round(variant.price * 2.5, 2) for variant in self.variants)
        heaviest = max(variant.weight for variant in self.variants)
        return {
            "pid": self.pid,
            "productName": json.dumps([self.name]),  # a JSON-encoded array in a string, as on the live API
            "productNameEn": self.name,
            "productSku": self.sku,
            "productImage": self.image,
            "productWeight": self.weight_range(),
            "productUnit": "unit(s)",
            "productType": "ORDINARY_PRODUCT",
            "categoryId": CATEGORY_ID,
            "categoryName": self.category,
            "entryCode": "",
            "entryName": "",
            "entryNameEn": "",
            "materialName": "[]",
            "materialNameEn": "[]",
            "materialKey": "[]",
            "packingWeight": f"{heaviest + 20:.1f}",
            "packingName": '["", "plastic_bag"]',
            "packingNameEn": '["", "plastic_bag"]',
            "packingKey": '["PLASTIC_BAG"]',
            "productKey": '["Color"]',
            "productKeyEn": "Color",
            "productPro": '["COMMON"]',
            "productProSet": ["COMMON"],
            "productProEn": '["COMMON"]',
            "productProEnSet": ["COMMON"],
            "sellPrice": self.price_text,
            "description": f"<p>{self.name}.</p>",
            "suggestSellPrice": f"{suggested[0]:.2f}-{suggested[-1]:.2f}",
            "listedNum": self.listed,
            "status": "3",
            "createrTime": self.created,
            "variants": [variant.as_dict() for variant in self.variants],
        }


def _uuid(rng: random.Random) -> str:
    digits = f"{rng.getrandbits(128):032X}"
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{digits[16:20]}-{digits[20:]}"


class Catalogue:
    """The products of one seed, looked up by pid, sku, vid or variant sku."""

    def __init__(self, seed: int | None = None) -> None:
        rng = random.Random(f"cjerr mock catalogue {seed if seed is not None else 0}")
        products: list[Product] = []
        for number, (name, category, colours) in enumerate(_GOODS, start=1):
            pid = _uuid(rng)
            sku = f"CJ{rng.randrange(10**6, 10**7)}"
            base_price = round(rng.uniform(1.0, 18.0), 2)
            base_weight = rng.randrange(20, 600, 5)
            variants = tuple(
                Variant(
                    vid=_uuid(rng),
                    pid=pid,
                    sku=f"{sku}-{colour.replace(' ', '')}",
                    key=colour,
                    name=f"{name} {colour}",
                    price=round(base_price + 0.15 * index, 2),
                    weight=base_weight + 5 * index,
                    stock=(("CN", rng.randrange(50, 5000)), ("US", rng.choice((0, rng.randrange(5, 400))))),
                    created=f"2025-{(number % 12) + 1:02d}-01T08:00:00.000+00:00",
                )
                for index, colour in enumerate(colours)
            )
            created = f"2025-{(number % 12) + 1:02d}-{rng.randrange(1, 28):02d}T08:00:00.000+00:00"
            products.append(Product(pid, sku, name, category, variants, rng.randrange(0, 900), created))
        self.products = tuple(products)
        self.by_pid = {product.pid: product for product in self.products}
        self.by_sku = {product.sku: product for product in self.products}
        self.by_vid = {variant.vid: variant for product in self.products for variant in product.variants}
        self.by_variant_sku = {variant.sku: variant for variant in self.by_vid.values()}
        self.warehouses = WAREHOUSES
        self.mine: dict[int, list[str]] = {}  # addToMyProduct, per account
        self._stock_lock = threading.Lock()
        self._stock: dict[tuple[str, str], list[int]] = {}
        # Moves on with every change of stock or of an account's products, while the change's lock is held:
        # answers built from them (listV2) are cached under it (MockApp._cached).
        self.version = 0
        self.reset_stock()

    # -- stock: per variant and warehouse, CJ-owned units first, then the factory's --

    def reset_stock(self) -> None:
        with self._stock_lock:
            self._stock = {
                # In China most units sit with the factory (the examples: cjInventoryNum 700 of 10877); in the US
                # every unit is CJ's own.
                (variant.vid, where): ([units // 10, units - units // 10] if where == "CN" else [units, 0])
                for variant in self.by_vid.values()
                for where, units in variant.stock
            }
            self.version += 1

    def clear_mine(self) -> None:
        """Forget every account's products (a reset)."""
        with self._stock_lock:
            self.mine.clear()
            self.version += 1

    def units(self, vid: str, where: str) -> tuple[int, int]:
        """(CJ's units, the factory's units) of ``vid`` in the warehouse of country ``where``."""
        with self._stock_lock:
            cj, factory = self._stock.get((vid, where), [0, 0])
        return cj, factory

    def stock_total(self, product: Product, where: str | None = None) -> int:
        stock = self._stock  # replaced whole by reset_stock; its lists change only under the lock, in place
        return sum(
            sum(stock.get((variant.vid, area), (0, 0)))
            for variant in product.variants
            for area in WAREHOUSE_BY_COUNTRY
            if where in (None, area)
        )

    def take(self, lines: Sequence[tuple[str, int]], where: str) -> None:
        """Take ``(vid, quantity)`` from the warehouse of country ``where``: all or nothing.

        Not enough units answers 1603102 "Inventory deduction fail" (CJ's error table)."""
        with self._stock_lock:
            wanted: dict[str, int] = {}
            for vid, quantity in lines:
                wanted[vid] = wanted.get(vid, 0) + quantity
            for vid, quantity in wanted.items():
                if sum(self._stock.get((vid, where), [0, 0])) < quantity:
                    raise CjError(1603102, code_message(1603102))
            for vid, quantity in wanted.items():
                held = self._stock[(vid, where)]
                from_cj = min(held[0], quantity)
                held[0] -= from_cj
                held[1] -= quantity - from_cj
            self.version += 1

    def stock_message(self, vids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """A STOCK webhook's params: per vid, one entry per warehouse (areaId a string, as in the doc body)."""
        return {
            vid: [
                {**{key: value for key, value in row.items() if key in ("vid", "areaEn", "countryCode")},
                 "areaId": str(row["areaId"]), "storageNum": row["totalInventoryNum"]}
                for row in self.stock_rows(self.by_vid[vid])
            ]
            for vid in dict.fromkeys(vids)
            if vid in self.by_vid
        }  # fmt: skip

    # -- look-ups that answer CJ's codes --

    def product(self, call: Call) -> Product:
        pid, sku, variant_sku = call.get("pid", ""), call.get("productSku", ""), call.get("variantSku", "")
        found = self.by_pid.get(pid) if pid else self.by_sku.get(sku) if sku else None
        if found is None and variant_sku and variant_sku in self.by_variant_sku:
            found = self.by_pid[self.by_variant_sku[variant_sku].pid]
        if found is None:
            raise CjError(1602001, code_message(1602001))
        return found

    def variant(self, vid: str = "", sku: str = "") -> Variant:
        found = self.by_vid.get(vid) if vid else self.by_variant_sku.get(sku) if sku else None
        if found is None:
            raise CjError(1602000, code_message(1602000))
        return found

    def routes(self, start: str, end: str) -> list[Route]:
        return [route for route in ROUTES if route.serves(start, end)]

    def lines(self, items: object, field_name: str = "products") -> list[tuple[Variant, int]]:
        """The (variant, quantity) pairs of a products list; unknown vids or skus answer 1602000."""
        lines: list[tuple[Variant, int]] = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, Mapping):
                raise CjError(1600300, code_message(1600300))
            vid = item.get("vid")
            sku = item.get("sku")
            variant = self.variant(vid if isinstance(vid, str) else "", sku if isinstance(sku, str) else "")
            if isinstance(vid, str) and vid and isinstance(sku, str) and sku and variant.sku != sku:
                raise CjError(1602000, code_message(1602000))  # both given: they must name the same variant
            quantity = item.get("quantity")
            if isinstance(quantity, bool) or not isinstance(quantity, int | str) or not str(quantity).isdecimal():
                raise CjError(16900403, f"{field_name}.quantity can not be empty")
            if int(quantity) < 1:
                raise CjError(1600300, code_message(1600300))
            lines.append((variant, int(quantity)))
        if not lines:
            raise CjError(16900403, f"{field_name} can not be empty")
        return lines

    def quotes(self, start: str, end: str, lines: Sequence[tuple[Variant, int]]) -> list[dict[str, Any]]:
        grams = sum(variant.weight * quantity for variant, quantity in lines)
        quotes = []
        for route in self.routes(start, end):
            price = route.price(grams)
            quotes.append(
                {
                    "logisticAging": route.aging,
                    "logisticPrice": price,
                    "logisticPriceCn": round(price * _CNY_PER_USD, 2),
                    "logisticName": route.name,
                    "taxesFee": 0,
                    "clearanceOperationFee": 0,
                    "totalPostageFee": price,
                }
            )
        return quotes

    def tip_quotes(self, start: str, end: str, grams: int) -> list[dict[str, Any]]:
        """freightCalculateTip's options for one route and weight, in the page's fields (CNY at a fixed rate)."""
        found = []
        for number, route in enumerate(self.routes(start, end), start=1):
            price = route.price(grams)
            cny = round(price * _CNY_PER_USD, 2)
            option_id = f"15648493387191992{number:02d}"
            found.append(
                {
                    "arrivalTime": route.aging,
                    "discountFee": price,
                    "discountFeeCNY": cny,
                    "option": {"arrivalTime": route.aging, "cnName": route.name, "enName": route.name, "id": option_id},
                    "ruleTips": [],
                    "ruleTipTypes": [],
                    "channelId": option_id,
                    "error": "",
                    "errorEn": "",
                    "optionId": option_id,
                    "postage": price,
                    "postageCNY": cny,
                    "remoteFee": 0,
                    "remoteFeeCNY": 0,
                    "wrapPostage": price,
                    "wrapPostageCNY": cny,
                    "wrapWeight": grams,
                    "stopWords": [],
                    "channel": {"cnName": route.name, "enName": route.name, "id": option_id},
                    # amounts as strings inside cjRespDTO, numbers outside it, as on the page
                    "cjRespDTO": {
                        "postage": f"{price:.2f}", "postageCNY": f"{cny:.2f}", "remoteFee": "0.00", "remoteFeeCNY": "0",
                    },
                    "destArea": _area(end),
                    "srcArea": _area(start),
                    "dump": False,
                    "zonePrice": [],
                    "allRuleTips": [
                        {"expression": PHONE_RULE.pattern, "interceptType": "0", "max": None, "min": None,
                         "msgCode": str(PHONE_RULE_CODE), "msgEn": PHONE_RULE_MESSAGE, "type": "phone"}
                    ],
                    "taxesFee": 0,
                    "clearanceOperationFee": 0,
                    "totalPostageFee": price,
                }
            )  # fmt: skip
        return found

    # -- endpoint bodies --

    def list_v1(self, call: Call) -> dict[str, Any]:
        products = list(self.products)
        if call.get("pid", ""):
            products = [product for product in products if product.pid == call.get("pid", "")]
        if call.get("productSku", ""):
            products = [product for product in products if product.sku == call.get("productSku", "")]
        words = call.get("productNameEn", "") or call.get("productName", "")
        if words:
            products = [product for product in products if words.lower() in product.name.lower()]
        country = call.get("countryCode", "")
        if country:
            products = [product for product in products if self.stock_total(product, country.upper()) > 0]
        page, size = _page(call, "pageNum", "pageSize", 20, 200)
        items = [
            {
                "pid": product.pid,
                "productName": json.dumps([product.name]),  # a JSON-encoded array in a string, as on the live API
                "productNameEn": product.name,
                "productSku": product.sku,
                "productImage": product.image,
                "productWeight": product.weight_range(),
                "productType": "ORDINARY_PRODUCT",
                "categoryId": CATEGORY_ID,
                "categoryName": product.category,
                "sellPrice": product.price_range(),
                "isVideo": 0,
                "saleStatus": 3,
                "listedNum": product.listed,
                "createTime": product.created,
            }
            for product in products
        ]
        chunk = items[(page - 1) * size : page * size]
        document = v1_page(chunk, call)
        document.update(pageNum=page, pageSize=size, total=len(items))
        return document

    def list_v2(self, call: Call) -> dict[str, Any]:
        page, size = strict_page(call)
        words = call.get("keyWord", "")
        where = call.get("countryCode", "").upper()
        products = [
            product
            for product in self.products
            if (not words or words.lower() in product.name.lower())
            and (not where or self.stock_total(product, where) > 0)
        ]
        chunk = products[(page - 1) * size : page * size]
        items = []
        stock = self._stock
        for product in chunk:
            verified = total = 0
            for variant in product.variants:
                for area, _initial in variant.stock:
                    units = sum(stock.get((variant.vid, area), (0, 0)))
                    total += units
                    verified += units if area == "US" else 0
            item: dict[str, Any] = {
                "id": product.pid,
                "nameEn": product.name,
                "sku": product.sku,
                "spu": product.sku,
                "bigImage": product.image,
                "sellPrice": product.price_text,  # a range string on the live API
                "nowPrice": product.price_text,
                "discountPrice": product.price_text,
                "discountPriceRate": "0",
                "listedNum": product.listed,
                "categoryId": CATEGORY_ID,
                "addMarkStatus": 0,
                "isVideo": 0,
                "productType": "ORDINARY_PRODUCT",
                "createAt": product.created_ms,
                "warehouseInventoryNum": total,
                "totalVerifiedInventory": verified,
                "totalUnVerifiedInventory": total - verified,
                "verifiedWarehouse": 1 if verified else 2,
                "saleStatus": "3",
                "myProduct": any(product.pid in pids for pids in self.mine.values()),
            }
            # The page returns the category names, description and videos only with enable_category,
            # enable_description and enable_video; the documented shape has them, so the mock always sends them.
            item.update(threeCategoryName=product.category, description=f"<p>{product.name}.</p>", videoList=[])
            item.update(_CATEGORY_LEVELS)
            items.append(item)
        total = min(len(products), _LIST_V2_MAX_RECORDS)
        return {
            "pageSize": size,
            "pageNumber": page,
            "totalRecords": total,
            "totalPages": max((total + size - 1) // size, 1),
            "content": [{"productList": items, "relatedCategoryList": [], "keyWord": words, "keyWordOld": words}],
        }

    def add_mine(self, owner: int, pid: str) -> bool:
        """addToMyProduct: once per product and account; again answers the page's documented refusal."""
        if pid not in self.by_pid:
            raise CjError(1602001, code_message(1602001))
        with self._stock_lock:
            mine = self.mine.setdefault(owner, [])
            if pid in mine:
                raise CjError(1600000, "The product has been added to My Products.")
            mine.append(pid)
            self.version += 1
        return True

    def my_products(self, owner: int, call: Call) -> dict[str, Any]:
        words = call.get("keyword", "").lower()
        with self._stock_lock:
            pids = list(self.mine.get(owner, []))
        items = []
        for pid in pids:
            product = self.by_pid[pid]
            if words and words not in product.name.lower() and words != product.sku.lower():
                continue
            first = product.variants[0]
            warehouse = WAREHOUSE_BY_COUNTRY[first.stock[0][0]]
            boxes = [variant.size_mm for variant in product.variants]
            items.append(
                {
                    "productId": product.pid,
                    "nameEn": product.name,
                    "sku": product.sku,
                    "vid": first.vid,
                    "bigImage": product.image,
                    "sellPrice": f"{first.price}",
                    "totalPrice": f"{first.price:.2f}",
                    "weight": f"{float(first.weight)}",
                    "packWeight": f"{float(first.weight + 20)}",
                    "productType": "0",
                    "areaId": str(warehouse["areaId"]),
                    "areaCountryCode": warehouse["countryCode"],
                    "defaultArea": warehouse["areaEn"],
                    "createAt": product.created_ms,
                    "lengthList": [box[0] for box in boxes],
                    "widthList": [box[1] for box in boxes],
                    "heightList": [box[2] for box in boxes],
                    "volumeList": [box[0] * box[1] * box[2] for box in boxes],
                }
            )
        return {"pageSize": 10, "pageNumber": 1, "totalRecords": len(items), "totalPages": 1, "content": items}

    def _stock_entry(self, warehouse: Mapping[str, Any], cj: int, factory: int) -> dict[str, Any]:
        return {
            "stockId": "{" + str(warehouse["storageId"]).upper() + "}",
            "inventory": cj,
            "factoryInventory": factory,
        }

    def stock_rows(self, variant: Variant) -> list[dict[str, Any]]:
        """stock/queryByVid: one row per warehouse that holds the variant (areaId a string, as documented)."""
        rows = []
        for where, _initial in variant.stock:
            warehouse = WAREHOUSE_BY_COUNTRY[where]
            cj, factory = self.units(variant.vid, where)
            rows.append(
                {
                    "vid": variant.vid,
                    "areaId": str(warehouse["areaId"]),
                    "areaEn": warehouse["areaEn"],
                    "countryCode": where,
                    "storageNum": cj + factory,  # deprecated in favour of totalInventoryNum
                    "totalInventoryNum": cj + factory,
                    "cjInventoryNum": cj,
                    "factoryInventoryNum": factory,
                    "stock": [self._stock_entry(warehouse, cj, factory)],
                }
            )
        return rows

    def area_rows(self, variants: Sequence[Variant]) -> list[dict[str, Any]]:
        """Per warehouse totals over ``variants`` (queryBySku, getInventoryByPid's inventories)."""
        rows = []
        for warehouse in WAREHOUSES:
            where = warehouse["countryCode"]
            cj = sum(self.units(variant.vid, where)[0] for variant in variants)
            factory = sum(self.units(variant.vid, where)[1] for variant in variants)
            rows.append(
                {
                    "areaEn": warehouse["areaEn"],
                    "areaId": warehouse["areaId"],
                    "countryCode": where,
                    "totalInventoryNum": cj + factory,
                    "cjInventoryNum": cj,
                    "factoryInventoryNum": factory,
                    "countryNameEn": warehouse["countryNameEn"],
                    "stock": [self._stock_entry(warehouse, cj, factory)],
                }
            )
        return rows

    def variant_inventories(self, variant: Variant, where: str = "") -> list[dict[str, Any]]:
        """``inventories`` of a variant (product/query and queryByVid with features=enable_inventory)."""
        found = []
        for area, _initial in variant.stock:
            if where and area != where:
                continue
            cj, factory = self.units(variant.vid, area)
            found.append(
                {
                    "countryCode": area,
                    "totalInventory": cj + factory,
                    "cjInventory": cj,
                    "factoryInventory": factory,
                    "verifiedWarehouse": 1 if area == "US" else 2,
                    "stock": [self._stock_entry(WAREHOUSE_BY_COUNTRY[area], cj, factory)],
                }
            )
        return found

    def stock_by_sku(self, sku: str) -> list[dict[str, Any]]:
        """queryBySku takes a variant SKU or a product SKU (SPU): one row per warehouse."""
        product = self.by_sku.get(sku)
        variants = product.variants if product is not None else (self.variant(sku=sku),)
        return self.area_rows(variants)

    def inventory_by_pid(self, product: Product) -> dict[str, Any]:
        return {
            "inventories": self.area_rows(product.variants),
            "variantInventories": [
                {"vid": variant.vid, "inventory": self.variant_inventories(variant)} for variant in product.variants
            ],
        }

    def product_detail(self, call: Call) -> dict[str, Any]:
        """product/query: countryCode keeps the variants stocked in that country's warehouse;
        features=enable_inventory adds each variant's inventories."""
        product = self.product(call)
        where = call.get("countryCode", "").upper()
        with_inventory = "enable_inventory" in call.all("features")
        data = product.as_dict()
        data["variants"] = [
            variant.as_dict(self.variant_inventories(variant, where) if with_inventory else None)
            for variant in product.variants
            if not where or sum(self.units(variant.vid, where)) > 0
        ]
        return data

    def variants_of(self, call: Call) -> list[dict[str, Any]]:
        """variant/query: the product's variants, only those stocked in ``countryCode``'s warehouse when given."""
        product = self.product(call)
        where = call.get("countryCode", "").upper()
        return [
            {
                key: value
                for key, value in variant.as_dict().items()
                if key not in ("inventories", "variantImage", "variantSugSellPrice")
            }
            for variant in product.variants
            if not where or sum(self.units(variant.vid, where)) > 0
        ]

    def summary(self) -> list[dict[str, Any]]:
        """The catalogue for ``GET /__cjerr/state``: ids, prices and stock at a glance."""
        return [
            {
                "pid": product.pid,
                "sku": product.sku,
                "name": product.name,
                "variants": [
                    {"vid": variant.vid, "sku": variant.sku, "price": variant.price, "stock": dict(variant.stock)}
                    for variant in product.variants
                ],
            }
            for product in self.products
        ]


def _page(call: Call, page_name: str, size_name: str, default: int, largest: int) -> tuple[int, int]:
    page_text, size_text = call.get(page_name, "1"), call.get(size_name, str(default))
    page = int(page_text) if page_text.isdecimal() and int(page_text) > 0 else 1
    size = int(size_text) if size_text.isdecimal() and int(size_text) > 0 else default
    return page, min(size, largest)


def _area(code: str) -> dict[str, Any]:
    return {
        "cnName": code,
        "countryId": code,
        "enName": code,
        "id": code,
        "parentId": None,
        "postCode": "",
        "shortCode": code,
    }


# The first two levels of getCategory's tree, where every catalogue product sits.
_CATEGORY_LEVELS = {
    "oneCategoryId": "5E656DFB-9BAE-44DD-A755-40AFA2E0E686",
    "oneCategoryName": "Home, Garden & Furniture",
    "twoCategoryId": "6A5D2EB4-13BD-462E-A627-78CFED11B2A2",
    "twoCategoryName": "Home Storage",
}
_LIST_V2_MAX_RECORDS = 6000  # listV2 never reports more records than this (see the catalog's listV2 note)


def strict_page(call: Call) -> tuple[int, int]:
    """listV2's page (1-1000) and size (1-100) as its page documents them; outside: 1600300, and a page past
    the last record CJ serves answers with its "the max offset is" wording."""
    page_text, size_text = call.get("page", "1"), call.get("size", "10")
    if not page_text.isdecimal() or not size_text.isdecimal():
        raise CjError(1600300, code_message(1600300))
    page, size = int(page_text), int(size_text)
    if not 1 <= page <= 1000 or not 1 <= size <= 100:
        raise CjError(1600300, code_message(1600300))
    if (page - 1) * size >= _LIST_V2_MAX_RECORDS:
        raise CjError(1600300, f"{code_message(1600300)}, the max offset is {_LIST_V2_MAX_RECORDS}")
    return page, size


def _epoch_ms(stamp_text: str) -> int:
    moment = datetime.datetime.strptime(stamp_text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp() * 1000)


def country(value: object, field_name: str) -> str:
    """A country code as CJ takes it; a missing one is 16900403, one that is not ISO alpha-2 is 1605002."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise CjError(16900403, f"{field_name} can not be empty")
    if text.upper() not in ISO_COUNTRIES:
        raise CjError(1605002, code_message(1605002))
    return text.upper()


def stamp() -> str:
    return now_utc()
