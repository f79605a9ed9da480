"""``menwei admin …``: create user accounts and reset passwords from the server's shell."""

from __future__ import annotations

import sys
import uuid
from typing import Annotated

import typer

admin_app = typer.Typer(help="Administer user accounts.", no_args_is_help=True)

ROLES = (
    "platform_admin",
    "processor_admin",
    "community_staff",
    "committee_member",
    "resident",
    "supervisor",
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("新密码 / new password", hide_input=True, confirmation_prompt=True))


def _uow():
    from menwei.settings import get_settings
    from menwei.store.engine import make_engine
    from menwei.store.migrate import upgrade
    from menwei.store.uow import UnitOfWork

    url = get_settings().resolved_database_url
    upgrade(url)
    return UnitOfWork.for_engine(make_engine(url))


def _fail(error: Exception) -> typer.Exit:
    from menwei.server.domain.errors import ApiError

    if isinstance(error, ApiError):
        zh, en = error.render("zh-CN"), error.render("en")
    else:
        zh, en = getattr(error, "message_zh", str(error)), getattr(error, "message_en", "")
    typer.echo(f"{zh}\n{en}".strip(), err=True)
    return typer.Exit(1)


@admin_app.command("create-user")
def create_user(
    login: Annotated[str, typer.Argument(help="The sign-in name.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    community: Annotated[
        list[uuid.UUID] | None,
        typer.Option(help="Community id (staff, committee, supervisor); repeatable."),
    ] = None,
    processor: Annotated[uuid.UUID | None, typer.Option(help="Processor id.")] = None,
    person: Annotated[uuid.UUID | None, typer.Option(help="Person id (residents).")] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    locale: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account; the password is asked for (never passed on the command line)."""
    from menwei.core.errors import CoreError
    from menwei.server.domain.errors import ApiError
    from menwei.server.policy import AccountRole
    from menwei.server.services.accounts import AccountSpec, create_account
    from menwei.store.errors import StoreError

    if role not in ROLES:
        typer.echo(f"角色无效 / unknown role {role!r}; use one of: {', '.join(ROLES)}", err=True)
        raise typer.Exit(2)
    password = _password(password_stdin)
    try:
        account = create_account(
            _uow(),
            AccountSpec(
                login=login,
                password=password,
                role=AccountRole(role),
                display_name=name,
                locale=locale,
                processor_id=processor,
                person_id=person,
                community_ids=frozenset(community or ()),
            ),
            None,
        )
    except (ApiError, StoreError, CoreError) as error:
        raise _fail(error) from None
    typer.echo(f"created {account.login} ({account.role}) {account.id}")


@admin_app.command("reset-password")
def reset_password(
    login: Annotated[str, typer.Argument(help="The account's sign-in name.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password; every session and API token of the account is ended."""
    from menwei.server.domain.errors import ApiError
    from menwei.server.services.accounts import account_by_login
    from menwei.server.services.accounts import reset_password as reset
    from menwei.store.errors import StoreError

    uow = _uow()
    account = account_by_login(uow, login)
    if account is None:
        typer.echo(f"找不到账户 / no account {login!r}", err=True)
        raise typer.Exit(1)
    try:
        reset(uow, None, account.id, _password(password_stdin))
    except (ApiError, StoreError) as error:
        raise _fail(error) from None
    typer.echo(f"password reset for {login}; its sessions and tokens are ended")


def register(app: typer.Typer) -> None:
    app.add_typer(admin_app, name="admin")
