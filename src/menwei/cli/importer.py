"""``menwei import residents FILE --community ID``: the bulk import, with a progress bar."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

import_app = typer.Typer(help="Import data a property office already keeps.", no_args_is_help=True)


@import_app.command("residents")
def residents(
    file: Annotated[Path, typer.Argument(help="A .csv (UTF-8) or .xlsx sheet.", exists=True)],
    community: Annotated[uuid.UUID, typer.Option(help="The community to import into.")],
) -> None:
    """Import residents and units; one invalid row and nothing is imported."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    from menwei.settings import get_settings
    from menwei.sheets.errors import ImportRejected
    from menwei.sheets.residents import MAX_FILE_BYTES
    from menwei.store.engine import make_engine
    from menwei.store.errors import StoreError
    from menwei.store.migrate import upgrade
    from menwei.store.repositories.resident_import import import_resident_file
    from menwei.store.scope import CommunityScope
    from menwei.store.uow import UnitOfWork

    console = Console(stderr=True)
    data = _read_capped(file, MAX_FILE_BYTES, console)
    url = get_settings().resolved_database_url
    upgrade(url)
    uow = UnitOfWork.for_engine(make_engine(url))
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                label = {"validate": "检查 / checking", "import": "导入 / importing"}.get(
                    stage, stage
                )
                tasks[stage] = progress.add_task(label, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        try:
            report = import_resident_file(
                uow, community, data, file.name, scope=CommunityScope.all(), progress=advance
            )
        except ImportRejected as error:
            progress.stop()
            console.print(f"[red]{error.message_zh}[/red]\n{error.message_en}")
            for problem in error.details.get("errors", []):
                console.print(f"  {problem['message_zh']}")
            raise typer.Exit(1) from None
        except StoreError as error:
            progress.stop()
            console.print(f"[red]{error.message_zh}[/red]\n{error.message_en}")
            raise typer.Exit(1) from None
    typer.echo(
        f"imported: {report.buildings} buildings, {report.units} units, {report.people} people, "
        f"{report.cards} cards ({report.skipped_existing} already there)"
    )


def _read_capped(file: Path, limit: int, console: Console) -> bytes:
    """At most ``limit`` bytes of ``file``: a device or a pipe (/dev/zero) is never read whole."""
    megabytes = limit // (1024 * 1024)
    try:
        with file.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        console.print(
            f"[red]无法读取文件 {file}：{error.strerror}。[/red]\n"
            f"Cannot read {file}: {error.strerror}."
        )
        raise typer.Exit(1) from None
    if len(data) > limit:
        console.print(
            f"[red]文件超过 {megabytes} MB，请拆分后分批导入。[/red]\n"
            f"The file is over {megabytes} MB; split it and import in parts."
        )
        raise typer.Exit(1)
    return data


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
