"""The layering of docs/architecture.md, read from the imports: each floor imports only the
floors below it, and production code (`ingestion`, `orchestration`) never imports the simulation
(`simulation`: demo data, rehearsal servers) or the command line (`cli`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.data import ROOT

# What each area may import, most specific prefix first: the floors of docs/architecture.md.
ALLOWED = {
    "ingestion": ("ingestion",),
    "simulation": ("ingestion", "simulation"),
    "orchestration.lib": ("ingestion", "orchestration.lib"),
    "orchestration.defs": ("ingestion", "orchestration.lib", "orchestration.defs"),
    "orchestration": ("ingestion", "orchestration"),
    "cli": ("ingestion", "orchestration", "simulation", "cli"),
}
PACKAGES = ("ingestion", "simulation", "orchestration", "cli")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def project_imports(path: Path) -> set[str]:
    """The project modules a file imports (at its top or inside a function)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] in (*PACKAGES, "tests")}


def area(module: str) -> str:
    return next(a for a in ALLOWED if module == a or module.startswith(a + "."))


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


SOURCES = sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def test_every_package_is_read():
    assert {module_name(p).split(".")[0] for p in SOURCES} == set(PACKAGES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_the_floors_below_it(path):
    module = module_name(path)
    allowed = ALLOWED[area(module)]

    upward = sorted(name for name in project_imports(path) if not within(name, allowed))

    assert not upward, f"{module} ({area(module)}) may import only {allowed}, not {upward}"
