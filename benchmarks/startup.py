"""Wall-clock startup of cjerr next to a baseline, measured in the same run.

    python benchmarks/startup.py                 # 15 interleaved rounds, a table and one ratio per row
    python benchmarks/startup.py --rounds 30 --json
    python benchmarks/startup.py --only tab --cjerr /tmp/base/cjerr   # some rows, another build's cjerr

Every command runs as a fresh subprocess with stdout piped (as in scripts and in
TAB completion). Each round runs every command once, in a rotating order, so
drift in machine load hits all of them alike; one warm-up round is discarded.
The ratio is a row's median over its baseline's median, so it says how much
cjerr adds on top of what any Typer app (or HTTPie) pays on this machine. Each run
is timed twice: wall clock, and the CPU seconds the process used (user + system,
from the kernel's accounting of children), which other load on a shared machine
disturbs far less than wall clock; the CPU ratios are printed too.

No thresholds: this only prints. Standard library only. Run it with the
interpreter of the environment cjerr is installed in; the commands are looked
up next to that interpreter first, then on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

# --- what to measure ------------------------------------------------------------------
# A command is a tuple of words; "{python}", "{cjerr}" and "{http}" are filled in.


@dataclass(frozen=True)
class Row:
    name: str
    command: tuple[str, ...]
    baseline: str
    env: dict[str, str] = field(default_factory=dict)
    needs: str = ""  # a cjerr subcommand that must exist, else the row is skipped with a note


_API = "https://developers.cjdropshipping.com/api2.0/v1"
_PID = "04A22450-67F0-4617-A132-E7AE7F8963B0"
_TOKEN = "benchmark-dummy-token"  # never sent: both sides are offline

BASELINES: dict[str, tuple[str, ...]] = {
    "typer_import": ("{python}", "-c", "import typer"),
    "httpie_offline": (
        "{http}",
        "--offline",
        "--ignore-stdin",
        "GET",
        f"{_API}/product/query",
        f"pid=={_PID}",
        f"CJ-Access-Token:{_TOKEN}",
    ),
}

# A typical JSON body: freightCalculate, as integrators send it.
_BODY = (
    '{"startCountryCode": "CN", "endCountryCode": "US", "zip": "90001", '
    '"products": [{"vid": "439FC05B-1311-4349-87FA-1E1EF942C418", "quantity": 2}]}'
)
BASELINES["httpie_offline_body"] = (
    "{http}",
    "--offline",
    "--ignore-stdin",
    "POST",
    f"{_API}/logistic/freightCalculate",
    f"CJ-Access-Token:{_TOKEN}",
    "Content-Type:application/json",
    f"--raw={_BODY}",
)

_BASH_TAB = {"_CJERR_COMPLETE": "complete_bash", "COMP_WORDS": "cjerr lookup 16002", "COMP_CWORD": "2"}
_ZSH_TAB = {"_CJERR_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "cjerr lookup 16002"}
_FISH_TAB = {**_ZSH_TAB, "_CJERR_COMPLETE": "complete_fish", "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
# TAB on a subcommand (`cjerr auth <TAB>`) and on an option (`cjerr probe --<TAB>`).
_BASH_TAB_COMMAND = {"_CJERR_COMPLETE": "complete_bash", "COMP_WORDS": "cjerr auth ", "COMP_CWORD": "2"}
_ZSH_TAB_COMMAND = {"_CJERR_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "cjerr auth "}
_BASH_TAB_OPTION = {"_CJERR_COMPLETE": "complete_bash", "COMP_WORDS": "cjerr probe --", "COMP_CWORD": "2"}
_TYPER = {"CJERR_NO_FAST_PATH": "1"}
_TEXT = "Too Many Requests, QPS limit is 1 time/1second"

_PROBE_DRY_RUN = ("{cjerr}", "probe", "--dry-run", "/product/query", "-p", f"pid={_PID}")

# One line per row: (name, command, baseline[, extra environment][, needs=subcommand]).
ROWS: tuple[Row, ...] = (
    Row("lookup", ("{cjerr}", "lookup", "1600200"), "typer_import"),
    Row("list", ("{cjerr}", "list"), "typer_import"),
    Row("list_through_typer", ("{cjerr}", "list"), "typer_import", {"CJERR_NO_FAST_PATH": "1"}),
    Row("exit_codes", ("{cjerr}", "exit-codes"), "typer_import"),
    Row("endpoints", ("{cjerr}", "endpoints"), "typer_import"),
    Row("endpoints_through_typer", ("{cjerr}", "endpoints"), "typer_import", {"CJERR_NO_FAST_PATH": "1"}),
    Row("help_piped", ("{cjerr}", "probe", "--help"), "typer_import"),
    Row("help_panels", ("{cjerr}", "probe", "--help"), "typer_import", {"FORCE_COLOR": "1"}),
    Row("exit_codes_through_typer", ("{cjerr}", "exit-codes"), "typer_import", {"CJERR_NO_FAST_PATH": "1"}),
    Row("complete_bash", ("{cjerr}",), "typer_import", _BASH_TAB),
    Row("complete_zsh", ("{cjerr}",), "typer_import", _ZSH_TAB),
    Row("complete_fish", ("{cjerr}",), "typer_import", _FISH_TAB),
    Row("tab_command_bash", ("{cjerr}",), "typer_import", _BASH_TAB_COMMAND),
    Row("tab_command_zsh", ("{cjerr}",), "typer_import", _ZSH_TAB_COMMAND),
    Row("tab_option_bash", ("{cjerr}",), "typer_import", _BASH_TAB_OPTION),
    Row("tab_command_bash_through_typer", ("{cjerr}",), "typer_import", {**_BASH_TAB_COMMAND, **_TYPER}),
    Row("tab_command_zsh_through_typer", ("{cjerr}",), "typer_import", {**_ZSH_TAB_COMMAND, **_TYPER}),
    Row("tab_option_bash_through_typer", ("{cjerr}",), "typer_import", {**_BASH_TAB_OPTION, **_TYPER}),
    Row("lookup_text", ("{cjerr}", "lookup", _TEXT), "typer_import"),
    Row("lookup_text_through_typer", ("{cjerr}", "lookup", _TEXT), "typer_import", _TYPER),
    Row("probe_dry_run", _PROBE_DRY_RUN, "httpie_offline", {"CJ_ACCESS_TOKEN": _TOKEN}, needs="probe"),
    Row(
        "probe_dry_run_body",
        ("{cjerr}", "probe", "--dry-run", "/logistic/freightCalculate", "-d", _BODY),
        "httpie_offline_body",
        {"CJ_ACCESS_TOKEN": _TOKEN},
        needs="probe",
    ),
)

# Variables that would change what the measured commands do.
_SCRUB = ("_CJERR_COMPLETE", "_TYPER_COMPLETE_ARGS", "_TYPER_COMPLETE_FISH_ACTION", "COMP_WORDS", "COMP_CWORD")
_SCRUB_PREFIXES = ("CJ_", "CJERR_", "PYTHONPROFILEIMPORTTIME", "FORCE_COLOR")


# --- running ----------------------------------------------------------------------------


def find_program(name: str) -> str | None:
    """NAME from this interpreter's environment, else from PATH."""
    file_name = f"{name}.exe" if os.name == "nt" else name
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        candidate = folder / file_name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def base_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _SCRUB and not key.startswith(_SCRUB_PREFIXES)}
    env["NO_COLOR"] = "1"
    # As on a user's machine, Python keeps the bytecode it compiles (the warm-up round writes it), for
    # cjerr and the baselines alike; an environment that disables it would time the compiler instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@dataclass
class Measured:
    name: str
    argv: list[str]
    base_env: dict[str, str]
    extra_env: dict[str, str] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    exit_codes: set[int] = field(default_factory=set)

    def run_once(self) -> tuple[float, float]:
        """(wall seconds, CPU seconds) of one run; CPU is 0.0 where the platform does not account children."""
        env = {**self.base_env, **self.extra_env}
        cpu_before = _children_cpu()
        start = time.perf_counter()
        completed = subprocess.run(
            self.argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        elapsed = time.perf_counter() - start
        self.exit_codes.add(completed.returncode)
        return elapsed, _children_cpu() - cpu_before

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_seconds)


def _children_cpu() -> float:
    """User + system CPU seconds of the children this process has waited for (0.0 where unknown)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def has_subcommand(cjerr: str, name: str, env: dict[str, str]) -> bool:
    result = subprocess.run(
        [cjerr, name, "--help"], env=env, stdin=subprocess.DEVNULL, capture_output=True, check=False, timeout=120
    )
    return result.returncode == 0


def plan(
    env: dict[str, str], only: str = "", cjerr: str | None = None
) -> tuple[dict[str, Measured], list[Row], list[str]]:
    """The commands to time (baselines and rows by name), the rows kept, and notes on rows skipped.

    ``only``: the rows whose name contains it; ``cjerr``: this program instead of the installed cjerr."""
    programs = {"python": sys.executable, "cjerr": cjerr or find_program("cjerr"), "http": find_program("http")}
    notes: list[str] = []
    kept: list[Row] = []
    commands: dict[str, Measured] = {}

    def resolve(words: tuple[str, ...]) -> list[str] | str:
        argv: list[str] = []
        for word in words:
            for key, program in programs.items():
                placeholder = "{" + key + "}"
                if placeholder in word:
                    if program is None:
                        return f"'{key}' is not installed"
                    word = word.replace(placeholder, program)
            argv.append(word)
        return argv

    for row in ROWS:
        if only not in row.name:
            continue
        if row.baseline not in BASELINES:
            raise SystemExit(f"startup.py: row {row.name} names an unknown baseline {row.baseline!r}")
        argv = resolve(row.command)
        baseline_argv = resolve(BASELINES[row.baseline])
        problem = argv if isinstance(argv, str) else baseline_argv if isinstance(baseline_argv, str) else ""
        cjerr = programs["cjerr"]
        if not problem and row.needs and cjerr is not None and not has_subcommand(cjerr, row.needs, env):
            problem = f"'cjerr {row.needs}' is not available in this build"
        if problem:
            notes.append(f"skipped {row.name}: {problem}")
            continue
        assert isinstance(argv, list) and isinstance(baseline_argv, list)
        kept.append(row)
        commands[row.name] = Measured(row.name, argv, env, dict(row.env))
        commands.setdefault(row.baseline, Measured(row.baseline, baseline_argv, env))
    return commands, kept, notes


def measure(commands: dict[str, Measured], rounds: int, warmup: int) -> None:
    order = list(commands.values())
    for round_index in range(warmup + rounds):
        shift = round_index % len(order)
        for command in order[shift:] + order[:shift]:
            elapsed, cpu = command.run_once()
            if round_index >= warmup:
                command.seconds.append(elapsed)
                command.cpu_seconds.append(cpu)


# --- reporting --------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("cjerr", "typer", "pydantic", "rich", "httpx", "httpie"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def ratios(commands: dict[str, Measured], rows: list[Row]) -> dict[str, float]:
    """``<row>_vs_<baseline>`` -> row median / baseline median."""
    return {f"{row.name}_vs_{row.baseline}": commands[row.name].median / commands[row.baseline].median for row in rows}


def cpu_ratios(commands: dict[str, Measured], rows: list[Row]) -> dict[str, float]:
    """``<row>_vs_<baseline>`` -> row CPU median / baseline CPU median (empty where CPU is not accounted)."""
    found: dict[str, float] = {}
    for row in rows:
        baseline = commands[row.baseline].cpu_median
        if baseline > 0:
            found[f"{row.name}_vs_{row.baseline}"] = commands[row.name].cpu_median / baseline
    return found


def _shown_argv(command: Measured) -> list[str]:
    """The command with the program's folder left out."""
    return [Path(command.argv[0]).name, *command.argv[1:]]


def to_json(commands: dict[str, Measured], rows: list[Row], rounds: int, notes: list[str]) -> str:
    def ms(seconds: float) -> float:
        return round(seconds * 1000, 1)

    document = {
        "rounds": rounds,
        "versions": versions(),
        "commands": {
            name: {
                "argv": _shown_argv(command),
                "env": command.extra_env,
                "median_ms": ms(command.median),
                "cpu_median_ms": ms(command.cpu_median),
                "min_ms": ms(min(command.seconds)),
                "max_ms": ms(max(command.seconds)),
                "samples_ms": [ms(seconds) for seconds in command.seconds],
                "exit_codes": sorted(command.exit_codes),
            }
            for name, command in commands.items()
        },
        "ratios": {name: round(ratio, 2) for name, ratio in ratios(commands, rows).items()},
        "cpu_ratios": {name: round(ratio, 2) for name, ratio in cpu_ratios(commands, rows).items()},
        "notes": notes,
    }
    return json.dumps(document, indent=2) + "\n"


def to_table(commands: dict[str, Measured], rows: list[Row], rounds: int, notes: list[str]) -> str:
    width = max(16, *(len(name) for name in commands))
    header = (
        f"{'command':<{width}} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'cpu ms':>8}  {'exit':<4}  command line"
    )
    lines = [header, "-" * len(header)]
    for name, command in commands.items():
        exits = ",".join(str(code) for code in sorted(command.exit_codes))
        env = " ".join(f"{key}={value!r}" for key, value in command.extra_env.items())
        shown = f"{env} {' '.join(_shown_argv(command))}".strip()
        lines.append(
            f"{name:<{width}} {command.median * 1000:>10.1f} {min(command.seconds) * 1000:>8.1f} "
            f"{max(command.seconds) * 1000:>8.1f} {command.cpu_median * 1000:>8.1f}  {exits:<4}  {shown}"
        )
    lines.append("")
    lines.append(f"{rounds} rounds; " + ", ".join(f"{key} {value}" for key, value in versions().items()))
    lines.extend(f"note: {note}" for note in notes)
    lines.append("")
    cpu = cpu_ratios(commands, rows)
    lines.extend(
        f"{name}: {ratio:.2f}x" + (f" (CPU {cpu[name]:.2f}x)" if name in cpu else "")
        for name, ratio in ratios(commands, rows).items()
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time cjerr startup against baselines, interleaved.")
    parser.add_argument("--rounds", type=int, default=15, help="Measured rounds (default 15).")
    parser.add_argument("--warmup", type=int, default=1, help="Discarded rounds first (default 1).")
    parser.add_argument("--json", action="store_true", help="Print one JSON document instead of the table.")
    parser.add_argument("--only", default="", metavar="TEXT", help="Only the rows whose name contains TEXT.")
    parser.add_argument(
        "--cjerr", metavar="PATH", help="Time this cjerr program (another build, a baseline commit) instead."
    )
    options = parser.parse_args(argv)
    if options.rounds < 1 or options.warmup < 0:
        parser.error("--rounds must be at least 1 and --warmup at least 0")

    env = base_env()
    commands, rows, notes = plan(env, options.only, options.cjerr)
    if not rows:
        sys.stderr.write("startup.py: nothing to measure: " + "; ".join(notes) + "\n")
        return 1
    measure(commands, options.rounds, options.warmup)
    render = to_json if options.json else to_table
    sys.stdout.write(render(commands, rows, options.rounds, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
