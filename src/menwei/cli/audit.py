"""``menwei audit verify``: walk the audit chain and its signed checkpoints, report tampering."""

from __future__ import annotations

import typer

from menwei.cli.keys import EXIT_CHECK_FAILED, fail, privacy_context


def register(app: typer.Typer) -> None:
    audit_app = typer.Typer(help="The tamper-evident audit log (审计日志).", no_args_is_help=True)
    app.add_typer(audit_app, name="audit")

    @audit_app.command("verify")
    def verify(
        witness: str | None = typer.Option(
            None,
            "--witness",
            help="A head seen outside the database, SEQ:HASH as on the community's public page.",
        ),
    ) -> None:
        """Check every link, signed checkpoint and the signed head; exit 1 and say where, if
        anything changed or the log was cut short."""
        from menwei.privacy.audit_head import Witness
        from menwei.privacy.errors import PrivacyError
        from menwei.server.services.privacy_operations import verify_audit

        seen = None
        if witness is not None:
            try:
                seen = Witness.parse(witness)
            except ValueError as error:
                typer.echo(
                    f"见证格式应为 序号:哈希 / {error}",
                    err=True,
                )
                raise typer.Exit(2) from None
        with privacy_context() as (_settings, uow, kit):
            try:
                report = verify_audit(uow, kit, seen)
            except PrivacyError as error:
                fail(error)
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
            f"{report.checkpoints} signed checkpoints, reaching the signed head."
        )

    @audit_app.command("checkpoint")
    def checkpoint() -> None:
        """Sign the newest entry now (maintenance also does this after every run)."""
        from datetime import UTC, datetime

        with privacy_context() as (_settings, uow, kit), uow:
            point = kit.chain(uow.privacy).checkpoint(datetime.now(UTC))
            uow.commit()
        typer.echo(
            "审计日志为空 / The log is empty."
            if point is None
            else f"Checkpoint signed at entry {point.seq}."
        )
