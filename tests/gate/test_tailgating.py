from __future__ import annotations

import pytest

from menwei.core import InvalidConfiguration
from menwei.gate.tailgating import TailgatingWatch


def _frames(watch: TailgatingWatch, track_ids: list[int], start: float, count: int) -> None:
    for i in range(count):
        assert watch.observe(track_ids, start + i * 0.1) is None


def test_one_person_let_in_and_one_crossing_is_no_incident() -> None:
    watch = TailgatingWatch(window_s=5)
    watch.authorise(0.0)
    _frames(watch, [1], 0.1, 5)
    assert watch.poll(6.0) is None
    assert not watch.is_open


def test_a_second_person_following_closely_is_reported() -> None:
    watch = TailgatingWatch(window_s=5, min_hits=2)
    watch.authorise(0.0)
    _frames(watch, [1, 2], 0.1, 5)
    incident = watch.poll(5.5)
    assert incident is not None
    assert (incident.authorisations, incident.crossings, incident.extra_people) == (1, 2, 1)


def test_two_authorisations_cover_two_people() -> None:
    watch = TailgatingWatch(window_s=5)
    watch.authorise(0.0)
    watch.authorise(0.5)
    _frames(watch, [1, 2], 0.6, 5)
    assert watch.poll(10.0) is None


def test_a_face_glimpsed_in_a_single_frame_does_not_count() -> None:
    watch = TailgatingWatch(window_s=5, min_hits=3)
    watch.authorise(0.0)
    _frames(watch, [1], 0.1, 5)
    watch.observe([2], 0.9)
    assert watch.poll(6.0) is None


def test_tolerance_allows_a_configured_number_of_extra_people() -> None:
    watch = TailgatingWatch(window_s=5, tolerance=1)
    watch.authorise(0.0)
    _frames(watch, [1, 2], 0.1, 3)
    assert watch.poll(6.0) is None


def test_faces_seen_while_the_door_is_closed_are_not_counted() -> None:
    watch = TailgatingWatch(window_s=2)
    _frames(watch, [7, 8, 9], 0.0, 5)
    watch.authorise(10.0)
    _frames(watch, [1], 10.1, 3)
    assert watch.poll(13.0) is None


def test_an_expired_window_is_reported_by_the_next_observation() -> None:
    watch = TailgatingWatch(window_s=1)
    watch.authorise(0.0)
    _frames(watch, [1, 2], 0.1, 3)
    incident = watch.observe([3], 5.0)
    assert incident is not None and incident.crossings == 2


def test_nonsense_configuration_is_refused() -> None:
    with pytest.raises(InvalidConfiguration, match="window"):
        TailgatingWatch(window_s=0)
    with pytest.raises(InvalidConfiguration, match="at least 1"):
        TailgatingWatch(min_hits=0)
