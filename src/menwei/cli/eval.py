"""``menwei eval …``: evaluations on public data sets. Each command also answers in JSON.

The face-recognition evaluations embed every image with a small pool of worker processes
(``--workers``, both cores by default) and keep the vectors in memory only: nothing of the data
set is cached on disk.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

eval_app = typer.Typer(
    help="Measure recognition and liveness on evaluation data.", no_args_is_help=True
)

DataOption = Annotated[Path, typer.Option("--data", help="Folder of the data set.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
WorkersOption = Annotated[
    int, typer.Option("--workers", min=0, help="Worker processes (0: both cores at most).")
]
FlipOption = Annotated[
    bool,
    typer.Option("--flip/--no-flip", help="Average each face with its mirror image."),
]


def _embedder(flip: bool, workers: int):
    from menwei.vision.batch import EmbedOptions, embed_files, vectors_by_path

    def embed(paths: list[Path]) -> dict:
        typer.echo(f"Embedding {len(paths)} images …", err=True)
        return vectors_by_path(embed_files(paths, EmbedOptions(flip=flip), workers=workers or None))

    return embed


def _fail(error: Exception) -> None:
    message = getattr(error, "message", str(error))
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


@eval_app.command("lfw")
def lfw(
    data: DataOption = Path("../shared/data/lfw"),
    as_json: JsonOption = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the ROC curve to this PNG file.")
    ] = None,
    flip: FlipOption = False,
    workers: WorkersOption = 0,
) -> None:
    """LFW View 2 (6,000 pairs, 10 folds): accuracy, TAR at FAR 1e-3 / 1e-4, EER."""
    from menwei.vision import lfw as protocol
    from menwei.vision.errors import VisionError

    try:
        report, scores, same = protocol.run(data, _embedder(flip, workers))
    except VisionError as error:
        _fail(error)
        return
    if plot is not None:
        _plot_roc(plot, scores[same], scores[~same], report.accuracy)
    if as_json:
        typer.echo(json.dumps(report.as_json()))
        return
    typer.echo(f"LFW View 2, {report.pairs} pairs ({report.failed_detections} without a face)")
    typer.echo(f"  accuracy        {report.accuracy:.2%} ± {report.accuracy_std:.2%}")
    typer.echo(f"  TAR @ FAR 1e-3  {report.tar_at_far_1e3:.2%}")
    typer.echo(f"  TAR @ FAR 1e-4  {report.tar_at_far_1e4:.2%}")
    typer.echo(f"  EER             {report.eer:.2%}")


def _plot_roc(path: Path, genuine, impostor, accuracy: float) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        typer.echo("The ROC plot needs matplotlib: pip install 'menwei[eval]'.", err=True)
        raise typer.Exit(2) from None
    from menwei.vision.calibrate import roc

    far, tar, _ = roc(genuine, impostor)
    figure, axis = plt.subplots(figsize=(5, 4))
    axis.semilogx(far[far > 0], tar[far > 0], label=f"YuNet + SFace (acc. {accuracy:.2%})")
    axis.set_xlabel("false accept rate")
    axis.set_ylabel("true accept rate")
    axis.set_title("LFW View 2 ROC")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


@eval_app.command("identify")
def identify(
    data: DataOption,
    as_json: JsonOption = False,
    flip: FlipOption = False,
    workers: WorkersOption = 0,
) -> None:
    """Open-set 1:N on a folder per identity: rank-1, FNIR at FPIR 1 % and 0.1 %."""
    import numpy as np

    from menwei.vision import identify as protocol
    from menwei.vision.errors import VisionError

    try:
        searches = protocol.search_all(protocol.read_identities(data), _embedder(flip, workers))
    except VisionError as error:
        _fail(error)
        return
    report = protocol.report(searches)
    quantiles = (0.001, 0.01, 0.5, 0.99, 0.999, 1.0)

    def summary(values: np.ndarray) -> dict[str, float]:
        return {f"p{q * 100:g}": round(float(np.quantile(values, q)), 4) for q in quantiles}

    result = report.as_json() | {
        "genuine_scores": summary(searches.genuine),
        "non_mated_top_scores": summary(searches.non_mated_top_score),
    }
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(
        f"{data}: gallery {report.gallery}, mated probes {report.probes}, "
        f"distractors {report.distractors} ({report.failed_detections} without a face)"
    )
    typer.echo(f"  rank-1                 {report.rank1:.2%}")
    typer.echo(
        f"  FNIR @ FPIR 1e-2       {report.fnir_at_fpir_1e2:.2%} "
        f"(threshold {report.threshold_at_fpir_1e2:.3f})"
    )
    typer.echo(
        f"  FNIR @ FPIR 1e-3       {report.fnir_at_fpir_1e3:.2%} "
        f"(threshold {report.threshold_at_fpir_1e3:.3f})"
    )
    typer.echo(f"  genuine scores         {result['genuine_scores']}")
    typer.echo(f"  non-mated top scores   {result['non_mated_top_scores']}")
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")
