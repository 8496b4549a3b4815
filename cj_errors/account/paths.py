"""Where cjerr keeps its files, and the one check every stored secret passes before use.

``config`` and ``credentials`` both need these; keeping them here lets config load the stored login
without the two modules importing each other.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """cjerr's folder in the user config directory: %APPDATA%\\cjerr, $XDG_CONFIG_HOME/cjerr or ~/.config/cjerr."""
    env = os.environ if environ is None else environ
    if sys.platform == "win32" and env.get("APPDATA"):
        return Path(env["APPDATA"]) / "cjerr"
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "cjerr"


def has_control_characters(token: str) -> bool:
    """C0 controls and DEL: they cannot go into an HTTP header, and a terminal would act on them."""
    return any(ord(char) < 32 or ord(char) == 127 for char in token)
