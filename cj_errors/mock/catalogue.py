"""One consistent, seeded catalogue: products, variants, stock per warehouse and shipping routes.

Every product endpoint, freightCalculate and order creation read the same objects, so a pid from
product/list works in product/query, its variants' vids work in stock and freight calls, and an
order's amounts are the variant prices plus the postage freightCalculate quoted for that route.
The same ``--seed`` gives the same ids on every run; the catalogue never changes while the mock runs.
"""

from __future__ import annotations

import json
import random
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

_WAREHOUSE_AREAS = {"CN": (2, "China Warehouse"), "US": (1, "US Warehouse")}
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

    def stock_in(self, country: str) -> int:
        return dict(self.stock).get(country, 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "vid": self.vid,
            "pid": self.pid,
            "variantNameEn": self.name,
            "variantSku": self.sku,
            "variantKey": self.key,
            "variantSellPrice": self.price,
            "variantWeight": self.weight,
            "variantImage": _IMAGE_BASE + self.sku.lower() + ".jpg",
            "inventories": None,  # often null on the live API
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

    def price_range(self) -> str:
        prices = sorted(variant.price for variant in self.variants)
        return f"{prices[0]:.2f}" if prices[0] == prices[-1] else f"{prices[0]:.2f}-{prices[-1]:.2f}"

    def weight_range(self) -> str:
        weights = sorted(variant.weight for variant in self.variants)
        return f"{weights[0]:.2f}" if weights[0] == weights[-1] else f"{weights[0]:.2f}-{weights[-1]:.2f}"

    def stock_total(self, country: str | None = None) -> int:
        return sum(units for variant in self.variants for where, units in variant.stock if country in (None, where))

    def as_dict(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "productNameEn": self.name,
            "productSku": self.sku,
            "productImage": self.image,
            "productWeight": self.weight_range(),
            "productType": "ORDINARY_PRODUCT",
            "categoryId": CATEGORY_ID,
            "categoryName": self.category,
            "sellPrice": self.price_range(),
            "productKeyEn": "Color",
            "status": "3",
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

    def stock_by_sku(self, sku: str) -> list[dict[str, Any]]:
        """queryBySku takes a variant SKU or a product SKU (SPU)."""
        product = self.by_sku.get(sku)
        if product is not None:
            return [row for variant in product.variants for row in self.stock_rows(variant)]
        return self.stock_rows(self.variant(sku=sku))

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
            if isinstance(quantity, bool) or not isinstance(quantity, int | str) or not str(quantity).isdigit():
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
            products = [product for product in products if product.stock_total(country.upper()) > 0]
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
        words = call.get("keyWord", "")
        products = [product for product in self.products if not words or words.lower() in product.name.lower()]
        page, size = _page(call, "page", "size", 10, 100)
        chunk = products[(page - 1) * size : page * size]
        items = [
            {
                "id": product.pid,
                "nameEn": product.name,
                "sku": product.sku,
                "bigImage": product.image,
                "sellPrice": product.price_range(),
                "categoryId": CATEGORY_ID,
                "listedNum": product.listed,
                "warehouseInventoryNum": product.stock_total(),
                "verifiedWarehouse": 2,
            }
            for product in chunk
        ]
        return {
            "pageSize": size,
            "pageNumber": page,
            "totalRecords": len(products),
            "totalPages": max((len(products) + size - 1) // size, 1),
            "content": [{"productList": items, "relatedCategoryList": [], "keyWord": words, "keyWordOld": ""}],
        }

    def my_products(self, call: Call) -> dict[str, Any]:
        items = [{"productId": product.pid, "nameEn": product.name} for product in self.products[:2]]
        return {"pageSize": 20, "pageNumber": 1, "totalRecords": len(items), "totalPages": 1, "content": items}

    def stock_rows(self, variant: Variant) -> list[dict[str, Any]]:
        return [
            {
                "vid": variant.vid,
                "areaId": _WAREHOUSE_AREAS[country][0],
                "areaEn": _WAREHOUSE_AREAS[country][1],
                "countryCode": country,
                "storageNum": units,
            }
            for country, units in variant.stock
        ]

    def inventory_by_pid(self, product: Product) -> dict[str, Any]:
        return {
            "inventories": [
                {
                    "areaEn": _WAREHOUSE_AREAS[country][1],
                    "areaId": _WAREHOUSE_AREAS[country][0],
                    "countryCode": country,
                    "totalInventoryNum": product.stock_total(country),
                }
                for country in _WAREHOUSE_AREAS
            ],
            "variantInventories": [
                {
                    "vid": variant.vid,
                    "inventory": [
                        {
                            "countryCode": country,
                            "totalInventory": units,
                            "cjInventory": units,
                            "factoryInventory": 0,
                            "verifiedWarehouse": 1,
                        }
                        for country, units in variant.stock
                    ],
                }
                for variant in product.variants
            ],
        }

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
    page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
    size = int(size_text) if size_text.isdigit() and int(size_text) > 0 else default
    return page, min(size, largest)


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
