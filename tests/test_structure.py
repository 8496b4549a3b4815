"""The package's structure rules, read from its source: one home per concern, one-way imports."""

from __future__ import annotations

import ast
from pathlib import Path

from cj_errors import inputs, limits

PACKAGE = Path(__file__).resolve().parent.parent / "cj_errors"


def _modules() -> dict[str, ast.Module]:
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
        if name != "cj_errors.limits"
        for node in ast.walk(tree)
        if _is_kib_arithmetic(node)
    ]
    assert written == [], f"name these sizes in cj_errors/limits.py: {written}"


def test_limits_are_named_for_what_they_bound() -> None:
    caps = {name: value for name, value in vars(limits).items() if name.isupper() and name not in ("KIB", "MIB")}
    assert caps["DOCUMENT_BYTES"] == caps["REQUEST_BODY_BYTES"] == 16 * 1024 * 1024
    assert all(isinstance(value, int) and value > 0 for value in caps.values())
    assert not any(name.startswith("MAX") for name in caps)  # the module is the "max"; the name says of what


def test_files_are_read_only_through_the_bounded_reader() -> None:
    """probe's -d @FILE and lookup's - read through inputs.read_bounded, not with their own open()/read()."""
    modules = _modules()
    for name in ("cj_errors.probe", "cj_errors.cli"):
        calls = {
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for node in ast.walk(modules[name])
            if isinstance(node, ast.Call)
        }
        assert not calls & {"open", "read", "read_bytes", "read_text"}, name
        assert "read_bounded" in calls, name
    assert inputs.read_bounded.__module__ == "cj_errors.inputs"


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

    from cj_errors import explanation, process, render
    from cj_errors.escaping import escaped
    from tests.conftest import cjerr_executable, clean_env

    tricky = "a\x1b[2J\u202eb"
    assert render._shown_source(tricky) == escaped(tricky) == "a\\x1b[2J\\u202eb"
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
    assert process.fail.__module__ == "cj_errors.process"


# --- one-way imports ----------------------------------------------------------------------------

RENDERERS = {"render", "render_rich", "render_auth", "render_webhook", "output"}
EDGES = {"cli", "cli_auth", "cli_webhook", "fastpath", "__main__"}
# What a renderer may import at run time: output plumbing, masking and escaping, and the code table's
# read-only queries (an entry's family, source titles and retry advice). Result types come in under
# TYPE_CHECKING only; the logic that decides what is printed stays in the core, on the results.
RENDER_MAY_USE = {"render", "terminal", "exits", "escaping", "redact", "model", "codes", "limits", "errors"}


def _runtime_imports(tree: ast.Module, package: str) -> set[str]:
    """The cj_errors modules ``tree`` imports at run time (at any depth), leaving out ``if TYPE_CHECKING:``."""
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
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level:
            found |= {f"{package}.{alias.name}" for alias in node.names}
    return {name.split(".")[1] for name in found if name.startswith("cj_errors.") and name.count(".") >= 1} | {
        name.split(".")[2] for name in found if name.startswith("cj_errors.mock.")
    }


def _imports_by_module() -> dict[str, set[str]]:
    graph = {}
    for name, tree in _modules().items():
        short = name.removeprefix("cj_errors.")
        graph[short] = _runtime_imports(tree, "cj_errors") - {short, "mock"}
    return graph


def test_renderers_use_no_core_logic() -> None:
    graph = _imports_by_module()
    known = {name for name in graph if "." not in name}
    for renderer in sorted(RENDERERS):
        used = graph[renderer] & known
        # The renderers print the auth and webhook text and documents those two modules write.
        allowed = (
            RENDER_MAY_USE | {"render_auth", "render_webhook"} | ({"render_rich"} if renderer == "output" else set())
        )
        assert used <= allowed, f"{renderer} imports core logic: {sorted(used - allowed)}"


def test_render_and_render_rich_no_longer_import_each_other() -> None:
    graph = _imports_by_module()
    assert "render_rich" not in graph["render"]
    assert "render" in graph["render_rich"]
    assert [name for name, used in graph.items() if "render_rich" in used] == ["output"]
    output = _modules()["cj_errors.output"]
    top_level = {node.module for node in output.body if isinstance(node, ast.ImportFrom)}
    assert "cj_errors.render_rich" not in top_level  # Rich is imported only when the mode is Rich


def test_core_modules_never_import_renderers_or_the_cli() -> None:
    graph = _imports_by_module()
    for name, used in sorted(graph.items()):
        if name in RENDERERS | EDGES or name.split(".")[0] in RENDERERS | EDGES:
            continue
        assert not used & (RENDERERS | EDGES), f"{name} imports {sorted(used & (RENDERERS | EDGES))}"


def test_the_output_mode_is_looked_at_in_one_place() -> None:
    # output.renderer_for picks the renderer by the terminal's mode; nobody else branches on it.
    branching = []
    for name, tree in _modules().items():
        if name in ("cj_errors.output", "cj_errors.terminal"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(
                isinstance(side, ast.Attribute) and side.attr == "mode" for side in (node.left, *node.comparators)
            ):
                branching.append(f"{name}:{node.lineno}")
    assert branching == []
