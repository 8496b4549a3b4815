"""`cjerr explain` on realistic logs, in CPU seconds, next to jq measured in the same run.

    python benchmarks/realistic.py                        # 200,000 lines, 5 interleaved rounds
    python benchmarks/realistic.py --lines 100000 --rounds 3 --json
    python benchmarks/realistic.py --no-msgspec          # as cjerr runs where msgspec is not installed
    python benchmarks/realistic.py --before /tmp/old      # also an earlier commit's cj_errors, in the same run

The machine is shared, so the figures are CPU seconds (user + system) of each command and
its children, read with ``resource.getrusage(RUSAGE_CHILDREN)`` around it; wall seconds are
shown too. Every round runs every command once in a rotating order (so drift in load hits
them alike); the first round warms caches and is discarded; figures are medians.

The logs are generated here, seeded, so every run reads the same bytes:

- ``real.jsonl``: JSON Lines as a client logs CJ's answers: 91% successes whose ``data``
  holds a page of products, 4% QPS limits, 2% auth failures, 1.5% points messages with
  CJ's live figures ("Used today: N" grows line by line), 1.5% order errors;
- ``real.log``: the same answers with 5% of lines behind a log prefix and a pretty-printed
  body every 20,000 lines;
- ``cliff-first.jsonl`` / ``cliff-mixed.jsonl``: 5,000 distinct messages followed by
  ``real.jsonl``'s lines, and the same lines in a seeded shuffle (a log that starts with
  thousands of distinct shapes should cost about what the same lines cost in another order).

Rows: jq (``jq -r .code FILE | sort | uniq -c``), ``cjerr explain`` (the summary) on one core
(``CJERR_CORES=1``) and as installed (two cores when the file is big), ``explain --each --json``,
and the cliff pair. "µs/line" is a row's CPU minus the CPU of ``cjerr explain`` on a one-line
file (start-up), over the number of lines: the steady-state cost. No thresholds: this only prints.
Standard library only; run it with the interpreter of the environment cjerr is installed in.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

_PRODUCT_WORDS = (
    "Wireless Earbuds", "Phone Case", "LED Strip", "Yoga Mat", "Pet Brush", "Desk Lamp", "Car Mount",
    "Silk Scarf", "Water Bottle", "Kitchen Scale", "Hair Clip", "Baby Bib", "Garden Hose", "Wall Sticker",
)  # fmt: skip
_CATEGORIES = ("Consumer Electronics", "Home & Garden", "Pet Supplies", "Women's Clothing", "Toys & Hobbies")
_QPS = (1600200, False, "Too Many Requests, QPS limit is 1 time/1second")
_AUTH = (
    (1600001, False, "Invalid API key or access token"),
    (1600002, False, "access token cannot be empty"),
)
_ORDER = (
    (1603003, False, "Order exist, please do not duplicate create"),
    (1603001, False, "Order confirm fail"),
    (1603100, False, "Order not found, Please check the CJ order id"),
)
_POINTS = "Insufficient API points. Used today: {used}, Remaining: 0, Required: {required}. Please try again tomorrow."


def _product(rng: random.Random) -> dict[str, object]:
    pid = str(uuid.UUID(int=rng.getrandbits(128))).upper()
    return {
        "pid": pid,
        "productNameEn": f"{rng.choice(_PRODUCT_WORDS)} {rng.randint(1, 999)}",
        "productSku": f"CJ{rng.choice('ABCDEFGH')}{rng.randint(10**7, 10**8 - 1)}",
        "productImage": f"https://cf.cjdropshipping.com/{pid[:8].lower()}.jpg",
        "sellPrice": f"{rng.randint(1, 80)}.{rng.randint(0, 99):02d}",
        "categoryName": rng.choice(_CATEGORIES),
        "productWeight": rng.randint(10, 2000),
    }


def _bodies(count: int, seed: int) -> list[dict[str, object]]:
    """``count`` CJ answers in the proportions of a busy client's log, seeded."""
    rng = random.Random(seed)
    used = 100_000
    bodies: list[dict[str, object]] = []
    for _ in range(count):
        roll = rng.random()
        request_id = uuid.UUID(int=rng.getrandbits(128)).hex
        if roll < 0.91:
            products = [_product(rng) for _ in range(rng.randint(1, 4))]
            data: object = {"pageNum": 1, "pageSize": 20, "total": rng.randint(1, 5000), "list": products}
            bodies.append({"code": 200, "result": True, "message": "Success", "data": data, "requestId": request_id})
            continue
        if roll < 0.95:
            code, result, message = _QPS
        elif roll < 0.97:
            code, result, message = rng.choice(_AUTH)
        elif roll < 0.985:
            used += rng.randint(1, 40)
            code, result, message = 16900500, False, _POINTS.format(used=used, required=rng.choice((1, 10)))
        else:
            code, result, message = rng.choice(_ORDER)
        bodies.append({"code": code, "result": result, "message": message, "data": None, "requestId": request_id})
    return bodies


def _compact(body: object) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def write_logs(folder: Path, lines: int, seed: int = 20261207) -> dict[str, Path]:
    bodies = _bodies(lines, seed)
    rng = random.Random(seed + 1)
    paths = {name: folder / name for name in ("real.jsonl", "real.log", "cliff-first.jsonl", "cliff-mixed.jsonl")}
    compact = [_compact(body) for body in bodies]
    paths["real.jsonl"].write_text("".join(line + "\n" for line in compact), encoding="utf-8")
    with paths["real.log"].open("w", encoding="utf-8") as log:
        for number, (body, line) in enumerate(zip(bodies, compact, strict=True)):
            if number % 20_000 == 10_000:
                log.write(json.dumps(body, indent=2) + "\n")
            elif rng.random() < 0.05:
                stamp = f"2026-12-07T09:{number // 60 % 60:02d}:{number % 60:02d}.123Z"
                log.write(f"{stamp} INFO cj.client response {line}\n")
            else:
                log.write(line + "\n")
    distinct = [
        _compact(
            {
                "code": 1600300,
                "result": False,
                "message": f"Param error: field sku{number} of item {rng.randint(0, 9)} is not valid",
                "data": None,
                "requestId": uuid.UUID(int=rng.getrandbits(128)).hex,
            }
        )
        for number in range(5_000)
    ]
    first = distinct + compact
    mixed = list(first)
    random.Random(seed + 2).shuffle(mixed)
    paths["cliff-first.jsonl"].write_text("".join(line + "\n" for line in first), encoding="utf-8")
    paths["cliff-mixed.jsonl"].write_text("".join(line + "\n" for line in mixed), encoding="utf-8")
    tiny = folder / "one.jsonl"
    tiny.write_text(compact[0] + "\n", encoding="utf-8")
    paths["one.jsonl"] = tiny
    return paths


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds (user + system, the command and everything it waited for) and wall seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-msgspec", action="store_true", help="hide msgspec from cjerr (the pure-Python path)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--before",
        metavar="DIR",
        help="also run the cjerr rows with the package found in DIR first on PYTHONPATH, e.g. an earlier "
        "commit's source: git archive COMMIT cj_errors | tar -x -C DIR",
    )
    options = parser.parse_args()
    jq = shutil.which("jq")
    cjerr = str(Path(sys.executable).with_name("cjerr"))
    if jq is None:
        print("jq is not installed; it is the baseline (apt-get install jq)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        paths = write_logs(folder, options.lines)
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if options.no_msgspec:
            blocker = folder / "no-msgspec" / "msgspec"
            blocker.mkdir(parents=True)
            (blocker / "__init__.py").write_text("raise ImportError('hidden by benchmarks/realistic.py')\n")
            env["PYTHONPATH"] = str(blocker.parent)
        one_core = {**env, "CJERR_CORES": "1"}
        real, log = str(paths["real.jsonl"]), str(paths["real.log"])
        rows: dict[str, tuple[list[str], dict[str, str], int]] = {
            "jq JSONL": (["sh", "-c", f"{jq} -r .code '{real}' | sort | uniq -c"], env, options.lines),
            "explain JSONL, 1 core": ([cjerr, "explain", real], one_core, options.lines),
            "explain JSONL": ([cjerr, "explain", real], env, options.lines),
            "explain log, 1 core": ([cjerr, "explain", log], one_core, options.lines),
            "explain --each --json JSONL": ([cjerr, "explain", "--each", "--json", real], one_core, options.lines),
            "cliff: distinct first, 1 core": (
                [cjerr, "explain", str(paths["cliff-first.jsonl"])], one_core, options.lines + 5000),
            "cliff: same lines mixed, 1 core": (
                [cjerr, "explain", str(paths["cliff-mixed.jsonl"])], one_core, options.lines + 5000),
            "explain one line (start-up)": ([cjerr, "explain", str(paths["one.jsonl"])], one_core, 1),
        }  # fmt: skip
        if options.before:
            before = str(Path(options.before).resolve())
            for name, (command, command_env, lines) in list(rows.items()):
                if command[0] == cjerr:
                    path = os.pathsep.join(filter(None, (before, command_env.get("PYTHONPATH"))))
                    rows[f"{name} [before]"] = (command, {**command_env, "PYTHONPATH": path}, lines)
        cpu: dict[str, list[float]] = {name: [] for name in rows}
        wall: dict[str, list[float]] = {name: [] for name in rows}
        names = list(rows)
        for round_number in range(options.rounds + 1):
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                command, command_env, _ = rows[name]
                spent, elapsed = run_once(command, command_env)
                if round_number:
                    cpu[name].append(spent)
                    wall[name].append(elapsed)
    cpu_median = {name: statistics.median(values) for name, values in cpu.items()}
    wall_median = {name: statistics.median(values) for name, values in wall.items()}
    table = []
    for name, (_, _, lines) in rows.items():
        start_up = cpu_median["explain one line (start-up)" + (" [before]" if name.endswith("[before]") else "")]
        per_line = (cpu_median[name] - start_up) / lines * 1e6 if lines > 1 and not name.startswith("jq") else None
        table.append(
            {
                "row": name,
                "cpu_s": round(cpu_median[name], 3),
                "wall_s": round(wall_median[name], 3),
                "cpu_ratio_to_jq": round(cpu_median[name] / cpu_median["jq JSONL"], 2),
                "wall_ratio_to_jq": round(wall_median[name] / wall_median["jq JSONL"], 2),
                "us_per_line": round(per_line, 2) if per_line is not None else None,
            }
        )
    summary = {}
    for tag in ("", " [before]") if options.before else ("",):
        cliff = cpu_median[f"cliff: distinct first, 1 core{tag}"] / cpu_median[f"cliff: same lines mixed, 1 core{tag}"]
        split = cpu_median[f"explain JSONL{tag}"] - cpu_median[f"explain JSONL, 1 core{tag}"]
        summary[f"cliff_cpu_ratio{tag}"] = round(cliff, 2)
        summary[f"two_process_extra_cpu_s{tag}"] = round(split, 3)
    if options.json:
        report = {"lines": options.lines, "rounds": options.rounds, "msgspec": not options.no_msgspec}
        print(json.dumps({**report, "rows": table, **summary}, indent=2))
        return 0
    msgspec = "hidden" if options.no_msgspec else "as installed"
    print(f"{options.lines:,} lines, {options.rounds} rounds, msgspec {msgspec} (medians; ratios to jq's)")
    print(f"  {'':<34} {'CPU s':>7} {'wall s':>7} {'CPU/jq':>7} {'wall/jq':>7} {'µs/line':>8}")
    for row in table:
        per = f"{row['us_per_line']:>8.2f}" if row["us_per_line"] is not None else f"{'':>8}"
        print(
            f"  {row['row']:<34} {row['cpu_s']:>7.3f} {row['wall_s']:>7.3f} "
            f"{row['cpu_ratio_to_jq']:>7.2f} {row['wall_ratio_to_jq']:>7.2f} {per}"
        )
    for key, value in summary.items():
        if key.startswith("cliff"):
            print(f"  cliff{key[15:]} (distinct first / mixed, CPU): {value:.2f}x")
        else:
            print(f"  two processes{key[23:]} cost {value:+.3f} CPU-s over one")
    return 0


if __name__ == "__main__":
    sys.exit(main())
