"""Printing result objects: plain text and versioned JSON (``render``, with ``auth`` and ``webhook`` for those
commands), Rich for interactive terminals (``rich_terminal``, the only module that imports Rich), and the terminal
decision (``terminal``). ``renderer_for`` below is the one dispatch.

May import the layers below it; never the CLI.
"""

from __future__ import annotations

from cj_errors.output.render import JsonRenderer, PlainRenderer
from cj_errors.output.terminal import Mode, Terminal


def renderer_for(terminal: Terminal) -> PlainRenderer:
    """The renderer for ``terminal``'s mode: Rich, plain text or JSON."""
    if terminal.mode is Mode.JSON:
        return JsonRenderer(terminal)
    if terminal.mode is Mode.RICH:
        from cj_errors.output.rich_terminal import RichRenderer

        return RichRenderer(terminal)
    return PlainRenderer(terminal)


__all__ = ["renderer_for"]
