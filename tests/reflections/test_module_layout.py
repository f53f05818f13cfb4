"""Reads do not depend on writes: reflections.selectors imports no service module."""

import ast
from pathlib import Path

import reflections


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names |= {f"{base}.{alias.name}" if not node.module else base for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def test_reflections_selectors_do_not_import_the_services():
    modules = imported_modules(Path(reflections.__file__).parent / "selectors.py")
    assert not {m for m in modules if m.endswith("services")}
