"""CJTransport where a call that changes data may have worked: whatever goes wrong after it was sent (its body
breaks off or runs too long, the pace refuses a retry, the pacing state goes away while its answer is read),
the caller gets OutcomeUnknownError or the answer itself, never an error that says "not sent" or "resend"."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Iterator

import httpx
import pytest

from cj_errors.sdk import limiter, pacing
from cj_errors.sdk.exceptions import NotEnvelopeError, OutcomeUnknownError
from cj_errors.sdk.httpx_transport import AsyncCJTransport, CJTransport, ResponseTooLargeError
from tests.hostile_servers import Connection, RawServer, http_response, read_request

BASE = "https://developers.cjdropshipping.com/api2.0/v1"
CREATE = BASE + "/shopping/order/createOrderV2"
ORDER = {"orderNumber": "doubt-1", "shippingCountryCode": "US", "products": []}
OK = {"code": 200, "result": True, "message": "Success", "data": {"orderId": "O1"}, "requestId": "r1"}


class _BreaksOff(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b'{"code":200,"result":tr'
        raise httpx.ReadError("connection reset by peer")


def _client(handler: httpx.MockTransport, **options: object) -> httpx.Client:
    transport = CJTransport(handler, qps=0, share_pacing=False, **options)  # type: ignore[arg-type]
    return httpx.Client(transport=transport, headers={"CJ-Access-Token": "t"})


def test_a_body_that_breaks_off_after_a_create_is_outcome_unknown() -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(200, stream=_BreaksOff())

    with _client(httpx.MockTransport(answer)) as client, pytest.raises(OutcomeUnknownError):
        client.post(CREATE, json=ORDER)
    assert len(sent) == 1
    with _client(httpx.MockTransport(answer)) as client, pytest.raises(httpx.ReadError):
        client.get(BASE + "/product/list")  # a read: the network error as it is, safe to send again


def test_an_answer_too_long_after_a_create_is_outcome_unknown() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 4096)

    with _client(httpx.MockTransport(answer), max_body=1024) as client, pytest.raises(OutcomeUnknownError):
        client.post(CREATE, json=ORDER)
    with _client(httpx.MockTransport(answer), max_body=1024) as client, pytest.raises(ResponseTooLargeError):
        client.get(BASE + "/product/list")


def test_a_retry_the_pace_refuses_after_a_try_that_may_have_worked_is_outcome_unknown() -> None:
    sent: list[str] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(502, text="<html>Bad Gateway</html>", headers={"Content-Type": "text/html"})

    stopped = 1000.0  # a clock that does not move: the second try would wait a whole second
    transport = CJTransport(
        httpx.MockTransport(gateway),
        qps=1,
        retry_mutating=True,
        max_pace_wait=0,
        share_pacing=False,
        clock=lambda: stopped,
        sleep=lambda seconds: None,
    )
    with httpx.Client(transport=transport, headers={"CJ-Access-Token": "t"}) as client:
        with pytest.raises(OutcomeUnknownError, match="may have worked"):
            client.post(CREATE, json=ORDER)
    assert len(sent) == 1


def test_pacing_state_lost_while_an_answer_is_read_keeps_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    def gone(self: object) -> None:
        raise pacing.PacingUnavailable("the pacing state went away; the call was not sent")

    monkeypatch.setattr(limiter._FileBucket, "recover", gone)
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(200, json=OK)

    transport = CJTransport(httpx.MockTransport(answer), qps=5, share_pacing=False, sleep=lambda seconds: None)
    with httpx.Client(transport=transport, headers={"CJ-Access-Token": "t"}) as client:
        answered = client.post(CREATE, json=ORDER)
    assert json.loads(answered.content)["data"] == {"orderId": "O1"} and len(sent) == 1


def test_a_create_answered_with_a_body_that_cannot_be_inflated_is_outcome_unknown() -> None:
    """A gzip header over a body that is no gzip: the create was sent, and its answer cannot be read."""

    def bad_gzip(connection: Connection) -> None:
        read_request(connection)
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        connection.send(http_response(200, b"\x1f\x8b\x08\x00 not gzip at all", headers))

    with RawServer(bad_gzip) as server:
        transport = CJTransport(qps=0, share_pacing=False)
        with httpx.Client(base_url=server.base_url, transport=transport, headers={"CJ-Access-Token": "t"}) as client:
            with pytest.raises(OutcomeUnknownError) as raised:
                client.post("/shopping/order/createOrderV2", json=ORDER)
            assert raised.value.order_number == "doubt-1"
            with pytest.raises(httpx.DecodingError):
                client.get("/product/list")  # a read: httpx's own error, safe to send again


def test_a_create_answered_with_a_gzip_bomb_is_outcome_unknown() -> None:
    """64 KiB of zeros in a few hundred bytes, against a 1 KiB limit: the create was sent, its answer cannot be read."""
    bomb = gzip.compress(bytes(64 * 1024))

    def gzipped(connection: Connection) -> None:
        read_request(connection)
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        connection.send(http_response(200, bomb, headers))

    with RawServer(gzipped) as server:
        transport = CJTransport(qps=0, share_pacing=False, max_body=1024)
        with httpx.Client(base_url=server.base_url, transport=transport, headers={"CJ-Access-Token": "t"}) as client:
            with pytest.raises(OutcomeUnknownError) as raised:
                client.post("/shopping/order/createOrderV2", json=ORDER)
            assert raised.value.order_number == "doubt-1"
            with pytest.raises(ResponseTooLargeError):
                client.get("/product/list")  # a read: refused as too large, safe to send again

        async def create() -> None:
            async_transport = AsyncCJTransport(qps=0, share_pacing=False, max_body=1024)
            async with httpx.AsyncClient(
                base_url=server.base_url, transport=async_transport, headers={"CJ-Access-Token": "t"}
            ) as client:
                await client.post("/shopping/order/createOrderV2", json=ORDER)

        with pytest.raises(OutcomeUnknownError):
            asyncio.run(create())


def test_a_redirect_is_never_followed_with_the_token() -> None:
    """A client set to follow redirects would send the create again, and its token, to the Location: the create is
    outcome unknown, a read is not CJ's envelope, and nothing reaches the other address."""
    followed: list[str] = []

    def redirecting(connection: Connection) -> None:
        line, _, _ = read_request(connection)
        if " /elsewhere" in line:
            followed.append(line)
            connection.send(http_response(200, b"{}", {"Content-Type": "application/json"}))
            return
        connection.send(http_response(307, b"", {"Location": "/elsewhere"}))

    with RawServer(redirecting) as server:
        transport = CJTransport(qps=0, share_pacing=False)
        with httpx.Client(
            base_url=server.base_url, transport=transport, headers={"CJ-Access-Token": "t"}, follow_redirects=True
        ) as client:
            with pytest.raises(OutcomeUnknownError) as raised:
                client.post("/shopping/order/createOrderV2", json=ORDER)
            assert "redirect" in str(raised.value) and raised.value.order_number == "doubt-1"
            with pytest.raises(NotEnvelopeError):
                client.get("/product/list")

        async def create() -> None:
            async_transport = AsyncCJTransport(qps=0, share_pacing=False)
            headers = {"CJ-Access-Token": "t"}
            async with httpx.AsyncClient(
                base_url=server.base_url, transport=async_transport, headers=headers, follow_redirects=True
            ) as client:
                await client.post("/shopping/order/createOrderV2", json=ORDER)

        with pytest.raises(OutcomeUnknownError):
            asyncio.run(create())
    assert followed == []
