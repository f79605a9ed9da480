from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from menwei.vision.errors import CorruptImage, EmptyImage, ImageError, ImageTooLarge
from menwei.vision.image import MAX_PIXELS, as_bgr, decode_image, image_size


def _encode(image: np.ndarray, ext: str = ".png") -> bytes:
    ok, buffer = cv2.imencode(ext, image)
    assert ok
    return buffer.tobytes()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims the given size but carries almost no data: a decompression bomb."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    crc = struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + crc


def test_a_jpeg_decodes_to_bgr_uint8_of_its_size(astronaut_bytes: bytes) -> None:
    image = decode_image(astronaut_bytes)
    assert image.shape == (512, 512, 3)
    assert image.dtype == np.uint8


def test_header_sizes_are_read_for_every_accepted_format(astronaut: np.ndarray) -> None:
    small = astronaut[:100, :60]
    for ext in (".jpg", ".png", ".webp", ".bmp"):
        assert image_size(_encode(small, ext)) == (60, 100), ext


def test_corrupt_bytes_give_a_typed_error_not_a_crash(astronaut_bytes: bytes) -> None:
    with pytest.raises(CorruptImage) as raised:
        decode_image(b"this is not an image at all")
    assert raised.value.code == "image_corrupt"
    assert "JPEG" in raised.value.message and raised.value.message_zh
    with pytest.raises(CorruptImage):
        decode_image(astronaut_bytes[:300])  # header intact, data truncated


def test_random_bytes_after_a_jpeg_marker_are_refused() -> None:
    noise = np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    with pytest.raises(CorruptImage):
        decode_image(b"\xff\xd8" + noise)


def test_empty_bytes_and_zero_sized_images_are_refused() -> None:
    with pytest.raises(EmptyImage):
        decode_image(b"")
    with pytest.raises(EmptyImage):
        decode_image(_png_header_only(0, 10))
    with pytest.raises(EmptyImage):
        as_bgr(np.zeros((0, 10, 3), dtype=np.uint8))


def test_a_fifty_megapixel_claim_is_refused_from_the_header_before_decoding() -> None:
    bomb = _png_header_only(10_000, 5_000)
    assert len(bomb) < 100
    with pytest.raises(ImageTooLarge) as raised:
        decode_image(bomb)
    assert "50 megapixels" in raised.value.message
    assert raised.value.code == "image_too_large"


def test_the_pixel_limit_is_configurable(astronaut_bytes: bytes) -> None:
    with pytest.raises(ImageTooLarge):
        decode_image(astronaut_bytes, max_pixels=512 * 511)
    assert decode_image(astronaut_bytes, max_pixels=MAX_PIXELS).shape == (512, 512, 3)


def test_png_alpha_is_composited_on_white(astronaut: np.ndarray) -> None:
    bgra = cv2.cvtColor(astronaut, cv2.COLOR_BGR2BGRA)
    bgra[:, :256, 3] = 0  # left half fully transparent
    image = decode_image(_encode(bgra))
    assert image.shape == (512, 512, 3)
    assert (image[:, :256] == 255).all()
    assert np.array_equal(image[:, 300:], astronaut[:, 300:])


def test_greyscale_images_become_three_equal_channels(astronaut: np.ndarray) -> None:
    grey = cv2.cvtColor(astronaut, cv2.COLOR_BGR2GRAY)
    image = decode_image(_encode(grey))
    assert image.shape == (512, 512, 3)
    assert np.array_equal(image[:, :, 0], grey) and np.array_equal(image[:, :, 2], grey)


def test_sixteen_bit_and_float_frames_are_brought_to_uint8(astronaut: np.ndarray) -> None:
    deep = astronaut.astype(np.uint16) * 257
    assert np.array_equal(as_bgr(deep), astronaut)
    unit = astronaut.astype(np.float32) / 255.0
    assert np.abs(as_bgr(unit).astype(int) - astronaut).max() <= 1


def test_wrong_types_and_shapes_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ImageError, match="Expected image bytes"):
        decode_image("astronaut.jpg")  # type: ignore[arg-type]
    with pytest.raises(ImageError, match="Expected an image array"):
        as_bgr([[1, 2], [3, 4]])  # type: ignore[arg-type]
    with pytest.raises(ImageError, match="shape"):
        as_bgr(np.zeros((4, 4, 2), dtype=np.uint8))
    with pytest.raises(ImageError, match="NaN"):
        as_bgr(np.full((4, 4, 3), np.nan, dtype=np.float32))


def test_every_image_error_speaks_chinese_by_default() -> None:
    with pytest.raises(EmptyImage) as raised:
        decode_image(b"")
    assert raised.value.text() == raised.value.message_zh
    assert raised.value.text("en") == raised.value.message
    assert "图片" in raised.value.text()


def _jpeg_header_only(width: int, height: int) -> bytes:
    """SOI, an APP0 segment, then a baseline SOF0 claiming the size; no scan data."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0


def test_a_jpeg_claiming_a_hundred_megapixels_is_refused_from_its_frame_header() -> None:
    assert image_size(_jpeg_header_only(12_000, 9_000)) == (12_000, 9_000)
    with pytest.raises(ImageTooLarge, match="108 megapixels"):
        decode_image(_jpeg_header_only(12_000, 9_000))
