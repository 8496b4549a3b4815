"""The command line: the Typer apps (``app``, ``auth``, ``webhook``), the fast path that answers ``lookup`` and
TAB before Typer is imported (``fastpath``, ``lookup_command``, ``completers``, ``tab_commands``, ``shellcomplete``,
the generated ``_tab_table``), and the process edge (``process``: buffering, closed pipes, one-line errors).

The top layer: parses arguments, calls one core function, hands the result to a renderer. Nothing imports it but
the package's ``__main__``.
"""
