"""What Typer offers at a TAB press, worked out from the generated command tree without importing Typer.

Typer completes through its vendored Click (``typer._click.shell_completion``): it parses the
words before the cursor leniently, command by command, then asks the innermost command or
parameter for candidates. This module does the same steps over ``_tab_table.COMMANDS`` (read
from the real Click objects), for the cases it can follow exactly:

* each group is followed by one of its visible commands (an option or unknown word there: None);
* a command's words are exact option names, their values, ``--`` and positional words (an
  unknown option, a cluster such as ``-fn`` or ``--opt=value``: None);
* a value is completed by a Choice, a type that completes to nothing, or a function of
  ``completers`` (anything else: None).

None sends the press to Typer. tests/test_fastpath.py compares both paths over many presses.
Standard library only.
"""

from __future__ import annotations

from cj_errors.cli import _tab_table

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a TAB press pays for every import
if TYPE_CHECKING:
    from cj_errors.cli._tab_table import Command, Param


def _help_param(command: Command) -> Param | None:
    """The help option as Click builds it: the context's names less those a parameter uses, in set order.

    Click takes them through a set (``Command.get_help_option_names``), so their order follows the
    process's string hashing; doing the same here gives the order Typer gives in this process.
    """
    helped = command[3]
    if helped is None:
        return None
    names, help_text, hidden = helped
    remaining = set(names)
    for param in command[4]:
        remaining.difference_update(param[1])
        remaining.difference_update(param[2])
    if not remaining:
        return None
    return (True, tuple(remaining), (), False, 1, False, hidden, help_text, "none", ())


def _given(params: list[Param], words: list[str]) -> set[int] | None:
    """Which parameters the command line gives (Click's ParameterSource.COMMANDLINE), by index.

    Click's parser in resilient mode: options first (a value option takes the next word, whatever it is),
    ``--`` ends them, then positional words fill the arguments. A value option without its value stops
    the parse before any argument gets a word. None for a word this module does not follow exactly.
    """
    names = {name: index for index, param in enumerate(params) if param[0] for name in (*param[1], *param[2])}
    given: set[int] = set()
    positional: list[str] = []
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word == "--":
            positional.extend(rest)
            break
        if word.startswith("-") and len(word) > 1:
            index = names.get(word)
            if index is None:
                return None  # unknown, a cluster of short options, or an attached value: Click's rules
            if params[index][3]:
                if not rest:
                    return given  # Click stops at the missing value: neither it nor any argument is given
                rest.pop(0)
            given.add(index)
        else:
            positional.append(word)
    # Click's _unpack_args for nargs 1 and -1: arguments before the one taking the rest read from the
    # front, those after it from the back.
    arguments = [index for index, param in enumerate(params) if not param[0]]
    star = next((position for position, index in enumerate(arguments) if params[index][4] == -1), len(arguments))
    front, back = arguments[:star], arguments[star + 1 :]
    for index in front:
        if positional:
            positional.pop(0)
            given.add(index)
    for index in reversed(back):
        if positional:
            positional.pop()
            given.add(index)
    return given


def _values(param: Param, incomplete: str) -> list[tuple[str, str]] | None:
    """The values Click offers for a parameter: its Choice, nothing, or a completers function's."""
    kind, choices = param[8], param[9]
    if kind == "none":
        return []
    if kind == "choice":
        return [(choice, "") for choice in choices if choice.startswith(incomplete)]
    if kind == "choice-folded":
        return [(choice, "") for choice in choices if choice.lower().startswith(incomplete.lower())]
    if kind.startswith("custom:"):
        from cj_errors.cli import completers

        offered = getattr(completers, kind.removeprefix("custom:"))(incomplete)
        pairs = [(item, "") if isinstance(item, str) else item for item in offered]
        # Typer keeps only what starts with the word, whatever the function returned.
        return [(value, help_text or "") for value, help_text in pairs if value.startswith(incomplete)]
    return None


def _command_candidates(
    path: str, command: Command, params: list[Param], given: set[int], incomplete: str
) -> list[tuple[str, str]]:
    """TyperGroup.shell_complete and Command.shell_complete: visible subcommands, then option names."""
    found: list[tuple[str, str]] = []
    for name in command[1] or ():
        if name.startswith(incomplete):
            found.append((name, _tab_table.COMMANDS[f"{path} {name}".strip()][0]))
    if incomplete and not incomplete[0].isalnum():
        for index, param in enumerate(params):
            if not param[0] or param[6] or (not param[5] and index in given):
                continue
            found.extend((name, param[7]) for name in (*param[1], *param[2]) if name.startswith(incomplete))
    return found


def candidates(arguments: list[str], incomplete: str) -> list[tuple[str, str]] | None:
    """(value, help) pairs in the order Typer prints them for this press, or None when Typer must answer."""
    path, command, words = "", _tab_table.COMMANDS[""], list(arguments)
    while command[1] is not None and words:
        # A group: Click reads its options up to the first other word, which names the command.
        key = f"{path} {words[0]}".strip()
        if key not in _tab_table.COMMANDS:
            return None  # an option before the command, "--", or a hidden or unknown command
        path, command, words = key, _tab_table.COMMANDS[key], words[1:]
    if not command[2]:
        return None
    params = list(command[4])
    help_param = _help_param(command)
    if help_param is not None:
        params.append(help_param)
    given = _given(params, words)
    if given is None:
        return None
    # Click's _resolve_incomplete, over all the words (those before the command too).
    if "--" not in arguments and incomplete.startswith("-"):
        return _command_candidates(path, command, params, given, incomplete)
    last = arguments[-1] if arguments else ""
    if last.startswith("-"):
        for param in params:
            if param[0] and param[3] and last in param[1]:
                return _values(param, incomplete)
    for index, param in enumerate(params):
        if not param[0] and (param[4] == -1 or index not in given):
            return _values(param, incomplete)
    return _command_candidates(path, command, params, given, incomplete)
