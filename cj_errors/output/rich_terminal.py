"""Rich rendering for interactive terminals: the only module that imports Rich.

All text from the table or the API goes in as ``Text`` objects, never as
markup, so brackets in a CJ message cannot inject styles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cj_errors.base.exits import ExitStatus
from cj_errors.output import documents, plain, render
from cj_errors.output.terminal import Terminal
from cj_errors.table import codes
from cj_errors.table.model import CodeEntry, Outcome

if TYPE_CHECKING:
    from cj_errors.reading.explanation import Explanation
    from cj_errors.reading.results import Summary
    from cj_errors.requests.findings import Finding
    from cj_errors.table.catalog import Endpoint

_OUTCOME_STYLE = {
    Outcome.SUCCESS: "green",
    Outcome.TEMPORARY: "yellow",
    Outcome.QUOTA: "magenta",
    Outcome.AUTH: "red",
    Outcome.API_ERROR: "red",
    Outcome.HELD: "red",
    Outcome.UNKNOWN: "yellow",
}


def console_for(terminal: Terminal, stderr: bool = False) -> Console:
    # The Rich layout was chosen already (terminal.mode); colour is a separate choice: without it
    # (NO_COLOR, --color never) the panel stays a panel, and only bold, dim and italic remain.
    return Console(
        file=terminal.stderr if stderr else terminal.stdout,
        force_terminal=True,
        no_color=not terminal.color,
        # Styles below use only the 16 standard colours; pinning the system makes
        # --color always work even where TERM=dumb would make Rich guess "none".
        color_system="standard",
        width=terminal.width,
        highlight=False,
        markup=False,
        emoji=False,
    )


# `code` and {param} in the table's prose, and links; nothing else is read as markup.
_INLINE = re.compile(r"`([^`\n]+)`|\{(\w+)\}|(https?://[^\s<>\"')\]]+)")
_CODE_STYLE = "bold cyan"
_PLACEHOLDER_STYLE = "italic dim"


# Links are styled but not OSC 8 hyperlinks: Rich gives those a random id, and output must be the same
# on every run (the fast path is compared with Typer's byte for byte). A link too long for its panel is
# printed whole below it, where terminals recognise it.
_LINK_STYLE = "cyan underline"


def rich_text(text: str, style: str = "", *, code_spans: bool = True) -> Text:
    """``text`` with its `code` spans in code style, {param} as a visible ‹param› and URLs as links.

    ``code_spans`` is False for CJ's own wordings, where a backtick would be part of the message.
    """
    result = Text(style=style)
    position = 0
    for match in _INLINE.finditer(text):
        code, placeholder, url = match.groups()
        if code is not None and not code_spans:
            continue
        result.append(text[position : match.start()])
        if code is not None:
            result.append(code, style=_CODE_STYLE)
        elif placeholder is not None:
            result.append(f"\u2039{placeholder}\u203a", style=_PLACEHOLDER_STYLE)
        else:
            result.append(url, style=_LINK_STYLE)
        position = match.end()
    result.append(text[position:])
    return result


def _urls(texts: Sequence[str]) -> list[str]:
    found: list[str] = []
    for text in texts:
        for match in _INLINE.finditer(text):
            if match.group(3) and match.group(3) not in found:
                found.append(match.group(3))
    return found


class _Fields:
    """The label/value grid inside a panel, which knows how wide its values may be."""

    def __init__(self, width: int, labels: Sequence[str]) -> None:
        self.table = Table.grid(padding=(0, 2))
        self.table.add_column(style="bold", no_wrap=True)
        self.table.add_column(overflow="fold")
        # Panel border and padding take 4 columns, the label column its widest label, the gap 2.
        self.value_width = width - 4 - max(len(label) for label in labels) - 2

    def add(self, label: str, value: Text) -> None:
        self.table.add_row(label, value)


def _title_fits(title: str, width: int) -> bool:
    # The border shows "╭─ " + title + " ─╮"; Rich cuts a longer title short.
    return len(title) <= width - 6


def _titled_panel(body: _Fields, short: Text, heading: Text, full_title: Text, width: int, style: str) -> Panel:
    """A panel whose title sits in its border when it fits there whole; else the border says ``short``
    and ``heading`` wraps as the first line inside, so no word of the title is cut."""
    if _title_fits(full_title.plain, width):
        return Panel(body.table, title=full_title, title_align="left", border_style=style)
    return Panel(Group(heading, body.table), title=short, title_align="left", border_style=style)


_ENTRY_LABELS = ("queries", "family", "outcome", "retry", "messages", "steps", "notes", "related", "docs")


def entry_panel(entry: CodeEntry, width: int, reached_by: str | None = None) -> tuple[Panel, list[str]]:
    """The panel for one entry, and the links too long to stay whole inside it (print them below)."""
    style = _OUTCOME_STYLE[entry.outcome]
    fields = _Fields(width, _ENTRY_LABELS)
    if reached_by:
        fields.add("queries", Text(reached_by))
    fields.add("family", Text(plain.family_text(entry)))
    fields.add("outcome", Text(f"{entry.outcome.value} (exit {int(entry.exit_status)})", style=style))
    fields.add("retry", rich_text(codes.retry_advice(entry)))
    messages = Text()
    for index, message in enumerate((*entry.messages, *entry.localized)):
        if index:
            messages.append("\n")
        messages.append('"')
        messages.append_text(rich_text(message.text, code_spans=False))
        messages.append('"')
        note = f"; {message.note}" if message.note else ""
        messages.append_text(rich_text(f"  {codes.SOURCES[message.source].title}{note}", style="dim"))
    fields.add("messages", messages)
    steps = Text()
    for number, step in enumerate(entry.steps, start=1):
        if number > 1:
            steps.append("\n")
        steps.append(f"{number}. ", style="bold")
        steps.append_text(rich_text(step))
    fields.add("steps", steps)
    if entry.notes:
        notes = Text("\n").join(rich_text(f"- {note}") for note in entry.notes)
        fields.add("notes", notes)
    if entry.related:
        fields.add("related", Text(", ".join(str(code) for code in entry.related)))
    texts = [message.text for message in (*entry.messages, *entry.localized)]
    texts += [message.note for message in entry.messages if message.note]
    texts += [*entry.steps, *entry.notes]
    below = [url for url in _urls(texts) if len(url) > fields.value_width]
    if len(entry.doc) <= fields.value_width:
        fields.add("docs", Text(entry.doc, style=_LINK_STYLE))
    else:
        below.insert(0, entry.doc)
    full_title = Text.assemble((str(entry.code), f"bold {style}"), "  ", (entry.title, "bold"))
    code_title = Text(str(entry.code), style=f"bold {style}")
    return _titled_panel(fields, code_title, Text(entry.title, style="bold"), full_title, width, style), below


def _print_links(console: Console, urls: Sequence[str], doc: str | None = None) -> None:
    """Links printed whole on their own lines: Rich does not wrap them, so they stay clickable and copyable."""
    for url in urls:
        label = "docs: " if url == doc else "link: "
        line = Text(label, style="bold")
        line.append(url, style=_LINK_STYLE)
        console.print(line, soft_wrap=True)


def _print_entry(console: Console, entry: CodeEntry, reached_by: str | None = None) -> None:
    panel, below = entry_panel(entry, console.width, reached_by)
    console.print(panel)
    _print_links(console, below, entry.doc)


def _print_line(console: Console, line: str, style: str = "") -> None:
    """A line of plain output; one holding a link is not wrapped by Rich, so the link stays whole."""
    text = rich_text(line, style, code_spans=False)
    console.print(text, soft_wrap=bool(_urls([line])))


class RichRenderer(render.PlainRenderer):
    """Rich panels and tables for lookup, list and explanations; everything else as plain text."""

    def lookup(self, results: Sequence[codes.LookupResult], exit_status: ExitStatus) -> None:
        show_lookup(self.terminal, results)

    def entries(self, entries: Sequence[CodeEntry]) -> None:
        show_list(self.terminal, entries)

    def explanation(self, explanation: Explanation) -> None:
        show_explanation(self.terminal, explanation)

    def endpoints(self, endpoints: Sequence[Endpoint], *, detail: bool) -> None:
        show_endpoints(self.terminal, endpoints, detail=detail)

    def findings(self, findings: Sequence[Finding]) -> None:
        show_findings(self.terminal, findings)

    def summary(self, summary: Summary, *, one_line: bool) -> None:
        show_summary(self.terminal, summary)


def show_lookup(terminal: Terminal, results: Sequence[codes.LookupResult]) -> None:
    console = console_for(terminal)
    several = len(results) > 1
    reached = documents.reach(results, plain.shows_full_entries)
    for index, result in enumerate(results):
        if several:
            console.print(Text(plain.query_label(index, results), style="bold"))
        note = plain.query_note(result)
        if note:
            console.print(Text("note: " + note, style="dim"))
        if result.found and plain.shows_full_entries(result):
            for entry in result.entries:
                full_in = reached.full_in[entry.code]
                if full_in != index:
                    console.print(Text(plain.shown_above_text(entry, full_in), style="dim"))
                    continue
                indices = reached.reached_by[entry.code]
                queries = plain.reached_by_text(entry.code, indices, results) if len(indices) > 1 else None
                _print_entry(console, entry, queries)
        elif result.found:
            console.print(Text(plain.matches_header(result) + ":", style="bold"))
            console.print(_entries_table(result.entries))
        else:
            lines = plain.not_found_lines(result) + plain.did_you_mean_lines(result)
            _print_line(console, lines[0], "bold red")
            for line in lines[1:]:
                _print_line(console, line)


def _entries_table(entries: Sequence[CodeEntry]) -> Table:
    table = Table(show_edge=False, box=None, padding=(0, 2))
    table.add_column("code", style="bold", no_wrap=True)
    table.add_column("family", no_wrap=True)
    table.add_column("title")
    for entry in entries:
        table.add_row(Text(str(entry.code)), Text(entry.family, style=_OUTCOME_STYLE[entry.outcome]), Text(entry.title))
    return table


def show_list(terminal: Terminal, entries: Sequence[CodeEntry]) -> None:
    console_for(terminal).print(_entries_table(entries))


_EXPLANATION_LABELS = (
    "http",
    "requestId",
    "message",
    "type",
    "body",
    "mismatch",
    "note",
    "retry",
    "wait",
    "reset",
    "exit",
)


def show_explanation(terminal: Terminal, explanation: Explanation) -> None:
    style = _OUTCOME_STYLE.get(explanation.outcome, "red") if explanation.outcome else "red"
    console = console_for(terminal)
    fields = _Fields(console.width, _EXPLANATION_LABELS)
    if explanation.http_status is not None:
        fields.add("http", Text(str(explanation.http_status)))
    if explanation.request_id:
        fields.add("requestId", Text(explanation.request_id + "   (quote it to CJ support)"))
    envelope = explanation.envelope
    if envelope is not None and envelope.message is not None:
        fields.add("message", Text(envelope.message))
    if explanation.content_type:
        fields.add("type", Text(explanation.content_type))
    if explanation.body_preview is not None:
        fields.add("body", Text(explanation.body_preview))
    if explanation.contradiction:
        fields.add("mismatch", rich_text(explanation.contradiction, "yellow"))
    for hint in explanation.hints:
        fields.add("note", rich_text(hint))
    fields.add("retry", rich_text(explanation.retry))
    # The same rows as the plain text (plain.explanation_plain): wait and reset are what a script waits on.
    if explanation.wait_seconds is not None:
        fields.add("wait", Text(f"{explanation.wait_seconds:g} s at least"))
    if explanation.reset_at is not None:
        fields.add("reset", Text(explanation.reset_at))
    fields.add("exit", Text(f"{int(explanation.exit_status)} ({explanation.exit_status.summary})", style=style))
    title = Text(explanation.verdict, style=f"bold {style}")
    short = Text(_short_verdict(explanation), style=f"bold {style}")
    console.print(_titled_panel(fields, short, title, title, console.width, style))
    below = [url for url in _urls([*explanation.hints, explanation.retry]) if len(url) > fields.value_width]
    _print_links(console, below)
    if explanation.failure_entry is not None:
        _print_entry(console, explanation.failure_entry)


def _short_verdict(explanation: Explanation) -> str:
    """What the border of a narrow panel says when the whole verdict does not fit there."""
    if explanation.code is not None:
        return f"code {explanation.code}"
    if explanation.http_status is not None:
        return f"HTTP {explanation.http_status}"
    return "response"


# --- endpoints, probe findings and the explain summary: columns that wrap between words -----------------


def _columns(*, header: bool = False) -> Table:
    return Table(show_edge=False, box=None, padding=(0, 1), show_header=header, pad_edge=False)


# Method (6), location (5), the gaps between four columns (6) and room for a summary to wrap in (30).
_ENDPOINT_COLUMNS_BESIDE_PATH = 6 + 5 + 6 + 30


def show_endpoints(terminal: Terminal, endpoints: Sequence[Endpoint], *, detail: bool) -> None:
    """The catalog as columns; a summary or note too long for the terminal wraps inside its column."""
    console = console_for(terminal)
    widest = max((len(endpoint.path) for endpoint in endpoints), default=0)
    if not detail and widest + _ENDPOINT_COLUMNS_BESIDE_PATH > console.width:
        # Too narrow for the summary beside the longest path: each summary goes under its path, indented.
        for endpoint in endpoints:
            where = (f"  {endpoint.location.value}", "dim")
            console.print(Text.assemble((f"{endpoint.method:<6} ", "bold"), endpoint.path, where))
            summary = Text(endpoint.summary)
            summary.append(plain.endpoint_flags(endpoint), style="dim")
            console.print(Padding(summary, (0, 0, 0, 7)))
        return
    if not detail:
        table = _columns()
        table.add_column(no_wrap=True, style="bold")
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True, style="dim")
        table.add_column(overflow="fold")
        for endpoint in endpoints:
            summary = Text(endpoint.summary)
            summary.append(plain.endpoint_flags(endpoint), style="dim")
            table.add_row(endpoint.method, endpoint.path, endpoint.location.value, summary)
        console.print(table)
        return
    for index, endpoint in enumerate(endpoints):
        if index:
            console.print()
        heading = Text.assemble((f"{endpoint.method} {endpoint.path}", "bold"), f"  {endpoint.location.value}  ")
        heading.append(endpoint.summary)
        heading.append(plain.endpoint_flags(endpoint), style="dim")
        console.print(heading)
        fields = _columns()
        fields.add_column(no_wrap=True, style="bold")
        fields.add_column(no_wrap=True)
        fields.add_column(no_wrap=True)
        fields.add_column(overflow="fold")
        for spec in endpoint.fields:
            name, kind, need, note = plain.field_parts(spec)
            fields.add_row("  " + name, kind, Text(need, style="" if spec.required else "dim"), rich_text(note))
        console.print(fields)
        extra = _columns()
        extra.add_column(no_wrap=True, style="bold")
        extra.add_column(overflow="fold")
        for label, text in plain.endpoint_detail_lines(endpoint):
            extra.add_row("  " + (label or "deprecated"), rich_text(text))
        if extra.row_count:
            console.print(extra)


_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def show_findings(terminal: Terminal, findings: Sequence[Finding]) -> None:
    """Probe findings: severity, the likely CJ code, and the message wrapped in its own column."""
    console = console_for(terminal)
    table = _columns()
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for finding in findings:
        severity = finding.severity.value
        code = f"[{finding.likely_code}]" if finding.likely_code else ""
        table.add_row(Text(severity, style=_SEVERITY_STYLE.get(severity, "")), code, rich_text(finding.message))
        if finding.detail:
            table.add_row("", "", Text(finding.detail, no_wrap=True, overflow="fold"))
    console.print(table)


def show_summary(terminal: Terminal, summary: Summary) -> None:
    """explain's summary: its lines wrapped between words, and the codes as aligned columns."""
    console = console_for(terminal)
    for line in plain.summary_head_lines(summary):
        console.print(Text(line))
    rows = plain.summary_rows(summary)
    if rows:
        table = _columns()
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True, style="bold")
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        for count, label, title, retry, first_request_id in rows:
            # The requestId goes under the title, where it has the room to stay whole.
            described = Text(title)
            if first_request_id:
                described.append(f"\nrequestId {first_request_id}", style="dim")
            table.add_row(str(count), label, f"[{retry}]", described)
        console.print(table)
    status = summary.exit_status
    for line in plain.summary_tail_lines(summary):
        console.print(Text(line, style="bold" if line.startswith("exit") and status else ""))
