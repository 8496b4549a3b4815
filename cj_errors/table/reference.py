"""Generate docs/codes.md from the code table (run: python -m cj_errors.table.reference > docs/codes.md).

A test regenerates the page and fails when the committed copy has drifted.
"""

from __future__ import annotations

import sys

from cj_errors.base.exits import ExitStatus
from cj_errors.table import codes


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _message_text(message: codes.Message, *, cjs_own: bool = False) -> str:
    # Italics mark cjerr's own descriptions; CJ's text in another language is CJ's own.
    return _cell(message.text) if message.exact or cjs_own else f"*{_cell(message.text)}*"


def _message_note(message: codes.Message) -> str:
    owner = f" (table wording of {message.belongs_to})" if message.belongs_to else ""
    return message.note + owner


def render_codes_markdown() -> str:
    lines = [
        "# CJ API 2.0 codes known to cjerr",
        "",
        "Generated from `cj_errors/table/code_table.py` by `python -m cj_errors.table.reference > docs/codes.md`; "
        "do not edit by hand.",
        "",
        f"{len(codes.all_entries())} codes. Messages are CJ's wordings, each with the source it comes from; "
        "`{param}` marks the part CJ fills in. A message in *italics* is cjerr's description where CJ's wording "
        "was never captured; it is never matched against responses.",
        "",
        "## Sources",
        "",
        "| key | source | where |",
        "|---|---|---|",
    ]
    lines += [f"| `{s.key}` | {_cell(s.title)} | {_cell(s.where)} |" for s in codes.SOURCES.values()]
    lines += ["", "## Families", "", "| family | codes | what |", "|---|---|---|"]
    for key, family in codes.FAMILIES.items():
        members = ", ".join(str(entry.code) for entry in codes.entries_in_family(key))
        lines.append(f"| `{key}` | {members} | {_cell(family.description)} |")
    lines += ["", "## Exit codes", "", "| exit | meaning | when |", "|---|---|---|"]
    lines += [f"| {int(s)} | {s.summary} | {_cell(s.when)} |" for s in ExitStatus]
    lines += ["", "## Codes", ""]
    for entry in codes.all_entries():
        lines += [
            f"### {entry.code}: {entry.title}",
            "",
            f"- family: `{entry.family}`; outcome: `{entry.outcome.value}` (exit {int(entry.exit_status)})",
            f"- retry: {codes.retry_advice(entry)}",
            f"- docs: <{entry.doc}>",
            "",
            "| message | source | note |",
            "|---|---|---|",
        ]
        rows = [
            f"| {_message_text(m, cjs_own=m.source == 'cj-mcp')} | `{m.source}` | {_cell(_message_note(m))} |"
            for m in entry.messages
        ]
        rows += [f"| {_message_text(m, cjs_own=True)} | `{m.source}` | {_cell(m.note)} |" for m in entry.localized]
        lines += rows or ["| (none captured) | | |"]
        lines += [""] + [f"{number}. {step}" for number, step in enumerate(entry.steps, start=1)]
        if entry.notes:
            lines += [""] + [f"> {note}" for note in entry.notes]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render_codes_markdown())
