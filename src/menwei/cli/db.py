"""``menwei db upgrade`` / ``menwei db current``: the schema of the configured database.

An operator upgrading a release runs ``menwei db upgrade`` before starting the new server, and
``menwei db current --check`` in a deploy script to stop when a database was left behind.
"""

from __future__ import annotations

from typing import Annotated

import typer


def _database_url() -> str:
    from menwei.settings import get_settings

    return get_settings().resolved_database_url


def _shown(url: str) -> str:
    """The URL without its password, fit for a terminal or a log."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _unreachable(url: str, error: Exception) -> typer.Exit:
    typer.echo(
        f"无法连接数据库 {_shown(url)}（{type(error).__name__}）。请检查 MENWEI_DATABASE_URL "
        "和数据库服务是否运行。\n"
        f"Cannot reach the database {_shown(url)} ({type(error).__name__}). Check "
        "MENWEI_DATABASE_URL and that the database server is running.",
        err=True,
    )
    return typer.Exit(1)


def register(app: typer.Typer) -> None:
    db_app = typer.Typer(help="Database schema (数据库结构).", no_args_is_help=True)
    app.add_typer(db_app, name="db")

    @db_app.command("upgrade")
    def upgrade(
        revision: Annotated[
            str, typer.Option(help="Target revision; the newest by default.")
        ] = "head",
    ) -> None:
        """Apply the migrations the database lacks; safe to run again."""
        from alembic.util import CommandError
        from sqlalchemy.exc import OperationalError

        from menwei.store import migrate

        url = _database_url()
        try:
            before = migrate.current_revision(url)
            migrate.upgrade(url, revision)
            after = migrate.current_revision(url)
        except OperationalError as error:
            raise _unreachable(url, error) from None
        except CommandError as error:
            typer.echo(
                f"无法升级到版本 {revision}：{error}。请用 menwei db current 查看可用版本。\n"
                f"Cannot upgrade to revision {revision}: {error}. "
                "Run menwei db current to see the revisions.",
                err=True,
            )
            raise typer.Exit(1) from None
        if before == after:
            typer.echo(f"数据库已是版本 {after} / The database is already at {after}.")
        else:
            typer.echo(
                f"数据库已从 {before or '空'} 升级到 {after} / "
                f"Database upgraded from {before or 'empty'} to {after}."
            )

    @db_app.command("current")
    def current(
        check: Annotated[
            bool, typer.Option("--check", help="Exit 1 when the database is not at the newest.")
        ] = False,
    ) -> None:
        """Show the database's revision and the newest one this menwei knows."""
        from sqlalchemy.exc import OperationalError

        from menwei.store import migrate

        url = _database_url()
        try:
            at = migrate.current_revision(url)
        except OperationalError as error:
            raise _unreachable(url, error) from None
        newest = ", ".join(migrate.heads())
        typer.echo(f"database: {_shown(url)}")
        typer.echo(f"current:  {at or '-'}")
        typer.echo(f"newest:   {newest}")
        if at in migrate.heads():
            typer.echo("数据库结构是最新的 / The schema is up to date.")
            return
        typer.echo(
            "数据库需要升级：请运行 menwei db upgrade。\n"
            "The database needs an upgrade: run menwei db upgrade.",
            err=check,
        )
        if check:
            raise typer.Exit(1)
