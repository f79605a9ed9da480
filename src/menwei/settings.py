"""One settings object for every role (server, gate, CLI), read from the environment or a file.

Values come from ``MENWEI_*`` environment variables, then from a settings file named by
``MENWEI_SETTINGS_FILE`` (``KEY=value`` lines, the same names), then from the defaults below.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

#: Published on purpose: the demo runs on loopback only, and ``check_secrets`` refuses it elsewhere.
DEMO_SECRET = "menwei-demo-secret-not-for-production"  # noqa: S105


class InsecureSettingsError(ValueError):
    """A setting is unsafe for a real deployment (a default secret outside the demo)."""


#: Addresses the demo may listen on: it serves published logins and a published secret.
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _without_demo(source: PydanticBaseSettingsSource) -> Callable[[], dict[str, Any]]:
    """``source`` minus ``demo``: only ``menwei demo`` turns demo mode on, never a variable."""

    def values() -> dict[str, Any]:
        return {k: v for k, v in source().items() if k != "demo"}

    values.__name__ = type(source).__name__
    return values


def _default_data_dir() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "menwei"


class Settings(BaseSettings):
    """Everything an operator can configure. Secrets never have defaults outside the demo."""

    model_config = SettingsConfigDict(
        env_prefix="MENWEI_",
        env_file=os.environ.get("MENWEI_SETTINGS_FILE"),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[Any, ...]:
        return (
            init_settings,
            _without_demo(env_settings),
            _without_demo(dotenv_settings),
            _without_demo(file_secret_settings),
        )

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None
    #: a hot standby for the read-heavy pages that may be a few seconds stale (the supervisor's
    #: aggregates, the public community pages); unset: they read the primary like the rest
    read_database_url: str | None = None
    key_file: Path | None = None
    model_dir: Path | None = None
    demo: bool = False

    # Server
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = DEMO_SECRET
    session_hours: int = 12
    api_token_days: int = 90
    #: failed sign-ins an account gets free; each further one doubles the wait (30 s …)
    login_max_failures: int = 5
    #: the longest wait after failed sign-ins, and how long a spraying address is locked
    login_lockout_minutes: int = 15
    #: proxies (addresses or networks) whose X-Forwarded-For is believed; none by default
    trusted_proxies: list[str] = Field(default_factory=list)
    #: a gate's token expires when the gate has not synced for this long; each sync renews it
    device_token_days: int = Field(default=30, ge=1)
    #: how long one server process may reuse who a token belongs to without asking the
    #: database; on PostgreSQL a revocation also clears every process's cache when it commits
    principal_cache_seconds: float = Field(default=5.0, ge=0)
    max_upload_bytes: int = 10 * 1024 * 1024
    max_ingest_batch: int = 500
    #: how old the supervisor pages' audit chain verdict may grow before the whole chain is
    #: verified again, in a background thread (between full verifications, and while one
    #: runs, only newly written entries are checked on each load)
    audit_full_verify_minutes: int = Field(default=10, ge=1)
    #: the shortest voting period of an owners' vote, in days; never under one day
    vote_minimum_days: int = Field(default=7, ge=1, le=366)

    # Browser kiosks (/kiosk): the gate agent the server runs for each door tablet
    #: the door driver it pulses: ``simulated``, ``relay`` (``kiosk_relay_url``) or ``gpio``
    kiosk_door_driver: str = "simulated"
    kiosk_relay_url: str | None = None
    #: ``passive``, ``passive_temporal``, ``active`` (a movement asked on the screen) or ``off``
    kiosk_liveness: str = "passive"

    @property
    def resolved_database_url(self) -> str:
        """The database to use: the configured URL, else a SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'menwei.db'}"

    @property
    def cookie_secure(self) -> bool:
        """Session cookies need HTTPS everywhere except the demo on loopback."""
        return not self.demo

    def check_secrets(self) -> None:
        """Refuse the published demo secret, or a weak one, outside ``menwei demo``; refuse
        the demo itself anywhere but loopback."""
        if self.demo:
            if self.host not in LOOPBACK:
                raise InsecureSettingsError(
                    f"The demo serves published logins, so it listens only on loopback "
                    f"(127.0.0.1 or ::1), not on {self.host}."
                )
            return
        if self.secret_key == DEMO_SECRET or len(self.secret_key) < 32:
            raise InsecureSettingsError(
                "MENWEI_SECRET_KEY must be set to a random value of at least 32 characters "
                "outside the demo (for example: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')."
            )

    @property
    def resolved_key_file(self) -> Path:
        """Where the key-encryption key lives: outside the database, by design."""
        return self.key_file or self.data_dir / "keys" / "master.key"


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once. Tests build their own ``Settings`` instead."""
    return Settings()
