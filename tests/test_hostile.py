"""Hostile input never crashes cjerr, never hangs it, and never leaks a secret.

The bulk of the generated inputs go through the library in-process (fast);
smaller samples run through real ``cjerr`` processes, where the whole edge is
checked: the documented exit code, at most one ``cjerr: `` line on stderr (exactly
one when the run failed), no traceback, and a timeout on every run.

Generated inputs per run: the ``max_examples`` below add up to EXAMPLES_PER_RUN, with those of
tests/test_hostile_edges.py (closed pipes, Ctrl-C, unreadable files, secrets), split from this file so
the two run on two workers.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.output import documents, plain
from cj_errors.reading import explanation, pasted, results, stream
from cj_errors.reading import lines as reading_lines
from cj_errors.requests import probe
from cj_errors.table import catalog, codes
from tests.conftest import cjerr_executable, clean_env
from tests.hostile_servers import (
    TOKEN,
    assert_clean,
    assert_fails_with_one_line,
    assert_no_leak,
    leaked,
    peak_rss_kib,
    run_cjerr,
)
from tests.in_process import call_cjerr, call_cjerr_checked

# max_examples per property; their sum is what docs/reliability.md quotes.
EXAMPLES = {
    "lookup_library": 400,
    "lookup_numbers": 200,
    "lookup_cli": 12,
    "lookup_stdin_cli": 8,
    "explain_bytes": 400,
    "explain_jsonish": 300,
    "explain_envelopes": 400,
    "explain_stream": 200,
    "explain_depth": 40,
    "explain_big_numbers": 60,
    "explain_cli": 12,
    "probe_prepare": 400,
    "probe_header_injection": 150,
    "probe_traversal": 150,
    "probe_other_host": 200,
    "probe_cli": 10,
    "secrets_text": 200,
    "secrets_caret": 150,
}
EXAMPLES_PER_RUN = sum(EXAMPLES.values())


def fast(name: str) -> settings:
    return settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def slow(name: str) -> settings:
    """Properties that run the CLI per example (in this process: cjerr's entry point), with a module-scoped home."""
    return settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
EXPLAIN_STATUSES = {0, 69, 75, 76, 77, 79}  # what explaining a response can end in

# --- strategies -------------------------------------------------------------------------

any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200)  # surrogates included
argv_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
number_text = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=0, max_value=2**64).map(hex),
    st.integers(min_value=1, max_value=12_000).map(lambda n: "9" * n),
    st.sampled_from(["", " ", "-", "--", "0", "-0", "+1600200", "1e3", "1_600_200", "0x186A88", "１６００２００", "²"]),
)
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**45), max_value=10**45),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
code_value = st.one_of(
    json_value,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from(
        [200, 0, 1600200, 1600001, 16900500, 1600000, "200", "1600200", " 1600200 ", "²", "abc", "", True, False]
    ),
    st.sampled_from([1600200.0, 1.5, -0.0, 1e300, [1600200], {"code": 1}]),
)
envelope = st.fixed_dictionaries(
    {},
    optional={
        "code": code_value,
        "result": json_value,
        "success": json_value,
        "message": st.one_of(
            json_value, st.sampled_from(["Success", "Too Many Requests", "access token cannot be empty"])
        ),
        "data": json_value,
        "requestId": json_value,
    },
)


def check_explanation(result: explanation.Explanation) -> None:
    """The invariants every explanation keeps, whatever went in."""
    assert isinstance(result.exit_status, ExitStatus)
    assert int(result.exit_status) in EXPLAIN_STATUSES
    assert result.ok == (result.exit_status is ExitStatus.SUCCESS)
    text = plain.explanation_plain(result)
    assert not CONTROL.search(text), text  # nothing from the input can drive the terminal
    json.dumps(documents.explanation_to_dict(result), ensure_ascii=False)


# --- lookup -----------------------------------------------------------------------------


@fast("lookup_library")
@given(query=st.one_of(any_text, number_text, st.text(alphabet="\x00\n\r\t 0123456789abcxCJ-:\"'", max_size=40)))
def test_lookup_survives_any_query(query: str) -> None:
    result = pasted.lookup(query)
    assert result.found == bool(result.entries)
    plain.lookup_plain([result])
    json.dumps(documents.lookup_result_to_dict(result), ensure_ascii=False)


@fast("lookup_numbers")
@given(number=st.one_of(st.integers(), st.integers(min_value=-(10**5000), max_value=10**5000)))
def test_lookup_survives_any_integer(number: int) -> None:
    # str() of an int over 4,300 digits raises ValueError: lookup must not pass that on.
    result = pasted.lookup(number)
    if codes.get(number) is not None:
        assert result.entry is not None and result.entry.code == number
    plain.lookup_plain([result])


def test_lookup_of_named_hostile_values_in_process() -> None:
    for query in ["", "\x00", "a\x00b", "9" * 10_000, "-1600200", "1e308", "0x1600200", "nan", "1600200\x00"]:
        assert not CONTROL.search(plain.lookup_plain([pasted.lookup(query)]).replace("\n", ""))
    assert pasted.lookup(10**5000).found is False


@slow("lookup_cli")
@given(queries=st.lists(st.one_of(argv_text, number_text), min_size=1, max_size=4))
def test_lookup_cli_survives_hostile_arguments(home: Path, queries: list[str]) -> None:
    ran = call_cjerr("lookup", "--", *queries, home=home)
    if ran.returncode == ExitStatus.USAGE:
        # "-" reads standard input, which is empty here; an empty query is refused.
        assert "-" in queries or any(not query.strip() for query in queries), ran.describe()
        assert_fails_with_one_line(ran, ExitStatus.USAGE)
    else:
        assert_clean(ran, {0, 1})
        assert ran.stderr == b""


@slow("lookup_stdin_cli")
@given(data=st.binary(max_size=400).map(lambda raw: raw + b"\x00\n\x00x\n"))
def test_lookup_stdin_survives_nul_and_invalid_utf8(home: Path, data: bytes) -> None:
    # NUL cannot travel in argv; `lookup -` reads one query per line from standard input.
    ran = call_cjerr("lookup", "-", home=home, input=data)
    assert_clean(ran, {0, 1})


@pytest.mark.parametrize(
    "args",
    [
        ["lookup", "--", "9" * 10_000],
        ["lookup", "--", "-1600200", "1e308", "0x1600200", ""],
        ["lookup", "--json", "--", "-99999999999999999999999"],
        ["lookup", b"\xff\xfe"],
        ["lookup", "--color", "always", "--", "\x1b[2J\x1b]0;pwned\x07"],
        ["list", "--family", "\x1b[2J"],
    ],
    ids=["10k-digits", "negative-float-hex-empty", "json-huge-negative", "not-utf8", "escape-codes", "bad-family"],
)
def test_lookup_cli_named_hostile_arguments(home: Path, args: list[str | bytes]) -> None:
    ran = run_cjerr(*args, home=home, timeout=30)
    assert_clean(ran, {1, 2})
    assert "\x1b[2J" not in ran.out and "\x1b[2J" not in ran.err


def test_lookup_stdin_with_nul_only_is_a_usage_error(home: Path) -> None:
    ran = run_cjerr("lookup", "-", home=home, input=b"\x00\n \n", timeout=30)
    assert_clean(ran, {1, 2})


# --- explain: in-process -----------------------------------------------------------------


@fast("explain_bytes")
@given(body=st.one_of(st.binary(max_size=2000), any_text.map(lambda text: text.encode("utf-8", "surrogatepass"))))
def test_explain_response_survives_any_bytes(body: bytes) -> None:
    check_explanation(explanation.explain_response(body))
    check_explanation(explanation.explain_response(body, http_status=503, content_type="text/html"))


@fast("explain_jsonish")
@given(text=st.text(alphabet='{}[]":,0123456789.eE-+ truefalsnulNaInfiy\\u\x00\n', max_size=300))
def test_explain_response_survives_json_like_text(text: str) -> None:
    check_explanation(explanation.explain_response(text.encode()))


@fast("explain_envelopes")
@given(document=envelope)
def test_envelopes_with_wrong_field_types(document: dict[str, object]) -> None:
    result = explanation.explain_document(document)
    check_explanation(result)
    again = explanation.explain_response(json.dumps(document).encode())
    check_explanation(again)
    code = document.get("code", None)
    unusable = isinstance(code, bool | list | dict) or (isinstance(code, float) and not code.is_integer())
    unusable = unusable or (isinstance(code, str) and not (code.strip().isascii() and code.strip().isdigit()))
    if "code" in document and unusable:
        # A `code` that is there but is no number is never a CJ success.
        assert not result.ok, (document, result.verdict)


@fast("explain_stream")
@given(
    lines=st.lists(
        st.one_of(
            st.binary(max_size=200),
            envelope.map(lambda document: json.dumps(document).encode()),
            st.sampled_from([b"{", b"}", b'{"code":', b"1600200}", b"[", b"]]]", b'"\\', b"\xff{\xfe"]),
            envelope.map(lambda document: b"2026-01-01 INFO response " + json.dumps(document).encode() + b" done"),
        ),
        max_size=30,
    )
)
def test_explain_stream_survives_any_lines(lines: list[bytes]) -> None:
    summary = results.Summary()
    items = list(stream.explain_stream(reading_lines.read_lines(io.BytesIO(b"\n".join(lines))), summary))
    assert summary.responses + summary.unreadable == len(items)
    assert int(summary.exit_status) in EXPLAIN_STATUSES
    for item in items:
        check_explanation(item.explanation)
    plain.summary_plain(summary)
    json.dumps(documents.summary_to_dict(summary))


def nested(depth: int, kind: str) -> str:
    if kind == "array":
        return "[" * depth + "]" * depth
    if kind == "object":
        return '{"a":' * depth + "1" + "}" * depth
    return '{"a":[' * (depth // 2) + "1" + "]}" * (depth // 2)


@fast("explain_depth")
@given(depth=st.integers(min_value=1, max_value=5000), kind=st.sampled_from(["array", "object", "mixed"]))
def test_deep_nesting_never_raises_recursion_error(depth: int, kind: str) -> None:
    inner = nested(depth, kind)
    for body in (inner, '{"code":1600200,"data":' + inner + "}", '{"code":1600200,"message":' + inner + "}"):
        check_explanation(explanation.explain_response(body.encode()))
        summary = results.Summary()
        list(stream.explain_stream(reading_lines.read_lines(io.BytesIO(body.encode())), summary))


def test_json_nested_100000_levels_in_process() -> None:
    for kind in ("array", "object", "mixed"):
        body = nested(100_000, kind)
        for wrapped in (body, '{"code":1600200,"data":' + body + "}"):
            result = explanation.explain_response(wrapped.encode())
            check_explanation(result)
            assert result.exit_status is ExitStatus.NOT_ENVELOPE
            summary = results.Summary()
            list(stream.explain_stream(reading_lines.read_lines(io.BytesIO(wrapped.encode())), summary))


@fast("explain_big_numbers")
@given(
    digits=st.integers(min_value=41, max_value=12_000),
    sign=st.sampled_from(["", "-"]),
    where=st.sampled_from(["code", "data", "requestId", "message", "float", "exponent"]),
)
def test_numbers_with_thousands_of_digits(digits: int, sign: str, where: str) -> None:
    number = sign + "9" * digits
    body = {
        "code": f'{{"code":{number}}}',
        "data": f'{{"code":200,"data":{{"n":{number}}}}}',
        "requestId": f'{{"code":1600200,"requestId":{number}}}',
        "message": f'{{"code":1600200,"message":[{number}]}}',
        "float": f'{{"code":200,"data":{number}.{number[-digits:]}}}',
        "exponent": f'{{"code":1e{number}}}',
    }[where]
    result = explanation.explain_response(body.encode())
    check_explanation(result)
    if where == "code":
        assert result.exit_status is ExitStatus.NOT_ENVELOPE, result.verdict


def test_summary_stays_bounded_with_ever_new_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "MAX_SUMMARY_CODES", 50)
    lines = (f'{{"code":{10_000_000 + n},"requestId":"{"r" * 5000}"}}\n'.encode() for n in range(2000))
    summary = results.Summary()
    for _ in stream.explain_stream(reading_lines.read_lines(io.BufferedReader(_Chain(lines))), summary):
        pass
    assert summary.responses == 2000
    assert len(summary.per_code) == 50 and summary.untracked == 1950
    assert all(len(request_id) <= 128 for request_id in summary.first_request_id.values())
    assert "1950 responses with codes beyond the first 50 not itemized" in plain.summary_plain(summary)


class _Chain(io.RawIOBase):
    """A raw stream over an iterator of byte chunks, so the test input is never in memory at once."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._rest:
            self._rest = next(self._chunks, b"")
            if not self._rest:
                return 0
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


# --- explain: real processes ---------------------------------------------------------------


@slow("explain_cli")
@given(data=st.binary(max_size=3000), flags=st.sampled_from([[], ["--json"], ["--each"], ["--status", "503"]]))
def test_explain_cli_survives_any_bytes(home: Path, data: bytes, flags: list[str]) -> None:
    ran = call_cjerr("explain", *flags, "-", home=home, input=data)
    assert_clean(ran, EXPLAIN_STATUSES)
    assert ran.stderr == b""


ENVELOPE_CASES = [
    ('{"code":"1600200","result":false,"message":"Too Many Requests"}', ExitStatus.TEMPORARY, "`code` is a string"),
    ('{"code":null,"result":true,"data":{}}', ExitStatus.SUCCESS, "`code` is null"),
    ('{"code":null,"result":false}', ExitStatus.API_ERROR, "`code` is null"),
    ('{"code":1600001,"result":false,"message":"Invalid token"}', ExitStatus.AUTH, "Invalid"),  # no `data`
    ('{"code":true,"result":true,"message":"Success"}', ExitStatus.NOT_ENVELOPE, "boolean"),
    ('{"code":1600200.0,"result":false}', ExitStatus.TEMPORARY, "`code` is a float"),
    ('{"code":1.5,"result":true}', ExitStatus.NOT_ENVELOPE, "unexpected type (float)"),
    ('{"code":200,"result":true,"message":["a","list"]}', ExitStatus.SUCCESS, "`message` is not a string"),
    ('{"code":"\\u00b2","result":true}', ExitStatus.NOT_ENVELOPE, "unexpected type (str)"),
    ('{"code":NaN}', ExitStatus.NOT_ENVELOPE, "unexpected type (float)"),
    ('{"code":16900500,"message":{"nested":[1,2]},"requestId":[1]}', ExitStatus.QUOTA, "`message` is not a string"),
    ('{"code":1600200,"message":"\\ud800 lone surrogate","requestId":"\\u001b[31m"}', ExitStatus.TEMPORARY, "\\x1b"),
]


@pytest.mark.parametrize(("body", "status", "said"), ENVELOPE_CASES)
def test_explain_envelopes_with_wrong_field_types(home: Path, body: str, status: ExitStatus, said: str) -> None:
    check_explanation(explanation.explain_response(body.encode()))
    sampled = [case[0] for case in ENVELOPE_CASES].index(body) % 3 == 0  # these also run as real processes
    for flags in ([], ["--json"]):
        ran = call_cjerr_checked("explain", *flags, "-", home=home, input=body.encode(), real=sampled)
        assert_clean(ran, status)
        if not flags:
            assert said in ran.out, ran.describe()
        else:
            assert json.loads(ran.stdout)["exit_code"] == status


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"code":1600200,"data":' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "}",
        '{"code":' + "9" * 10_000 + "}",
        '{"code":200,"data":' + "-" + "1" * 10_000 + "." + "2" * 10_000 + "e" + "9" * 10_000 + "}",
        '{"code":1600200,"requestId":' + "7" * 10_000 + "}\n" + '{"code":200}\n',
    ],
    ids=["array-100k-deep", "envelope-100k-deep", "code-10k-digits", "float-30k-digits", "request-id-10k-digits"],
)
def test_explain_cli_on_deep_and_huge_documents(home: Path, body: str) -> None:
    for flags in ([], ["--json"], ["--each"]):
        # Plain output also as a real process (its own stack and recursion limit), which must print the same bytes.
        ran = call_cjerr_checked("explain", *flags, "-", home=home, input=body.encode(), real=not flags)
        assert_clean(ran, EXPLAIN_STATUSES)
        assert ran.elapsed < 30


def write_log(path: Path, size: int) -> tuple[int, int]:
    """About ``size`` bytes of JSON lines, log lines with embedded JSON and plain text, written as it goes.

    Returns the number of lines and of CJ responses among them: an object in a log line whose
    code is outside CJ's ranges and that has no other CJ field (12345678 with a message) is not one.
    """
    payload = json.dumps({"list": [{"pid": f"P{n:06d}", "nameEn": "widget " * 8, "price": "1.99"} for n in range(12)]})
    all_codes = [200, 1600200, 1600001, 1600000, 16900500, 1603001, 12345678, 0]
    written = lines = responses = 0
    with path.open("w", encoding="utf-8") as out:
        while written < size:
            code = all_codes[lines % len(all_codes)]
            responses += lines % 10 != 9 and not (lines % 10 == 8 and code == 12345678)
            if lines % 10 == 8:
                line = "2026-01-01T00:00:00Z INFO call " + json.dumps({"code": code, "message": "x"}) + " done\n"
            elif lines % 10 == 9:
                line = "a plain log line with no JSON in it " + "z" * 200 + "\n"
            else:
                result = "true" if code == 200 else "false"
                line = f'{{"code":{code},"result":{result},"requestId":"r-{lines}","data":{payload}}}\n'
            out.write(line)
            written += len(line)
            lines += 1
    return lines, responses


def test_explain_streams_50_mb_in_bounded_memory(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    lines, responses = write_log(big, 50 * 1024 * 1024)
    small = tmp_path / "small.jsonl"
    small.write_text('{"code":200}\n')
    env = clean_env(tmp_path)
    argv = [cjerr_executable(), "explain", "-"]
    _, baseline = peak_rss_kib(argv, small, env, timeout=60)
    status, peak = peak_rss_kib(argv, big, env, timeout=120)
    assert status == ExitStatus.AUTH  # 1600001 is in the mix: the most pressing outcome
    # Holding the input would cost 50 MiB or more on top of the baseline; streaming costs next to nothing.
    assert peak - baseline < 20 * 1024, f"peak {peak} KiB vs baseline {baseline} KiB for {lines} lines"
    assert peak < 120 * 1024
    ran = run_cjerr("explain", "--json", "-", home=tmp_path, stdin_file=big, timeout=120)
    assert_clean(ran, ExitStatus.AUTH)
    summary = json.loads(ran.stdout)["summary"]
    assert summary["lines"] == lines and summary["responses"] == responses


def test_explain_skips_an_oversized_line_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "oversized.jsonl"
    with path.open("wb") as out:
        out.write(b'{"code":1600200}\n')
        chunk = b'{"a":"' + b"x" * (1024 * 1024)
        for _ in range(20):  # one 20 MiB line, over the 16 MiB document limit
            out.write(chunk)
        out.write(b'"}\n{"code":200}\n')
    _, peak = peak_rss_kib([cjerr_executable(), "explain", "-"], path, clean_env(tmp_path), timeout=120)
    assert peak < 120 * 1024
    ran = run_cjerr("explain", "-", home=tmp_path, stdin_file=path, timeout=120)
    assert_clean(ran, ExitStatus.TEMPORARY)
    assert "1 oversized" in ran.out


# --- probe: in-process --------------------------------------------------------------------

BASE_HOST = urllib.parse.urlsplit(catalog.BASE_URL).hostname
host_names = st.from_regex(r"[a-z0-9]{1,8}(\.[a-z0-9]{1,8}){0,2}", fullmatch=True)
traversal = st.sampled_from(["..", ".", "%2e%2e", "%2E%2e", ".%2e", "%252e%252e", "%2e", "%252E."])
path_piece = st.text(alphabet="abcXYZ/._-%2e", max_size=12)
targets = st.one_of(
    argv_text,
    st.text(max_size=80),
    st.builds(lambda a, b: f"/{a}/{b}", path_piece, path_piece),
    st.builds(lambda host, path: f"https://{host}/api2.0/v1/{path}", host_names, path_piece),
    st.builds(lambda host, path: f"//{host}/{path}", host_names, path_piece),
    st.sampled_from(
        [
            f"https://{BASE_HOST}@evil.example/api2.0/v1/product/query",
            f"https://evil.example#@{BASE_HOST}/api2.0/v1/product/query",
            f"https://evil.example\\@{BASE_HOST}/api2.0/v1/product/query",
            f"https://{BASE_HOST}\\@evil.example/x",
            f"https://{BASE_HOST}:443@evil.example/x",
            f"https://{BASE_HOST}.evil.example/x",
            f"HTTPS://{BASE_HOST.upper()}/api2.0/v1/product/query",
            "https:evil.example/x",
            "https:/evil.example/x",
            "//evil.example/product/query",
            "///evil.example/x",
            "evil.example/product/query",
            "https://[::1/x",
            f"https://{BASE_HOST}:99999/x",
            "https://evil.example\uff0fdev/x",
            "/product/query\r\nX-Injected: 1",
            "/%0d%0aX: y",
            "/product/%2e%2e/setting",
            "/product/../../etc/passwd",
        ]
    ),
)
CLI_ERRORS = {ExitStatus.USAGE, ExitStatus.INVALID_INPUT, ExitStatus.NO_INPUT, ExitStatus.CONFIG}


def connects_to(url: str) -> str | None:
    """The host httpx would open a connection to (None when httpx cannot send it at all)."""
    try:
        return httpx.URL(url).host
    except (httpx.InvalidURL, ValueError):
        return None


@fast("probe_prepare")
@given(
    target=targets,
    params=st.lists(st.one_of(argv_text, st.text(max_size=20)), max_size=3),
    headers=st.lists(st.one_of(argv_text, st.builds(lambda n, v: f"{n}: {v}", argv_text, any_text)), max_size=3),
    data=st.one_of(st.none(), st.text(max_size=200), st.sampled_from(["@-", "@", "@/nonexistent", "@/"])),
    method=st.one_of(st.none(), st.sampled_from(["get", "POST", "TRACE", "GET\r\n", ""])),
    allow_other_host=st.booleans(),
)
def test_prepare_refuses_or_builds_a_safe_request(
    target: str, params: list[str], headers: list[str], data: str | None, method: str | None, allow_other_host: bool
) -> None:
    options = probe.ProbeOptions(
        target=target,
        method=method,
        data=data,
        params=tuple(params),
        headers=tuple(headers),
        token=TOKEN,
        allow_other_host=allow_other_host,
    )
    try:
        prepared = probe.prepare(options, stdin=io.BytesIO(b'{"pid": "1"}'))
    except CliError as error:
        assert error.status in CLI_ERRORS, error.message
        return
    for name, value in prepared.wire_headers():
        assert not any(char in name + value for char in "\r\n\x00"), (name, value)
    host = connects_to(prepared.url)
    if prepared.token is not None and not allow_other_host and host is not None:
        assert host == BASE_HOST, (target, prepared.url)
    path = urllib.parse.urlsplit(prepared.url).path
    assert not {"..", "."} & set(urllib.parse.unquote(urllib.parse.unquote(path)).split("/")), prepared.url
    shown = prepared.curl() + plain.request_plain(prepared) + json.dumps(documents.request_to_dict(prepared))
    assert not leaked(shown), shown


@fast("probe_header_injection")
@given(
    name=st.from_regex(r"X-[A-Za-z0-9-]{1,12}", fullmatch=True),
    before=argv_text,
    breaker=st.sampled_from(["\r\n", "\n", "\r", "\x00", "\r\nX-Evil: 1", "\n\nGET / HTTP/1.1"]),
    after=argv_text,
)
def test_header_injection_is_refused(name: str, before: str, breaker: str, after: str) -> None:
    options = probe.ProbeOptions(target="/product/query", headers=(f"{name}: {before}{breaker}{after}",))
    with pytest.raises(CliError) as refused:
        probe.prepare(options)
    assert refused.value.status is ExitStatus.INVALID_INPUT


@fast("probe_traversal")
@given(before=st.lists(st.from_regex(r"[a-zA-Z]{1,8}", fullmatch=True), max_size=3), step=traversal, after=path_piece)
def test_path_traversal_is_refused(before: list[str], step: str, after: str) -> None:
    for target in ("/" + "/".join([*before, step, after]), f"{catalog.BASE_URL}/{'/'.join([*before, step])}/x"):
        with pytest.raises(CliError) as refused:
            probe.prepare(probe.ProbeOptions(target=target))
        assert refused.value.status is ExitStatus.INVALID_INPUT


@fast("probe_other_host")
@given(host=host_names, path=path_piece, scheme=st.sampled_from(["https", "http", "HTTPS"]))
def test_full_url_to_another_host_is_refused_unless_allowed(host: str, path: str, scheme: str) -> None:
    assume(host != BASE_HOST)
    target = f"{scheme}://{host}/api2.0/v1/product/{path.replace('.', 'd').replace('%', 'p')}"
    with pytest.raises(CliError) as refused:
        probe.prepare(probe.ProbeOptions(target=target, token=TOKEN))
    assert refused.value.status is ExitStatus.CONFIG
    if scheme.lower() == "https":
        allowed = probe.prepare(probe.ProbeOptions(target=target, token=TOKEN, allow_other_host=True))
        assert connects_to(allowed.url) == host


# --- probe: real processes (--dry-run) ----------------------------------------------------

CONFIG_OR_USAGE = -1
PROBE_CASES: list[tuple[list[str | bytes], int, str]] = [
    (["-H", "X-A: b\r\nX-Evil: 1"], ExitStatus.INVALID_INPUT, "inject"),
    (["-H", "X-A: b\nX-Evil: 1"], ExitStatus.INVALID_INPUT, "inject"),
    (["-H", "X-A: a\x01b"], ExitStatus.INVALID_INPUT, "printable ASCII"),
    (["-H", "X-\u00e9: x"], ExitStatus.USAGE, "Name: value"),
    (["-H", f"CJ-Access-Token: {TOKEN}"], ExitStatus.USAGE, "--token-file"),
    (["--target", "/product/../setting/get"], ExitStatus.INVALID_INPUT, "'..'"),
    (["--target", "/product/%2e%2e/setting/get"], ExitStatus.INVALID_INPUT, "'..'"),
    (["--target", "/product/%252e%252e/x"], ExitStatus.INVALID_INPUT, "'..'"),
    (["--target", "/%0d%0aX-Evil:%201"], ExitStatus.INVALID_INPUT, "line breaks"),
    (["--target", "https://evil.example/api2.0/v1/product/query"], ExitStatus.CONFIG, "--allow-other-host"),
    # Refused as another host (78) or for the user name in it (2), whichever check comes first.
    (["--target", f"https://{BASE_HOST}@evil.example/api2.0/v1/x"], CONFIG_OR_USAGE, ""),
    (["--target", f"https://{BASE_HOST}:99999/api2.0/v1/x"], ExitStatus.USAGE, "not a valid URL"),
    (["--target", "https://[::1/x"], ExitStatus.USAGE, "not a valid URL"),
    (["--target", "https://evil.example\uff0fdev/x"], ExitStatus.USAGE, "not a valid URL"),
    (["--target", b"/product/\xff"], ExitStatus.INVALID_INPUT, "UTF-8"),
    (["-p", b"pid=\xff"], ExitStatus.INVALID_INPUT, "UTF-8"),
    (["--base-url", "https://[::1"], ExitStatus.USAGE, "not a valid URL"),
    (["--base-url", "ftp://x"], ExitStatus.USAGE, "http(s)"),
    (["--base-url", "http://cj.example/api2.0/v1"], ExitStatus.CONFIG, "plain HTTP"),
    (["-d", "@/nonexistent/body.json"], ExitStatus.NO_INPUT, "no such file"),
    (["-X", "TRACE"], ExitStatus.USAGE, "--method"),
]


@pytest.mark.parametrize(
    ("extra", "status", "said"), PROBE_CASES, ids=[str(index) for index in range(len(PROBE_CASES))]
)
def test_probe_dry_run_refuses_hostile_requests(home: Path, extra: list[str | bytes], status: int, said: str) -> None:
    extra_given = extra
    target: str | bytes = "/product/query"
    if extra[:1] == ["--target"]:
        target, extra = extra[1], extra[2:]
    args: list[str | bytes] = ["probe", "--dry-run", target, "-p", "pid=1", *extra]
    sampled = [case[0] for case in PROBE_CASES].index(extra_given) % 4 == 0  # these also run as real processes
    ran = call_cjerr_checked(*args, home=home, env={"CJ_ACCESS_TOKEN": TOKEN}, real=sampled)
    if status == CONFIG_OR_USAGE:
        status = ran.returncode if ran.returncode in (ExitStatus.CONFIG, ExitStatus.USAGE) else ExitStatus.CONFIG
    line = assert_fails_with_one_line(ran, status)
    assert said in line, ran.describe()
    assert ran.stdout == b""  # refused before anything was printed or sent
    assert_no_leak(ran)


def test_probe_dry_run_keeps_double_slash_paths_on_the_base_host(home: Path) -> None:
    for target in ("//evil.example/product/query", "///evil.example/x", "evil.example/product/query"):
        ran = call_cjerr("probe", "--dry-run", "--json", target, home=home, env={"CJ_ACCESS_TOKEN": TOKEN})
        assert_clean(ran, {0, 65})
        assert connects_to(json.loads(ran.stdout)["request"]["url"]) == BASE_HOST


@slow("probe_cli")
@given(
    header=st.builds(lambda n, v: f"{n}: {v}", st.from_regex(r"X-[a-z]{1,6}", fullmatch=True), argv_text),
    target=st.one_of(argv_text, st.builds(lambda host: f"https://{host}/api2.0/v1/product/query", host_names)),
    param=argv_text,
)
def test_probe_dry_run_cli_survives_hostile_options(home: Path, header: str, target: str, param: str) -> None:
    env = {"CJ_ACCESS_TOKEN": TOKEN}
    ran = call_cjerr("probe", "--dry-run", "--", target, home=home, env=env)
    assert_clean(ran, {0, *CLI_ERRORS})
    ran = call_cjerr("probe", "--dry-run", "-H", header, "-p", param, "/product/query", home=home, env=env)
    assert_clean(ran, {0, *CLI_ERRORS})
    assert_no_leak(ran)
