"""Fixtures of the browser tests: one real ``triage serve --demo`` (SQLite, the model under
test) for the whole module, Debian's Chromium driven by Playwright, a key of every kind.

Chromium comes from ``scripts/chromium`` (apt-get); Playwright only drives it (never run
``playwright install``). Without Chromium or Playwright the tests are skipped, saying why, and
fail instead when ``CI`` is set, so CI cannot go green without having run them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.helpers import Server, comments, spam_burst
from triage.service.auth import Role
from triage.service.moderation import create_key
from triage.service.store import Database, upgrade

#: Debian's Chromium (scripts/chromium installs it); $TRIAGE_TEST_CHROMIUM overrides the path.
CHROMIUM = Path(os.environ.get("TRIAGE_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
#: The channel the bulk-action test owns: a spam campaign and nothing else.
PROMO = "promo-d"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (skipped, or failed under CI, when it is not there)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.is_file():
        _unavailable(f"{CHROMIUM} is missing; scripts/chromium installs Debian's chromium")
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:  # any launch failure means "no browser here"
        pw.stop()
        _unavailable(f"{CHROMIUM} does not start: {exc}")
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)  # two shared cores: give the page time
    try:
        yield chromium
    finally:
        chromium.close()
        pw.stop()


@dataclass
class Site:
    """The running server, its database, and keys (tokens) by name."""

    url: str
    db_url: str
    keys: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}

    def get(self, who: str, path: str, **params: Any) -> Any:
        r = httpx.get(f"{self.url}{path}", params=params, headers=self.headers(who), timeout=30)
        assert r.status_code == 200, r.text
        return r.json() if r.headers["content-type"] == "application/json" else r.text

    def post(self, who: str, path: str, body: Any) -> httpx.Response:
        return httpx.post(f"{self.url}{path}", json=body, headers=self.headers(who), timeout=30)


@pytest.fixture(scope="session")
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, model_dir: Path
) -> Iterator[Site]:
    """``triage serve --demo`` (channels shop-a, cafe-b, telco-c) plus a spam campaign in
    promo-d; keys: admin (printed by --demo), alice and bob (shop-a), carol (cafe-b), score."""
    request.getfixturevalue("browser")  # no server is started when the tests cannot run
    work = tmp_path_factory.mktemp("web")
    db_url = f"sqlite:///{work / 'triage.db'}"
    upgrade(db_url)
    db = Database(db_url)
    keys = {
        "alice": create_key(db, Role.MODERATE, ["shop-a"], "alice")[1],
        "bob": create_key(db, Role.MODERATE, ["shop-a"], "bob")[1],
        "carol": create_key(db, Role.MODERATE, ["cafe-b"], "carol")[1],
        "score": create_key(db, Role.SCORE, [], "scorer")[1],
    }
    db.dispose()
    log = work / "server.log"
    server = Server(db_url, model_dir, log, "--demo")
    server.start()
    try:
        found = re.search(r"Admin key '([^']+)' \(shown once\): (trg_\S+)", log.read_text())
        assert found, log.read_text()
        keys["admin"] = found.group(2)
        s = Site(server.url, db_url, keys)
        body = {"channel": PROMO, "comments": spam_burst(6) + comments(2, "promo-ok")}
        assert s.post("admin", "/v1/comments", body).status_code == 200
        yield s
    finally:
        server.stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
