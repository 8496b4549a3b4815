"""What the mock remembers: orders, the balance, issued tokens and the counters.

In memory by default; with ``--state FILE`` every change is also written to a SQLite file (the standard
library's ``sqlite3``), so a restarted mock still knows its orders, balance and tokens. The file is
created readable by its owner only (0600): it holds the tokens the mock issued.

Callers hold ``Store.lock`` around a read-modify-write; the methods here do not lock on their own.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, doc TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tokens (access TEXT PRIMARY KEY, doc TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
_FORMAT = 1


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

    # -- persistence --

    @classmethod
    def open(cls, balance: float, path: str | None) -> Store:
        store = cls(balance=balance, path=path)
        if path is not None:
            store._connect(path)
        return store

    def _connect(self, path: str) -> None:
        where = Path(path)
        try:
            if where.exists() and not where.is_file():
                raise CliError(f"--state {path}: not a regular file", ExitStatus.CONFIG)
            fd = os.open(where, os.O_RDWR | os.O_CREAT, 0o600)  # created 0600: the file holds tokens
            try:
                mode = os.fstat(fd).st_mode
                if mode & (stat.S_IRWXG | stat.S_IRWXO):
                    os.fchmod(fd, 0o600)
            finally:
                os.close(fd)
            db = sqlite3.connect(where, check_same_thread=False, isolation_level=None, timeout=10)
            with db:
                db.execute("BEGIN")
                for statement in _SCHEMA:
                    db.execute(statement)
            rows = db.execute("SELECT key, value FROM meta").fetchall()
            self.meta = {key: json.loads(value) for key, value in rows}
            if self.meta.get("format", _FORMAT) != _FORMAT:
                raise CliError(f"--state {path}: written by another cjerr version", ExitStatus.CONFIG)
            self.orders = {key: json.loads(doc) for key, doc in db.execute("SELECT id, doc FROM orders")}
            self.tokens = {key: json.loads(doc) for key, doc in db.execute("SELECT access, doc FROM tokens")}
        except sqlite3.DatabaseError as error:
            raise CliError(f"--state {path}: not a cjerr mock state file ({error})", ExitStatus.CONFIG) from None
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise CliError(f"--state {path}: cannot use the file: {reason}", ExitStatus.CONFIG) from None
        self._db = db
        if "balance" in self.meta:
            self.balance = float(self.meta["balance"])
        else:
            self.set_meta("balance", self.balance)
        self.set_meta("format", _FORMAT)
        self.numbers = {
            f"{order.get('_owner', 0)}:{order['orderNum']}": order_id for order_id, order in self.orders.items()
        }

    def _write(self, sql: str, parameters: tuple[Any, ...]) -> None:
        if self._db is not None:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(sql, parameters)

    def close(self) -> None:
        with self.lock:
            if self._db is not None:
                self._db.close()
                self._db = None

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
        self.orders.clear()
        self.numbers.clear()
        self.tokens.clear()
        self.meta.clear()
        self.balance = self.initial_balance
        if self._db is not None:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                for table in ("orders", "tokens", "meta"):
                    self._db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        self.set_meta("format", _FORMAT)
        self.set_meta("balance", self.balance)
