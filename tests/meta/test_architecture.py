"""The rule of direction (docs/architecture.md), checked on the import graph of the package.

cli -> batch -> service -> training -> pipeline -> base (types, errors, paths); ``formats`` (file
readers and writers) sits beside ``pipeline`` and imports only ``base``. A module may import its
own part and the parts below it, never a part above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import triage

ROOT = Path(triage.__file__).resolve().parent
#: Each part and the parts it may import (besides itself).
ALLOWED = {
    "base": set(),
    "formats": {"base"},
    "pipeline": {"base"},
    "training": {"pipeline", "formats", "base"},
    "service": {"training", "pipeline", "formats", "base"},
    "batch": {"service", "training", "pipeline", "formats", "base"},
    "cli": {"batch", "service", "training", "pipeline", "formats", "base"},
}


def part(module: str) -> str:
    """``triage.service.api.app`` -> ``service``; the package's own top modules and names -> ``base``."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 and pieces[1] in ALLOWED else "base"


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "triage":
                found += [(node.lineno, f"triage.{a.name}") for a in node.names]
            elif node.module.startswith("triage."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("triage.")]
    return found


def violations() -> list[str]:
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        here = part(module_name(path))
        for line, target in imports(path):
            there = part(target)
            if there != here and there not in ALLOWED[here]:
                bad.append(f"{path.relative_to(ROOT.parent)}:{line}: {here} imports {target} ({there})")
    return bad


def test_every_import_points_down() -> None:
    assert violations() == []


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    upward = ROOT / "pipeline" / "_upward_probe.py"
    upward.write_text("from triage.service.moderation import ingest\n", encoding="utf-8")
    try:
        found = violations()
    finally:
        upward.unlink()
    assert found == ["triage/pipeline/_upward_probe.py:1: pipeline imports triage.service.moderation (service)"]


def test_the_parts_are_the_documented_ones() -> None:
    doc = (ROOT.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    modules = {p.stem for p in ROOT.glob("*.py")}
    assert packages == {"pipeline", "training", "service", "batch", "formats"}  # each one a part
    assert modules == {"__init__", "cli", "errors", "paths", "types"}  # nothing else loose at the top
    for name in packages:
        assert f"triage/{name}/" in doc, name
