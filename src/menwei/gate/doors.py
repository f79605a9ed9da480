"""Door drivers: the one place where a decision becomes an unlocked door.

Three drivers share one small interface (``energise`` / ``release``):

- ``simulated`` logs and keeps its state in memory, for demos and tests;
- ``http-relay`` calls the URL templates of a network relay board (most boards take a GET such
  as ``http://relay/relay/0?turn=on``), with a timeout and retries;
- ``gpio`` drives a Linux GPIO line through libgpiod (the optional ``gpiod`` package).

A ``DoorController`` over any driver gives the behaviour an installer configures: a pulse of a
set length per authorised passage, and a held-open alarm when the door (by its sensor, or by
the relay state when there is no sensor) stays open longer than allowed.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx

from menwei.gate.errors import DoorError

log = logging.getLogger(__name__)

Clock = Callable[[], float]


class DoorDriver(Protocol):
    """Energise the lock release (door unlocked) or let it go (door locked)."""

    name: str

    def energise(self) -> None: ...

    def release(self) -> None: ...

    def close(self) -> None:
        """Free the hardware or connections."""
        ...


class SimulatedDoor:
    """A door that only logs. ``unlocked`` and ``history`` let tests see what happened."""

    name = "simulated"

    def __init__(self, door_name: str = "door") -> None:
        self.door_name = door_name
        self.unlocked = False
        self.history: list[str] = []

    def energise(self) -> None:
        self.unlocked = True
        self.history.append("open")
        log.info("simulated door %s: unlocked", self.door_name)

    def release(self) -> None:
        self.unlocked = False
        self.history.append("close")
        log.info("simulated door %s: locked", self.door_name)

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class RelayConfig:
    """URL templates for a network relay board; ``{door}`` and ``{pulse_ms}`` are filled in."""

    open_url: str
    close_url: str | None = None
    method: str = "GET"
    timeout_s: float = 2.0
    retries: int = 2
    door: str = "0"


class HttpRelayDoor:
    """A network relay board driven over HTTP.

    Many boards pulse on their own when given the pulse length in the open URL; for those,
    leave ``close_url`` empty. A request that fails after its retries raises ``DoorError``: the
    gate then shows "please use the intercom" rather than pretending the door opened.
    """

    name = "http-relay"

    def __init__(
        self, config: RelayConfig, *, pulse_s: float = 3.0, client: httpx.Client | None = None
    ):
        self.config = config
        self.pulse_s = pulse_s
        self._client = client or httpx.Client(timeout=config.timeout_s)

    def _call(self, template: str) -> None:
        url = template.format(door=self.config.door, pulse_ms=int(self.pulse_s * 1000))
        last: str = ""
        for _ in range(self.config.retries + 1):
            try:
                response = self._client.request(self.config.method, url)
            except httpx.HTTPError as error:
                last = type(error).__name__
                continue
            if response.is_success:
                return
            last = f"HTTP {response.status_code}"
        raise DoorError(
            f"The relay at {httpx.URL(url).host} did not answer ({last}) after "
            f"{self.config.retries + 1} tries. Check its power and network cable."
        )

    def energise(self) -> None:
        self._call(self.config.open_url)

    def release(self) -> None:
        if self.config.close_url:
            self._call(self.config.close_url)

    def close(self) -> None:
        self._client.close()


class GpioDoor:
    """A lock relay wired to a GPIO line, through libgpiod's Python binding (``gpiod`` >= 2)."""

    name = "gpio"

    def __init__(self, chip: str = "/dev/gpiochip0", line: int = 17, *, active_low: bool = False):
        try:
            gpiod = importlib.import_module("gpiod")
        except ImportError:
            raise DoorError(
                "The gpio driver needs the Python package 'gpiod' (libgpiod 2). Install it with "
                "'pip install gpiod', or choose --driver http-relay or simulated."
            ) from None
        self._gpiod = gpiod
        self._line = line
        try:
            line_settings = gpiod.LineSettings(
                direction=gpiod.line.Direction.OUTPUT,
                active_low=active_low,
                output_value=gpiod.line.Value.INACTIVE,
            )
            self._request = gpiod.request_lines(
                chip, consumer="menwei-gate", config={line: line_settings}
            )
        except (OSError, ValueError) as error:
            raise DoorError(
                f"Could not claim GPIO line {line} on {chip} ({error}). Check the chip path, the "
                "line number, and that this user may use the GPIO device."
            ) from None

    def _set(self, active: bool) -> None:
        value = self._gpiod.line.Value.ACTIVE if active else self._gpiod.line.Value.INACTIVE
        try:
            self._request.set_value(self._line, value)
        except OSError as error:
            raise DoorError(f"GPIO line {self._line} could not be set ({error}).") from None

    def energise(self) -> None:
        self._set(True)

    def release(self) -> None:
        self._set(False)

    def close(self) -> None:
        self._request.release()


class DoorController:
    """Pulses a driver for each passage and raises the held-open alarm.

    ``sensor`` (optional) tells whether the door leaf is physically open; without one, the
    relay state stands in for it. ``on_held_open`` is called once per held-open episode with the
    number of seconds the door has been open. Call ``tick`` often (the pipeline does, once per
    frame) or ``start`` a background thread that does.
    """

    def __init__(
        self,
        driver: DoorDriver,
        *,
        pulse_s: float = 3.0,
        held_open_alarm_s: float = 30.0,
        sensor: Callable[[], bool] | None = None,
        on_held_open: Callable[[float], None] | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        if pulse_s <= 0 or held_open_alarm_s <= 0:
            raise ValueError("pulse_s and held_open_alarm_s must be positive")
        self.driver = driver
        self.pulse_s = pulse_s
        self.held_open_alarm_s = held_open_alarm_s
        self._sensor = sensor
        self.on_held_open = on_held_open
        self._clock = clock
        self._lock = threading.RLock()
        self._release_at: float | None = None
        self._open_since: float | None = None
        self._alarmed = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def unlocked(self) -> bool:
        with self._lock:
            return self._release_at is not None

    def pulse(self) -> None:
        """Unlock now and lock again ``pulse_s`` later; a second pulse extends the first."""
        with self._lock:
            now = self._clock()
            if self._release_at is None:
                self.driver.energise()
            self._release_at = now + self.pulse_s

    def tick(self) -> None:
        """Lock when the pulse is over; check the held-open alarm."""
        with self._lock:
            now = self._clock()
            if self._release_at is not None and now >= self._release_at:
                self._release_at = None
                self.driver.release()
            is_open = self._sensor() if self._sensor is not None else self._release_at is not None
            if not is_open:
                self._open_since = None
                self._alarmed = False
                return
            if self._open_since is None:
                self._open_since = now
            held = now - self._open_since
            if held >= self.held_open_alarm_s and not self._alarmed:
                self._alarmed = True
                log.warning("door held open for %.0f s", held)
                if self.on_held_open is not None:
                    self.on_held_open(held)

    def start(self, interval_s: float = 0.05) -> DoorController:
        def loop() -> None:
            while not self._stop.wait(interval_s):
                try:
                    self.tick()
                except DoorError as error:
                    log.error("door: %s", error.message)

        self._thread = threading.Thread(target=loop, name="menwei-door", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop the thread, lock the door, and free the driver."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        with self._lock:
            if self._release_at is not None:
                self._release_at = None
                try:
                    self.driver.release()
                except DoorError as error:
                    log.error("door: %s", error.message)
        self.driver.close()


DRIVERS = ("simulated", "http-relay", "gpio", "uhppote")


def make_driver(
    kind: str,
    *,
    door_name: str = "door",
    relay: RelayConfig | None = None,
    pulse_s: float = 3.0,
    gpio_chip: str = "/dev/gpiochip0",
    gpio_line: int = 17,
    gpio_active_low: bool = False,
) -> DoorDriver:
    """The driver ``--driver`` names, configured; a clear error for an unknown name."""
    if kind == "simulated":
        return SimulatedDoor(door_name)
    if kind == "http-relay":
        if relay is None:
            raise DoorError("The http-relay driver needs --relay-open-url (and optionally close).")
        return HttpRelayDoor(relay, pulse_s=pulse_s)
    if kind == "gpio":
        return GpioDoor(gpio_chip, gpio_line, active_low=gpio_active_low)
    if kind == "uhppote":
        raise DoorError("The uhppote driver is built from the [uhppote] gate settings.")
    raise DoorError(f"Unknown door driver {kind!r}: choose one of {', '.join(DRIVERS)}.")
