"""A big file counted on two cores gives exactly the summary of one pass (cj_errors.reading.halves)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cj_errors.output import documents
from cj_errors.reading import results, stream
from cj_errors.reading.explain_input import ExplainRun
from tests.conftest import cjerr_executable, clean_env
from tests.real_world import CORPUS, HOLDOUT, load
from tests.test_shapes import _LINE

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="two-core counting needs os.fork")


def _run(path: Path, *, split: bool) -> tuple[dict[str, object], ExplainRun]:
    run = ExplainRun((str(path),), None, count_only=True, split_min_bytes=1 if split else None)
    for _ in run.items():
        pass
    result = documents.summary_to_dict(run.summary)
    result["exit"] = int(run.summary.exit_status)
    single = run.single()
    result["single"] = documents.explanation_to_dict(single) if single is not None else None
    return result, run


def _same_either_way(path: Path) -> ExplainRun:
    one_pass, _ = _run(path, split=False)
    two_halves, run = _run(path, split=True)
    assert two_halves == one_pass
    return run


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(_LINE, min_size=1, max_size=30), padding=st.integers(0, 3))
def test_any_cut_gives_the_one_pass_summary(lines: list[str], padding: int) -> None:
    # The padding moves the middle of the file, and so the cut, across the lines.
    text = "\n" * padding + "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cj.log"
        path.write_text(text, encoding="utf-8")
        _same_either_way(path)


def test_real_cases_in_one_log(tmp_path: Path) -> None:
    texts = [case.text for case in load(CORPUS) + load(HOLDOUT) if not case.text.lstrip().startswith("$")]
    path = tmp_path / "real.log"
    path.write_text("\n".join(texts * 2) + "\n", encoding="utf-8")
    _same_either_way(path)


def _envelopes(count: int, start: int = 0) -> list[str]:
    codes = [(200, True, "Success"), (1600200, False, "Too Many Requests, QPS limit is 1 time/1second")]
    return [
        json.dumps(
            {"code": codes[n % 2][0], "result": codes[n % 2][1], "message": codes[n % 2][2], "requestId": f"r{n}"}
        )
        for n in range(start, start + count)
    ]


def test_a_clean_cut_is_taken_and_numbers_lines_after_it(tmp_path: Path) -> None:
    path = tmp_path / "clean.jsonl"
    # The second half holds the only 1600001, so its first line number must come from the child, offset.
    lines = _envelopes(200) + ['{"code":1600001,"result":false,"message":"Invalid","requestId":"late"}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = _same_either_way(path)
    assert run.halves_taken == 1
    assert run.summary.first_line[1600001] == 201
    assert run.summary.first_request_id[1600001] == "late"


def _write_cut_after(path: Path, before: str, after: str) -> None:
    """Write before + after, padded at the end (a line holding no envelope) so the cut falls right after ``before``."""
    total = 2 * len(before) - 2  # the cut follows the first newline at or after the middle: before's last one
    filler = total - len(before) - len(after) - 1
    assert filler >= 1, "make 'before' longer"
    path.write_text(before + after + "x" * filler + "\n", encoding="utf-8")
    from cj_errors.reading.halves import cut_point

    with path.open("rb") as handle:
        assert cut_point(handle.fileno(), path.stat().st_size) == len(before.encode())


def test_a_body_open_across_the_cut_is_read_in_one_pass(tmp_path: Path) -> None:
    pretty = json.dumps({"code": 1600001, "result": False, "message": "x"}, indent=2).splitlines(keepends=True)
    before = "\n".join(_envelopes(40)) + "\n" + "".join(pretty[:2]) + "\n"
    after = "".join(pretty[2:]) + "\n" + "\n".join(_envelopes(5, 40)) + "\n"
    path = tmp_path / "pretty.log"
    _write_cut_after(path, before, after)
    run = _same_either_way(path)
    assert run.halves_taken == 0
    assert run.summary.per_code[1600001] == 1


@pytest.mark.parametrize(
    ("last", "first"),
    [
        ("HTTP/1.1 502 Bad Gateway\ncontent-type: text/html\n\n", ""),
        # A 502 to an order creation is an unknown outcome only because of the request line before it.
        ("POST /api2.0/v1/shopping/order/createOrderV2 HTTP/1.1\n", "HTTP/1.1 502 Bad Gateway\n\n"),
    ],
)
def test_a_transcript_or_request_waiting_at_the_cut_is_read_in_one_pass(tmp_path: Path, last: str, first: str) -> None:
    before = "\n".join(_envelopes(40)) + "\n" + last
    after = first + "<html><body>502 Bad Gateway</body></html>\n" + "\n".join(_envelopes(5, 40)) + "\n"
    path = tmp_path / "curl.log"
    _write_cut_after(path, before, after)
    run = _same_either_way(path)
    assert run.halves_taken == 0


def test_the_same_file_cut_cleanly_is_taken(tmp_path: Path) -> None:
    before = "\n".join(_envelopes(40)) + "\n"
    after = "<html><body>502 Bad Gateway</body></html>\n" + "\n".join(_envelopes(5, 40)) + "\n"
    path = tmp_path / "clean.log"
    _write_cut_after(path, before, after)
    assert _same_either_way(path).halves_taken == 1


def test_merge_refuses_a_later_summary_that_dropped_codes() -> None:
    earlier, later = results.Summary(), results.Summary()
    later.untracked = 3
    assert not earlier.merge(later, 10)
    assert earlier == results.Summary()


def test_the_installed_cjerr_gives_the_same_answer_on_one_core(tmp_path: Path) -> None:
    # Over the size at which cjerr counts on two cores.
    from cj_errors.reading.halves import SPLIT_MIN_BYTES

    path = tmp_path / "big.jsonl"
    line_bytes = len(_envelopes(1)[0]) + 1
    lines = _envelopes(SPLIT_MIN_BYTES // line_bytes + 1000)
    lines[-5] = '{"code":1600001,"result":false,"message":"Invalid API key or access token","requestId":"end"}'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > SPLIT_MIN_BYTES
    answers = []
    for cores in ("2", "1"):
        env = clean_env(tmp_path, {"CJERR_CORES": cores})
        command = [cjerr_executable(), "explain", "--json", str(path)]
        answers.append(subprocess.run(command, capture_output=True, text=True, env=env))
    two, one = answers
    assert two.returncode == one.returncode == 77
    assert json.loads(two.stdout) == json.loads(one.stdout)
    assert two.stderr == one.stderr == ""
    # Standard input is read in one pass, so a script reading on after cjerr finds it at its end.
    script = f"{cjerr_executable()} explain - > /dev/null; wc -c"
    with path.open("rb") as stdin:
        rest = subprocess.run(
            ["sh", "-c", script], stdin=stdin, capture_output=True, text=True, env=clean_env(tmp_path)
        )
    assert rest.stdout.strip() == "0"


def test_a_file_cut_short_while_read_is_not_handed_over() -> None:
    from cj_errors.reading.halves import lines_until

    data = b"".join(line.encode() + b"\n" for line in _envelopes(10))
    shortened = io.BytesIO(data[:100])  # the file was 'cut' at len(data) // 2 when it was measured
    lines = list(lines_until(shortened.read1, len(data) // 2))
    assert stream.HANDOFF not in lines and lines
