"""What the fake API servers share: a threaded HTTP server on 127.0.0.1, a queue of faults
to answer the next requests with, a log of the paths asked for, and a JSON reply helper."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


@dataclass
class Fault:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass

    def reply(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def reply_fault(self, fault: Fault) -> None:
        self.reply(fault.status, fault.body, fault.headers, fault.content_type)


class LocalServer:
    def __init__(self, models: list[dict[str, Any]], page_size: int) -> None:
        self.models = models
        self.page_size = page_size
        self.faults: deque[Fault] = deque()
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        self.faults.clear()
        self.requests.clear()

    def fail_next(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError
