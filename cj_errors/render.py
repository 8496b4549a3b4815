"""Print result objects as plain text or versioned JSON: ``PlainRenderer`` and ``JsonRenderer``.

Standard library only; of the core, only the code table's read-only queries (results carry the rest of what is
printed). ``output.renderer_for`` picks
the renderer once per mode (the Rich one lives in ``render_rich``), so piped
commands stay fast. Every JSON document carries ``cjerr_schema`` so scripts
can detect a change of shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from cj_errors import codes, redact
from cj_errors.escaping import escaped
from cj_errors.exits import ExitStatus
from cj_errors.model import CodeEntry, Outcome
from cj_errors.terminal import Mode, Terminal, same_destination

if TYPE_CHECKING:
    from cj_errors.auth import AuthReport
    from cj_errors.catalog import Endpoint
    from cj_errors.explanation import Explanation
    from cj_errors.probe import PreparedProbe, ProbeOutcome
    from cj_errors.stream import Item, Summary
    from cj_errors.validate import Finding
    from cj_errors.webhook_tools import CheckReport, Received, SendReport, VerifyReport

# 2: explanations gained wait_seconds, reset_at, points, limit, max_attempts and held; probe documents
# gained outcome and reconcile; outcomes "held" and "unknown" and retry values "after_period" and
# "after_reset_or_sooner" were added.
# 3: lookup gives a code's full entry once per document (a later query reaching it gets a reference with
# entry_in), every match says which queries reached it (reached_by), and an unknown code may carry
# known_outside; explain --each --json lines carry cjerr_schema and command, and their entry is a short
# reference unless --full is given.
SCHEMA_VERSION = 3


# --- data shapes (the published JSON contract) ---------------------------------


def entry_to_dict(entry: CodeEntry) -> dict[str, Any]:
    family = codes.FAMILIES[entry.family]
    return {
        "code": entry.code,
        "title": entry.title,
        "family": entry.family,
        "family_title": family.title,
        "outcome": entry.outcome.value,
        "exit_code": int(entry.exit_status),
        "retry": entry.retry.value,
        "retryable": entry.retryable,
        "retry_after_reset": entry.retry_after_reset,
        "retry_advice": codes.retry_advice(entry),
        "min_wait_seconds": entry.min_wait_seconds,
        "max_attempts": entry.max_attempts,
        "messages": [
            {
                "text": message.text,
                "source": message.source,
                "source_title": codes.SOURCES[message.source].title,
                "note": message.note or None,
                "belongs_to": message.belongs_to,
                "exact": message.exact,
            }
            for message in entry.messages
        ],
        "localized": [
            {"text": message.text, "source": message.source, "source_title": codes.SOURCES[message.source].title}
            for message in entry.localized
        ],
        "steps": list(entry.steps),
        "notes": list(entry.notes),
        "related": list(entry.related),
        "doc_url": entry.doc,
    }


def entry_reference(entry: CodeEntry) -> dict[str, Any]:
    """The fields of an entry a script acts on, without its messages and steps: a reference to the full entry."""
    return {
        "code": entry.code,
        "title": entry.title,
        "family": entry.family,
        "outcome": entry.outcome.value,
        "exit_code": int(entry.exit_status),
        "retry": entry.retry.value,
        "retryable": entry.retryable,
        "retry_after_reset": entry.retry_after_reset,
    }


class Reach(NamedTuple):
    """Which lookup results reached each code, and which one shows its entry in full."""

    full_in: dict[int, int]  # code -> index of the result that shows the entry in full
    reached_by: dict[int, tuple[int, ...]]  # code -> indices of every result that found it

    def others(self, code: int, index: int) -> tuple[int, ...]:
        """The results other than ``index`` that reached ``code``."""
        return tuple(other for other in self.reached_by.get(code, ()) if other != index)


def reach(results: Sequence[codes.LookupResult], shows_full: Callable[[codes.LookupResult], bool]) -> Reach:
    """A code reached by several queries is shown in full once, by the first result that shows entries in full."""
    full_in: dict[int, int] = {}
    reached_by: dict[int, list[int]] = {}
    for index, result in enumerate(results):
        full = shows_full(result)
        for entry in result.entries:
            reached_by.setdefault(entry.code, []).append(index)
            if full:
                full_in.setdefault(entry.code, index)
    return Reach(full_in, {code: tuple(indices) for code, indices in reached_by.items()})


def lookup_results_to_dicts(results: Sequence[codes.LookupResult]) -> list[dict[str, Any]]:
    """Every result as in ``lookup_result_to_dict``, each code's full entry given once (see ``Reach``)."""
    reached = reach(results, lambda _: True)
    documents = []
    for index, result in enumerate(results):
        data = lookup_result_to_dict(result)
        matches = []
        for entry, match in zip(result.entries, data["matches"], strict=True):
            full_in = reached.full_in[entry.code]
            if full_in != index:
                match = {**entry_reference(entry), "entry_in": full_in}
            matches.append({**match, "reached_by": list(reached.reached_by[entry.code])})
        data["matches"] = matches
        documents.append(data)
    return documents


def lookup_result_to_dict(result: codes.LookupResult) -> dict[str, Any]:
    guess = result.family_guess
    outside = result.known_outside
    return {
        "query": result.query,
        "kind": "code" if result.code is not None else ("prefix" if result.prefix else "text"),
        "found": result.found,
        "code": result.code,
        "matches": [entry_to_dict(entry) for entry in result.entries],
        "known_outside": None if outside is None else {"note": outside.note, "source": outside.source},
        "family_guess": None
        if guess is None
        else {"family": guess.family, "range": guess.range, "explanation": guess.explanation},
        "suggestions": [
            {"code": code, "title": entry.title}
            for code in result.suggestions
            if (entry := codes.get(code)) is not None
        ],
        "read_as": result.match or None,
        "note": result.note,
        "did_you_mean": [
            {"code": candidate.code, "title": entry.title, "score": candidate.score, "wording": candidate.text}
            for candidate in result.candidates
            if (entry := codes.get(candidate.code)) is not None
        ],
    }


def explanation_to_dict(explanation: Explanation, *, full_entry: bool = True) -> dict[str, Any]:
    """The explanation document; ``full_entry`` False gives ``entry`` as a short reference (``entry_reference``)."""
    envelope = explanation.envelope
    entry = explanation.entry
    entry_data = None if entry is None else (entry_to_dict(entry) if full_entry else entry_reference(entry))
    return {
        "ok": explanation.ok,
        "verdict": explanation.verdict,
        "exit_code": int(explanation.exit_status),
        "http_status": explanation.http_status,
        "code": explanation.code,
        "code_inferred": explanation.code_inferred,
        "outcome": explanation.outcome.value if explanation.outcome else None,
        "retryable": explanation.retryable,
        "retry_after_reset": explanation.retry_after_reset,
        "retry_advice": explanation.retry,
        "request_id": explanation.request_id,
        "message": envelope.message if envelope else None,
        "contradiction": explanation.contradiction,
        "hints": list(explanation.hints),
        "wait_seconds": explanation.wait_seconds,
        "reset_at": explanation.reset_at,
        "points": explanation.points.as_dict() if explanation.points is not None else None,
        "limit": explanation.limit,
        "max_attempts": explanation.max_attempts,
        "held": [reason.as_dict() for reason in explanation.held],
        "envelope": None
        if envelope is None
        else {
            "code": envelope.code,
            "result": envelope.result,
            "success": envelope.success,
            "message": envelope.message,
            "requestId": envelope.request_id,
            "has_data": envelope.has_data,
            "problems": list(envelope.problems),
        },
        "entry": entry_data,
        "content_type": explanation.content_type,
        "body_preview": explanation.body_preview,
    }


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    rows = []
    for code, count in sorted(summary.per_code.items(), key=lambda item: (-item[1], item[0] or 0)):
        entry = codes.get(code) if code is not None else None
        rows.append(
            {
                "code": code,
                "count": count,
                "title": entry.title
                if entry
                else ("failure without an error code" if code is None else "unknown code"),
                "retryable": entry.retryable if entry else False,
                "retry_after_reset": entry.retry_after_reset if entry else False,
                "outcome": entry.outcome.value if entry else None,
                "first_line": summary.first_line.get(code),
                "first_request_id": summary.first_request_id.get(code),
            }
        )
    return {
        "responses": summary.responses,
        "lines": summary.lines,
        "skipped_lines": summary.skipped_lines,
        "oversized": summary.oversized,
        "unreadable": summary.unreadable,
        "first_unreadable_line": summary.first_unreadable_line,
        "encoding": summary.encoding,
        "codes": rows,
        "codes_not_itemized": summary.untracked,
        "held_orders": summary.held,
        "first_held_line": summary.first_held_line,
    }


def document(command: str, exit_status: ExitStatus, **payload: Any) -> dict[str, Any]:
    return {"cjerr_schema": SCHEMA_VERSION, "command": command, "exit_code": int(exit_status), **payload}


def write_json(terminal: Terminal, data: object) -> None:
    terminal.stdout.write(_pretty_json(data) + "\n")


def _pretty_json(data: object) -> str:
    import json  # only --json and probe output need it; keep it off the lookup/list path

    return json.dumps(data, indent=2, ensure_ascii=False)


# --- plain text -----------------------------------------------------------------


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
            lines = [*head, f'{len(result.entries)} codes match "{result.query}" (cjerr lookup CODE for details):']
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
    if explanation.entry is not None and not explanation.ok:
        lines.append("")
        lines.extend(_entry_lines(explanation.entry))
    return "\n".join(lines) + "\n"


def item_line(line_number: int, explanation: Explanation) -> str:
    request = f"  requestId={explanation.request_id}" if explanation.request_id else ""
    return f"line {line_number}: {explanation.verdict}{request}\n"


def summary_plain(summary: Summary) -> str:
    data = summary_to_dict(summary)
    lines = [f"{_count(summary.responses, 'response')} in {_count(summary.lines, 'line')}"]
    if summary.skipped_lines:
        lines[0] += f" ({summary.skipped_lines} lines without an envelope skipped)"
    if summary.encoding:
        lines.append(f"read as {summary.encoding.upper()} text (PowerShell's > writes it)")
    if summary.unreadable:
        lines.append(
            f"{summary.unreadable} looked like CJ responses but could not be read "
            f"(first at line {summary.first_unreadable_line}; truncated?)"
        )
    if summary.oversized:
        lines.append(f"{summary.oversized} oversized lines or documents skipped")
    if summary.untracked:
        lines.append(f"{summary.untracked} responses with codes beyond the first {len(summary.per_code)} not itemized")
    if summary.held:
        lines.append(
            f"{summary.held} of them held orders: CJ answered success, but data holds the order "
            f"(first on line {summary.first_held_line}; explain that line for the reasons)"
        )
    for row in data["codes"]:
        label = "-" if row["code"] is None else str(row["code"])
        retry = "retryable" if row["retryable"] else "not retryable"
        if row["retry_after_reset"]:
            retry = "after 00:00 UTC reset"
        if row["outcome"] == "success":
            retry = "ok"
        request = f"  first requestId {row['first_request_id']}" if row["first_request_id"] else ""
        lines.append(f"  {row['count']:>7}  {label:<9} {row['title']}  [{retry}]{request}")
    status = summary.exit_status
    lines.append(f"exit {int(status)} ({status.summary})")
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


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


def exit_codes_data() -> list[dict[str, Any]]:
    return [
        {"exit_code": int(status), "name": status.name.lower(), "summary": status.summary, "when": status.when}
        for status in ExitStatus
    ]


# --- explain items and terminal width ----------------------------------------------


def item_to_dict(item: Item, *, source: str | None = None, full: bool = False) -> dict[str, Any]:
    """One JSON Lines object of ``explain --each --json``: the explanation with its line, and ``source``
    when several files are read. Its ``entry`` is a short reference to the table entry (``cjerr lookup
    --json CODE`` has the rest) unless ``full`` is set: a big log repeats the same few codes."""
    where = {"source": source} if source is not None else {}
    explanation = explanation_to_dict(item.explanation, full_entry=full)
    return {
        "cjerr_schema": SCHEMA_VERSION,
        "command": "explain",
        **where,
        "line": item.line,
        "readable": item.readable,
        **explanation,
    }


def _terminal_width(terminal: Terminal) -> int | None:
    """The width to wrap plain text to: the terminal's (COLUMNS first), or None when output is piped."""
    if terminal.width is not None:
        return terminal.width
    if not terminal.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


# --- probe and endpoints ------------------------------------------------------------


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "severity": finding.severity.value,
        "message": finding.message,
        "likely_code": finding.likely_code,
        "field": finding.field,
        "detail": finding.detail or None,
    }


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


def request_to_dict(prepared: PreparedProbe) -> dict[str, Any]:
    endpoint = prepared.plan.endpoint
    return {
        "method": prepared.plan.method,
        "url": prepared.shown_url(),
        "path": prepared.plan.path,
        "known_endpoint": endpoint is not None,
        "headers": dict(prepared.shown_headers()),
        "query": [list(pair) for pair in prepared.shown_query()],
        "body": prepared.shown_body(),
        "token": "present" if prepared.token else "absent",
        "points": endpoint.points if endpoint is not None else None,
    }


def probe_to_dict(prepared: PreparedProbe, outcome: ProbeOutcome | None, exit_status: ExitStatus) -> dict[str, Any]:
    response = outcome.response if outcome else None
    return document(
        "probe",
        exit_status,
        request=request_to_dict(prepared),
        findings=[finding_to_dict(finding) for finding in prepared.findings],
        sent=bool(outcome and outcome.sent),
        attempts=[
            {
                "attempt": attempt.number,
                "http_status": attempt.http_status,
                "elapsed_ms": round(attempt.elapsed * 1000),
                "code": attempt.code,
                "verdict": attempt.verdict,
                "error": attempt.error,
                "wait_after_s": attempt.wait_after,
            }
            for attempt in (outcome.attempts if outcome else ())
        ],
        response=None
        if response is None
        else {
            "status": response.status,
            "content_type": response.content_type,
            "headers": redact.headers(dict(response.headers)),
            "body": outcome.shown_response_body if outcome else None,
        },
        explanation=explanation_to_dict(outcome.explanation) if outcome and outcome.explanation else None,
        transport_error=outcome.transport_error if outcome else None,
        notes=list(outcome.notes) if outcome else [],
        outcome=outcome.outcome.value if outcome and outcome.outcome else None,
        next_step=outcome.next_step if outcome else None,
        reconcile=outcome.reconciliation.as_dict() if outcome and outcome.reconciliation else None,
    )


def _points_line(prepared: PreparedProbe) -> str:
    endpoint = prepared.plan.endpoint
    if endpoint is None:
        return ""
    if endpoint.points == 0:
        return "points: none listed for this call in CJ's points table\n"
    return f"points: {endpoint.points} per call (CJ's points table)\n"


_NO_DATA = object()


def _success_data(outcome: ProbeOutcome | None) -> Any:
    """The response's ``data`` after a plain CJ success (masked); _NO_DATA otherwise (an error, no answer, a
    held order, an answer the reconcile check stands in for): stdout gets no misleading body."""
    if outcome is None or outcome.response is None or outcome.explanation is None or outcome.unknown:
        return _NO_DATA
    if outcome.exit_status is not ExitStatus.SUCCESS or outcome.outcome is not Outcome.SUCCESS:
        return _NO_DATA
    body = outcome.shown_response_body
    return body.get("data") if isinstance(body, dict) else _NO_DATA


def _failure_line(terminal: Terminal, outcome: ProbeOutcome | None) -> None:
    """A failed run owes stderr its one-line reason (the report on stdout may be going elsewhere)."""
    if outcome is None or outcome.exit_status is ExitStatus.SUCCESS:
        return
    checked = outcome.reconciliation
    if outcome.transport_error is not None:
        after = ""
        if checked is not None:
            after = f"; reconcile: {checked.summary}"
        elif outcome.exit_status is ExitStatus.OUTCOME_UNKNOWN:
            after = f"; outcome unknown: {outcome.next_step}"
        terminal.stderr.write(f"cjerr: no response: {outcome.transport_error}{after}\n")
    elif outcome.unknown:
        said = f"reconcile: {checked.summary}" if checked is not None else f"outcome unknown: {outcome.next_step}"
        terminal.stderr.write(f"cjerr: {said}\n")


def endpoint_to_dict(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "path": endpoint.path,
        "method": endpoint.method,
        "location": endpoint.location.value,
        "group": endpoint.group,
        "summary": endpoint.summary,
        "needs_token": endpoint.needs_token,
        "points": endpoint.points,
        "mutating": endpoint.mutating,
        "official": endpoint.official,
        "deprecated": endpoint.deprecated or None,
        "replacement": endpoint.replacement or None,
        "one_of": [list(group) for group in endpoint.one_of],
        "fields": [
            {
                "name": spec.name,
                "type": spec.type,
                "required": spec.required,
                "max_length": spec.max_length,
                "choices": list(spec.choices),
                "items": [item.name for item in spec.items],
                "note": spec.note or None,
            }
            for spec in endpoint.fields
        ],
        "doc_url": endpoint.doc or None,
        "note": endpoint.note or None,
    }


def endpoints_plain(endpoints: Sequence[Endpoint], detail: bool) -> str:
    lines = []
    for endpoint in endpoints:
        flags = []
        if endpoint.deprecated:
            flags.append("deprecated")
        if not endpoint.official:
            flags.append("secondary source")
        if endpoint.points:
            flags.append(f"{endpoint.points} pts")
        suffix = f"  ({', '.join(flags)})" if flags else ""
        lines.append(f"{endpoint.method:<6} {endpoint.path}\t{endpoint.location.value}\t{endpoint.summary}{suffix}")
        if detail:
            for spec in endpoint.fields:
                size = f"({spec.max_length})" if spec.max_length else ""
                need = "required" if spec.required else "optional"
                note = f"  {spec.note}" if spec.note else ""
                lines.append(f"         {spec.name}: {spec.type}{size} {need}{note}")
            for group in endpoint.one_of:
                lines.append(f"         one of: {' / '.join(group)}")
            if endpoint.deprecated:
                instead = f"; use {endpoint.replacement}" if endpoint.replacement else ""
                lines.append(f"         {endpoint.deprecated}{instead}")
            if endpoint.note:
                lines.append(f"         note: {endpoint.note}")
            if endpoint.doc:
                lines.append(f"         docs: {endpoint.doc}")
    return "".join(line + "\n" for line in lines)


def _shown_source(source: str) -> str:
    return "(stdin)" if source == "-" else escaped(source)


# --- the renderers: one per output mode, chosen once (see ``output.renderer_for``) ----------------------------


class PlainRenderer:
    """Plain text on stdout: what a pipe, a file, NO_COLOR or --color never gets."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.out = terminal.stdout

    def lookup(self, results: Sequence[codes.LookupResult], exit_status: ExitStatus) -> None:
        self.out.write(lookup_plain(results))

    def entries(self, entries: Sequence[CodeEntry]) -> None:
        self.out.write(list_plain(entries))

    def explanation(self, explanation: Explanation) -> None:
        self.out.write(explanation_plain(explanation))

    def item(self, item: Item, *, source: str | None = None, full: bool = False) -> None:
        """One response of many; ``source`` names the file it came from, when explain reads several.

        ``full`` (repeat the whole table entry) is for JSON lines; a text line names the code only.
        """
        prefix = f"{_shown_source(source)}:" if source is not None else ""
        self.out.write(prefix + item_line(item.line, item.explanation))

    def summary(self, summary: Summary, *, one_line: bool) -> None:
        self.out.write(summary_plain(summary))

    def endpoints(self, endpoints: Sequence[Endpoint], *, detail: bool) -> None:
        self.out.write(endpoints_plain(endpoints, detail))

    def exit_codes(self) -> None:
        self.out.write(exit_codes_plain(_terminal_width(self.terminal)))

    def curl(self, prepared: PreparedProbe, *, force: bool) -> ExitStatus:
        """--curl: the command on stdout, findings and notes on stderr; no command when validation found errors."""
        terminal = self.terminal
        if prepared.findings:
            terminal.stderr.write(findings_plain(prepared.findings))
        if prepared.blocked and not force:
            terminal.stderr.write(
                "cjerr: no command printed: fix the errors above, or pass --force to print it anyway\n"
            )
            return ExitStatus.INVALID_INPUT
        command = prepared.curl_command()
        self.out.write(command.text + "\n")
        terminal.stderr.write("".join(f"cjerr: note: {note}\n" for note in command.notes))
        return ExitStatus.SUCCESS

    def probe(
        self,
        prepared: PreparedProbe,
        outcome: ProbeOutcome | None,
        exit_status: ExitStatus,
        *,
        show_request: bool,
        verbose: bool,
        body_only: bool = False,
    ) -> None:
        """The probe report; with ``body_only`` (--body) stdout gets only the response's data, after a CJ success."""
        if body_only:
            report = PlainRenderer(self.terminal._replace(mode=Mode.PLAIN, stdout=self.terminal.stderr))
            report.probe_report(prepared, outcome, exit_status, show_request=show_request, verbose=verbose, quiet=True)
            data = _success_data(outcome)
            if data is not _NO_DATA:
                self.out.write(_pretty_json(data) + "\n")
            return
        self.probe_report(prepared, outcome, exit_status, show_request=show_request, verbose=verbose)
        # Unless the same words just went there (a terminal or 2>&1 showing both streams).
        if not same_destination(self.terminal.stdout, self.terminal.stderr):
            _failure_line(self.terminal, outcome)

    def probe_report(
        self,
        prepared: PreparedProbe,
        outcome: ProbeOutcome | None,
        exit_status: ExitStatus,
        *,
        show_request: bool,
        verbose: bool,
        quiet: bool = False,
    ) -> None:
        """The text report of a probe; ``quiet`` leaves out the verdict of a success whose data --body prints."""
        out = self.out
        if show_request:
            out.write(request_plain(prepared))
        if prepared.findings:
            out.write(("\n" if show_request else "") + "findings:\n" + findings_plain(prepared.findings))
        if outcome is None:
            out.write(_points_line(prepared))
            if prepared.blocked:
                out.write("nothing sent: fix the errors above, or pass --force to send anyway\n")
            else:
                out.write("dry run: nothing sent\n")
            return
        for note in outcome.notes:
            out.write(f"note: {note}\n")
        if outcome.transport_error is not None:
            out.write(f"no response: {outcome.transport_error}\n")
            if outcome.reconciliation is not None:
                out.write(f"  reconcile:  {outcome.reconciliation.summary}\n")
            elif outcome.next_step is not None:
                out.write(f"  next:       {outcome.next_step}\n")
            out.write(f"  exit:       {int(exit_status)} ({exit_status.summary})\n")
            return
        response = outcome.response
        if verbose and response is not None:
            out.write(f"< HTTP {response.status} {response.reason}  ({response.elapsed * 1000:.0f} ms)\n")
            out.write("".join(f"< {name}: {value}\n" for name, value in redact.headers(dict(response.headers)).items()))
            body = outcome.shown_response_body
            text = body if isinstance(body, str) else _pretty_json(body)
            out.write("<\n" + "".join(f"< {line}\n" for line in text.splitlines()) + "\n")
        if outcome.explanation is not None and not (quiet and _success_data(outcome) is not _NO_DATA):
            self.explanation(outcome.explanation)
        if outcome.reconciliation is not None:
            out.write(f"reconcile: {outcome.reconciliation.summary}\n")
            out.write(f"  exit:       {int(exit_status)} ({exit_status.summary}) after the reconcile check\n")

    # --- auth and webhook: their text and documents are in render_auth and render_webhook ---

    def auth(self, report: AuthReport) -> None:
        from cj_errors import render_auth

        self.out.write(render_auth.auth_plain(report))
        _auth_error(self.terminal, report)

    def webhook_check(self, report: CheckReport) -> None:
        from cj_errors import render_webhook

        self.out.write(render_webhook.check_plain(report))

    def webhook_send(self, report: SendReport) -> None:
        from cj_errors import render_webhook

        self.out.write(render_webhook.send_plain(report))

    def webhook_verify(self, report: VerifyReport) -> None:
        from cj_errors import render_webhook

        self.out.write(render_webhook.verify_plain(report))

    def webhook_received(self, item: Received) -> None:
        """One message ``webhook listen`` received, as it arrives."""
        from cj_errors import render_webhook

        self.out.write(render_webhook.received_line(item) + "\n")
        self.out.flush()


def _auth_error(terminal: Terminal, report: AuthReport) -> None:
    if report.error is not None:
        terminal.stderr.write(f"cjerr: {report.error}\n")


class JsonRenderer(PlainRenderer):
    """The versioned JSON documents of --json (one JSON object a line for explain's items)."""

    def lookup(self, results: Sequence[codes.LookupResult], exit_status: ExitStatus) -> None:
        write_json(self.terminal, document("lookup", exit_status, results=lookup_results_to_dicts(results)))

    def entries(self, entries: Sequence[CodeEntry]) -> None:
        write_json(self.terminal, document("list", ExitStatus.SUCCESS, codes=[entry_to_dict(e) for e in entries]))

    def explanation(self, explanation: Explanation) -> None:
        data = document("explain", explanation.exit_status, explanation=explanation_to_dict(explanation))
        write_json(self.terminal, data)

    def item(self, item: Item, *, source: str | None = None, full: bool = False) -> None:
        self.out.write(_one_line_json(item_to_dict(item, source=source, full=full)))

    def summary(self, summary: Summary, *, one_line: bool) -> None:
        """``one_line`` keeps the document on one line, so it ends a JSON Lines stream."""
        data = document("explain", summary.exit_status, summary=summary_to_dict(summary))
        if one_line:
            self.out.write(_one_line_json(data))
        else:
            write_json(self.terminal, data)

    def endpoints(self, endpoints: Sequence[Endpoint], *, detail: bool) -> None:
        status = ExitStatus.SUCCESS if endpoints else ExitStatus.NOT_FOUND
        write_json(self.terminal, document("endpoints", status, endpoints=[endpoint_to_dict(e) for e in endpoints]))

    def exit_codes(self) -> None:
        write_json(self.terminal, document("exit-codes", ExitStatus.SUCCESS, exit_codes=exit_codes_data()))

    def probe(self, prepared: PreparedProbe, outcome: ProbeOutcome | None, exit_status: ExitStatus, **_: bool) -> None:
        """The whole probe document, the request always included (``show_request`` and ``verbose`` are for text).

        A failed run still says why on stderr: a JSON document on stdout is not those words.
        """
        write_json(self.terminal, probe_to_dict(prepared, outcome, exit_status))
        _failure_line(self.terminal, outcome)

    def auth(self, report: AuthReport) -> None:
        from cj_errors import render_auth

        write_json(self.terminal, render_auth.auth_to_dict(report))
        _auth_error(self.terminal, report)

    def webhook_check(self, report: CheckReport) -> None:
        from cj_errors import render_webhook

        write_json(self.terminal, render_webhook.check_document(report))

    def webhook_send(self, report: SendReport) -> None:
        from cj_errors import render_webhook

        write_json(self.terminal, render_webhook.send_document(report))

    def webhook_verify(self, report: VerifyReport) -> None:
        from cj_errors import render_webhook

        write_json(self.terminal, render_webhook.verify_document(report))

    def webhook_received(self, item: Received) -> None:
        """One JSON object a line, as messages arrive."""
        from cj_errors import render_webhook

        self.out.write(_one_line_json(render_webhook.received_to_dict(item)))
        self.out.flush()


def _one_line_json(data: object) -> str:
    import json

    return json.dumps(data, ensure_ascii=False) + "\n"
