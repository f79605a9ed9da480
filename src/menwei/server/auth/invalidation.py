"""Every server process hears when a sign-in changes: PostgreSQL ``LISTEN menwei_principals``.

Triggers on the identity tables (migration ``0007_district``) notify in the changing
transaction, so the news arrives when the change commits, whichever process or command made it.
A listener thread per server process clears that process's ``PrincipalCache`` on each
notification. While it is not connected — starting up, or while the database primary fails over
— the cache is switched off, so no revocation can slip by unheard; it is switched on again once
the listener is back. SQLite has no notifications: there the cache keeps its short lifetime.
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg
from sqlalchemy import Engine

from menwei.server.auth.cache import PrincipalCache

CHANNEL = "menwei_principals"
RETRY_SECONDS = 1.0
#: how long one wait for a notification lasts: bounds how long stopping the server waits
POLL_SECONDS = 0.05
#: how often an idle listener asks its database whether it is still there
PING_SECONDS = 2.0

log = logging.getLogger("menwei.server.auth")


def listens(engine: Engine) -> bool:
    """Whether this database can tell the server processes about changes (PostgreSQL)."""
    return engine.dialect.name == "postgresql"


class PrincipalListener:
    """A daemon thread that clears ``cache`` whenever the database says identities changed."""

    def __init__(self, engine: Engine, cache: PrincipalCache) -> None:
        # The engine's own connection arguments: several hosts with target_session_attrs
        # (a primary and its standby) reach whichever is the primary now, as the pool does.
        _, kwargs = engine.dialect.create_connect_args(engine.url)
        kwargs.pop("context", None)
        self._connect_kwargs = {
            "connect_timeout": 5,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 2,
            **kwargs,
            "autocommit": True,
        }
        self._cache = cache
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name="principal-listener", daemon=True)

    def start(self) -> None:
        self._cache.set_enabled(False)
        self._thread.start()

    def wait_connected(self, timeout: float) -> bool:
        """For tests and start-up: ``True`` once the listener hears notifications."""
        return self._connected.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as error:  # whatever broke it: stop caching, then retry
                self._connected.clear()
                self._cache.set_enabled(False)
                log.warning(
                    "principal listener lost the database (%s); retrying", type(error).__name__
                )
                self._stop.wait(RETRY_SECONDS)

    def _listen(self) -> None:
        with psycopg.connect(**self._connect_kwargs) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            # Anything changed while nobody listened is covered: the cache was off until now.
            self._cache.set_enabled(True)
            self._connected.set()
            pinged = time.monotonic()
            while not self._stop.is_set():
                heard = False
                for _ in connection.notifies(timeout=POLL_SECONDS):
                    heard = True
                    break
                if heard:
                    self._cache.clear()
                elif time.monotonic() - pinged >= PING_SECONDS:
                    connection.execute("SELECT 1")  # a vanished primary shows here
                    pinged = time.monotonic()
        self._connected.clear()
        self._cache.set_enabled(False)
