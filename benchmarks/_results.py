"""Writing a benchmark's results: ``<out>.json`` (the figures) and ``<out>.md`` (the table the
README quotes), and the table printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_results(out: Path, res: dict[str, Any], lines: list[str]) -> None:
    """Write ``res`` to ``out.json`` and ``lines`` to ``out.md`` (folders made), then print the lines."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
