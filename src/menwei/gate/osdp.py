"""OSDP card readers on an RS-485 bus, with the gate as the control panel (``libosdp``).

Card reads and keypad presses from every reader on the bus go into the same credential path as
the keyboard-wedge reader and the PIN pad; the decision comes back to the reader as light and
sound: green and a short beep to allow, red and a long beep to deny, amber flashing and two
beeps for "show your card or PIN too".

Secure Channel is required: each reader has its own 16-byte key (SCBK), and a reader that does
not set up Secure Channel with that key is never brought online, so nothing it sends is read.
A reader that drops off the bus, comes back, or reports tamper becomes an event; the gate keeps
deciding on its other readers and inputs.
"""

from __future__ import annotations

import logging
import os
import queue
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from osdp import (
    Capability,
    Channel,
    Command,
    CommandLEDColor,
    ControlPanel,
    Event,
    LibFlag,
    LogLevel,
    PDInfo,
)

from menwei.gate.credentials import Clock, PinPad, PresentedCredential
from menwei.gate.errors import CredentialInputError, GateError

log = logging.getLogger(__name__)

#: keypad bytes OSDP readers send for the two function keys
_ENTER = {ord("#"), 0x0D}
_CLEAR = {ord("*"), 0x7F}

_BAUD = {9600: termios.B9600, 19200: termios.B19200, 38400: termios.B38400,
         57600: termios.B57600, 115200: termios.B115200}  # fmt: skip


class OsdpError(GateError):
    """The OSDP bus could not be opened, or a reader is configured wrongly."""

    code = "osdp"


@dataclass(frozen=True)
class ReaderSettings:
    """One reader on the bus: its address (0-126) and its Secure Channel key (16 bytes)."""

    address: int
    key: bytes = field(repr=False)
    name: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.address <= 126:
            raise OsdpError(f"An OSDP reader address is 0 to 126, not {self.address}.")
        if len(self.key) != 16:
            raise OsdpError(
                f"Reader {self.address}: a Secure Channel key is 16 bytes (32 hex digits)."
            )


class SerialChannel(Channel):
    """An RS-485 adapter (``/dev/ttyUSB0``…) in raw mode, non-blocking, 8N1."""

    def __init__(self, device: str, baud: int = 9600) -> None:
        super().__init__()
        if baud not in _BAUD:
            raise OsdpError(f"OSDP speeds are {', '.join(map(str, _BAUD))} baud, not {baud}.")
        try:
            self._fd = os.open(device, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            attrs = termios.tcgetattr(self._fd)
            attrs[0] = 0  # iflag: raw
            attrs[1] = 0  # oflag: raw
            attrs[2] = termios.CS8 | termios.CREAD | termios.CLOCAL
            attrs[3] = 0  # lflag: no echo, no canonical mode
            attrs[4] = attrs[5] = _BAUD[baud]
            termios.tcsetattr(self._fd, termios.TCSANOW, attrs)
        except OSError as error:
            raise OsdpError(
                f"The OSDP port {device} could not be opened ({error.strerror}). Check the "
                "RS-485 adapter and that this user may use it (group 'dialout')."
            ) from None

    def read(self, max_bytes: int) -> bytes:
        try:
            return os.read(self._fd, max_bytes)
        except BlockingIOError:
            return b""

    def write(self, buf: bytes) -> int:
        try:
            return os.write(self._fd, buf)
        except BlockingIOError:
            return 0

    def flush(self) -> None:
        termios.tcdrain(self._fd)

    def close(self) -> None:
        os.close(self._fd)


def wiegand_number(bits: int, data: bytes) -> str | None:
    """A raw Wiegand read as the 10-digit number keyboard-wedge readers type for the same card.

    26- and 34-bit reads carry a parity bit at each end, which is dropped; other lengths are
    taken whole. ``None`` for a read that holds no bits.
    """
    if bits <= 0 or len(data) * 8 < bits:
        return None
    value = int.from_bytes(data, "big") >> (len(data) * 8 - bits)
    if bits in (26, 34):
        value = (value >> 1) & ((1 << (bits - 2)) - 1)
    return f"{value:010d}"


Feedback = str  # "allow", "deny" or "step_up"

_LIGHTS = {
    "allow": (CommandLEDColor.Green, CommandLEDColor.Green, 20, 0, 1, 3),
    "deny": (CommandLEDColor.Red, CommandLEDColor.Red, 30, 0, 1, 15),
    "step_up": (CommandLEDColor.Amber, CommandLEDColor.Black, 3, 3, 2, 3),
}


class OsdpPanel:
    """The gate as OSDP control panel for the readers on one bus.

    ``on_credential(address, credential)`` is called for each card read and each PIN entered
    on a reader's keypad and returns the feedback to show there; ``on_event(reason, address)``
    is called for a reader going offline or online.
    """

    def __init__(
        self,
        channel_for: Callable[[ReaderSettings], Channel],
        readers: list[ReaderSettings],
        *,
        on_credential: Callable[[int, PresentedCredential], Feedback | None],
        on_event: Callable[[str, int], None],
        clock: Clock | None = None,
    ) -> None:
        if not readers:
            raise OsdpError("The osdp driver needs at least one reader address and key.")
        if len({r.address for r in readers}) != len(readers):
            raise OsdpError("Two OSDP readers on one bus have the same address.")
        self.readers = {r.address: r for r in readers}
        self.on_credential = on_credential
        self.on_event = on_event
        self._pads = {r.address: PinPad(clock=clock) if clock else PinPad() for r in readers}
        self._clock = clock
        infos = [
            PDInfo(
                r.address,
                channel_for(r),
                scbk=r.key,
                name=r.name or f"reader-{r.address}",
                flags=[LibFlag.EnforceSecure],
            )
            for r in readers
        ]
        self._cp = ControlPanel(infos, log_level=LogLevel.Error, event_handler=self._on_osdp_event)
        self.online: dict[int, bool] = dict.fromkeys(self.readers, False)
        self._stop = threading.Event()
        self._watch: threading.Thread | None = None
        self._worker: threading.Thread | None = None
        self._inbox: queue.Queue[tuple[int, dict[str, Any]] | None] = queue.Queue()

    def start(self, poll_s: float = 0.2, secure_grace_s: float = 10.0) -> OsdpPanel:
        """Run the bus; a reader not in Secure Channel ``secure_grace_s`` after start is
        reported (wrong key, a reader without Secure Channel, or wiring)."""
        self._cp.start()
        self._watch = threading.Thread(
            target=self._watch_loop,
            args=(poll_s, time.monotonic() + secure_grace_s),
            name="osdp-watch",
            daemon=True,
        )
        self._watch.start()
        self._worker = threading.Thread(target=self._work, name="osdp-decide", daemon=True)
        self._worker.start()
        return self

    def close(self) -> None:
        self._stop.set()
        self._inbox.put(None)
        for thread in (self._watch, self._worker):
            if thread is not None:
                thread.join(timeout=2)
        self._cp.stop()

    # -- readers coming and going ---------------------------------------------------------

    def _watch_loop(self, poll_s: float, grace_until: float) -> None:
        never_secure = set(self.readers)
        while not self._stop.wait(poll_s):
            try:
                online = self._cp.status()
                secure = self._cp.sc_status()
            except (RuntimeError, OSError):  # the panel is shutting down
                return
            for n, address in enumerate(self._cp.pd_addr):
                now_online = bool(online & (1 << n)) and bool(secure & (1 << n))
                if now_online:
                    never_secure.discard(address)
                elif address in never_secure and time.monotonic() > grace_until:
                    never_secure.discard(address)
                    log.error(
                        "OSDP reader %d did not set up Secure Channel with its key and is not "
                        "listened to: check the key in the gate settings (a reader without "
                        "Secure Channel is refused), its address and the RS-485 wiring.",
                        address,
                    )
                    self._report("osdp_reader_not_secure", address)
                if now_online != self.online[address]:
                    self.online[address] = now_online
                    self._report("osdp_reader_online" if now_online else "osdp_reader_offline",
                                 address)  # fmt: skip

    def _report(self, reason: str, address: int) -> None:
        log.warning("OSDP reader %d: %s", address, reason)
        try:
            self.on_event(reason, address)
        except GateError as error:
            log.error("OSDP event not stored: %s", error.message)

    # -- what the readers send ------------------------------------------------------------

    def _on_osdp_event(self, pd: int, event: dict[str, Any]) -> int:
        """Called on libosdp's thread, which holds the panel: hand over and return at once."""
        address = self._cp.pd_addr[pd]
        if self.online.get(address):  # only a reader in Secure Channel is listened to
            self._inbox.put((address, event))
        return 0

    def _work(self) -> None:
        while (item := self._inbox.get()) is not None:
            self._handle(*item)

    def _handle(self, address: int, event: dict[str, Any]) -> None:
        try:
            if event.get("event") == Event.CardRead:
                number = wiegand_number(int(event.get("length", 0)), bytes(event.get("data", b"")))
                if number is not None:
                    self._decide(address, PresentedCredential("card", number, self._now()))
            elif event.get("event") == Event.KeyPress:
                for byte in bytes(event.get("data", b"")):
                    self._key(address, byte)
        except CredentialInputError as error:
            log.info("OSDP reader %d: %s", address, error.message)
            self.show(address, "deny")

    def _key(self, address: int, byte: int) -> None:
        key = "#" if byte in _ENTER else "*" if byte in _CLEAR else chr(byte)
        credential = self._pads[address].press(key)
        if credential is not None:
            self._decide(address, credential)

    def _decide(self, address: int, credential: PresentedCredential) -> None:
        feedback = self.on_credential(address, credential)
        if feedback is not None:
            self.show(address, feedback)

    def _now(self) -> float:
        return self._clock() if self._clock else time.monotonic()

    # -- what the readers show ------------------------------------------------------------

    def show(self, address: int, feedback: Feedback) -> None:
        """Light and sound on reader ``address`` for a decision."""
        on, off, on_count, off_count, beeps, beep_len = _LIGHTS[feedback]
        led = {
            "command": Command.LED,
            "reader": 0,
            "led_number": 0,
            "control_code": 1,
            "on_count": on_count,
            "off_count": off_count,
            "on_color": on,
            "off_color": off,
            "timer_count": 30,
            "temporary": True,
        }
        buzzer = {
            "command": Command.Buzzer,
            "reader": 0,
            "control_code": 2,
            "on_count": beep_len,
            "off_count": 2,
            "rep_count": beeps,
        }
        # A command the reader did not declare makes libosdp take it off the bus for minutes:
        # send only what it can do (a reader without a buzzer still gets the light).
        for capability, command in (
            (Capability.LEDControl, led),
            (Capability.AudibleControl, buzzer),
        ):
            if self._can(address, capability):
                self._cp.submit_command(address, command)

    def _can(self, address: int, capability: int) -> bool:
        try:
            compliance, _ = self._cp.check_capability(address, capability)
        except (RuntimeError, ValueError, TypeError):
            return False
        return bool(compliance)
