from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
import segno

from menwei.gate.credentials import CardReader, PinPad, PresentedCredential, QrReader
from menwei.gate.errors import CredentialInputError


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _qr_image(payload: str) -> np.ndarray:
    buffer = io.BytesIO()
    segno.make_qr(payload, error="m").save(buffer, kind="png", scale=8, border=4)
    image = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_COLOR)
    canvas = np.full((480, 640, 3), 200, dtype=np.uint8)
    h, w = image.shape[:2]
    canvas[40 : 40 + h, 60 : 60 + w] = image
    return canvas


def test_a_card_reader_line_becomes_a_card_number() -> None:
    reader = CardReader()
    credential = reader.parse("0012345678\n")
    assert credential is not None
    assert (credential.kind, credential.value) == ("card", "0012345678")


def test_the_same_card_swiped_twice_quickly_counts_once() -> None:
    clock = FakeClock()
    reader = CardReader(debounce_s=2, clock=clock)
    stream = io.StringIO("12345678\n12345678\n87654321\n")
    assert [c.value for c in reader.read(stream)] == ["12345678", "87654321"]
    clock.now += 3
    assert reader.parse("12345678") is not None


def test_garbage_from_the_card_reader_is_reported_not_crashed_on() -> None:
    reader = CardReader()
    results = list(reader.read(io.StringIO("12ab34\n\n99\n١٢٣٤٥٦\n55556666\n")))
    errors = [r for r in results if isinstance(r, CredentialInputError)]
    cards = [r for r in results if isinstance(r, PresentedCredential)]
    assert len(errors) == 3
    assert [c.value for c in cards] == ["55556666"]


def test_a_pin_is_submitted_with_the_hash_key() -> None:
    pad = PinPad()
    for key in "2468":
        assert pad.press(key) is None
    assert pad.entered == 4
    credential = pad.press("#")
    assert credential is not None and credential.value == "2468"
    assert pad.entered == 0


def test_star_clears_and_an_idle_pause_forgets_half_typed_digits() -> None:
    clock = FakeClock()
    pad = PinPad(idle_timeout_s=5, clock=clock)
    for key in "99*1234":
        pad.press(key)
    clock.now += 6
    for key in "5678":
        pad.press(key)
    credential = pad.press("#")
    assert credential is not None and credential.value == "5678"


def test_a_short_pin_or_a_letter_is_refused_with_a_message() -> None:
    pad = PinPad(min_digits=4)
    pad.press("1")
    with pytest.raises(CredentialInputError, match="4 to 8 digits"):
        pad.press("#")
    with pytest.raises(CredentialInputError, match="Only digits"):
        pad.press("A")


def test_the_secret_value_does_not_appear_in_the_repr() -> None:
    credential = PresentedCredential("pin", "8642", 0.0)
    assert "8642" not in repr(credential)


def test_a_qr_pass_held_to_the_camera_is_decoded_once() -> None:
    clock = FakeClock()
    reader = QrReader(debounce_s=3, clock=clock)
    frame = _qr_image("menwei-pass:v1:abc123")
    credential = reader.scan(frame)
    assert credential is not None and credential.value == "menwei-pass:v1:abc123"
    assert reader.scan(frame) is None
    clock.now += 4
    assert reader.scan(frame) is not None


def test_a_frame_without_a_qr_code_yields_nothing() -> None:
    reader = QrReader()
    assert reader.scan(np.full((240, 320, 3), 127, dtype=np.uint8)) is None
    assert reader.scan(np.zeros((0, 0, 3), dtype=np.uint8)) is None


def test_the_gate_package_exports_what_it_lists() -> None:
    import menwei.gate as gate

    missing = [name for name in gate.__all__ if not hasattr(gate, name)]
    assert missing == []
    assert sorted(gate.__all__) == gate.__all__


def test_keys_from_a_linux_input_device_become_card_lines() -> None:
    import struct

    from menwei.gate.credentials import evdev_lines

    def key(code: int, value: int = 1, kind: int = 1) -> bytes:
        return struct.pack("llHHi", 0, 0, kind, code, value)

    # "1", "2", keypad "0", release events, a sync event, then Enter; then an empty Enter
    raw = b"".join(
        [key(2), key(2, 0), key(3), key(82), key(0, 0, kind=0), key(28), key(28), key(11)]
    )
    assert list(evdev_lines(io.BytesIO(raw))) == ["120"]
    reader = CardReader(min_digits=3)
    assert [c.value for c in reader.read(evdev_lines(io.BytesIO(raw)))] == ["120"]
