"""``menwei models status``: which face models run, pinned how, and who must enrol again.

The models come from the model folder's manifest (``MENWEI_MODEL_DIR``) or the built-in one.
Each file's sha256 is checked here as at load. Stored templates name the model that made them;
when it is not the configured one, the command counts, per community, the people who must enrol
again (counts only: no person is named). Exit status: 0 when the models load, 2 when a file or
the manifest is refused.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

models_app = typer.Typer(help="The face models in use (人脸模型).", no_args_is_help=True)


def configure_model_dir() -> None:
    """Apply the ``model_dir`` setting (a settings file may name it) to this command and the
    worker processes it starts."""
    import os

    from menwei.settings import Settings
    from menwei.vision.models import MODEL_DIR_ENV, use_model_dir

    folder = Settings().model_dir  # read now: the environment may have changed since start
    if folder is not None and str(folder) != os.environ.get(MODEL_DIR_ENV):
        use_model_dir(folder)  # named by a settings file, not the environment
        os.environ[MODEL_DIR_ENV] = str(folder)


def _files() -> dict[str, Any]:
    """The manifest, each file checked against its sha256; ``ModelFileError`` on a fault."""
    from menwei.vision.models import (
        active_manifest,
        model_dir,
        override_dir,
        pad_model,
        verified_path,
    )

    manifest = active_manifest()
    folder = model_dir()
    verified_path(manifest.detector, folder)
    verified_path(manifest.recognizer.file, folder)
    pad_model()  # the liveness parameters, checked against their sha256
    return {
        "folder": str(folder),
        "manifest": "built-in" if override_dir() is None else str(folder / "manifest.json"),
        **manifest.as_json(),
    }


def _affected(model_id: str) -> list[dict[str, Any]]:
    from menwei.server.services.privacy_operations import model_status
    from menwei.settings import get_settings
    from menwei.store.engine import make_engine
    from menwei.store.uow import UnitOfWork

    engine = make_engine(get_settings().resolved_database_url)
    try:
        uow = UnitOfWork.for_engine(engine)
        found = model_status(uow, model_id=model_id)
        communities = set(found.to_reenrol) | set(found.current)
        with uow:
            names = uow.names.communities(communities)
    finally:
        engine.dispose()
    return [
        {
            "community_id": str(community),
            "community": names.get(community, ""),
            "people_to_reenrol": found.to_reenrol.get(community, 0),
            "people_enrolled": found.current.get(community, 0),
        }
        for community in sorted(communities, key=lambda c: (names.get(c, ""), str(c)))
    ]


def _print_files(files: dict[str, Any]) -> None:
    recognizer = files["recognizer"]
    typer.echo(f"模型清单 / manifest: {files['manifest']}")
    typer.echo(f"  detector   {files['detector']['id']}  {files['detector']['file']}  sha256 ✓")
    typer.echo(
        f"  recognizer {recognizer['id']}  {recognizer['file']}  sha256 ✓  "
        f"input {recognizer['input_size'][0]}×{recognizer['input_size'][1]} "
        f"{recognizer['colour']}, embedding {recognizer['embedding_size']}"
    )
    if "liveness" in files:
        typer.echo(f"  liveness   {files['liveness']['id']}  {files['liveness']['file']}  sha256 ✓")


@models_app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """The models in use, and per community how many people must enrol again (重新录入)."""
    from menwei.store.failures import DatabaseFailure
    from menwei.vision import VisionError
    from menwei.vision.liveness import LivenessError

    configure_model_dir()
    try:
        files = _files()
    except (VisionError, LivenessError) as error:
        typer.echo(f"错误：{error.message_zh}", err=True)
        typer.echo(f"Error: {error.message}", err=True)
        raise typer.Exit(2) from None
    model_id = files["recognizer"]["id"]
    if not as_json:
        _print_files(files)
    try:
        communities = _affected(model_id)
    except DatabaseFailure as error:
        typer.echo(
            f"数据库无法使用（{type(error).__name__}）：请确认数据库已启动并已升级。", err=True
        )
        typer.echo(f"The database cannot be used ({type(error).__name__}).", err=True)
        raise typer.Exit(2) from None
    to_reenrol = sum(c["people_to_reenrol"] for c in communities)
    if as_json:
        summary = {"models": files, "people_to_reenrol": to_reenrol, "communities": communities}
        typer.echo(json.dumps(summary, ensure_ascii=False, sort_keys=True))
        return
    if not to_reenrol:
        typer.echo(
            f"所有已存模板均由 {model_id} 生成。 / Every stored template was made by {model_id}."
        )
        return
    typer.echo(
        f"{to_reenrol} 人的人脸模板由其他模型生成，需重新录入；在此之前请使用门卡、密码或二维码。"
    )
    typer.echo(
        f"{to_reenrol} people have templates made by another model than {model_id}: they must "
        "enrol again, and use a card, PIN or QR code until then."
    )
    for community in communities:
        if community["people_to_reenrol"]:
            typer.echo(
                f"  {community['community'] or community['community_id']}: "
                f"{community['people_to_reenrol']} 人需重新录入 / must enrol again"
            )


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
