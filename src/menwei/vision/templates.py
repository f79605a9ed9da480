"""Enrolment templates: one unit float32 vector from one to five embeddings of the same person.

The template is the normalised mean of the embeddings. Averaging several photos smooths out
one bad angle or light; refusing photos that disagree with each other keeps a second person
(or a photo of someone else) from being mixed into a resident's template.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from menwei.vision.embed import EMBEDDING_DIM, normalise
from menwei.vision.errors import TemplateError

MAX_IMAGES = 5
MIN_AGREEMENT = 0.4
"""Lowest cosine similarity allowed between any two enrolment embeddings.

Enrolment photos are taken minutes apart. Pairs of NUAA live frames of one person, across
sessions and glasses, score below 0.47 in 0.1 % of cases (lowest 0.37); among LFW's 29.6
million pairs of different people, fewer than 1 in 1,000 reach 0.4 (p99.9 = 0.359, p99.99 =
0.415; see BENCHMARKS.md). A pair below it almost surely shows two people.
"""


def build_template(
    embeddings: Sequence[np.ndarray],
    *,
    min_agreement: float = MIN_AGREEMENT,
    dim: int = EMBEDDING_DIM,
) -> np.ndarray:
    """The template for one person from 1–5 embeddings, refusing sets that disagree.

    ``dim`` is the embedding size of the model that made them (``Embedder.dim``).
    """
    if not 1 <= len(embeddings) <= MAX_IMAGES:
        raise TemplateError(
            message_id="template.enrolment_needs_photos_2",
            max_images=MAX_IMAGES,
            embeddings_count=len(embeddings),
        )
    try:
        stack = np.stack([np.asarray(e, dtype=np.float32).reshape(-1) for e in embeddings])
    except ValueError:
        raise TemplateError(message_id="template.embeddings_do_all_same") from None
    if stack.shape[1] != dim or not np.all(np.isfinite(stack)):
        raise TemplateError(message_id="template.each_embedding_finite_numbers", dim=dim)
    stack = normalise(stack)
    if len(stack) > 1:
        similarity = stack @ stack.T
        if float(similarity.min()) < min_agreement:
            raise TemplateError(
                message_id="template.photos_do_all_show",
            )
    return normalise(stack.mean(axis=0))
