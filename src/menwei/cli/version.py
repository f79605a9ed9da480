"""``menwei version``: what is installed, for support requests."""

from __future__ import annotations

import typer

from menwei import __version__


def register(app: typer.Typer) -> None:
    @app.command("version")
    def version() -> None:
        """Print the menwei version."""
        typer.echo(__version__)
