from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from menwei.vision.errors import GalleryError
from menwei.vision.gallery import AnnGallery, Gallery, check_template, make_gallery


def _unit(rng: np.random.Generator, n: int, dim: int = 128) -> np.ndarray:
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _brute_force(store: dict[int, np.ndarray], probe: np.ndarray, k: int) -> list[int]:
    scores = {id: float(vector @ probe) for id, vector in store.items()}
    return sorted(scores, key=lambda id: (-scores[id], id))[:k]


@settings(max_examples=60, deadline=None)
@given(
    operations=st.lists(
        st.tuples(st.sampled_from(["add", "remove"]), st.integers(0, 40)), max_size=120
    ),
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(1, 8),
)
def test_search_after_any_adds_and_removes_matches_brute_force(
    operations: list[tuple[str, int]], seed: int, k: int
) -> None:
    rng = np.random.default_rng(seed)
    gallery = Gallery(capacity=2)
    store: dict[int, np.ndarray] = {}
    for action, id in operations:
        if action == "add" and id not in store:
            store[id] = _unit(rng, 1)[0]
            gallery.add(id, store[id])
        elif action == "remove" and id in store:
            del store[id]
            gallery.remove(id)
    assert len(gallery) == len(store)
    assert set(gallery) == set(store)
    probe = _unit(rng, 1)[0]
    found = gallery.search(probe, k)
    assert [m.id for m in found] == _brute_force(store, probe, k)
    for match in found:
        assert match.score == pytest.approx(float(store[match.id] @ probe), abs=1e-5)


def test_a_removed_template_is_never_found_again_and_leaves_no_trace() -> None:
    rng = np.random.default_rng(3)
    vectors = _unit(rng, 3)
    gallery = Gallery()
    for id, vector in zip("abc", vectors, strict=True):
        gallery.add(id, vector)
    gallery.remove("a")
    assert "a" not in gallery
    assert gallery.search(vectors[0], k=3)[0].id != "a"
    assert all(m.id != "a" for m in gallery.search(vectors[0], k=3))
    # the freed row was zeroed, so the removed vector is not left in memory by the gallery
    assert not np.any(np.all(np.isclose(gallery._matrix, vectors[0]), axis=1))


def test_adding_an_existing_id_is_refused_unless_replacing() -> None:
    rng = np.random.default_rng(4)
    first, second = _unit(rng, 2)
    gallery = Gallery()
    gallery.add("p1", first)
    with pytest.raises(GalleryError, match="already"):
        gallery.add("p1", second)
    gallery.add("p1", second, replace=True)
    assert len(gallery) == 1
    assert gallery.search(second)[0].score == pytest.approx(1.0, abs=1e-5)


def test_bad_templates_and_unknown_ids_give_typed_errors() -> None:
    gallery = Gallery()
    with pytest.raises(GalleryError, match="128"):
        gallery.add("x", np.ones(64))
    with pytest.raises(GalleryError, match="NaN"):
        gallery.add("x", np.full(128, np.nan))
    with pytest.raises(GalleryError, match="zeros"):
        gallery.add("x", np.zeros(128))
    with pytest.raises(GalleryError, match="vector"):
        gallery.add("x", "not a vector")  # type: ignore[arg-type]
    with pytest.raises(GalleryError, match="No template"):
        gallery.remove("nobody")
    with pytest.raises(GalleryError, match="at least 1"):
        gallery.search(np.ones(128), k=0)
    assert gallery.search(np.ones(128)) == []


def test_templates_are_normalised_on_the_way_in() -> None:
    vector = check_template(np.full(128, 3.0))
    assert vector.dtype == np.float32
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0)


def test_add_many_grows_the_matrix_once_and_finds_every_template() -> None:
    rng = np.random.default_rng(5)
    vectors = _unit(rng, 500)
    gallery = Gallery(capacity=1)
    gallery.add_many((i, v) for i, v in enumerate(vectors))
    assert len(gallery) == 500
    assert gallery.nbytes >= 500 * 128 * 4
    for i in (0, 250, 499):
        assert gallery.search(vectors[i])[0].id == i


def test_the_approximate_index_finds_the_same_best_match_and_forgets_removed_ids() -> None:
    rng = np.random.default_rng(6)
    vectors = _unit(rng, 2000)
    exact, approximate = Gallery(), AnnGallery()
    exact.add_many(enumerate(vectors))
    approximate.add_many(enumerate(vectors))
    probes = vectors[:200] + 0.3 * _unit(rng, 200)
    agree = sum(exact.search(p)[0].id == approximate.search(p)[0].id for p in probes)
    assert agree >= 196
    approximate.remove(0)
    assert 0 not in approximate and len(approximate) == 1999
    assert all(m.id != 0 for m in approximate.search(vectors[0], k=5))
    with pytest.raises(GalleryError, match="already"):
        approximate.add(1, vectors[1])
    approximate.add(1, vectors[2], replace=True)
    assert approximate.search(vectors[2], k=2)[0].score == pytest.approx(1.0, abs=1e-4)


def test_make_gallery_keeps_exact_search_up_to_a_million_templates() -> None:
    assert isinstance(make_gallery(5_000), Gallery)
    assert isinstance(make_gallery(1_000_000), Gallery)
    assert isinstance(make_gallery(5_000_000), AnnGallery)
