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

Two rules of the page's scope (tracker/scope.py) too: every page is one shape, pages/<name>.py
calling `<name>.render(shell.frame("<name>"))` with its body in tracker/ui/pages/<name>.py; and
the UI passes the database explicitly, `path=` to every function of the package that takes one
(the domain's `path=None` default is for the command line and tests).
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


# --- every page one shape ---------------------------------------------------------------------


def _render_call(node: ast.stmt, name: str) -> bool:
    """Whether `node` is `<name>.render(shell.frame("<name>"))`."""
    match node:
        case ast.Expr(
            value=ast.Call(
                func=ast.Attribute(value=ast.Name(id=module), attr="render"),
                args=[
                    ast.Call(
                        func=ast.Attribute(value=ast.Name(id="shell"), attr="frame"),
                        args=[ast.Constant(value=key)],
                        keywords=[],
                    )
                ],
                keywords=[],
            )
        ):
            return module == name and key == name
    return False


def _page_imports(body: list[ast.stmt], name: str) -> bool:
    """Whether the imports are exactly the shell and the page's own body module."""
    imports = sorted(
        (node.module, alias.name, alias.asname)
        for node in body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    )
    plain = [node for node in body if isinstance(node, ast.Import)]
    return not plain and imports == sorted(
        [("tracker.ui", "shell", None), ("tracker.ui.pages", name, None)]
    )


def _has_render(root: Path, name: str) -> bool:
    """Whether tracker/ui/pages/<name>.py defines render(scope) at its top level."""
    body = root / "tracker" / "ui" / "pages" / f"{name}.py"
    if not body.is_file():
        return False
    tree = ast.parse(body.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.FunctionDef)
        and node.name == "render"
        and [a.arg for a in node.args.args] == ["scope"]
        for node in tree.body
    )


def _main_branch(tree: ast.Module) -> list[ast.stmt] | None:
    """The body of app.py's `if __name__ == "__main__":` (None without one)."""
    for node in tree.body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            return node.body
    return None


def page_shape_violations(root: Path) -> list[str]:
    """Pages that are more than `<name>.render(shell.frame("<name>"))` (app.py: its main
    branch, for tong_quan), or whose body module lacks render(scope)."""
    bad = []
    for page in sorted((root / "pages").glob("*.py")):
        name, tree = page.stem, ast.parse(page.read_text(encoding="utf-8"))
        body = tree.body[1:] if ast.get_docstring(tree) else tree.body
        code = [n for n in body if not isinstance(n, ast.Import | ast.ImportFrom)]
        if not (_page_imports(body, name) and len(code) == 1 and _render_call(code[0], name)):
            bad.append(f"pages/{page.name}: not {name}.render(shell.frame({name!r}))")
        if not _has_render(root, name):
            bad.append(f"tracker/ui/pages/{name}.py: no render(scope)")
    main = _main_branch(ast.parse((root / "app.py").read_text(encoding="utf-8")))
    if not (main and len(main) == 1 and _render_call(main[0], "tong_quan")):
        bad.append("app.py: its page is not tong_quan.render(shell.frame('tong_quan'))")
    if not _has_render(root, "tong_quan"):
        bad.append("tracker/ui/pages/tong_quan.py: no render(scope)")
    return bad


# --- the UI passes the database explicitly ----------------------------------------------------


def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    """A module's top-level functions by name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _module_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _callables(root: Path, tree: ast.Module) -> dict[str, tuple[str, str | None]]:
    """Local name -> (tracker module, function or None for the module itself), from the file's
    `from tracker… import …` and `import tracker… as …` statements."""
    named: dict[str, tuple[str, str | None]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tracker"):
            for alias in node.names:
                module = f"{node.module}.{alias.name}"
                local = alias.asname or alias.name
                if _module_file(root, module):
                    named[local] = (module, None)
                else:
                    named[local] = (node.module or "", alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("tracker") and alias.asname:
                    named[alias.asname] = (alias.name, None)
    return named


def _target(call: ast.Call, named: dict[str, tuple[str, str | None]]) -> tuple[str, str] | None:
    """(module, function) a call reaches through the file's tracker imports, if any."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        module, function = named.get(func.value.id, ("", "?"))
        return (module, func.attr) if module and function is None else None
    if isinstance(func, ast.Name) and func.id in named:
        module, function = named[func.id]
        return (module, function) if function else None
    return None


def _passes_path(call: ast.Call, defined: ast.FunctionDef) -> bool | None:
    """Whether the call gives `path` a value other than None; None when the function takes no
    `path`."""
    positional = [a.arg for a in defined.args.posonlyargs + defined.args.args]
    if "path" not in positional + [a.arg for a in defined.args.kwonlyargs]:
        return None
    given = next((k.value for k in call.keywords if k.arg == "path"), None)
    if (
        given is None
        and "path" in positional
        and not any(isinstance(a, ast.Starred) for a in call.args)
    ):
        index = positional.index("path")
        given = call.args[index] if index < len(call.args) else None
    return given is not None and not (isinstance(given, ast.Constant) and given.value is None)


def calls_without_path(root: Path) -> list[str]:
    """Calls from tracker/ui, pages/ and app.py to a domain function that takes `path` but is
    not given one (or is given None): each would read the default database, not the page's.
    (The UI's own functions take `path` without a default: Python refuses a call without it.)"""
    files = [
        *sorted((root / "tracker" / "ui").rglob("*.py")),
        *sorted((root / "pages").glob("*.py")),
    ]
    bad = []
    for file in [*files, root / "app.py"]:
        tree = ast.parse(file.read_text(encoding="utf-8"))
        named = _callables(root, tree)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            target = _target(call, named)
            if target is None or _layer(target[0]) not in DOMAIN:
                continue
            source = _module_file(root, target[0])
            defined = _functions(source).get(target[1]) if source else None
            if defined is not None and _passes_path(call, defined) is False:
                bad.append(f"{_rel(file, root)}:{call.lineno}: {ast.unparse(call.func)}()")
    return bad


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


def test_every_page_is_one_shape() -> None:
    bad = page_shape_violations(ROOT)
    assert not bad, "a page is more than render(shell.frame(…)):\n" + "\n".join(bad)


def test_the_ui_passes_the_database_to_every_call() -> None:
    bad = calls_without_path(ROOT)
    assert not bad, "a call from the UI without path= (the default database):\n" + "\n".join(bad)


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


def test_page_shape_guard_sees_a_page_with_a_body(tmp_path: Path) -> None:
    page = (
        '"""x."""\n\nimport streamlit as st\n\nfrom tracker.ui import shell\n'
        "from tracker.ui.pages import ke_hoach\n\n"
        'ke_hoach.render(shell.frame("ke_hoach"))\nst.caption("x")\n'
    )
    root = _seeded(tmp_path, ("pages/ke_hoach.py", page))
    assert page_shape_violations(root) == [
        "pages/ke_hoach.py: not ke_hoach.render(shell.frame('ke_hoach'))"
    ]


def test_page_shape_guard_sees_another_page_s_frame_and_a_missing_body(tmp_path: Path) -> None:
    page = (
        '"""x."""\n\nfrom tracker.ui import shell\nfrom tracker.ui.pages import seeded\n\n'
        'seeded.render(shell.frame("ke_hoach"))\n'
    )
    root = _seeded(tmp_path, ("pages/seeded.py", page))
    assert page_shape_violations(root) == [
        "pages/seeded.py: not seeded.render(shell.frame('seeded'))",
        "tracker/ui/pages/seeded.py: no render(scope)",
    ]


def test_path_guard_sees_a_call_without_path_and_one_given_none(tmp_path: Path) -> None:
    body = (
        '"""x."""\n\nfrom tracker.catalogue import plan\nfrom tracker.metrics.progress import '
        "task_groups\n\n\ndef f(path):\n    plan.units(path)\n    plan.unit_labels()\n"
        "    task_groups(path=None, year=2026)\n    plan.units(path=path)\n"
    )
    root = _seeded(tmp_path, ("tracker/ui/seeded.py", body))
    assert calls_without_path(root) == [
        "tracker/ui/seeded.py:9: plan.unit_labels()",
        "tracker/ui/seeded.py:10: task_groups()",
    ]
