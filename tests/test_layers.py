"""The house's floors (pyproject.toml, [tool.importlinter]): imports only run downward.

Every import of every production module is read with `ast` — at the top, inside functions and
under TYPE_CHECKING alike — and held against the layer list written once in pyproject.toml.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _floors() -> tuple[list[str], dict[str, tuple[int, frozenset[str]]]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    floor_of: dict[str, tuple[int, frozenset[str]]] = {}
    for depth, layer in enumerate(contract["layers"]):
        siblings = frozenset(name.strip() for name in layer.split("|"))
        for name in siblings:
            floor_of[name] = (depth, siblings - {name})
    return config["root_packages"], floor_of


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _violations(package_dirs: list[str], floor_of: dict[str, tuple[int, frozenset[str]]]) -> list[str]:
    bad = []
    for package in package_dirs:
        depth, siblings = floor_of[package]
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, module in _imports(path):
                top = module.split(".")[0]
                where = f"{path.relative_to(ROOT)}:{line} imports {module}"
                if top in ("tests", "bench"):
                    bad.append(f"{where} (test and benchmark code is never imported by the product)")
                elif top in floor_of and top != package:
                    other_depth, _ = floor_of[top]
                    if other_depth < depth:
                        bad.append(f"{where} (a higher floor)")
                    elif top in siblings:
                        bad.append(f"{where} (a sibling on the same floor)")
    return bad


def test_every_production_package_stands_on_a_floor():
    packages, floor_of = _floors()
    assert set(packages) == set(floor_of)
    on_disk = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert on_disk == set(packages), "a new package needs its floor in pyproject.toml"


def test_imports_only_run_down_the_floors():
    packages, floor_of = _floors()
    assert _violations(packages, floor_of) == []


def test_the_check_catches_an_import_from_above(tmp_path, monkeypatch):
    """The checker itself: a lower floor that imports a higher one, or a sibling, is reported."""
    for name, source in {
        "low": "from high.views import x\n",
        "high": "import low\n",
        "left": "from right import y\n",
        "right": "",
    }.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(source)
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    floor_of = {"high": (0, frozenset()), "left": (1, frozenset({"right"})), "right": (1, frozenset({"left"})),
                "low": (2, frozenset())}  # fmt: skip
    bad = _violations(["high", "left", "right", "low"], floor_of)
    assert bad == ["left/__init__.py:1 imports right (a sibling on the same floor)",
                   "low/__init__.py:1 imports high.views (a higher floor)"]  # fmt: skip
