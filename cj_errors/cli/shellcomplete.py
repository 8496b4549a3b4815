"""Keep TAB-completion descriptions plain, whole and free of Rich.

Typer passes every completion description for zsh, fish and PowerShell through
``typer._completion_classes._sanitize_help_text``. That has two costs here:

* it imports ``typer.rich_utils`` (Rich, Markdown and friends), the slowest
  import a TAB press would pay;
* it renders the text on an 80-column console, so a longer description comes
  back with a line break in it, and fish and PowerShell offer the wrapped tail
  as a candidate of its own (``429).`` under ``cjerr list --family <TAB>``).

For zsh, Typer also escapes quotes by doubling them (``'`` to ``''``, ``"`` to
``""``), which zsh reads as an empty string: "CJ's" showed as "CJs". The zsh
sanitiser below turns the doubled quotes into forms zsh reads back as quotes.

cjerr's descriptions are plain text (code titles, family descriptions, command
and option help), so no Rich rendering is needed. Standard library only;
``use_plain_help`` does nothing outside a completion request.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

COMPLETE_VAR = "_CJERR_COMPLETE"


def plain_help(text: str) -> str:
    """One line of plain text: no Rich rendering, no wrapping."""
    return " ".join(text.split())


def zsh_help(text: str) -> str:
    """``plain_help`` for text that Typer's zsh escaping has already been applied to.

    Typer writes ``_arguments '*: :(("value":"help"))'`` and zsh evaluates it
    twice: once as a single-quoted word, then the ``((...))`` list in double
    quotes. ``''`` becomes ``'\\''`` (close, literal quote, reopen) and ``""``
    becomes ``\\"``; every quote was doubled, so pairs map back one to one.
    """
    return plain_help(text).replace("''", "'\\''").replace('""', '\\"')


_HELP_WORDS = frozenset({"--help", "-h"})


def plain_help_when_piped(arguments: list[str]) -> bool:
    """When help is asked for and stdout is no terminal, have Typer print Click's plain help instead of
    drawing Rich panels: the same options and texts, without importing Rich and markdown-it for a pipe.

    Returns True when it switched. ``FORCE_COLOR`` keeps the panels, as it does for every other output.
    """
    asks_help = not arguments or arguments[0] == "help" or not _HELP_WORDS.isdisjoint(arguments)
    if not asks_help or os.environ.get("FORCE_COLOR"):
        return False
    try:
        if sys.stdout.isatty():
            return False
    except (AttributeError, ValueError, OSError):
        pass
    import typer.core

    typer.core.HAS_RICH = False
    return True


def use_plain_help() -> bool:
    """During a completion request, replace Typer's Rich-based help sanitiser.

    Returns True when it was replaced. A Typer without the hook is left alone
    (completion still works; tests/test_completions.py notices the Rich import).
    """
    request = os.environ.get(COMPLETE_VAR)
    if not request:
        return False
    from typer import _completion_classes as classes

    if not callable(getattr(classes, "_sanitize_help_text", None)):
        return False
    sanitiser: Callable[[str], str] = zsh_help if request == "complete_zsh" else plain_help
    setattr(classes, "_sanitize_help_text", sanitiser)  # noqa: B010 - a deliberate patch of Typer's private hook
    return True
