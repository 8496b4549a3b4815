"""The package's structure rules, read from its source: one home per concern, one-way imports."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from cj_errors.base import inputs, limits

PACKAGE = Path(__file__).resolve().parent.parent / "cj_errors"


def _modules() -> dict[str, ast.Module]:
    return dict(_parsed())


@functools.cache
def _parsed() -> dict[str, ast.Module]:
    # Parsed once for the whole file: every check walks the same trees and none changes them.
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _is_kib_arithmetic(node: ast.AST) -> bool:
    """``16 * 1024 * 1024``, ``64 * 1024``, ``1 << 20``: a size written out instead of named."""
    if not isinstance(node, ast.BinOp) or not isinstance(node.op, (ast.Mult, ast.LShift)):
        return False
    numbers = [side.value for side in (node.left, node.right) if isinstance(side, ast.Constant)]
    return 1024 in numbers or isinstance(node.op, ast.LShift) and any(n in (10, 20, 24) for n in numbers)


def test_sizes_are_written_only_in_limits() -> None:
    written = [
        f"{name}:{node.lineno}"
        for name, tree in _modules().items()
        if name != "cj_errors.base.limits"
        for node in ast.walk(tree)
        if _is_kib_arithmetic(node)
    ]
    assert written == [], f"name these sizes in cj_errors/base/limits.py: {written}"


def test_limits_are_named_for_what_they_bound() -> None:
    caps = {name: value for name, value in vars(limits).items() if name.isupper() and name not in ("KIB", "MIB")}
    assert caps["DOCUMENT_BYTES"] == caps["REQUEST_BODY_BYTES"] == 16 * 1024 * 1024
    assert all(isinstance(value, int) and value > 0 for value in caps.values())
    assert not any(name.startswith("MAX") for name in caps)  # the module is the "max"; the name says of what


def test_files_are_read_only_through_the_bounded_reader() -> None:
    """probe's -d @FILE and lookup's - read through inputs.read_bounded, not with their own open()/read()."""
    modules = _modules()
    for name in ("cj_errors.requests.parts", "cj_errors.cli.app"):
        calls = {
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for node in ast.walk(modules[name])
            if isinstance(node, ast.Call)
        }
        assert not calls & {"open", "read", "read_bytes", "read_text"}, name
        assert "read_bounded" in calls, name
    assert inputs.read_bounded.__module__ == "cj_errors.base.inputs"


# --- one escaping function ------------------------------------------------------------------


def test_text_for_a_terminal_is_escaped_in_one_place() -> None:
    """No module escapes by itself (unicode_escape, isprintable/repr, a regex of controls): all call escaping."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "escaping.py":
            continue
        source = path.read_text(encoding="utf-8")
        for sign in ('"unicode_escape"', "repr(char)", "repr(match.group())", "_CONTROL_CHARS"):
            if sign in source:
                offenders.append(f"{path.name}: {sign}")
    assert offenders == []


def test_the_old_escapers_disagreed_and_now_agree(tmp_path: Path) -> None:
    """Before: explain's file-name prefix turned ESC into "?", error lines wrote "\\x1b"; a CJ message let a
    right-to-left override (U+202E) through while error lines escaped it; a body preview wrote Chinese as
    "\\u4ee4" while the message kept it. Now each caller shows each character the same way."""
    import subprocess

    from cj_errors.base.escaping import escaped
    from cj_errors.cli import process
    from cj_errors.output import plain
    from cj_errors.reading import explanation
    from tests.conftest import cjerr_executable, clean_env

    tricky = "a\x1b[2J\u202eb"
    assert plain._shown_source(tricky) == escaped(tricky) == "a\\x1b[2J\\u202eb"
    body = '{"code":1600100,"message":"令牌 \u202e x"}'.encode()
    shown = explanation.explain_response(body, 200, "application/json")
    assert shown.envelope is not None and shown.envelope.message == "令牌 \\u202e x"
    assert explanation.preview("令牌\x1b".encode()) == "令牌\\x1b"
    assert escaped("one\ntwo\tthree") == "one\\ntwo\\tthree"
    assert escaped("one\ntwo\tthree\r", keep_line_breaks=True) == "one\ntwo\tthree\\r"

    ran = subprocess.run(
        [cjerr_executable(), "explain", str(tmp_path / tricky)],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        timeout=60,
        check=False,
    )
    assert ran.stderr == f"cjerr: cannot read '{tmp_path}/a\\x1b[2J\\u202eb': no such file\n"
    assert process.fail.__module__ == "cj_errors.cli.process"


# --- one-way imports ----------------------------------------------------------------------------

# The layers, lowest first. A module may import its own layer and the layers before it, never a later one.
# account and webhooks share a rank and never import each other; the mock sits beside the CLI and uses the
# layers below it; nothing but the CLI (and the package's lazy front, cj_errors/__init__) stands above the mock.
LAYERS = {
    "base": 0,
    "table": 1,
    "reading": 2,
    "requests": 3,
    "account": 4,
    "webhooks": 4,
    "sdk": 5,
    "output": 6,
    "mock": 7,
    "cli": 8,
}
# The package's own front doors, above every layer: the lazy public API, ``python -m``, the pytest plugin.
FRONT = {"cj_errors", "cj_errors.__main__", "cj_errors.pytest_plugin"}


def _all_imports(tree: ast.Module) -> set[str]:
    """Every cj_errors module ``tree`` imports, at any depth: type-only and deferred imports count too,
    since a circle through them is still a circle a reader has to untangle."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("cj_errors")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("cj_errors"):
            # "from pkg import module" imports that module; "from pkg import name" imports pkg (resolved below)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _module_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, tree in modules.items():
        # "from cj_errors.output import plain" names the module plain; "from cj_errors.output import renderer_for"
        # names the package. Keep whichever exists, the most specific.
        targets = set()
        for target in _all_imports(tree):
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            targets.add(target)
        graph[name] = targets - {name}
    return graph


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_belongs_to_a_layer_or_the_front() -> None:
    loose = [name for name in _modules() if _layer(name) is None and name not in FRONT]
    assert loose == [], f"put these in a layer subpackage: {loose}"


def test_every_layer_says_what_it_owns_and_may_import() -> None:
    modules = _modules()
    for layer in LAYERS:
        docstring = ast.get_docstring(modules[f"cj_errors.{layer}"]) or ""
        assert len(docstring) > 80 and "import" in docstring, f"cj_errors/{layer}/__init__.py needs its docstring"


def test_imports_run_down_the_layers_only() -> None:
    upward = []
    for name, used in sorted(_module_graph().items()):
        here = _layer(name)
        for target in sorted(used):
            there = _layer(target)
            if here is None or there is None or here == there:
                continue
            if LAYERS[there] >= LAYERS[here]:
                upward.append(f"{name} -> {target}")
    assert upward == [], "imports against the flow base -> table -> reading -> requests -> account/webhooks -> " + (
        f"sdk -> output -> mock -> cli: {upward}"
    )


def test_nothing_imports_the_front_or_the_cli_but_the_front() -> None:
    for name, used in sorted(_module_graph().items()):
        if name in FRONT or _layer(name) == "cli":
            continue
        assert not {target for target in used if target in FRONT or _layer(target) == "cli"}, name


def test_no_import_circles_between_modules() -> None:
    graph = _module_graph()
    circles = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []


def test_the_structure_test_sees_a_circle_and_an_upward_import(tmp_path: Path) -> None:
    """The checks above can fail: the same graph code finds a planted circle and an import against the flow."""
    planted = ast.parse("from cj_errors.cli.app import main\nfrom cj_errors.table import codes\n")
    found = _all_imports(planted)
    assert "cj_errors.cli.app.main" in found and "cj_errors.table.codes" in found
    assert _layer("cj_errors.table.codes") == "table" and LAYERS["cli"] > LAYERS["table"]


RENDERERS = {"output"}
# What the output layer may import at run time: itself, the base helpers, and the code table's read-only
# queries (an entry's family, source titles and retry advice). Result types come in under TYPE_CHECKING
# only; the logic that decides what is printed stays in the core, on the results.
RENDER_MAY_USE = {"output", "base", "table"}


def _runtime_imports(tree: ast.Module) -> set[str]:
    """The cj_errors layers ``tree`` imports at run time (at any depth), leaving out ``if TYPE_CHECKING:``."""
    skipped = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for statement in branch.body
        for node in ast.walk(statement)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            found.add(node.module)
    return {layer for name in found if (layer := _layer(name)) is not None}


def test_renderers_use_no_core_logic() -> None:
    for name, tree in _modules().items():
        if _layer(name) != "output":
            continue
        used = _runtime_imports(tree)
        assert used <= RENDER_MAY_USE, f"{name} imports core logic: {sorted(used - RENDER_MAY_USE)}"


def test_rich_is_imported_only_when_the_mode_is_rich() -> None:
    graph = _module_graph()
    importers = sorted(name for name, used in graph.items() if "cj_errors.output.rich_terminal" in used)
    assert importers == ["cj_errors.output"]
    output = _modules()["cj_errors.output"]
    top_level = {node.module for node in output.body if isinstance(node, ast.ImportFrom)}
    assert "cj_errors.output.rich_terminal" not in top_level  # Rich is imported only when the mode is Rich


def test_the_output_mode_is_looked_at_in_one_place() -> None:
    # output.renderer_for picks the renderer by the terminal's mode; nobody else branches on it.
    branching = []
    for name, tree in _modules().items():
        if name in ("cj_errors.output", "cj_errors.output.terminal"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(
                isinstance(side, ast.Attribute) and side.attr == "mode" for side in (node.left, *node.comparators)
            ):
                branching.append(f"{name}:{node.lineno}")
    assert branching == []
