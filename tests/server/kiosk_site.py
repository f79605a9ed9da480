"""The demo's story behind a live loopback server, for the browser kiosk's tests.

The kiosk's gate agent syncs with the server over HTTP like any gate, so these tests need the
app listening on a real port (``Settings.port`` names it to the agent).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from menwei.gate.browser_kiosk import kiosk_gates_for
from menwei.server import create_app
from menwei.server.demo import DemoWorld, seed_demo
from menwei.server.services.template_delivery import privacy_kit
from menwei.settings import Settings
from menwei.store.migrate import upgrade
from menwei.store.uow import UnitOfWork

SECRET = "kiosk-tests-secret-kiosk-tests-secret-0123"


@dataclass
class StorySite:
    app: Any
    world: DemoWorld
    base: str

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.app.state.session_factory)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def story_site(folder: Path) -> Iterator[StorySite]:
    """A fresh SQLite demo with the story told, served on a free loopback port."""
    import uvicorn

    url = f"sqlite:///{folder / 'demo.db'}"
    upgrade(url)
    port = _free_port()
    settings = Settings(database_url=url, data_dir=folder, secret_key=SECRET, port=port)
    app = create_app(settings)
    kit = privacy_kit(app.state, settings)
    world = seed_demo(UnitOfWork(app.state.session_factory), kit=kit, secret_key=SECRET)
    app.state.kiosk_gates = kiosk_gates_for(settings)  # as `menwei serve` gives it
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield StorySite(app, world, f"http://127.0.0.1:{port}")
    finally:
        app.state.kiosk_gates.close()
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()
