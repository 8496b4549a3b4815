"""Plain text for every result: what cjerr prints when output is piped, and the wording the Rich renderer reuses.

Standard library only: lookup, list and TAB completion print through this without Rich.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from cj_errors.base import redact
from cj_errors.base.escaping import escaped
from cj_errors.base.exits import ExitStatus
from cj_errors.output.documents import _pretty_json, reach, summary_to_dict
from cj_errors.table import codes
from cj_errors.table.model import CodeEntry

if TYPE_CHECKING:
    from cj_errors.reading.explanation import Explanation
    from cj_errors.reading.results import Summary
    from cj_errors.requests.findings import Finding
    from cj_errors.requests.probe import PreparedProbe
    from cj_errors.table.catalog import Endpoint, FieldSpec


def family_text(entry: CodeEntry) -> str:
    """The family line of an entry, the same in plain text and in the Rich panel."""
    family = codes.FAMILIES[entry.family]
    name = entry.family if family.title == entry.family else f"{entry.family} ({family.title})"
    return f"{name}: {family.description}"


def _entry_lines(entry: CodeEntry, reached_by: str | None = None) -> list[str]:
    lines = [f"{entry.code}  {entry.title}"]
    if reached_by:
        lines.append(f"  queries:  {reached_by}")
    lines += [
        f"  family:   {family_text(entry)}",
        f"  outcome:  {entry.outcome.value} (exit {int(entry.exit_status)})",
        f"  retry:    {codes.retry_advice(entry)}",
        "  messages:",
    ]
    for message in (*entry.messages, *entry.localized):
        note = f"; {message.note}" if message.note else ""
        lines.append(f'    "{message.text}"  [{codes.SOURCES[message.source].title}{note}]')
    lines.append("  steps:")
    lines.extend(f"    {number}. {step}" for number, step in enumerate(entry.steps, start=1))
    if entry.notes:
        lines.append("  notes:")
        lines.extend(f"    - {note}" for note in entry.notes)
    if entry.related:
        lines.append("  related:  " + ", ".join(str(code) for code in entry.related))
    lines.append(f"  docs:     {entry.doc}")
    return lines


def _compact_line(entry: CodeEntry) -> str:
    return f"{entry.code}\t{entry.title}"


def shows_full_entries(result: codes.LookupResult) -> bool:
    """A code, or a search with few hits, gets full entries; a prefix or a broad search gets a list."""
    if len(result.entries) == 1 or result.code is not None:
        return True
    return result.prefix is None and len(result.entries) <= 3


def query_note(result: codes.LookupResult) -> str | None:
    """How a query that was not a bare code was read, when the reader should know."""
    if result.note is None:
        return None
    return f"{_shown_query(result.query, 60)}: {result.note}"


def _shown_query(query: str, limit: int) -> str:
    # Masked before it is cut and wrapped: a pasted token must not show in pieces; no escape codes.
    text = _one_line(redact.scrub(query), limit)
    return '"' + escaped(text) + '"'


def did_you_mean_lines(result: codes.LookupResult) -> list[str]:
    if result.found or not result.candidates:
        return []
    lines = ["  did you mean:"]
    for candidate in result.candidates:
        entry = codes.get(candidate.code)
        if entry is not None:
            lines.append(f'    {entry.code}  {entry.title}  (similarity {candidate.score:.2f}: "{candidate.text}")')
    return lines


def matches_header(result: codes.LookupResult) -> str:
    """The line above a list of matches; the query masked, as everywhere it is shown."""
    return f"{len(result.entries)} codes match {_shown_query(result.query, 80)}"


def query_label(index: int, results: Sequence[codes.LookupResult]) -> str:
    """The line that names a query when several were given: its number and the query as typed."""
    return f"query {index + 1}: {_shown_query(results[index].query, 60)}"


def reached_by_text(code: int, indices: Sequence[int], results: Sequence[codes.LookupResult]) -> str:
    """Which queries reached ``code``, by number and text: ``1 "1600200", 3 "Too much request"``."""
    return ", ".join(f"{index + 1} {_shown_query(results[index].query, 40)}" for index in indices)


def shown_above_text(entry: CodeEntry, full_in: int) -> str:
    """What a query whose code was already shown in full prints instead of the entry."""
    return f"{entry.code}  {entry.title}: shown above, under query {full_in + 1}"


def lookup_plain(results: Sequence[codes.LookupResult]) -> str:
    several = len(results) > 1
    reached = reach(results, shows_full_entries)
    blocks: list[str] = []
    for index, result in enumerate(results):
        head = [query_label(index, results)] if several else []
        note = query_note(result)
        if result.found and shows_full_entries(result):
            entries = []
            for entry in result.entries:
                full_in = reached.full_in[entry.code]
                if full_in != index:
                    entries.append(shown_above_text(entry, full_in))
                    continue
                indices = reached.reached_by[entry.code]
                queries = reached_by_text(entry.code, indices, results) if len(indices) > 1 else None
                entries.append("\n".join(_entry_lines(entry, queries)))
            if note:
                head.append(f"note: {note}")
            entries[0] = "\n".join([*head, entries[0]])
            blocks.extend(entries)
        elif result.found:
            lines = [*head, f"{matches_header(result)} (cjerr lookup CODE for details):"]
            lines.extend("  " + _compact_line(entry) for entry in result.entries)
            blocks.append("\n".join(lines))
        else:
            lines = head + not_found_lines(result) + did_you_mean_lines(result)
            if note:
                lines.append(f"  note:     {result.note}")
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def not_found_lines(result: codes.LookupResult) -> list[str]:
    if result.code is None:
        return [f"{_shown_query(result.query, 80)}: no code, message or title in cjerr's table matches"]
    guess = result.family_guess
    lines = [f"{result.code}  not in cjerr's code table"]
    if guess is not None:
        family = f" ({guess.family})" if guess.family else ""
        lines.append(f"  range:    {guess.range}{family}: {guess.explanation}")
    if result.known_outside is not None:
        lines.append(f"  known:    {result.known_outside.note}")
        lines.append(f"  source:   {result.known_outside.source}")
    if result.suggestions:
        nearest = ", ".join(
            f"{code} {entry.title}" for code in result.suggestions if (entry := codes.get(code)) is not None
        )
        lines.append(f"  nearest:  {nearest}")
    return lines


def _one_line(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def brief_line(entry: CodeEntry) -> str:
    """One line for `lookup --brief`: code, title, outcome with its exit status, retry advice."""
    outcome = f"{entry.outcome.value} (exit {int(entry.exit_status)})"
    return f"{entry.code}  {entry.title}  |  {outcome}  |  {codes.retry_advice(entry)}"


def lookup_brief(results: Sequence[codes.LookupResult]) -> str:
    """`lookup --brief`: one line per code found (each once), one per query that found none."""
    lines: list[str] = []
    seen: set[int] = set()
    for result in results:
        if not result.found:
            lines.append(not_found_lines(result)[0])
            continue
        for entry in result.entries:
            if entry.code not in seen:
                seen.add(entry.code)
                lines.append(brief_line(entry))
    return "".join(line + "\n" for line in lines)


# What a caller most often needs from a success, first: the ids it must keep (an order's orderId above all).
_KEY_FIELDS = (
    "orderId",
    "orderNumber",
    "orderNum",
    "cjOrderId",
    "shipmentOrderId",
    "orderStatus",
    "payId",
    "cjPayUrl",
    "pid",
    "vid",
    "sku",
    "trackingNumber",
    "amount",
    "totalRecords",
    "total",
)
_RESULT_FIELDS = 6
_RESULT_VALUE_CHARS = 70


def _result_value(value: object) -> str:
    if isinstance(value, dict):
        return f"{{{_count(len(value), 'field')}}}"
    if isinstance(value, list):
        return f"[{_count(len(value), 'item')}]"
    text = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return _one_line(text, _RESULT_VALUE_CHARS)


def result_lines(data: object) -> list[str]:
    """A success's ``data``, briefly, so nobody sends a call again to see what it returned: the key ids first,
    then other fields, at most a few; lists and objects as their size (--body prints all of it)."""
    if isinstance(data, list):
        return [f"  result:     [{_count(len(data), 'item')}]  (--body prints the data)"]
    if not isinstance(data, dict):
        return [f"  result:     {_result_value(data)}"]
    names = [name for name in _KEY_FIELDS if name in data]
    names += [name for name in data if name not in names]
    shown = [f"{name}={_result_value(data[name])}" for name in names[:_RESULT_FIELDS]]
    more = len(data) - len(shown)
    lines = [f"  result:     {shown[0] if shown else '{}'}"] + [f"              {item}" for item in shown[1:]]
    if more > 0:
        lines.append(f"              ... {_count(more, 'more field')} (--body prints the data)")
    return lines


def list_plain(entries: Iterable[CodeEntry]) -> str:
    return "".join(_compact_line(entry) + "\n" for entry in entries)


def explanation_plain(explanation: Explanation) -> str:
    lines = [explanation.verdict]
    if explanation.http_status is not None:
        lines.append(f"  http:       {explanation.http_status}")
    if explanation.request_id:
        lines.append(f"  requestId:  {explanation.request_id}   (quote it to CJ support)")
    envelope = explanation.envelope
    if envelope is not None and envelope.message is not None:
        lines.append(f"  message:    {_one_line(envelope.message, 300)}")
    if explanation.content_type:
        lines.append(f"  type:       {explanation.content_type}")
    if explanation.body_preview is not None:
        lines.append(f"  body:       {explanation.body_preview}")
    if explanation.contradiction:
        lines.append(f"  mismatch:   {explanation.contradiction}")
    lines.extend(f"  note:       {hint}" for hint in explanation.hints)
    lines.append(f"  retry:      {explanation.retry}")
    if explanation.wait_seconds is not None:
        lines.append(f"  wait:       {explanation.wait_seconds:g} s at least")
    if explanation.reset_at is not None:
        lines.append(f"  reset:      {explanation.reset_at}")
    lines.append(f"  exit:       {int(explanation.exit_status)} ({explanation.exit_status.summary})")
    if explanation.failure_entry is not None:
        lines.append("")
        lines.extend(_entry_lines(explanation.failure_entry))
    return "\n".join(lines) + "\n"


def item_line(line_number: int, explanation: Explanation) -> str:
    request = f"  requestId={explanation.request_id}" if explanation.request_id else ""
    return f"line {line_number}: {explanation.verdict}{request}\n"


def summary_head_lines(summary: Summary) -> list[str]:
    """The summary's lines above its table of codes: counts, and what could not be read."""
    lines = [f"{_count(summary.responses, 'response')} in {_count(summary.lines, 'line')}"]
    if summary.skipped_lines:
        lines[0] += f" ({_count(summary.skipped_lines, 'line')} without an envelope skipped)"
    if summary.encoding:
        lines.append(f"read as {summary.encoding.upper()} text (PowerShell's > writes it)")
    if summary.unreadable:
        lines.append(
            f"{summary.unreadable} looked like {'a CJ response' if summary.unreadable == 1 else 'CJ responses'} "
            "but could not be read "
            f"(first at line {summary.first_unreadable_line}; truncated?)"
        )
    if summary.oversized:
        oversized = _count(summary.oversized, "oversized line or document", "oversized lines or documents")
        lines.append(f"{oversized} skipped")
    if summary.untracked:
        lines.append(
            f"{_count(summary.untracked, 'response')} with codes beyond the first {len(summary.per_code)} not itemized"
        )
    if summary.held:
        lines.append(
            f"{summary.held} of them {'a held order' if summary.held == 1 else 'held orders'}: CJ answered success"
            ", but data holds the order "
            f"(first on line {summary.first_held_line}; explain that line for the reasons)"
        )
    return lines


def summary_rows(summary: Summary) -> list[tuple[int, str, str, str, str | None]]:
    """(count, code, title, retry, first requestId) for each code the summary counted, most frequent first."""
    rows = []
    for row in summary_to_dict(summary)["codes"]:
        label = "-" if row["code"] is None else str(row["code"])
        retry = "retryable" if row["retryable"] else "not retryable"
        if row["retry_after_reset"]:
            retry = "after 00:00 UTC reset"
        if row["outcome"] == "success":
            retry = "ok"
        rows.append((row["count"], label, row["title"], retry, row["first_request_id"]))
    return rows


def summary_tail_lines(summary: Summary) -> list[str]:
    """The summary's last lines: nothing to report (explain --summary), and the exit status."""
    lines = []
    if summary.nothing_to_report and summary.empty_is_success:
        lines.append("nothing to report: no CJ response in the input")
    status = summary.exit_status
    lines.append(f"exit {int(status)} ({status.summary})")
    return lines


def summary_plain(summary: Summary) -> str:
    lines = summary_head_lines(summary)
    for count, label, title, retry, first_request_id in summary_rows(summary):
        request = f"  first requestId {first_request_id}" if first_request_id else ""
        lines.append(f"  {count:>7}  {label:<9} {title}  [{retry}]{request}")
    lines += summary_tail_lines(summary)
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str, nouns: str | None = None) -> str:
    """``1 line``, ``2 lines``; ``nouns`` for a plural that is not ``noun`` + s."""
    return f"{number} {noun}" if number == 1 else f"{number} {nouns or noun + 's'}"


_SUMMARY_COLUMN = 26  # on a terminal, a longer summary wraps inside its column


_MIN_WHEN_COLUMN = 24


def exit_codes_plain(width: int | None = None) -> str:
    """The exit-code table: one line per code, or for a terminal ``width`` wide, two wrapped, aligned columns.

    Piped (no width), each code stays on one line, so ``cut`` and ``awk`` see one row per code.
    """
    import itertools
    import textwrap

    widest = max(len(status.summary) for status in ExitStatus)
    if width is None:
        return "".join(f"{int(status):>4}  {status.summary:<{widest}}  {status.when}\n" for status in ExitStatus)
    column = min(widest, _SUMMARY_COLUMN)
    indent = 4 + 2 + column + 2
    lines: list[str] = []
    for status in ExitStatus:
        summary = textwrap.wrap(status.summary, column, break_on_hyphens=False)
        if width - indent >= _MIN_WHEN_COLUMN:
            when = textwrap.wrap(status.when, width - indent, break_on_hyphens=False)
            for number, (left, right) in enumerate(itertools.zip_longest(summary, when, fillvalue="")):
                code = f"{int(status):>4}" if number == 0 else ""
                lines.append(f"{code:>4}  {left:<{column}}  {right}".rstrip())
        else:  # too narrow for two columns: the summary, then what it covers below it
            lines.append(f"{int(status):>4}  {status.summary}")
            wrapped = textwrap.wrap(status.when, max(width - 6, _MIN_WHEN_COLUMN), break_on_hyphens=False)
            lines.extend(" " * 6 + line for line in wrapped)
    return "".join(line + "\n" for line in lines)


def findings_plain(findings: Sequence[Finding]) -> str:
    lines = []
    for finding in findings:
        code = f" [{finding.likely_code}]" if finding.likely_code else ""
        lines.append(f"{finding.severity.value:<8}{code} {finding.message}")
        if finding.detail:
            lines.extend("         " + line for line in finding.detail.splitlines())
    return "".join(line + "\n" for line in lines)


def request_plain(prepared: PreparedProbe) -> str:
    lines = [f"> {prepared.plan.method} {prepared.shown_url()}"]
    lines.extend(f"> {name}: {value}" for name, value in prepared.shown_headers())
    body = prepared.shown_body()
    if body is not None:
        text = body if isinstance(body, str) else _pretty_json(body)
        lines.append(">")
        lines.extend("> " + line for line in text.splitlines())
    return "".join(line + "\n" for line in lines)


def _points_line(prepared: PreparedProbe) -> str:
    endpoint = prepared.plan.endpoint
    if endpoint is None:
        return ""
    if endpoint.points == 0:
        return "points: none listed for this call in CJ's points table\n"
    return f"points: {endpoint.points} per call (CJ's points table)\n"


def endpoint_flags(endpoint: Endpoint) -> str:
    """``  (deprecated, 50 pts)``: what sets an endpoint apart, or nothing."""
    flags = []
    if endpoint.deprecated:
        flags.append("deprecated")
    if not endpoint.official:
        flags.append("secondary source")
    if endpoint.points:
        flags.append(f"{endpoint.points} pts")
    return f"  ({', '.join(flags)})" if flags else ""


def field_parts(spec: FieldSpec) -> tuple[str, str, str, str]:
    """(name, type with its length, required or optional, note) of one field, for --detail."""
    size = f"({spec.max_length})" if spec.max_length else ""
    return spec.name, f"{spec.type}{size}", "required" if spec.required else "optional", spec.note


def endpoint_detail_lines(endpoint: Endpoint) -> list[tuple[str, str]]:
    """The (label, text) lines under an endpoint's fields: one-of groups, deprecation, note, docs."""
    lines = [("one of", " / ".join(group)) for group in endpoint.one_of]
    if endpoint.deprecated:
        instead = f"; use {endpoint.replacement}" if endpoint.replacement else ""
        lines.append(("", f"{endpoint.deprecated}{instead}"))
    if endpoint.note:
        lines.append(("note", endpoint.note))
    if endpoint.doc:
        lines.append(("docs", endpoint.doc))
    return lines


def endpoints_plain(endpoints: Sequence[Endpoint], detail: bool) -> str:
    lines = []
    for endpoint in endpoints:
        suffix = endpoint_flags(endpoint)
        lines.append(f"{endpoint.method:<6} {endpoint.path}\t{endpoint.location.value}\t{endpoint.summary}{suffix}")
        if detail:
            for spec in endpoint.fields:
                name, kind, need, note = field_parts(spec)
                lines.append(f"         {name}: {kind} {need}" + (f"  {note}" if note else ""))
            for label, text in endpoint_detail_lines(endpoint):
                lines.append(f"         {label}: {text}" if label else f"         {text}")
    return "".join(line + "\n" for line in lines)


def _shown_source(source: str) -> str:
    return "(stdin)" if source == "-" else escaped(source)
