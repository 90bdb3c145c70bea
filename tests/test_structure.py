"""The house stays as the README's layout says: no import cycles between Pilar's modules, no
underscore name imported from another module, no module over 600 lines, the runtime package
never imports the test helpers, and the core imports without the app or the model extras."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipeline"
MAX_LINES = 600


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def owner(name: str) -> str | None:
    """The module of ``pipeline.a.b.name``: the longest prefix that is a module."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def runtime_imports(path: Path) -> list[tuple[str, str]]:
    """(module, imported name) of every ``pipeline`` import outside ``if TYPE_CHECKING:``,
    in-function imports included; ``name`` is '' for ``import pipeline.x``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base.startswith("pipeline"):
                found += [(base, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names if a.name.startswith("pipeline")]
    return found


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for base, name in runtime_imports(path):
            target = owner(f"{base}.{name}") if f"{base}.{name}" in MODULES else owner(base)
            if target and target != module:
                edges[module].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_private_name_is_imported_from_another_module() -> None:
    private = [
        f"{module} imports {name} from {base}"
        for module, path in MODULES.items()
        for base, name in runtime_imports(path)
        if name.startswith("_") and not name.startswith("__") and owner(base) != module
    ]
    assert private == []


def test_no_module_is_over_600_lines() -> None:
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_runtime_code_never_imports_the_test_helpers() -> None:
    users = [
        m
        for m, targets in graph().items()
        if not m.startswith("pipeline.testing")
        and any(t.startswith("pipeline.testing") for t in targets)
    ]
    assert users == []


def test_the_app_launcher_is_short() -> None:
    assert len((ROOT / "app.py").read_text().splitlines()) <= 150


@pytest.mark.parametrize(
    "module", ["pipeline.index", "pipeline.verify", "pipeline.draft", "pipeline.cli"]
)
def test_the_core_imports_without_the_app_or_the_model_backends(module: str) -> None:
    """Importing a core module loads neither gradio nor llama.cpp (they are extras)."""
    code = (
        f"import sys, {module}\n"
        "heavy = [m for m in ('gradio', 'llama_cpp', 'ray', 'torch') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == ""
