"""Request validation, the catalog facts it relies on, and secret masking: in-process, no network."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cj_errors.base import escaping, redact
from cj_errors.requests.findings import Severity
from cj_errors.requests.validate import JSON_FIELD_EMPTY, PARAM_ERROR, RequestPlan, validate
from cj_errors.table import catalog


def _plan(path: str, method: str | None = None, **kwargs: object) -> RequestPlan:
    endpoint = catalog.find(path)
    assert endpoint is not None, path
    return RequestPlan(method=method or endpoint.method, path=path, endpoint=endpoint, has_token=True, **kwargs)  # type: ignore[arg-type]


def _errors(plan: RequestPlan) -> list[tuple[int | None, str]]:
    return [(finding.likely_code, finding.message) for finding in validate(plan) if finding.severity is Severity.ERROR]


# --- a null body --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"null", b"  null\n"])
def test_null_body_on_a_json_endpoint_is_an_error(body: bytes) -> None:
    errors = _errors(_plan("/product/addToMyProduct", body=body))
    assert (16900204, "the body is null; /product/addToMyProduct takes a JSON object") in errors


def test_null_body_is_reported_once_and_other_shapes_keep_their_code() -> None:
    errors = _errors(_plan("/logistic/freightCalculate", body=b"null"))
    assert [code for code, _ in errors] == [16900204]
    assert _errors(_plan("/product/addToMyProduct", body=b"[]"))[0][0] == 16900205
    # invalid JSON is reported as such, not as a null body
    assert [code for code, _ in _errors(_plan("/product/addToMyProduct", body=b"nul"))] == [16900205]


# --- methods: /product/conn/connection takes GET, POST and DELETE ---------------------------------------------


def test_connection_path_accepts_its_other_methods() -> None:
    endpoint = catalog.find("/product/conn/connection")
    assert endpoint is not None
    assert endpoint.method == "GET" and endpoint.other_methods == ("POST", "DELETE")
    assert endpoint.methods == ("GET", "POST", "DELETE")
    assert _errors(_plan("/product/conn/connection", "GET", query=(("pageSize", "10"),))) == []
    assert _errors(_plan("/product/conn/connection", "POST", body=b'{"a": "1"}')) == []
    assert _errors(_plan("/product/conn/connection", "DELETE", query=(("id", "1"),))) == []


def test_connection_path_judges_parameters_by_method() -> None:
    put = _errors(_plan("/product/conn/connection", "PUT"))
    assert put == [(16900202, "/product/conn/connection takes GET, POST or DELETE, not PUT "
                    "(CJ: \"Request method 'PUT' not supported\")")]  # fmt: skip
    body_on_delete = _errors(_plan("/product/conn/connection", "DELETE", body=b"{}"))
    assert any(code == 1600300 and "CJ reads DELETE parameters" in message for code, message in body_on_delete)
    query_on_post = _errors(_plan("/product/conn/connection", "POST", body=b"{}", query=(("id", "1"),)))
    assert any("JSON endpoint" in message for _, message in query_on_post)


def test_single_method_endpoints_still_name_their_one_method() -> None:
    assert _errors(_plan("/product/listV2", "POST"))[0] == (
        16900202,
        "/product/listV2 takes GET, not POST (CJ: \"Request method 'POST' not supported\")",
    )


def test_is_mutating_follows_the_method() -> None:
    connection = catalog.find("/product/conn/connection")
    assert connection is not None and connection.mutating is False  # the default method, GET, lists
    assert not catalog.is_mutating(connection, "GET")
    assert catalog.is_mutating(connection, "POST") and catalog.is_mutating(connection, "DELETE")
    create = catalog.find("/shopping/order/createOrderV2")
    assert catalog.is_mutating(create, "POST")
    assert not catalog.is_mutating(catalog.find("/product/query"), "GET")
    assert catalog.is_mutating(None, "POST") and not catalog.is_mutating(None, "GET")


def test_auth_endpoints_carry_their_throttle() -> None:
    token = catalog.find("/authentication/getAccessToken")
    refresh = catalog.find("/authentication/refreshAccessToken")
    assert token is not None and "5 minutes" in token.auth_throttle
    assert refresh is not None and "5 calls per minute" in refresh.auth_throttle
    assert all(not endpoint.auth_throttle for endpoint in catalog.ENDPOINTS if endpoint not in (token, refresh))


# --- likely codes: 16900403 only for a missing or empty JSON field ----------------------------------------------


def test_missing_json_field_is_16900403_with_cj_wording() -> None:
    errors = _errors(_plan("/product/addToMyProduct", body=b"{}"))
    assert errors == [(JSON_FIELD_EMPTY, 'required field productId is missing (CJ: "productId can not be empty")')]
    empty = _errors(_plan("/product/addToMyProduct", body=b'{"productId": ""}'))
    assert empty[0][0] == JSON_FIELD_EMPTY and "is empty" in empty[0][1]


def test_type_length_and_enum_errors_are_1600300_even_in_a_json_body() -> None:
    wrong_type = validate(_plan("/product/addToMyProduct", body=b'{"productId": 5}'))
    assert [(finding.likely_code, finding.field) for finding in wrong_type] == [(PARAM_ERROR, "productId")]
    too_long = validate(_plan("/product/addToMyProduct", body=json.dumps({"productId": "x" * 500}).encode()))
    assert [finding.likely_code for finding in too_long] == [PARAM_ERROR]
    items = {"startCountryCode": "CN", "endCountryCode": "US", "products": [{"quantity": "2"}]}
    nested = validate(_plan("/logistic/freightCalculate", body=json.dumps(items).encode()))
    assert {finding.likely_code for finding in nested if finding.field == "products[0].quantity"} == {PARAM_ERROR}
    no_quantity = b'{"startCountryCode": "CN", "endCountryCode": "US", "products": [{}]}'
    missing_nested = validate(_plan("/logistic/freightCalculate", body=no_quantity))
    assert any(finding.likely_code == JSON_FIELD_EMPTY and finding.field for finding in missing_nested)


def test_enum_warning_carries_1600300() -> None:
    warnings = validate(_plan("/shopping/order/list", query=(("status", "LOST"),)))
    assert any(f.likely_code == PARAM_ERROR and "documented values" in f.message for f in warnings)


def test_get_order_detail_uses_its_documented_wording() -> None:
    errors = _errors(_plan("/shopping/order/getOrderDetail"))
    assert errors == [(PARAM_ERROR, 'required field orderId is missing (CJ: "orderId must be not empty")')]
    field = next(spec for spec in catalog.find("/shopping/order/getOrderDetail").fields if spec.name == "orderId")  # type: ignore[union-attr]
    assert field.empty_message == "orderId must be not empty"


def test_missing_query_field_without_own_wording_is_param_error() -> None:
    errors = _errors(_plan("/shopping/order/deleteOrder"))
    assert errors == [(PARAM_ERROR, 'required field orderId is missing (CJ: "Param error")')]


# --- catalog lookups ------------------------------------------------------------------------------------------


def test_find_is_exact_and_paths_is_gone() -> None:
    assert catalog.find("/product/query") is not None
    assert catalog.find("/api2.0/v1/product/query") is None
    assert catalog.find_case_insensitive("/api2.0/v1/product/query") is None
    assert catalog.find_case_insensitive("/PRODUCT/query") is catalog.find("/product/query")
    assert not hasattr(catalog, "paths")


# --- redact: field names in free text, openId ---------------------------------------------------------------

SECRET = "s3cr3t-value-0123456789"


@pytest.mark.parametrize(
    "text",
    [
        f"token={SECRET}",
        f"TOKEN = {SECRET}",
        f"access_token={SECRET}",
        f"accessToken: {SECRET}",
        f"refresh_token={SECRET}",
        f"refresh-token={SECRET}",
        f"api_key={SECRET}",
        f"api-key: {SECRET}",
        f"apiKey={SECRET}",
        f"secret={SECRET}",
        f'"token": "{SECRET}"',
        f"'secret': '{SECRET}'",
        f'{{"openId": "{SECRET}"}}',
        f"open_id={SECRET}",
        f"CJ-Access-Token: {SECRET}",
        f"platformToken={SECRET}",
        f"Cookie: {SECRET}",
        f"Authorization: Bearer {SECRET}",
        f"https://x.example/a?pid=1&token={SECRET}&b=2",
        f"csrf_token={SECRET}",
    ],
)
def test_secret_fields_in_free_text_are_masked(text: str) -> None:
    scrubbed = redact.scrub(text)
    assert SECRET not in scrubbed and "[redacted" in scrubbed, scrubbed
    assert "*" * len(SECRET) in redact.blank(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20), st.booleans())
def test_escaping_skips_its_pattern_only_for_plain_ascii(text: str, keep_line_breaks: bool) -> None:
    pattern = escaping._LINES if keep_line_breaks else escaping._ONE_LINE
    assert escaping.escaped(text, keep_line_breaks=keep_line_breaks) == pattern.sub(escaping._escape, text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["token", "apiKey", "open_id", ":", "=", " ", '"', "@", "%40", "eyJ", "api", "CJ", "API", "."])
        | st.text(alphabet="abcdef0123456789-_xyz", max_size=12),
        max_size=12,
    ).map("".join)
)
def test_the_character_checks_before_the_secret_patterns_change_nothing(text: str) -> None:
    # scrub() skips a pattern when the text lacks a character the pattern needs: the same answer as always applying it.
    fields = redact._FIELD_IN_TEXT.sub(lambda match: match.group(1) + redact._mask_unless_masked(match.group(2)), text)
    expected = redact._SECRET_SHAPES.sub(lambda match: redact._mask_unless_masked(match.group(0)), fields)
    assert redact.scrub(text) == expected
    assert redact.scrub(text, fields=False) == redact._SECRET_SHAPES.sub(
        lambda match: redact._mask_unless_masked(match.group(0)), text
    )


@pytest.mark.parametrize(
    "text",
    [
        "cannot read token file /home/u/token: no such file",
        "no access token: run 'cjerr auth login' (for this base URL), give --token-file PATH, set CJ_ACCESS_TOKEN, "
        "or add access_token to the config file",
        "Invalid API key or access token. How to get access token: https://developers.cjdropshipping.cn/en/api",
        "the token: expired",
        "refresh the token first; secret keys stay secret",
        "tokens=3",
        "mytoken=abcdef",
    ],
)
def test_prose_about_tokens_is_left_alone(text: str) -> None:
    assert redact.scrub(text) == text


def test_open_id_is_a_secret_name_and_numbers_are_masked() -> None:
    assert redact.is_secret_name("openId") and redact.is_secret_name("open_id")
    masked = redact.json_value(
        {"data": {"openId": 33689, "accessToken": SECRET, "ratio": 1.5, "secret": 2.5, "token": True, "apiKey": None}}
    )
    assert masked["data"]["openId"] == "[redacted]" and masked["data"]["secret"] == "[redacted]"
    assert SECRET not in json.dumps(masked)
    assert masked["data"]["ratio"] == 1.5 and masked["data"]["token"] is True and masked["data"]["apiKey"] is None


def test_every_secret_name_is_caught_in_text() -> None:
    for name in ("CJ-Access-Token", "platformToken", "apiKey", "accessToken", "refreshToken", "password", "openId"):
        assert SECRET not in redact.scrub(f"{name}={SECRET}"), name
        assert SECRET not in redact.scrub(f'"{name}": "{SECRET}"'), name
