"""The ``menwei`` command. Each module in this package adds its own sub-commands.

A module here defines ``register(app: typer.Typer) -> None``; it is discovered at start-up, so
adding a command never means editing a central list. Heavy imports (OpenCV, FastAPI) stay inside
the command functions so that ``menwei --help`` is instant.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(
    name="menwei",
    help="menwei (门卫): privacy-first face-recognition access control for communities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_commands()


def main() -> None:
    """Entry point of the ``menwei`` console script."""
    app()
