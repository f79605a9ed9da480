"""``menwei maintenance run``: the scheduled retention job (run it daily from cron or a timer)."""

from __future__ import annotations

import typer

from menwei.cli.keys import privacy_context


def register(app: typer.Typer) -> None:
    maintenance_app = typer.Typer(help="Scheduled jobs (定期维护).", no_args_is_help=True)
    app.add_typer(maintenance_app, name="maintenance")

    @maintenance_app.command("run")
    def run() -> None:
        """Erase moved-out faces, purge old events, warn about filing (备案); all logged."""
        from datetime import UTC, datetime

        from menwei.privacy.compliance import FilingLevel
        from menwei.server.services.face_data_counts import filing_statuses
        from menwei.server.services.retention_run import run_maintenance

        with privacy_context() as (_settings, uow, kit):
            reports = run_maintenance(uow, kit, now=datetime.now(UTC))
            filing = filing_statuses(uow)
        for processor, status in filing.items():
            if status.level is not FilingLevel.BELOW:
                typer.echo(f"{processor}: {status.message('zh-CN')}", err=True)
                typer.echo(f"{processor}: {status.message('en')}", err=True)
        for report in reports:
            typer.echo(
                f"{report.community_id}: erased {report.erased_people} moved-out "
                f"template(s), purged {report.purged_events} event(s)"
            )
        typer.echo(f"维护完成 / Maintenance done for {len(reports)} community(ies).")
