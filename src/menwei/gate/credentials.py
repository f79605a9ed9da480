"""Non-face ways in at the same door: a card reader, a PIN pad, and QR passes on the camera.

Face recognition is never required (R1): anyone who declines it uses one of these. The gate
only *reads* them here; whether a card, PIN or pass opens the door is decided by ``core``.

- A USB card reader of the common kind acts as a keyboard ("keyboard wedge"): it types the
  card number and presses Enter. ``CardReader`` turns such lines into card numbers, ignoring
  the same card presented again within the debounce time. The lines come from the console,
  or straight from the reader's Linux input device (``evdev_lines``).
- A PIN pad types digits; ``*`` clears, ``#`` or Enter submits; an idle pause clears too.
- ``QrReader`` decodes QR codes in camera frames with OpenCV's ``QRCodeDetector``.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal, TextIO

import cv2
import numpy as np

from menwei.gate.errors import CredentialInputError

Clock = Callable[[], float]
CredentialKind = Literal["card", "pin", "qr"]


@dataclass(frozen=True)
class PresentedCredential:
    """A credential someone presented. ``value`` is a secret: it is never logged."""

    kind: CredentialKind
    value: str
    at: float

    def __repr__(self) -> str:
        return f"PresentedCredential(kind={self.kind!r}, value=<{len(self.value)} chars>)"


class _Debounce:
    def __init__(self, seconds: float, clock: Clock) -> None:
        self.seconds = seconds
        self.clock = clock
        self._last: dict[str, float] = {}

    def fresh(self, value: str) -> bool:
        now = self.clock()
        last = self._last.get(value)
        self._last = {v: t for v, t in self._last.items() if now - t < self.seconds}
        if last is not None and now - last < self.seconds:
            return False
        self._last[value] = now
        return True


class CardReader:
    """Card numbers from a keyboard-wedge reader: one line of digits per card."""

    def __init__(
        self,
        *,
        debounce_s: float = 2.0,
        min_digits: int = 4,
        max_digits: int = 20,
        clock: Clock = time.monotonic,
    ) -> None:
        self.min_digits = min_digits
        self.max_digits = max_digits
        self._clock = clock
        self._debounce = _Debounce(debounce_s, clock)

    def parse(self, line: str) -> PresentedCredential | None:
        """One typed line; ``None`` for a repeat within the debounce time.

        A line that is not a plausible card number raises ``CredentialInputError``.
        """
        number = line.strip()
        if not number.isdecimal() or not number.isascii():
            raise CredentialInputError("The card could not be read. Please present it again.")
        if not self.min_digits <= len(number) <= self.max_digits:
            raise CredentialInputError("The card could not be read. Please present it again.")
        if not self._debounce.fresh(number):
            return None
        return PresentedCredential("card", number, self._clock())

    def read(
        self, stream: TextIO | Iterable[str]
    ) -> Iterator[PresentedCredential | CredentialInputError]:
        """Every card in ``stream``: ``sys.stdin`` on the gate's console, or ``evdev_lines``."""
        for line in stream:
            if not line.strip():
                continue
            try:
                credential = self.parse(line)
            except CredentialInputError as error:
                yield error
                continue
            if credential is not None:
                yield credential


# Linux input events (struct input_event on 64-bit: timeval, type u16, code u16, value s32).
_INPUT_EVENT = struct.Struct("llHHi")
_EV_KEY = 1
_KEY_DOWN = 1
_DIGIT_KEYS = {
    **{code: str(digit) for code, digit in zip(range(2, 11), range(1, 10), strict=True)},
    11: "0",
    # the numeric keypad
    71: "7", 72: "8", 73: "9", 75: "4", 76: "5", 77: "6", 79: "1", 80: "2", 81: "3", 82: "0",
}  # fmt: skip
_ENTER_KEYS = {28, 96}


_CLEAR_KEYS = {14, 55, 111}  # backspace, keypad *, delete


def evdev_keys(stream: BinaryIO) -> Iterator[str]:
    """Key presses on a Linux input device (``/dev/input/event…``) as PIN-pad keys: digits,
    ``#`` for Enter and ``*`` for clear; other keys and key releases are ignored."""
    while True:
        data = stream.read(_INPUT_EVENT.size)
        if len(data) < _INPUT_EVENT.size:
            return
        _, _, kind, code, value = _INPUT_EVENT.unpack(data)
        if kind != _EV_KEY or value != _KEY_DOWN:
            continue
        if code in _ENTER_KEYS:
            yield "#"
        elif code in _CLEAR_KEYS:
            yield "*"
        elif code in _DIGIT_KEYS:
            yield _DIGIT_KEYS[code]


def evdev_lines(stream: BinaryIO) -> Iterator[str]:
    """Lines typed on a Linux input device, for a card reader the desktop does not own:
    digits are collected until Enter."""
    digits: list[str] = []
    for key in evdev_keys(stream):
        if key == "#":
            if digits:
                yield "".join(digits)
            digits = []
        elif key == "*":
            digits = []
        else:
            digits.append(key)


class PinPad:
    """Key presses from a PIN pad, one at a time, into submitted PINs."""

    def __init__(
        self,
        *,
        min_digits: int = 4,
        max_digits: int = 8,
        idle_timeout_s: float = 10.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.min_digits = min_digits
        self.max_digits = max_digits
        self.idle_timeout_s = idle_timeout_s
        self._clock = clock
        self._digits: list[str] = []
        self._last_key: float | None = None

    @property
    def entered(self) -> int:
        """How many digits are typed so far: the kiosk shows this many dots, never digits."""
        return len(self._digits)

    def press(self, key: str) -> PresentedCredential | None:
        """Feed one key; returns the PIN when it is submitted."""
        now = self._clock()
        if self._last_key is not None and now - self._last_key > self.idle_timeout_s:
            self._digits.clear()
        self._last_key = now
        if key == "*":
            self._digits.clear()
            return None
        if key in ("#", "\n", "\r"):
            pin = "".join(self._digits)
            self._digits.clear()
            if not self.min_digits <= len(pin) <= self.max_digits:
                raise CredentialInputError(
                    f"A PIN has {self.min_digits} to {self.max_digits} digits. Please try again."
                )
            return PresentedCredential("pin", pin, now)
        if len(key) != 1 or not ("0" <= key <= "9"):
            raise CredentialInputError("Only digits, * (clear) and # (enter) are accepted.")
        if len(self._digits) >= self.max_digits:
            self._digits.clear()
            raise CredentialInputError("Too many digits. The PIN was cleared; please start again.")
        self._digits.append(key)
        return None


class QrReader:
    """QR pass payloads found in camera frames; verification is left to ``core``."""

    def __init__(
        self, *, debounce_s: float = 3.0, max_payload: int = 2048, clock: Clock = time.monotonic
    ) -> None:
        self.max_payload = max_payload
        self._clock = clock
        self._debounce = _Debounce(debounce_s, clock)
        self._detector = cv2.QRCodeDetector()

    def scan(self, image: np.ndarray) -> PresentedCredential | None:
        """The pass shown in ``image``, if any and not just read; malformed codes are ignored."""
        if image is None or image.ndim not in (2, 3) or image.size == 0:
            return None
        try:
            payload, points, _ = self._detector.detectAndDecode(image)
        except cv2.error:
            return None
        if not payload or points is None or len(payload) > self.max_payload:
            return None
        if not payload.isprintable() or not self._debounce.fresh(payload):
            return None
        return PresentedCredential("qr", payload, self._clock())
