"""`cjerr order`, `probe --preflight`, `--no-spend`, id kinds and `points plan`, against a live `cjerr mock`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cj_errors.output.orders import order_plain
from cj_errors.requests import idkinds, nospend, orderstatus, preflight
from cj_errors.requests.findings import Severity
from cj_errors.requests.reader import Reader
from cj_errors.sdk.httpx_transport import CJTransport
from tests.conftest import cjerr_executable, clean_env
from tests.in_process import completed
from tests.test_mock import CATALOGUE, TOKEN, Mock, launch

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX process handling")

CREATE = "/shopping/order/createOrderV2"
# A variant with stock in China only, and one with stock in both warehouses, from the default catalogue.
CN_ONLY = next(v for p in CATALOGUE.products for v in p.variants if v.stock_in("US") == 0)
BOTH = next(v for p in CATALOGUE.products for v in p.variants if v.stock_in("US") > 5)


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    directory = tmp_path_factory.mktemp("orders-mock")
    tokens = directory / "tokens"
    tokens.write_text(TOKEN + "\n", encoding="utf-8")
    running = launch(directory, "--qps", "0", "--token-file", str(tokens))
    yield running
    running.stop()


def _against(mock: Mock, tmp_path: Path, *, real: bool) -> Any:
    token = tmp_path / "token"
    token.write_text(TOKEN + "\n", encoding="utf-8")

    def _run(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        extra = {"CJERR_BASE_URL": mock.url, "CJ_ACCESS_TOKEN": TOKEN, **(env or {})}
        if not real:
            return completed(*args, home=tmp_path, env=extra, cwd=tmp_path)
        return subprocess.run(
            [cjerr_executable(), *args],
            capture_output=True,
            text=True,
            env=clean_env(tmp_path, extra),
            timeout=timeout,
            cwd=tmp_path,
        )

    return _run


@pytest.fixture
def cjerr(mock: Mock, tmp_path: Path) -> Any:
    """cjerr(*args, env=...) against the mock, with its token from a file: cjerr's entry point in this process."""
    return _against(mock, tmp_path, real=False)


@pytest.fixture
def cjerr_process(mock: Mock, tmp_path: Path) -> Any:
    """The same as a real cjerr process, for the exit codes a script sees."""
    return _against(mock, tmp_path, real=True)


def order_body(number: str, *, logistic: str = "CJPacket Ordinary", start: str = "CN", **extra: Any) -> str:
    body = {
        "orderNumber": number,
        "shippingCountryCode": "US",
        "shippingCountry": "United States",
        "shippingProvince": "CA",
        "shippingCity": "Los Angeles",
        "shippingCustomerName": "Ada Lovelace",
        "shippingAddress": "1 Main St",
        "shippingZip": "90001",
        "logisticName": logistic,
        "fromCountryCode": start,
        "products": [{"vid": CN_ONLY.vid, "quantity": 2}],
        **extra,
    }
    return json.dumps(body)


def journal_paths(mock: Mock) -> list[str]:
    state = mock.client.get(mock.url.replace("/api2.0/v1", "") + "/__cjerr/requests").json()
    items = state if isinstance(state, list) else state.get("requests", [])
    return [str(item.get("path", "")) for item in items]


# --- preflight ---------------------------------------------------------------------------------------


def test_a_create_preflight_passes_then_succeeds(cjerr_process: Any) -> None:
    body = order_body("PF-OK-1")
    checked = cjerr_process("probe", "--preflight", "--json", CREATE, "-d", body)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = json.loads(checked.stdout)
    assert report["blocked"] is False and report["findings"] == []
    assert "CJPacket Ordinary" in report["quoted"]
    assert report["create_points"] == 0 and report["check_points"] == 40
    assert all(call["path"] != CREATE for call in report["calls"])  # never sent the create
    sent = cjerr_process("probe", "--json", CREATE, "-d", body)
    assert sent.returncode == 0, sent.stdout
    shown = cjerr_process("order", "PF-OK-1")
    assert shown.returncode == 0 and "CREATED" in shown.stdout


def test_preflight_blocks_a_logistic_name_cj_did_not_quote_and_cj_refuses_it(cjerr: Any, mock: Mock) -> None:
    body = order_body("PF-BAD-1", logistic="USPS Priority")
    creates = journal_paths(mock).count(CREATE)
    checked = cjerr("probe", "--preflight", CREATE, "-d", body)
    assert checked.returncode == 65
    assert "logisticName 'USPS Priority' is not one CJ quoted from CN to US" in checked.stdout
    assert "quoted: CJPacket Ordinary" in checked.stdout and "1605001" in checked.stdout
    assert journal_paths(mock).count(CREATE) == creates  # preflight never sends the create
    refused = cjerr("probe", CREATE, "-d", body)
    assert refused.returncode == 69 and "1605001" in refused.stdout


def test_preflight_finds_an_order_number_already_used(cjerr: Any) -> None:
    body = order_body("PF-DUP-1")
    assert cjerr("probe", CREATE, "-d", body).returncode == 0
    again = cjerr("probe", "--preflight", CREATE, "-d", body)
    assert again.returncode == 65
    assert "orderNumber 'PF-DUP-1' is already used by CJ order" in again.stdout and "1603003" in again.stdout


def test_preflight_names_a_pid_in_the_vid_field(cjerr: Any) -> None:
    product = CATALOGUE.products[0]
    body = json.loads(order_body("PF-PID-1"))
    body["products"] = [{"vid": product.pid, "quantity": 1}]
    checked = cjerr("probe", "--preflight", CREATE, "-d", json.dumps(body))
    assert checked.returncode == 65
    assert f"'{product.pid}' is a pid" in checked.stdout and "the field wants a vid" in checked.stdout
    assert product.variants[0].vid in checked.stdout


def test_preflight_checks_stock_in_the_from_warehouse_and_names_mixed_warehouses(cjerr: Any) -> None:
    body = json.loads(order_body("PF-WH-1", start="US", logistic="USPS Ground Advantage"))
    body["products"] = [{"vid": CN_ONLY.vid, "quantity": 1}, {"vid": BOTH.vid, "quantity": 1}]
    checked = cjerr("probe", "--preflight", "--json", CREATE, "-d", json.dumps(body))
    assert checked.returncode == 65
    messages = [finding["message"] for finding in json.loads(checked.stdout)["findings"]]
    assert any("products[0]: 0 in stock in the US warehouse" in text for text in messages), messages
    assert any("ship from different warehouses" in text and "products[0] from CN" in text for text in messages)


def test_preflight_is_for_order_creation_only(cjerr: Any) -> None:
    result = cjerr("probe", "--preflight", "/product/query", "-p", "pid=1")
    assert result.returncode == 2 and "--preflight checks" in result.stderr


# --- order ---------------------------------------------------------------------------------------------


def test_order_follows_a_sandbox_order_to_its_tracking_number(cjerr: Any, mock: Mock) -> None:
    assert cjerr("probe", CREATE, "-d", order_body("ORD-SB-1", isSandbox=1)).returncode == 0
    unpaid = json.loads(cjerr("order", "--json", "ORD-SB-1").stdout)
    assert unpaid["status"] == "CREATED" and unpaid["sandbox"] is True
    assert "not paid" in unpaid["no_tracking_reason"] and "simulatePay" in unpaid["next_step"]
    assert mock.post("/shopping/sandbox/simulatePay", json={"orderId": "ORD-SB-1"}).json()["code"] == 200
    paid = json.loads(cjerr("order", "--json", "ORD-SB-1").stdout)
    assert paid["status"] == "UNSHIPPED" and "sandbox order never ships" in paid["no_tracking_reason"]
    for target in (400, 500):
        mock.post("/shopping/sandbox/updateStatus", json={"orderId": "ORD-SB-1", "targetStatus": target})
    mock.post("/shopping/sandbox/updateTrackNumber", json={"orderId": "ORD-SB-1", "trackNumber": "CJPKL7160102171YQ"})
    shipped = cjerr("order", "ORD-SB-1")
    assert shipped.returncode == 0
    assert "SHIPPED: shipped" in shipped.stdout
    assert "CJPKL7160102171YQ (from trackNumber)" in shipped.stdout and "tracking state: In transit" in shipped.stdout


def test_an_order_cj_does_not_know_exits_69(cjerr_process: Any) -> None:
    result = cjerr_process("order", "NO-SUCH-ORDER")
    assert result.returncode == 69 and "not found" in result.stdout


def test_order_watch_exits_when_the_status_changes(cjerr: Any, mock: Mock, tmp_path: Path) -> None:
    assert cjerr("probe", CREATE, "-d", order_body("ORD-W-1", isSandbox=1)).returncode == 0
    environment = clean_env(tmp_path, {"CJERR_BASE_URL": mock.url, "CJ_ACCESS_TOKEN": TOKEN})
    watching = subprocess.Popen(
        [cjerr_executable(), "order", "ORD-W-1", "--watch", "--interval", "1", "--max-wait", "30", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert watching.stderr is not None
        assert "is CREATED" in watching.stderr.readline()  # the first look is done
        mock.post("/shopping/sandbox/simulatePay", json={"orderId": "ORD-W-1"})
        out, _ = watching.communicate(timeout=30)
    finally:
        if watching.poll() is None:
            watching.kill()
            watching.communicate()
    report = json.loads(out)
    assert watching.returncode == 0
    assert (report["previous_status"], report["status"]) == ("CREATED", "UNSHIPPED") and report["polls"] >= 2


def test_order_watch_gives_up_after_max_wait(cjerr: Any) -> None:
    assert cjerr("probe", CREATE, "-d", order_body("ORD-W-2")).returncode == 0
    result = cjerr("order", "ORD-W-2", "--watch", "--interval", "1", "--max-wait", "2")
    assert result.returncode == 75 and "no change in 2 s" in result.stdout


def test_order_without_a_token_is_a_config_error(cjerr_process: Any) -> None:
    result = cjerr_process("order", "X", env={"CJ_ACCESS_TOKEN": ""})
    assert result.returncode == 78 and "no access token" in result.stderr


# --- no-spend --------------------------------------------------------------------------------------------


def test_no_spend_refuses_a_pay_call_before_sending(cjerr: Any, mock: Mock) -> None:
    result = cjerr("probe", "--no-spend", "--force", "/shopping/pay/payBalance", "-d", '{"orderId": "X1"}')
    assert result.returncode == 65
    assert "not sent (no-spend): /shopping/pay/payBalance pays the order from the account balance" in result.stdout
    assert "/shopping/pay/payBalance" not in journal_paths(mock)


def test_no_spend_from_the_environment_and_the_config_file(cjerr: Any, tmp_path: Path) -> None:
    from_env = cjerr("probe", "/shopping/order/deleteOrder", "-p", "orderId=X1", env={"CJERR_NO_SPEND": "1"})
    assert from_env.returncode == 65 and "$CJERR_NO_SPEND refuses" in from_env.stdout
    config = tmp_path / "config.toml"
    config.write_text("no_spend = true\n", encoding="utf-8")
    from_config = cjerr(
        "probe", "/shopping/order/confirmOrder", "-d", '{"orderId":"X1"}', env={"CJERR_CONFIG": str(config)}
    )
    assert from_config.returncode == 65 and "no_spend in" in from_config.stdout


def test_no_spend_refuses_create_with_balance_payment_but_not_a_sandbox_one(cjerr: Any) -> None:
    paying = cjerr("probe", "-n", "--no-spend", CREATE, "-d", order_body("NS-1", payType=2))
    assert paying.returncode == 65 and "payType 2 pays from the account balance" in paying.stdout
    sandbox = cjerr("probe", "-n", "--no-spend", CREATE, "-d", order_body("NS-2", payType=2, isSandbox=1))
    assert sandbox.returncode == 0, sandbox.stdout


def test_the_sdk_transport_raises_before_sending(mock: Mock, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(200, json={"code": 200, "result": True, "message": "Success", "data": True})

    with httpx.Client(
        base_url=mock.url, transport=CJTransport(httpx.MockTransport(record), qps=0, no_spend=True)
    ) as client:
        with pytest.raises(nospend.SpendRefused, match="payBalance pays the order"):
            client.post("/shopping/pay/payBalance", json={"orderId": "X1"})
        assert client.get("/setting/get").status_code == 200
    assert sent == ["/api2.0/v1/setting/get"]
    monkeypatch.setenv("CJERR_NO_SPEND", "1")
    live = CJTransport(qps=0, share_pacing=False)
    with httpx.Client(base_url=mock.url, headers={"CJ-Access-Token": TOKEN}, transport=live) as client:
        with pytest.raises(nospend.SpendRefused):
            client.request("DELETE", "/shopping/order/deleteOrder", params={"orderId": "X1"})
        assert client.get("/setting/get").json()["code"] == 200
    assert "/shopping/order/deleteOrder" not in journal_paths(mock)


# --- id kinds ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "severity", "words"),
    [
        (idkinds.VID, "pid:2505100857261626000:null", Severity.ERROR, "send the bare id '2505100857261626000'"),
        (idkinds.VID, "CJ7431915-Black", Severity.ERROR, "looks like a variant SKU, the field wants a vid"),
        (idkinds.PID, "CJ7431915", Severity.ERROR, "looks like a product SKU, the field wants a pid"),
        (idkinds.SKU, "04A22450-67F0-4617-A132-E7AE7F8963B0", Severity.WARNING, "looks like a pid or vid"),
        (idkinds.VID, "null", Severity.ERROR, "is a placeholder"),
        (idkinds.VID, "1111111111111111111:2222222222222222222", Severity.ERROR, "joins 2 ids"),
    ],
)
def test_id_kinds_name_the_wrong_kind(kind: str, value: str, severity: Severity, words: str) -> None:
    finding = idkinds.judge(kind, value, "field")
    assert finding is not None and finding.severity is severity and words in finding.message


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (idkinds.VID, "04A22450-67F0-4617-A132-E7AE7F8963B0"),
        (idkinds.PID, "2505100857261626000"),
        (idkinds.SKU, "CJNSSYTZ00854-Black-3XL"),
        (idkinds.ORDER, "shop:1001"),
    ],
)
def test_id_kinds_accept_the_right_kind(kind: str, value: str) -> None:
    assert idkinds.judge(kind, value, "field") is None


def test_probe_names_id_kinds_in_its_findings(cjerr: Any) -> None:
    wrapped = cjerr("probe", "-n", "/product/variant/queryByVid", "-p", "vid=pid:2505100857261626000:null")
    assert wrapped.returncode == 65 and "is an id inside a wrapper" in wrapped.stdout
    body = json.loads(order_body("IDK-1"))
    body["products"] = [{"vid": CN_ONLY.sku, "quantity": 1}]
    sku = cjerr("probe", "-n", CREATE, "-d", json.dumps(body))
    assert sku.returncode == 65 and "products[0].vid" in sku.stdout and "looks like a variant SKU" in sku.stdout


# --- points plan ------------------------------------------------------------------------------------------


def test_points_plan_offline(cjerr: Any) -> None:
    result = cjerr(
        "points", "plan", "/product/listV2:440", "/product/query:44000", "--json", env={"CJ_ACCESS_TOKEN": ""}
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert (plan["points"], plan["calls"], plan["days_for_points"], plan["days"]) == (462000, 44440, 10, 10)
    assert plan["seconds"] == 44440.0 and plan["next_reset"].endswith("T00:00:00Z")
    text = cjerr("points", "plan", "/product/query:10").stdout
    assert "100 points" in text and "00:00 UTC" in text


def test_points_plan_uses_the_account_figures(cjerr: Any) -> None:
    result = cjerr("points", "plan", "/product/listV2:2500", "--account", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["figures_from"].startswith("account") and plan["lines"][0]["daily_quota"] == 1000
    assert plan["days_for_quota"] == 3


def test_points_plan_rejects_what_it_cannot_plan(cjerr: Any) -> None:
    assert cjerr("points", "plan", "/product/lisV2:3").returncode == 65
    bad = cjerr("points", "plan", "listV2")
    assert bad.returncode == 2 and "PATH:COUNT" in bad.stderr


# --- order words, without a server ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["trackNumber", "trackingNumber", "logisticTrackNumber", "trackNo"])
def test_the_tracking_number_is_read_from_whichever_field_it_came_in(field: str) -> None:
    order = {"orderId": "SD1", "orderStatus": "SHIPPED", field: "YT2412345678", "logisticName": "CJPacket Ordinary"}
    report = orderstatus.describe("SD1", order, {"trackingStatus": 6})
    assert (report.track_number, report.track_field) == ("YT2412345678", field)
    assert report.tracking_status == "6 (arrived in the destination country)" and report.no_tracking_reason is None


def test_a_held_order_names_its_reasons_and_what_to_do() -> None:
    order = {
        "orderId": "SD2",
        "orderStatus": "CREATED",
        "interceptOrderReasons": [{"code": 1001, "message": "Must be a 6-32 digit number"}],
    }
    report = orderstatus.describe("SD2", order, None)
    assert report.held and "Must be a 6-32 digit number" in report.held[0]
    assert report.next_step.startswith("fix what CJ held the order for")
    text = order_plain(report)
    assert "held:" in text and "none yet: the order is not paid" in text


def test_an_unknown_status_is_said_so() -> None:
    report = orderstatus.describe("SD3", {"orderStatus": "SOMETHING_NEW"}, None)
    assert report.meaning == "a status cjerr does not know" and report.exit_status == 0


def test_preflight_resolves_an_item_given_by_sku(cjerr: Any) -> None:
    body = json.loads(order_body("PF-SKU-1"))
    body["products"] = [{"sku": CN_ONLY.sku, "quantity": 1}]
    checked = cjerr("probe", "--preflight", "--json", CREATE, "-d", json.dumps(body))
    assert checked.returncode == 0, checked.stdout
    report = json.loads(checked.stdout)
    assert f"products[0] {CN_ONLY.vid}" in report["ships_from"]
    assert "/product/variant/query" in [call["path"] for call in report["calls"]]


def test_preflight_blocks_a_product_no_longer_on_sale() -> None:
    """A product whose status is not 3 (on sale): served by an httpx MockTransport, as no mock product is off sale."""
    answers: dict[str, Any] = {
        "/shopping/order/getOrderDetail": {"code": 1600300, "result": False, "message": "order not found"},
        "/product/variant/queryByVid": {"code": 200, "result": True, "data": {"vid": "V-1", "pid": "P-1"}},
        "/product/query": {"code": 200, "result": True, "data": {"pid": "P-1", "status": "2"}},
        "/product/stock/queryByVid": {"code": 200, "result": True, "data": [{"countryCode": "CN", "storageNum": 9}]},
        "/logistic/freightCalculate": {"code": 200, "result": True, "data": [{"logisticName": "CJPacket Ordinary"}]},
    }

    def serve(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api2.0/v1")
        return httpx.Response(200, json={"requestId": "r1", **answers[path]})

    reader = Reader("https://cj.example/api2.0/v1", "token", qps=0, transport=httpx.MockTransport(serve))
    body = json.loads(order_body("PF-OFF-1"))
    body["products"] = [{"vid": "V-1", "quantity": 1}]
    report = preflight.run(reader, CREATE, json.dumps(body).encode())
    assert report.blocked
    assert [finding.likely_code for finding in report.findings] == [1602003]
    assert "is not on sale (status 2; 3 is on sale)" in report.findings[0].message


def test_points_plan_takes_qps_and_daily(cjerr: Any) -> None:
    result = cjerr("points", "plan", "/product/query:7200", "--qps", "2", "--daily", "36000", "--json")
    plan = json.loads(result.stdout)
    assert (plan["seconds"], plan["points"], plan["days_for_points"], plan["days"]) == (3600.0, 72000, 2, 2)


def test_preflight_shows_the_local_errors_without_asking_cj(cjerr: Any, mock: Mock) -> None:
    body = json.loads(order_body("PF-LOCAL-1"))
    body["products"] = [{"vid": "pid:2505100857261626000:null", "quantity": 1}]
    before = len(journal_paths(mock))
    result = cjerr("probe", "--preflight", CREATE, "-d", json.dumps(body))
    assert result.returncode == 65 and "is an id inside a wrapper" in result.stdout
    assert len(journal_paths(mock)) == before
    assert cjerr("probe", "--preflight", "-n", CREATE, "-d", order_body("PF-N-1")).returncode == 2


@pytest.mark.parametrize("status", [None, "SOMETHING_NEW"])
def test_an_order_whose_status_says_nothing_of_payment_is_not_called_paid(tmp_path: Path, status: str | None) -> None:
    # Before: any status outside CJ's seven, or none at all, printed "payment: paid" with nothing behind it.
    from tests.cj_server import Answer, ScriptedServer
    from tests.hostile_servers import TOKEN, run_cjerr

    order: dict[str, object] = {"orderId": "SD9", "orderNum": "shop-9"}
    if status is not None:
        order["orderStatus"] = status
    body = {"code": 200, "result": True, "message": "Success", "data": order, "requestId": "r9"}
    with ScriptedServer() as server:
        server.script(Answer(body=body))
        plain = run_cjerr(
            "order", "shop-9", "--base-url", server.base_url, home=tmp_path, env={"CJ_ACCESS_TOKEN": TOKEN}
        )
        server.script(Answer(body=body))
        ran = run_cjerr(
            "order", "shop-9", "--base-url", server.base_url, "--watch", "--interval", "1", "--max-wait", "1",
            "--json", home=tmp_path, env={"CJ_ACCESS_TOKEN": TOKEN},
        )  # fmt: skip
    assert plain.returncode == 0 and "paid" not in plain.out.split("payment:")[1].splitlines()[0], plain.describe()
    assert ran.returncode == 75 and json.loads(ran.out)["payment"].startswith("unknown"), ran.describe()
    assert "None" not in ran.err + json.loads(ran.out)["message"], ran.describe()
    paid = orderstatus.describe("SD9", {**order, "paymentDate": "2026-12-01 10:00:00"}, None)
    assert paid.payment == "paid on 2026-12-01 10:00:00"
