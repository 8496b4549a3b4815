"""Pace CJ calls per access token across threads, asyncio tasks and processes on one machine.

CJ limits each account to a number of calls a second (1 on the free tier; 2, 4 or 6 on higher levels,
https://developers.cjdropshipping.com/en/api/api2/standard/limit.html), and counts at its servers, so
several workers that each keep to 1 call a second still get 1600200 together. A ``Pacer`` hands out send
times ("slots") so that no window of ``window`` seconds holds more than ``calls`` of them, for everyone on
the machine who uses the same token.

The shared state is a small JSON file per key in the user's cache directory (``$XDG_CACHE_HOME/cjerr`` or
``~/.cache/cjerr``; ``%LOCALAPPDATA%\\cjerr`` on Windows), mode 0600, named by a SHA-256 of the token (the token
itself is never written). Each reservation takes an exclusive ``fcntl.flock`` on it for a few microseconds;
nobody holds the lock while sleeping, since the slot is booked before the wait. Where ``fcntl`` is missing
(Windows) or the directory cannot be written, pacing falls back to this process only (``shared`` is False),
which keeps threads and tasks apart but not processes.

The folder and the files are trusted only when they are this user's own: the folder must be a real directory
(not a link) owned by the user and writable by nobody else, and each file is opened without following a
link and must be a regular file owned by the user; otherwise pacing falls back to this process. What is read
is bounded (``limits.PACING_STATE_CHARS``, at most ``_MAX_SLOTS`` slots), and a slot further ahead than any
honest booking (``_HORIZON`` seconds) is ignored, so a planted file cannot block every call.

Slots are on the monotonic clock (``time.monotonic``, one clock for every process on a Linux machine), not
the wall clock: a wall clock stepped back would put every booked slot in the future and block every process.
The state records the boot it was written in (``/proc/sys/kernel/random/boot_id``); slots from another boot,
or from an older wall-clock file, are dropped.

After a 1600200 the pacer slows down (the spacing between calls doubles, up to 4 times the normal one) and
comes back halfway with each answer that is not a rate limit.

Standard library only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from cj_errors.base import limits

try:
    import fcntl
except ImportError:  # Windows: per-process pacing only
    fcntl = None  # type: ignore[assignment]

__all__ = ["AUTH_LIMITS", "PaceRefused", "Pacer", "PacingUnavailable", "cache_dir", "state_key"]

# The token endpoints' own throttle, stricter than the per-account limit (the 2025/2026 rate-limit page:
# getAccessToken once every 5 minutes, refreshAccessToken 5 times a minute). CJ counts them per client IP,
# so they are paced per machine, whatever the token.
AUTH_LIMITS: dict[str, tuple[int, float]] = {
    "/authentication/getAccessToken": (1, 300.0),
    "/authentication/refreshAccessToken": (5, 60.0),
}
# Slots are this much further apart than the limit asks: the server sees arrivals, not our send times.
MARGIN = 0.05
_MAX_SLOWDOWN = 4.0
_MAX_SLOTS = 64  # slots read from a state file (a limit has at most a few calls a window)
_HORIZON = 3600.0  # seconds ahead: a slot further than this is no honest booking
_CLOCK = "monotonic"
_MEMORY: dict[str, dict[str, Any]] = {}
_MEMORY_LOCK = threading.Lock()


class PaceRefused(Exception):
    """Keeping to the limit would mean waiting ``wait`` seconds, longer than the caller allows; nothing was booked."""

    def __init__(self, wait: float, calls: int, window: float) -> None:
        super().__init__(f"the limit of {calls} call(s) per {window:g} s allows the next call in {wait:.1f} s")
        self.wait = wait
        self.calls = calls
        self.window = window


class PacingUnavailable(Exception):
    """The shared pacing state cannot be reached (a Redis that went away): the call was not sent."""


def cache_dir() -> Path:
    """cjerr's folder in the user's cache: ``$XDG_CACHE_HOME/cjerr``, ``~/.cache/cjerr``, ``%LOCALAPPDATA%\\cjerr``."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cjerr"


def _boot_id() -> str:
    """This boot's id on Linux (monotonic clocks restart with each boot), else ""."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read(64).strip()
    except OSError:
        return ""


_BOOT = _boot_id()


def _private_folder(folder: Path) -> bool:
    """True when ``folder`` is a real directory of this user that nobody else can write to."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and mine and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _open_state(path: Path) -> int:
    """The state file, opened without following a link; OSError unless it is this user's regular file."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        os.close(fd)
        raise OSError(f"{path} is not this user's own file")
    return fd


def state_key(scope: str, secret: str | None) -> str:
    """A file-name-safe key: SHA-256 of the scope and the token, so the token never reaches the disk."""
    return hashlib.sha256(f"{scope}\0{secret or ''}".encode()).hexdigest()[:40]


class Pacer:
    """At most ``calls`` sends in any ``window`` seconds for one key, shared through ``directory``."""

    def __init__(
        self,
        key: str,
        calls: int = 1,
        window: float = 1.0,
        *,
        directory: Path | None = None,
        shared: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if calls < 1 or window <= 0:
            raise ValueError("a pace needs at least 1 call per positive window")
        self.key = key
        self.calls = calls
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self.path: Path | None = None
        if shared and fcntl is not None:
            folder = directory if directory is not None else cache_dir()
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                path = folder / f"pace-{key}.json"
                if _private_folder(folder):
                    os.close(_open_state(path))
                    self.path = path
            except OSError:
                self.path = None

    @property
    def shared(self) -> bool:
        """True when other processes on this machine see the same slots."""
        return self.path is not None

    @property
    def spacing(self) -> float:
        return self.window / self.calls

    @contextlib.contextmanager
    def _state(self) -> Iterator[dict[str, Any]]:
        with self._lock:
            if self.path is None:
                with _MEMORY_LOCK:
                    yield _MEMORY.setdefault(self.key, {"slots": [], "slowdown": 1.0})
                return
            assert fcntl is not None
            with os.fdopen(_open_state(self.path), "r+", encoding="utf-8") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    state = _read(handle, self.clock())
                    yield state
                    state["clock"], state["boot"] = _CLOCK, _BOOT
                    handle.seek(0)
                    handle.truncate()
                    handle.write(json.dumps(state))
                    handle.flush()
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def reserve(self, max_wait: float | None = None) -> float:
        """Book the next slot and return how many seconds to wait before sending.

        Raises PaceRefused, booking nothing, when the wait would be longer than ``max_wait``.
        """
        with self._state() as state:
            now = self.clock()
            slowdown = float(state.get("slowdown", 1.0))
            slots = sorted(slot for slot in state.get("slots", []) if slot > now - self.window * _MAX_SLOWDOWN)
            slot = now
            if slots:
                slot = max(slot, slots[-1] + (self.spacing * slowdown if slowdown > 1.0 else 0.0))
            if len(slots) >= self.calls:
                slot = max(slot, slots[-self.calls] + self.window + MARGIN)
            wait = max(slot - now, 0.0)
            if max_wait is not None and wait > max_wait:
                raise PaceRefused(wait, self.calls, self.window)
            state["slots"] = [*slots[-self.calls :], slot]
            state["slowdown"] = slowdown
            return wait

    def slow_down(self) -> None:
        """CJ answered 1600200 although we kept to the pace: double the spacing (up to 4 times)."""
        with self._state() as state:
            state["slowdown"] = min(max(float(state.get("slowdown", 1.0)), 1.0) * 2.0, _MAX_SLOWDOWN)

    def recover(self) -> None:
        """An answer that is not a rate limit: come halfway back to the normal pace."""
        with self._state() as state:
            slowdown = float(state.get("slowdown", 1.0))
            if slowdown > 1.0:
                state["slowdown"] = max(1.0, slowdown / 2.0)

    @property
    def slowdown(self) -> float:
        with self._state() as state:
            return float(state.get("slowdown", 1.0))


def _read(handle: IO[str], now: float) -> dict[str, Any]:
    handle.seek(0)
    text = handle.read(limits.PACING_STATE_CHARS)
    try:
        state = json.loads(text) if text.strip() else {}
    except (ValueError, RecursionError):
        state = {}  # a half-written or foreign file: start afresh
    if not isinstance(state, dict):
        state = {}
    slots = state.get("slots")
    if not isinstance(slots, list) or state.get("clock") != _CLOCK or state.get("boot") != _BOOT:
        slots = []  # another boot's monotonic clock, or an older wall-clock file: its slots mean nothing now
    state["slots"] = [
        float(slot)
        for slot in slots[-_MAX_SLOTS:]
        if isinstance(slot, int | float) and not isinstance(slot, bool) and now - _HORIZON < slot < now + _HORIZON
    ]
    slowdown = state.get("slowdown")
    state["slowdown"] = (
        float(slowdown) if isinstance(slowdown, int | float) and 1.0 <= slowdown <= _MAX_SLOWDOWN else 1.0
    )
    return state
