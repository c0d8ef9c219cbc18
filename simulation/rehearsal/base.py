"""What the rehearsal servers share: a threaded HTTP server on 127.0.0.1, the faults it answers
some requests with, and a log of what it was asked.

A fault replaces or spoils the answer a request would have had:
- a status with a body and headers (429 with `Retry-After` or `RateLimit`, a 5xx, an HTML
  error page, a truncated body sent as if whole);
- `delay`: the real answer, late (a slow server);
- `cut_after`: the real answer's headers and the first bytes of its body, then the connection
  is reset (a connection reset in the middle of a page).

Which requests get one: `fail_next(*faults)` queues faults for the next API requests, in
order; a `FaultRule` in `plan` faults the requests whose path and query contain its `match`,
after letting `after` of them through, `times` times (per distinct URL with `per_url`: "the
first request of every URL"). Nothing is mocked on the client side: the clients talk HTTP to
these servers exactly as to the real APIs.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlparse


@dataclass(frozen=True)
class Fault:
    """What the server answers instead: `status` (None: the real answer, late or cut)."""

    status: int | None = None
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0
    cut_after: int | None = None

    @classmethod
    def rate_limited(cls, seconds: int = 1, style: str = "retry-after") -> Fault:
        """A 429 that says how long to wait, as `Retry-After: N` (`retry-after`), as the Hub's
        `RateLimit: "api";r=0;t=N` (`ratelimit`), or as the older draft's
        `RateLimit: limit=500, remaining=0, reset=N` (`reset`)."""
        headers = {
            "retry-after": {"Retry-After": str(seconds)},
            "ratelimit": {
                "RateLimit": f'"api";r=0;t={seconds}',
                "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
            },
            "reset": {"RateLimit": f"limit=500, remaining=0, reset={seconds}"},
        }[style]
        return cls(429, b'{"error": "rate limited"}', headers)

    @classmethod
    def server_error(cls, status: int = 503, retry_after: int | None = None) -> Fault:
        """A 5xx, saying how long to wait (`Retry-After`) or not."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return cls(status, b'{"error": "internal error"}', headers)

    @classmethod
    def html_page(cls, status: int = 502) -> Fault:
        page = f"<html><body><h1>{status} Bad Gateway</h1><p>cloudflare</p></body></html>"
        return cls(status, page.encode(), content_type="text/html")

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        return cls(delay=seconds)

    @classmethod
    def reset_mid_body(cls, after_bytes: int = 64) -> Fault:
        return cls(cut_after=after_bytes)

    def describe(self) -> str:
        if self.cut_after is not None:
            return f"connection reset after {self.cut_after} bytes of the body"
        if self.status is None:
            return f"answer {self.delay:g} s late"
        said = ", ".join(f"{k}: {v}" for k, v in self.headers.items())
        return f"HTTP {self.status} ({self.content_type}{'; ' + said if said else ''})"


@dataclass
class FaultRule:
    """Fault the requests whose path and query contain `match`: let `after` through, then
    fault `times` of them; with `per_url`, count each distinct URL on its own.

    Every rule counts every request it matches. When two rules are due on one request the
    first in the plan faults it, and the other faults its next matching request: no fault of
    a plan is lost, it only comes a request later."""

    fault: Fault
    match: str = ""
    after: int = 0
    times: int = 1
    per_url: bool = False
    _seen: Counter[str] = field(default_factory=Counter, repr=False)
    _due: Counter[str] = field(default_factory=Counter, repr=False)

    def count(self, path: str) -> None:
        if self.match in path:
            key = path if self.per_url else ""
            self._seen[key] += 1
            if self.after < self._seen[key] <= self.after + self.times:
                self._due[key] += 1

    def take(self, path: str) -> bool:
        """Whether this request gets the fault (counted first with `count`)."""
        key = path if self.per_url else ""
        if self.match not in path or self._due[key] == 0:
            return False
        self._due[key] -= 1
        return True


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


@dataclass(frozen=True)
class Seen:
    """One request the server answered: when, what, with which credentials, and the fault."""

    at: float  # time.monotonic()
    path: str
    authorization: str | None
    fault: Fault | None


class LocalServer:
    """A server on 127.0.0.1 (port 0: any free one). Subclasses say which paths are API
    paths (`is_api`), the only ones faults apply to, and how they are answered (`answer`)."""

    def __init__(self, port: int = 0) -> None:
        self.faults: deque[Fault] = deque()
        self.plan: list[FaultRule] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        # `stop` waits for the serving loop's next look at its flag: a twentieth of a second,
        # not the default half (a test starts and stops a server each).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[str]:
        """The paths (with their query) asked for, in order."""
        return [seen.path for seen in self.seen]

    @property
    def authorizations(self) -> list[str | None]:
        """The `Authorization` header of each API request (None where there was none)."""
        return [seen.authorization for seen in self.seen if self.is_api(urlparse(seen.path).path)]

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """No faults queued or planned, no request seen."""
        with self._lock:
            self.faults.clear()
            self.plan = []
            self.seen.clear()

    def fail_next(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def follow(self, rules: Iterable[FaultRule]) -> None:
        with self._lock:
            self.plan.extend(rules)

    def is_api(self, path: str) -> bool:
        raise NotImplementedError

    def answer(self, path: str, query: str, headers: Mapping[str, str]) -> Reply:
        raise NotImplementedError

    def _fault_for(self, path_and_query: str, authorization: str | None) -> Fault | None:
        with self._lock:
            fault = None
            if self.is_api(urlparse(path_and_query).path):
                if self.faults:
                    fault = self.faults.popleft()
                for rule in self.plan:
                    rule.count(path_and_query)
                for rule in self.plan:
                    if fault is None and rule.take(path_and_query):
                        fault = rule.fault
            self.seen.append(Seen(time.monotonic(), path_and_query, authorization, fault))
            return fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet: no request lines on stderr
                pass

            def do_HEAD(self) -> None:
                self.send(Reply(404, b""))

            def do_GET(self) -> None:
                fault = server._fault_for(self.path, self.headers.get("Authorization"))
                url = urlparse(self.path)
                if fault is not None and fault.status is not None:
                    self.send(Reply(fault.status, fault.body, fault.headers, fault.content_type))
                    return
                reply = server.answer(url.path, url.query, self.headers)
                if fault is not None and fault.delay:
                    time.sleep(fault.delay)
                if fault is not None and fault.cut_after is not None:
                    self.send(reply, cut_after=fault.cut_after)
                    return
                self.send(reply)

            def send(self, reply: Reply, cut_after: int | None = None) -> None:
                self.send_response_only(reply.status)
                self.send_header("Server", self.version_string())
                if not any(key.lower() == "date" for key in reply.headers):  # a fault may set it
                    self.send_header("Date", self.date_time_string())
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if cut_after is None:
                    self.wfile.write(reply.body)
                    return
                self.wfile.write(reply.body[: min(cut_after, len(reply.body) - 1)])
                self.wfile.flush()
                # SO_LINGER 0: closing sends a reset, as a dropped connection does.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()

        return Handler
