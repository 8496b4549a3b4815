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
