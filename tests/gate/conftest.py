from __future__ import annotations

from collections.abc import Iterator

import pytest

from .local_http import LocalHttpServer, Recorded


@pytest.fixture
def http_server() -> Iterator[tuple[str, Recorded]]:
    """A real HTTP server on a free local port, recording every request."""
    server = LocalHttpServer()
    try:
        yield server.url, server.recorded
    finally:
        server.stop()
