"""Webhooks: signing, verification, URL rules, samples, CJ's delivery rules, and the `cjerr webhook` commands.

Every delivery goes to a real receiver on 127.0.0.1; no test sends traffic anywhere else or resolves a
public name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from cj_errors import webhooks
from cj_errors.webhooks import signing
from tests.conftest import Runner, cjerr_executable, clean_env
from tests.webhook_receivers import receiver

OPEN_ID = "1519327408040603648"  # shaped like a real openId (a long number); the signing key
OTHER_OPEN_ID = "2880011223344556677"
# An independent vector: printf '%s' BODY | openssl dgst -sha256 -hmac 1519327408040603648 -binary | base64
VECTOR_BODY = b'{"messageId":"ca72a4834cd14b9588e88ce206f614a0","type":"PRODUCT"}'
VECTOR_SIGN = "cs5MqBSQg7YevUXf/U+CqOyrecEDwS3B9OjQGIYc10A="


def _pieces(secret: str, size: int = 12) -> list[str]:
    return [secret[start : start + size] for start in range(len(secret) - size + 1)]


def assert_masked(text: str, secret: str = OPEN_ID) -> None:
    assert secret not in text
    for piece in _pieces(secret):
        assert piece not in text, f"a 12-character piece of the openId leaked: {piece}"


# --- signing ------------------------------------------------------------------------------------


def test_sign_matches_an_independent_hmac_and_accepts_the_openid_as_a_number() -> None:
    assert webhooks.sign(VECTOR_BODY, OPEN_ID) == VECTOR_SIGN
    assert webhooks.sign(VECTOR_BODY, int(OPEN_ID)) == VECTOR_SIGN  # CJ's openId is a number in JSON
    assert len(base64.b64decode(VECTOR_SIGN)) == 32 and VECTOR_SIGN.endswith("=")


def test_verify_valid_invalid_tampered_and_missing() -> None:
    assert webhooks.verify(VECTOR_BODY, OPEN_ID, VECTOR_SIGN)
    assert webhooks.verify(VECTOR_BODY, OPEN_ID, VECTOR_SIGN + "\r\n")  # header values may keep line ends
    assert not webhooks.verify(VECTOR_BODY, OTHER_OPEN_ID, VECTOR_SIGN)
    assert not webhooks.verify(VECTOR_BODY + b" ", OPEN_ID, VECTOR_SIGN)
    assert not webhooks.verify(VECTOR_BODY, OPEN_ID, None)
    assert not webhooks.verify(VECTOR_BODY, OPEN_ID, "")
    assert not webhooks.verify(VECTOR_BODY, OPEN_ID, "é" * 44)  # non-ASCII never raises


def test_verify_compares_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(left: bytes, right: bytes) -> bool:
        calls.append((left, right))
        return real(left, right)

    monkeypatch.setattr(signing.hmac, "compare_digest", spy)
    assert webhooks.verify(VECTOR_BODY, OPEN_ID, VECTOR_SIGN)
    assert not webhooks.verify(VECTOR_BODY, OPEN_ID, "A" * 44)
    assert len(calls) == 2


def test_sign_refuses_text_bodies_and_empty_keys() -> None:
    with pytest.raises(TypeError):
        webhooks.sign("{}", OPEN_ID)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        webhooks.sign(b"{}", "  ")
    with pytest.raises(TypeError):
        webhooks.sign(b"{}", True)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (lambda body: webhooks.sign(body.rstrip(b"\n"), OPEN_ID), "trailing newline"),
        (lambda body: hmac.new(OPEN_ID.encode(), body, hashlib.sha256).hexdigest(), "hex"),
        (
            lambda body: base64.urlsafe_b64encode(hmac.new(OPEN_ID.encode(), body, hashlib.sha256).digest()).decode(),
            "URL-safe",
        ),
        (lambda body: webhooks.sign(body, OPEN_ID).rstrip("="), "padding"),
        (lambda body: "not base64 at all!", "not Base64"),
        (lambda body: webhooks.sign(body, OTHER_OPEN_ID), "check the key"),
    ],
)
def test_signature_hints_name_the_usual_mistakes(given: Any, expected: str) -> None:
    body = VECTOR_BODY + b"\n"
    signature = given(body if expected != "trailing newline" else body)
    hints = webhooks.signature_hints(body, OPEN_ID, signature)
    assert any(expected in hint for hint in hints), hints


# --- sample messages ----------------------------------------------------------------------------


@pytest.mark.parametrize("topic", list(webhooks.TOPICS))
def test_every_topic_has_a_realistic_sample_for_each_message_type(topic: str) -> None:
    for kind in webhooks.TOPICS[topic].message_types:
        document = webhooks.sample_message(topic, kind, open_id=OPEN_ID)
        assert list(document)[:3] == ["messageId", "type", "messageType"]
        assert len(document["messageId"]) == 32 and int(document["messageId"], 16) >= 0
        assert document["type"] == topic and document["messageType"] == kind
        assert document["params"]
        body = webhooks.encode(document)
        assert json.loads(body) == document
        received = webhooks.read_message(body, webhooks.sign(body, OPEN_ID), OPEN_ID)
        assert received.ok and received.signature == "valid" and received.topic == topic
        assert ("openId" in document) == (topic in {"LOGISTIC", "MAKEUP", "PRIVATE_ORDER"})


def test_samples_use_cjs_field_names_and_shapes() -> None:
    order = webhooks.sample_params("ORDER", "UPDATE")
    assert {"cjOrderId", "orderNumber", "orderStatus", "logisticName", "trackNumber", "orderItems"} <= set(order)
    assert {"vid", "quantity", "sellPrice", "lineItemId", "storeLineItemId"} <= set(order["orderItems"][0])
    logistic = webhooks.sample_params("LOGISTIC")
    assert logistic["trackingStatus"] in webhooks.TRACKING_STATUS
    assert isinstance(logistic["logisticsTrackEvents"], str)  # CJ sends a JSON-encoded string
    assert json.loads(logistic["logisticsTrackEvents"])[-1]["status"] == logistic["trackingStatus"]
    stock = webhooks.sample_params("STOCK")
    for vid, rows in stock.items():
        assert all(row["vid"] == vid and {"areaId", "areaEn", "countryCode", "storageNum"} <= set(row) for row in rows)
    assert webhooks.sample_message("LOGISTIC", open_id=OPEN_ID)["openId"] == int(OPEN_ID)
    assert webhooks.sample_params("ORDER", "INSERT")["orderStatus"] == "CREATED"
    assert webhooks.sample_message("ORDER", "ORDER_CONNNECTED")["messageType"] == "ORDER_CONNNECTED"
    assert webhooks.sample_message("ORDER", overrides={"orderStatus": "DELIVERED"})["params"]["orderStatus"] == (
        "DELIVERED"
    )


def test_unknown_topics_and_message_types_are_refused_with_the_choices() -> None:
    with pytest.raises(webhooks.WebhookError, match="ORDER, PRODUCT"):
        webhooks.sample_message("INVOICE")
    with pytest.raises(webhooks.WebhookError, match="INSERT, UPDATE, DELETE"):
        webhooks.sample_message("STOCK", "ORDER_CONNNECTED")
    with pytest.raises(webhooks.WebhookError, match="UPDATE only"):
        webhooks.sample_message("PRIVATE_ORDER", "INSERT")
    assert webhooks.topic_named("private-order").name == "PRIVATE_ORDER"


def test_read_message_reports_what_is_wrong_without_raising() -> None:
    assert webhooks.read_message(b"\xff\xfe", None, OPEN_ID).problems == ("the body is not JSON",)
    assert webhooks.read_message(b"[1]", None, None).problems == ("the body is JSON but not an object",)
    odd = webhooks.read_message(b'{"type":"INVOICE","params":{}}', "x", OPEN_ID, content_type="text/plain")
    assert odd.signature == "invalid"
    assert any("Content-Type" in problem for problem in odd.problems)
    assert any("INVOICE" in problem for problem in odd.problems)
    assert "no messageId" in odd.problems
    assert webhooks.read_message(b"{}", None, OPEN_ID).signature == "missing"
    nested = b'{"params":' * 100_000 + b"1" + b"}" * 100_000
    assert webhooks.read_message(nested, None, None).problems == ("the body is not JSON",)


# --- URL rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", 1607000),
        ("http://shop.example.com/hook", 1607002),
        ("HTTPS://shop.example.com/hook", 1607002),
        ("shop.example.com/hook", 1607002),
        (" https://shop.example.com/hook", 1607002),
        ("https%3A%2F%2Fshop.example.com%2Fhook", 1607002),
        ("https://localhost/hook", 1607001),
        ("https://LOCALHOST./hook", 1607001),
        ("https://127.0.0.1:8443/hook", 1607001),
        ("https://127.1/hook", 1607001),
        ("https://2130706433/hook", 1607001),
        ("https://0x7f000001/hook", 1607001),
        ("https://[::1]/hook", 1607001),
        ("https://[::ffff:127.0.0.1]/hook", 1607001),
        ("https://0.0.0.0/hook", 1607001),
        ("https://10.1.2.3/hook", 1607001),
        ("https://172.16.0.9/hook", 1607001),
        ("https://172.31.255.1/hook", 1607001),
        ("https://192.168.1.20/hook", 1607001),
        ("https://169.254.169.254/latest", 1607001),
        ("https://100.64.0.1/hook", 1607001),
        ("https://[fc00::1]/hook", 1607001),
        ("https://[fd12:3456::1]/hook", 1607001),
        ("https://[fe80::1]/hook", 1607001),
        ("https://api.localhost/hook", 1607001),
        ("https://printer.local/hook", 1607001),
        ("https://devbox/hook", 1607001),
        ("https://shop.example.com:99999/hook", 1607000),
        ("https:///hook", 1607000),
        ("https://shop.example.com/ho ok", 1607000),
    ],
)
def test_check_url_refuses_with_the_code_cj_answers(url: str, code: int) -> None:
    result = webhooks.check_url(url)
    assert not result.accepted
    assert code in [finding.code for finding in result.findings if finding.severity == "error"], result.findings


@pytest.mark.parametrize(
    "url",
    ["https://shop.example.com/cj/webhook", "https://hooks.example.org:8443/cj?store=7", "https://172.32.0.1/hook"],
)
def test_check_url_accepts_public_https_urls(url: str) -> None:
    assert webhooks.check_url(url).accepted


def test_check_url_warnings_do_not_refuse() -> None:
    long_url = "https://shop.example.com/" + "a" * 300
    result = webhooks.check_url(long_url)
    assert result.accepted and any("characters long" in finding.message for finding in result.findings)
    fragment = webhooks.check_url("https://user:pw@shop.example.com/hook#x")
    assert fragment.accepted and len([f for f in fragment.findings if f.severity == "warning"]) == 2
    assert webhooks.check_url("https://8.8.8.8/hook").findings[0].code == 1606001


def test_check_url_refuses_names_that_resolve_to_private_addresses() -> None:
    asked: list[str] = []

    def resolver(host: str) -> list[str]:
        asked.append(host)
        return {"staging.example.com": ["10.20.30.40"], "shop.example.com": ["93.184.216.34"]}[host]

    private = webhooks.check_url("https://staging.example.com/hook", resolve=resolver)
    assert not private.accepted and private.resolved == ("10.20.30.40",)
    assert [finding.code for finding in private.findings] == [1607001]
    public = webhooks.check_url("https://shop.example.com/hook", resolve=resolver)
    assert public.accepted and public.resolution == "resolved"
    assert asked == ["staging.example.com", "shop.example.com"]
    # Names already refused by their form are not looked up at all.
    assert not webhooks.check_url("https://localhost/hook", resolve=resolver).accepted
    assert asked == ["staging.example.com", "shop.example.com"]


def test_check_url_keeps_going_when_resolution_fails() -> None:
    def missing(host: str) -> list[str]:
        raise OSError("Name or service not known")

    def slow(host: str) -> list[str]:
        raise TimeoutError("no answer from the resolver within 2 s")

    nxdomain = webhooks.check_url("https://shop.example.com/hook", resolve=missing)
    assert nxdomain.accepted and nxdomain.findings[0].code == 1606001
    timed_out = webhooks.check_url("https://shop.example.com/hook", resolve=slow)
    assert timed_out.accepted and timed_out.findings[0].severity == "note"


def test_resolve_host_resolves_localhost_locally() -> None:
    assert any(
        webhooks.address_problem(address) == "a loopback address" for address in webhooks.resolve_host("localhost", 443)
    )


# --- CJ's delivery rules: real receivers on 127.0.0.1 ------------------------------------------


def test_deliverer_good_receiver_gets_one_signed_post_and_the_journal_masks_nothing_secret() -> None:
    journal: list[dict[str, Any]] = []
    with receiver(open_id=OPEN_ID) as target:
        deliverer = webhooks.Deliverer(OPEN_ID, journal.append)
        delivery = deliverer.deliver(target.url, "ORDER", webhooks.sample_params("ORDER"), message_type="UPDATE")
        seen = target.seen
    assert delivery.ok and len(delivery.attempts) == 1 and delivery.attempts[0].status == 200
    assert len(seen) == 1 and seen[0].valid is True
    assert seen[0].headers["content-type"] == "application/json" and seen[0].path == "/cj/webhook"
    assert json.loads(seen[0].body)["messageId"] == delivery.message_id
    assert [record["event"] for record in journal] == ["webhook.attempt", "webhook.delivery"]
    assert_masked(json.dumps(journal))


def test_deliverer_retries_a_500_three_times_with_cjs_schedule() -> None:
    waits: list[float] = []
    journal: list[dict[str, Any]] = []
    with receiver(status=500, open_id=OPEN_ID) as target:
        deliverer = webhooks.Deliverer(OPEN_ID, journal.append, sleep=waits.append)
        delivery = deliverer.deliver(target.url, "LOGISTIC", webhooks.sample_params("LOGISTIC"))
        seen = target.seen
    assert not delivery.ok
    assert [attempt.status for attempt in delivery.attempts] == [500, 500, 500, 500]
    assert [attempt.number for attempt in delivery.attempts] == [1, 2, 3, 4]
    assert waits == list(webhooks.DEFAULT_RETRY_DELAYS)
    assert len(seen) == 4 and all(item.valid for item in seen)
    assert len({item.body for item in seen}) == 1  # a retry sends the same message, same messageId
    assert len(journal) == 5 and journal[-1]["ok"] is False


def test_deliverer_stops_retrying_once_the_receiver_recovers() -> None:
    with receiver(statuses=[503, 200]) as target:
        delivery = webhooks.Deliverer(OPEN_ID, sleep=lambda seconds: None).deliver(
            target.url, "STOCK", webhooks.sample_params("STOCK")
        )
    assert delivery.ok and [attempt.status for attempt in delivery.attempts] == [503, 200]


def test_a_slow_receiver_fails_the_three_second_rule() -> None:
    with receiver(delay=3.4) as target:
        started = time.monotonic()
        delivery = webhooks.Deliverer(OPEN_ID, retries=0).deliver(target.url, "ORDER", {"cjOrderId": "1"})
        took = time.monotonic() - started
    attempt = delivery.attempts[0]
    assert not delivery.ok and attempt.error_kind == "timeout" and attempt.status is None
    # CJ hangs up at 3 s: it waited that long, and no longer, since the answer at 3.4 s never counted.
    assert took >= 2.9


def test_a_late_200_is_reported_as_late_when_waiting_longer() -> None:
    with receiver(delay=3.2) as target:
        attempt = webhooks.post_signed(target.url, b"{}", webhooks.sign(b"{}", OPEN_ID), wait=6)
    assert attempt.status == 200 and not attempt.ok and "CJ stops waiting at 3 s" in attempt.verdict


def test_a_receiver_that_rejects_a_wrong_signature() -> None:
    with receiver(open_id=OPEN_ID) as target:
        delivery = webhooks.Deliverer(OTHER_OPEN_ID, retries=0).deliver(target.url, "PRODUCT", {"pid": "1"})
        seen = target.seen
    assert seen[0].valid is False and delivery.attempts[0].status == 401 and not delivery.ok


def test_nothing_listening_is_a_connect_failure() -> None:
    with receiver() as target:
        url = target.url
    attempt = webhooks.post_signed(url, b"{}", None)
    assert attempt.error_kind == "connect" and attempt.status is None and not attempt.ok


def test_deliver_async_runs_in_the_background_and_join_waits() -> None:
    journal: list[dict[str, Any]] = []
    answer = threading.Event()
    with receiver(hold=answer, open_id=OPEN_ID) as target:
        deliverer = webhooks.Deliverer(OPEN_ID, journal.append, retries=0)  # a blocking call fails fast
        threads = [deliverer.deliver_async(target.url, "ORDER", {"cjOrderId": str(n)}) for n in range(3)]
        # The receiver cannot answer until the event is set: calls that waited for it would not be back yet.
        assert all(thread.is_alive() for thread in threads)
        answer.set()
        assert deliverer.join(timeout=10)
        seen = target.seen
    assert all(not thread.is_alive() for thread in threads)
    assert sorted(json.loads(item.body)["params"]["cjOrderId"] for item in seen) == ["0", "1", "2"]
    assert sum(record["event"] == "webhook.delivery" and record["ok"] for record in journal) == 3
    with pytest.raises(webhooks.WebhookError):
        deliverer.deliver_async("http://127.0.0.1:9/", "ORDER", {}, message_type="PAID")


def test_topic_health_closes_a_topic_under_80_percent_in_each_of_two_hours() -> None:
    hour = 3600 * 500_000
    health = webhooks.TopicHealth()
    for index in range(10):  # hour 1: 7 of 10 succeed
        health.record("ORDER", index < 7, hour + index)
    assert not health.closed("ORDER", hour + 3600 + 5)  # only one failing hour so far
    for index in range(10):  # hour 2: 7 of 10 succeed
        health.record("ORDER", index < 7, hour + 3600 + index)
    assert health.rates("ORDER", hour + 7200 + 1) == [(7, 10), (7, 10)]
    assert health.closed("ORDER", hour + 7200 + 1)
    assert health.closed("ORDER", hour + 99 * 3600)  # stays closed until switched on again
    assert not health.closed("LOGISTIC", hour + 7200 + 1)
    health.reopen("ORDER")
    assert not health.closed("ORDER", hour + 7200 + 1)


def test_topic_health_needs_both_hours_failing_and_ignores_empty_hours() -> None:
    hour = 3600 * 500_000
    health = webhooks.TopicHealth()
    for index in range(10):
        health.record("STOCK", index < 8, hour + index)  # exactly 80%: not under
        health.record("STOCK", index < 1, hour + 3600 + index)
    assert not health.closed("STOCK", hour + 7200)
    empty = webhooks.TopicHealth()
    empty.record("STOCK", False, hour + 3600)
    assert not empty.closed("STOCK", hour + 7200)  # the hour before had no deliveries


def test_a_closed_topic_is_not_delivered_and_the_journal_says_so() -> None:
    now = [3600.0 * 500_000]
    journal: list[dict[str, Any]] = []
    with receiver(status=500) as target:
        deliverer = webhooks.Deliverer(OPEN_ID, journal.append, retries=0, clock=lambda: now[0])
        for hour in (0, 1):
            now[0] = 3600.0 * (500_000 + hour) + 10
            deliverer.deliver(target.url, "ORDER", {"cjOrderId": "1"})
        now[0] = 3600.0 * 500_002 + 10
        skipped = deliverer.deliver(target.url, "ORDER", {"cjOrderId": "2"})
        assert len(target.seen) == 2
    assert skipped.skipped == "topic closed" and skipped.attempts == () and skipped.topic_closed
    assert journal[-1]["skipped"] == "topic closed"


def test_deliverer_checks_its_settings_up_front() -> None:
    with pytest.raises(ValueError):
        webhooks.Deliverer("")
    with pytest.raises(ValueError):
        webhooks.Deliverer(OPEN_ID, retries=4)


# --- cjerr webhook send / check / verify ---------------------------------------------------------


def test_cli_send_to_a_good_receiver_exits_0_and_signs_like_cj(run: Runner) -> None:
    with receiver(open_id=OPEN_ID) as target:
        result = run("webhook", "send", "ORDER", "--to", target.url, env={"CJ_OPEN_ID": OPEN_ID})
        seen = target.seen
    assert result.returncode == 0, result.stderr
    assert "answer:    HTTP 200 in" in result.stdout and "ok: CJ would count" in result.stdout
    assert len(seen) == 1 and seen[0].valid is True and json.loads(seen[0].body)["type"] == "ORDER"
    assert_masked(result.stdout + result.stderr)


@pytest.mark.parametrize(("options", "expected"), [({"status": 500}, "HTTP 500"), ({"status": 302}, "redirect")])
def test_cli_send_to_a_failing_receiver_says_what_cj_would_do(
    run_here: Runner, options: dict[str, Any], expected: str
) -> None:
    with receiver(**options) as target:
        result = run_here("webhook", "send", "PRODUCT", "--to", target.url, env={"CJ_OPEN_ID": OPEN_ID})
    assert result.returncode == 69, result.stdout + result.stderr
    assert expected in result.stdout
    assert "CJ counts this delivery as failed and retries it" in result.stdout
    assert "under 80% of its deliveries succeed in each of the 2 previous full hours" in result.stdout
    assert result.stderr.startswith("cjerr: delivery failed:") and result.stderr.count("\n") == 1


def test_cli_send_to_a_slow_receiver_exits_69(run_here: Runner) -> None:
    with receiver(delay=3.3) as target:
        result = run_here("webhook", "send", "LOGISTIC", "--to", target.url, "--wait", "5", env={"CJ_OPEN_ID": OPEN_ID})
    assert result.returncode == 69
    assert "HTTP 200 after 3." in result.stdout and "acknowledge first" in result.stdout


def test_cli_send_retries_like_cj(run_here: Runner) -> None:
    with receiver(statuses=[500], open_id=OPEN_ID) as target:
        result = run_here("webhook", "send", "STOCK", "--to", target.url, "--retries", "1", env={"CJ_OPEN_ID": OPEN_ID})
        assert len(target.seen) == 2
    assert result.returncode == 0, result.stdout
    assert "try 1:     HTTP 500" in result.stdout and "try 2:     HTTP 200" in result.stdout


def test_cli_send_to_nothing_exits_68(run: Runner) -> None:
    with receiver() as target:
        url = target.url
    result = run("webhook", "send", "ORDER", "--to", url, env={"CJ_OPEN_ID": OPEN_ID})
    assert result.returncode == 68 and "connection refused" in result.stdout


def test_cli_send_with_data_params_and_a_whole_message(run_here: Runner, tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text('{"orderStatus": "DELIVERED", "orderNumber": "shop-1043"}')
    whole = tmp_path / "message.json"
    raw = b'{ "messageId": "m1", "type": "ORDER", "messageType": "DELETE", "params": {"cjOrderId": "9"} }\n'
    whole.write_bytes(raw)
    with receiver(open_id=OPEN_ID) as target:
        merged = run_here(
            "webhook", "send", "ORDER", "--to", target.url, "-d", f"@{params}", env={"CJ_OPEN_ID": OPEN_ID}
        )
        as_is = run_here("webhook", "send", "ORDER", "--to", target.url, "-d", f"@{whole}", env={"CJ_OPEN_ID": OPEN_ID})
        wrong = run_here("webhook", "send", "STOCK", "--to", target.url, "-d", f"@{whole}", env={"CJ_OPEN_ID": OPEN_ID})
        seen = target.seen
    assert merged.returncode == 0 and as_is.returncode == 0, merged.stderr + as_is.stderr
    first = json.loads(seen[0].body)["params"]
    assert first["orderStatus"] == "DELIVERED" and first["orderNumber"] == "shop-1043" and "orderItems" in first
    assert seen[1].body == raw and seen[1].valid  # sent byte for byte and signed as such
    assert wrong.returncode == 2 and "'ORDER' message but the topic is STOCK" in wrong.stderr
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("args", "status", "text"),
    [
        (["webhook", "send", "INVOICE", "--to", "http://127.0.0.1:9/"], 2, "unknown webhook topic"),
        (["webhook", "send", "ORDER", "-t", "PAID", "--to", "http://127.0.0.1:9/"], 2, "not 'PAID'"),
        (["webhook", "send", "ORDER", "--to", "ftp://127.0.0.1/"], 2, "http:// or https://"),
        (["webhook", "send", "ORDER", "--to", "http://127.0.0.1:9/", "-d", "{nope"], 65, "--data is not JSON"),
        (["webhook", "send", "ORDER", "--to", "http://127.0.0.1:9/", "-d", "@/nonexistent"], 66, "no such file"),
        (["webhook", "send", "ORDER", "--to", "http://127.0.0.1:9/", "--retries", "4"], 2, "--retries"),
    ],
)
def test_cli_send_refuses_bad_input_in_one_line(run_here: Runner, args: list[str], status: int, text: str) -> None:
    result = run_here(*args, env={"CJ_OPEN_ID": OPEN_ID})
    assert result.returncode == status, result.stdout + result.stderr
    assert text in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_cli_send_without_an_openid_sends_unsigned_and_says_so(run_here: Runner) -> None:
    with receiver() as target:
        result = run_here("webhook", "send", "ORDER", "--to", target.url)
        seen = target.seen
    assert result.returncode == 0 and "not signed: no openId" in result.stdout
    assert "sign" not in seen[0].headers


def test_cli_open_id_sources_and_the_command_line_warning(run_here: Runner, tmp_path: Path) -> None:
    key_file = tmp_path / "open-id"
    key_file.write_text(OPEN_ID + "\n")
    two_lines = tmp_path / "two"
    two_lines.write_text("1\n2\n")
    with receiver(open_id=OPEN_ID) as target:
        from_file = run_here("webhook", "send", "VARIANT", "--to", target.url, "--open-id-file", str(key_file))
        from_argv = run_here("webhook", "send", "VARIANT", "--to", target.url, "--open-id", OPEN_ID)
        from_stdin = run_here("webhook", "send", "VARIANT", "--to", target.url, "--open-id-file", "-", input=OPEN_ID)
        assert all(item.valid for item in target.seen) and len(target.seen) == 3
    assert from_file.returncode == from_argv.returncode == from_stdin.returncode == 0
    assert "--open-id-file" in from_file.stdout and "warning: --open-id shows in ps" in from_argv.stderr
    bad = run_here("webhook", "send", "ORDER", "--to", "http://127.0.0.1:9/", "--open-id-file", str(two_lines))
    assert bad.returncode == 78 and "must hold one line" in bad.stderr
    both = run_here("webhook", "send", "ORDER", "--to", "http://127.0.0.1:9/", "--open-id", "1", "--open-id-file", "x")
    assert both.returncode == 2
    for result in (from_file, from_argv, from_stdin):
        assert_masked(result.stdout + result.stderr)


def test_cli_send_json_document(run_here: Runner) -> None:
    with receiver() as target:
        result = run_here(
            "webhook", "send", "MAKEUP", "-t", "PAID", "--to", target.url, "--json", env={"CJ_OPEN_ID": OPEN_ID}
        )
    document = json.loads(result.stdout)
    assert document["command"] == "webhook send" and document["exit_code"] == 0 and document["ok"] is True
    assert document["topic"] == "MAKEUP" and document["messageType"] == "PAID"
    assert document["attempts"][0]["status"] == 200 and document["open_id"].startswith("[redacted") is False
    assert_masked(result.stdout + result.stderr)


def test_cli_verify_valid_invalid_and_from_stdin(run: Runner, tmp_path: Path) -> None:
    body = webhooks.encode(webhooks.sample_message("LOGISTIC", open_id=OPEN_ID))
    capture = tmp_path / "body.json"
    capture.write_bytes(body)
    good = webhooks.sign(body, OPEN_ID)
    env = {"CJ_OPEN_ID": OPEN_ID}
    valid = run("webhook", "verify", "--sign", good, str(capture), env=env)
    assert valid.returncode == 0 and valid.stdout.startswith("signature valid:"), valid.stderr
    assert "LOGISTIC UPDATE" in valid.stdout
    invalid = run("webhook", "verify", "--sign", webhooks.sign(body, OTHER_OPEN_ID), str(capture), env=env)
    assert (
        invalid.returncode == 1 and invalid.stdout.startswith("signature INVALID") and "check the key" in invalid.stdout
    )
    piped = run("webhook", "verify", "--sign", good, "-", input=body.decode() + "\n", env=env)
    assert piped.returncode == 1 and "trailing newline" in piped.stdout
    as_json = json.loads(run("webhook", "verify", "--sign", good, str(capture), "--json", env=env).stdout)
    assert as_json["valid"] is True and as_json["command"] == "webhook verify"
    for result in (valid, invalid, piped):
        assert_masked(result.stdout + result.stderr)
    no_key = run("webhook", "verify", "--sign", good, str(capture))
    assert no_key.returncode == 2 and "needs the openId" in no_key.stderr
    missing = run("webhook", "verify", "--sign", good, str(tmp_path / "absent"), env=env)
    assert missing.returncode == 66


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://shop.example.com/hook", "1607002"),
        ("https://localhost:3000/hook", "1607001"),
        ("https://127.0.0.1/hook", "1607001"),
        ("https://192.168.0.10/hook", "1607001"),
        ("https://[::1]:8443/hook", "1607001"),
        ("", "1607000"),
    ],
)
def test_cli_check_refuses_with_exit_65(run_here: Runner, url: str, code: str) -> None:
    result = run_here("webhook", "check", "--no-resolve", url)
    assert result.returncode == 65, result.stdout + result.stderr
    assert f"[{code}]" in result.stdout and "CJ would refuse this URL" in result.stdout


def test_cli_check_accepts_a_public_https_url_without_resolving(run_here: Runner) -> None:
    result = run_here("webhook", "check", "--no-resolve", "https://shop.example.com/cj/webhook")
    assert result.returncode == 0 and "CJ's URL rules pass" in result.stdout
    assert "not resolved (--no-resolve)" in result.stdout
    document = json.loads(run_here("webhook", "check", "--no-resolve", "https://shop.example.com/", "--json").stdout)
    assert document["accepted"] is True and document["resolution"] == "not tried" and document["exit_code"] == 0


def test_cli_check_send_never_posts_to_a_refused_url(run_here: Runner) -> None:
    with receiver() as target:
        result = run_here("webhook", "check", "--send", target.url, env={"CJ_OPEN_ID": OPEN_ID})
        assert target.seen == []
    assert result.returncode == 65 and "[1607002]" in result.stdout and "[1607001]" in result.stdout


def test_check_send_times_a_test_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from cj_errors.webhooks import tools as webhook_tools

    # The rules refuse loopback, so point the check at a public-looking URL and deliver it to a local receiver.
    with receiver(open_id=OPEN_ID) as target:
        real_post = webhooks.post_signed
        monkeypatch.setattr(
            webhooks, "post_signed", lambda url, *args, **kwargs: real_post(target.url, *args, **kwargs)
        )
        key = webhook_tools.OpenId(OPEN_ID, "test")
        report = webhook_tools.check("https://shop.example.com/hook", resolve=False, send=True, open_id=key, wait=5)
        assert target.seen[0].valid
    assert report.sent is not None and report.sent.delivery.ok and report.exit_status == 0


# --- cjerr webhook listen -------------------------------------------------------------------------


def _listen(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [cjerr_executable(), "webhook", "listen", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(tmp_path, env),
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    return process, url


def test_listen_prints_each_message_sent_by_webhook_send_explained_and_verified(run: Runner, tmp_path: Path) -> None:
    env = {"CJ_OPEN_ID": OPEN_ID}
    process, url = _listen(tmp_path, "--count", "2", env=env)
    try:
        sent = [run("webhook", "send", topic, "--to", url + "cj", env=env) for topic in ("ORDER", "LOGISTIC")]
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert [result.returncode for result in sent] == [0, 0]
    assert process.returncode == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    assert "ORDER UPDATE" in lines[0] and "cjOrderId=" in lines[0] and "sign valid" in lines[0]
    assert lines[0].endswith("-> 200")
    assert "LOGISTIC UPDATE" in lines[1] and "trackingStatus 12 (signed for)" in lines[1]
    assert "verifying with openId" in err
    assert_masked(out + err)


def test_listen_flags_a_wrong_signature_and_answers_the_chosen_status(run: Runner, tmp_path: Path) -> None:
    process, url = _listen(tmp_path, "--count", "1", "--status", "503", "--json", env={"CJ_OPEN_ID": OPEN_ID})
    try:
        sent = run("webhook", "send", "LOGISTIC", "--to", url, env={"CJ_OPEN_ID": OTHER_OPEN_ID})
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert sent.returncode == 69 and "HTTP 401" in sent.stdout  # a bad signature is refused, whatever --status
    assert process.returncode == 1
    record = json.loads(out)
    assert record["signature"] == "invalid" and record["answered"] == 401 and record["topic"] == "LOGISTIC"
    assert record["message"]["openId"].startswith("[redacted") or "redacted" in record["message"]["openId"]
    assert_masked(out + err)
    assert_masked(out + err, OTHER_OPEN_ID)


def test_listen_reports_non_posts_and_junk(tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    process, url = _listen(tmp_path, "--count", "2")
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)
        assert refused.value.code == 405
        refused.value.close()
        request = urllib.request.Request(url, data=b"not json", headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    lines = out.splitlines()
    assert "GET /: not a delivery" in lines[0]
    assert "the body is not JSON" in lines[1] and "sign not checked" in lines[1]
    assert process.returncode == 1


def test_listen_stops_on_ctrl_c_with_one_line(tmp_path: Path) -> None:
    process, url = _listen(tmp_path)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "cjerr: interrupted after 0 request(s), 0 with problems"
    assert "Traceback" not in err


def test_listen_on_a_busy_port_is_one_line(run: Runner, tmp_path: Path) -> None:
    process, url = _listen(tmp_path)
    try:
        port = url.rsplit(":", 1)[1].strip("/")
        result = run("webhook", "listen", "--port", port, timeout=30)
    finally:
        process.kill()
        process.communicate(timeout=30)
    assert result.returncode == 2 and result.stderr.startswith("cjerr: cannot listen on")


def test_webhook_help_and_a_closed_pipe(run: Runner) -> None:
    helped = run("webhook", "--help")
    assert helped.returncode == 0 and all(name in helped.stdout for name in ("check", "send", "verify", "listen"))
    piped = subprocess.run(
        ["bash", "-c", f"{cjerr_executable()} webhook check --no-resolve --json https://shop.example.com/ | head -c 1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr


def test_requested_command_builds_only_the_webhook_group() -> None:
    from cj_errors.cli.app import _app_for, _requested_command

    assert _requested_command(["webhook", "send"], {}) == "webhook"
    focused = _app_for(["webhook", "check"], {})
    assert focused.registered_commands == [] and [group.name for group in focused.registered_groups] == ["webhook"]


# --- the docs' webhook examples -----------------------------------------------------------------


def _docs_block(start: str, fence: str, page: str = "docs/webhooks.md") -> str:
    from tests.conftest import ROOT

    text = (ROOT / page).read_text()
    found = re.search(rf"```{fence}\n({re.escape(start)}.*?)```", text, flags=re.DOTALL)
    assert found is not None, f"{page} has no ```{fence} block starting {start!r}"
    return found.group(1)


def _normalized(line: str, port: str) -> str:
    line = line.replace(f"127.0.0.1:{port}", "127.0.0.1:PORT")
    line = re.sub(r"^\d\d:\d\d:\d\d  ", "TIME  ", line)
    line = re.sub(r"\b[0-9a-f]{32}\b", "ID", line)
    return re.sub(r"\d+\.\d\d s\b", "N s", line)


def test_readme_listen_and_send_block_runs_as_shown(tmp_path: Path) -> None:
    block = _docs_block("$ cjerr webhook listen", "text")
    commands: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif line.strip() and commands:
            commands[-1][1].append(line)
    listen_command, listen_expected = commands[0]
    assert listen_command.startswith("cjerr webhook listen --port 8080 --count 2")
    env = clean_env(tmp_path, {"CJ_OPEN_ID": OPEN_ID})
    env["PATH"] = str(Path(cjerr_executable()).parent) + ":" + env["PATH"]
    process = subprocess.Popen(
        ["bash", "-c", "exec " + listen_command.replace("--port 8080", "--port 0")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().rstrip("\n")
        port = first.rsplit(":", 1)[1].strip("/")
        outputs = []
        for command, expected in commands[1:]:
            result = subprocess.run(
                ["bash", "-c", command.replace(":8080/", f":{port}/")],
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
            )
            forged = OTHER_OPEN_ID in command  # signed with another openId: listen answers 401, send exits 69
            assert result.returncode == (69 if forged else 0), result.stdout + result.stderr
            actual = [_normalized(line, port) for line in result.stdout.splitlines()]
            assert actual == [_normalized(line, "8080") for line in expected]
            outputs.append(result.stdout + result.stderr)
        rest, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 1  # the second message is signed with another openId
    listened = [first, *err.splitlines(), *rest.splitlines()]
    assert [_normalized(line, port) for line in listened] == [_normalized(line, "8080") for line in listen_expected]
    for text in [*outputs, rest, err]:
        assert_masked(text)


def test_readme_webhook_python_example_prints_what_its_comments_say() -> None:
    import sys

    code = _docs_block("# webhook_demo.py", "python", page="docs/sdk.md")
    expected = [match.strip() for match in re.findall(r"print\(.*\)\s+#\s*(.*)$", code, flags=re.MULTILINE)]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected


# --- what the mock's /webhook/set needs ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "strict", "local"),
    [
        ("https://shop.example.com/hook", None, None),
        ("http://shop.example.com/hook", 1607002, 1607002),
        ("https://127.0.0.1:9000/hook", 1607001, None),
        ("http://127.0.0.1:9000/hook", 1607002, None),
        ("http://localhost:9000/hook", 1607002, None),
        ("http://[::1]:9000/hook", 1607002, None),
        ("https://10.0.0.8/hook", 1607001, 1607001),  # private is not loopback: still refused
        ("ftp://127.0.0.1/hook", 1607002, None),
        ("", 1607000, 1607000),
    ],
)
def test_registration_error_is_what_the_mock_answers(url: str, strict: int | None, local: int | None) -> None:
    assert webhooks.registration_error(url) == strict
    if url.startswith("ftp"):
        assert webhooks.registration_error(url, allow_local=True) == 1607002
    else:
        assert webhooks.registration_error(url, allow_local=True) == local


def test_topics_for_each_webhook_set_object() -> None:
    assert webhooks.topics_for_setting("product") == ("PRODUCT", "VARIANT")
    assert webhooks.topics_for_setting("order") == ("ORDER", "ORDERSPLIT")
    assert webhooks.topics_for_setting("logistics") == ("LOGISTIC",)
    assert webhooks.topics_for_setting("stock") == ("STOCK",)
    assert webhooks.topics_for_setting("privateOrder") == ("PRIVATE_ORDER",)


def test_topic_completion_and_no_httpx_or_rich_for_webhook_check(tmp_path: Path) -> None:
    env = clean_env(
        tmp_path, {"COMP_WORDS": "cjerr webhook send LO", "COMP_CWORD": "3", "_CJERR_COMPLETE": "complete_bash"}
    )
    completed = subprocess.run([cjerr_executable()], capture_output=True, text=True, env=env, timeout=60)
    assert completed.stdout.split() == ["LOGISTIC"]
    import sys

    probe = (
        "import sys\nfrom cj_errors.cli.app import main\nsys.argv=['cjerr','webhook','check','--no-resolve','https://a.example/']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'rich')), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=clean_env(tmp_path)
    )
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_listen_whose_reader_went_away_exits_141(run: Runner, tmp_path: Path) -> None:
    env = clean_env(tmp_path, {"CJ_OPEN_ID": OPEN_ID})
    process = subprocess.Popen(
        [cjerr_executable(), "webhook", "listen", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        process.stdout.close()  # the reader leaves, like `| head -1`
        sent = run("webhook", "send", "ORDER", "--to", url, env={"CJ_OPEN_ID": OPEN_ID})
        assert sent.returncode == 0
        process.wait(timeout=30)
        err = process.stderr.read() if process.stderr else ""
    finally:
        process.kill()
        if process.stderr is not None:
            process.stderr.close()
    assert process.returncode == 141 and "Traceback" not in err


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/a\r\nX-Evil: 1", "http://127.0.0.1:9/a b", "http://127.0.0.1:9/\u2028"]
)
def test_cli_send_refuses_urls_that_would_inject_or_break_in_one_line(run_here: Runner, url: str) -> None:
    result = run_here("webhook", "send", "ORDER", "--to", url)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_post_signed_never_raises_for_a_bad_url() -> None:
    for url in ("http://127.0.0.1:9/a\nb", "ftp://127.0.0.1/", "http://[::1/"):
        attempt = webhooks.post_signed(url, b"{}", None, timeout=1)
        assert not attempt.ok and attempt.error_kind in ("invalid", "dns", "connect", "timeout")


def test_cli_check_of_a_host_label_too_long_to_resolve_is_a_finding_not_a_traceback(run: Runner) -> None:
    # Python's resolver refuses a label over 63 characters with UnicodeError, before any query is sent: the
    # resolver thread died with a traceback on stderr and the check went on as if the name had no address.
    url = "https://" + "a" * 64 + ".example/hook"
    result = run("webhook", "check", url, "--json")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    data = json.loads(result.stdout)
    assert data["resolution"].startswith("failed:") and data["resolved"] == []
    assert any(finding["code"] == 1606001 for finding in data["findings"])
