"""``menwei calibrate pad``: a site's own liveness threshold from its camera's live frames."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

calibrate_app = typer.Typer(
    help="Set a site's own thresholds from frames of that site's camera.", no_args_is_help=True
)


def _frames(folder: Path) -> list[Path]:
    from menwei.vision.liveness.dataset import IMAGE_SUFFIXES

    if not folder.is_dir():
        typer.echo(f"Error: {folder} is not a folder of images.", err=True)
        raise typer.Exit(2)
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


@calibrate_app.command("pad")
def pad(
    live: Annotated[Path, typer.Option("--live", help="Live frames from this site's camera.")],
    spoof: Annotated[
        Path | None,
        typer.Option("--spoof", help="Attack frames at this camera, to measure the APCER."),
    ] = None,
    target_bpcer: Annotated[
        float, typer.Option("--target-bpcer", min=0.0, max=0.5, help="Live refusals allowed.")
    ] = 0.05,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the site's parameters file here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Lower the liveness threshold only as far as this camera's live frames need."""
    import cv2
    import numpy as np

    from menwei.vision.errors import VisionError
    from menwei.vision.liveness.dataset import LabelledFrame, measure_frames
    from menwei.vision.liveness.model import SHIPPED_SHA256, load_model, sha256_text
    from menwei.vision.liveness.site import calibrate_site

    cv2.setNumThreads(1)
    frames = [LabelledFrame(p, "site", True) for p in _frames(live)]
    if spoof is not None:
        frames += [LabelledFrame(p, "site", False) for p in _frames(spoof)]
    try:
        model = load_model()
        data = measure_frames(frames)
        scores = np.asarray(model.score(data.features), dtype=np.float64).reshape(-1)
        attack = scores[~data.live] if spoof is not None else None
        site = calibrate_site(scores[data.live], model.threshold, attack, target_bpcer=target_bpcer)
    except VisionError as error:
        typer.echo(f"Error: {error.message}", err=True)
        raise typer.Exit(2) from None
    summary: dict[str, object] = {
        **site.as_json(),
        "frames_without_face": data.without_face,
        # what the server's liveness-threshold route takes, so the site's gates pull it
        "model_sha256": SHIPPED_SHA256,
    }
    if out is not None:
        provenance = {**model.provenance, "site_calibration": site.as_json()}
        text = model.with_threshold(site.threshold, provenance).to_json()
        out.write_text(text, encoding="utf-8")
        summary |= {"out": str(out), "sha256": sha256_text(text)}
    if as_json:
        typer.echo(json.dumps(summary, sort_keys=True))
        return
    typer.echo(f"Site threshold {site.threshold:.4f} (shipped {site.shipped_threshold:.4f})")
    typer.echo(f"  BPCER at the shipped threshold  {site.bpcer_shipped:.2%}")
    typer.echo(f"  BPCER at the site threshold     {site.bpcer:.2%}")
    apcer = "not measured (give --spoof)" if site.apcer is None else f"{site.apcer:.2%}"
    typer.echo(f"  APCER at the site threshold     {apcer}")
    if site.at_floor:
        typer.echo("  The camera's live frames score too low even at the floor: check its light.")
    if out is not None:
        typer.echo(f"Wrote {out} (sha256 {summary['sha256']})")
    typer.echo(
        "To use it at this site's gates: PUT threshold, model_sha256, live_frames and bpcer "
        "(--json prints them) to /api/v1/communities/{id}/liveness-threshold."
    )


def register(app: typer.Typer) -> None:
    app.add_typer(calibrate_app, name="calibrate")
