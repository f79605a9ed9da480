"""``menwei serve``: migrate the database, then run the server."""

from __future__ import annotations

import os
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
        port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    ) -> None:
        """Run the server (settings from MENWEI_* variables or MENWEI_SETTINGS_FILE)."""
        import uvicorn

        from menwei.server import create_app
        from menwei.server.heap import freeze_startup_heap
        from menwei.settings import InsecureSettingsError, get_settings
        from menwei.store.errors import StoreError
        from menwei.store.migrate import upgrade

        if os.environ.get("MENWEI_DEMO", "").strip().lower() not in ("", "0", "false", "no"):
            typer.echo(
                "menwei serve: 演示模式只能由 `menwei demo` 在本机回环地址开启，"
                "不能用 MENWEI_DEMO。\n"
                "menwei serve: demo mode is only for `menwei demo` on loopback; MENWEI_DEMO is "
                "refused (it would serve the published demo secret and logins).",
                err=True,
            )
            raise typer.Exit(2)
        settings = get_settings()
        try:
            settings.check_secrets()
            upgrade(settings.resolved_database_url)
        except InsecureSettingsError as error:
            typer.echo(f"menwei serve: {error}", err=True)
            raise typer.Exit(2) from None
        except StoreError as error:
            typer.echo(f"menwei serve: {error.message_zh}\n{error.message_en}", err=True)
            raise typer.Exit(2) from None
        server_app = create_app(settings)
        from menwei.gate.browser_kiosk import kiosk_gates_for

        listening = {"host": host or settings.host, "port": port or settings.port}
        kiosks = kiosk_gates_for(settings.model_copy(update=listening))
        server_app.state.kiosk_gates = kiosks  # door tablets (/kiosk): their gate agents
        freeze_startup_heap()
        try:
            uvicorn.run(
                server_app,
                host=host or settings.host,
                port=port or settings.port,
                log_level="info",
                # menwei.access logs each request by route template; uvicorn's own access log
                # would write full paths and query strings, which can carry residents' names.
                access_log=False,
                # X-Forwarded-For is read by the app, from MENWEI_TRUSTED_PROXIES only;
                # uvicorn would otherwise believe it from any local process.
                proxy_headers=False,
            )
        finally:
            kiosks.close()
