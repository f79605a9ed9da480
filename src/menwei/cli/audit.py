"""``menwei audit verify``: walk the audit chain and its signed checkpoints, report tampering."""

from __future__ import annotations

import typer

from menwei.cli.keys import EXIT_CHECK_FAILED, privacy_context


def register(app: typer.Typer) -> None:
    audit_app = typer.Typer(help="The tamper-evident audit log (审计日志).", no_args_is_help=True)
    app.add_typer(audit_app, name="audit")

    @audit_app.command("verify")
    def verify() -> None:
        """Check every link and signed checkpoint; exit 1 and say where, if anything changed."""
        from menwei.store.privacy_services import verify_audit

        with privacy_context() as (_settings, uow, kit):
            report = verify_audit(uow, kit)
        for problem in report.problems:
            typer.echo(f"[{problem.kind}] entry {problem.seq}: {problem.explanation}", err=True)
        if not report.ok:
            typer.echo(
                f"审计日志被篡改：发现 {len(report.problems)} 处问题。"
                f" / The audit log was tampered with: {len(report.problems)} problem(s).",
                err=True,
            )
            raise typer.Exit(EXIT_CHECK_FAILED)
        typer.echo(
            f"审计日志完整 / Audit log intact: {report.entries} entries, "
            f"{report.checkpoints} signed checkpoints."
        )

    @audit_app.command("checkpoint")
    def checkpoint() -> None:
        """Sign the newest entry now (maintenance also does this after every run)."""
        from datetime import UTC, datetime

        from menwei.store.privacy_repository import PrivacyStore

        with privacy_context() as (_settings, uow, kit), uow:
            point = kit.chain(PrivacyStore(uow.session)).checkpoint(datetime.now(UTC))
            uow.commit()
        typer.echo(
            "审计日志为空 / The log is empty."
            if point is None
            else f"Checkpoint signed at entry {point.seq}."
        )
