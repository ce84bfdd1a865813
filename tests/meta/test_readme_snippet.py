"""The README's Python snippet runs and prints what the README says it prints (issue #12, item 18:
the README drifted from the code; now a changed answer fails here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.slow


def _snippet() -> tuple[str, str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme, flags=re.S)
    assert code, "README has no python snippet"
    claimed = re.search(r"^r\.priority\.queue, r\.priority\.value, r\.priority\.reasons\s+# (.*)$", code.group(1), re.M)
    assert claimed, "the snippet's answer comment is missing"
    return code.group(1), claimed.group(1)


def test_readme_python_snippet_prints_what_the_readme_says() -> None:
    code, claimed = _snippet()
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    r = namespace["r"]
    want = re.match(r"\(<Queue\.(\w+): '(\w+)'>, (\d+), \('([^']+)'", claimed)
    assert want, claimed
    assert r.priority.queue.value == want.group(2)
    assert abs(r.priority.value - int(want.group(3))) <= 2, r.priority.value
    assert r.priority.reasons[0] == want.group(4), r.priority.reasons
    assert set(namespace["r"].to_record()) >= {"p_urgent", "p_abuse", "queue", "priority"}
