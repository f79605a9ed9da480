"""Turning uploaded bytes and camera frames into the one image form the engine uses: BGR uint8.

Uploads are hostile until proven otherwise. The pixel count is read from the file header and
refused *before* decoding, so a small file that claims 50 megapixels (a decompression bomb)
never allocates its buffer. Only JPEG, PNG, WebP and BMP are accepted: these are what phones
and cameras send, and every other decoder is attack surface we do not need.
"""

from __future__ import annotations

import struct

import cv2
import numpy as np

from menwei.vision.errors import CorruptImage, EmptyImage, ImageError, ImageTooLarge

MAX_PIXELS = 16_000_000
"""The most pixels an image may have: a 16-megapixel phone photo passes, a 50-megapixel one not."""

MAX_BYTES = 32 * 1024 * 1024

_BACKGROUND = 255
"""Transparent pixels become white, as a browser would show them on a plain page."""


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height from the header of a JPEG, PNG, WebP or BMP, without decoding it."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png_size(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data.startswith(b"BM"):
        return _bmp_size(data)
    raise CorruptImage(
        message_id="image_corrupt.file_jpeg_png_webp",
    )


def _truncated() -> CorruptImage:
    return CorruptImage(
        message_id="image_corrupt.image_file_truncated_damaged",
    )


def _png_size(data: bytes) -> tuple[int, int]:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise _truncated()
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg_size(data: bytes) -> tuple[int, int]:
    pos = 2
    size = len(data)
    while pos + 4 <= size:
        if data[pos] != 0xFF:
            raise _truncated()
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2:
            raise _truncated()
        # SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if pos + 9 > size:
                raise _truncated()
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        pos += 2 + length
    raise _truncated()


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return width, height
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    raise _truncated()


def _bmp_size(data: bytes) -> tuple[int, int]:
    if len(data) < 26:
        raise _truncated()
    width, height = struct.unpack("<ii", data[18:26])
    return abs(width), abs(height)


def check_pixels(width: int, height: int, max_pixels: int = MAX_PIXELS) -> None:
    """Refuse images with no pixels or with more than ``max_pixels``."""
    if width <= 0 or height <= 0:
        raise EmptyImage(message_id="image_empty.image_pixels_take_new")
    if width * height > max_pixels:
        megapixels = width * height / 1e6
        raise ImageTooLarge(
            message_id="image_too_large.image_megapixels_limit_megapixels",
            width=width,
            height=height,
            megapixels=megapixels,
            limit=max_pixels / 1e6,
        )


def decode_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Decode uploaded bytes into a BGR uint8 image, refusing bombs before they are decoded."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ImageError(message_id="image.expected_image_bytes", type_name=type(data).__name__)
    data = bytes(data)
    if not data:
        raise EmptyImage(message_id="image_empty.image_file_empty_take")
    if len(data) > MAX_BYTES:
        raise ImageTooLarge(
            message_id="image_too_large.file_mb_limit_mb",
            size_mb=len(data) / 1e6,
            limit_mb=MAX_BYTES / 1e6,
        )
    width, height = image_size(data)
    check_pixels(width, height, max_pixels)
    buffer = np.frombuffer(data, dtype=np.uint8)
    try:
        decoded = cv2.imdecode(buffer, cv2.IMREAD_UNCHANGED)
    except cv2.error:
        decoded = None
    if decoded is None or decoded.size == 0:
        raise _truncated()
    if decoded.shape[1] * decoded.shape[0] > max_pixels:  # header lied about its size
        check_pixels(decoded.shape[1], decoded.shape[0], max_pixels)
    return as_bgr(decoded)


def as_bgr(image: np.ndarray) -> np.ndarray:
    """Bring a frame already in memory to contiguous BGR uint8 (grey, alpha, 16-bit, float)."""
    if not isinstance(image, np.ndarray):
        raise ImageError(message_id="image.expected_image_array", type_name=type(image).__name__)
    if image.size == 0 or image.ndim < 2:
        raise EmptyImage(message_id="image_empty.image_pixels_take_new")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
        raise ImageError(
            message_id="image.expected_grey_bgr_bgra",
            image_shape=image.shape,
        )
    image = _to_uint8(image)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return _composite(image)
    return np.ascontiguousarray(image)


def _to_uint8(image: np.ndarray) -> np.ndarray:
    if image.dtype == np.uint8:
        return image
    if image.dtype == np.uint16:
        return (image >> 8).astype(np.uint8)
    if np.issubdtype(image.dtype, np.floating):
        if not np.all(np.isfinite(image)):
            raise ImageError(message_id="image.image_contains_invalid_values")
        scale = 255.0 if float(image.max(initial=0.0)) <= 1.0 else 1.0
        return np.clip(image * scale, 0, 255).astype(np.uint8)
    if np.issubdtype(image.dtype, np.integer) or image.dtype == np.bool_:
        clipped: np.ndarray = np.clip(image, 0, 255).astype(np.uint8)
        return clipped
    raise ImageError(message_id="image.unsupported_pixel_type", image_dtype=image.dtype)


def _composite(bgra: np.ndarray) -> np.ndarray:
    """Lay a transparent image on white, so hidden pixels under alpha 0 cannot fool detection."""
    alpha = bgra[:, :, 3:4].astype(np.float32) / 255.0
    colour = bgra[:, :, :3].astype(np.float32)
    blended = colour * alpha + _BACKGROUND * (1.0 - alpha)
    return np.ascontiguousarray(np.clip(blended + 0.5, 0, 255).astype(np.uint8))
