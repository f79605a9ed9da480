"""``menwei maintenance run``: the scheduled retention job (run it daily from cron or a timer)."""

from __future__ import annotations

import typer

from menwei.cli.keys import privacy_context


def register(app: typer.Typer) -> None:
    maintenance_app = typer.Typer(help="Scheduled jobs (定期维护).", no_args_is_help=True)
    app.add_typer(maintenance_app, name="maintenance")

    @maintenance_app.command("run")
    def run() -> None:
        """Erase moved-out residents' faces and purge old events, per community; logged."""
        from datetime import UTC, datetime

        from menwei.store.privacy_services import run_maintenance

        with privacy_context() as (_settings, uow, kit):
            reports = run_maintenance(uow, kit, now=datetime.now(UTC))
        for report in reports:
            typer.echo(
                f"{report.community_id}: erased {report.erased_people} moved-out "
                f"template(s), purged {report.purged_events} event(s)"
            )
        typer.echo(f"维护完成 / Maintenance done for {len(reports)} community(ies).")
