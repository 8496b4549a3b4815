"""What people paste and pipe, through the installed cjerr: lookup's forms, explain's formats and streams."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cj_errors.base.exits import ExitStatus
from tests.conftest import Runner, cjerr_executable, clean_env

# --- lookup ---------------------------------------------------------------------------


def _lookup(run: Runner, *queries: str) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    result = run("lookup", "--json", *queries)
    return result.returncode, json.loads(result.stdout)["results"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Insufficient API points. Used today: 104890, Remaining: 0, Required: 10.", 16900500),
        ("Insufficient API points. Used today: 124430, Remaining: 0", 16900500),
        ("Too Many Requests, QPS limit is 2 time/1second", 1600200),
        ("too many requests, qps limit is 6 time/1second.", 1600200),
        ("\ufeffProduct not found", 1602001),
        ("Product not found, pid:1985602065137795073", 1602001),
        ("Order exist，please do not duplicate create。", 1603003),
        ("\u201cAPIkey is wrong, please check and try again\u201d", 1600005),
        ("1602001 Product not found", 1602001),
        ("1600005 - APIkey is wrong, please check and try again", 1600005),
        ("CJ API error 1600200: Too Many Requests, QPS limit is 1 time/1second", 1600200),
        ("⛔ CJ-Fehler 16900500: Insufficient API points.", 16900500),
        ("令牌交换失败", 1600009),
        ("Invaild API key or acess token", 1600001),
        # From the review: digits inside a wording are values; a leading code decides; short wordings in context.
        (
            "webhook set failed: You do not meet our service requirements, Please check and try again. "
            "1.Request Protocols: HTTPS, 2. Request Method: POST, 3.Content-Type: application/json, "
            "4. Response Status Code: 200, 5. Response must be returned within 3 seconds.",
            1606001,
        ),
        ("1600010 RedirectUri must be not empty.", 1600010),
        ("1600300 orderId must be not empty", 1600300),
        ("error: System busy", 1600000),
        ("CJ returned System busy", 1600000),
    ],
)
def test_lookup_finds_what_people_paste(run_here: Runner, query: str, code: int) -> None:
    status, results = _lookup(run_here, query)
    assert status == ExitStatus.SUCCESS
    assert results[0]["matches"][0]["code"] == code


def test_the_code_decides_and_a_foreign_message_is_named(run_here: Runner) -> None:
    status, (result,) = _lookup(run_here, "1600300: APIkey is wrong, please check and try again")
    assert status == ExitStatus.SUCCESS
    assert result["code"] == 1600300 and result["read_as"] == "code+message"
    assert "1600005" in result["note"]


def test_a_pasted_body_gives_its_code_and_points_to_explain(run_here: Runner) -> None:
    text = "2026-01-01 ERROR {'code': 1600001, 'result': False, 'message': 'Invalid API key or access token'}"
    status, (result,) = _lookup(run_here, text)
    assert status == ExitStatus.SUCCESS and result["code"] == 1600001 and result["read_as"] == "body"
    assert "cjerr explain" in result["note"]


def test_several_codes_in_one_argument_are_several_queries(run_here: Runner) -> None:
    status, results = _lookup(run_here, "1600200, 1600201")
    assert status == ExitStatus.SUCCESS
    assert [result["code"] for result in results] == [1600200, 1600201]


def test_no_match_offers_did_you_mean_and_exits_1(run: Runner) -> None:
    result = run("lookup", "Interface went away")
    assert result.returncode == ExitStatus.NOT_FOUND
    assert "did you mean:" in result.stdout and "1600101" in result.stdout
    status, (data,) = _lookup(run, "Interface went away")
    assert status == ExitStatus.NOT_FOUND and not data["found"]
    assert data["did_you_mean"][0]["code"] in (1600100, 1600101)


def test_a_typo_counts_as_found_and_says_which_wording(run_here: Runner) -> None:
    result = run_here("lookup", "Variant not fuond")
    assert result.returncode == ExitStatus.SUCCESS
    assert result.stdout.startswith('note: "Variant not fuond": no exact wording matches; the closest is')
    assert "\n1602000  " in result.stdout


# --- explain: formats ---------------------------------------------------------------


def _explain(run: Runner, text: str, *args: str) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    result = run("explain", "--json", "--each", *args, "-", input=text)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return result.returncode, lines


def test_a_mixed_log_exits_by_its_nested_auth_error(run: Runner) -> None:
    log = "\n".join(
        [
            '{"level":30,"msg":"sync","response":{"data":{"code":200,"result":true,"data":[]}}}',
            '{"level":50,"msg":"CJ call failed","err":{"response":{"status":200,"data":'
            '{"code":1600001,"result":false,"message":"Invalid API key or access token"}}}}',
            "[2026-08-18 22:05:13] production.ERROR: CJ API Error "
            '{"message":"Insufficient API points. Used today: 104890, Remaining: 0, Required: 10.","code":16900500}',
        ]
    )
    status, lines = _explain(run, log)
    assert status == ExitStatus.AUTH
    assert [line["code"] for line in lines[:-1]] == [200, 1600001, 16900500]


def test_curl_i_gives_the_status_of_an_html_429(run_here: Runner) -> None:
    text = "HTTP/2 429 \r\ncontent-type: text/html\r\ndate: Tue, 01 Dec 2026 10:00:00 GMT\r\n\r\n<html>busy</html>\r\n"
    result = run_here("explain", "-", input=text)
    assert result.returncode == ExitStatus.TEMPORARY
    assert result.stdout.startswith("HTTP 429: too many requests (HTML page)")


def test_curl_v_and_httpie_transcripts(run_here: Runner) -> None:
    curl_v = (
        "*   Trying 1.2.3.4:443...\n> GET /api2.0/v1/product/query?pid=1 HTTP/2\n"
        "> Host: developers.cjdropshipping.com\n"
        ">\n< HTTP/2 502\n< content-type: text/html\n<\n<html><body>502 Bad Gateway</body></html>\n"
        "* Connection #0 to host developers.cjdropshipping.com left intact\n"
    )
    status, lines = _explain(run_here, curl_v)
    assert status == ExitStatus.TEMPORARY and lines[0]["http_status"] == 502
    httpie = (
        "HTTP/1.1 200 OK\nContent-Type: application/json\n\n"
        '{\n    "code": 1600001,\n    "result": false,\n    "message": "Invalid API key or access token",\n'
        '    "data": null,\n    "requestId": "7f3c2a1b"\n}\n'
    )
    status, lines = _explain(run_here, httpie)
    assert status == ExitStatus.AUTH and lines[0]["request_id"] == "7f3c2a1b"


def test_node_and_python_literals_over_several_lines(run_here: Runner) -> None:
    node = (
        "CJ API Error: {\n  code: 1600200,\n  result: false,\n"
        "  message: 'Too Many Requests, QPS limit is 1 time/1second',\n  data: null,\n  headers: [Object],\n}\n"
    )
    python = (
        "{'code': 1603003, 'result': False, 'message': 'Order exist, please do not duplicate create', 'data': None}\n"
    )
    status, lines = _explain(run_here, node + python)
    assert status == ExitStatus.API_ERROR
    assert [(line["line"], line["code"]) for line in lines[:-1]] == [(1, 1600200), (8, 1603003)]


def test_an_escaped_body_and_a_code_less_body(run_here: Runner) -> None:
    escaped = '{"level":"error","body":"{\\"code\\":1600002,\\"result\\":false,\\"message\\":\\"x\\"}"}\n'
    code_less = '{"message": "Insufficient API points. Used today: 5, Remaining: 0, Required: 10"}\n'
    status, lines = _explain(run_here, escaped + code_less)
    assert [line["code"] for line in lines[:-1]] == [1600002, 16900500]
    assert lines[1]["code_inferred"] is True
    assert status == ExitStatus.AUTH


def test_a_cut_off_body_is_reported_and_counted(run_here: Runner) -> None:
    text = '{"code":200,"result":true}\n2026-01-01 WARN cj response {"result": false, "code": 16\n'
    status, lines = _explain(run_here, text)
    summary = lines[-1]["summary"]
    assert summary["unreadable"] == 1 and summary["first_unreadable_line"] == 2
    assert lines[1]["readable"] is False
    assert status == ExitStatus.NOT_ENVELOPE
    plain = run_here("explain", "-", input=text)
    assert "1 looked like a CJ response but could not be read (first at line 2" in plain.stdout


def test_utf16_from_powershell_is_read(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "response.json"
    body = '{"code":1600001,"result":false,"message":"Invalid API key or access token","requestId":"r-1"}\r\n'
    path.write_bytes(body.encode("utf-16"))  # with a BOM, as Windows PowerShell's > writes it
    result = run("explain", str(path))
    assert result.returncode == ExitStatus.AUTH
    assert "UTF-16 text" in result.stdout
    path.write_bytes(body.encode("utf-16-le"))  # no BOM
    assert run("explain", str(path)).returncode == ExitStatus.AUTH


def test_an_inline_body_is_explained_and_a_missing_file_is_named(run_here: Runner) -> None:
    result = run_here("explain", '{"code":1600200,"message":"Too Many Requests, QPS limit is 1 time/1second"}')
    assert result.returncode == ExitStatus.TEMPORARY
    missing = run_here("explain", "no-such.log")
    assert missing.returncode == ExitStatus.NO_INPUT
    assert missing.stderr == "cjerr: cannot read 'no-such.log': no such file\n"


def test_several_files_name_their_source(run_here: Runner, tmp_path: Path) -> None:
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    first.write_text('{"code":200,"result":true}\n')
    second.write_text('{"code":1600200,"result":false}\n{"code":200}\n')
    result = run_here("explain", "--json", "--each", str(first), str(second))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["source"], line["line"]) for line in lines[:-1]] == [
        (str(first), 1),
        (str(second), 1),
        (str(second), 2),
    ]
    assert lines[-1]["summary"]["responses"] == 3 and lines[-1]["summary"]["lines"] == 3
    assert result.returncode == ExitStatus.TEMPORARY
    plain = run_here("explain", "--each", str(first), str(second))
    assert plain.stdout.startswith(f"{first}:line 1: CJ success\n")


# --- explain: streams -----------------------------------------------------------------


def _read_line(stream: object, timeout: float = 15) -> str:
    """One line from a process's stdout, failing the test if none arrives in time."""
    fileno = stream.fileno()  # type: ignore[attr-defined]
    ready, _, _ = select.select([fileno], [], [], timeout)
    assert ready, "no output arrived: explain is holding lines back"
    return stream.readline()  # type: ignore[attr-defined,no-any-return]


def test_each_prints_every_response_as_it_arrives(tmp_path: Path) -> None:
    with subprocess.Popen(
        [cjerr_executable(), "explain", "--each", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(tmp_path),
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write('{"code":1600200,"message":"Too Many Requests, QPS limit is 1 time/1second"}\n')
        process.stdin.flush()
        assert _read_line(process.stdout) == "line 1: CJ error 1600200: Rate limit hit (too many requests)\n"
        process.stdin.write('{"code":200,"result":true}\n')
        process.stdin.flush()
        assert _read_line(process.stdout) == "line 2: CJ success\n"
        process.stdin.close()
        assert process.wait(timeout=30) == ExitStatus.TEMPORARY


def test_follow_reads_a_growing_file_and_ctrl_c_ends_with_the_summary(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("")
    with subprocess.Popen(
        [cjerr_executable(), "explain", "--follow", str(log)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(tmp_path),
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        with log.open("a") as out:
            out.write('{"code":1600001,"result":false}\n{"code":200,')  # the second line is still being written
        assert _read_line(process.stdout) == "line 1: CJ error 1600001: Invalid API key or access token\n"
        with log.open("a") as out:
            out.write('"result":true}\n')
        assert _read_line(process.stdout) == "line 2: CJ success\n"
        log.write_text('{"code":1600200}\n')  # truncated and rewritten, as log rotation does
        assert _read_line(process.stdout).startswith("line 3: CJ error 1600200")
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)
        rest = process.stdout.read()
        status = process.wait(timeout=30)
        errors = process.stderr.read()
    assert rest.startswith("3 responses in 3 lines\n")
    assert status == ExitStatus.AUTH
    assert "Traceback" not in errors


def test_follow_needs_one_file(run: Runner) -> None:
    result = run("explain", "--follow", "-", input="")
    assert result.returncode == ExitStatus.USAGE and result.stderr.startswith("cjerr: --follow watches one FILE")


def test_long_text_is_not_compared_in_full() -> None:
    """Wordings are compared in full only up to a wording's length, similarity only for short text,
    and a text without a wording's fixed part never reaches that wording's pattern."""
    from cj_errors.reading import pasted
    from cj_errors.table import codes, matching

    long_points = "Insufficient API points. Used today: " + "1, " * 2000
    assert len(long_points) > matching.MAX_WORDING_CHARS and codes.match_message(long_points) == []
    assert [entry.code for entry in pasted.lookup(long_points).entries][:1] == [16900500]  # found inside
    assert codes.similar("Invaild API key " * 100) == []
    assert [candidate.code for candidate in codes.similar("Invaild API key")][:1] == [1600001]
    assert codes._candidates_in(codes.normalize("2026-08-18 INFO [CJ] sync product 1 done in 12 ms")) == []


def test_a_body_cut_off_at_the_end_still_names_its_code(run_here: Runner) -> None:
    # Exit 76 as documented for a truncated body; the code its text names is in the verdict as a hint.
    result = run_here("explain", '{"code":1600001,"result":false,"message":"Invalid API ke')
    assert result.returncode == ExitStatus.NOT_ENVELOPE
    assert result.stdout.startswith("looks like a CJ response (code 1600001: Invalid API key or access token), but")
    assert "could not be read whole (cut short?)" in result.stdout
    pretty = run_here("explain", "-", input='{\n  "code": 1600200,\n  "result": false,\n  "message": "Too Many')
    assert pretty.returncode == ExitStatus.NOT_ENVELOPE
    assert "the body is cut short: the input ends before its closing brace" in pretty.stdout


def test_counts_are_singular_when_they_are_one(run_here: Runner) -> None:
    result = run_here("explain", "-", input='[{"code":200},{"code":1600200}]\n')
    assert result.stdout.startswith("2 responses in 1 line\n")


def test_a_5xx_to_a_create_order_in_a_curl_transcript_is_an_unknown_outcome(run_here: Runner) -> None:
    transcript = (
        "> POST /api2.0/v1/shopping/order/createOrderV2 HTTP/1.1\n> Host: developers.cjdropshipping.com\n>\n"
        "< HTTP/1.1 504 Gateway Time-out\n< Content-Type: text/html\n<\n<html>504 Gateway Time-out</html>\n"
        "* Connection #0 to host developers.cjdropshipping.com left intact\n"
    )
    result = run_here("explain", "-", input=transcript)
    assert result.returncode == ExitStatus.OUTCOME_UNKNOWN
    assert result.stdout.startswith("outcome unknown: HTTP 504") and "orderNumber" in result.stdout
    read_only = transcript.replace("POST /api2.0/v1/shopping/order/createOrderV2", "GET /api2.0/v1/product/query")
    assert run_here("explain", "-", input=read_only).returncode == ExitStatus.TEMPORARY


def test_a_transcripts_status_ends_with_its_body(run_here: Runner) -> None:
    text = (
        "HTTP/1.1 502 Bad Gateway\nContent-Type: application/json\n\n"
        '{"code":1600000,"result":false,"message":"System busy"}\n'
        + '{"code":200,"result":true,"message":"Success"}\n'
        * 3
    )
    status, lines = _explain(run_here, text)
    assert [line["http_status"] for line in lines[:-1]] == [502, 200, 200, 200]
    assert [line["ok"] for line in lines[:-1]] == [False, True, True, True]
    assert status == ExitStatus.TEMPORARY


def test_follow_refuses_an_inline_body(run_here: Runner) -> None:
    result = run_here("explain", "--follow", '{"code":1600001}')
    assert result.returncode == ExitStatus.USAGE and "--follow watches a FILE" in result.stderr


@pytest.mark.parametrize("env", [{}, {"CJERR_NO_FAST_PATH": "1"}], ids=["fast-path", "full-cli"])
def test_a_pasted_bullet_starting_with_a_dash_is_a_query_not_an_option(run_here: Runner, env: dict[str, str]) -> None:
    # A markdown bullet pasted whole, as in OpenSIN-Code/cj-dropshipping-skill references/rate-limits.md:
    # Click took "- 429 or ..." for an option and stopped with "No such option: -".
    bullet = '- 429 or `code: 2000001` "Too Many Requests, QPS limit is 1 time/1second"'
    ran = run_here("lookup", "--json", bullet, "1600201", env=env)
    assert ran.returncode == 0, ran.stderr
    results = json.loads(ran.stdout)["results"]
    assert [result["query"] for result in results] == [bullet, "1600201"]
    assert results[0]["matches"][0]["code"] == 1600200
    # A real unknown option is still refused.
    assert run_here("lookup", "-x", "1600200", env=env).returncode == ExitStatus.USAGE
    # Queries after a "--" of the user's own stay queries, and options keep their values.
    ran = run_here("lookup", "--json", bullet, "--color", "never", "--", "1600201", env=env)
    assert ran.returncode == 0, ran.stderr
    assert [result["query"] for result in json.loads(ran.stdout)["results"]] == [bullet, "1600201"]
    # An option missing its value is named, as it is without a pasted bullet.
    for argv in (("lookup", bullet, "--color"), ("lookup", "--color")):
        ran = run_here(*argv, env=env)
        assert ran.returncode == ExitStatus.USAGE
        assert "'--color' requires an argument" in ran.stderr, ran.stderr


# Labels and list markers before a message, in the forms clients write them: a logger's level, an
# exception's class name (e.g. `raise CJApiException(message)` printed by a traceback), a bullet.
_LABELLED = [
    ("error: Too Many Requests", 1600200),
    ("CJ API error: Too Many Requests", 1600200),
    ("* Too Many Requests", 1600200),
    ("1. Too Many Requests, QPS limit is 1 time/1second", 1600200),
    ("[ERROR] Invalid API key", 1600001),
    ("Warning: Invalid API key", 1600001),
    ("CJApiException: APIkey is wrong, please check and try again", 1600005),
    ("requests.exceptions.HTTPError: Too Many Requests", 1600200),
    ("- Error: Product not found", 1602001),
]


def test_a_label_or_list_marker_before_a_message_is_read_as_the_message(run_here: Runner) -> None:
    status, results = _lookup(run_here, *(query for query, _ in _LABELLED))
    assert status == 0
    for (query, code), result in zip(_LABELLED, results, strict=True):
        assert result["matches"][0]["code"] == code, query
    assert 'after "CJ API error:"' in results[1]["note"]


def test_text_before_a_colon_that_is_a_wording_is_not_a_label(run_here: Runner) -> None:
    # The code of the wording before the colon decides, as before labels were read; and an error
    # label never turns a success wording into an answer: "Error: Success" does not say a call worked.
    status, results = _lookup(run_here, "Product not found: Success", "Order confirm fail: Too Many Requests")
    assert status == 0
    assert [result["matches"][0]["code"] for result in results] == [1602001, 1603001]
    for query in ("Error: Success", "warning: Success", "CJApiException: success"):
        ran = run_here("lookup", "--json", query)
        assert ran.returncode == ExitStatus.NOT_FOUND, query
        assert all(match["code"] not in (0, 200) for match in json.loads(ran.stdout)["results"][0]["matches"])


def test_a_code_logged_under_a_clients_own_key_is_read_with_its_own_message(run_here: Runner) -> None:
    # The first line is the shape of a real client's test log (responseCode/responseMessage); the
    # others check that CJ's `code` key wins, that an HTTP status under a client key is not the code,
    # and that each code key takes the message under its own stem.
    log = "\n".join(
        [
            '{ operation: "create-order-v2", httpStatus: 200, responseCode: 1601001, '
            'responseMessage: "Insufficient wallet balance" }',
            "responseCode=429, error 1600200 Too Many Requests, QPS limit is 1 time/1second",
            'responseCode=1602001 responseMessage=OK code=1600200 message="Too Many Requests"',
            'errCode: 1602001, errMsg: "Product not found", message: "request failed"',
            "status_code=200 code=1600001 msg='Invalid API key or access token'",
        ]
    )
    status, lines = _explain(run_here, log)
    assert status == ExitStatus.AUTH
    read = [(line["code"], line["message"]) for line in lines[:-1]]
    assert read == [
        (1601001, "Insufficient wallet balance"),
        (1600200, "Too Many Requests, QPS limit is 1 time/1second"),
        (1600200, "Too Many Requests"),
        (1602001, "Product not found"),
        (1600001, "Invalid API key or access token"),
    ]


def test_a_lines_cj_wording_cut_to_its_first_clause_names_its_code_only_when_no_other_begins_so(
    run_here: Runner,
) -> None:
    # Clients log the start of a wording ("APIkey is wrong" of 1600005's), as api-mcp-style request
    # loggers log the code after an arrow; a first clause that two codes' wordings begin with ("Too Many
    # Requests": 1600200 and 1600201) names neither, and an arrow counts only in a line about CJ.
    log = "\n".join(
        [
            "[cj] order sync failed: APIkey is wrong",
            "[cj-client] POST /api2.0/v1/shopping/order/createOrderV2 -> 1600200 (12ms)",
            "GET /health -> 1600200",
            "[CJ] sync: Too Many Requests",
        ]
    )
    status, lines = _explain(run_here, log)
    assert status == ExitStatus.AUTH
    assert [(line["line"], line["code"]) for line in lines[:-1]] == [(1, 1600005), (2, 1600200)]
    assert lines[-1]["summary"]["skipped_lines"] == 2


def test_a_wording_is_matched_before_masking_hides_part_of_it(run_here: Runner) -> None:
    # A client logs the path, then CJ's message: "getAccessToken: Email ..." has the shape of a token
    # field, so masking turns "Email" into [redacted]. Matched after masking, the line named no code
    # and was reported as a CJ success (exit 0); the wording is now matched as it came, and the printed
    # message is still masked.
    log = "\n".join(
        [
            "2026-08-09 20:27:58,412 - services.cj_client - ERROR - CJ rejected "
            "/v1/authentication/getAccessToken: Email or password is wrong, please check and try again.",
            '{"result": false, "message": "getAccessToken: Email or password wrong, please check and try again"}',
        ]
    )
    status, lines = _explain(run_here, log)
    assert status == ExitStatus.AUTH
    assert [(line["code"], line["code_inferred"], line["ok"]) for line in lines[:-1]] == [(1600005, True, False)] * 2
    assert all("getAccessToken: [redacted] or password" in line["message"] for line in lines[:-1])


def test_a_known_code_in_brackets_counts_only_in_a_cj_line_that_says_a_call_failed(run_here: Runner) -> None:
    # The shape of a NestJS client's retry warning reads; process ids in brackets (syslog's name[pid],
    # gunicorn's [pid]), brackets in lines that say nothing failed, a bracket before the mention of CJ,
    # one in a line that names no CJ, and a CJ order number that contains a code all name nothing.
    log = "\n".join(
        [
            "[Nest] 23816  - 10/23/2025, 9:47:12 AM    WARN [CJAPIClient] Rate limit atteint (1600200), "
            "attente de 15000ms avant retry...",
            "WARN [cj] sync failed [1601000]",
            "Jan 10 12:00:01 web1 cjsync[1600200]: CJ order failed",
            "[2026-01-01 10:00:00 +0000] [1600100] [ERROR] CJ webhook failed",
            "INFO [1603000] CJ API call succeeded",
            "CJ sync finished (1600200) items imported",
            "CJ product (1604000) stock updated",
            "INFO shop (1600200) sync failed",
            "ERROR [CJ] order (2604151032471600300) failed",
        ]
    )
    status, lines = _explain(run_here, log)
    assert status == ExitStatus.AUTH
    assert [(line["line"], line["code"]) for line in lines[:-1]] == [(1, 1600200), (2, 1601000)]
    assert lines[-1]["summary"]["skipped_lines"] == 7


def test_only_live_standard_input_is_passed_on_line_by_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cj_errors.reading import explain_input

    saved = tmp_path / "saved.log"
    saved.write_text('{"code":200}\n')
    assert not explain_input.arrives_live((str(saved),))
    with saved.open() as redirected:  # `cjerr explain - < saved.log`: a file, read at full speed
        monkeypatch.setattr(sys, "stdin", redirected)
        assert not explain_input.arrives_live(("-",))
    reader, writer = os.pipe()
    try:
        with os.fdopen(reader) as piped:  # `tail -f app.log | cjerr explain --each -`: lines come as written
            monkeypatch.setattr(sys, "stdin", piped)
            assert explain_input.arrives_live(("-",))
    finally:
        os.close(writer)
