"""explanation.py and validate.py in-process: CJ's success rule, its variants, and request checks."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from cj_errors.base.exits import ExitStatus
from cj_errors.reading.explanation import explain_document, explain_response, next_reset, parse_envelope
from cj_errors.reading.lines import read_lines
from cj_errors.reading.results import Summary
from cj_errors.reading.stream import explain_stream
from cj_errors.requests.findings import Severity
from cj_errors.requests.validate import RequestPlan, parse_json_body, validate
from cj_errors.table import catalog
from cj_errors.table.model import Outcome

NOW = dt.datetime(2026, 11, 26, 22, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("document", "http_status", "ok"),
    [
        ({"code": 200, "result": True, "message": "Success"}, 200, True),
        ({"result": True, "data": {}}, 200, True),  # no code: success by CJ's rule
        ({"code": 0, "success": True, "message": None}, 200, True),  # getShops / globalWarehouseList
        ({"code": 0}, 200, False),  # code 0 is a success only with success=true
        ({"message": "Success", "data": {"x": 1}}, 200, True),  # a success wording never infers a code
        ({"success": True, "message": "Congratulation! Well done!"}, 200, True),
        ({"success": True, "code": 200, "message": ""}, 200, True),  # getInventoryByPid
        ({"code": 200, "result": True}, 500, False),  # HTTP status != 200 is a failure
        ({"code": 200, "result": False}, 200, False),
        ({"code": 0, "success": False}, 200, False),
        ({"code": 1600200, "message": "Too Many Requests, QPS limit is 1 time/1second"}, 200, False),
    ],
)
def test_success_rule(document: dict[str, object], http_status: int, ok: bool) -> None:
    assert explain_document(document, http_status).ok is ok


def test_error_in_http_200_is_classified_by_code() -> None:
    explanation = explain_document({"code": 1600001, "result": False, "message": "No permission"})
    assert (explanation.code, explanation.outcome, explanation.exit_status) == (1600001, Outcome.AUTH, 77)
    assert explanation.contradiction is None  # "No permission" is 1600001's legacy wording


def test_contradiction_between_message_and_code() -> None:
    explanation = explain_document({"code": 1600100, "message": "Param error"})
    assert explanation.contradiction is not None and "1600300" in explanation.contradiction
    other = explain_document({"code": 1602001, "message": "Interface not found"})
    assert other.contradiction is not None and "1600101" in other.contradiction


def test_code_inferred_from_message_when_absent() -> None:
    explanation = explain_document({"message": "access token cannot be empty"})
    assert (explanation.ok, explanation.code, explanation.code_inferred) == (False, 1600002, True)
    assert explanation.exit_status is ExitStatus.AUTH


def test_wrong_field_types_are_reported_not_fatal() -> None:
    as_string = explain_document({"code": "1600200", "message": "x"})
    assert as_string.code == 1600200 and any("string" in hint for hint in as_string.hints)
    null_code = parse_envelope({"code": None, "result": False})
    assert null_code is not None and null_code.code is None and "`code` is null" in null_code.problems
    assert explain_document({"code": True, "result": False}).ok is False
    huge = explain_response(b'{"code": ' + b"9" * 10_000 + b', "result": false}')
    assert huge.ok is False and any("digit" in hint for hint in huge.hints)


def test_unknown_code_uses_its_family() -> None:
    explanation = explain_document({"code": 1603999, "result": False, "message": "?"})
    assert explanation.exit_status is ExitStatus.API_ERROR and "1603xxx" in explanation.verdict


def test_points_hint_says_when_the_reset_comes() -> None:
    body = {"code": 16900500, "result": False, "message": "Insufficient API points. Used today: 104890, "
            "Remaining: 0, Required: 10. ..."}  # fmt: skip
    explanation = explain_document(body, 200, NOW)
    assert explanation.exit_status is ExitStatus.QUOTA
    assert any("used today 104890" in hint for hint in explanation.hints)
    assert any("2026-11-27 00:00 UTC, in 1 h 30 min" in hint for hint in explanation.hints)
    assert next_reset(NOW) == dt.datetime(2026, 11, 27, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("body", "status", "exit_status", "fragment"),
    [
        (b"<html>Bad Gateway</html>", 502, ExitStatus.TEMPORARY, "HTML page"),
        (b"", 200, ExitStatus.NOT_ENVELOPE, "empty body"),
        (b'{"code": 1600200, "resu', 200, ExitStatus.NOT_ENVELOPE, "truncated or malformed JSON"),
        (b"\xff\xfe\x00garbage", 200, ExitStatus.NOT_ENVELOPE, "not valid UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, 200, ExitStatus.NOT_ENVELOPE, "nested too deeply"),
        (b"Too Many Requests", 429, ExitStatus.TEMPORARY, "too many requests"),
    ],
)
def test_bodies_that_are_not_envelopes(body: bytes, status: int, exit_status: ExitStatus, fragment: str) -> None:
    explanation = explain_response(body, status, "text/html")
    assert explanation.exit_status is exit_status
    assert fragment in explanation.verdict
    assert explanation.body_preview is not None and "\x00" not in explanation.body_preview


def test_stream_summary_and_pretty_printed_documents() -> None:
    text = (
        b'{"code":200,"result":true}\n'
        b'noise {"code":1600200,"message":"Too Many Requests"} noise\n'
        b"{\n"
        b'  "code": 16900500,\n'
        b'  "message": "{ brace in a string"\n'
        b"}\n"
        b'[{"code": 1602001, "result": false}, {"code": 200}]\n'
    )
    summary = Summary()
    items = list(explain_stream(read_lines(io.BytesIO(text)), summary))
    assert [item.explanation.code for item in items] == [200, 1600200, 16900500, 1602001, 200]
    assert [item.line for item in items] == [1, 2, 3, 7, 7]
    assert summary.exit_status is ExitStatus.QUOTA


def test_oversized_lines_are_skipped_in_bounded_memory() -> None:
    stream = io.BytesIO(b"x" * 5000 + b"\n" + b'{"code":200}\n')
    lines = list(read_lines(stream, limit=1024))
    assert lines[0] == (None, True) and lines[1] == ('{"code":200}\n', False)


# --- validation -------------------------------------------------------------------


def test_json_syntax_errors_point_at_the_spot() -> None:
    _, findings = parse_json_body(b'{\n  "pid": "1",\n  "x": tru\n}')
    (finding,) = findings
    assert finding.likely_code == 16900205 and "line 3, column 8" in finding.message
    assert finding.detail.splitlines()[-1].endswith("^")
    assert parse_json_body(b'{"a": 1} trailing')[1][0].message.endswith("text after the end of the JSON value")
    assert "NaN" in parse_json_body(b'{"a": NaN}')[1][0].message
    assert "UTF-8" in parse_json_body(b'{"a": "\xff"}')[1][0].message
    value, duplicates = parse_json_body(b'{"a": 1, "a": 2}')
    assert value == {"a": 2} and duplicates[0].severity is Severity.WARNING


def _plan(path: str, method: str, **kwargs: object) -> RequestPlan:
    return RequestPlan(method=method, path=path, endpoint=catalog.find(path), has_token=True, **kwargs)  # type: ignore[arg-type]


def test_request_checks_name_the_code_cj_would_send() -> None:
    wrong_method = validate(_plan("/product/listV2", "POST"))
    assert any(finding.likely_code == 16900202 for finding in wrong_method)
    body_on_get = validate(_plan("/product/query", "GET", body=b'{"pid": "1"}'))
    assert any(finding.likely_code == 1600300 and "query string" in finding.message for finding in body_on_get)
    query_on_json = validate(_plan("/product/addToMyProduct", "POST", query=(("productId", "1"),)))
    assert any("JSON endpoint" in finding.message for finding in query_on_json)
    missing = validate(_plan("/product/addToMyProduct", "POST", body=b"{}"))
    assert any(finding.likely_code == 16900403 for finding in missing)
    too_long = validate(_plan("/product/query", "GET", query=(("countryCode", "USA"),)))
    assert [
        (finding.likely_code, "two-letter country code" in finding.message)
        for finding in too_long
        if finding.field == "countryCode"
    ] == [(1600300, True)]  # one finding: the country rule says more than "at most 2 characters"
    too_long = validate(_plan("/product/query", "GET", query=(("pid", "x" * 201),)))
    assert any("at most 200" in finding.message for finding in too_long)
    no_token = validate(RequestPlan("GET", "/product/getCategory", catalog.find("/product/getCategory")))
    assert [finding.likely_code for finding in no_token] == [1600002]
    deprecated = validate(_plan("/product/comments", "GET", query=(("pid", "1"),)))
    assert [finding.message.count("/product/productComments") for finding in deprecated] == [1]


def test_unknown_paths() -> None:
    known_wrong = validate(RequestPlan("GET", "/shopping/balance/getBalance", None, has_token=True))
    assert known_wrong[0].severity is Severity.ERROR and "/shopping/pay/getBalance" in known_wrong[0].message
    unknown = validate(RequestPlan("GET", "/product/quer", None, has_token=True))
    assert unknown[0].likely_code == 1600101 and "/product/query" in unknown[0].message


def test_a_wording_can_override_its_codes_outcome() -> None:
    added = {"code": 1600000, "result": False, "message": "The product has been added to My Products."}
    explanation = explain_document(added)
    assert explanation.exit_status is ExitStatus.API_ERROR and not explanation.retryable
    busy = explain_document({"code": 1600000, "result": False, "message": "System busy, please contact CJ IT"})
    assert busy.exit_status is ExitStatus.TEMPORARY and busy.retryable


def test_a_429_body_naming_a_qps_limit_is_temporary_not_quota() -> None:
    qps = {"code": 429, "result": False, "message": "Too Many Requests, QPS limit is 1 time/1second"}
    assert explain_document(qps, 429).exit_status is ExitStatus.TEMPORARY
    points = explain_document({"code": 429, "result": False, "message": "Insufficient points"}, 429)
    assert points.exit_status is ExitStatus.QUOTA and points.retry_after_reset and not points.retryable


def test_an_envelope_on_a_failing_status_says_so() -> None:
    explanation = explain_document({"code": 200, "result": True}, 500)
    assert not explanation.ok and explanation.verdict.startswith("HTTP 500 with a CJ envelope that says success")
    assert explanation.exit_status is ExitStatus.API_ERROR and explanation.content_type is None
    assert explain_document({"code": 200, "result": True}, 503).exit_status is ExitStatus.TEMPORARY


def test_inference_uses_the_wordings_owner() -> None:
    explanation = explain_document({"result": False, "message": "Param error"})
    assert explanation.code == 1600300 and explanation.code_inferred
    paraphrase = explain_document({"code": 1603100, "result": False, "message": "Order not found"})
    assert paraphrase.contradiction is None  # 803's "Order not found" is cjerr's description, not CJ's wording
