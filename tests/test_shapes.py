"""explain's counting fast path gives the very summary the exact path gives, with either decoder.

The fast path (cj_errors/reading/shapes.py, the memo in stream.py) counts repeated plain envelopes
without explaining each; the chunked reader splits lines a megabyte at a time. Both are
checked against the line-by-line, item-by-item path on generated and real input.
"""

from __future__ import annotations

import datetime
import io
import itertools
import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cj_errors.output import documents
from cj_errors.reading import lines as reading_lines
from cj_errors.reading import memos, results, shapes, stream
from tests.real_world import CORPUS, HOLDOUT, load
from tests.test_hostile import envelope

_POINTS_TEXT = "Insufficient API points. Used today: {}, Remaining: {}, Required: {}."
READERS = {"msgspec": shapes.reader, "json": lambda: shapes._read_with_json}


def _summary(data: bytes, *, fast: bool, chunk: int = 1 << 20) -> dict[str, object]:
    summary = results.Summary()
    source = io.BufferedReader(io.BytesIO(data))
    lines = reading_lines.read_lines_in_chunks(source.read1, chunk=chunk) if fast else reading_lines.read_lines(source)
    items = list(stream.explain_stream(lines, summary, count_only=fast))
    result = documents.summary_to_dict(summary)
    result["exit"] = int(summary.exit_status)
    result["first_item"] = documents.explanation_to_dict(items[0].explanation) if items else None
    return result


@pytest.fixture(params=sorted(READERS))
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(shapes, "reader", READERS[request.param])
    yield request.param


def _assert_same(data: bytes, chunk: int = 1 << 20) -> None:
    assert _summary(data, fast=True, chunk=chunk) == _summary(data, fast=False)


_LINE = st.one_of(
    envelope.map(lambda document: json.dumps(document)),
    envelope.map(lambda document: "2026-08-18T09:41:07Z INFO cj " + json.dumps(document)),
    envelope.map(lambda document: json.dumps(document) + " trailing"),
    st.sampled_from(
        [
            '{"code":200,"result":true,"data":{"interceptOrderReasons":[{"code":1001,"message":"phone"}]}}',
            '{"code":200,"result":true,"data":{"orderId":"1","logisticsMiss":true}}',
            '{"code":429,"result":false,"message":"x","pointsInfo":{"remaining":0}}',
            '{"code":16900500,"result":false,"data":{"pointsInfo":{"usedToday":5,"remaining":0}}}',
            '{"code":1600200,"code":200,"result":true}',
            '{"code":123456789012345678901234567890123456789012345,"result":false}',
            '{"code":1e400,"result":false}',
            '{"code":NaN,"result":false}',
            '{"code":200,"result":1}',
            '{"code":200,"result":true,"message":["a"]}',
            '{"level":50,"response":{"data":{"code":1600001,"result":false}}}',
            "{'code': 1600200, 'result': False}",
            '{"code":1600200,"result":false,"requestId":"r-1"} {"code":200}',
            '{"code":1600200,"result":false,"message":"\\ud800"}',
            '{"code":200,"result":true,"message":"Success","data":{"list":[{"logisticsMiss":true}]}}',
            '{"code":200,"result":true,"message":"Success","data":{"logisticsMiss":false,"orderId":"1"}}',
            '{"code":200,"result":true,"message":"Success","data":{"submitSuccess":false}}',
            '{"code":200,"result":true,"message":"see pointsInfo","data":[{"pointsInfo":{"remaining":0}}]}',
            '{"code":200,"result":true,"data":{"logistics\\u004diss":true}}',
            *(
                f'{{"code":{code},"result":false,"message":"{_POINTS_TEXT.format(*figures)}"}}'
                for code, figures in [
                    (16900500, (104890, 0, 10)),
                    (16900500, (7, 0, 10)),
                    (1600200, (7, 40, 10)),
                    (1600200, (7, -4, 1)),
                    (1600200, ("1,000", 0, 99999999999999999999)),
                    (1600001, (7, 0, 10)),
                ]
            ),
            '{"code":1,"result":false,"message":"Used today: 1,000, Remaining: 0, Required: 99999999999999999999"}',
            "HTTP/1.1 429 Too Many Requests",
            "content-type: text/html",
            "",
            "<html>busy</html>",
            "{",
            '  "code": 1600001,',
            "}",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_LINE, max_size=40), repeat=st.integers(1, 4))
def test_the_fast_path_counts_what_the_exact_path_counts(lines: list[str], repeat: int) -> None:
    for name in sorted(READERS):
        original = shapes.reader
        shapes.reader = READERS[name]  # type: ignore[assignment]
        try:
            _assert_same(("\n".join(lines * repeat) + "\n").encode())
        finally:
            shapes.reader = original  # type: ignore[assignment]


@pytest.mark.usefixtures("reader")
def test_real_cases_give_the_same_summary_either_way() -> None:
    texts = [case.text for case in load(CORPUS) + load(HOLDOUT) if not case.text.lstrip().startswith("$")]
    # Each real case alone, then all of them in one log, three times over so shapes repeat.
    for text in texts:
        _assert_same((text + "\n").encode())
    _assert_same(("\n".join(texts * 3) + "\n").encode())


@pytest.mark.usefixtures("reader")
def test_small_chunks_split_lines_anywhere() -> None:
    lines = [
        json.dumps({"code": code, "result": code == 200, "message": "Too Many Requests", "requestId": f"r{n}"})
        for n, code in enumerate([200, 1600200, 1600001, 200, 16900500] * 40)
    ]
    data = ("\n".join(lines) + "\n").encode()
    for chunk in (1, 7, 64, 1000):
        _assert_same(data, chunk=chunk)


def test_repeated_lines_are_counted_without_an_item_each() -> None:
    line = b'{"code":1600200,"result":false,"message":"Too Many Requests","requestId":"abc"}\n'
    summary = results.Summary()
    lines = reading_lines.read_lines_in_chunks(io.BufferedReader(io.BytesIO(line * 1000)).read1)
    items = list(stream.explain_stream(lines, summary, count_only=True))
    assert len(items) == 1 and summary.responses == 1000 and summary.per_code[1600200] == 1000


@settings(max_examples=500, deadline=None)
@given(
    parts=st.lists(st.one_of(st.binary(max_size=30), st.sampled_from([b"\n", b"\xff", b"\r\n", b"\xe2\x82", b"\xac"]))),
    limit=st.integers(4, 20),
    chunk=st.integers(1, 16),
)
def test_the_chunked_reader_gives_read_lines_lines(parts: list[bytes], limit: int, chunk: int) -> None:
    data = b"".join(parts)
    expected = list(reading_lines.read_lines(io.BytesIO(data), limit=limit))
    assert list(reading_lines.read_lines_in_chunks(io.BufferedReader(io.BytesIO(data)).read1, limit, chunk)) == expected


def test_both_readers_drop_a_bom() -> None:
    data = '\ufeff{"code":200}\n'.encode()
    assert list(reading_lines.read_lines(io.BytesIO(data))) == [('{"code":200}\n', False)]
    assert list(reading_lines.read_lines_in_chunks(io.BufferedReader(io.BytesIO(data)).read1)) == [
        ('{"code":200}\n', False)
    ]


@pytest.mark.usefixtures("reader")
@pytest.mark.parametrize(
    "variants",
    [
        ('{"code":200,"result":true}', '{"code":200,"result":1}'),
        ('{"code":200,"result":true}', '{"code":200.0,"result":true}', '{"code":"200","result":true}'),
        ('{"code":1,"result":false}', '{"code":true,"result":false}'),
        ('{"code":0,"success":true}', '{"code":0,"success":1}', '{"code":false,"success":true}'),
        ('{"code":200,"result":true,"requestId":"r"}', '{"code":200,"result":true}'),
        ('{"code":200,"result":true,"data":null}', '{"code":200,"result":true}'),
    ],
)
def test_values_equal_in_python_but_different_to_cj_are_different_shapes(variants: tuple[str, ...]) -> None:
    for order in (variants, variants[::-1]):
        _assert_same(("\n".join(list(order) * 3) + "\n").encode())


def _items_and_summary(text: str) -> tuple[int, dict[str, object]]:
    summary = results.Summary()
    lines = reading_lines.read_lines_in_chunks(io.BufferedReader(io.BytesIO(text.encode())).read1)
    items = list(stream.explain_stream(lines, summary, count_only=True))
    return len(items), documents.summary_to_dict(summary)


@pytest.mark.usefixtures("reader")
def test_live_points_figures_make_one_shape() -> None:
    # CJ's "Used today" grows with every call: each figure must not be a shape of its own.
    message = "Insufficient API points. Used today: {}, Remaining: 0, Required: 10. Please try again tomorrow."
    lines = [
        json.dumps({"code": 16900500, "result": False, "message": message.format(104_000 + n), "requestId": f"r{n}"})
        for n in range(300)
    ]
    text = "\n".join(lines) + "\n"
    items, summary = _items_and_summary(text)
    assert items == 1 and summary["responses"] == 300
    _assert_same(text.encode())


@pytest.mark.usefixtures("reader")
def test_a_log_opening_with_more_shapes_than_the_memo_holds_stays_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shapes, "MAX_SHAPES", 8)
    distinct = [json.dumps({"code": 1600300, "result": False, "message": f"Param error: f{n}"}) for n in range(20)]
    common = ['{"code":200,"result":true,"message":"Success","data":{"list":[1]}}'] * 100
    text = "\n".join(distinct + common) + "\n"
    items, summary = _items_and_summary(text)
    # Every distinct message is read in full; the common line once, not 100 times.
    assert items == 21 and summary["responses"] == 120
    _assert_same(text.encode())


def _each_output(data: bytes, *, memo: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, dict[str, object]]:
    """What `explain --each --json` and `--each` print for ``data``, with or without the per-shape memo."""
    from cj_errors.output.render import JsonRenderer, PlainRenderer
    from cj_errors.output.terminal import Mode, Terminal

    with monkeypatch.context() as patch:
        if not memo:
            patch.setattr(memos._ItemMemo, "item", lambda self, line, number: None)
        now = datetime.datetime(2026, 12, 7, 16, 30, tzinfo=datetime.timezone.utc)
        summary = results.Summary()
        lines = reading_lines.read_lines_in_chunks(io.BufferedReader(io.BytesIO(data)).read1)
        items = list(stream.explain_stream(lines, summary, now=now))
    outputs = []
    for renderer_class, mode in ((JsonRenderer, Mode.JSON), (PlainRenderer, Mode.PLAIN)):
        out = io.StringIO()
        renderer = renderer_class(Terminal(mode, out, io.StringIO()))
        for item in items:
            renderer.item(item)
        outputs.append(out.getvalue())
    return outputs[0], outputs[1], documents.summary_to_dict(summary)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(_LINE, max_size=30), repeat=st.integers(1, 3))
def test_each_prints_the_same_lines_with_the_shape_memo(lines: list[str], repeat: int) -> None:
    data = ("\n".join(lines * repeat) + "\n").encode()
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in sorted(READERS):
            monkeypatch.setattr(shapes, "reader", READERS[name])
            fast = _each_output(data, memo=True, monkeypatch=monkeypatch)
            assert fast == _each_output(data, memo=False, monkeypatch=monkeypatch)


@pytest.mark.usefixtures("reader")
def test_each_on_real_cases_and_repeated_shapes_is_the_same_with_the_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [case.text for case in load(CORPUS) + load(HOLDOUT) if not case.text.lstrip().startswith("$")]
    shaped = [
        json.dumps({"code": code, "result": code == 200, "message": message, "requestId": request_id})
        for code, message, request_id in [
            (200, "Success", "a" * 32),
            (200, "Success", "b" * 32),
            (200, "Success", 12345),
            (200, "Success", None),
            (1600200, "Too Many Requests, QPS limit is 1 time/1second", "CJ123@api@" + "0" * 32),
            (1600200, "Too Many Requests, QPS limit is 1 time/1second", "r-\u00e9\u0000\u001b[31m"),
            (16900500, "Insufficient API points. Used today: 5, Remaining: 0, Required: 10.", "x"),
        ]
    ]
    data = ("\n".join((texts + shaped) * 2) + "\n").encode()
    fast = _each_output(data, memo=True, monkeypatch=monkeypatch)
    assert fast == _each_output(data, memo=False, monkeypatch=monkeypatch)
    assert fast[0].count("\n") > len(shaped) * 2


# --- runs of JSON Lines read at once (msgspec) -------------------------------------------------------

# Mostly plain JSON Lines, so that whole runs are read at once, with the lines that stop such a run: a new
# shape, live points figures, a held order, a log prefix, a line that is not one object, a body over lines.
_JSON_LINE = st.one_of(
    st.sampled_from(
        [
            '{"code":200,"result":true,"message":"Success","data":{"list":[{"pid":"1"}]},"requestId":"a"}',
            '{"code":200,"result":true,"message":"Success","data":{"list":[]},"requestId":"b"}',
            '{"code":1600200,"result":false,"message":"Too Many Requests","data":null,"requestId":"c"}',
            '{"code": 1600001, "result": false, "message": "Invalid API key or access token"}',
            '{"code":200,"result":true,"message":"Success","data":{"orderId":"1","logisticsMiss":true}}',
            '{"code":200,"result":true,"message":"Success","data":{"orderId":"2"}}',
            # Points figures with nothing remaining make a QPS answer a quota one (exit 79, not 75).
            '{"code":1600200,"result":false,"message":"Too Many Requests","pointsInfo":{"remaining":0,"total":5}}',
            '  {"code":1600200,"result":false,"message":"Too Many Requests","requestId":"d"}\r',
            '2026-08-18T09:41:07Z INFO cj {"code":1600200,"result":false,"message":"Too Many Requests"}',
            '{"code":1600200,"result":false} {"code":200}',
            '[{"code":200,"result":true}]',
            '{"code":200,"result":true,"message":"Success \\u00e9t\\u00e9 ü"}',
            "",
            "{",
            '  "code": 1600001,',
            "}",
        ]
    ),
    st.integers(0, 3).map(
        lambda n: json.dumps({"code": 1600300, "result": False, "message": f"Param error {n}", "requestId": n})
    ),
    st.integers(100, 120).map(
        lambda used: json.dumps(
            {"code": 16900500, "result": False, "message": _POINTS_TEXT.format(used, 0, 10), "requestId": "p"}
        )
    ),
)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(_JSON_LINE, max_size=60), chunk=st.sampled_from([16, 64, 300, 1 << 20]))
def test_runs_read_at_once_count_what_the_exact_path_counts(lines: list[str], chunk: int) -> None:
    if shapes.block_reader(shapes.reader()) is None:
        pytest.skip("runs are read at once with msgspec only")
    data = ("\n".join(lines) + "\n").encode()
    with pytest.MonkeyPatch.context() as patch:
        read_runs: list[int] = []
        made = shapes.block_reader

        def counting(read: object) -> shapes.BlockReader | None:
            reader = made(read)  # type: ignore[arg-type]
            if reader is None:
                return None
            return reader._replace(read=lambda run: read_runs.append(len(run)) or reader.read(run))

        patch.setattr(shapes, "block_reader", counting)
        _assert_same(data, chunk=chunk)
    assert read_runs or not lines  # the runs were read at once, not line by line


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.sampled_from([b"{}", b"a", b"", b"\xff", b"\xc3\xa9", b"{\xe2\x82"]), max_size=30),
    chunk=st.integers(1, 12),
    steps=st.lists(st.integers(-1, 4), max_size=40),
)
def test_taking_runs_and_giving_them_back_keeps_every_line_in_order(
    lines: list[bytes], chunk: int, steps: list[int]
) -> None:
    data = b"\n".join(lines) + b"\n"
    expected = list(reading_lines.read_lines(io.BytesIO(data)))
    source = reading_lines.read_lines_in_chunks(io.BufferedReader(io.BytesIO(data)).read1, chunk=chunk)
    got: list[tuple[str | None, bool]] = []
    for step in steps:  # -1 reads a line; n takes a run, keeps its first n lines and gives the rest back
        if step == -1:
            got.extend(itertools.islice(source, 1))
            continue
        taken = source.run()
        if taken is None:
            got.extend(source.split_lines())
            continue
        run, start = taken
        got.extend((line.decode("utf-8") + "\n", False) for line in run[start : start + step])
        source.give_back(run, start + step)
    got.extend(source)
    assert got == expected


@pytest.mark.parametrize(
    "lines",
    [
        # The first line teaches the shape; the second has the same fields but what it holds besides changes
        # the answer: read in one run, it must still go to the exact path.
        [
            '{"code":1600200,"result":false,"message":"Too Many Requests"}',
            '{"code":1600200,"result":false,"message":"Too Many Requests","pointsInfo":{"remaining":0,"total":5}}',
        ],
        [
            '{"code":200,"result":true,"message":"Success","data":{"orderId":"2"}}',
            '{"code":200,"result":true,"message":"Success","data":{"orderId":"1","interceptOrderReasons":["x"]}}',
        ],
    ],
)
def test_a_run_leaves_to_the_exact_path_what_a_line_read_alone_leaves(lines: list[str]) -> None:
    data = ("\n".join(lines * 3) + "\n").encode()
    _assert_same(data)
    assert _summary(data, fast=True)["exit"] != _summary(("\n".join(lines[:1] * 6) + "\n").encode(), fast=True)["exit"]


def _each_lines(data: bytes, chunk: int, *, memo: bool) -> tuple[str, dict[str, object]]:
    """What `explain --each --json` prints for ``data`` read ``chunk`` bytes at a time, and the summary."""
    from cj_errors.output.render import JsonRenderer
    from cj_errors.output.terminal import Mode, Terminal

    with pytest.MonkeyPatch.context() as patch:
        if not memo:  # nothing is learnt, so every line takes the exact path
            patch.setattr(memos._ItemMemo, "item", lambda self, line, number: None)
        summary = results.Summary()
        lines = reading_lines.read_lines_in_chunks(io.BufferedReader(io.BytesIO(data)).read1, chunk=chunk)
        now = datetime.datetime(2026, 12, 7, 16, 30, tzinfo=datetime.timezone.utc)
        items = list(stream.explain_stream(lines, summary, now=now))
    out = io.StringIO()
    renderer = JsonRenderer(Terminal(Mode.JSON, out, io.StringIO()))
    for item in items:
        renderer.item(item)
    return out.getvalue(), documents.summary_to_dict(summary)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(_JSON_LINE, max_size=60), chunk=st.sampled_from([16, 64, 300, 1 << 20]))
def test_each_reads_runs_at_once_and_prints_what_the_exact_path_prints(lines: list[str], chunk: int) -> None:
    data = ("\n".join(lines) + "\n").encode()
    assert _each_lines(data, chunk, memo=True) == _each_lines(data, chunk, memo=False)


def test_each_counts_a_long_run_of_known_shapes_in_the_summary() -> None:
    line = '{"code":1600200,"result":false,"message":"Too Many Requests","requestId":"r%d"}'
    data = "".join(line % n + "\n" for n in range(5000)).encode()
    printed, summary = _each_lines(data, 1 << 12, memo=True)
    assert (printed, summary) == _each_lines(data, 1 << 12, memo=False)
    assert printed.count("\n") == 5000 and summary["responses"] == 5000


@pytest.mark.parametrize(
    "lines",
    [
        [
            '{"code":1600200,"result":false,"message":"Too Many Requests","requestId":1}',
            '{"code":1600200,"result":false,"message":"Too Many Requests","requestId":2,"pointsInfo":{"remaining":0}}',
        ],
        [
            '{"code":200,"result":true,"message":"Success","data":{"orderId":"2"},"requestId":"r1"}',
            '{"code":200,"result":true,"message":"Success","data":{"interceptOrderReasons":["x"]},"requestId":"r2"}',
        ],
    ],
)
def test_each_leaves_to_the_exact_path_what_a_line_read_alone_leaves(lines: list[str]) -> None:
    data = ("\n".join(lines * 3) + "\n").encode()
    assert _each_lines(data, 1 << 20, memo=True) == _each_lines(data, 1 << 20, memo=False)


def test_each_keeps_counting_exactly_when_more_shapes_settle_than_the_memo_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shapes, "MAX_SHAPES", 4)
    # Five shapes, each settled after its first line: the memo forgets the first four when it learns the fifth,
    # and the settled list, over its bound, is handed to the summary (after a sixth shape stops a run) while the
    # fifth is still being counted.
    lines = [
        json.dumps({"code": 1600300, "result": False, "message": f"Param error {n}", "requestId": f"r{n}-{k}"})
        for n in (0, 1, 2, 3, 4, 5, 4)
        for k in range(1 if n == 5 else 3)
    ]
    data = ("\n".join(lines) + "\n").encode()
    printed, summary = _each_lines(data, 1 << 20, memo=True)
    assert (printed, summary) == _each_lines(data, 1 << 20, memo=False)
    assert summary["responses"] == len(lines)


def test_items_of_known_shapes_equal_the_exact_paths_items() -> None:
    # Their explanations are made only when read (--each --json never reads them); read, they are the same.
    lines = [
        json.dumps({"code": 1600200, "result": False, "message": "Too Many Requests", "requestId": f"r{n}"})
        for n in range(50)
    ] + [
        json.dumps({"code": 200, "result": True, "message": "Success", "data": {"list": []}, "requestId": n})
        for n in range(50)
    ]
    data = ("\n".join(lines) + "\n").encode()
    read = []
    for memo in (True, False):
        with pytest.MonkeyPatch.context() as patch:
            if not memo:
                patch.setattr(memos._ItemMemo, "item", lambda self, line, number: None)
            source = reading_lines.read_lines_in_chunks(io.BufferedReader(io.BytesIO(data)).read1, chunk=512)
            read.append(list(stream.explain_stream(source, results.Summary())))
    fast, exact = read
    assert any(item.shape is not None for item in fast) and all(item.shape is None for item in exact)
    assert [item.request_id for item in fast] == [item.request_id for item in exact]
    assert fast == exact and exact == fast
