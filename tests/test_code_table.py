"""The code table: every code of every source, well-formed entries, messages that resolve back."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from cj_errors.reading import pasted
from cj_errors.table import codes
from cj_errors.table.code_table import ENTRIES
from cj_errors.table.model import Outcome, Retry

# The three sources, as listed in the reference (cj-api-facts.md §1.1, §1.2, §1.5).
LEGACY_23 = [
    200, 1600000, 1600001, 1600002, 1600003, 1600100, 1600101, 1600200, 1600201, 1600300, 1601000, 1602000,
    1602001, 1603000, 1603001, 1603002, 1603100, 1603101, 1604000, 1605000, 1606000, 1606001, 1607000,
]  # fmt: skip
CURRENT_59 = [
    200, 1600000, 1600001, 1600002, 1600003, 1600031, 1600030, 1600004, 1600005, 1600006, 1600007, 1600008,
    1600009, 1600010, 1600011, 1600012, 1600013, 1600100, 1600101, 1600200, 1600201, 1600300, 1600301, 1601000,
    1602000, 1602001, 1602002, 1602003, 1602004, 1603000, 1603001, 1603002, 1603003, 1603100, 1603101, 1603102,
    1604000, 1604001, 1605000, 1605001, 1605002, 1606000, 1606001, 1607000, 1607001, 1607002, 1607003, 16070002,
    1607004, 1607006, 1607007, 1607008, 1607009, 1607010, 16900202, 16900203, 16900204, 16900205, 16900403,
]  # fmt: skip
SEEN_OUTSIDE_TABLES = [
    16900500, 429, 1606010, 1606011, 1606012, 1606013, 1608001, *range(1609000, 1609017),
    803, 811, 818, 819, 820, 821, 804, 806, 1001, 0, 100202,
]  # fmt: skip

ORIGINAL_PAGE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "global-error-codes-original.txt"


def test_source_lists_have_the_documented_sizes() -> None:
    assert len(LEGACY_23) == 23 and len(set(LEGACY_23)) == 23
    assert len(CURRENT_59) == 59 and len(set(CURRENT_59)) == 59


@pytest.mark.parametrize("code", sorted(set(LEGACY_23 + CURRENT_59 + SEEN_OUTSIDE_TABLES)))
def test_every_code_of_every_source_is_present(code: int) -> None:
    assert codes.get(code) is not None, f"{code} missing from the table"


def test_original_page_codes_are_all_present() -> None:
    if not ORIGINAL_PAGE.exists():
        pytest.skip("reference folder not beside the checkout")
    listed = {int(match) for match in re.findall(r"^(\d{3,8}) ", ORIGINAL_PAGE.read_text(), flags=re.MULTILINE)}
    assert len(listed) == 23
    assert listed <= {entry.code for entry in ENTRIES}


def test_no_code_appears_twice() -> None:
    duplicates = [code for code, count in Counter(entry.code for entry in ENTRIES).items() if count > 1]
    assert duplicates == []


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: str(entry.code))
def test_entry_is_complete(entry: codes.CodeEntry) -> None:
    assert entry.title.strip()
    assert entry.family in codes.FAMILIES
    assert len(entry.steps) >= 3, "every entry needs concrete steps"
    assert all(step.strip() and not re.match(r"^\d+\.", step) for step in entry.steps), "steps are unnumbered text"
    assert entry.doc.startswith("https://developers.cjdropshipping.com/")
    assert all(message.source in codes.SOURCES for message in entry.messages)
    assert all(codes.get(related) is not None for related in entry.related)
    if entry.outcome is Outcome.SUCCESS:
        assert entry.retry is Retry.NOT_APPLICABLE
    if entry.retry in (Retry.DAILY_RESET, Retry.AFTER_PERIOD, Retry.AFTER_RESET_OR_SOONER):
        assert entry.outcome is Outcome.QUOTA
    # CJ sends no message for 0; the 429 body was cut off in every copy; 1609015/16 are known by number only.
    if entry.code not in (0, 429, 1609015, 1609016):
        assert entry.messages


@pytest.mark.parametrize(
    ("entry", "message"),
    [(entry, message) for entry in ENTRIES for message in entry.messages if message.exact],
    ids=lambda value: str(getattr(value, "code", getattr(value, "text", "")))[:40],
)
def test_every_message_variant_resolves_back_to_its_code(entry: codes.CodeEntry, message: codes.Message) -> None:
    filled = message.text.replace("{param}", "X")
    matched = {matched.code for matched, _ in codes.match_message(filled)}
    assert entry.code in matched
    assert entry.code in {found.code for found in pasted.lookup(filled).entries}


@pytest.mark.parametrize(
    ("real_message", "code"),
    [
        ("Request method 'POST' not supported", 16900202),
        ("Content type not supported[text/plain;charset=UTF-8]", 16900203),
        ("startCountryCode can not be empty", 16900403),
        ("Too much request, QPS limit is 1 time/1second", 1600200),
        ("Insufficient API points. Used today: 104890, Remaining: 0, Required: 10. ...", 16900500),
        ("Warehouse “null” does not support logistics carrier “USPS”.", 806),
    ],
)
def test_placeholder_messages_match_the_real_filled_messages(real_message: str, code: int) -> None:
    assert code in {entry.code for entry, _ in codes.match_message(real_message)}


@pytest.mark.parametrize("text", ["No permission", "Invalid API key or access token", "  no PERMISSION "])
def test_old_and_new_wording_find_1600001(text: str) -> None:
    assert pasted.lookup(text).entry is not None
    assert pasted.lookup(text).entry.code == 1600001  # type: ignore[union-attr]


@pytest.mark.parametrize("query", ["1600200", " 1600200\t", "CJ1600200", '"code": 1600200', "code=1600200"])
def test_lenient_code_forms(query: str) -> None:
    assert pasted.lookup(query).code == 1600200
    assert pasted.lookup(query).found


def test_unknown_code_gets_family_and_nearest_codes() -> None:
    result = pasted.lookup("1603999")
    assert not result.found
    assert result.family_guess is not None and result.family_guess.family == "order"
    assert len(result.suggestions) == 3 and all(str(code).startswith("160") for code in result.suggestions)
    assert codes.guess_family(16900299).family == "request"
    assert codes.guess_family(1609999).family == "ticket"
    assert codes.guess_family(404).family is None


def test_retry_classes() -> None:
    assert codes.is_retryable(1600200) and codes.get(1600200).min_wait_seconds == 1.0  # type: ignore[union-attr]
    assert codes.get(1600000).max_attempts == 3  # type: ignore[union-attr]
    # Points come back at 00:00 UTC or sooner; a quota when its own period (quotaType) restarts.
    assert codes.get(16900500).retry is Retry.AFTER_RESET_OR_SOONER  # type: ignore[union-attr]
    assert codes.get(1600201).retry is Retry.AFTER_PERIOD  # type: ignore[union-attr]
    # Spent quota is not "retryable": a script must not retry it before the reset.
    assert not codes.is_retryable(16900500) and codes.retries_after_reset(16900500)
    assert not codes.is_retryable(1600201) and codes.retries_after_reset(1600201)
    # A bare 429 is a short wait and one more try, not a day's wait.
    assert codes.is_retryable(429) and not codes.retries_after_reset(429)
    assert codes.get(429).max_attempts == 2  # type: ignore[union-attr]
    assert not codes.retries_after_reset(1600200)
    assert not codes.is_retryable(1600300)
    assert not codes.is_retryable(1600001)
    assert not codes.is_retryable(99)


def _steps(code: int) -> str:
    entry = codes.get(code)
    assert entry is not None
    return " ".join(entry.steps)


def test_key_troubleshooting_content() -> None:
    rate = _steps(1600200)
    assert "1 request/s" in rate and "level 4-5" in rate and "timed batch job" in rate
    assert "per-minute" in rate and "hourly" in rate
    parameter = _steps(1600300)
    assert "POST" in parameter and "query string" in parameter and "form-data" in parameter
    assert "Param error" in _steps(1600100)
    token = _steps(1600001)
    assert "expired" in token and "wrong" in token


def test_1600100_records_the_doc_example_contradiction() -> None:
    entry = codes.get(1600100)
    assert entry is not None
    example = [message for message in entry.messages if message.text == "Param error"]
    assert example and example[0].source == "doc-example" and example[0].belongs_to == 1600300


def test_paraphrases_never_match_responses() -> None:
    paraphrases = [(entry, message) for entry in ENTRIES for message in entry.messages if not message.exact]
    assert paraphrases, "the table marks wordings it never captured"
    for entry, message in paraphrases:
        # CJ's MCP server's own texts are CJ's words, but not response wordings.
        assert "not captured" in message.note or message.source == "cj-mcp"
        assert entry.code not in {matched.code for matched, _ in codes.match_message(message.text)}


@pytest.mark.parametrize(
    ("text", "owner"),
    [("Param error", 1600300), ("order not found", 1603100), ("Interface not found", 1600101)],
)
def test_the_wordings_owner_ranks_first(text: str, owner: int) -> None:
    assert codes.match_message(text)[0][0].code == owner
    assert pasted.lookup(text).entries[0].code == owner


def test_order_not_found_ranks_the_table_before_the_doc_example() -> None:
    # CJ's docs disagree: the error table has 1603100 "Order not found, Please check the CJ order id", the
    # getOrderDetail page shows "order not found" under 1600300. The table's wording ranks first; the doc
    # example stays listed, with where it came from.
    matched = [(entry.code, message.source) for entry, message in codes.match_message("order not found")]
    assert matched[0][0] == 1603100
    assert (1600300, "doc-example") in matched


@pytest.mark.parametrize("query", ["#", "-1", "/", "?"])
def test_search_ignores_urls_and_near_empty_queries(query: str) -> None:
    assert codes.search(query) == []


def test_every_source_is_used_and_every_used_source_is_described() -> None:
    used = {message.source for entry in ENTRIES for message in (*entry.messages, *entry.localized)}
    assert used == set(codes.SOURCES)


# --- wordings worked out at build time (cj_errors/table/_wording_table.py) ---------------------


def test_the_generated_wording_table_matches_the_code_table() -> None:
    from cj_errors.table import wording_table

    committed = (Path(__file__).resolve().parents[1] / "cj_errors" / "table" / "_wording_table.py").read_text("utf-8")
    assert committed == wording_table.render(), (
        "run: python -m cj_errors.table.wording_table > cj_errors/table/_wording_table.py"
    )


def test_a_wording_the_generated_table_lacks_is_worked_out_as_before() -> None:
    from cj_errors.table import _wording_table, matching

    wording = "Daily quota of {param} calls spent, 3 left. Try again tomorrow."
    assert wording not in _wording_table.EXACT
    assert matching.anchor(wording) == "daily quota of" == matching.compute_anchor(wording)
    assert matching.first_clause(wording) == "daily quota of {param} calls spent"
    assert codes._searchable("See https://example.com/x  Café\u2019s  QUOTA.") == "see café's quota"


def test_a_text_lookup_compiles_only_the_wordings_it_could_match(tmp_path: Path) -> None:
    # A fresh process: search used to compile every exact wording's pattern (about a hundred) for any text.
    import subprocess
    import sys

    script = (
        "from cj_errors.reading import pasted\n"
        "from cj_errors.table import codes, matching\n"
        "result = pasted.lookup('Too Many Requests, QPS limit is 1 time/1second')\n"
        "exact = sum(message.exact for entry in codes.all_entries() for message in entry.messages)\n"
        "print(result.entries[0].code, matching._full.cache_info().currsize, exact)\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    code, compiled, exact = map(int, ran.stdout.split())
    assert code == 1600200
    assert 0 < compiled <= 10 < exact
