"""The one dispatch of output: a renderer chosen once per output mode, fed the core's result objects.

Plain text and JSON live in ``render`` (standard library only); Rich lives in ``render_rich`` and
is imported here only when the terminal is in Rich mode, so lookup, list and TAB completion never
load it when piped. Data flows one way: core results -> renderer -> the terminal's streams.
"""

from __future__ import annotations

from cj_errors.render import JsonRenderer, PlainRenderer
from cj_errors.terminal import Mode, Terminal


def renderer_for(terminal: Terminal) -> PlainRenderer:
    """The renderer for ``terminal``'s mode: Rich, plain text or JSON."""
    if terminal.mode is Mode.JSON:
        return JsonRenderer(terminal)
    if terminal.mode is Mode.RICH:
        from cj_errors.render_rich import RichRenderer

        return RichRenderer(terminal)
    return PlainRenderer(terminal)


__all__ = ["renderer_for"]
