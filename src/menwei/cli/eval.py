"""``menwei eval …``: evaluations on public data sets. Each command also answers in JSON."""

from __future__ import annotations

import typer

eval_app = typer.Typer(
    help="Measure recognition and liveness on evaluation data.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")
