"""The API's routers, one module per area, all under ``/api/v1`` except the probes."""

from __future__ import annotations

from fastapi import FastAPI


def include_routers(app: FastAPI) -> None:
    from menwei.server.app import API_PREFIX
    from menwei.server.routers import (
        auth,
        credentials,
        devices,
        doors,
        events,
        groups,
        health,
        imports,
        people,
        places,
        users,
    )

    app.include_router(health.router)
    app.include_router(auth.me_router, prefix=API_PREFIX)
    for module in (
        auth,
        places,
        people,
        credentials,
        doors,
        groups,
        devices,
        events,
        imports,
        users,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
