"""1:N search: which enrolled templates are closest to a probe, by cosine similarity.

Templates are unit vectors, so cosine similarity is a dot product and a search is one
matrix-vector product over a contiguous float32 matrix. Adding appends a row (the matrix grows
by doubling); removing moves the last row into the hole. Neither rebuilds anything. The gallery
holds plain templates in memory only: it has no method that writes them anywhere.

Above a size measured in ``bench/vision_search.py`` an approximate index (``usearch``, HNSW)
answers faster; ``make_gallery`` picks the backend. Both have the same interface and are
checked against brute force in the tests.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from menwei.vision.embed import EMBEDDING_DIM
from menwei.vision.errors import GalleryError

ANN_MIN_SIZE = 2_000_000
"""From this many templates on, ``make_gallery`` prefers the approximate index. Measured on one
core (bench/vision_search.py, BENCHMARKS.md): exact search takes about 0.2 ms at 10k and 40–47
ms p50 at 1M, inside the 50 ms budget; HNSW answers 1M in 1.9 ms but found the true best match
for only 69 % of noisy random probes there (99.7 % at 100k). Exact search never misses, so it
is the default up to the largest size measured; ``AnnGallery`` is there for larger ones."""


@dataclass(frozen=True)
class Match:
    """One search result: whose template, and how similar (cosine, −1..1)."""

    id: Hashable
    score: float


class Searchable(Protocol):
    """What the gate and the server need from a gallery, whatever the backend."""

    def add(self, id: Hashable, template: np.ndarray, *, replace: bool = False) -> None: ...
    def remove(self, id: Hashable) -> None: ...
    def search(self, probe: np.ndarray, k: int = 1) -> list[Match]: ...
    def __len__(self) -> int: ...
    def __contains__(self, id: object) -> bool: ...


def check_template(template: np.ndarray, dim: int = EMBEDDING_DIM) -> np.ndarray:
    """``template`` as a unit float32 vector of ``dim``, or a ``GalleryError`` saying why not."""
    try:
        vector = np.asarray(template, dtype=np.float32).reshape(-1)
    except (TypeError, ValueError):
        raise GalleryError(message_id="gallery.template_vector_numbers", dim=dim) from None
    if vector.size != dim:
        raise GalleryError(message_id="gallery.template_numbers", dim=dim, vector_size=vector.size)
    if not np.all(np.isfinite(vector)):
        raise GalleryError(message_id="gallery.template_contains_nan_infinity")
    norm = float(np.linalg.norm(vector))
    if norm < 1e-6:
        raise GalleryError(message_id="gallery.template_cannot_all_zeros")
    return vector / norm


class Gallery:
    """Exact cosine top-k over templates held in one growing NumPy matrix."""

    def __init__(self, dim: int = EMBEDDING_DIM, *, capacity: int = 1024) -> None:
        self.dim = dim
        self._matrix = np.empty((max(1, capacity), dim), dtype=np.float32)
        self._ids: list[Hashable] = []
        self._rows: dict[Hashable, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, id: object) -> bool:
        return id in self._rows

    def __iter__(self) -> Iterator[Hashable]:
        return iter(list(self._ids))

    @property
    def nbytes(self) -> int:
        return int(self._matrix.nbytes)

    def _grow(self, needed: int) -> None:
        if needed <= self._matrix.shape[0]:
            return
        capacity = max(needed, self._matrix.shape[0] * 2)
        grown = np.empty((capacity, self.dim), dtype=np.float32)
        grown[: len(self._ids)] = self._matrix[: len(self._ids)]
        self._matrix = grown

    def add(self, id: Hashable, template: np.ndarray, *, replace: bool = False) -> None:
        """Enrol ``template`` under ``id``; an existing id is refused unless ``replace``."""
        vector = check_template(template, self.dim)
        row = self._rows.get(id)
        if row is not None:
            if not replace:
                raise GalleryError(message_id="gallery.person_already_template_gallery")
            self._matrix[row] = vector
            return
        self._grow(len(self._ids) + 1)
        self._matrix[len(self._ids)] = vector
        self._rows[id] = len(self._ids)
        self._ids.append(id)

    def add_many(self, items: Iterable[tuple[Hashable, np.ndarray]]) -> None:
        """Enrol many at once (loading a device's cache); same rules as ``add``."""
        items = list(items)
        self._grow(len(self._ids) + len(items))
        for id, template in items:
            self.add(id, template)

    def remove(self, id: Hashable) -> None:
        """Forget ``id``'s template: the last row moves into its place, nothing is rebuilt."""
        row = self._rows.pop(id, None)
        if row is None:
            raise GalleryError(message_id="gallery.template_id_gallery")
        last = len(self._ids) - 1
        if row != last:
            moved = self._ids[last]
            self._matrix[row] = self._matrix[last]
            self._ids[row] = moved
            self._rows[moved] = row
        self._matrix[last] = 0.0  # leave nothing of the removed template behind
        self._ids.pop()

    def scores(self, probe: np.ndarray) -> np.ndarray:
        """Cosine similarity of ``probe`` to every template, in insertion-derived row order."""
        vector = check_template(probe, self.dim)
        scores: np.ndarray = self._matrix[: len(self._ids)] @ vector
        return scores

    def search(self, probe: np.ndarray, k: int = 1) -> list[Match]:
        """The ``k`` most similar templates, best first (fewer if the gallery is smaller)."""
        if k < 1:
            raise GalleryError(message_id="gallery.k_least")
        scores = self.scores(probe)
        count = len(scores)
        if count == 0:
            return []
        k = min(k, count)
        top = np.argpartition(scores, count - k)[count - k :]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Match(self._ids[i], float(scores[i])) for i in top]


class AnnGallery:
    """The same interface over a ``usearch`` HNSW index, for galleries of hundreds of thousands.

    Approximate: a true best match can be missed (rarely; measured in the benchmark). The
    scores it returns are exact: the index stores float32 unit vectors and reports their inner
    product with the probe, which is the cosine similarity.
    """

    def __init__(
        self, dim: int = EMBEDDING_DIM, *, connectivity: int = 16, expansion_search: int = 128
    ) -> None:
        try:
            # The optional extra "ann", imported only when an approximate index is asked for:
            # the engine's required dependencies stay NumPy and OpenCV.
            from usearch.index import Index
        except ImportError:
            raise GalleryError(
                message_id="gallery.approximate_index_needs_optional",
            ) from None
        self.dim = dim
        self._index = Index(
            ndim=dim,
            metric="ip",
            dtype="f32",
            connectivity=connectivity,
            expansion_search=expansion_search,
        )
        self._keys: dict[Hashable, int] = {}
        self._ids: dict[int, Hashable] = {}
        self._next_key = 0

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, id: object) -> bool:
        return id in self._keys

    def add(self, id: Hashable, template: np.ndarray, *, replace: bool = False) -> None:
        vector = check_template(template, self.dim)
        if id in self._keys:
            if not replace:
                raise GalleryError(message_id="gallery.person_already_template_gallery")
            self.remove(id)
        key = self._next_key
        self._next_key += 1
        self._index.add(key, vector)
        self._keys[id] = key
        self._ids[key] = id

    def add_many(self, items: Iterable[tuple[Hashable, np.ndarray]]) -> None:
        items = list(items)
        fresh = [id for id, _ in items if id not in self._keys]
        if len(set(fresh)) != len(items):
            for id, template in items:
                self.add(id, template)
            return
        vectors = np.stack([check_template(t, self.dim) for _, t in items])
        keys = np.arange(self._next_key, self._next_key + len(items), dtype=np.uint64)
        self._next_key += len(items)
        self._index.add(keys, vectors, threads=1)
        for (id, _), key in zip(items, keys.tolist(), strict=True):
            self._keys[id] = key
            self._ids[key] = id

    def remove(self, id: Hashable) -> None:
        key = self._keys.pop(id, None)
        if key is None:
            raise GalleryError(message_id="gallery.template_id_gallery")
        del self._ids[key]
        self._index.remove(key)

    def search(self, probe: np.ndarray, k: int = 1) -> list[Match]:
        if k < 1:
            raise GalleryError(message_id="gallery.k_least")
        if not self._keys:
            return []
        vector = check_template(probe, self.dim)
        found = self._index.search(vector, min(k, len(self._keys)), threads=1)
        matches = [
            Match(self._ids[int(key)], 1.0 - float(distance))
            for key, distance in zip(found.keys, found.distances, strict=True)
            if int(key) in self._ids
        ]
        return sorted(matches, key=lambda match: -match.score)


def make_gallery(expected_size: int, dim: int = EMBEDDING_DIM) -> Gallery | AnnGallery:
    """The exact gallery, or the approximate one from ``ANN_MIN_SIZE`` templates if installed."""
    if expected_size >= ANN_MIN_SIZE:
        try:
            return AnnGallery(dim)
        except GalleryError:
            pass
    return Gallery(dim, capacity=max(1024, expected_size))
