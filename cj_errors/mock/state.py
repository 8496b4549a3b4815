"""What the mock remembers: orders, the balance, issued tokens and the counters.

In memory by default; with ``--state FILE`` every change is also written to a SQLite file (the standard
library's ``sqlite3``), so a restarted mock still knows its orders, balance and tokens. The file is
created readable by its owner only (0600): it holds the tokens the mock issued.

Callers hold ``Store.lock`` around a read-modify-write; the methods here do not lock on their own.

With a file:

* each CJ call is one SQLite transaction (``Store.transaction``): the balance debit and the order it pays for
  are committed together or not at all, so a mock killed at any moment restarts consistent; it opens at the
  call's first write, so a call that only reads does nothing with the file;
* when the commit fails (a read-only file, a full disk), the transaction is rolled back and the memory is read
  again from the file, so nothing the file does not hold is answered later; the call raises ``StoreWriteError``;
* the file is locked (``fcntl.flock``) for as long as the mock runs: a second mock on it refuses to start;
* before anything is written, the file is checked: it must be empty, or hold cjerr's three tables and nothing
  else, with readable rows and a finite balance; anything else exits 78 and the file is left as it was;
* ``--state`` must not be a symbolic link (it is opened with ``O_NOFOLLOW``).
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.mock.bodies import MockResponse

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, doc TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tokens (access TEXT PRIMARY KEY, doc TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
_FORMAT = 1
_SQLITE_HEADER = b"SQLite format 3\x00"  # https://www.sqlite.org/fileformat.html#the_database_header
_TABLES = frozenset({"orders", "tokens", "meta"})


_IN_MEMORY: contextlib.nullcontext[None] = contextlib.nullcontext()


class StoreWriteError(Exception):
    """The state file refused a write; the call's changes were rolled back, in the file and in memory."""


def store_failure(reason: str) -> MockResponse:
    """The answer to a call whose write the state file refused: HTTP 507, not CJ's retryable 1600000.

    Nothing changed, and sending the call again fails the same way until the file can be written, so the
    answer is not one a client retries (it is not a CJ envelope at all: CJ has no code for it).
    """
    document = {
        "error": f"cjerr mock: the state file refused the write ({reason}); nothing was changed",
        "retry": "no: free the disk or make the --state file writable, then call again",
    }
    body = json.dumps(document).encode("utf-8") + b"\n"
    return MockResponse(status=507, body=body, content_type="application/json")


def _refuse(path: str, reason: str) -> CliError:
    return CliError(f"--state {path}: {reason}", ExitStatus.CONFIG)


def _documents_raw(rows: list[tuple[Any, Any]], path: str) -> list[tuple[str, str]]:
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in rows):
        raise _refuse(path, "not a cjerr mock state file (a meta row is not text)")
    return rows


def _documents(rows: list[tuple[Any, Any]], what: str, path: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for key, doc in rows:
        value = json.loads(doc) if isinstance(doc, str) else None
        if not isinstance(key, str) or not isinstance(value, dict):
            raise _refuse(path, f"not a cjerr mock state file (a row of {what} is not a JSON object)")
        found[key] = value
    return found


@dataclass
class Store:
    balance: float
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)  # by CJ order id
    numbers: dict[str, str] = field(default_factory=dict)  # "<openId>:<orderNumber>" -> CJ order id
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)  # issued pairs by access token
    meta: dict[str, Any] = field(default_factory=dict)  # counters: next order, points used...
    path: str | None = None

    def __post_init__(self) -> None:
        self.lock = threading.RLock()
        self.initial_balance = self.balance
        self._db: sqlite3.Connection | None = None
        self._depth = 0  # nesting of transaction()
        self._lock_fd: int | None = None

    # -- persistence --

    @classmethod
    def open(cls, balance: float, path: str | None) -> Store:
        store = cls(balance=balance, path=path)
        if path is not None:
            store._connect(path)
        return store

    def _connect(self, path: str) -> None:
        fd = self._open_locked(path)
        try:
            self._check(path)  # nothing is changed before the file is known to be ours (or empty)
            mode = os.fstat(fd).st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                os.fchmod(fd, 0o600)
            db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
            with db:
                db.execute("BEGIN")
                for statement in _SCHEMA:
                    db.execute(statement)
            self._db = db
            self._load(path)
        except sqlite3.Error as error:
            self._abandon(fd)
            raise _refuse(path, f"not a cjerr mock state file ({error})") from None
        except (OSError, ValueError, TypeError, KeyError, RecursionError) as error:
            self._abandon(fd)
            reason = getattr(error, "strerror", None) or str(error)
            raise _refuse(path, f"cannot use the file: {reason}") from None
        except CliError:
            self._abandon(fd)
            raise
        self._lock_fd = fd
        if "balance" not in self.meta:
            self.set_meta("balance", self.balance)
        if "format" not in self.meta:
            self.set_meta("format", _FORMAT)

    def _abandon(self, fd: int) -> None:
        """A file refused while opening: close the connection and the locked descriptor."""
        if self._db is not None:
            self._db.close()
            self._db = None
        os.close(fd)

    @staticmethod
    def _open_locked(path: str) -> int:
        """The file, opened without following a symbolic link, created 0600, and locked for this process."""
        where = Path(path)
        if where.is_symlink():
            raise _refuse(path, "is a symbolic link; give the file itself")
        if where.exists() and not where.is_file():
            raise _refuse(path, "not a regular file")
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(where, flags, 0o600)  # created 0600: the file holds tokens
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise _refuse(path, "is a symbolic link; give the file itself") from None
            raise _refuse(path, f"cannot use the file: {error.strerror or error}") from None
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no lock, as before
            return fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise _refuse(path, "another cjerr mock is using this file; stop it or give another --state") from None
        return fd

    @staticmethod
    def _check(path: str) -> None:
        """Refuse (exit 78) a file that is not empty and not a cjerr state file, reading it only."""
        if os.path.getsize(path) == 0:
            return
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
        if header != _SQLITE_HEADER:  # SQLite takes a 1-byte file for an empty database, and would write over it
            raise _refuse(path, "not a cjerr mock state file (not an SQLite file); nothing was changed")
        uri = "file:" + os.path.abspath(path).replace("?", "%3f").replace("#", "%23") + "?mode=ro"
        probe = sqlite3.connect(uri, uri=True)
        try:
            names = {row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        finally:
            probe.close()
        if names - _TABLES:
            shown = ", ".join(sorted(names - _TABLES)[:5])
            raise _refuse(path, f"another application's SQLite file (it has {shown}); nothing was changed")

    def _load(self, path: str) -> None:
        """Read orders, tokens and counters from the file, checking what they hold."""
        assert self._db is not None
        rows = self._db.execute("SELECT key, value FROM meta").fetchall()
        meta = {key: json.loads(value) for key, value in _documents_raw(rows, path)}
        if meta.get("format", _FORMAT) != _FORMAT:
            raise _refuse(path, "written by another cjerr version")
        balance = meta.get("balance", self.initial_balance)
        if isinstance(balance, bool) or not isinstance(balance, int | float) or not math.isfinite(balance):
            raise _refuse(path, f"the balance it holds ({balance!r}) is not a finite number")
        for counter in ("next_order",):
            if counter in meta and (isinstance(meta[counter], bool) or not isinstance(meta[counter], int)):
                raise _refuse(path, f"the counter {counter} it holds is not a whole number")
        orders = _documents(self._db.execute("SELECT id, doc FROM orders").fetchall(), "orders", path)
        tokens = _documents(self._db.execute("SELECT access, doc FROM tokens").fetchall(), "tokens", path)
        for order in orders.values():
            if "orderNum" not in order or "orderId" not in order:
                raise _refuse(path, "not a cjerr mock state file (an order without orderId or orderNum)")
        for pair in tokens.values():
            if not isinstance(pair.get("access"), str) or not isinstance(pair.get("refresh"), str):
                raise _refuse(path, "not a cjerr mock state file (a token without its pair)")
        self.meta = meta
        self.orders = orders
        self.tokens = tokens
        self.balance = float(balance)
        self.numbers = {
            f"{order.get('_owner', 0)}:{order['orderNum']}": order_id for order_id, order in self.orders.items()
        }

    def _write(self, sql: str, parameters: tuple[Any, ...]) -> None:
        if self._db is None:
            return
        if self._depth:  # inside a call's transaction: committed with the rest of it
            if not self._db.in_transaction:
                self._db.execute("BEGIN")  # the call's first write opens it: a call that only reads costs nothing
            self._db.execute(sql, parameters)
            return
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(sql, parameters)
        except sqlite3.Error as error:
            self._reload()
            raise StoreWriteError(str(error)) from None

    def _reload(self) -> None:
        """After a failed write: the memory again as the file holds it."""
        if self._db is None or self.path is None:
            return
        with contextlib.suppress(sqlite3.Error):
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        with contextlib.suppress(sqlite3.Error, CliError, ValueError, TypeError, KeyError):
            self._load(self.path)

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """One CJ call: its writes are committed together when it ends (a ``CjError`` included, as CJ keeps what
        a failed call did before failing), or rolled back with the memory read again when a write fails."""
        if self._db is None:
            return _IN_MEMORY  # nothing to commit (a shared no-op: one per call otherwise)
        return self._file_transaction()

    @contextlib.contextmanager
    def _file_transaction(self) -> Iterator[None]:
        assert self._db is not None
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._depth = 1  # BEGIN waits for the first write (_write): a call that only reads never touches the file
            try:
                yield
            except sqlite3.Error as error:
                self._depth = 0
                self._reload()
                raise StoreWriteError(str(error)) from None
            except BaseException:
                self._depth = 0
                self._commit()
                raise
            self._depth = 0
            self._commit()

    def _commit(self) -> None:
        assert self._db is not None
        if not self._db.in_transaction:
            return  # the call wrote nothing
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            self._reload()
            raise StoreWriteError(str(error)) from None

    def close(self) -> None:
        with self.lock:
            if self._db is not None:
                self._db.close()
                self._db = None
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # closing the descriptor releases the flock
                self._lock_fd = None

    # -- changes --

    def put_order(self, order: dict[str, Any]) -> None:
        order_id = str(order["orderId"])
        self.orders[order_id] = order
        self.numbers[f"{order.get('_owner', 0)}:{order['orderNum']}"] = order_id
        self._write(
            "INSERT OR REPLACE INTO orders (id, doc) VALUES (?, ?)", (order_id, json.dumps(order, ensure_ascii=False))
        )

    def put_token(self, pair: dict[str, Any]) -> None:
        self.tokens[str(pair["access"])] = pair
        self._write("INSERT OR REPLACE INTO tokens (access, doc) VALUES (?, ?)", (pair["access"], json.dumps(pair)))

    def drop_token(self, access: str) -> None:
        self.tokens.pop(access, None)
        self._write("DELETE FROM tokens WHERE access = ?", (access,))

    def set_meta(self, key: str, value: Any) -> None:
        self.meta[key] = value
        self._write("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def set_balance(self, amount: float) -> None:
        self.balance = round(amount, 2)
        self.set_meta("balance", self.balance)

    def next_number(self, key: str, start: int = 1) -> int:
        value = int(self.meta.get(key, start))
        self.set_meta(key, value + 1)
        return value

    def reset(self) -> None:
        """Forget orders, tokens and counters; the balance goes back to its starting amount."""
        with self.transaction():
            if self._db is not None:
                for table in ("orders", "tokens", "meta"):
                    self._write(f"DELETE FROM {table}", ())  # noqa: S608 - fixed table names
            self.orders.clear()
            self.numbers.clear()
            self.tokens.clear()
            self.meta.clear()
            self.balance = self.initial_balance
            self.set_meta("format", _FORMAT)
            self.set_meta("balance", self.balance)
