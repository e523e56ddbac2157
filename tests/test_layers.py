"""The package's layers, enforced on the source: who may import streamlit and duckdb, which
layers may depend on which, no import cycle between modules or between packages, and the size
limits of modules and pages.

Parsed with `ast` (nothing is imported), so a violation is reported even in a module no other
test loads. Every import counts: at module level, inside a function, under TYPE_CHECKING. Each
guard takes the folder it checks; its companion plants one violation in a copy of the sources
(tests/seeded.py) and expects exactly that one to be reported.

The layers, bottom up (README "Folders"):
- foundation: the modules directly in tracker/ (settings, text, roles, problems, csvsafe,
  filesafety), which import only each other;
- tracker/store: the database (the only importer of duckdb);
- the domain packages: catalogue, accounts, ingest, metrics, exports and city (issue 34), in any
  order but without a circle between them;
- tracker/ui (the only importer of streamlit, with pages/ and app.py) and tracker/tools.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.seeded import plant, source_copy

DOMAIN = ("catalogue", "ingest", "metrics", "exports", "accounts", "city")
MAX_MODULE_LINES = 600
MAX_PAGE_LINES = 100


# --- reading the sources ------------------------------------------------------------------------


def _sources(root: Path) -> list[Path]:
    files = [*sorted((root / "tracker").rglob("*.py")), *sorted((root / "pages").glob("*.py"))]
    return [*files, root / "app.py"]


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The imported module of a `from … import` (relative ones resolved against `module`)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(path: Path, root: Path) -> Iterator[str]:
    """Every module `path` imports, anywhere in the file (`from a import b` yields a.b too: b
    may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module, is_package = _module_name(path, root), path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _layer(module: str) -> str:
    """'foundation', 'store', a domain package's name, 'ui', 'tools', or 'entry' (app, pages,
    tracker/__main__)."""
    parts = module.split(".")
    if parts[0] != "tracker" or module == "tracker.__main__":
        return "entry"
    if len(parts) == 1:
        return "foundation"
    name = parts[1]
    if name in ("store", "ui", "tools", *DOMAIN):
        return name
    return "foundation"  # a module directly in tracker/


# --- the guards ------------------------------------------------------------------------------


def streamlit_outside_the_ui(root: Path) -> list[str]:
    bad = []
    for path in _sources(root):
        rel = _rel(path, root)
        if rel.startswith(("tracker/ui/", "pages/")) or rel == "app.py":
            continue
        for name in _imports(path, root):
            if _under(name, "streamlit"):
                bad.append(f"{rel}: {name}")
    return bad


def duckdb_outside_the_store(root: Path) -> list[str]:
    return [
        f"{_rel(path, root)}: {name}"
        for path in _sources(root)
        if not _rel(path, root).startswith("tracker/store/")
        for name in _imports(path, root)
        if _under(name, "duckdb")
    ]


# Which layers each layer may import (besides itself).
MAY_IMPORT = {
    "foundation": {"foundation"},
    "store": {"foundation"},
    **{d: {"foundation", "store", *DOMAIN} for d in DOMAIN},
    # The UI calls domain functions, never the store (its cache: tracker/metrics/cache.py).
    "ui": {"foundation", *DOMAIN},
    "tools": {"foundation", "store", "ui", *DOMAIN},
    "entry": {"foundation", "ui", "tools", *DOMAIN},
}


def layer_violations(root: Path) -> list[str]:
    """Imports of a tracker module from a layer above the importer's."""
    bad = []
    for path in _sources(root):
        module = _module_name(path, root)
        layer = _layer(module)
        for name in _imports(path, root):
            if not _under(name, "tracker") or name == "tracker":
                continue
            target = _layer(name)
            if target != layer and target not in MAY_IMPORT[layer]:
                bad.append(f"{_rel(path, root)} ({layer}) → {name} ({target})")
    return bad


def _graph(root: Path) -> dict[str, set[str]]:
    """Imports between tracker modules, every import form counted."""
    paths = {
        _module_name(p, root): p for p in _sources(root) if _rel(p, root).startswith("tracker/")
    }
    return {
        name: {m for m in _imports(path, root) if m in paths and m != name}
        for name, path in paths.items()
    }


def _package(module: str) -> str:
    """tracker.ingest.reader.progress -> tracker.ingest; tracker.settings stays itself."""
    return ".".join(module.split(".")[:2])


def _package_graph(root: Path) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, targets in _graph(root).items():
        package = _package(module)
        graph.setdefault(package, set())
        graph[package] |= {_package(t) for t in targets if _package(t) != package}
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, …, a], or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in sorted(graph):
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
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
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def module_cycle(root: Path) -> list[str] | None:
    return _find_cycle(_graph(root))


def package_cycle(root: Path) -> list[str] | None:
    return _find_cycle(_package_graph(root))


def _too_long(paths: list[Path], root: Path, limit: int) -> list[str]:
    counts = {_rel(p, root): len(p.read_text(encoding="utf-8").splitlines()) for p in paths}
    return [f"{name}: {n} lines" for name, n in counts.items() if n > limit]


def long_modules(root: Path) -> list[str]:
    return _too_long(sorted((root / "tracker").rglob("*.py")), root, MAX_MODULE_LINES)


def long_pages(root: Path) -> list[str]:
    return _too_long(sorted((root / "pages").glob("*.py")), root, MAX_PAGE_LINES)


def _lacks_docstring(path: Path) -> bool:
    return path.name != "__init__.py" and not ast.get_docstring(ast.parse(path.read_text("utf-8")))


def missing_docstrings(root: Path) -> list[str]:
    return [_rel(path, root) for path in _sources(root) if _lacks_docstring(path)]


# --- the repository keeps them -------------------------------------------------------------------


def test_only_the_ui_imports_streamlit() -> None:
    bad = streamlit_outside_the_ui(ROOT)
    assert not bad, "streamlit outside tracker/ui, pages/ and app.py:\n" + "\n".join(bad)


def test_only_the_store_imports_duckdb() -> None:
    bad = duckdb_outside_the_store(ROOT)
    assert not bad, "duckdb outside tracker/store:\n" + "\n".join(bad)


def test_every_import_respects_the_layers() -> None:
    bad = layer_violations(ROOT)
    assert not bad, "an import reaches a higher layer:\n" + "\n".join(bad)


def test_find_cycle_reports_one() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_tracker_has_no_module_cycle() -> None:
    cycle = module_cycle(ROOT)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_tracker_has_no_package_cycle() -> None:
    cycle = package_cycle(ROOT)
    assert cycle is None, "package cycle: " + " → ".join(cycle or [])


def test_no_tracker_module_over_the_limit() -> None:
    long = long_modules(ROOT)
    assert not long, f"over {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def test_no_page_over_the_limit() -> None:
    long = long_pages(ROOT)
    assert not long, f"over {MAX_PAGE_LINES} lines:\n" + "\n".join(long)


@pytest.mark.parametrize("path", _sources(ROOT), ids=lambda p: _rel(p, ROOT))
def test_every_module_has_a_docstring(path: Path) -> None:
    assert not _lacks_docstring(path), _rel(path, ROOT)


# --- each guard fails on a planted violation -------------------------------------------------------


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the sources, checked clean once; each companion plants in its own copy."""
    return source_copy(tmp_path_factory.mktemp("pristine"))


def _seeded(tmp_path: Path, *files: tuple[str, str]) -> Path:
    root = source_copy(tmp_path)
    for relative, text in files:
        plant(root, relative, text)
    return root


def test_streamlit_guard_sees_a_function_level_import(tmp_path: Path) -> None:
    root = _seeded(
        tmp_path, ("tracker/metrics/seeded.py", '"""x."""\n\ndef f():\n    import streamlit\n')
    )
    assert streamlit_outside_the_ui(root) == ["tracker/metrics/seeded.py: streamlit"]


def test_duckdb_guard_sees_a_from_import(tmp_path: Path) -> None:
    root = _seeded(
        tmp_path, ("tracker/exports/seeded.py", '"""x."""\nfrom duckdb import connect\n')
    )
    assert duckdb_outside_the_store(root) == [
        "tracker/exports/seeded.py: duckdb",
        "tracker/exports/seeded.py: duckdb.connect",
    ]


@pytest.mark.parametrize(
    ("relative", "text", "reported"),
    [
        (
            "tracker/ingest/seeded.py",
            '"""x."""\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n'
            "    from tracker.ui import display\n",
            "tracker/ingest/seeded.py (ingest) → tracker.ui (ui)",
        ),
        (
            "tracker/store/seeded.py",
            '"""x."""\n\ndef f():\n    from tracker.metrics import progress\n',
            "tracker/store/seeded.py (store) → tracker.metrics (metrics)",
        ),
        (
            "tracker/seeded.py",
            '"""x."""\nfrom tracker.store import db\n',
            "tracker/seeded.py (foundation) → tracker.store (store)",
        ),
        (
            "tracker/ui/seeded.py",
            '"""x."""\nfrom tracker.tools import demo\n',
            "tracker/ui/seeded.py (ui) → tracker.tools (tools)",
        ),
        (
            "tracker/ui/seeded.py",
            '"""x."""\n\ndef f():\n    from tracker.store import db\n',
            "tracker/ui/seeded.py (ui) → tracker.store (store)",
        ),
    ],
    ids=["domain→ui", "store→domain", "foundation→store", "ui→tools", "ui→store"],
)
def test_layer_guard_sees_an_upward_import(
    tmp_path: Path, relative: str, text: str, reported: str
) -> None:
    assert reported in layer_violations(_seeded(tmp_path, (relative, text)))


def test_the_copy_itself_is_clean(pristine: Path) -> None:
    """The companions' reports come from what they plant, not from the copy."""
    assert layer_violations(pristine) == []
    assert module_cycle(pristine) is None and package_cycle(pristine) is None


def test_cycle_guard_sees_function_level_and_type_checking_imports(tmp_path: Path) -> None:
    root = _seeded(
        tmp_path,
        (
            "tracker/ingest/seeded_a.py",
            '"""x."""\n\ndef f():\n    from tracker.ingest import seeded_b\n',
        ),
        (
            "tracker/ingest/seeded_b.py",
            '"""x."""\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n'
            "    from tracker.ingest import seeded_a\n",
        ),
    )
    cycle = module_cycle(root)
    assert cycle is not None and set(cycle) == {
        "tracker.ingest.seeded_a",
        "tracker.ingest.seeded_b",
    }


def test_package_cycle_guard_sees_a_circle_between_domain_packages(tmp_path: Path) -> None:
    # exports already imports catalogue; catalogue importing exports closes a circle.
    root = _seeded(
        tmp_path,
        (
            "tracker/catalogue/seeded.py",
            '"""x."""\n\ndef f():\n    from tracker.exports import tables\n',
        ),
    )
    cycle = package_cycle(root)
    assert cycle is not None and {"tracker.catalogue", "tracker.exports"} <= set(cycle)
    assert module_cycle(root) is None  # a circle only between packages


def test_size_guards_see_a_long_module_and_page(tmp_path: Path) -> None:
    body = '"""x."""\n' + "x = 1\n" * MAX_MODULE_LINES
    page = '"""x."""\n' + "x = 1\n" * MAX_PAGE_LINES
    root = _seeded(tmp_path, ("tracker/metrics/seeded.py", body), ("pages/seeded.py", page))
    assert long_modules(root) == [f"tracker/metrics/seeded.py: {MAX_MODULE_LINES + 1} lines"]
    assert long_pages(root) == [f"pages/seeded.py: {MAX_PAGE_LINES + 1} lines"]


def test_docstring_guard_sees_a_module_without_one(tmp_path: Path) -> None:
    root = _seeded(tmp_path, ("tracker/metrics/seeded.py", "x = 1\n"))
    assert missing_docstrings(root) == ["tracker/metrics/seeded.py"]
