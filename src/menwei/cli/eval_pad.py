"""``menwei eval pad``: presentation-attack detection on any pair of folders, in ISO terms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from menwei.cli.eval import eval_app


def register(app: typer.Typer) -> None:
    @eval_app.command("pad")
    def pad(
        live: Annotated[Path, typer.Option("--live", help="Live frames, a folder per subject.")],
        spoof: Annotated[
            Path, typer.Option("--spoof", help="Attack frames, a folder per subject.")
        ],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
        model: Annotated[
            Path | None,
            typer.Option("--model", help="Parameters of your own (default: those shipped)."),
        ] = None,
        cross_validate: Annotated[
            bool,
            typer.Option(
                "--cross-validate",
                help="Train and test afresh, leaving one subject out (nested), instead of "
                "judging with fixed parameters.",
            ),
        ] = False,
    ) -> None:
        """APCER and BPCER at the operating point, EER, and APCER at BPCER 1 % and 5 %."""
        import cv2
        import numpy as np

        from menwei.vision.errors import VisionError
        from menwei.vision.liveness.dataset import measure_frames, read_pair
        from menwei.vision.liveness.model import load_model
        from menwei.vision.liveness.protocol import cross_validate as nested
        from menwei.vision.liveness.protocol import report

        cv2.setNumThreads(1)
        try:
            parameters = None if cross_validate else load_model(model)
            frames = read_pair(live, spoof)
            typer.echo(f"Measuring {len(frames)} frames …", err=True)
            data = measure_frames(frames)
            if parameters is not None:
                scores = np.asarray(parameters.score(data.features))
                result = report(scores[data.live], scores[~data.live], parameters.threshold)
                protocol = "fixed parameters"
            else:
                result = nested(data.features, data.live, data.subjects).nested
                protocol = "nested leave-one-subject-out"
        except VisionError as error:
            typer.echo(f"Error: {error.message}", err=True)
            raise typer.Exit(2) from None
        figures = result.as_json() | {
            "frames_without_face": data.without_face,
            "subjects": data.subject_count,
            "protocol": protocol,
        }
        if as_json:
            typer.echo(json.dumps(figures))
            return
        typer.echo(
            f"{live} vs {spoof}: {result.live_frames} live, {result.attack_frames} attack frames "
            f"({data.without_face} without a face), {data.subject_count} subjects, {protocol}"
        )
        typer.echo(f"  APCER                {result.apcer:.2%}")
        typer.echo(f"  BPCER                {result.bpcer:.2%}")
        typer.echo(f"  EER                  {result.eer:.2%}")
        typer.echo(f"  APCER @ BPCER 1e-2   {result.apcer_at_bpcer_1e2:.2%}")
        typer.echo(f"  APCER @ BPCER 5e-2   {result.apcer_at_bpcer_5e2:.2%}")
