"""Print result objects as plain text or versioned JSON: ``PlainRenderer`` and ``JsonRenderer``.

Standard library only; of the core, only the code table's read-only queries (results carry the rest of what is
printed). ``output.renderer_for`` picks
the renderer once per mode (the Rich one lives in ``render_rich``), so piped
commands stay fast. Every JSON document carries ``cjerr_schema`` so scripts
can detect a change of shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from cj_errors.base import limits, redact
from cj_errors.base.exits import ExitStatus
from cj_errors.output.documents import (
    _NO_DATA,
    _pretty_json,
    _success_data,
    document,
    endpoint_to_dict,
    entry_to_dict,
    exit_codes_data,
    explanation_to_dict,
    item_to_dict,
    lookup_results_to_dicts,
    probe_to_dict,
    summary_to_dict,
)
from cj_errors.output.plain import (
    _points_line,
    _shown_source,
    endpoints_plain,
    exit_codes_plain,
    explanation_plain,
    findings_plain,
    item_line,
    list_plain,
    lookup_plain,
    request_plain,
    result_lines,
    summary_plain,
)
from cj_errors.output.terminal import Mode, Terminal, same_destination
from cj_errors.table import codes
from cj_errors.table.model import CodeEntry

if TYPE_CHECKING:
    from cj_errors.account.auth import AuthReport
    from cj_errors.reading.explanation import Explanation
    from cj_errors.reading.results import Item, Summary
    from cj_errors.requests.findings import Finding
    from cj_errors.requests.probe import PreparedProbe, ProbeOutcome
    from cj_errors.table.catalog import Endpoint
    from cj_errors.webhooks.tools import CheckReport, Received, SendReport, VerifyReport


def write_json(terminal: Terminal, data: object) -> None:
    terminal.stdout.write(_pretty_json(data) + "\n")


def _terminal_width(terminal: Terminal) -> int | None:
    """The width to wrap plain text to: the terminal's (COLUMNS first), or None when output is piped."""
    if terminal.width is not None:
        return terminal.width
    if not terminal.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


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

    def findings(self, findings: Sequence[Finding]) -> None:
        """A probe's findings, one a line (the Rich renderer wraps them in columns)."""
        self.out.write(findings_plain(findings))

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
            out.write(("\n" if show_request else "") + "findings:\n")
            self.findings(prepared.findings)
        if outcome is None:
            out.write(_points_line(prepared))
            if prepared.spend_refusal is not None:
                out.write("nothing sent: the no-spend setting refuses this call, --force or not\n")
            elif prepared.blocked:
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
            if (data := _success_data(outcome)) is not _NO_DATA:
                out.write("".join(line + "\n" for line in result_lines(data)))
        if outcome.reconciliation is not None:
            out.write(f"reconcile: {outcome.reconciliation.summary}\n")
            out.write(f"  exit:       {int(exit_status)} ({exit_status.summary}) after the reconcile check\n")

    # --- auth and webhook: their text and documents are in render_auth and render_webhook ---

    def auth(self, report: AuthReport) -> None:
        from cj_errors.output import auth as render_auth

        self.out.write(render_auth.auth_plain(report))
        _auth_error(self.terminal, report)

    def webhook_check(self, report: CheckReport) -> None:
        from cj_errors.output import webhook as render_webhook

        self.out.write(render_webhook.check_plain(report))

    def webhook_send(self, report: SendReport) -> None:
        from cj_errors.output import webhook as render_webhook

        self.out.write(render_webhook.send_plain(report))

    def webhook_verify(self, report: VerifyReport) -> None:
        from cj_errors.output import webhook as render_webhook

        self.out.write(render_webhook.verify_plain(report))

    def webhook_received(self, item: Received) -> None:
        """One message ``webhook listen`` received, as it arrives."""
        from cj_errors.output import webhook as render_webhook

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

    def __init__(self, terminal: Terminal) -> None:
        super().__init__(terminal)
        self._item_lines: dict[tuple[object, str | None, bool], tuple[str, str, str, str] | None] = {}

    def item(self, item: Item, *, source: str | None = None, full: bool = False) -> None:
        if item.shape is None:
            self.out.write(_one_line_json(item_to_dict(item, source=source, full=full)))
            return
        # Lines of one shape differ only in their line number and requestId: serialise the rest once.
        cache = self._item_lines
        key = (item.shape, source, full)
        try:
            parts = cache[key]
        except KeyError:
            if len(cache) >= limits.SHAPES:
                cache.clear()
            parts = cache[key] = _item_parts(item_to_dict(item, source=source, full=full))
        if parts is None:
            self.out.write(_one_line_json(item_to_dict(item, source=source, full=full)))
            return
        request_id = item.request_id
        # A requestId json.dumps writes as it is, in quotes (no quote, backslash or control character in it).
        if request_id is not None and (
            request_id.isalnum() or request_id.isprintable() and '"' not in request_id and "\\" not in request_id
        ):
            value = '"' + request_id + '"'
        else:
            value = _json_value(request_id)
        self.out.write("".join((parts[0], str(item.line), parts[1], value, parts[2], value, parts[3])))

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
        from cj_errors.output import auth as render_auth

        write_json(self.terminal, render_auth.auth_to_dict(report))
        _auth_error(self.terminal, report)

    def webhook_check(self, report: CheckReport) -> None:
        from cj_errors.output import webhook as render_webhook

        write_json(self.terminal, render_webhook.check_document(report))

    def webhook_send(self, report: SendReport) -> None:
        from cj_errors.output import webhook as render_webhook

        write_json(self.terminal, render_webhook.send_document(report))

    def webhook_verify(self, report: VerifyReport) -> None:
        from cj_errors.output import webhook as render_webhook

        write_json(self.terminal, render_webhook.verify_document(report))

    def webhook_received(self, item: Received) -> None:
        """One JSON object a line, as messages arrive."""
        from cj_errors.output import webhook as render_webhook

        self.out.write(_one_line_json(render_webhook.received_to_dict(item)))
        self.out.flush()


# Stand-ins for the two values that change from line to line of one shape (see JsonRenderer.item).
_LINE_MARK = "\x00cjerr-line\x00"
_REQUEST_ID_MARK = "\x00cjerr-request-id\x00"


def _item_parts(data: dict[str, object]) -> tuple[str, str, str, str] | None:
    """One item's JSON line cut where its line number, its requestId and the envelope's requestId go (in that
    order); None if they cannot be found."""
    envelope = data.get("envelope")
    if not isinstance(envelope, dict) or data.get("request_id") != envelope.get("requestId"):
        return None
    text = _one_line_json(
        {
            **data,
            "line": _LINE_MARK,
            "request_id": _REQUEST_ID_MARK,
            "envelope": {**envelope, "requestId": _REQUEST_ID_MARK},
        }
    )
    marks = {_json_value(_LINE_MARK): 0, _json_value(_REQUEST_ID_MARK): 1}
    if text.count(_json_value(_LINE_MARK)) != 1 or text.count(_json_value(_REQUEST_ID_MARK)) != 2:
        return None  # a message that happens to hold a mark: serialise those lines in full
    pieces = re.split("(" + "|".join(re.escape(mark) for mark in marks) + ")", text)
    if [marks.get(piece) for piece in pieces[1::2]] != [0, 1, 1]:
        return None
    return pieces[0], pieces[2], pieces[4], pieces[6]


def _json_value(value: object) -> str:
    """``value`` as ``_one_line_json`` writes it inside a document (one encoder, made once)."""
    global _encode  # noqa: PLW0603 - made on first use: lookup and TAB never need it
    if _encode is None:
        import json

        _encode = json.JSONEncoder(ensure_ascii=False).encode
    return _encode(value)


_encode: Callable[[object], str] | None = None


def _one_line_json(data: object) -> str:
    import json

    return json.dumps(data, ensure_ascii=False) + "\n"
