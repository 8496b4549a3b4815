"""What every Typer app of cjerr shares: how an app is built, the --json and --color options, the terminal.

Typer only: imported when the full CLI runs, never by the fast path.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cj_errors.base import limits
from cj_errors.output.terminal import ColorChoice, Terminal, choose_terminal


def new_app(name: str, help: str, **settings: Any) -> typer.Typer:
    """A Typer app with cjerr's settings: -h, help without arguments, and no pretty tracebacks (they would
    render local variables, which may hold a token)."""
    return typer.Typer(
        name=name,
        help=help,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        **settings,
    )


def refuse_non_finite(command: Any) -> None:
    """Make every float option of ``command`` and its subcommands refuse nan, infinity and numbers past
    ``limits.LARGEST_NUMBER_OPTION`` either way (a usage error).

    Click's bounds cannot: nan passes every comparison and inf every lower bound, and a timeout, an interval or
    a rate of nan or inf (or 1e11 seconds) then reaches a socket or a sleep (a ValueError, an OverflowError) or
    a JSON document.
    """
    commands = [command]
    while commands:
        current = commands.pop()
        commands.extend(getattr(current, "commands", {}).values())
        for param in current.params:
            if getattr(param.type, "name", "") in ("float", "float range") and not hasattr(param.type, "finite"):
                param.type = _finite(param.type)


def _finite(kind: Any) -> Any:
    """A copy of the Click float type ``kind`` (bounds kept) whose conversion also refuses nan and infinity."""
    import copy
    import math

    class Finite(type(kind)):  # type: ignore[misc]
        finite = True

        def convert(self, value: Any, param: Any, ctx: Any) -> Any:
            number = super().convert(value, param, ctx)
            if isinstance(number, float) and not math.isfinite(number):
                self.fail(f"{value!r} is not a finite number", param, ctx)
            if isinstance(number, float) and abs(number) > limits.LARGEST_NUMBER_OPTION:
                self.fail(f"{value!r} is too large (at most {limits.LARGEST_NUMBER_OPTION:,})", param, ctx)
            return number

    finite = copy.copy(kind)
    finite.__class__ = Finite
    return finite


JsonOption = Annotated[bool, typer.Option("--json", help="Print a stable JSON document (docs/exit-codes-and-json.md).")]
ColorOption = Annotated[
    ColorChoice,
    typer.Option(
        "--color",
        help="auto: colour on a terminal unless NO_COLOR is set; always; never. A terminal gets the panel layout "
        "either way; piped output is plain text.",
    ),
]


def terminal_for(json_output: bool, color: ColorChoice = ColorChoice.NEVER) -> Terminal:
    """The terminal a command prints to: JSON when asked, else by the colour choice."""
    return choose_terminal(json_output=json_output, color=color)
