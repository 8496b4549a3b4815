"""Rich rendering for interactive terminals: the only module that imports Rich.

All text from the table or the API goes in as ``Text`` objects, never as
markup, so brackets in a CJ message cannot inject styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cj_errors import codes, render
from cj_errors.exits import ExitStatus
from cj_errors.model import CodeEntry, Outcome
from cj_errors.terminal import Terminal

if TYPE_CHECKING:
    from cj_errors.explanation import Explanation

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
    return Console(
        file=terminal.stderr if stderr else terminal.stdout,
        force_terminal=terminal.color,
        no_color=not terminal.color,
        # Styles below use only the 16 standard colours; pinning the system makes
        # --color always work even where TERM=dumb would make Rich guess "none".
        color_system="standard" if terminal.color else None,
        width=terminal.width,
        highlight=False,
        markup=False,
        emoji=False,
    )


def _field_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    return table


def entry_panel(entry: CodeEntry) -> Panel:
    style = _OUTCOME_STYLE[entry.outcome]
    family = codes.FAMILIES[entry.family]
    fields = _field_table()
    fields.add_row("family", Text(f"{entry.family}: {family.description}"))
    fields.add_row("outcome", Text(f"{entry.outcome.value} (exit {int(entry.exit_status)})", style=style))
    fields.add_row("retry", Text(codes.retry_advice(entry)))
    messages = Text()
    for index, message in enumerate((*entry.messages, *entry.localized)):
        if index:
            messages.append("\n")
        messages.append(f'"{message.text}"')
        note = f"; {message.note}" if message.note else ""
        messages.append(f"  {codes.SOURCES[message.source].title}{note}", style="dim")
    fields.add_row("messages", messages)
    steps = Text()
    for number, step in enumerate(entry.steps, start=1):
        if number > 1:
            steps.append("\n")
        steps.append(f"{number}. ", style="bold")
        steps.append(step)
    fields.add_row("steps", steps)
    if entry.notes:
        fields.add_row("notes", Text("\n".join(f"- {note}" for note in entry.notes)))
    if entry.related:
        fields.add_row("related", Text(", ".join(str(code) for code in entry.related)))
    fields.add_row("docs", Text(entry.doc, style="cyan underline"))
    title = Text.assemble((str(entry.code), f"bold {style}"), "  ", (entry.title, "bold"))
    return Panel(fields, title=title, title_align="left", border_style=style)


class RichRenderer(render.PlainRenderer):
    """Rich panels and tables for lookup, list and explanations; everything else as plain text."""

    def lookup(self, results: Sequence[codes.LookupResult], exit_status: ExitStatus) -> None:
        show_lookup(self.terminal, results)

    def entries(self, entries: Sequence[CodeEntry]) -> None:
        show_list(self.terminal, entries)

    def explanation(self, explanation: Explanation) -> None:
        show_explanation(self.terminal, explanation)


def show_lookup(terminal: Terminal, results: Sequence[codes.LookupResult]) -> None:
    console = console_for(terminal)
    for result in results:
        note = render.query_note(result)
        if note:
            console.print(Text("note: " + note, style="dim"))
        if result.found and render.shows_full_entries(result):
            for entry in result.entries:
                console.print(entry_panel(entry))
        elif result.found:
            console.print(Text(f'{len(result.entries)} codes match "{result.query}":', style="bold"))
            console.print(_entries_table(result.entries))
        else:
            lines = render.not_found_lines(result) + render.did_you_mean_lines(result)
            console.print(Text(lines[0], style="bold red"))
            for line in lines[1:]:
                console.print(Text(line))


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


def show_explanation(terminal: Terminal, explanation: Explanation) -> None:
    style = _OUTCOME_STYLE.get(explanation.outcome, "red") if explanation.outcome else "red"
    fields = _field_table()
    if explanation.http_status is not None:
        fields.add_row("http", Text(str(explanation.http_status)))
    if explanation.request_id:
        fields.add_row("requestId", Text(explanation.request_id + "   (quote it to CJ support)"))
    envelope = explanation.envelope
    if envelope is not None and envelope.message is not None:
        fields.add_row("message", Text(envelope.message))
    if explanation.content_type:
        fields.add_row("type", Text(explanation.content_type))
    if explanation.body_preview is not None:
        fields.add_row("body", Text(explanation.body_preview))
    if explanation.contradiction:
        fields.add_row("mismatch", Text(explanation.contradiction, style="yellow"))
    for hint in explanation.hints:
        fields.add_row("note", Text(hint))
    fields.add_row("retry", Text(explanation.retry))
    fields.add_row("exit", Text(f"{int(explanation.exit_status)} ({explanation.exit_status.summary})", style=style))
    parts: list[RenderableType] = [fields]
    panel = Panel(
        Group(*parts), title=Text(explanation.verdict, style=f"bold {style}"), title_align="left", border_style=style
    )
    console = console_for(terminal)
    console.print(panel)
    if explanation.entry is not None and not explanation.ok:
        console.print(entry_panel(explanation.entry))
