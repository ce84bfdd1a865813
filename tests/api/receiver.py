"""A local webhook receiver for the alert tests: an HTTP server on a loopback port that records
every raw arrival and answers with the status codes it is told to."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Arrival:
    """One POST as it arrived, and what the receiver answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def event_id(self) -> str:
        return self.headers.get("x-triage-event-id", "")


@dataclass
class Receiver:
    """``answer(n)`` gives the status code of the n-th arrival (0-based); 200 by default."""

    url: str
    answer: Callable[[int], int] = lambda _: 200
    arrivals: list[Arrival] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self) -> list[Arrival]:
        """The arrivals it answered with a 2xx."""
        with self.lock:
            return [a for a in self.arrivals if 200 <= a.answered < 300]

    def wait_for(self, check: Callable[[Receiver], bool], timeout: float = 60.0) -> None:
        """Poll until ``check(self)`` holds (a generous limit, not a timing assertion)."""
        deadline = time.monotonic() + timeout
        while not check(self):
            if time.monotonic() > deadline:
                raise AssertionError(f"receiver: condition not met; {len(self.arrivals)} arrivals")
            time.sleep(0.05)


@contextmanager
def receiver(answer: Callable[[int], int] | None = None) -> Iterator[Receiver]:
    """A running receiver on 127.0.0.1 (stopped at the end)."""
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server API)
            rec = state["r"]
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with rec.lock:
                code = rec.answer(len(rec.arrivals))
                rec.arrivals.append(
                    Arrival(self.path, {k.lower(): v for k, v in self.headers.items()}, body, code)
                )
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["r"] = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hook")
    if answer is not None:
        state["r"].answer = answer
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["r"]
    finally:
        server.shutdown()
        server.server_close()
