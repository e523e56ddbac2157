"""The package's layers, enforced on the source: who may import streamlit and duckdb, which
packages may depend on which, no import cycle, and the size limits of modules and pages.

Parsed with `ast` (nothing is imported), so a violation is reported even in a module no other
test loads.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOMAIN = ("catalogue", "ingest", "metrics", "exports", "accounts", "store")
# bench.py drives the pages through streamlit.testing to time them: a tool, not a UI module.
STREAMLIT_EXCEPTIONS = {"tracker/tools/bench.py": "streamlit.testing"}
MAX_MODULE_LINES = 600
MAX_PAGE_LINES = 100


def _sources() -> list[Path]:
    files = [*sorted((ROOT / "tracker").rglob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]
    return [*files, ROOT / "app.py"]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The imported module of a `from … import` (relative ones resolved against `module`)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(path: Path, module_level: bool = False) -> Iterator[str]:
    """Every module `path` imports (`from a import b` yields a.b too: b may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    nodes = tree.body if module_level else ast.walk(tree)
    module, is_package = _module_name(path), path.name == "__init__.py"
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_only_the_ui_imports_streamlit() -> None:
    bad = []
    for path in _sources():
        rel = _rel(path)
        if rel.startswith(("tracker/ui/", "pages/")) or rel == "app.py":
            continue
        allowed = STREAMLIT_EXCEPTIONS.get(rel)
        for name in _imports(path):
            if _under(name, "streamlit") and not (allowed and _under(name, allowed)):
                bad.append(f"{rel}: {name}")
    assert not bad, "streamlit outside tracker/ui, pages/ and app.py:\n" + "\n".join(bad)


def test_only_the_store_imports_duckdb() -> None:
    bad = [
        f"{_rel(path)}: {name}"
        for path in _sources()
        if not _rel(path).startswith("tracker/store/")
        for name in _imports(path)
        if _under(name, "duckdb")
    ]
    assert not bad, "duckdb outside tracker/store:\n" + "\n".join(bad)


def test_domain_packages_do_not_import_ui_or_tools() -> None:
    bad = [
        f"{_rel(path)}: {name}"
        for path in _sources()
        if _rel(path).startswith(tuple(f"tracker/{p}/" for p in DOMAIN))
        for name in _imports(path)
        if _under(name, "tracker.ui") or _under(name, "tracker.tools")
    ]
    assert not bad, "a domain package imports the UI or the tools:\n" + "\n".join(bad)


# The store is the bottom layer: it may lean only on the foundation modules beside it.
STORE_MAY_IMPORT = ("tracker.store", "tracker.settings", "tracker.text")


def test_the_store_depends_on_nothing_above_it() -> None:
    bad = [
        f"{_rel(path)}: {name}"
        for path in _sources()
        if _rel(path).startswith("tracker/store/")
        for name in _imports(path)
        if _under(name, "tracker") and name != "tracker"
        if not any(_under(name, allowed) for allowed in STORE_MAY_IMPORT)
    ]
    assert not bad, "tracker/store imports a higher layer:\n" + "\n".join(bad)


def _graph() -> dict[str, set[str]]:
    """Module-level imports between tracker modules (the ones that run at import time)."""
    modules = {_module_name(p): p for p in _sources() if _rel(p).startswith("tracker/")}
    return {
        name: {m for m in _imports(path, module_level=True) if m in modules and m != name}
        for name, path in modules.items()
    }


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, …, a], or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in sorted(graph):
        if state.get(root):
            continue
        path, stack = [root], [iter(sorted(graph[root]))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return None


def test_find_cycle_reports_one() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_tracker_has_no_import_cycle() -> None:
    cycle = _find_cycle(_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def _too_long(paths: list[Path], limit: int) -> list[str]:
    counts = {_rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in paths}
    return [f"{name}: {n} lines" for name, n in counts.items() if n > limit]


def test_no_tracker_module_over_the_limit() -> None:
    long = _too_long(sorted((ROOT / "tracker").rglob("*.py")), MAX_MODULE_LINES)
    assert not long, f"over {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def test_no_page_over_the_limit() -> None:
    long = _too_long(sorted((ROOT / "pages").glob("*.py")), MAX_PAGE_LINES)
    assert not long, f"over {MAX_PAGE_LINES} lines:\n" + "\n".join(long)


@pytest.mark.parametrize("path", _sources(), ids=_rel)
def test_every_module_has_a_docstring(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree) or path.name == "__init__.py", _rel(path)
