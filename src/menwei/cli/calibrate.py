"""``menwei calibrate pad`` and ``face``: a site's own thresholds from its own data.

``pad`` lowers the liveness threshold only as far as the site camera's live frames need.
``face`` computes the recognition thresholds of the configured model (the model folder's
manifest) from a folder of labelled photos, one sub-folder per person, choosing the operating
point with whole people left out; it writes a thresholds file tied to the model's id and sha256.
"""

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


@calibrate_app.command("face")
def face(
    data: Annotated[
        Path, typer.Option("--data", help="Labelled photos: one sub-folder of photos per person.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the thresholds file here (the model folder's "
            "thresholds.json is the one the server reads).",
        ),
    ] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, max=20, help="People folds.")] = 5,
    workers: Annotated[
        int, typer.Option("--workers", min=0, help="Worker processes (0: both cores at most).")
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Recognition thresholds for the configured model, from a site's own labelled faces."""
    from datetime import UTC, datetime

    from menwei.cli.models import configure_model_dir
    from menwei.vision.batch import EmbedOptions, embed_files
    from menwei.vision.errors import VisionError
    from menwei.vision.face_calibration import calibrate_face, thresholds_document
    from menwei.vision.identify import read_identities
    from menwei.vision.models import active_manifest, model_dir, verified_path

    configure_model_dir()
    try:
        recognizer = active_manifest().recognizer
        verified_path(recognizer.file, model_dir())
        identities = read_identities(data)
        paths = [path for files in identities.values() for path in files]
        typer.echo(f"Embedding {len(paths)} images with {recognizer.model_id} …", err=True)
        results = embed_files(paths, EmbedOptions(), workers=workers or None)
        vector_of = {r.path: r.vector for r in results}
        vectors = {
            name: [v for v in (vector_of[p] for p in files) if v is not None]
            for name, files in identities.items()
        }
        calibration = calibrate_face(vectors, folds=folds)
    except VisionError as error:
        typer.echo(f"错误：{error.message_zh}", err=True)
        typer.echo(f"Error: {error.message}", err=True)
        raise typer.Exit(2) from None
    without_face = sum(1 for r in results if r.vector is None)
    provenance = {
        "command": "menwei calibrate face",
        "date": datetime.now(UTC).date().isoformat(),
        "images": len(paths),
        "images_without_face": without_face,
    }
    document = thresholds_document(
        calibration,
        model_id=recognizer.model_id,
        recognizer_sha256=recognizer.file.sha256,
        provenance=provenance,
    )
    if out is not None:
        out.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if as_json:
        summary = {**document, **({"out": str(out)} if out is not None else {})}
        typer.echo(json.dumps(summary, sort_keys=True))
        return
    typer.echo(
        f"Model {recognizer.model_id}: {calibration.people} people, {len(paths)} images "
        f"({without_face} without a usable face), {calibration.folds} folds of whole people"
    )
    for name, point in (("possible", calibration.possible), ("confident", calibration.confident)):
        note = "" if point.resolvable else "  (too few strangers to resolve this rate)"
        typer.echo(
            f"  FPIR {point.target_fpir:.1%}: {name} {point.threshold:.4f}  FNIR "
            f"{point.fnir:.2%} held out (FPIR {point.fpir:.2%} held out){note}"
        )
    typer.echo(f"  thresholds: confident {document['confident']}, possible {document['possible']}")
    if out is not None:
        typer.echo(f"Wrote {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(calibrate_app, name="calibrate")
