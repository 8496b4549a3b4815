"""Writes ``_tab_table.py``: what TAB offers (codes, families, API paths, the command tree), as plain tuples.

Every TAB press re-runs cjerr; reading these from the code table, the endpoint catalog
and the Typer app means importing all three (Typer alone is most of a TAB press). The
generated module holds only what completion reads, and a test fails when it falls out of
step with the table, the catalog or the app:

    python -m cj_errors.cli.tab_table > cj_errors/cli/_tab_table.py

The command tree is read from the Click objects Typer builds for the app, so every name,
help line, option and Choice value is the one Typer itself would offer.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a Python literal, in the formatter's quotes


def _names(names: Any) -> str:
    return "(" + "".join(f"{_text(name)}, " for name in names).rstrip(" ") + ")"


_COMPLETERS_MODULE = "cj_errors.cli.completers"


def _value_completion(param: Any) -> tuple[str, tuple[str, ...]]:
    """How Click completes this parameter's value: ("none"|"choice"|"choice-folded"|"other"|"custom:NAME", choices).

    "custom:NAME" is a function of cli/completers.py (standard library only, so the fast path may call it);
    "other" is anything the fast path cannot reproduce, and sends the press to Typer.
    """
    from typer import _click
    from typer._types import TyperChoice
    from typer.models import TyperPath

    custom = param._custom_shell_complete
    if custom is not None:
        # Typer wraps the `autocompletion` function twice: a closure over it, and functools.wraps.
        cells = dict(zip(custom.__code__.co_freevars, custom.__closure__ or (), strict=True))
        cell = cells.get("autocompletion")
        function = getattr(cell.cell_contents, "__wrapped__", None) if cell is not None else None
        if function is not None and function.__module__ == _COMPLETERS_MODULE:
            return f"custom:{function.__name__}", ()
        return "other", ()
    kind = type(param.type)
    if isinstance(param.type, TyperChoice):
        choices = tuple(str(choice) for choice in param.type.choices)
        return ("choice" if param.type.case_sensitive else "choice-folded"), choices
    # These types complete to nothing (the shell offers files itself, or nothing).
    if kind.shell_complete in (_click.types.ParamType.shell_complete, TyperPath.shell_complete):
        return "none", ()
    return "other", ()


def _param(param: Any, *, root: bool) -> tuple[str, bool]:
    """One parameter as a tuple literal, and whether the fast path can parse it as Click does."""
    from typer.core import TyperArgument, TyperOption

    is_option = isinstance(param, TyperOption)
    takes_value = is_option and not param.is_flag and not param.count
    values, choices = _value_completion(param)
    plain = isinstance(param, (TyperOption, TyperArgument)) and (
        # Options take one value (or none); arguments one, or all that are left.
        (is_option and param.nargs == 1 and not getattr(param, "_flag_needs_value", False))
        or (not is_option and param.nargs in (1, -1))
    )
    # Click runs callbacks while it parses a TAB press too; the root's (--version, --install-completion,
    # --show-completion) act only when their option is given, and the fast path never answers then.
    plain = plain and (root or param.callback is None)
    help_text = (param.help or "") if is_option else ""
    literal = (
        f"({is_option}, {_names(param.opts)}, {_names(param.secondary_opts)}, {takes_value}, {param.nargs}, "
        f"{bool(param.multiple)}, {bool(getattr(param, 'hidden', False))}, {_text(help_text)}, {_text(values)}, "
        f"{_names(choices)})"
    )
    return literal, plain


def _commands() -> list[str]:
    import typer
    from typer.core import TyperGroup

    from cj_errors.cli.app import app

    lines: list[str] = []

    def visit(path: str, command: Any, context: Any) -> None:
        help_option = command.get_help_option(context)
        params = [param for param in command.get_params(context) if param is not help_option]
        written = [_param(param, root=not path) for param in params]
        plain = all(ok for _, ok in written) and (
            help_option is None or (help_option.is_flag and help_option.callback is not None)
        )
        group = isinstance(command, TyperGroup)
        names = command.list_commands(context) if group else []
        visible = [name for name in names if not command.commands[name].hidden]
        subcommands = _names(visible) if group else "None"
        helped = (
            f"({_names(context.help_option_names)}, {_text(help_option.help or '')}, {bool(help_option.hidden)})"
            if help_option is not None
            else "None"
        )
        lines.append(f"    {_text(path)}: (")
        lines.append(f"        {_text(command.get_short_help_str())}, {subcommands}, {plain}, {helped},")
        lines.append("        (")
        lines.extend(f"            {literal}," for literal, _ in written)
        lines.append("        ),")
        lines.append("    ),")
        for name in visible:
            sub = command.commands[name]
            with sub.make_context(name, [], parent=context, resilient_parsing=True) as sub_context:
                visit(f"{path} {name}".strip(), sub, sub_context)

    root = typer.main.get_command(app)
    with root.make_context("cjerr", [], resilient_parsing=True) as context:
        visit("", root, context)
    return lines


def render() -> str:
    from cj_errors.cli.webhook import TOPIC_NAMES
    from cj_errors.table import catalog, codes

    lines = [
        '"""What TAB offers, generated by ``python -m cj_errors.cli.tab_table`` from the code table, the catalog and',
        'the Typer app."""',
        "",
        "# (code, title), by code",
        "CODES: tuple[tuple[str, str], ...] = (",
        *(f"    ({_text(str(entry.code))}, {_text(entry.title)})," for entry in codes.all_entries()),
        ")",
        "# (family, description)",
        "FAMILIES: tuple[tuple[str, str], ...] = (",
        *(f"    ({_text(key)}, {_text(family.description)})," for key, family in codes.FAMILIES.items()),
        ")",
        "# (path, method and summary), in catalog order",
        "ENDPOINTS: tuple[tuple[str, str], ...] = (",
        *(
            f"    ({_text(endpoint.path)}, {_text(f'{endpoint.method} {endpoint.summary}')}),"
            for endpoint in catalog.ENDPOINTS
        ),
        ")",
        "# webhook topics (cjerr webhook send TOPIC)",
        f"TOPICS: tuple[str, ...] = {_names(TOPIC_NAMES)}",
        "",
        "# The command tree as Click sees it, visible commands only. A parameter: (is an option, its names,",
        "# its secondary names, takes a value, nargs, multiple, hidden, help, how its value completes, choices).",
        "Param = tuple[bool, tuple[str, ...], tuple[str, ...], bool, int, bool, bool, str, str, tuple[str, ...]]",
        "# A command, by its path: (short help, subcommands (None: not a group), the fast path can parse it,",
        "# (help option names as the context lists them, help, hidden) or None, parameters without the help option).",
        "HelpOption = tuple[tuple[str, ...], str, bool]",
        "Command = tuple[str, tuple[str, ...] | None, bool, HelpOption | None, tuple[Param, ...]]",
        "COMMANDS: dict[str, Command] = {",
        *_commands(),
        "}",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
