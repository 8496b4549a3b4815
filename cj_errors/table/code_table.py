"""The CJ error-code table: the single source for lookup, search, families,
completions and docs/codes.md.

Every message wording CJ has used is kept, each tagged with the source it came
from (see SOURCES). Troubleshooting steps are cjerr's own words.
"""

from __future__ import annotations

from cj_errors.table.doc_links import (
    DOC_AUTH,
    DOC_DEVELOPMENT,
    DOC_ERRORS,
    DOC_LIMITS,
    DOC_LOGISTIC,
    DOC_POINTS,
    DOC_PRODUCT,
    DOC_SANDBOX,
    DOC_SHOPPING,
    DOC_STORAGE,
    DOC_TICKET,
    DOC_WEBHOOK,
    DOC_WEBHOOK_GUIDE,
)
from cj_errors.table.model import CodeEntry, Family, Message, Outcome, Retry, Source

SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source(
            "legacy",
            "legacy English table (Version A, 23 codes)",
            "developers.cjdropshipping.com/en/api/api2/standard/ps-code.html, older crawls",
        ),
        Source(
            "current",
            "current English table (Version B, 59 codes)",
            "developers.cjdropshipping.cn/en/api/api2/standard/ps-code.html, copies of 2025-12-31 and 2026-02-26",
        ),
        Source(
            "current-crawl",
            "newer crawl of the .cn pages",
            "developers.cjdropshipping.cn/en and /zh pages crawl, wording that differs from the copies",
        ),
        Source(
            "doc-example",
            "CJ's own endpoint examples",
            "error examples on the endpoint pages (.cn/en 2026-02-26, .com 2026-08-09)",
        ),
        Source(
            "observed",
            "seen in live responses",
            "bodies integrators captured from the live API and quoted in code, tests or notes (2023-2026)",
        ),
        Source(
            "secondary",
            "third-party notes on the current .com docs",
            "research notes quoting developers.cjdropshipping.com pages, checked 2026-09-07",
        ),
        Source(
            "client-code",
            "text from client code",
            "a wording that integrators' client code raises or matches itself, not seen in a captured CJ body",
        ),
        Source(
            "cj-mcp",
            "CJ's MCP server",
            "github.com/CJ-dropshipping/api-mcp: the texts it prints for CJ codes, and its test fixtures (2026)",
        ),
        Source(
            "zh-page",
            "CJ's Chinese error table (troubleshooting column)",
            "developers.cjdropshipping.cn/zh/api/api2/standard/ps-code.html (only the first rows were captured)",
        ),
        Source(
            "limit-page",
            "rate-limit page",
            "developers.cjdropshipping.cn/zh/api/start/limit.html (the English pages do not print the text)",
        ),
    )
}

FAMILIES: dict[str, Family] = {
    family.key: family
    for family in (
        Family("success", "success", "Success markers: 200, and 0 with success=true on some endpoints."),
        Family("system", "system", "CJ's own servers are busy or slow (1600000, 1600301)."),
        Family(
            "auth", "authentication", "Access token, refresh token, API key and store authorization (16000xx, 1601000)."
        ),
        Family("interface", "interface", "The path or the interface itself (16001xx)."),
        Family("rate-limit", "rate limit", "Too many requests per second (1600200)."),
        Family(
            "quota",
            "quota",
            "Points or a quota spent (16900500, 1600201) and HTTP 429, which may only be a rate limit; see each entry.",
        ),
        Family("parameter", "parameter", "A parameter is missing, empty or wrong (16003xx, 169004xx)."),
        Family("request", "request format", "HTTP method, Content-Type, body or JSON syntax (169002xx)."),
        Family("product", "product", "Products and variants (1602xxx)."),
        Family("order", "order", "Order creation, confirmation, deletion and lookup (1603xxx)."),
        Family("payment", "payment", "Balance and payment (16031xx payment rows, 1604xxx)."),
        Family("logistics", "logistics", "Shipping methods, freight and countries (1605xxx)."),
        Family("storage", "storage", "Warehouses (1608xxx)."),
        Family("webhook", "webhook", "Webhook settings, callback URLs and product subscriptions (1606xxx, 16070xx)."),
        Family("dispute", "dispute", "Disputes (1607006-1607009)."),
        Family("ticket", "ticket", "Support tickets (1609xxx)."),
        Family("sandbox", "sandbox", "Sandbox order tools and waybill uploads (8xx)."),
    )
}


def _m(
    text: str,
    source: str,
    note: str = "",
    belongs_to: int | None = None,
    *,
    exact: bool = True,
    outcome: Outcome | None = None,
) -> Message:
    return Message(text=text, source=source, note=note, belongs_to=belongs_to, exact=exact, outcome=outcome)


def _mcp(text: str, note: str) -> Message:
    """A text CJ's own MCP server prints or expects for a code: searchable, never matched against responses."""
    return Message(text=text, source="cj-mcp", note=note, exact=False)


def _zh(text: str) -> Message:
    """A text from CJ's Chinese error table: searchable, shown, never matched against responses."""
    return Message(text=text, source="zh-page", note="排查方法 (troubleshooting) column", exact=False)


_SAME_AUTH_ADVICE = (
    "CJ prints one troubleshooting text for 1600004, 1600005 (newer crawl), 1600006, 1600008 and 1601000: "
    "check the email and API key, or whether the API store is authorized. The steps here follow each "
    "code's own message instead."
)

_AUTH_FLOW_NOTE = (
    "The authorization endpoints behind 1600007 and 1600009-1600013 were not found in any copy of CJ's docs; "
    "these steps are cjerr's reading of the message."
)

_NOT_CAPTURED = "wording not captured; meaning from third-party notes"

_WEBHOOK_REQUIREMENTS = (
    "You do not meet our service requirements, Please check and try again. 1.Request Protocols: HTTPS, "
    "2. Request Method: POST, 3.Content-Type: application/json, 4. Response Status Code: 200, "
    "5. Response must be returned within 3 seconds."
)

_TICKET_ORDER_NOTE = (
    "The source lists the meanings for 1609000-1609016 in one run (status, filter, page, query, search, "
    "ownership, duplicate, type, create, state, reminder, form, review, operation, attachment) and names "
    "only 1609005 explicitly; the exact code-to-meaning pairing beyond 1609005 is inferred from that order."
)

_TICKET_EARLY_NOTE = (
    "The source lists the meanings for 1609000-1609016 in one run and names only 1609005 explicitly; this "
    "pairing is inferred from the order of that list, which lines up with 1609005 as the sixth meaning."
)

_TICKET_UNKNOWN_NOTE = (
    "The source names the range 1609000-1609016 but lists only 15 meanings, which cjerr assigns to "
    "1609000-1609014 in order; nothing was found for this code."
)

_SANDBOX_NOTE = (
    "Only third-party notes on the current .com shopping page (updateTrackNumber) list this code; "
    "the official wording was not found."
)


ENTRIES: tuple[CodeEntry, ...] = (
    CodeEntry(
        code=200,
        title="Success",
        family="success",
        outcome=Outcome.SUCCESS,
        retry=Retry.NOT_APPLICABLE,
        messages=(
            _m("Success", "legacy"),
            _m("Success", "current"),
            _m("Congratulation! Well done!", "doc-example", "addCart / addCartConfirm success"),
        ),
        steps=(
            "Nothing failed: CJ counts a call as successful when the HTTP status is 200 and `code` is 200 or absent.",
            "Still read `data`: a successful search can legitimately be empty, and some endpoints add `success` next to (or instead of) `result`.",
            "Keep the `requestId` of calls that later turn out wrong; CJ support asks for it.",
        ),
        doc=DOC_DEVELOPMENT,
    ),
    CodeEntry(
        code=1600200,
        title="Rate limit hit (too many requests)",
        family="rate-limit",
        outcome=Outcome.TEMPORARY,
        retry=Retry.SHORT_WAIT,
        min_wait_seconds=1.0,
        messages=(
            _m("Too much request{param}", "current"),
            _m("Call exceeded limit", "legacy"),
            _m(
                "Too Many Requests, QPS limit is 1 time/1second",
                "observed",
                "usually with HTTP 200, sometimes without `result`; once logged with HTTP 429 on getAccessToken",
            ),
            _m(
                "Too Many Requests, QPS limit is 1 time/300 seconds",
                "client-code",
                "a client raises this itself to guard the getAccessToken throttle; no CJ body with it was captured",
            ),
            _m(
                "Too much request, QPS limit is 1 time/300 seconds",
                "observed",
                "getAccessToken answered it with HTTP 429, as an integrator's notes quote it",
            ),
            _m("QPS limit is 1 time/1second", "observed", "the clause after the comma, as some clients log it"),
        ),
        steps=(
            'Wait for the window the message names before sending again: "1 time/1second" means at least one second. CJ\'s rule is that the wait matches the window you exceeded: a per-minute limit costs minutes, an hourly one costs hours.',
            "Count every caller, not just this process: the limit is per CJ account and is shared by all workers, cron jobs and stores that use it. Send all CJ calls through one queue spaced 1.1-1.2 s apart; integrators report that anything tighter trips the 1 request/second limit.",
            "Check your tier: the limit page gives 1 request/s for Free or level 0-1 accounts, 2 for Plus or level 2, 4 for Prime or level 3, 6 for Advanced or level 4-5, and at most 10 requests/s per IP address. `GET /setting/get` returns your account's `qpsLimit`.",
            "Treat the token endpoints as stricter: older docs allow getAccessToken once every 5 minutes and refreshAccessToken 5 times a minute. Cache the token (CJ returns the same one for 24 hours anyway) instead of fetching one per run.",
            "Retry only this code and genuine system failures (1600000). For every other code find the cause; CJ's own guidance says retries are for system failures only.",
            "If a real-time sync (one CJ call per page view, webhook or order event) keeps hitting the limit, turn it into a timed batch job.",
            'Read the body, not only the HTTP status: this code normally arrives with HTTP 200 and `data: null`, which wrappers that only read `data` mistake for "no results".',
        ),
        doc=DOC_LIMITS,
        notes=(
            'One Java test fixture pairs 1600200 with "apiKey is invalid"; no other source does, so treat that pairing with caution.',
        ),
        related=(1600201, 16900500, 1600000),
    ),
    CodeEntry(
        code=1600300,
        title="Parameter error",
        family="parameter",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Param error", "current"),
            _m("Illegal parameter", "legacy"),
            _m("order not found", "doc-example", "getOrderDetail"),
            _m("orderId must be not empty", "doc-example", "getOrderDetail"),
            _m(
                "{param} must be not empty",
                "doc-example",
                'the form of getOrderDetail\'s "orderId must be not empty", filed under 1600300 there; 16900403 '
                "claims the same wording",
            ),
            _m("The maximum number of features is 20", "doc-example", "getOrderDetail"),
        ),
        steps=(
            "Check the HTTP method against the endpoint page: a POST interface called with GET (or the reverse) is rejected. `cjerr endpoints PATH` shows the method cjerr expects.",
            "Check where the parameters travel: GET and DELETE take a query string (repeat a key for a list, e.g. `features=a&features=b`); POST and PATCH take a JSON body with `Content-Type: application/json`. A JSON interface does not accept URL parameters or form-data.",
            "Compare every field name and type with the endpoint page: names are case-sensitive, and CJ silently ignores names it does not know, so a misspelt required field shows up as this error.",
            "Check values against the documented lengths and enums (country codes are two letters, `quantity` is a number, `vid` a string).",
            "Run `cjerr probe --dry-run PATH -d @body.json` to have these checks done locally before CJ sees the request.",
        ),
        doc=DOC_ERRORS,
        notes=(
            "CJ's endpoint examples usually show parameter errors under 1600100 instead; see `cjerr lookup 1600100`.",
        ),
        related=(1600100, 16900403, 16900205),
    ),
    CodeEntry(
        code=1600100,
        title='Interface offline (doc examples use it for "Param error")',
        family="interface",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Interface is offline", "current"),
            _m("The interface has been taken offline", "legacy"),
            Message(
                text="Token expired",
                source="cj-mcp",
                note="a test fixture of CJ's MCP server pairs it with 1600100, which the MCP reads as an expired "
                "login; by meaning it is 1600001's (an expired access token)",
                belongs_to=1600001,
                exact=False,
            ),
            _mcp("登录已过期 / Session expired", "what CJ's MCP server prints for 1600100 (and HTTP 401)"),
            Message(
                text="Token expired. Please re-login via the login tool. / Token已过期，请重新调用登录工具。",
                source="cj-mcp",
                note="the error CJ's MCP server raises for 1600100 or 401; by meaning 1600001's",
                belongs_to=1600001,
                exact=False,
            ),
            _m(
                "Param error",
                "doc-example",
                "nearly every endpoint page shows this as its error example",
                belongs_to=1600300,
            ),
        ),
        steps=(
            'Read the message, not only the code: CJ\'s own endpoint examples return 1600100 with "Param error", while the error table says 1600100 means the interface is offline. If the message says "Param error", follow `cjerr lookup 1600300`.',
            'This is not token expiry: some clients, CJ\'s own MCP server included, map 1600100 to "session expired" and refresh the token, which cannot fix it.',
            "If the message says the interface is offline, check whether the endpoint is deprecated and move to its replacement (for example product/comments became product/productComments, createOrder became createOrderV2, getTrackInfo became trackInfo). `cjerr endpoints` marks deprecated paths.",
            "If a current endpoint reports offline, keep the `requestId` and ask CJ support; the legacy table says to contact the administrator.",
        ),
        doc=DOC_ERRORS,
        related=(1600300, 1600101),
    ),
    CodeEntry(
        code=1600001,
        localized=(_zh("获取新的Access Token, 查阅文档"),),
        title="Invalid API key or access token",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(
            _m(
                "Invalid API key or access token. How to get access token: https://developers.cjdropshipping.cn/en/api/api2/api/auth.html#_1-1-get-access-token-post",
                "current",
            ),
            _m("Invalid API key or access token", "observed", "the short form; one client saw it with HTTP 401"),
            _m("No permission", "legacy"),
            _m("Authentication failed", "doc-example", "logout example"),
        ),
        steps=(
            "Tell expired from wrong: an access token that used to work and stops after its `accessTokenExpiryDate` has expired (15 days per the field table; 2026 tokens show 180 days), so call refreshAccessToken once with the refresh token. A token that never worked, or fails right after being issued, is wrong: check what you send.",
            "Send it in the `CJ-Access-Token` header, not as `Authorization: Bearer` and not in the query string; send the whole value (2026 tokens look like `API@CJ<digits>@CJ:eyJ...`, about 566 characters, and break in a VARCHAR(255) column).",
            "Compare expiry dates correctly: CJ writes them with a +08:00 offset, so reading them as UTC makes a token look valid for 8 hours too long.",
            "A logout (POST /authentication/logout) expires both the access and the refresh token; after one, fetch a new token with getAccessToken.",
            "If refreshing fails too (1600003), call getAccessToken with your API key, respecting its rate limit, and store the new pair.",
        ),
        doc=DOC_AUTH,
        related=(1600002, 1600003, 1600005),
    ),
    CodeEntry(
        code=16900500,
        title="API points exhausted for today",
        family="quota",
        outcome=Outcome.QUOTA,
        retry=Retry.AFTER_RESET_OR_SOONER,
        messages=(
            _m(
                "Insufficient API points. Used today: {param}, Remaining: 0, Required: {param}. {param}",
                "observed",
                "HTTP 200 with result=false and data=null",
            ),
        ),
        steps=(
            "Stop sending: nothing succeeds until points come back, and every retry is wasted. Do not treat this like the QPS limit (1600200).",
            "Expect the daily reset at 00:00 UTC (measured by an integrator; not 16:00 UTC, not midnight China time). Points also trickle back during the day (about total/1440 per minute per third-party notes), so a cheap call may work again a few hours later.",
            "Find what spent them: product/list and product/listV2 cost 50 points per call, queryProductsByImage 1000, and most product, stock, freight and subscription calls 10; calls not in the cost table are free. The base budget is 50,000 points a day.",
            "Raise the budget by transacting: each dollar of the highest monthly transaction amount of the last 3 months adds 100 points a day.",
            "Check `result` and `code` on every response: this code arrives with HTTP 200 and `data: null`, so wrappers that read only `data` record it as an empty result.",
        ),
        doc=DOC_POINTS,
        notes=(
            "The points page documents HTTP 429 for insufficient points; integrators saw HTTP 200 with this code. cjerr handles both.",
        ),
        related=(429, 1600201, 1600200),
    ),
    # ----------------------------------------------------------------- success
    CodeEntry(
        code=0,
        title="Success (code 0 variant)",
        family="success",
        outcome=Outcome.SUCCESS,
        retry=Retry.NOT_APPLICABLE,
        messages=(),
        steps=(
            "Nothing failed: GET /product/productComments, POST /product/sourcing/create, POST "
            "/product/sourcing/query, GET /shop/getShops and GET /product/globalWarehouseList mark success with "
            "`code: 0` and `success: true` instead of `code: 200` and `result: true`.",
            "Accept 0 as success together with `success: true`: a wrapper that insists on `code == 200` (the rule "
            "in CJ's development guide) raises on every one of these calls, and one that insists on "
            "`result: true` fails on globalWarehouseList, whose body has no `result` field.",
            "Expect `message: null` here: code that lower-cases, logs or pattern-matches the message without a "
            "null check crashes on a call that worked.",
            'Parse `data` with the endpoint\'s own shape: productComments returns `pageNum` as a string ("1"), '
            "so convert it before doing arithmetic on it.",
        ),
        doc=DOC_PRODUCT,
        notes=(
            'CJ\'s examples for these endpoints print `"code": 0, "success": true, "message": null`, so there '
            "is no message wording to record; the getShops and globalWarehouseList bodies are known from client "
            "code (CJ's own MCP server accepts code 0 as success).",
            "The development guide defines success as HTTP 200 with `code` 200 or absent, which these examples "
            "contradict; cjerr treats code 0 with `success: true` as success.",
        ),
        related=(200,),
    ),
    # ------------------------------------------------------------------- quota
    CodeEntry(
        code=429,
        title="HTTP 429: too many requests (rate limit, token throttle or spent points)",
        family="quota",
        outcome=Outcome.TEMPORARY,
        retry=Retry.SHORT_WAIT,
        min_wait_seconds=1.0,
        max_attempts=2,
        messages=(_mcp("请求过于频繁 / Too many requests", "what CJ's MCP server prints for a body with code 429"),),
        steps=(
            "A 429 whose body names neither points nor a QPS window: wait a second or two and retry once; if the "
            "second try gets a 429 too, stop and find out which limit answered (the steps below) instead of "
            "retrying in a loop.",
            'Find out which limit answered before waiting: a message that mentions "QPS limit", or a body code '
            "of 1600200, is the per-second rate limit (see `cjerr lookup 1600200`; wait about a second), while a "
            "body with `code: 429` and `pointsInfo` whose `remaining` is 0 or below the call's cost means the "
            "daily points are spent.",
            "For spent points, stop every call that costs points until the 00:00 UTC reset; calls missing from "
            "the points table cost 0, and points also trickle back during the day (about total/1440 per minute "
            "per third-party notes).",
            "Budget the next day: product/list and product/listV2 cost 50 points, queryProductsByImage 1000, most "
            "product, stock, freight and webhook-subscription calls 10, against 50,000 base points a day plus "
            "100 points per dollar of your highest monthly transaction amount in the last 3 months.",
            "A 429 right after POST /authentication/getAccessToken comes from the token throttle (once every 5 "
            "minutes in older docs, 1 call per second on the current auth page): wait 5 minutes, then cache the "
            "token for its lifetime instead of fetching one at every process start.",
            "Check the body code as well as the status: the same points shortage has been seen as HTTP 200 with "
            "code 16900500, and rate limits usually arrive as HTTP 200 with code 1600200, so a client that only "
            "watches for HTTP 429 misses most of them.",
        ),
        doc=DOC_POINTS,
        notes=(
            'The points page documents HTTP 429 with a body that begins `{"code": 429, "result":`; the rest, '
            "including the message, was not captured. Third-party notes say responses carry `pointsInfo` "
            "(usedToday, remaining, total).",
            "cjerr reads a 429 by its body: points named (pointsInfo with nothing remaining, the points wording) "
            "is spent points (exit 79); a QPS window or code 1600200 is the rate limit (exit 75, wait the window); "
            "on getAccessToken it is the token throttle; a bare 429 gets one retry after a short wait.",
            'HTTP 429 has also been logged around getAccessToken with "Too Many Requests, QPS limit is 1 '
            'time/1second" and body code 1600200; that wording is kept under 1600200 only, so a body without a '
            "code is not mistaken for spent points.",
            "CJ's own MCP server maps 429 to a QPS limit only.",
        ),
        related=(16900500, 1600200, 1600201),
    ),
    # ------------------------------------------------------------------ system
    CodeEntry(
        code=1600000,
        localized=(_zh("服务器暂不可用,建议稍候重试。建议重试次数不超过3次。"),),
        title="System busy",
        family="system",
        outcome=Outcome.TEMPORARY,
        retry=Retry.SHORT_WAIT,
        min_wait_seconds=1.0,
        max_attempts=3,
        messages=(
            _m("System busy, please contact CJ IT", "current"),
            _m("System busy", "legacy"),
            _m(
                "The product has been added to My Products.",
                "doc-example",
                "addToMyProduct; the product is already in My Products, not a system failure",
                outcome=Outcome.API_ERROR,
            ),
        ),
        steps=(
            'Read the message first: POST /product/addToMyProduct answers 1600000 with "The product has been '
            'added to My Products." when the product is already there. That is not a server fault; treat it as '
            "done (GET /product/myProduct/query lists it) and do not retry.",
            'For a real "System busy", send the same request again at most 3 times with growing pauses (for '
            "example 1, 2 and 4 seconds); keeping at least a second between tries also stays under the 1 "
            "request/second account limit, which would otherwise turn the retry into 1600200.",
            "Before repeating a write (createOrderV2/V3, addCartConfirm, payBalance), check whether the first "
            "attempt went through with GET /shopping/order/list or getOrderDetail; a second create with the same "
            "`orderNumber` can fail with 1603003.",
            "If all 3 attempts fail, stop and report it to CJ with the `requestId` of each attempt and the time; "
            "the current English table says to contact CJ IT.",
            "Cap retries in code: a loop that sleeps and retries 1600000 forever (one public client does) keeps "
            "sending calls for as long as CJ is down.",
        ),
        doc=DOC_ERRORS,
        notes=(
            "Retry advice differs: the legacy English table says to try again later, no more than 3 times, and "
            "the Chinese table says the same (retry after a short wait, at most 3 times); the current English "
            'table only says "System busy, please contact CJ IT". cjerr follows the retry advice and falls back '
            "to contacting CJ.",
            "The addToMyProduct error example reuses 1600000 for an already-added product; cjerr keeps that "
            "wording but does not count it as a system failure.",
        ),
        related=(1600301, 1600200, 1603003),
    ),
    CodeEntry(
        code=1600301,
        title="Read timed out on CJ's side",
        family="system",
        outcome=Outcome.TEMPORARY,
        retry=Retry.SHORT_WAIT,
        min_wait_seconds=1.0,
        messages=(_m("Read timed out", "current"),),
        steps=(
            "This code comes back in a normal CJ body, so CJ did receive the request; it is not the same as your "
            "own HTTP client timing out, where no body arrives at all.",
            "Wait a few seconds and send the request once more; it is the only code the current table tells you "
            "to retry unchanged.",
            "Treat a timeout on a write as unknown, not failed: before resending createOrderV2/V3, payBalance or "
            "payBalanceV2, check with GET /shopping/order/list or getOrderDetail whether CJ already processed it, "
            "so a retry does not create or pay twice.",
            "Make heavy calls that keep timing out smaller: fewer items per page (listV2 `size` is at most 100), "
            "fewer `trackNumber` values per trackInfo call, fewer `features` on getOrderDetail.",
            "If the same call keeps timing out for several minutes, stop and report it with the `requestId`; a "
            "persistent timeout inside CJ cannot be fixed from the client.",
        ),
        doc=DOC_ERRORS,
        notes=(
            "Only the current English table lists 1600301; it is missing from the legacy table and from the "
            "visible part of the Chinese table.",
            "CJ gives no retry count for it; cjerr sets none but suggests stopping after repeated failures.",
        ),
        related=(1600000, 1603003, 1600200),
    ),
    # -------------------------------------------------------------------- auth
    CodeEntry(
        code=1600002,
        localized=(_zh("传入正确的Access Token"),),
        title="Access token missing",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(
            _m("access token cannot be empty", "current"),
            _m("CJ-Access-Token not found", "legacy"),
            _m(
                "access token cannot be empty",
                "observed",
                'live body without a `code` field: {"message":"access token cannot be empty"}',
            ),
        ),
        steps=(
            "Send the token in a header named exactly `CJ-Access-Token` on every call except getAccessToken and "
            "refreshAccessToken; CJ does not take it from `Authorization: Bearer`, a cookie or the query string.",
            "Check the header really has a value: an unset environment variable, a failed token fetch stored as "
            "the token, or a proxy or framework that drops unknown headers all end up here.",
            'Handle a body that has no `code` and only says "access token cannot be empty" as this code; an '
            "integrator saw exactly that shape, so code-only checks miss it.",
            'If you have no token yet, fetch one with POST /authentication/getAccessToken and `{"apiKey": '
            '"..."}`, store it and reuse it; fetching one per request runs into the token endpoint\'s throttle.',
        ),
        doc=DOC_AUTH,
        related=(1600001, 1600003),
    ),
    CodeEntry(
        code=1600003,
        localized=(_zh("检查Refresh token或是获取新的Access Token"),),
        title="Refresh token invalid or expired",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(
            _m("Invalid Refresh token", "current"),
            _m("Refresh token is failure", "legacy"),
            _m("Refresh token is failure", "doc-example", "refreshAccessToken example"),
        ),
        steps=(
            "Send the refresh token, not the access token, as `refreshToken` in the JSON body of POST "
            "/authentication/refreshAccessToken; that call needs no `CJ-Access-Token` header.",
            "Store and send the whole value: the field table says length 80, but 2026 tokens are about 566 "
            "characters (`API@CJ<digits>@CJ:eyJ...`), so a column or variable sized from the docs cuts it short.",
            "Expect it to stop working after its `refreshTokenExpiryDate` (180 days) and after POST "
            "/authentication/logout, which ends both tokens; in either case call getAccessToken with your API key "
            "for a fresh pair and store both new values.",
            "Let one process own the refresh: CJ's token guide recommends a delay queue for refreshes, and one SDK "
            "warns that workers refreshing at the same time race each other.",
            "Do not refresh early or in a loop: the older rate-limit page allows refreshAccessToken 5 times a "
            "minute, and within CJ's 24-hour token cache a refresh returns the same token anyway.",
        ),
        doc=DOC_AUTH,
        notes=(
            'CJ\'s refreshAccessToken example still prints the legacy wording "Refresh token is failure", while '
            'the current table says "Invalid Refresh token".',
        ),
        related=(1600001, 1600002, 1600030),
    ),
    CodeEntry(
        code=1600014,
        title="API access disabled for this account",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(
            _m(
                "Your API access has been disabled.",
                "observed",
                "in no published CJ table; a client's 2026 inventory poller stops after this answer "
                "(public test fixture, stubbing getInventoryByVid)",
            ),
        ),
        steps=(
            "Stop polling: every further call gets the same answer until CJ turns access back on, and each one "
            "still counts against your limits.",
            "Log in to your CJ account and check the API (Developer) page: whether the API key is still active "
            "and whether a notice explains the suspension.",
            "Ask CJ support to re-enable API access, quoting the `requestId`; a new access token does not help, "
            "the account itself is switched off.",
            "This wording is not in CJ's published tables (confidence: one live report): if CJ sends it under "
            "another code, judge by that code's entry.",
        ),
        doc=DOC_AUTH,
        notes=(
            "Seen live in 2026, not published in CJ's error tables; one plausible cause is CJ's suspension of "
            "accounts without transactions, which CJ has not documented for this code.",
        ),
        related=(1600001, 1600004),
    ),
    CodeEntry(
        code=1600031,
        localized=(_zh("传入正确的platform Access Token"),),
        title="Invalid platform token",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(_m("Invalid platform token", "current"),),
        steps=(
            "This is about the optional `platformToken` header, accepted by createOrderV2, createOrderV3 and "
            "podProductCustomPicturesEdit, not about your `CJ-Access-Token`.",
            "If you do not act for a platform account, leave the header out or empty, which CJ allows; do not "
            "fill it with a placeholder value.",
            "If you do use it, obtain it the way you obtain an access token (getAccessToken for the platform's "
            "account) and renew it on its own schedule; an expired or truncated platform token fails here even "
            "when your own token is fine.",
            "Wrappers that copy the access token into `platformToken` when none is configured inherit that "
            "token's expiry: refresh the access token, or stop sending the copy.",
        ),
        doc=DOC_SHOPPING,
        notes=(
            "CJ's docs say only that the platform token is obtained like the access token and may be empty; "
            "what it changes beyond that (one integrator says it pools the platform's rate limit) comes from "
            "client code.",
        ),
        related=(1600001, 1600003, 1603000),
    ),
    CodeEntry(
        code=1600030,
        localized=(_zh("获取新的Access Token, 查阅文档"),),
        title="Token invalidation failed",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(_m("token invalidation fail", "current"),),
        steps=(
            "cjerr reads this as a failed logout: POST /authentication/logout is the call that invalidates "
            "tokens, and CJ reports it could not do so.",
            "Check that the `CJ-Access-Token` header of the logout call holds the token you mean to end; a token "
            "that is mistyped, already expired or already logged out may not be invalidated again.",
            "If you were only rotating credentials, do not loop on logout: fetch a new pair with POST "
            "/authentication/getAccessToken, which is what CJ's table advises.",
            "If the old token must stop working (for example after it leaked) and logout keeps failing, report "
            "it to CJ with the `requestId`.",
        ),
        doc=DOC_AUTH,
        notes=(
            "The current table names no endpoint for this code; linking it to logout is cjerr's reading of the "
            "message.",
        ),
        related=(1600001, 1600003),
    ),
    CodeEntry(
        code=1600004,
        localized=(_zh("请检查您的电子邮件和API Key是否正确,或者您的API商店是否已授权"),),
        title="Authorization failed (check the CJ account)",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(_m("Authorization failed, Please check cj account", "current"),),
        steps=(
            'Check the API key sent to POST /authentication/getAccessToken: the body is `{"apiKey": "..."}` '
            "and the key looks like `CJ<digits>@api@<32 hex characters>`; stray quotes, spaces or a trailing "
            "newline from an env file break it.",
            'Make sure the account has the API app and a key: in My CJ, Apps > Install App > "API", then on the '
            'authorize/API page Add API with type "API Key"; copy the key from the "API Key & MCP Token" '
            "column.",
            "If the key was regenerated or deleted in My CJ, every deployment that still holds the old one fails "
            "until it is updated.",
            "If you connect a store on a user's behalf through CJ's ERP authorization redirect, exchange the "
            "`apiKey` it sends back with getAccessToken right away; integrators report the authorization stays "
            "invalid otherwise.",
            "This is not an expired token: refreshing does not help, and repeated getAccessToken attempts only "
            "run into the token throttle.",
        ),
        doc=DOC_AUTH,
        notes=(
            "1600004 and 1600008 share the same message and troubleshooting text in every copy; CJ documents no "
            "difference between them.",
            _SAME_AUTH_ADVICE,
        ),
        related=(1600005, 1600006, 1600008, 1601000),
    ),
    CodeEntry(
        code=1600005,
        localized=(_zh("请检查您的电子邮件和API Key是否正确,或者您的API商店是否已授权"),),
        title="API key (or email/password) wrong",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(
            _m("APIkey is wrong, please check and try again", "current"),
            _m("Email or password wrong, please check and try again", "current-crawl", ".cn/en and zh pages crawl"),
            _m(
                "APIkey is wrong, please check and try again",
                "observed",
                "live for a bad apiKey, and for email+password logins after about Aug 2025",
            ),
            _m(
                "Email or password is wrong, please check and try again. We recommend switching to the apiKey mode",
                "observed",
                "the answer to an email+password login body, as a Python client's test fake quotes it",
            ),
        ),
        steps=(
            'Send `{"apiKey": "..."}` to POST /authentication/getAccessToken: bodies with `email` and '
            "`password` (the pre-2025 login) get this code since about August 2025, although the .com auth page "
            "still calls them compatible.",
            "Check the key character by character: it has the form `CJ<digits>@api@<32 hex characters>`, and "
            "copies from chats, env files or shell history often gain quotes, spaces or a trailing newline.",
            "Send the API key itself, not an access token (`API@CJ<digits>@CJ:eyJ...`) and not your account "
            'password; take it from the "API Key & MCP Token" column on My CJ\'s authorize/API page.',
            "Do not retry with the same key or refresh a token: nothing changes until the key does, and every "
            "attempt counts against the getAccessToken throttle.",
        ),
        doc=DOC_AUTH,
        notes=(
            'The message differs between crawls: the copies of the .cn/en docs of 2025-12-31 and 2026-02-26 and the zh docs crawl print "APIkey is wrong, '
            'please check and try again", a newer .cn/en and zh pages crawl prints "Email or password wrong, '
            'please check and try again". Live responses use the API key wording.',
            "The troubleshooting text differs too: those copies ask to check the API key or the store "
            "authorization, the newer .cn crawl asks to check the email and API key.",
            "Some wrappers treat 1600005 as an expired session; it is a credential problem that no token refresh "
            "can fix.",
        ),
        related=(1600004, 1600006, 1601000, 1600001),
    ),
    CodeEntry(
        code=1600006,
        localized=(_zh("请检查您的电子邮件和API Key是否正确,或者您的API商店是否已授权"),),
        title="Developer account not found",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(_m("Developer account not found", "current"),),
        steps=(
            "The credentials do not lead to an API developer account: check that the API app is installed in My "
            'CJ (Apps > Install App > "API") and that a key exists on the authorize/API page.',
            "Check the key belongs to the account you think: the `CJ<digits>` part before `@api@` is the CJ user "
            "number, so a key copied from another or a closed account fails.",
            "If you integrate as a partner through CJ's ERP authorization link, check that the `clientId` and "
            "`partnerName` you send are the ones of your registered developer account.",
            "If the key, the account and the app all check out, ask CJ support with your CJ user number and the "
            "`requestId`; the developer record lives on CJ's side.",
        ),
        doc=DOC_AUTH,
        notes=(_SAME_AUTH_ADVICE,),
        related=(1600004, 1600005, 1600007, 1601000),
    ),
    CodeEntry(
        code=1600007,
        localized=(_zh("用户已绑定其他开发者账号"),),
        title="User already bound to another developer account",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(_m("The user has been bound to another developer account", "current"),),
        steps=(
            "The CJ user you are authorizing is already linked to a different developer (partner) account, so "
            "CJ will not link it to yours as well.",
            "Ask the store owner which app or partner holds the authorization; it has to be removed in that "
            "user's My CJ authorization settings before yours can succeed.",
            "If the other developer account is yours too (an old test app, a second partner id), use that one or "
            "remove its binding instead of starting new authorizations.",
            "Retrying the same authorization gives the same answer; the binding does not expire on its own.",
        ),
        doc=DOC_ERRORS,
        notes=(_AUTH_FLOW_NOTE,),
        related=(1600006, 1600008, 1600012),
    ),
    CodeEntry(
        code=1600008,
        localized=(_zh("请检查您的电子邮件和API Key是否正确,或者您的API商店是否已授权"),),
        title="Authorization failed (account or store not authorized)",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(_m("Authorization failed, Please check cj account", "current"),),
        steps=(
            "Tell this apart from 1600004 by the code alone: CJ prints the same message and advice for both.",
            "Check the store is authorized: GET /shop/getShops lists the stores connected to the account (it "
            "costs 0 points), and a store missing from it has to be connected or reauthorized in My CJ.",
            'Check the key as for 1600004: `{"apiKey": "..."}` with a key of the form '
            "`CJ<digits>@api@<32 hex characters>`, taken from the account that owns the store.",
            "After a store is reauthorized or a key regenerated, fetch a new access token with getAccessToken "
            "instead of refreshing the old one.",
            "If account, key and store all check out, report it with the `requestId`; the response does not say "
            "which authorization CJ found missing.",
        ),
        doc=DOC_AUTH,
        notes=(
            "Same message and troubleshooting text as 1600004 in every copy; CJ documents no difference.",
            _SAME_AUTH_ADVICE,
        ),
        related=(1600004, 1600013, 1600005),
    ),
    CodeEntry(
        code=1600009,
        localized=(_zh("令牌交换失败,因为代码不存在"),),
        title="Token exchange failed: code does not exist",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(_m("Token exchange failed because the code does not exist.", "current"),),
        steps=(
            "This comes from an authorization-code exchange: the `code` your redirect handler received is not "
            "known to CJ.",
            "Exchange a code once, as soon as the redirect arrives; a code already used, one from an earlier "
            "attempt, or one stored and replayed later is the likely cause.",
            "Pass the code exactly as received: check URL decoding (a `+` or `%2B` changed on the way) and that "
            "no whitespace or extra query text is attached.",
            "Start the authorization again to get a fresh code instead of retrying the same one.",
        ),
        doc=DOC_ERRORS,
        notes=(
            _AUTH_FLOW_NOTE,
            "In the one partner flow integrators describe, CJ redirects back with an `apiKey` that must be "
            'exchanged at once with getAccessToken; whether that key is the "code" meant here is not documented.',
        ),
        related=(1600010, 1600011, 1600004),
    ),
    CodeEntry(
        code=1600010,
        localized=(_zh("RedirectUri 不能为空."),),
        title="RedirectUri missing",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(_m("RedirectUri must be not empty.", "current"),),
        steps=(
            "The authorization request needs a redirect URI, the address CJ sends the user back to after they "
            "approve access, and it arrived empty.",
            "Check the value is really sent: a missing configuration value becomes an empty string, and an "
            "unencoded URI with its own `?` and `&` can cut the parameter short, so URL-encode it.",
            "In the ERP authorization link integrators use "
            "(`https://www.cjdropshipping.com/mine/authorize/erpAuthorization`) the return address is the "
            "`clientRedirectUrl` parameter; CJ's error table calls it RedirectUri.",
            "Use a full absolute https URL that your app actually serves.",
        ),
        doc=DOC_ERRORS,
        notes=(
            _AUTH_FLOW_NOTE,
            "Linking RedirectUri to the `clientRedirectUrl` parameter is an inference from one integrator's code.",
        ),
        related=(1600011, 1600009),
    ),
    CodeEntry(
        code=1600011,
        title="CallbackUri missing",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(_m("CallbackUri must be not empty.", "current"),),
        steps=(
            "The authorization or store-connection request needs a callback URI and it arrived missing or empty.",
            "Check the parameter name and its case exactly as CJ spells it, and that the value is not an empty "
            "string left by unset configuration.",
            "Do not confuse it with the redirect URI (1600010): when a flow asks for both, fill both.",
            "Resend once it is filled; the same request without it fails the same way.",
        ),
        doc=DOC_ERRORS,
        notes=(
            _AUTH_FLOW_NOTE,
            'The Chinese table is cut inside this row ("CallbackUri m..."); the English table is the only full copy.',
        ),
        related=(1600010, 1600009),
    ),
    CodeEntry(
        code=1600012,
        title="Authorization creation disabled for the account",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(
            _m(
                "The account creation authorization has been disabled, and cj authorization cannot be created. "
                "Contact the CJ account manager.",
                "current",
            ),
        ),
        steps=(
            "CJ has switched off creating new authorizations for this account; no change to the request fixes it.",
            "Contact your CJ account manager (or agent) and ask for authorization creation to be enabled, quoting "
            "your CJ user number and the `requestId`.",
            "Check you are authorizing the intended CJ account: if the user signed in with another account than "
            "expected, start again with the right one.",
            "Pause automatic retries of the authorization until CJ confirms the change.",
        ),
        doc=DOC_ERRORS,
        notes=(_AUTH_FLOW_NOTE,),
        related=(1600007, 1600008),
    ),
    CodeEntry(
        code=1600013,
        title="Store info not found",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(_m("Store info does not exist,please check and try again.", "current"),),
        steps=(
            "The store (shop) your request names is not known for this CJ account; compare the id you sent with "
            "the list from GET /shop/getShops, which costs 0 points.",
            "Take store ids from that list: the id your own platform (Shopify, WooCommerce, ...) gives the shop "
            "is not necessarily CJ's store id.",
            "If the store is missing from the list, connect or reauthorize it in My CJ before using it.",
            "Check the access token belongs to the account that owns the store; a token of another CJ account "
            "cannot see it.",
        ),
        doc=DOC_ERRORS,
        notes=(
            _AUTH_FLOW_NOTE,
            "Store ids appear as `shopId` on /webhook/product/subscribe/list and `shopIds` on /ticket/list; CJ "
            "does not say which endpoints return 1600013.",
        ),
        related=(1600008, 1600004),
    ),
    CodeEntry(
        code=1601000,
        title="User not found",
        family="auth",
        outcome=Outcome.AUTH,
        retry=Retry.NEVER,
        messages=(
            _m("User not found", "current"),
            _m("User not found", "legacy"),
            _m("User not find", "doc-example", "getAccessToken, setting and webhook examples"),
        ),
        steps=(
            "CJ found no account behind the credentials. With the current login that means the `apiKey`: check "
            "it is the full key of an existing account, `CJ<digits>@api@<32 hex characters>`.",
            "Old integrations that still send `email` and `password` must use the exact email the CJ account was "
            "registered with (the legacy table blames a wrong email); moving to `apiKey` avoids the question.",
            "Log in to My CJ with the same account to confirm it still exists and that the key on its "
            "authorize/API page is the one you send.",
            "Do not retry or refresh tokens for it: the same credentials give the same answer, and repeated "
            "getAccessToken calls run into its throttle.",
        ),
        doc=DOC_AUTH,
        notes=(
            'CJ\'s own examples on the getAccessToken, setting and webhook pages spell it "User not find"; the '
            'tables say "User not found".',
            'The troubleshooting differs: the legacy table says "User not found, email error", the current one '
            "asks to check the email and API key or whether the API store is authorized.",
        ),
        related=(1600004, 1600005, 1600006),
    ),
    # --------------------------------------------------------------- interface
    CodeEntry(
        code=1600101,
        title="Interface not found (wrong path)",
        family="interface",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Interface not found", "current"),
            _m("Interface not found", "legacy"),
            _m(
                "Interface not found",
                "observed",
                "GET /shopping/balance/getBalance (the real path is /shopping/pay/getBalance) and "
                "POST /authentication/login",
            ),
        ),
        steps=(
            "Build the URL as https://developers.cjdropshipping.com/api2.0/v1 plus the path; watch for a missing "
            "`api2.0` or `v1` and doubled slashes. There is no API host on developers.cjdropshipping.cn, which "
            "only serves the docs.",
            "Compare the path letter by letter: CJ paths are case-sensitive, so `/product/listv2` is not "
            "`/product/listV2`.",
            "Watch for invented paths: live tests hit this code with `/shopping/balance/getBalance` (the real one "
            "is `/shopping/pay/getBalance`) and `/authentication/login` (use `/authentication/getAccessToken`); "
            "others in circulation include `/product/detail` (use `/product/query`) and `/logistic/trackInfoV2` "
            "(use `/logistic/trackInfo`).",
            "Run `cjerr endpoints` to see the paths cjerr knows with their methods; do not retry, the same path "
            "fails the same way.",
            "Do not read this code as a feature being unavailable for the account: one wrapper reported "
            '"balance unavailable" on 1600101 when only the path was wrong.',
        ),
        doc=DOC_DEVELOPMENT,
        notes=(
            'The legacy table\'s troubleshooting reads "Interface path is error"; the current table repeats the '
            "message. A removed (offline) interface has its own code, 1600100.",
        ),
        related=(1600100, 16900202, 1600300),
    ),
    # ------------------------------------------------------------------- quota
    CodeEntry(
        code=1600201,
        title="Quota used up",
        family="quota",
        outcome=Outcome.QUOTA,
        retry=Retry.AFTER_PERIOD,
        messages=(
            _m("Quota has been used up", "current"),
            _m("Quota has been used up", "legacy"),
            _m(
                "Too Many Requests, Sorry, you have reached the daily request limit ({param} times/day). "
                "Number of requests made: {param}. Please try again tomorrow.",
                "limit-page",
                "the page does not state the code; cjerr files it here because it describes the same daily limit",
            ),
        ),
        steps=(
            "Find which quota ran out: GET /setting/get returns `setting.quotaLimits[]` with `quotaUrl`, "
            "`quotaLimit` and `quotaType` per interface; stop calling the interface named by `quotaUrl`.",
            "Check the quota's period before waiting: `quotaType` 4 is per day and 5 per hour, but 0 is a total "
            "that does not reset by itself (CJ's two pages disagree on what 1-3 mean).",
            "For the daily call limit, expect 1,000 calls a day per interface for unverified accounts and 1,000 "
            "product/list calls a day for Free or v1 users; wait for the next day instead of retrying, since a "
            "retry every second (one public client does this) never succeeds.",
            "To raise the daily limit, finish a working integration (product query and order push) and apply to "
            "developer@cjdropshipping.com with the materials the limit page lists; a higher store level or CJ "
            "Prime also lifts limits.",
            "Cut the number of calls: cache product and category data, send ID lists where an endpoint takes "
            "them, and turn per-event lookups into scheduled jobs.",
        ),
        doc=DOC_LIMITS,
        notes=(
            "The current English table gives 1600201 the same advice as 1600200 (spread requests more evenly), "
            "which fits a rate limit better than a spent quota; the legacy table only says to view help.",
            "The reset time of the call-count limit is not documented; the points model resets at 00:00 UTC, and "
            '"Please try again tomorrow" names no time zone.',
            "Since June/July 2026 CJ meters calls with points (16900500, HTTP 429); 1600201 and the daily request "
            "limit come from the older call-count model, though per-interface `quotaLimits` may still apply.",
        ),
        related=(1600200, 16900500, 429),
    ),
    # ----------------------------------------------------------------- request
    CodeEntry(
        code=16900202,
        title="HTTP method not supported",
        family="request",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Request method '{param}' not supported", "current"),
            _m("Request method 'POST' not supported", "observed", "POST to the GET-only product/listV2"),
        ),
        steps=(
            "The method in the message is the one you sent, not the one CJ wants. Queries such as "
            "product/listV2, product/query, shopping/order/getOrderDetail and shopping/pay/getBalance are GET; "
            "createOrderV2 and freightCalculate are POST; confirmOrder is PATCH and deleteOrder is DELETE.",
            "Check your HTTP client's default: some wrappers send every call as POST, others every call as GET, "
            "and either breaks half of the API.",
            "Call the https:// URL directly: following a redirect from http:// makes many HTTP clients resend a "
            "POST as GET.",
            "Move the parameters along with the method: GET and DELETE take them in the query string, POST and "
            "PATCH in a JSON body.",
        ),
        doc=DOC_DEVELOPMENT,
        notes=(
            "The observed wording was first captured without its code and filed here because it fits this code's "
            "template; a Python client's notes since pair the two (\"CJ error 16900202: Request method 'POST' not "
            'supported").',
        ),
        related=(1600300, 16900203, 1600101),
    ),
    CodeEntry(
        code=16900203,
        title="Content-Type not supported",
        family="request",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Content type not supported[{param}]", "current"),),
        steps=(
            "Send `Content-Type: application/json` with POST and PATCH calls; the value in the brackets is the "
            "type CJ received.",
            "Watch for form encoding by default: `curl -d` without a header sends "
            "`application/x-www-form-urlencoded`, and Python requests form-encodes a dict passed as `data=` but "
            "sends JSON for `json=`.",
            "The waybill calls are the exception: /shopping/order/uploadWaybillInfo and updateWaybillInfo take "
            "`multipart/form-data`; let the HTTP client write that header so the boundary is included.",
            "Fix the header and resend; until it changes, the same request fails the same way.",
        ),
        doc=DOC_DEVELOPMENT,
        related=(16900204, 16900205, 1600300),
    ),
    CodeEntry(
        code=16900204,
        title="Request body missing",
        family="request",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Required request body is missing", "current"),),
        steps=(
            "POST and PATCH endpoints read a JSON body: send one even when every field is optional, for example "
            "`{}` for POST /product/stock/privateInventory/querySpuPage.",
            "Check the body is not lost on the way: parameters put in the query string of a POST call, or a "
            "library call that passes `None` as the body, arrive with no body at all.",
            "Check the method too: if the endpoint is GET, send it as GET with a query string instead of adding "
            "a body (see 16900202).",
            "Run `cjerr probe --dry-run PATH -d @body.json` to see the method, headers and body cjerr would "
            "send before CJ sees the request.",
        ),
        doc=DOC_DEVELOPMENT,
        related=(16900203, 16900205, 16900202),
    ),
    CodeEntry(
        code=16900205,
        title="Request body is not valid JSON",
        family="request",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("The request parameter is not in a correct JSON format", "current"),
            _m("Warning: wrong json format.", "legacy", "from the legacy page's intro, not its table"),
        ),
        steps=(
            "Validate the exact bytes you send, for example with `python -m json.tool body.json`; trailing "
            "commas, single quotes, unquoted keys and comments are not JSON.",
            "Build bodies with a JSON library, not by joining strings: customer names and addresses with quotes, "
            "backslashes or line breaks break hand-made bodies, and Python's `str(dict)` writes `True`, `None` "
            "and single quotes.",
            "Encode once and in UTF-8: a JSON string that itself holds JSON (double encoding) or text in another "
            "character set fails too.",
            "Check field types while you are at it: `quantity` is a number and `vid` a string. CJ may also parse "
            "a broken body only in part and then complain about missing fields instead of the format.",
        ),
        doc=DOC_ERRORS,
        notes=(
            'The legacy page\'s intro gives "Warning: wrong json format." for this case and warns that CJ may '
            "parse such a body incompletely; the current table and the Chinese intro use the newer wording, which "
            "the Chinese intro says the message contains.",
            "No client or report was found that saw either wording live.",
        ),
        related=(16900203, 16900204, 1600300),
    ),
    # --------------------------------------------------------------- parameter
    CodeEntry(
        code=16900403,
        title="Required parameter empty",
        family="parameter",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("{param} can not be empty", "current"),
            _m(
                "{param} must be not empty",
                "observed",
                'plain-text validation messages such as "startCountryCode must be not empty" (freightCalculate); '
                "the code was not captured",
            ),
        ),
        steps=(
            "The name in the message is the field CJ expected; find it on the endpoint page and send it with a "
            "value (an empty string or null counts as empty).",
            "Check the spelling and case of your field names: CJ ignores names it does not know, so "
            "`shippingCountryCode` sent to /logistic/freightCalculate leaves `startCountryCode` empty. That call "
            "needs `startCountryCode`, `endCountryCode` and `products` with `quantity` and `vid`.",
            "Check where the field travels: GET and DELETE read it from the query string, POST and PATCH from "
            "the JSON body; a field in the wrong place is not seen.",
            "For lists, check every item: one product without `vid` or `quantity` is enough to fail the call.",
            "Run `cjerr probe --dry-run PATH -d @body.json` to check required fields locally before CJ sees the "
            "request.",
        ),
        doc=DOC_ERRORS,
        notes=(
            'Wordings of the form "... must be not empty" also appear under other codes: getOrderDetail\'s '
            'example prints "orderId must be not empty" under 1600300, and 1600010/1600011 print '
            '"RedirectUri/CallbackUri must be not empty.". cjerr files the uncoded observed wording here.',
        ),
        related=(1600300, 1600100, 16900204),
    ),
    # ---- product (1602xxx, plus 1607010) ----
    CodeEntry(
        code=1602000,
        title="Variant not found",
        family="product",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Variant not found", "legacy"),
            _m("Variant not found", "current"),
        ),
        steps=(
            (
                "Check that you sent a variant ID: `vid` comes from the product's `variants[]` "
                "(GET /product/variant/query?pid=...), not the product `pid` and not your store's own variant ID."
            ),
            (
                "Keep the identifiers apart: `pid` names a product, `vid` a variant, and the SKU parameters "
                "(`productSku`, `variantSku`, `sku`) take SKU strings, not IDs. Send every one of them as a string."
            ),
            (
                "Refresh stored variant IDs: re-read the product with GET /product/variant/query?pid=... and map "
                "your old `vid` to a current one; variants can be replaced after you imported the product."
            ),
            (
                "On createOrderV2/V3 each `products[]` item needs `quantity` and at least one of `vid` / `sku`. "
                "If you send both, they must name the same variant, or the lookup fails."
            ),
            (
                "If the variant is listed but delisted, CJ has a separate code for that (1602003); "
                "replace the item rather than resending the same `vid`."
            ),
        ),
        doc=DOC_PRODUCT,
        related=(1602001, 1602003, 1600300),
    ),
    CodeEntry(
        code=1602001,
        title="Product not found",
        family="product",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Product not found", "legacy"),
            _m("Product not found", "current"),
            _m(
                "Product not found",
                "observed",
                "GET /product/query with `productSku` set to a variant SKU",
            ),
        ),
        steps=(
            (
                "On GET /product/query and /product/variant/query send exactly one of `pid`, `productSku` or "
                "`variantSku`. `productSku` wants the product (SPU) SKU; a variant SKU there returns this code, "
                "so send it as `variantSku` instead."
            ),
            (
                "Check that the `pid` is a CJ product ID, copied from /product/list (`pid`), /product/listV2 "
                "(`id` in `content[].productList[]`) or a PRODUCT webhook, not your store's product ID or a `vid`."
            ),
            (
                "Assume the product may have gone offline: search for it again with GET /product/listV2 "
                "(`keyWord`) and replace it in your catalog if it no longer appears."
            ),
            (
                "Do not loop over the same ID: it keeps failing, and the points table prices every /product/query "
                "call at 10 points. Mark the product for review instead."
            ),
        ),
        doc=DOC_PRODUCT,
        notes=(
            (
                "The legacy table's troubleshooting column reads \"Product not found, product is error, or "
                'product offline": the code covers a malformed ID and a product taken off sale as well as a '
                "missing one. The current table only repeats the message."
            ),
            (
                "The current table also has 1602002 for a product removed from shelves; which of the two CJ now "
                "returns for a delisted product was not observed."
            ),
        ),
        related=(1602000, 1602002, 1600300),
    ),
    CodeEntry(
        code=1602002,
        title="Product delisted (removed from shelves)",
        family="product",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Product has been removed from shelves", "current"),
            _m("Product removed from shelves", "client-code", "the code table of a French troubleshooting guide"),
        ),
        steps=(
            (
                "CJ no longer sells this product, so no order or listing built on it can go through as is. "
                "Confirm its state with GET /product/query?pid=... before changing anything."
            ),
            (
                "Find a replacement: search GET /product/listV2 by `keyWord` or `categoryId`, or ask CJ to source "
                "one with POST /product/sourcing/create (`productName`, `productImage`)."
            ),
            (
                "Unpublish or remap the store listing so new orders stop using it, and subscribe to the PRODUCT "
                "and VARIANT webhook topics (POST /webhook/set) to hear about delistings before an order fails."
            ),
            (
                "For an order already at CJ that holds the product, delete it (DELETE /shopping/order/deleteOrder"
                "?orderId=...) and create it again with the replacement `vid`, or change the line in My CJ."
            ),
        ),
        doc=DOC_PRODUCT,
        notes=(
            "Only in the current table; the legacy table has no such row.",
            (
                "The current table's troubleshooting text for this code is \"Order confirm fail, Please contact "
                'CJ Agent", which looks copied from an order row. It hints that the code can come back while '
                "confirming an order, but no response showing that was found."
            ),
        ),
        related=(1602001, 1602003, 1603001),
    ),
    CodeEntry(
        code=1602003,
        title="Variant delisted (removed from shelves)",
        family="product",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Variant has been removed from shelves", "current"),),
        steps=(
            (
                "The product is still on sale but this variant (a colour, a size) is not. List the variants "
                "still offered with GET /product/variant/query?pid=..."
            ),
            (
                "Map the item to a remaining variant or drop that option from your store listing; "
                "resending the old `vid` will fail the same way."
            ),
            (
                "Check stock before choosing a substitute: GET /product/stock/queryByVid?vid=... for one variant, "
                "or GET /product/stock/getInventoryByPid?pid=... for all of them in one call (10 points each)."
            ),
            (
                "Subscribe to the VARIANT and STOCK webhook topics (POST /webhook/set) so delisted variants reach "
                "you before an order fails."
            ),
        ),
        doc=DOC_PRODUCT,
        notes=("Only in the current table; the legacy table has no such row.",),
        related=(1602000, 1602002, 1603102),
    ),
    CodeEntry(
        code=1602004,
        title="Infringement report could not be created",
        family="product",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Failed to create infringement report", "current"),),
        steps=(
            (
                "Note which call returned it: none of the endpoint pages cjerr knows documents a request that "
                "creates an infringement report, so the path and body you sent are the main evidence."
            ),
            (
                "Check that the product the report is about still exists with GET /product/query?pid=...; "
                "a report on a product CJ cannot find has nothing to attach to."
            ),
            (
                "Do not resend it in a loop; the table gives no cause to fix. Send the `requestId` and the body "
                "to CJ support, for example through a ticket (POST /ticket/create)."
            ),
        ),
        doc=DOC_ERRORS,
        notes=(
            (
                "Only in the current table. No endpoint page and no live response in cjerr's references mention "
                "infringement reports, so the steps are general."
            ),
        ),
        related=(1602001, 1602002),
    ),
    CodeEntry(
        code=1607010,
        title="Product update failed",
        family="product",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("product update fail", "current"),),
        steps=(
            (
                "Find the call that returned it; the table names none. The calls that change products are the "
                "store-product ones (POST /store/product/saveProduct, /store/product/saveVariantBatch), which "
                "cjerr knows only from secondary notes."
            ),
            (
                "Re-read the product first with GET /product/query?pid=...: if it is missing (1602001) or "
                "delisted (1602002, 1602003), no update can succeed."
            ),
            (
                "Check the IDs in the update: product IDs as `pid`, variant IDs as `vid`, both as strings, "
                "taken from a current CJ response rather than from your store."
            ),
            (
                "If the data checks out and the update still fails, keep the `requestId` and the body and "
                "contact CJ support or open a ticket (POST /ticket/create)."
            ),
        ),
        doc=DOC_ERRORS,
        notes=(
            (
                "The code sits in the 1607xxx range next to webhook (1607000-1607003) and dispute "
                "(1607006-1607009) codes, but its message is about products, so cjerr files it under product."
            ),
            "Only in the current table, printed in lower case; which endpoint returns it is not documented.",
        ),
        related=(1602001, 1602002, 1607004),
    ),
    # ---- order (1603xxx, plus codes found inside order responses) ----
    CodeEntry(
        code=1603000,
        title="Order creation failed",
        family="order",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Order create fail", "legacy"),
            _m("Order create fail", "current"),
        ),
        steps=(
            (
                "Use POST /shopping/order/createOrderV2 (or V3); /shopping/order/createOrder is deprecated. "
                "Check the required fields: `orderNumber` (max 50), `shippingCountryCode` and `fromCountryCode` "
                "(two letters), `shippingCountry`, `shippingProvince`, `shippingCity`, `shippingCustomerName`, "
                "`shippingAddress` (max 200), `logisticName` and `products[]`."
            ),
            (
                "Each `products[]` item needs `quantity` as a number and a `vid` or `sku` as a string; "
                "if you send both they must name the same variant."
            ),
            (
                "Send a real `shippingProvince`: it is required, and the placeholders some clients use "
                '("N/A", the city name) are guesses CJ may refuse.'
            ),
            (
                "Take `logisticName` from a POST /logistic/freightCalculate answer for the same `vid`s and "
                "countries, copied character for character (see 1605001)."
            ),
            (
                "Before creating again, look for the order with GET /shopping/order/getOrderDetail?orderId="
                "<your orderNumber>: the create may have gone through, and a second create with the same "
                "`orderNumber` returns 1603003."
            ),
        ),
        doc=DOC_SHOPPING,
        notes=(
            (
                'The legacy troubleshooting column adds "Please contact CJ admin"; the current table only '
                "repeats the message. Neither gives a finer cause."
            ),
            (
                "The same call has also been seen failing with more specific codes (1602002, 1605001, and "
                "100202 on createOrderV3); check the message for a hint before falling back to this entry."
            ),
        ),
        related=(1603003, 1605001, 1602002, 100202),
    ),
    CodeEntry(
        code=1603001,
        title="Order confirmation failed (cart, confirm, parent order)",
        family="order",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Order confirm fail", "legacy"),
            _m("Order confirm fail", "current"),
            _m(
                "order confirm fail",
                "doc-example",
                "addCart / addCartConfirm / saveGenerateParentOrder / confirmOrder",
            ),
            _m("order query fail", "doc-example", "changeWarehouse, with `data: false`"),
        ),
        steps=(
            (
                "Find the step that failed: CJ uses this code across the whole chain (POST /shopping/order/addCart, "
                "/shopping/order/addCartConfirm, /shopping/order/saveGenerateParentOrder, PATCH "
                "/shopping/order/confirmOrder) and on POST /shopping/order/changeWarehouse."
            ),
            (
                "Pass each step the ID it expects: addCart and addCartConfirm take `cjOrderIdList` (CJ order IDs "
                "from createOrderV2 `data.orderId`); saveGenerateParentOrder takes `shipmentOrderId`, the "
                "`shipmentsId` that addCartConfirm returned; confirmOrder takes `orderId` in a JSON body."
            ),
            (
                "Check the order's status with GET /shopping/order/getOrderDetail?orderId=...: if it already "
                "shows UNPAID or later, an earlier confirm went through; if it shows CANCELLED, create a new order."
            ),
            (
                "Read the hold reasons: addCartConfirm returns `interceptOrders`, and createOrderV2/V3 return "
                "`interceptOrderReasons[]`. Fix what they name (1001 is a phone-number format) before confirming."
            ),
            (
                'On changeWarehouse the message is "order query fail": check `orderCode` and `storageId`, '
                "and that the order uses platform logistics; the call does not apply to seller-logistics orders."
            ),
        ),
        doc=DOC_SHOPPING,
        notes=(
            'The legacy troubleshooting column adds "Please contact CJ admin".',
            (
                "The endpoint examples print the message in lower case, and the changeWarehouse example pairs "
                'this code with "order query fail", so the code is not specific to confirming.'
            ),
        ),
        related=(1603000, 1603100, 1602002, 1001),
    ),
    CodeEntry(
        code=1603002,
        title="Order deletion failed",
        family="order",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Order delete fail", "legacy"),
            _m("Order delete fail", "current"),
        ),
        steps=(
            (
                "Send DELETE /shopping/order/deleteOrder?orderId=... with the ID in the query string; "
                "a GET or a JSON body is the wrong shape (some clients use GET)."
            ),
            (
                "Check that the order exists under this account and that you send the ID you think you send "
                "(max 200 characters): look it up first with GET /shopping/order/getOrderDetail?orderId=..."
            ),
            (
                "Check its status in that answer: once it is paid and moving (UNSHIPPED, SHIPPED, DELIVERED), "
                "expect deletion to fail and ask CJ to cancel it instead, for example with an order ticket "
                "(POST /ticket/order/create, `type` ORDER_ISSUE)."
            ),
            (
                "If it keeps failing for an unpaid order, keep the order ID and the `requestId` for CJ support; "
                "the legacy table says to contact the CJ admin."
            ),
        ),
        doc=DOC_SHOPPING,
        notes=(
            (
                "Neither table says which order states can be deleted; the status advice is cjerr's inference. "
                "The ticket endpoints come from secondary notes."
            ),
        ),
        related=(1603100, 1603001, 1603000),
    ),
    CodeEntry(
        code=1603003,
        title="Duplicate order (orderNumber already used)",
        family="order",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Order exist, please do not duplicate create", "current"),),
        steps=(
            (
                "`orderNumber` is your own order reference and must be unique: CJ refuses a second create with a "
                "number it already holds, including one created by an earlier attempt that timed out on your side."
            ),
            (
                "Look the existing order up before deciding: GET /shopping/order/getOrderDetail?orderId="
                "<your orderNumber> accepts your own order ID as well as the CJ one."
            ),
            (
                "If it is the same customer order, carry on with the existing one (addCart, confirm, pay) instead "
                'of creating again. One integrator counts this code as "already placed", which is safe only once '
                "the items and address match."
            ),
            (
                "If it really is a different order (a reship, a split), give it a new `orderNumber`, for example "
                "with a suffix; the field holds at most 50 characters."
            ),
            (
                "Derive `orderNumber` from your store's order ID rather than a random value, so a repeated create "
                "hits this code instead of shipping the order twice."
            ),
        ),
        doc=DOC_SHOPPING,
        notes=(
            "Only in the current table.",
            (
                "Whether deleting or cancelling an order frees its `orderNumber` is not documented. cjerr still "
                "reports this code as an error even where a client treats it as success."
            ),
        ),
        related=(1603000, 1603100, 1603001),
    ),
    CodeEntry(
        code=1603100,
        title="Order not found",
        family="order",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Order not found, Please check the CJ order id", "legacy"),
            _m("Order not found, please check the CJ order id", "current"),
        ),
        steps=(
            (
                "Check which ID you send: order calls want the CJ order ID (createOrderV2 returns it as "
                "`data.orderId`). Only GET /shopping/order/getOrderDetail is documented to accept your own "
                "`orderNumber` as well."
            ),
            (
                "Store order IDs as strings: they are long digit strings (the docs show 210711100018655344), "
                "and JavaScript numbers or spreadsheets round them into a different, unknown ID."
            ),
            (
                "Make sure the order was created at all: a create that failed (1603000) leaves nothing to find. "
                "Search GET /shopping/order/list with `orderIds` or `status` before assuming it exists."
            ),
            (
                "Check that the token belongs to the CJ account that placed the order; "
                "an order from another account cannot be found with it."
            ),
        ),
        doc=DOC_SHOPPING,
        notes=(
            (
                'Legacy writes "Please" with a capital P, the current table in lower case. '
                'The legacy troubleshooting column reads "Order number is error".'
            ),
            (
                'The getOrderDetail page lists "order not found" under 1600300 instead of this code; '
                "see `cjerr lookup 1600300`."
            ),
        ),
        related=(1600300, 1603000, 1603003),
    ),
    CodeEntry(
        code=1001,
        title="Order hold reason / phone format rule (inside data, not a top-level code)",
        family="order",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m(
                "Must be a 6-32 digit number (only numbers, symbols and spaces are supported).",
                "doc-example",
                'freightCalculateTip `ruleTips[].msgCode` "1001", rule type `phone`',
            ),
        ),
        steps=(
            (
                "Look for it inside `data`, not in the envelope: it appears as `interceptOrderReasons[].code` in a "
                'createOrderV2/V3 response and as `ruleTips[].msgCode` "1001" (a string) in '
                "/logistic/freightCalculateTip, while the top-level `code` can still be 200."
            ),
            (
                "As a freightCalculateTip rule it means the phone number fails CJ's format: 6 to 32 characters, "
                'only digits, spaces, "+", "-" and parentheses (ASCII or full-width). Letters, "ext" and '
                "other symbols fail."
            ),
            (
                "Clean `shippingPhone` before creating the order, and keep it within 20 characters: that is "
                "createOrderV2's field length, tighter than the rule's 32."
            ),
            (
                "Check the number first with POST /logistic/freightCalculateTip (`phone` in `reqDTOS[]`), so the "
                "rule fires before the order exists."
            ),
            (
                "For an order CJ held, fix the field the reason names, then check the order again with "
                "GET /shopping/order/getOrderDetail?orderId=... before moving it on to addCart / addCartConfirm."
            ),
        ),
        doc=DOC_SHOPPING,
        notes=(
            (
                "The docs show 1001 as an example `interceptOrderReasons[].code` without a message; that it means "
                "the phone rule there too is cjerr's assumption."
            ),
            (
                '`msgCode` is printed as a string ("1001"), so compare it as text. The rule\'s regex accepts '
                "full-width parentheses as well as ASCII ones."
            ),
        ),
        related=(1603001, 1603000, 1600300),
    ),
    CodeEntry(
        code=100202,
        title="Invalid products on order creation (seen live, undocumented)",
        family="order",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m(
                "100202:Invalid products",
                "observed",
                "POST /shopping/order/createOrderV3, even with valid `vid`s",
            ),
        ),
        steps=(
            (
                "Treat the causes below as suspicions: one integrator reported them for createOrderV3 and none "
                "was confirmed. CJ's tables do not list this code."
            ),
            (
                "Suspected: the products cannot ship to this destination or are out of stock. Run POST "
                "/logistic/freightCalculate with the same `vid`s, quantities, `startCountryCode` and "
                "`endCountryCode`, and check stock with GET /product/stock/queryByVid?vid=..."
            ),
            "Suspected: an empty `shippingProvince`. Fill it with the real province or state.",
            (
                "Suspected: a `logisticName` that does not serve the route. Use a name freightCalculate returned "
                "for this order (1605001 is CJ's documented code for that mistake)."
            ),
            (
                "Suspected: `products[].storeLineItemId` sent as null. Leave the key out instead, send `vid` as a "
                "string and `quantity` as a number."
            ),
        ),
        doc=DOC_SHOPPING,
        notes=(
            (
                "Known from a single live report. Whether 100202 came back as the top-level `code` or only as "
                "the prefix of the message text was not recorded."
            ),
            (
                "Six digits, unlike CJ's seven- and eight-digit codes, so it fits no family by prefix; "
                "cjerr files it under order."
            ),
        ),
        related=(1603000, 1605001, 1602000),
    ),
    # ---- payment (16031xx payment rows, 1604xxx) ----
    CodeEntry(
        code=1603101,
        title="Order payment failed",
        family="payment",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Order pay fail, Please contact CJ Order Center", "legacy"),
            _m("Order pay fail, please contact CJ order center", "current"),
        ),
        steps=(
            (
                "Check the wallet with GET /shopping/pay/getBalance (`amount`, `noWithdrawalAmount`, "
                "`freezeAmount`) against the order total; a plain shortfall normally comes back as 1604000."
            ),
            (
                "Match the pay call to your flow: POST /shopping/pay/payBalance takes `orderId`; POST "
                "/shopping/pay/payBalanceV2 takes `shipmentOrderId` and the `payId` from "
                "saveGenerateParentOrder, which expires at `payExpireTime`."
            ),
            (
                "Check the order is payable: GET /shopping/order/getOrderDetail?orderId=... should show it "
                "UNPAID. A paid order (UNSHIPPED or later) or a CANCELLED one cannot be paid again."
            ),
            (
                "If balance payment is restricted on the account (1604001), pay on the website instead: "
                "https://www.cjdropshipping.com/mine/payment?pid=<payId>."
            ),
            (
                "If none of this explains it, contact CJ with the order ID and the `requestId`: the message names "
                "the order center, the current troubleshooting column your CJ agent."
            ),
        ),
        doc=DOC_SHOPPING,
        notes=(
            (
                'Legacy writes "Please contact CJ Order Center" with capitals, the current table in lower case. '
                'The current troubleshooting column says "please contact CJ Agent"; the legacy one only '
                'repeats "Order pay fail".'
            ),
        ),
        related=(1604000, 1604001, 1603102),
    ),
    CodeEntry(
        code=1603102,
        title="Stock could not be reserved for the order",
        family="payment",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Inventory deduction fail, please contact CJ order center", "current"),),
        steps=(
            (
                "CJ could not take the ordered quantities out of stock. The code sits among the payment rows, "
                "so expect it when paying (payBalance, payBalanceV2) or confirming an order."
            ),
            (
                "Check stock per variant with GET /product/stock/queryByVid?vid=... or "
                "/product/stock/getInventoryByPid?pid=...; /product/query often returns `variants[].inventories` "
                "as null and proves nothing."
            ),
            (
                "Check the warehouse: stock is counted per country, so an order shipping from `fromCountryCode` "
                "(or a given `storageId`) fails when that warehouse is empty even if others have stock. "
                "POST /shopping/order/changeWarehouse moves platform-logistics orders."
            ),
            "Lower the quantity or swap the `vid` for an available variant, then pay again.",
            (
                "If stock is there, contact CJ with the order ID and the `requestId`: the message names the "
                "order center, the troubleshooting column your CJ agent."
            ),
        ),
        doc=DOC_SHOPPING,
        notes=(
            "Only in the current table; no live report of it was found.",
            'The message says "CJ order center", the troubleshooting column "please contact CJ Agent".',
        ),
        related=(1603101, 1602003, 1604000),
    ),
    CodeEntry(
        code=1604000,
        title="Wallet balance too low",
        family="payment",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Balance is insufficient", "legacy"),
            _m("Balance is insufficient", "current"),
        ),
        steps=(
            (
                "Compare GET /shopping/pay/getBalance (`amount`, `noWithdrawalAmount`, `freezeAmount`) with the "
                "order total (`orderMoney` from saveGenerateParentOrder, `orderAmount` in the order detail)."
            ),
            (
                "Add money to the CJ wallet in My CJ, or pay this order on the website: "
                "https://www.cjdropshipping.com/mine/payment?pid=<payId>."
            ),
            (
                "Stop paying from the balance automatically: create orders with a createOrderV2 `payType` that "
                "does not deduct the balance (3 creates the order only) and pay later."
            ),
            (
                "Queue the order rather than retrying the payment: it fails the same way until money arrives. "
                "Amounts are USD with 2 decimals (`logisticPriceCn` in freight answers is CNY)."
            ),
        ),
        doc=DOC_SHOPPING,
        notes=(
            (
                "The `payType` values differ between doc versions: the 2026-02 docs give 2 = balance payment and "
                "3 = no balance payment; the newest crawl adds 1 or omitted = page payment (returns `cjPayUrl`)."
            ),
        ),
        related=(1603101, 1604001),
    ),
    CodeEntry(
        code=1604001,
        title="Balance payment restricted for this account",
        family="payment",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m(
                (
                    "The balance payment function is temporarily restricted. "
                    "Please log in to My CJ and make the order payment on the page"
                ),
                "current",
            ),
        ),
        steps=(
            (
                "API balance payment is switched off for your account for now: POST /shopping/pay/payBalance, "
                "/shopping/pay/payBalanceV2 and createOrderV2 with `payType` 2 keep failing until CJ lifts it."
            ),
            (
                "Pay on the website: log in to My CJ, or open https://www.cjdropshipping.com/mine/payment?pid="
                "<payId> with the `payId` from POST /shopping/order/saveGenerateParentOrder."
            ),
            (
                "Switch automated orders away from balance payment meanwhile: `payType` 1 (page payment, "
                "returns `cjPayUrl`) or 3 (create only)."
            ),
            "Ask your CJ agent why the account is restricted and for how long; the table names no cause.",
        ),
        doc=DOC_SHOPPING,
        notes=(
            (
                'Only in the current table; no live report of it was found. "temporarily" is not quantified, '
                "so cjerr does not retry it."
            ),
        ),
        related=(1604000, 1603101),
    ),
    # ---- logistics (1605xxx, plus 1607004) ----
    CodeEntry(
        code=1605000,
        title="Shipping method not found",
        family="logistics",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Logistic not found", "legacy", "only the older .cn crawl shows this row"),
            _m("Logistic not found", "current"),
        ),
        steps=(
            (
                "`logisticName` (max 50 characters on createOrderV2) must be a shipping method name CJ prints, "
                'such as "CJPacket Eub", not a carrier brand you picked ("USPS", "DHL").'
            ),
            (
                "Get valid names from POST /logistic/freightCalculate for the same `vid`s and countries, "
                "and store `logisticName` exactly as returned, spaces and case included."
            ),
            (
                "If a name that freightCalculate gave you earlier now fails, the method may have been withdrawn; "
                "calculate again and pick a current one."
            ),
            (
                "Keep method names and carrier names apart: uploadWaybillInfo's `cjShippingCompanyName` comes "
                "from GET /warehouse/detail `logisticsBrandList`, not from freightCalculate."
            ),
        ),
        doc=DOC_LOGISTIC,
        notes=(
            'The legacy .com copy is cut off at "1605000 | L"; the row is complete only in the older .cn crawl.',
            (
                "The docs do not say how this differs from 1605001; cjerr reads 1605000 as an unknown name and "
                "1605001 as a known method that does not serve the route."
            ),
        ),
        related=(1605001, 1605002, 1607004),
    ),
    CodeEntry(
        code=1605001,
        title="Shipping method not valid for this route",
        family="logistics",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Logistic invalid, please reference freight calculate.", "current"),),
        steps=(
            (
                "The method exists but cannot carry this order: from this warehouse (`fromCountryCode`), "
                "to this country, or with these products and quantities."
            ),
            (
                "Call POST /logistic/freightCalculate with `startCountryCode` = the order's `fromCountryCode`, "
                "`endCountryCode` = `shippingCountryCode` and the order's `products[]` (`vid`, `quantity`); "
                "copy one returned `logisticName` exactly into the order."
            ),
            (
                'Do not hard-code one carrier per store: a fixed value such as "USPS" breaks when the route '
                "or the cart changes. One integrator clears its configured `logisticName` on this code."
            ),
            "Calculate again whenever the cart changes: a method valid for one item can drop out for a larger order.",
            (
                "Read freightCalculate's own `code`: an empty `data` with HTTP 200 can be a rate limit (1600200), "
                "not proof that no method serves the route."
            ),
        ),
        doc=DOC_LOGISTIC,
        notes=("Only in the current table.",),
        related=(1605000, 1605002, 100202),
    ),
    CodeEntry(
        code=1605002,
        title="Country code not recognised",
        family="logistics",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("country code not found", "current"),),
        steps=(
            (
                'Send ISO 3166-1 two-letter codes in upper case ("US", "DE", "GB"): not "USA", "UK", '
                "a country name or a numeric code."
            ),
            (
                "Check every country field: createOrderV2 `shippingCountryCode` and `fromCountryCode`; "
                "freightCalculate `startCountryCode` and `endCountryCode`; freightCalculateTip `srcAreaCode` and "
                "`destAreaCode`; the `countryCode` filter on product calls."
            ),
            (
                'Use CJ\'s own country list (Appendix 2, 250 rows) for edge cases: it lists Kosovo as "YK", '
                'where other tools often use "XK".'
            ),
            (
                "Check the field names too: a code sent as `countryCode` or `toCountryCode` leaves the real field "
                'empty, and freightCalculate then answers "startCountryCode must be not empty" instead.'
            ),
        ),
        doc=DOC_LOGISTIC,
        notes=(
            "Only in the current table, printed in lower case.",
            ("Whether CJ checks codes against the whole appendix or only the countries it ships to is not documented."),
        ),
        related=(1605001, 1600300),
    ),
    CodeEntry(
        code=1607004,
        title="Freight calculation failed",
        family="logistics",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Freight calculation request failed", "current"),),
        steps=(
            (
                "Expect it from the freight calls: POST /logistic/freightCalculate, /logistic/freightCalculateTip "
                "or /logistic/partnerFreightCalculate (10 points each)."
            ),
            (
                "Check a freightCalculate body: `startCountryCode` and `endCountryCode` (two letters) and "
                "`products[]` with `vid` as a string and `quantity` as a number."
            ),
            (
                "Check a freightCalculateTip body: each `reqDTOS[]` item needs `srcAreaCode` and `destAreaCode`; "
                "`skuList`, `weight` and `wrapWeight` in grams, `volume` in cm3, `productProp` and "
                "`freightTrialSkuList` refine the quote."
            ),
            (
                "Check that every `vid` is still on sale (GET /product/variant/queryByVid?vid=...); "
                "a delisted variant cannot be priced."
            ),
            (
                "Do not record the route as unshippable: this is a failed request, not an empty answer. "
                "Keep the previous quote or mark the price unknown."
            ),
        ),
        doc=DOC_LOGISTIC,
        notes=(
            (
                "The code sits in the 1607xxx range with webhook (1607000-1607003) and dispute "
                "(1607006-1607009) codes, but its message is about freight, so cjerr files it under logistics."
            ),
            (
                "Only in the current table; which endpoint returns it, and whether the failure can be temporary, "
                "is not documented. A body that worked minutes earlier may be worth one manual retry."
            ),
        ),
        related=(1605001, 1605000, 1600200),
    ),
    # ---- storage (1608xxx) ----
    CodeEntry(
        code=1608001,
        title="Warehouse not found",
        family="storage",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Warehouse info not found", "doc-example", "GET /warehouse/detail"),),
        steps=(
            (
                "Send the storage ID as the `id` query parameter: GET /warehouse/detail?id=... (string, max 200). "
                "It is a GET, so an `id` in a JSON body is not read."
            ),
            (
                "Send a CJ storage ID, the same kind of value createOrderV2 and changeWarehouse take as "
                '`storageId`, not a country code ("US") or a warehouse name.'
            ),
            (
                "Send the ID exactly as CJ printed it: CJ's own MCP saw `stockId` values wrapped in braces "
                "(`{6709CCD7-...}`), so adding or stripping characters gives a different ID."
            ),
            (
                "Remember what the call is for: its `logisticsBrandList[].name` (USPS, FedEx, UPS, GOFO, DHL, "
                "UniUni, CBT) supplies `cjShippingCompanyName` for uploadWaybillInfo, so fix the ID before "
                "uploading a waybill (a null warehouse there gives 806)."
            ),
        ),
        doc=DOC_STORAGE,
        notes=(
            (
                "No copy of an error table lists 1608001; the wording comes from the endpoint page's example "
                "(.cn/en 2026-02-26 and .com 2026-08-09). The endpoint was added on 2025-11-18."
            ),
            (
                "The docs call `id` a storage ID; that it is the same value as the order calls' `storageId` is "
                "cjerr's reading, not stated by CJ."
            ),
        ),
        related=(806, 1605000),
    ),
    # ----------------------------------------------------------------- webhook
    CodeEntry(
        code=1606000,
        title="Webhook already configured",
        family="webhook",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m("Webhook setting add fail, Webhook already have settings", "current"),
            _m(
                "Webhook setting add fail, Webhook already have settings",
                "legacy",
                "seen as one run of text; which part is the message and which the troubleshooting column is unknown",
            ),
        ),
        steps=(
            "Read what is configured now: `GET /setting/get` returns a `callback` object with the `type` and URLs "
            "of each topic (product, order, ...), so you can see which one is already set.",
            "If the existing setting is already what you want, treat this as done and stop calling `/webhook/set` "
            "on every start-up.",
            "To move a topic to a new URL, one approach is to send that topic with `type` `CANCEL` first and then "
            "`ENABLE` with the new `callbackUrls` entry; check `/setting/get` after each step.",
            "The configuration belongs to the CJ account behind `CJ-Access-Token`: a staging server or second "
            "tool using the same account finds the settings the first one made.",
        ),
        doc=DOC_WEBHOOK,
        related=(1606001, 1607000, 1606010),
    ),
    CodeEntry(
        code=1606001,
        title="Callback URL failed CJ's webhook check",
        family="webhook",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m(_WEBHOOK_REQUIREMENTS, "current"),
            _m(
                "Webhook set fail",
                "legacy",
                'the legacy crawl is cut at "Webhook set fail We...", so the rest of the row is missing; the '
                'original Appendix page gives "Webhook set fail, Please contact CJ admin" as the troubleshooting',
            ),
        ),
        steps=(
            "Test the URL the way CJ does before calling `/webhook/set`: send a POST with "
            "`Content-Type: application/json` and a small JSON body, e.g. "
            "`curl -X POST -H 'Content-Type: application/json' -d '{}' https://your.host/path`.",
            "The handler must answer HTTP 200 (not 201, 204 or a 3xx redirect) within 3 seconds; acknowledge first "
            "and do the real work in a background job.",
            "Serve it over HTTPS with a valid certificate (TLS 1.2 or 1.3) on a public host name; CJ cannot reach "
            "localhost, private IPs or a tunnel that is down.",
            "Make sure nothing in front of the handler blocks CJ: login walls, CSRF checks on POST, WAF or "
            "bot rules, and IP allow-lists all turn the check into a failure.",
            "Send exactly one URL in each topic's `callbackUrls` and `type` `ENABLE` (older docs used `ALL`); "
            "then confirm the result with `GET /setting/get`.",
        ),
        doc=DOC_WEBHOOK_GUIDE,
        notes=(
            "The current table's advice for this code is to fix the URL and try again: retrying unchanged "
            "fails the same way.",
        ),
        related=(1607000, 1607001, 1607002, 1607003),
    ),
    CodeEntry(
        code=1607000,
        title="Webhook URL rejected (empty or failing CJ's check)",
        family="webhook",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m(_WEBHOOK_REQUIREMENTS, "current", "same text as 1606001"),
            _m(
                "Webhook URL error. URL cannot be empty.",
                "client-code",
                "error-handler.ts of the shopnex-ai/shopnex-plugins CJ plugin",
            ),
            _m(
                "Webhook url error",
                "legacy",
                "not in the legacy crawls, which end before this row; from the original Appendix page, whose "
                'troubleshooting column reads "Webhook url can not empty"',
            ),
        ),
        steps=(
            "Check that every topic object you send (`product`, `stock`, `order`, `logistics`, and `makeup` or "
            "`privateOrder` if used) has a non-empty `callbackUrls` array when its `type` is `ENABLE`.",
            "Put exactly one full URL in `callbackUrls`, starting with `https://` and on a public host; an empty "
            "string, a bare host name or a relative path is rejected.",
            "Test the URL with a POST carrying `Content-Type: application/json` and confirm it answers HTTP 200 "
            "within 3 seconds.",
            "To switch a topic off, send `type` `CANCEL` instead of an empty URL list.",
        ),
        doc=DOC_WEBHOOK_GUIDE,
        notes=(
            "The legacy and current tables give this code different meanings (empty URL vs the delivery "
            "requirements); both point at the callback URL.",
        ),
        related=(1606001, 1607001, 1607002, 1607003),
    ),
    CodeEntry(
        code=1607001,
        title="Webhook URL points at localhost",
        family="webhook",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Please do not use domain names such as localhost, 127.0.0.1", "current"),),
        steps=(
            "Replace `localhost`, `127.0.0.1` or any loopback or private address in `callbackUrls` with a host "
            "name that resolves publicly; CJ calls the URL from its own servers.",
            "Check a URL offline before registering it: `cjerr webhook check URL` applies these rules (also to "
            "names that resolve to private addresses), and `cjerr webhook send TOPIC --to URL` tests a local "
            "receiver with a signed sample message.",
            "For local development, expose the handler through a public HTTPS tunnel or a staging server and "
            "register that URL instead.",
            "Check the value your config actually sends: a default such as `http://localhost:3000/webhook` left in "
            "an environment file is a common source.",
            "After changing it, test the public URL with a JSON POST and look for HTTP 200 within 3 seconds "
            "before calling `/webhook/set` again.",
        ),
        doc=DOC_WEBHOOK,
        related=(1607002, 1607000, 1606001),
    ),
    CodeEntry(
        code=1607002,
        title="Webhook URL is not HTTPS",
        family="webhook",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Webhook url error, Please ensure URL starts with https://", "current"),),
        steps=(
            "Change the scheme of each `callbackUrls` entry to `https://`; CJ delivers webhooks over HTTPS only.",
            "`cjerr webhook check URL` shows every rule the URL breaks, each with the code CJ would answer.",
            "Look for stray characters before the scheme: leading spaces, quotes or a URL-encoded value "
            "(`https%3A%2F%2F...`) fail the same prefix check.",
            "Make sure the host has a certificate that public clients accept (TLS 1.2 or 1.3); a self-signed "
            "certificate passes this check but fails the delivery test (1606001).",
            "Keep the handler's response at HTTP 200 for a JSON POST, answered within 3 seconds.",
        ),
        doc=DOC_WEBHOOK,
        related=(1607001, 1607000, 1606001),
    ),
    CodeEntry(
        code=1607003,
        title="Webhook URL did not answer HTTP 200",
        family="webhook",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Webhook url error, Http Status must be 200", "current"),),
        steps=(
            "Call the URL yourself with `curl -i -X POST -H 'Content-Type: application/json' -d '{}' URL` and "
            "read the status line: it must be exactly 200.",
            "Or let cjerr time it: `cjerr webhook send ORDER --to URL` posts a signed sample message and says "
            "whether the answer was HTTP 200 within 3 seconds (`cjerr webhook check --send URL` for the public URL).",
            "Do not redirect: a 301/302 to another path or to `www.` counts as a failure, so register the final URL.",
            "Accept a body your handler does not recognise: CJ's test message may not look like a real event, and "
            "a 400 from strict validation or a 401/403 from a missing `sign` check fails the test.",
            "Answer within 3 seconds; queue the work and return 200 first.",
            "Once the topic is enabled, keep answering 200: per third-party notes a topic is closed automatically "
            "when under 80% of deliveries succeed in each of the 2 previous full hours.",
        ),
        doc=DOC_WEBHOOK_GUIDE,
        related=(1606001, 1607000, 1607002),
    ),
    CodeEntry(
        code=16070002,
        title="CJ page type not supported (8-digit code)",
        family="webhook",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("The CJ page type is not supported", "current"),),
        steps=(
            "Read the `message` and the endpoint you called: the tables give no endpoint for this code, so match "
            "it by the text rather than by the number.",
            "If it came from `/webhook/set`, check the topic keys you send: only `product`, `stock`, `order` and "
            "`logistics` are in the official table (`makeup` and `privateOrder` appear only in the newest crawl).",
            "Compare every enum-like field you send with the endpoint page: a value the page does not list is the "
            "most likely thing CJ means by an unsupported type.",
            "Keep the `requestId` and ask CJ support which parameter it refers to; nothing public explains it.",
        ),
        doc=DOC_ERRORS,
        notes=(
            "Printed with 8 digits in both copies of the current table, between 1607003 and 1607004. It may be a "
            "typo for a 7-digit 16070xx code (1607005 is missing from the table), but cjerr keeps it as printed.",
            'The meaning of "CJ page type" is not documented anywhere found.',
        ),
        related=(1607003, 1607004, 1600300),
    ),
    CodeEntry(
        code=1606010,
        title="Product webhook not enabled",
        family="webhook",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Product webhook disabled", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Enable the product topic before subscribing: `POST /webhook/set` with `product` set to `type` "
            "`ENABLE` and one public HTTPS URL in `callbackUrls`.",
            "Confirm it took effect: `GET /setting/get` shows `callback.product.type`.",
            "If it was enabled before, it may have been switched off automatically: third-party notes say CJ "
            "closes a topic when under 80% of deliveries succeed in each of the 2 previous full hours. Fix the "
            "handler (HTTP 200 within 3 seconds) and enable it again.",
            "Then retry `POST /webhook/product/subscribe` with the same `productIds`.",
        ),
        doc=DOC_WEBHOOK,
        notes=(
            "Listed for the product-subscription endpoints on the current .com webhook page, per third-party notes.",
        ),
        related=(1606011, 1606012, 1606013, 1607003),
    ),
    CodeEntry(
        code=1606011,
        title="Product subscription limit reached",
        family="webhook",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Subscription limit exceeded", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Check your cap: third-party notes give 1000 subscribed products at level 1, 2000 at level 2, 3000 at "
            "level 3, 5000 at level 4 and 10000 at level 5.",
            "Count what is subscribed now with `GET /webhook/product/subscribe/list` (needs `shopId`; `pageSize` "
            "up to 200) and read `totalRecords`.",
            "Free room with `POST /webhook/product/unsubscribe` for products you no longer sell (at most 100 "
            "`productIds` per call, 10 points each call).",
            "Do not rely on `subscribeAll`: it is documented as unavailable after July 2026, so subscribe the "
            "products you list in batches of up to 100.",
        ),
        doc=DOC_WEBHOOK,
        related=(1606010, 1606012, 1606013, 16900500),
    ),
    CodeEntry(
        code=1606012,
        title="Product cannot be subscribed",
        family="webhook",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Product cannot be subscribed", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Send product IDs (`pid`), not variant IDs (`vid`) or SKUs, in `productIds` of "
            "`POST /webhook/product/subscribe`.",
            "Check each product with `GET /product/query?pid=...`: a product that is not found (1602001) or has "
            "been removed from shelves (1602002) cannot be followed.",
            "Split a failing batch to find the product at fault, and drop it rather than resending the whole "
            "list; each call costs 10 points.",
            "Keep each call to at most 100 `productIds`.",
        ),
        doc=DOC_WEBHOOK,
        related=(1606013, 1602001, 1602002, 1606011),
    ),
    CodeEntry(
        code=1606013,
        title="Product subscription failed",
        family="webhook",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Subscribe failure", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Check the request body of `POST /webhook/product/subscribe`: `productIds` is a JSON array of strings, "
            "at most 100 per call; `subscribeAll` is unavailable after July 2026.",
            "Make sure the product topic is enabled (`callback.product.type` in `GET /setting/get`) and that you "
            "are under your level's cap (1000 at level 1 up to 10000 at level 5).",
            "Check whether part of the batch went through with `GET /webhook/product/subscribe/list` before "
            "sending it again, so points are not spent twice.",
            "If a small, valid batch keeps failing, keep the `requestId` and ask CJ support.",
        ),
        doc=DOC_WEBHOOK,
        related=(1606010, 1606011, 1606012),
    ),
    # ----------------------------------------------------------------- dispute
    CodeEntry(
        code=1607006,
        title="Dispute product lookup failed",
        family="dispute",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Query dispute product request failed", "current"),),
        steps=(
            "Call `GET /disputes/disputeProducts` with `orderId` in the query string (string, up to 100 "
            "characters), not in a JSON body.",
            "Use an order of this account: check it with `GET /shopping/order/getOrderDetail?orderId=...`; an "
            "unknown order gives 1603100 there.",
            "Use the order id CJ returned from createOrderV2 (`data.orderId`) if your own order number is not "
            "recognised.",
            "Check the order status in getOrderDetail: disputes concern goods that were paid for, so an order "
            "still CREATED, IN_CART or UNPAID is unlikely to have dispute products.",
        ),
        doc=DOC_ERRORS,
        notes=("The dispute endpoint page's URL was not captured; the error-code page is linked instead.",),
        related=(1607007, 1607008, 1603100),
    ),
    CodeEntry(
        code=1607007,
        title="Dispute confirmation failed",
        family="dispute",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("dispute confirm fail", "current"),),
        steps=(
            "Send `POST /disputes/disputeConfirmInfo` as JSON with `orderId` (up to 100 characters) and "
            "`productInfoList`; although it is a POST it only prepares the dispute.",
            "Build `productInfoList` from what `GET /disputes/disputeProducts` returned for the order: each item "
            "needs `quantity` as an integer and `price` as a decimal; add `lineItemId` to point at a single line.",
            "Do not ask for more units than the order line holds, and send numbers as numbers, not strings.",
            "If this order already has a dispute open, look it up with `GET /disputes/getDisputeList?orderId=...` "
            "instead of starting another one.",
        ),
        doc=DOC_ERRORS,
        notes=("The dispute endpoint page's URL was not captured; the error-code page is linked instead.",),
        related=(1607006, 1607008, 1607009),
    ),
    CodeEntry(
        code=1607008,
        title="Dispute creation failed",
        family="dispute",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("dispute create fail", "current"),),
        steps=(
            "Check the required fields of `POST /disputes/create`: `businessDisputeId`, `orderId`, "
            "`disputeReasonId` (integer), `expectType`, `refundType`, `messageText` (up to 500 characters) and "
            "`productInfoList` with `price` and `quantity`.",
            "Use a new `businessDisputeId` (up to 100 characters) for every dispute; it must be unique, so "
            "reusing the id of an earlier or cancelled dispute fails.",
            "Use the documented enums: `expectType` 1 = refund, 2 = reissue; `refundType` 1 = balance, 2 = platform.",
            "Run `POST /disputes/disputeConfirmInfo` with the same products first, and check "
            "`GET /disputes/getDisputeList?orderId=...` for a dispute that already exists for the order.",
            "Send `imageUrl` and `videoUrl` as arrays of public URLs if you attach evidence.",
        ),
        doc=DOC_ERRORS,
        notes=("The dispute endpoint page's URL was not captured; the error-code page is linked instead.",),
        related=(1607007, 1607006, 1607009),
    ),
    CodeEntry(
        code=1607009,
        title="Dispute cancellation failed",
        family="dispute",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("dispute cancel fail", "current"),),
        steps=(
            "Send `POST /disputes/cancel` as JSON with both `orderId` and `disputeId` (each up to 100 "
            "characters), and check the path: one published client posts cancellations to `/disputes/create`.",
            "Take `disputeId` from CJ, not your own `businessDisputeId`: `GET /disputes/getDisputeList` (filter "
            "by `orderId`, `pageSize` defaults to 10) or `GET /disputes/getDisputeDetail?disputeId=...` returns it.",
            "Make sure the dispute belongs to that order and is still open; one that is already cancelled or "
            "settled cannot be cancelled again.",
            'Read success correctly: dispute calls answer with `data` as the string "true" and a `redirectUri` '
            "where other endpoints put `requestId`.",
        ),
        doc=DOC_ERRORS,
        notes=("The dispute endpoint page's URL was not captured; the error-code page is linked instead.",),
        related=(1607008, 1607007, 1607006),
    ),
    # ------------------------------------------------------------------ ticket
    CodeEntry(
        code=1609000,
        title="Ticket status value rejected",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket status error", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Check the `status` filter in `POST /ticket/list`: send only a value the ticket page lists, or leave "
            "it out to get every ticket.",
            "Do not reuse order statuses (SHIPPED, CANCELLED, ...) here: ticket statuses are a separate list on "
            "the ticket page.",
            "Read a ticket's current status from `GET /ticket/detail?ticketId=...` instead of hard-coding it.",
            "Keep ticket calls to 1 request per second.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_EARLY_NOTE,),
        related=(1609009, 1609001, 1609005),
    ),
    CodeEntry(
        code=1609001,
        title="Ticket list filter rejected",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket filter error", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Check the filters of `POST /ticket/list`: `ticketTypeId` must come from `GET /ticket/types`, and "
            "`shopIds` must be an array of your own shop ids (`GET /shop/getShops`).",
            "Send the body as JSON (`Content-Type: application/json`), with `shopIds` as a JSON array even for a "
            "single shop.",
            "Drop filters one at a time to find the one CJ rejects; an empty body lists all tickets.",
            "Keep ticket calls to 1 request per second.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_EARLY_NOTE,),
        related=(1609000, 1609002, 1609004),
    ),
    CodeEntry(
        code=1609002,
        title="Ticket list paging rejected",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket page error", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Keep `pageSize` in `POST /ticket/list` at 100 or less.",
            "Start `pageNum` at 1, not 0, and send both as numbers.",
            "Stop paging once a page returns fewer items than `pageSize` instead of asking for pages past the end.",
            "Keep ticket calls to 1 request per second while walking the pages.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_EARLY_NOTE,),
        related=(1609001, 1609003, 1600300),
    ),
    CodeEntry(
        code=1609003,
        title="Ticket query failed",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket query error", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Check which read call failed: `POST /ticket/list`, `GET /ticket/detail`, `GET /ticket/messages` or "
            "`GET /ticket/pendingCount`.",
            "For the GET calls send `ticketId` in the query string, taken from `/ticket/list`, not in a body.",
            "Space ticket calls at least 1 second apart; polling several tickets back to back breaks the "
            "1 request per second ticket limit.",
            "If a well-formed query keeps failing, keep the `requestId` and ask CJ support.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_EARLY_NOTE,),
        related=(1609005, 1609002, 1609004),
    ),
    CodeEntry(
        code=1609004,
        title="Ticket search rejected",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket search error", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Send `searchType` and `search` together in `POST /ticket/list`: a search text without a type (or a "
            "type without text) is the likely fault.",
            "Use a `searchType` value the ticket page lists, and search for something of that kind (a ticket "
            "number, an order number).",
            "Trim the search text and leave out the pair entirely when you do not search.",
            "Keep ticket calls to 1 request per second.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_EARLY_NOTE,),
        related=(1609001, 1609003, 1609002),
    ),
    CodeEntry(
        code=1609005,
        title="Ticket not found or not yours",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket missing or owned by another account", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Take `ticketId` from `POST /ticket/list` of the same account; an id copied from the website or from "
            "another account is treated as missing.",
            "Check which token you send: tickets belong to the CJ account behind `CJ-Access-Token`, so a "
            "multi-store tool must use the right account's token.",
            "Do not confuse `ticketId` with `requestNo` (your own de-duplication key) or with an order number.",
            "Applies to every call that takes `ticketId`: detail, messages, reply, complete, remind, evaluate.",
        ),
        doc=DOC_TICKET,
        notes=(
            "Third-party notes name this meaning for 1609005 explicitly; it is the anchor for the order-based "
            "pairing of the other 1609xxx codes.",
        ),
        related=(1609003, 1609009, 1609013),
    ),
    CodeEntry(
        code=1609006,
        title="Duplicate ticket request",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Duplicate ticket request", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Check whether the first request already created the ticket: look in `POST /ticket/list` before "
            "sending it again.",
            "Use a fresh `requestNo` (up to 64 characters) for each new ticket on `POST /ticket/create`; the same "
            "value is refused while the 5-second duplicate window lasts.",
            "Note that `requestNo` only blocks repeats for about 5 seconds: keep your own record of created "
            "tickets to avoid duplicates later on.",
            "Do not resend a create on a timeout without checking; the ticket API allows 1 request per second.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_ORDER_NOTE,),
        related=(1609008, 1609005, 1600200),
    ),
    CodeEntry(
        code=1609007,
        title="Ticket type rejected",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket type error", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Take `ticketTypeId` and `questionTypeId` for `POST /ticket/create` from `GET /ticket/types` at run "
            "time instead of hard-coding them.",
            "For order tickets (`POST /ticket/order/create`) set `type` to `ORDER_ISSUE` or `PRODUCT_ISSUE` and "
            "take `questionTypeId` from `GET /ticket/order/questionTypes?type=...` for that same type.",
            "Make sure the question type belongs to the ticket type you send; a pair from different lists is rejected.",
            "Keep ticket calls to 1 request per second.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_ORDER_NOTE,),
        related=(1609008, 1609011, 1609001),
    ),
    CodeEntry(
        code=1609008,
        title="Ticket creation failed",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket create failure", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Check the required fields of `POST /ticket/create`: `ticketTypeId`, `questionTypeId`, `message` and "
            "`expectResult` (at most 1000 characters).",
            "For `POST /ticket/order/create` also send `businessNo` (the order number, at most 100 characters) "
            "and `type` `ORDER_ISSUE` or `PRODUCT_ISSUE`.",
            "Upload attachments first with `POST /ticket/attachment/upload` and refer to the result; a failed "
            "upload makes the ticket fail too.",
            "Before sending again, look in `POST /ticket/list` in case the ticket was created, and use a new "
            "`requestNo` only for a new ticket.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_ORDER_NOTE,),
        related=(1609006, 1609007, 1609011),
    ),
    CodeEntry(
        code=1609009,
        title="Ticket state does not allow this action",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket state error", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Read the ticket's status with `GET /ticket/detail?ticketId=...` before acting on it.",
            "Do not reply to (`/ticket/reply`), remind (`/ticket/remind`) or complete (`/ticket/complete`) a "
            "ticket that is already completed; open a new one instead.",
            "Rate a ticket with `/ticket/evaluate` only once it is finished, and only once.",
            "Keep ticket calls to 1 request per second.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_ORDER_NOTE,),
        related=(1609000, 1609010, 1609012),
    ),
    CodeEntry(
        code=1609010,
        title="Ticket reminder refused",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket reminder error", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Send `POST /ticket/remind` with the `ticketId` of one of your own open tickets.",
            "Do not remind from a loop or cron job: send one reminder and wait for CJ's answer in "
            "`GET /ticket/messages`.",
            "Check the status first with `GET /ticket/detail`; a completed ticket cannot be reminded.",
            "Keep ticket calls to 1 request per second.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_ORDER_NOTE,),
        related=(1609009, 1609005, 1609013),
    ),
    CodeEntry(
        code=1609011,
        title="Ticket form field rejected",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket form error", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Check text lengths: `message` on `/ticket/reply` must be 5-1000 characters, and `message` and "
            "`expectResult` on the create calls at most 1000.",
            "Check that every required field is present and not blank: `ticketTypeId`, `questionTypeId`, "
            "`message`, `expectResult` (plus `businessNo` and `type` on `/ticket/order/create`).",
            "Send the body as JSON with `Content-Type: application/json`, never as form fields.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_ORDER_NOTE,),
        related=(1609008, 1609007, 16900403),
    ),
    CodeEntry(
        code=1609012,
        title="Ticket rating rejected",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket review error", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Send `POST /ticket/evaluate` with `ticketId` and `level` set to exactly `GOOD`, `AVERAGE` or `POOR`.",
            "Rate a ticket only after it is finished (check `GET /ticket/detail`), and only once.",
            "Use a `ticketId` of this account, taken from `POST /ticket/list`.",
            "Keep ticket calls to 1 request per second.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_ORDER_NOTE,),
        related=(1609009, 1609005, 1609013),
    ),
    CodeEntry(
        code=1609013,
        title="Ticket operation failed",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket operation failure", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Note which write call failed: `/ticket/reply`, `/ticket/complete`, `/ticket/remind` or "
            "`/ticket/evaluate`, all POST with `ticketId`.",
            "Check the ticket first with `GET /ticket/detail`: it must exist under this account (1609005) and be "
            "in a state that allows the action (1609009).",
            "Check before repeating: a reply that failed on a timeout may already be in `GET /ticket/messages`.",
            "If it keeps failing, keep the `requestId` and ask CJ support; ticket calls are limited to 1 per second.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_ORDER_NOTE,),
        related=(1609005, 1609009, 1609010),
    ),
    CodeEntry(
        code=1609014,
        title="Ticket attachment rejected",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Ticket attachment error", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Send `POST /ticket/attachment/upload` with `fileName` and `sourceUrl`; CJ fetches the file itself, so "
            "`sourceUrl` must be a public http(s) URL.",
            "Keep the file at 5 MB or less.",
            "Make the URL reachable without login or cookies, and not expiring within minutes (short signed "
            "links often do).",
            "Give `fileName` an extension that matches the file, e.g. `photo.jpg`.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_ORDER_NOTE,),
        related=(1609008, 1609011, 1609013),
    ),
    CodeEntry(
        code=1609015,
        title="Ticket error (meaning not captured)",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(),
        steps=(
            "Read the `message`: with no documented meaning, CJ's text is the best hint to what went wrong.",
            "Check the call against the ticket endpoint's rules: `pageSize` up to 100 on `/ticket/list`, "
            "`message` 5-1000 characters on `/ticket/reply`, `expectResult` at most 1000 on create.",
            "Check attachments on `/ticket/attachment/upload`: public http(s) `sourceUrl`, 5 MB or less.",
            "Space ticket calls at least 1 second apart and do not reuse a `requestNo` within 5 seconds.",
            "Keep the `requestId` and ask CJ support what the code means.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_UNKNOWN_NOTE,),
        related=(1609016, 1609013, 1609005),
    ),
    CodeEntry(
        code=1609016,
        title="Ticket error (meaning not captured)",
        family="ticket",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(),
        steps=(
            "Read the `message`: with no documented meaning, CJ's text is the best hint to what went wrong.",
            "Check ids: `ticketId` from `/ticket/list` of this account, `ticketTypeId` and `questionTypeId` from "
            "`GET /ticket/types` or `GET /ticket/order/questionTypes`.",
            "Check lengths: `businessNo` up to 100 characters, `requestNo` up to 64, `expectResult` up to 1000.",
            "Space ticket calls at least 1 second apart.",
            "Keep the `requestId` and ask CJ support what the code means.",
        ),
        doc=DOC_TICKET,
        notes=(_TICKET_UNKNOWN_NOTE,),
        related=(1609015, 1609013, 1609005),
    ),
    # ----------------------------------------------------------------- sandbox
    CodeEntry(
        code=803,
        title="Sandbox order not found",
        family="sandbox",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Order not found", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Check `orderId` in `POST /shopping/sandbox/updateTrackNumber` (at most 200 characters): use the "
            "order id CJ returned when the order was created (`data.orderId` from createOrderV2).",
            "Confirm the order exists with `GET /shopping/order/getOrderDetail?orderId=...` using the same token.",
            "Send the body as JSON with `orderId` and `trackNumber`, not as query parameters.",
            "Use the production host: there is no separate sandbox host, sandbox orders live next to real ones.",
        ),
        doc=DOC_SANDBOX,
        notes=(
            _SANDBOX_NOTE,
            'Unrelated: CJ\'s own MCP server maps 803 to a website-login error ("mcpLogin not authorized"); that '
            "comes from the website login API, not from the OpenAPI.",
        ),
        related=(811, 818, 1603100),
    ),
    CodeEntry(
        code=811,
        title="Not a sandbox order",
        family="sandbox",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Not a sandbox order", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Use the sandbox tools only on sandbox orders: create them with `isSandbox: 1` in the JSON body of "
            "createOrderV2 or createOrderV3 (the default 0 makes a real order).",
            "Check the flag: getOrderDetail and `GET /shopping/order/list` return `isSandbox` for each order.",
            "An existing real order cannot be turned into a sandbox order; create a new one with the flag.",
            "For older sandbox-account setups, `GET /setting/get` shows `isSandbox` for the whole account.",
        ),
        doc=DOC_SANDBOX,
        notes=(_SANDBOX_NOTE,),
        related=(803, 818, 819),
    ),
    CodeEntry(
        code=818,
        title="Sandbox order belongs to another account",
        family="sandbox",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Order belongs to another account", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Send `CJ-Access-Token` of the account that created the order; sandbox calls use the same token as "
            "production, so a tool holding several accounts' tokens can easily pick the wrong one.",
            "Check which account a token belongs to with `GET /setting/get` (`openId`, `openEmail`).",
            "If you keep separate production and sandbox accounts, create and update sandbox orders with the same one.",
            "Look the order up with getOrderDetail under the token you use; if it is not found there, it is not "
            "that account's order.",
        ),
        doc=DOC_SANDBOX,
        notes=(_SANDBOX_NOTE,),
        related=(803, 811, 1600001),
    ),
    CodeEntry(
        code=819,
        title="Sandbox order unpaid or closed",
        family="sandbox",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Order unpaid or closed", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Pay the sandbox order first with `POST /shopping/sandbox/simulatePay` (send `orderId` or "
            "`shipmentOrderId`); no balance is deducted.",
            "Then move it forward with `POST /shopping/sandbox/updateStatus` one step at a time: `targetStatus` "
            "400, 500, 600, 700 from 300, without skipping or going back.",
            "A cancelled or closed order cannot be revived: create a new order with `isSandbox: 1`.",
            "Check the order's status in getOrderDetail before calling updateTrackNumber.",
        ),
        doc=DOC_SANDBOX,
        notes=(_SANDBOX_NOTE,),
        related=(811, 820, 1603101),
    ),
    CodeEntry(
        code=820,
        title="Sandbox order has no logistics data",
        family="sandbox",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Missing logistics data", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Send a non-empty `trackNumber` (at most 64 characters) with `orderId` in "
            "`POST /shopping/sandbox/updateTrackNumber`.",
            "Create the sandbox order with a shipping method: `logisticName` in createOrderV2/V3 must be a method "
            "that freightCalculate offers for the route.",
            "Check the order in getOrderDetail for logistics fields; advancing it with "
            "`/shopping/sandbox/updateStatus` after simulatePay may be needed first (not documented).",
            "If the order lacks a shipping method, create a new sandbox order with one.",
        ),
        doc=DOC_SANDBOX,
        notes=(_SANDBOX_NOTE,),
        related=(819, 821, 1605000),
    ),
    CodeEntry(
        code=821,
        title="Sandbox tracking number not saved",
        family="sandbox",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(_m("Failed to save tracking data", "secondary", _NOT_CAPTURED, exact=False),),
        steps=(
            "Check with getOrderDetail whether the tracking number was stored anyway before sending it again.",
            "Rule out the causes with their own codes first: missing order (803), not a sandbox order (811), "
            "wrong account (818), unpaid or closed (819), no logistics data (820).",
            "Check the `trackNumber`: trimmed and at most 64 characters.",
            "If it keeps failing on a valid order, keep the `requestId` and ask your CJ agent, the contact who "
            "set up sandbox access.",
        ),
        doc=DOC_SANDBOX,
        notes=(_SANDBOX_NOTE, "A failure while saving on CJ's side; no source says whether resending helps."),
        related=(820, 803, 1600000),
    ),
    # --------------------------------------------------------- waybill upload
    CodeEntry(
        code=804,
        title="Label upload not allowed for this order",
        family="logistics",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m(
                "This order does not use store platform logistics. Label upload not supported.",
                "doc-example",
                "updateWaybillInfo",
            ),
            _m("Param error", "doc-example", "podProductCustomPicturesEdit", belongs_to=1600300),
        ),
        steps=(
            'Read the message: on podProductCustomPicturesEdit the doc example pairs 804 with "Param error", '
            "so follow `cjerr lookup 1600300` there and check each `podPicturesEditParams` item (`orderCode`, "
            "`lineItemId`, `effectImgList`, `productionImgList`).",
            "For labels, upload only for orders that ship with the store platform's logistics: orders created "
            "with `shopLogisticsType` 1 or 3; the default 2 (seller logistics) takes no label.",
            "Check the order was paid at CJ before calling `/shopping/order/uploadWaybillInfo` or "
            "`/shopping/order/updateWaybillInfo`.",
            "Send these two calls as `multipart/form-data` with `orderId`, `cjOrderId`, `cjShippingCompanyName`, "
            "`trackNumber` and the `waybillFile`, not as JSON.",
            "If your orders should carry platform labels, set `shopLogisticsType` (and `storageId` for 1) when "
            "creating them; no call to change it later was found.",
        ),
        doc=DOC_SHOPPING,
        notes=(
            "The shopping page uses 804 for two unrelated errors; only the message tells them apart.",
            "CJ's pages tie the label message to updateWaybillInfo in one place and list 804 under "
            "uploadWaybillInfo in another; treat both label calls alike.",
        ),
        related=(806, 1600300, 1603100),
    ),
    CodeEntry(
        code=806,
        title="Warehouse does not support this carrier",
        family="logistics",
        outcome=Outcome.API_ERROR,
        retry=Retry.NEVER,
        messages=(
            _m(
                "Warehouse “{param}” does not support logistics carrier “{param}”.",
                "doc-example",
                "template: the warehouse, then the carrier; note the curly quotes",
            ),
            _m(
                "Warehouse “null” does not support logistics carrier “USPS”.",
                "doc-example",
                "uploadWaybillInfo",
            ),
        ),
        steps=(
            "Look up the carriers of the order's warehouse with `GET /warehouse/detail?id=<storageId>` and set "
            "`cjShippingCompanyName` to one of the names in `logisticsBrandList` (e.g. USPS, FedEx, UPS, GOFO, "
            "DHL, UniUni, CBT), spelt the same way.",
            'A warehouse of "null" means the order has no warehouse: send `storageId` when creating orders with '
            "`shopLogisticsType` 1.",
            "To move a platform-logistics order to another warehouse, call `POST /shopping/order/changeWarehouse` "
            "with `orderCode` and `storageId`, then upload the label.",
            "Check that `orderId` and `cjOrderId` in the multipart form point at the same order.",
        ),
        doc=DOC_SHOPPING,
        related=(804, 1608001, 1605001),
    ),
)
