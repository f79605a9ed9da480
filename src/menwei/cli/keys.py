"""``menwei keys``: rotate the key-encryption key or a community key; show the public key.

Also the plumbing every privacy command shares (settings, database, keys, error output): every
error is a typed one with a zh-CN and an English message; the commands print both and exit with
status 2 for bad input or configuration, 1 for a failed check, 0 for success.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import typer

EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2


def fail(error: Any, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print a typed error in both languages and exit."""
    typer.echo(error.message("zh-CN"), err=True)
    typer.echo(error.message("en"), err=True)
    raise typer.Exit(code)


@contextmanager
def privacy_context(processor_name: str = "menwei") -> Iterator[tuple[Any, Any, Any]]:
    """``(settings, unit of work, privacy kit)`` from the environment; closes what it opened."""
    from menwei.privacy.errors import PrivacyError
    from menwei.server.services.privacy_operations import open_kit
    from menwei.settings import get_settings
    from menwei.store.engine import make_engine
    from menwei.store.errors import StoreError
    from menwei.store.failures import DatabaseFailure
    from menwei.store.uow import UnitOfWork

    settings = get_settings()
    try:
        kit = open_kit(settings.resolved_key_file, processor_name=processor_name)
    except PrivacyError as error:
        fail(error)
    try:
        engine = make_engine(settings.resolved_database_url)
    except StoreError as error:
        kit.key_store.close()
        fail(error)
    try:
        yield settings, UnitOfWork.for_engine(engine), kit
    except DatabaseFailure as error:
        typer.echo(
            f"数据库无法使用（{type(error).__name__}）：请确认数据库已启动并已升级到最新结构。",
            err=True,
        )
        typer.echo(
            f"The database cannot be used ({type(error).__name__}): check that it is running "
            "and migrated to the current schema.",
            err=True,
        )
        raise typer.Exit(EXIT_BAD_INPUT) from None
    finally:
        engine.dispose()
        kit.key_store.close()


def register(app: typer.Typer) -> None:
    keys_app = typer.Typer(
        help="Keys outside the database (密钥). Back up the key folder on its own, never "
        "with the database; after an erasure, destroy older copies of the key store rather "
        "than restore them.",
        no_args_is_help=True,
    )
    app.add_typer(keys_app, name="keys")
    from menwei.cli import pass_keys

    pass_keys.register(keys_app)

    @keys_app.command("rotate")
    def rotate(
        community: Annotated[
            str | None,
            typer.Option("--community", help="Rotate this community's key instead of the KEK."),
        ] = None,
    ) -> None:
        """Replace the KEK (or one community key); nothing stored needs re-encrypting."""
        import os
        import uuid
        from datetime import UTC, datetime

        from menwei.privacy.audit import AuditAction
        from menwei.server.services.privacy_operations import rotate_keks

        now = datetime.now(UTC)
        with privacy_context() as (settings, uow, kit):
            if community is None:
                from_environment = bool(os.environ.get("MENWEI_KEK"))
                key_file = None if from_environment else settings.resolved_key_file
                count = rotate_keks(uow, kit, key_file=key_file, at=now)
                if from_environment:
                    typer.echo(
                        "密钥来自环境变量 MENWEI_KEK：已用其中第一个密钥重新封装；确认后请从 "
                        "MENWEI_KEK 中删除旧密钥。 / Keys come from MENWEI_KEK: re-wrapped under "
                        "its first key; now remove the old key from MENWEI_KEK."
                    )
                typer.echo(
                    f"密钥加密密钥已轮换 / KEK rotated; {count} community key(s) re-wrapped."
                )
                return
            try:
                community_id = uuid.UUID(community)
            except ValueError:
                typer.echo("小区编号格式不正确 / The community id is not a valid id.", err=True)
                raise typer.Exit(2) from None
            count = kit.vault.rotate_community_key(str(community_id))
            with uow:
                chain = kit.chain(uow.privacy)
                chain.append(
                    at=now,
                    actor="system:keys",
                    action=AuditAction.KEY_ROTATION,
                    community_id=community_id,
                    detail={"data_keys_rewrapped": count},
                )
                uow.commit()
            typer.echo(f"小区密钥已轮换 / Community key rotated; {count} data key(s) re-wrapped.")

    @keys_app.command("public-key")
    def public_key() -> None:
        """Print the signing public key (PEM), to publish for checking receipts offline."""
        from menwei.privacy.errors import PrivacyError
        from menwei.privacy.keys import load_processor_keys
        from menwei.settings import get_settings

        try:
            keys = load_processor_keys(get_settings().resolved_key_file)
        except PrivacyError as error:
            fail(error)
        typer.echo(keys.public_key_pem())
