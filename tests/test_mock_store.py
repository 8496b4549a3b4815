"""`cjerr mock --state FILE` under faults: kill -9 mid-call, a write the file refuses, two mocks on one file, a
corrupted file, another application's SQLite file and a symbolic link. Real mock processes on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from cj_errors.base.exits import ExitStatus
from tests.conftest import Runner
from tests.test_mock import TOKEN, Mock, launch
from tests.test_mock_state import CREATE, ok, order_body

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL and flock")

BALANCE = 100000.0


@pytest.fixture
def start_mock(tmp_path: Path) -> Iterator[Callable[..., Mock]]:
    started: list[Mock] = []

    def _start(*args: str) -> Mock:
        mock = launch(tmp_path, *args)
        started.append(mock)
        return mock

    yield _start
    for mock in started:
        mock.stop(signal.SIGKILL)


@pytest.fixture
def tokens(tmp_path: Path) -> Path:
    path = tmp_path / "tokens"
    path.write_text(TOKEN + "\n", encoding="utf-8")
    return path


def _on_disk(state: Path) -> tuple[float, float, int]:
    """(balance, sum of paid orders, paid orders) as the file holds them (a hot journal is rolled back first)."""
    db = sqlite3.connect(state)
    try:
        balance = json.loads(db.execute("SELECT value FROM meta WHERE key = 'balance'").fetchone()[0])
        orders = [json.loads(doc) for (doc,) in db.execute("SELECT doc FROM orders")]
    finally:
        db.close()
    paid = [order for order in orders if order.get("paymentDate")]
    return float(balance), round(sum(float(order["orderAmount"]) for order in paid), 2), len(paid)


def test_kill_9_mid_calls_leaves_balance_and_paid_orders_consistent(
    start_mock: Callable[..., Mock], tmp_path: Path, tokens: Path
) -> None:
    state = tmp_path / "state.sqlite"
    args = ("--qps", "0", "--token-file", str(tokens), "--state", str(state), "--balance", str(BALANCE))
    rounds, sent = 6, 0
    chooser = random.Random(26)
    for number in range(rounds):
        mock = start_mock(*args)
        stop = threading.Event()

        def traffic(mock: Mock = mock, stop: threading.Event = stop, number: int = number) -> None:
            nonlocal sent
            with httpx.Client(timeout=5) as client:
                for serial in range(10000):
                    if stop.is_set():
                        return
                    headers = {"CJ-Access-Token": TOKEN}
                    try:
                        body = order_body(f"r{number}-{serial}", payType=2 if serial % 2 else 3)
                        created = client.post(mock.url + CREATE, json=body, headers=headers).json()
                        sent += 1
                        if serial % 2 == 0 and created.get("code") == 200:
                            pay = {"orderId": created["data"]["orderId"]}
                            client.post(mock.url + "/shopping/pay/payBalance", json=pay, headers=headers)
                    except (httpx.HTTPError, ValueError):
                        return  # killed under us

        worker = threading.Thread(target=traffic, daemon=True)
        worker.start()
        time.sleep(0.3 + chooser.random() * 0.5)
        mock.process.send_signal(signal.SIGKILL)
        mock.process.wait(timeout=15)
        stop.set()
        worker.join(timeout=15)
        balance, paid, count = _on_disk(state)
        assert round(balance + paid, 2) == BALANCE, (number, balance, paid, count)
    assert sent > rounds  # calls were in flight in every round
    again = start_mock(*args)
    shown = ok(again.get("/shopping/pay/getBalance", token=TOKEN))["amount"]
    balance, paid, count = _on_disk(state)
    assert count > 0 and shown == balance and round(shown + paid, 2) == BALANCE


def test_a_write_the_file_refuses_changes_nothing_and_is_not_retryable(
    start_mock: Callable[..., Mock], tmp_path: Path, tokens: Path
) -> None:
    state = tmp_path / "state.sqlite"
    mock = start_mock("--qps", "0", "--token-file", str(tokens), "--state", str(state), "--balance", "500")
    created = ok(mock.post(CREATE, token=TOKEN, json=order_body("full-1")))
    # The disk "fills up": every write to the file now fails (a trigger, as root ignores file modes).
    db = sqlite3.connect(state)
    for table in ("meta", "orders"):
        db.execute(f"CREATE TRIGGER full_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(FAIL, 'disk full'); END")
    db.commit()
    for _ in range(3):
        refused = mock.post("/shopping/pay/payBalance", token=TOKEN, json={"orderId": created["orderId"]})
        assert refused.status_code == 507, refused.text
        assert "disk full" in refused.json()["error"] and "1600000" not in refused.text
    assert ok(mock.get("/shopping/pay/getBalance", token=TOKEN))["amount"] == 500  # memory was not debited
    detail = ok(mock.get("/shopping/order/getOrderDetail", token=TOKEN, params={"orderId": created["orderId"]}))
    assert detail["orderStatus"] == "CREATED"
    for table in ("meta", "orders"):
        db.execute(f"DROP TRIGGER full_{table}")
    db.commit()
    db.close()
    ok(mock.post("/shopping/pay/payBalance", token=TOKEN, json={"orderId": created["orderId"]}))
    after = ok(mock.get("/shopping/pay/getBalance", token=TOKEN))["amount"]
    assert after == round(500 - created["orderAmount"], 2)  # debited once
    assert _on_disk(state)[0] == after


def test_a_second_mock_on_the_same_file_refuses_to_start(
    start_mock: Callable[..., Mock], run: Runner, tmp_path: Path
) -> None:
    state = tmp_path / "state.sqlite"
    start_mock("--qps", "0", "--state", str(state))
    second = run("mock", "--port", "0", "--state", str(state), timeout=30)
    assert second.returncode == ExitStatus.CONFIG
    assert (
        second.stderr.strip()
        == f"cjerr: --state {state}: another cjerr mock is using this file; stop it or give another --state"
    )


def _state_with(tmp_path: Path, name: str, rows: dict[str, list[tuple[str, str]]]) -> Path:
    path = tmp_path / name
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE orders (id TEXT PRIMARY KEY, doc TEXT NOT NULL)")
    db.execute("CREATE TABLE tokens (access TEXT PRIMARY KEY, doc TEXT NOT NULL)")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    for table, values in rows.items():
        db.executemany(f"INSERT INTO {table} VALUES (?, ?)", values)
    db.commit()
    db.close()
    return path


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        ({"meta": [("balance", "NaN")]}, "is not a finite number"),
        ({"meta": [("balance", '"lots"')]}, "is not a finite number"),
        ({"meta": [("format", "7")]}, "written by another cjerr version"),
        ({"orders": [("SD1", "{not json")]}, "cannot use the file"),
        ({"orders": [("SD1", "[1, 2]")]}, "not a cjerr mock state file"),
        ({"tokens": [("A", '{"access": "A"}')]}, "a token without its pair"),
        ({"meta": [("next_order", '"x"')]}, "not a whole number"),
    ],
)
def test_a_corrupted_state_file_exits_78_with_one_line(
    run: Runner, tmp_path: Path, rows: dict[str, list[tuple[str, str]]], said: str
) -> None:
    state = _state_with(tmp_path, "bad.sqlite", rows)
    result = run("mock", "--port", "0", "--state", str(state), timeout=30)
    assert result.returncode == ExitStatus.CONFIG, result.stderr
    assert result.stderr.startswith(f"cjerr: --state {state}: ") and said in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_another_applications_file_and_a_symlink_are_refused_unchanged(run: Runner, tmp_path: Path) -> None:
    other = tmp_path / "app.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO users (name) VALUES ('ada')")
    db.commit()
    db.close()
    os.chmod(other, 0o644)
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    result = run("mock", "--port", "0", "--state", str(other), timeout=30)
    assert result.returncode == ExitStatus.CONFIG
    assert "another application's SQLite file (it has users); nothing was changed" in result.stderr
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before
    assert stat.S_IMODE(other.stat().st_mode) == 0o644
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("app")) == ["app.sqlite"]

    target = tmp_path / "target.sqlite"
    target.write_bytes(b"")
    os.chmod(target, 0o644)
    link = tmp_path / "link.sqlite"
    link.symlink_to(target)
    linked = run("mock", "--port", "0", "--state", str(link), timeout=30)
    assert linked.returncode == ExitStatus.CONFIG and "is a symbolic link" in linked.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 and target.read_bytes() == b""
