"""``menwei train …``: reproduce the parameters shipped with menwei from public data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

train_app = typer.Typer(
    help="Train the models whose parameters ship with menwei.", no_args_is_help=True
)


def _progress(done: int, total: int) -> None:
    if done == total or done % 200 == 0:
        typer.echo(f"  {done}/{total} frames", err=True)


@train_app.command("pad")
def pad(
    data: Annotated[
        Path,
        typer.Option("--data", help="Folder with live/ and spoof/, one sub-folder per subject."),
    ] = Path("../shared/data/nuaa"),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the parameters here (default: ./pad_frame_v1.json)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Train the single-frame presentation-attack model; the threshold comes from LOSO CV."""
    import cv2

    from menwei.vision.errors import VisionError
    from menwei.vision.liveness.dataset import measure_frames, nuaa_layout, read_pair
    from menwei.vision.liveness.model import SHIPPED_NAME, sha256_text
    from menwei.vision.liveness.training import train

    cv2.setNumThreads(1)  # the same arithmetic, and so the same file, on any machine
    try:
        frames = read_pair(*nuaa_layout(data))
        typer.echo(f"Measuring {len(frames)} frames …", err=True)
        features = measure_frames(frames, progress=_progress)
        typer.echo(f"Training on {features.subject_count} subjects …", err=True)
        result = train(features, source=Path(data).resolve().name)
    except VisionError as error:
        typer.echo(f"Error: {error.message}", err=True)
        raise typer.Exit(2) from None
    text = result.model.to_json()
    target = out if out is not None else Path(SHIPPED_NAME)
    target.write_text(text, encoding="utf-8")
    digest = sha256_text(text)
    summary = {
        "out": str(target),
        "sha256": digest,
        "threshold": result.model.threshold,
        "subjects": features.subject_count,
        "frames_without_face": features.without_face,
        "cross_validation": result.cross_validation.nested.as_json(),
    }
    if as_json:
        typer.echo(json.dumps(summary))
        return
    cv = result.cross_validation.nested
    typer.echo(f"Wrote {target} (sha256 {digest})")
    typer.echo(
        f"Nested leave-one-subject-out over {features.subject_count} subjects: "
        f"APCER {cv.apcer:.2%}, BPCER {cv.bpcer:.2%}, EER {cv.eer:.2%}, "
        f"APCER at BPCER 1% {cv.apcer_at_bpcer_1e2:.2%}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(train_app, name="train")
