"""Builders for the API tests: comments, traffic with a spam burst, and a real server process."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from triage.service.store import Database
from triage.service.store.models import Base

PG_ENV = "TRIAGE_TEST_POSTGRES_URL"
#: Parameters of every database-backed test: PostgreSQL is skipped, saying why, without PG_ENV.
BACKENDS: list[object] = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(
            not os.environ.get(PG_ENV),
            reason=f"{PG_ENV} is not set (scripts/postgres start prints one)",
        ),
    ),
]

NORMAL = [
    "Where is my order? I paid a week ago and still nothing",
    "Love this dress, the colour is perfect!",
    "Do you ship to Hanoi? How much is delivery?",
    "Terrible quality, it broke after two days. I want a refund",
    "Thanks for the quick reply, all sorted now",
    "Đặt hàng 10 ngày rồi mà vẫn chưa thấy giao",
    "¿Tienen esta camiseta en talla M?",
    "Produsul a ajuns rapid, mulțumesc!",
    "سلام، خیلی ممنون از پشتیبانی خوبتون",
    "Is the shop open on Sunday?",
    "Worst customer service ever, nobody answers the phone",
    "nice",
]


def comments(n: int, prefix: str = "c", *, start: datetime | None = None) -> list[dict[str, Any]]:
    """``n`` ingest items with distinct external ids, authors and times, cycling through NORMAL."""
    start = start or datetime(2026, 11, 1, tzinfo=UTC)
    return [
        {
            "external_id": f"{prefix}{i}",
            "text": f"{NORMAL[i % len(NORMAL)]} #{i}",
            "author": f"user{i}",
            "created_at": (start + timedelta(minutes=i)).isoformat(),
        }
        for i in range(n)
    ]


SPAM_TEMPLATE = "🔥 Earn ${n} a day working from home!! DM me or visit {link} {emoji}"


def spam_burst(n: int, seed: int = 0, *, start: datetime | None = None) -> list[dict[str, Any]]:
    """Near-identical spam from ``n`` authors: other amounts, links and emoji, a typo or two."""
    rng = random.Random(seed)
    start = start or datetime(2026, 11, 1, 12, tzinfo=UTC)
    out = []
    for i in range(n):
        text = SPAM_TEMPLATE.format(
            n=rng.choice([300, 500, 800, 1200]),
            link=rng.choice(
                ["http://bit.ly/x1", "https://tinyurl.com/q9z", "www.easy-cash.biz/go"]
            ),
            emoji=rng.choice(["💰", "🤑🤑", "", "✅"]),
        )
        if rng.random() < 0.5:  # a small edit
            pos = rng.randrange(10, len(text) - 10)
            text = text[:pos] + text[pos + 1 :]
        out.append(
            {
                "external_id": f"spam{seed}-{i}",
                "text": text,
                "author": f"bot{seed}-{i}",
                "created_at": (start + timedelta(minutes=3 * i)).isoformat(),
            }
        )
    return out


def empty_database(url: str) -> None:
    """Delete every row of every triage table (PostgreSQL: one TRUNCATE; ids restart)."""
    db = Database(url)
    try:
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        db.dispose()


def fresh_url(backend: str, request: pytest.FixtureRequest, directory: Path) -> str:
    """An empty, migrated database of ``backend`` (``sqlite`` or ``postgres``)."""
    if backend == "sqlite":
        target = directory / "triage.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    empty_database(url)
    return url


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``triage serve`` in a subprocess on a free loopback port."""

    def __init__(
        self,
        db_url: str,
        model_dir: Path,
        log: Path,
        *args: str,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.db_url, self.model_dir, self.log, self.args = db_url, model_dir, log, list(args)
        self.env = {**os.environ, **(extra_env or {})}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and wait until /readyz answers 200."""
        cmd = [
            sys.executable,
            "-c",
            "from triage.cli import main; main()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--db",
            self.db_url,
            "--model",
            str(self.model_dir),
            *self.args,
        ]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}"
                )
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server not ready after {timeout}s:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not exit."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running_server(db_url: str, model_dir: Path, log: Path, *args: str) -> Iterator[Server]:
    """A started server (``args`` go to ``triage serve``), stopped at the end."""
    server = Server(db_url, model_dir, log, *args)
    server.start()
    try:
        yield server
    finally:
        server.stop()
