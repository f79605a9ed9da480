from __future__ import annotations

import importlib.util

import pytest

from menwei.gate.doors import (
    DoorController,
    GpioDoor,
    HttpRelayDoor,
    RelayConfig,
    SimulatedDoor,
    make_driver,
)
from menwei.gate.errors import DoorError


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_pulse_unlocks_and_locks_again_after_the_pulse_length() -> None:
    clock = FakeClock()
    door = SimulatedDoor()
    controller = DoorController(door, pulse_s=3, clock=clock)
    controller.pulse()
    assert door.unlocked
    clock.now = 2.9
    controller.tick()
    assert door.unlocked
    clock.now = 3.0
    controller.tick()
    assert not door.unlocked
    assert door.history == ["open", "close"]


def test_a_second_pulse_extends_the_first_without_toggling_the_relay() -> None:
    clock = FakeClock()
    door = SimulatedDoor()
    controller = DoorController(door, pulse_s=3, clock=clock)
    controller.pulse()
    clock.now = 2.0
    controller.pulse()
    clock.now = 4.0
    controller.tick()
    assert door.unlocked
    clock.now = 5.0
    controller.tick()
    assert door.history == ["open", "close"]


def test_a_door_held_open_by_its_sensor_raises_one_alarm_per_episode() -> None:
    clock = FakeClock()
    leaf_open = [True]
    alarms: list[float] = []
    controller = DoorController(
        SimulatedDoor(),
        pulse_s=1,
        held_open_alarm_s=10,
        sensor=lambda: leaf_open[0],
        on_held_open=alarms.append,
        clock=clock,
    )
    for t in range(0, 15):
        clock.now = float(t)
        controller.tick()
    assert alarms == [10.0]
    leaf_open[0] = False
    clock.now = 16.0
    controller.tick()
    leaf_open[0] = True
    for t in range(17, 30):
        clock.now = float(t)
        controller.tick()
    assert alarms == [10.0, 10.0]


def test_close_locks_a_door_that_is_still_unlocked() -> None:
    door = SimulatedDoor()
    controller = DoorController(door, pulse_s=60).start(interval_s=0.01)
    controller.pulse()
    controller.close()
    assert not door.unlocked


def test_the_http_relay_calls_the_configured_urls(http_server) -> None:
    base, recorded = http_server
    config = RelayConfig(
        open_url=base + "/relay/{door}?turn=on&ms={pulse_ms}",
        close_url=base + "/relay/{door}?turn=off",
        door="2",
    )
    relay = HttpRelayDoor(config, pulse_s=1.5)
    relay.energise()
    relay.release()
    relay.close()
    assert [path for _, path, _ in recorded.requests] == [
        "/relay/2?turn=on&ms=1500",
        "/relay/2?turn=off",
    ]


def test_the_http_relay_retries_a_failing_board(http_server) -> None:
    base, recorded = http_server
    recorded.statuses.extend([500, 503])
    relay = HttpRelayDoor(RelayConfig(open_url=base + "/on", retries=2))
    relay.energise()
    relay.close()
    assert len(recorded.requests) == 3


def test_an_unreachable_relay_raises_a_door_error_that_says_what_to_check(http_server) -> None:
    base, recorded = http_server
    recorded.statuses.extend([500, 500, 500])
    relay = HttpRelayDoor(RelayConfig(open_url=base + "/on", retries=2))
    with pytest.raises(DoorError, match="did not answer"):
        relay.energise()
    relay.close()


def test_a_relay_on_a_closed_port_fails_fast_with_a_door_error() -> None:
    relay = HttpRelayDoor(RelayConfig(open_url="http://127.0.0.1:9/on", timeout_s=0.5, retries=1))
    with pytest.raises(DoorError, match="network cable"):
        relay.energise()
    relay.close()


@pytest.mark.skipif(importlib.util.find_spec("gpiod") is not None, reason="gpiod is installed")
def test_the_gpio_driver_without_gpiod_explains_how_to_install_it() -> None:
    with pytest.raises(DoorError, match="pip install gpiod"):
        GpioDoor()


def test_an_unknown_driver_name_lists_the_choices() -> None:
    with pytest.raises(DoorError, match="simulated, http-relay, gpio"):
        make_driver("telepathy")
    with pytest.raises(DoorError, match="relay-open-url"):
        make_driver("http-relay")
