"""raise_for_cj and the CJError hierarchy: real bodies from cjerr mock, the success rule, typed classes."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import cj_errors
from cj_errors.sdk import exceptions
from cj_errors.sdk.exceptions import (
    APIError,
    AuthError,
    CJError,
    HeldOrderError,
    NotEnvelopeError,
    NotFoundError,
    QuotaError,
    RateLimitError,
    TemporaryError,
    error_class,
    raise_for_cj,
)
from cj_errors.table import codes
from cj_errors.table.model import Outcome
from tests.conftest import cjerr_executable, clean_env

API_KEY = "CJ1234567@api@0123456789abcdef0123456789abcdef"
ERROR_CODES = [entry.code for entry in codes.all_entries() if entry.outcome is not Outcome.SUCCESS]


def _expected_base(outcome: Outcome) -> type[CJError]:
    return {
        Outcome.TEMPORARY: TemporaryError,
        Outcome.QUOTA: QuotaError,
        Outcome.AUTH: AuthError,
        Outcome.API_ERROR: APIError,
    }[outcome]


@pytest.fixture(scope="module")
def mock_bodies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, httpx.Response]]:
    """One real mock answer per error code: a rules file fires each code once, in order."""
    folder = tmp_path_factory.mktemp("mock")
    rules = folder / "rules.json"
    rules.write_text(json.dumps({"rules": [{"fault": str(code), "count": 1} for code in ERROR_CODES]}))
    process = subprocess.Popen(
        [cjerr_executable(), "mock", "--port", "0", "--qps", "0", "--rules", str(rules)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=clean_env(folder),
    )
    try:
        assert process.stdout is not None
        base = process.stdout.readline().strip()
        answers: dict[int, httpx.Response] = {}
        with httpx.Client(base_url=base, headers={"CJ-Access-Token": "unused"}) as client:
            for code in ERROR_CODES:
                response = client.get("/product/query", params={"pid": "P1"})
                answers[code] = response
        yield answers
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.mark.parametrize("code", ERROR_CODES)
def test_every_code_from_a_real_mock_body_raises_its_class(code: int, mock_bodies: dict[int, httpx.Response]) -> None:
    response = mock_bodies[code]
    with pytest.raises(CJError) as caught:
        raise_for_cj(response)
    error = caught.value
    entry = codes.get(code)
    assert entry is not None
    assert error.code == code or (code == 429 and error.code in (429, None))
    assert error.http_status == response.status_code
    assert error.request_id == response.json().get("requestId")
    assert type(error) is error_class(code, error.outcome)
    assert isinstance(error, _expected_base(error.outcome or entry.outcome))
    if error.outcome is entry.outcome and entry.family in exceptions.FAMILY_CLASSES:
        family_class = exceptions.FAMILY_CLASSES[entry.family]
        assert isinstance(error, family_class) or isinstance(error, RateLimitError), (code, type(error))
    assert error.entry is not None and error.entry.code == code


def test_every_family_and_outcome_class_is_met_by_some_mock_body(mock_bodies: dict[int, httpx.Response]) -> None:
    met: set[type[CJError]] = set()
    for response in mock_bodies.values():
        try:
            raise_for_cj(response)
        except CJError as error:
            met.update(type(error).__mro__)
    created = {getattr(exceptions, name) for name in exceptions.CREATED_CLASS_NAMES}
    assert created <= met, sorted(cls.__name__ for cls in created - met)
    assert {TemporaryError, RateLimitError, QuotaError, AuthError, APIError, NotFoundError} <= met


def test_success_returns_data_for_every_envelope_variant() -> None:
    assert raise_for_cj({"code": 200, "result": True, "message": "Success", "data": {"pid": "P1"}}) == {"pid": "P1"}
    assert raise_for_cj(b'{"code":0,"success":true,"data":[1,2]}') == [1, 2]
    assert raise_for_cj('{"result":true,"data":null}') is None
    response = httpx.Response(200, json={"code": 200, "result": True, "data": {"ok": 1}})
    assert raise_for_cj(response) == {"ok": 1}


def test_1600200_inside_http_200_is_a_rate_limit_error_with_the_window() -> None:
    body = {
        "code": 1600200,
        "result": False,
        "message": "Too Many Requests, QPS limit is 2 time/1second",
        "requestId": "r-1",
    }
    with pytest.raises(RateLimitError) as caught:
        raise_for_cj(json.dumps(body))
    error = caught.value
    assert isinstance(error, TemporaryError) and not isinstance(error, APIError)
    assert (error.code, error.http_status, error.request_id, error.retry_after) == (1600200, 200, "r-1", 1.0)
    assert error.outcome is Outcome.TEMPORARY and error.entry is not None and error.entry.code == 1600200
    assert str(error) == "CJ 1600200: Too Many Requests, QPS limit is 2 time/1second (requestId r-1)"


def test_code_as_a_string_and_points_give_the_time_to_the_reset() -> None:
    now = dt.datetime(2026, 12, 2, 18, 0, tzinfo=dt.timezone.utc)
    body = {
        "code": "16900500",
        "result": False,
        "message": "Insufficient API points. Used today: 104890, Remaining: 0, Required: 10.",
    }
    with pytest.raises(QuotaError) as caught:
        raise_for_cj(body, now=now)
    assert caught.value.code == 16900500
    assert caught.value.retry_after == 6 * 3600.0


def test_a_429_naming_points_is_a_quota_error_and_a_bare_429_a_rate_limit() -> None:
    points = httpx.Response(
        429,
        json={
            "code": 429,
            "result": False,
            "message": "Insufficient points",
            "data": {"pointsInfo": {"usedToday": 50000, "remaining": 0, "total": 50000}},
        },
    )
    with pytest.raises(QuotaError):
        raise_for_cj(points)
    with pytest.raises(RateLimitError):
        raise_for_cj(httpx.Response(429, json={"code": 429, "message": "Too Many Requests"}))


def test_non_envelopes_and_gateway_pages() -> None:
    with pytest.raises(TemporaryError) as gateway:
        raise_for_cj("<html>Bad Gateway</html>", 502)
    assert gateway.value.code is None and gateway.value.http_status == 502
    with pytest.raises(NotEnvelopeError):
        raise_for_cj(b"not json at all")
    with pytest.raises(NotEnvelopeError):
        raise_for_cj('{"code": 200, "result": tru')


def test_a_held_order_is_no_success() -> None:
    body = {
        "code": 200,
        "result": True,
        "data": {"orderId": "O1", "interceptOrderReasons": [{"code": 1001, "message": "Insufficient inventory"}]},
    }
    with pytest.raises(HeldOrderError) as caught:
        raise_for_cj(body)
    assert isinstance(caught.value, APIError) and caught.value.data["orderId"] == "O1"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        (1603999, "OrderError"),  # unknown code: the family from its prefix
        (1602999, "ProductError"),
        (16003999, "CJError"),  # eight digits in a seven-digit range: no family
        (1602001, "ProductNotFoundError"),
        (1603100, "OrderNotFoundError"),
        (1600000, "SystemBusyError"),
        ("1600001", "AuthError"),
        (1600201, "QuotaError"),
        (16900203, "RequestFormatError"),
    ],
)
def test_error_class_like_psycopg_lookup(code: int | str, name: str) -> None:
    assert error_class(code).__name__ == name
    assert getattr(cj_errors, name) is error_class(code)


def test_error_class_refuses_what_is_not_a_code() -> None:
    with pytest.raises(TypeError):
        error_class(1.5)  # type: ignore[arg-type]


def test_the_typing_declarations_match_the_classes_created_from_the_table() -> None:
    """The TYPE_CHECKING block is what mypy and IDEs see: it must say exactly what the loop creates."""
    tree = ast.parse(inspect.getsource(exceptions))
    declared: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for item in node.body:
                if isinstance(item, ast.ClassDef):
                    declared[item.name] = [base.id for base in item.bases if isinstance(base, ast.Name)]
    created = {
        name: [base.__name__ for base in getattr(exceptions, name).__bases__] for name in exceptions.CREATED_CLASS_NAMES
    }
    assert declared == created
    # and every class is a public name of cj_errors
    assert set(created) <= set(cj_errors.__all__)
    assert set(exceptions.__all__) <= set(cj_errors.__all__) | {"error_for"}


def test_every_family_has_a_class_except_success() -> None:
    assert set(exceptions.FAMILY_CLASSES) == set(codes.FAMILIES) - {"success"}


def test_exceptions_import_without_httpx(tmp_path: Path) -> None:
    code = (
        "import sys, cj_errors\n"
        "try:\n    cj_errors.raise_for_cj(b'{\"code\":1600200}')\n"
        "except cj_errors.RateLimitError as e:\n    print(e.code)\n"
        "print(cj_errors.error_class(1602001).__name__)\n"
        "print('httpx' in sys.modules, 'rich' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1600200", "ProductNotFoundError", "False", "False"]


def test_client_code_using_the_classes_type_checks(tmp_path: Path) -> None:
    client = tmp_path / "client.py"
    client.write_text(
        "from cj_errors import ProductNotFoundError, RateLimitError, error_class, raise_for_cj\n"
        "def fetch(body: bytes) -> float | None:\n"
        "    try:\n"
        "        raise_for_cj(body)\n"
        "    except ProductNotFoundError as error:\n"
        "        code: int | None = error.code\n"
        "        return float(code or 0)\n"
        "    except RateLimitError as error:\n"
        "        return error.retry_after\n"
        "    kind: type[Exception] = error_class(1600200)\n"
        "    return None if kind else 0.0\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(client)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_refresh_token_the_call_carried_is_masked_in_the_error_that_quotes_it() -> None:
    """CJ's message quoting the request's refresh token (older 32-hex shape): the exception never holds it."""
    from tests.hostile_servers import Connection, RawServer, http_response, read_request

    refresh = "7a1c0e95d2b84f36a0c9e1d4b7f25e68"

    def echoes(connection: Connection) -> None:
        read_request(connection)
        message = f"refreshToken {refresh} is invalid"
        body = json.dumps({"code": 1600003, "result": False, "message": message, "data": None})
        connection.send(http_response(200, body.encode()))

    with RawServer(echoes) as server:
        transport = cj_errors.CJTransport(qps=0, share_pacing=False)
        with httpx.Client(base_url=server.base_url, transport=transport) as client:
            answer = client.post("/authentication/refreshAccessToken", json={"refreshToken": refresh})
            assert refresh.encode() in answer.content  # the answer itself is CJ's, as it came
            with pytest.raises(AuthError) as raised:
                cj_errors.raise_for_cj(answer)
    assert refresh not in str(raised.value) and "7a1c...[redacted, 32 chars]" in str(raised.value)
