from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from menwei.vision.batch import EmbedOptions, embed_files

from .conftest import background


def test_a_pool_of_two_workers_embeds_files_in_order_and_reports_unusable_ones(
    tmp_path: Path, astronaut: np.ndarray
) -> None:
    paths = []
    for index in range(16):
        image = cv2.convertScaleAbs(astronaut, alpha=0.6 + index * 0.02)
        path = tmp_path / f"{index:02d}.jpg"
        path.write_bytes(cv2.imencode(".jpg", image)[1].tobytes())
        paths.append(path)
    (tmp_path / "sky.jpg").write_bytes(cv2.imencode(".jpg", background(astronaut))[1].tobytes())
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 not really")
    paths += [tmp_path / "sky.jpg", tmp_path / "broken.jpg", tmp_path / "missing.jpg"]

    results = embed_files(paths, EmbedOptions(), workers=2)

    assert [r.path for r in results] == paths
    vectors = np.stack([r.vector for r in results[:16]])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float((vectors @ vectors[0]).min()) > 0.8  # the same face throughout
    assert [(r.vector, r.error) for r in results[16:]] == [
        (None, "no_face"),
        (None, "image_corrupt"),
        (None, "FileNotFoundError"),
    ]
