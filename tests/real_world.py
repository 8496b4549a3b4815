"""Replay real CJ material (tests/data/real_world*.jsonl) through the installed cjerr.

Each case is text someone published: a message a client logged, a fixture body, a
log line, curl output. Messages go to `cjerr lookup --json`, everything else to
`cjerr explain --json --each -`; a case is a hit when cjerr reads the code its
source pairs with it. Run `python -m tests.real_world [FILE...]` for the hit rate by kind.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from cj_errors.base.exits import ExitStatus
from tests.conftest import ROOT, cjerr_executable, clean_env

DATA = ROOT / "tests" / "data"
CORPUS = DATA / "real_world.jsonl"
HOLDOUT = DATA / "real_world_holdout.jsonl"
HOLDOUT2 = DATA / "real_world_holdout2.jsonl"  # a second held-out set, gathered later still
HOLDOUT3 = DATA / "real_world_holdout3.jsonl"  # a third, gathered after the label and client-key rules
HOLDOUT4 = DATA / "real_world_holdout4.jsonl"  # a fourth, from 14 repositories none of the others used
HOLDOUT5 = DATA / "real_world_holdout5.jsonl"  # a fifth, split in halves A/B (issue 25)
HOLDOUT6 = DATA / "real_world_holdout6.jsonl"  # a sixth, positives and negatives together, halves A/B
NEGATIVES = DATA / "real_world_negatives.jsonl"  # lines that mention CJ but carry no CJ error
PARAPHRASES = DATA / "paraphrases.jsonl"  # what people type, checked first-match
KINDS = frozenset(
    {"message", "code-message", "envelope", "python-log", "node-log", "json-log", "curl", "log-line", "zh"}
)
LOOKUP_KINDS = frozenset({"message", "code-message", "zh"})


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    text: str
    expect_code: int | None
    source: str
    verbatim: bool
    note: str
    half: str = ""  # "A" (rules were written looking at it) or "B" (held back), where a set is split
    cls: str = ""  # the class of input a case stands for (own-lookup, webhook-receipt, control, ...)

    @property
    def is_lookup(self) -> bool:
        # A Chinese or code-message case that is a whole body goes to explain, as a user would send it.
        return self.kind in LOOKUP_KINDS and not self.text.lstrip().startswith("{")


@dataclass(frozen=True)
class Replay:
    case: Case
    exit_code: int
    codes: tuple[int | None, ...]  # what cjerr read, in order (lookup: first match per result)
    responses: int
    readable: bool = True  # False when cjerr reported a body it could not read whole (exit 76 by contract)

    @property
    def hit(self) -> bool:
        if self.case.expect_code is None:
            return True
        if self.case.is_lookup:
            return self.codes[:1] == (self.case.expect_code,)
        return self.case.expect_code in self.codes

    @property
    def alarm(self) -> bool:
        """cjerr reported a CJ error in this text (what a negative must never give)."""
        return any(code not in (None, 200) for code in self.codes)


def load(path: Path) -> list[Case]:
    if not path.exists():
        return []
    names = {field.name for field in fields(Case)}
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            cases.append(Case(**{key: value for key, value in record.items() if key in names}))
    return cases


def _lookup_codes(result: dict[str, Any]) -> int | None:
    return result["matches"][0]["code"] if result["matches"] else result["code"]


def replay_all(cases: list[Case], home: Path) -> list[Replay]:
    """Every case through the installed cjerr: one lookup process for the messages, one explain
    process for the rest (each case in a file of its own, so cases cannot run into each other)."""
    from cj_errors.reading.pasted import split_queries

    executable = cjerr_executable()
    env = clean_env(home)
    replays: dict[str, Replay] = {}
    batch = [case for case in cases if case.is_lookup and len(split_queries(case.text)) == 1]
    alone = [case for case in cases if case.is_lookup and case not in batch]
    for group in [batch] + [[case] for case in alone]:
        if not group:
            continue
        ran = subprocess.run(
            [executable, "lookup", "--json", *(case.text for case in group)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        results = json.loads(ran.stdout)["results"]
        if len(group) == 1:
            found = tuple(_lookup_codes(result) for result in results)
            replays[group[0].id] = Replay(group[0], ran.returncode, found, len(results))
            continue
        assert len(results) == len(group), "one result per query"
        for case, result in zip(group, results, strict=True):
            # One process answers them all; a case's own exit is what lookup gives for it alone.
            own_exit = ExitStatus.SUCCESS if result["found"] else ExitStatus.NOT_FOUND
            replays[case.id] = Replay(case, int(own_exit), (_lookup_codes(result),), 1)
    bodies = [case for case in cases if not case.is_lookup]
    if bodies:
        folder = home / "real-world-cases"
        folder.mkdir(exist_ok=True)
        paths = []
        for number, case in enumerate(bodies):
            path = folder / f"{number:04d}.txt"
            path.write_text(case.text + "\n", encoding="utf-8")
            paths.append(str(path))
        ran = subprocess.run(
            [executable, "explain", "--json", "--each", *paths], capture_output=True, text=True, env=env, timeout=120
        )
        items = [json.loads(line) for line in ran.stdout.splitlines() if line.startswith("{")]
        per_source: dict[str, list[dict[str, Any]]] = {path: [] for path in paths}
        for item in items:
            if "source" in item:
                per_source[item["source"]].append(item)
        for case, path in zip(bodies, paths, strict=True):
            responses = per_source[path]
            read = tuple(
                item["code"] if item["code"] is not None else (200 if item["ok"] else None) for item in responses
            )
            readable = all(item.get("readable", True) for item in responses)
            replays[case.id] = Replay(case, _exit_of(responses), read, len(responses), readable)
    return [replays[case.id] for case in cases]


_SEVERITY = (77, 79, 69, 76, 75)


def _exit_of(responses: list[dict[str, Any]]) -> int:
    """The exit status explain gives a file holding these responses alone (its most pressing outcome)."""
    exits = {item["exit_code"] for item in responses}
    if not exits:
        return int(ExitStatus.NOT_ENVELOPE)
    return next((status for status in _SEVERITY if status in exits), 0)


def hit_rates(replays: list[Replay]) -> dict[str, tuple[int, int]]:
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for result in replays:
        if result.case.expect_code is None:
            continue
        totals[result.case.kind] += 1
        hits[result.case.kind] += result.hit
    return {kind: (hits[kind], totals[kind]) for kind in sorted(totals)}


def main() -> None:
    """Replay the files named on the command line, or the corpus and every held-out set."""
    paths = [Path(name) for name in sys.argv[1:]] or [CORPUS, HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4]
    with tempfile.TemporaryDirectory() as home:
        for path in paths:
            cases = load(path)
            if not cases:
                continue
            replays = replay_all(cases, Path(home))
            rates = hit_rates(replays)
            hits = sum(hit for hit, _ in rates.values())
            total = sum(count for _, count in rates.values())
            print(f"{path.name}: {hits}/{total} cases read as their source says ({len(cases)} cases in all)")
            for kind, (hit, count) in rates.items():
                print(f"  {kind:<13} {hit:>3}/{count:<3}")
            for half in sorted({result.case.half for result in replays if result.case.half}):
                mine = [result for result in replays if result.case.half == half]
                scored = [result for result in mine if result.case.expect_code is not None]
                if scored:
                    print(f"  half {half}: {sum(r.hit for r in scored)}/{len(scored)} read as their source says")
                if path.name == NEGATIVES.name:
                    print(f"  half {half}: {sum(r.alarm for r in mine)}/{len(mine)} false alarms")
            for result in replays:
                if path.name == NEGATIVES.name and result.alarm:
                    print(f"  false alarm {result.case.id} ({result.case.cls}): read {result.codes}")
                if not result.hit:
                    print(f"  miss {result.case.id}: expected {result.case.expect_code}, read {result.codes}")


if __name__ == "__main__":
    sys.exit(main())
