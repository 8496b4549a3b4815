"""The core of `cjerr lookup`, shared by the Typer command and the fast path so both print the same bytes.

Standard library only: the fast path imports it before Typer.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a TAB press pays for every import
if TYPE_CHECKING:
    from collections.abc import Sequence

    from cj_errors.base.exits import ExitStatus
    from cj_errors.output.terminal import Terminal


def show_lookup(terminal: Terminal, queries: Sequence[str], *, brief: bool = False) -> ExitStatus:
    """Look up every query, print the results, and return the exit status: the core of `cjerr lookup`.

    ``brief`` (--brief): one line per code, the same on a terminal and a pipe.
    """
    from cj_errors.base.exits import ExitStatus
    from cj_errors.output import renderer_for
    from cj_errors.reading import pasted

    results = pasted.lookup_many(queries)
    status = ExitStatus.SUCCESS if all(result.found for result in results) else ExitStatus.NOT_FOUND
    if brief:
        from cj_errors.output.plain import lookup_brief

        terminal.stdout.write(lookup_brief(results))
    else:
        renderer_for(terminal).lookup(results, status)
    return status


def is_pasted_text(word: str) -> bool:
    """True for an argument that starts with a dash but cannot be an option: "- 429 or ..." (a pasted bullet)."""
    return len(word) > 1 and word[0] == "-" and word[1].isspace()
