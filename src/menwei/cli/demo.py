"""``menwei demo``: a fresh demo community on SQLite, served on loopback, with demo logins."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

DEMO_DB = "menwei-demo.db"


def _fresh_database(data_dir: Path) -> str:
    """Remove the previous demo database (only the files this command creates)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"{DEMO_DB}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{data_dir / DEMO_DB}"


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        data_dir: Annotated[
            Path | None,
            typer.Option(help="Folder for the demo database (default: <data dir>/demo)."),
        ] = None,
        gate: Annotated[
            bool, typer.Option(help="Run a simulated gate at the main gate against the server.")
        ] = True,
        gate_driver: Annotated[
            str,
            typer.Option(
                help="The simulated gate's door: simulated, or uhppote (a simulated UHPPOTE "
                "controller on a local UDP port, deciding cards on its own)."
            ),
        ] = "simulated",
    ) -> None:
        """Start the demo: a fresh community (阳光花园), the server, and the demo logins."""
        import uvicorn
        from rich.console import Console
        from rich.table import Table

        from menwei.privacy.audit_head import head_file_for
        from menwei.server import create_app
        from menwei.server.demo import DEMO_LOGINS, seed_demo
        from menwei.server.heap import freeze_startup_heap
        from menwei.server.services.privacy_kit import open_kit
        from menwei.settings import InsecureSettingsError, Settings
        from menwei.store.engine import make_engine
        from menwei.store.migrate import upgrade
        from menwei.store.uow import UnitOfWork

        _quiet_opencv()
        console = Console(soft_wrap=True)  # addresses print whole, never broken across lines
        base = Settings()
        folder = data_dir or base.data_dir / "demo"
        url = _fresh_database(folder)
        settings = Settings(demo=True, data_dir=folder, database_url=url, host=host, port=port)
        try:
            settings.check_secrets()
        except InsecureSettingsError as error:
            typer.echo(f"menwei demo: {error}", err=True)
            raise typer.Exit(2) from None
        # the fresh database starts a fresh audit log: the previous run's signed head goes too
        head_file_for(settings.resolved_key_file).unlink(missing_ok=True)
        with console.status("准备演示小区 / preparing the demo community…"):
            upgrade(url)
            engine = make_engine(url)
            kit = open_kit(settings.resolved_key_file)
            world = seed_demo(
                UnitOfWork.for_engine(engine), kit=kit, secret_key=settings.secret_key
            )
        if gate_driver not in ("simulated", "uhppote"):
            console.print("--gate-driver must be simulated or uhppote.")
            raise typer.Exit(2)
        demo_gate = _start_gate(folder, port, world, gate_driver == "uhppote") if gate else None
        table = Table(title="演示账号 / demo logins")
        for column in ("login", "password", "role"):
            table.add_column(column)
        for login, password, role in DEMO_LOGINS:
            table.add_row(login, password, role.value)
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        site = f"http://{shown_host}:{port}"
        gate_door = next(iter(world.door_ids.values()))
        console.print(f"menwei 演示 / demo: {site}")
        console.print(f"  公示页 / public page: {site}/c/{world.community_id}")
        console.print(f"  门口海报 / door poster: {site}/c/{world.community_id}/poster/{gate_door}")
        console.print(f"  居民 / residents: {site}/signin  (resident / demo-resident-2024)")
        console.print(f"  物业 / property office: {site}/signin  (staff / demo-staff-2024)")
        console.print(f"  业委会 / committee: {site}/signin  (yeweihui / demo-yeweihui-2024)")
        console.print(f"  监管 / supervisor: {site}/signin  (jianguan / demo-jianguan-2024)")
        console.print(
            f"  门口平板 / door tablet: {site}/kiosk  (注册码 / code: {world.kiosk_device_token})"
        )
        console.print(f"  接口 / API: {site}/docs")
        console.print(f"阳光花园: {world.people} residents, database {folder / DEMO_DB}")
        console.print(
            "  人脸识别已按流程开启 / face recognition on, after notice, assessment and vote"
        )
        if world.second_community_id is not None:
            second = world.second_community_id
            console.print(
                f"翠湖苑: 业主表决中，人脸识别未开启 / voting, face off: {site}/c/{second}"
            )
        console.print(table)
        if demo_gate is not None:
            console.print(
                "模拟闸机 / simulated gate: 南大门, "
                + ("simulated UHPPOTE controller" if gate_driver == "uhppote" else "simulated door")
                + "; every round a resident's face, a stranger, a printed photo, tailgating, "
                "a card after a doubtful face and a guest's QR pass: watch 通行记录 / events"
            )
        server_app = create_app(settings, engine=engine)
        from menwei.gate.browser_kiosk import kiosk_gates_for

        kiosks = kiosk_gates_for(settings)
        server_app.state.kiosk_gates = kiosks  # the door tablet (/kiosk): its gate agent
        freeze_startup_heap()
        try:
            uvicorn.run(
                server_app,
                host=host,
                port=port,
                log_level="info",
                access_log=False,
                proxy_headers=False,  # X-Forwarded-For: MENWEI_TRUSTED_PROXIES only
            )
        finally:
            kiosks.close()
            if demo_gate is not None:
                demo_gate.stop()


def _quiet_opencv() -> None:
    """OpenCV's own warnings (model backends) mean nothing to a newcomer: errors only."""
    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


def _start_gate(folder: Path, port: int, world: Any, controller: bool = False) -> Any:
    """The simulated gate: the real gate agent in this process, syncing with the server."""
    import shutil

    from menwei.gate.demo import DemoGate, DemoGateConfig, DemoScene

    token = world.gate_device_token
    scene = None
    if world.resident_card and world.guest_pass:
        scene = DemoScene(resident_card=world.resident_card, guest_pass=world.guest_pass)

    gate_dir = folder / "gate"
    shutil.rmtree(gate_dir, ignore_errors=True)  # a fresh database needs a fresh gate
    config = DemoGateConfig(
        server=f"http://127.0.0.1:{port}",
        token=token,
        data_dir=gate_dir,
        scene=scene,
        controller=controller,
    )
    return DemoGate(config).start()
