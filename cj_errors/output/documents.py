"""The published JSON contract: every ``--json`` document cjerr prints, built as plain dicts.

Every document carries ``cjerr_schema`` (``SCHEMA_VERSION``) so scripts can detect a change of shape. Standard
library only; the renderers in ``render`` write these out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from cj_errors.base import redact
from cj_errors.base.exits import ExitStatus
from cj_errors.table import codes
from cj_errors.table.model import CodeEntry, Outcome

if TYPE_CHECKING:
    from cj_errors.reading.explanation import Explanation
    from cj_errors.reading.results import Item, Summary
    from cj_errors.requests.findings import Finding
    from cj_errors.requests.probe import PreparedProbe, ProbeOutcome
    from cj_errors.table.catalog import Endpoint


# 2: explanations gained wait_seconds, reset_at, points, limit, max_attempts and held; probe documents
# gained outcome and reconcile; outcomes "held" and "unknown" and retry values "after_period" and
# "after_reset_or_sooner" were added.
# 3: lookup gives a code's full entry once per document (a later query reaching it gets a reference with
# entry_in), every match says which queries reached it (reached_by), and an unknown code may carry
# known_outside; explain --each --json lines carry cjerr_schema and command, and their entry is a short
# reference unless --full is given.
SCHEMA_VERSION = 3


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
        "nothing_to_report": summary.nothing_to_report,
    }


def document(command: str, exit_status: ExitStatus, **payload: Any) -> dict[str, Any]:
    return {"cjerr_schema": SCHEMA_VERSION, "command": command, "exit_code": int(exit_status), **payload}


def error_document_text(command: str, exit_status: ExitStatus, message: str) -> str:
    """The one document --json prints for a run that failed before any answer (usage, missing file, config)."""
    return _pretty_json(document(command, exit_status, error=message)) + "\n"


def exit_codes_data() -> list[dict[str, Any]]:
    return [
        {"exit_code": int(status), "name": status.name.lower(), "summary": status.summary, "when": status.when}
        for status in ExitStatus
    ]


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


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "severity": finding.severity.value,
        "message": finding.message,
        "likely_code": finding.likely_code,
        "field": finding.field,
        "detail": finding.detail or None,
    }


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


def _pretty_json(data: object) -> str:
    import json  # only --json and probe output need it; keep it off the lookup/list path

    return json.dumps(data, indent=2, ensure_ascii=False)
