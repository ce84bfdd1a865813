"""``triage evaluate``: metrics.json plus a self-contained HTML report whose plots render."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.training.helpers import rows, write_jsonl
from triage.cli import app

pytestmark = pytest.mark.slow


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.svgs: list[str] = []
        self.external: list[str] = []
        self.rects = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "svg":
            self.svgs.append(a.get("class") or "")
        if tag == "rect":
            self.rects += 1
        if tag in ("script", "img", "link") and (a.get("src") or a.get("href")):
            self.external.append(tag)


def test_evaluate_writes_metrics_and_html_with_plots(tmp_path: Path, trained: dict[str, Path]) -> None:
    data = write_jsonl(tmp_path / "test.jsonl", rows(3))
    out = tmp_path / "eval"
    result = CliRunner().invoke(app, ["evaluate", "--model", str(trained["good"]), "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "sentiment  es" in result.output
    metrics = json.loads((out / "metrics.json").read_text())
    sent = metrics["tasks"]["sentiment"]
    assert sum(map(sum, sent["all"]["confusion"])) == sent["all"]["n"] == len(rows(3))
    assert set(sent["per_lang"]) == {"en", "es"}
    assert {"precision", "recall", "f1"} <= set(sent["per_lang"]["es"]["per_label"]["neutral"])
    assert sent["all"]["calibration"]["bins"] and 0 <= sent["all"]["calibration"]["ece"] <= 1
    assert set(metrics["tasks"]["tags"]["all"]["per_label"]) == {"question", "complaint", "spam", "praise", "abuse"}

    page = (out / "report.html").read_text(encoding="utf-8")
    parsed = _Collect()
    parsed.feed(page)
    classes = " ".join(parsed.svgs).split()
    assert classes.count("confusion") == 6 and "f1bars" in classes and "reliability" in classes
    assert parsed.external == []  # self-contained

    if not (os.path.exists("/usr/bin/chromium") and _has_playwright()):
        pytest.skip("no headless Chromium: checked the HTML only")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            pg = browser.new_page()
            pg.goto((out / "report.html").as_uri())
            for cls in ("confusion", "f1bars", "reliability"):
                box = pg.locator(f"svg.{cls}").first.bounding_box()
                assert box and box["width"] > 100 and box["height"] > 100, cls
            assert pg.locator("svg.f1bars rect.bar").count() >= 2
            assert pg.locator("svg.reliability polyline.curve").count() >= 1
            assert pg.locator("svg.confusion rect.cell").count() == 9 + 5 * 4
        finally:
            browser.close()


def _has_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True
