"""A real HTTP server on a local port for gate tests: relays, device API, event ingest."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    """Requests the server has seen, and how it should answer the next ones."""

    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    handler: Callable[..., tuple[int, dict[str, object]]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        recorded = self.server.recorded  # type: ignore[attr-defined]
        with recorded.lock:
            recorded.requests.append((self.command, self.path, body))
            status = recorded.statuses.pop(0) if recorded.statuses else 200
        payload: dict[str, object] = {}
        if recorded.handler is not None and status == 200:
            status, payload = recorded.handler(self.command, self.path, body, dict(self.headers))
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client was killed mid-request, which is what some tests do

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, *args: object) -> None:
        pass


class LocalHttpServer:
    """Serve on 127.0.0.1 (``port`` 0 picks a free one) until ``stop``."""

    def __init__(self, recorded: Recorded | None = None, port: int = 0) -> None:
        self.recorded = recorded or Recorded()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.daemon_threads = True
        self._server.recorded = self.recorded  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
