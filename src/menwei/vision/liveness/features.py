"""What one frame says about the surface in front of the camera: texture, colour, blur, glare.

A printed photo or a screen is a second picture of a face: its skin texture is re-sampled by
the printer or the pixel grid, its colours are squeezed into the gamut of ink or backlight, its
sharpness differs from the scene around it, and it has edges, fingers and a frame just outside
the face. So every statistic is taken twice: on the tight aligned crop, and on a wider
*context* crop around the face box (2.4 times its size), where paper edges and hands show.

The vector is short (a few hundred numbers) so that a linear model on it costs well under a
millisecond, and its layout is versioned: parameters trained on one layout refuse another.
"""

from __future__ import annotations

import cv2
import numpy as np

FEATURE_VERSION = "pad-frame-features-1"
"""Changes whenever the layout or meaning of the vector changes; stored with the parameters."""

CONTEXT_SCALE = 2.4
CONTEXT_SIZE = 96
TIGHT_SIZE = 112

_NEIGHBOURS = ((-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1))
_FFT_BANDS = ((0.0, 0.1), (0.1, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 1.5))


def _riu2_table() -> np.ndarray:
    """Rotation-invariant uniform LBP: 0..8 ones for uniform patterns, 9 for all the others."""
    table = np.empty(256, dtype=np.uint8)
    for code in range(256):
        bits = [(code >> i) & 1 for i in range(8)]
        transitions = sum(bits[i] != bits[(i + 1) % 8] for i in range(8))
        table[code] = sum(bits) if transitions <= 2 else 9
    return table


_RIU2 = _riu2_table()
_LBP_BINS = 10


def lbp_histogram(channel: np.ndarray, radius: int) -> np.ndarray:
    """Normalised 10-bin rotation-invariant uniform LBP histogram of one 8-bit channel.

    Built from OpenCV's element-wise operations, which cost microseconds on a crop, where the
    same steps in NumPy would cost most of the per-frame budget.
    """
    channel = np.ascontiguousarray(channel)
    height, width = channel.shape
    centre = channel[radius : height - radius, radius : width - radius]
    code = np.zeros(centre.shape, dtype=np.uint8)
    for bit, (dy, dx) in enumerate(_NEIGHBOURS):
        neighbour = channel[
            radius + dy * radius : height - radius + dy * radius,
            radius + dx * radius : width - radius + dx * radius,
        ]
        above = np.asarray(cv2.compare(neighbour, centre, cv2.CMP_GE), dtype=np.uint8)
        code |= above & np.uint8(1 << bit)
    pattern = cv2.LUT(code, _RIU2)
    counts = cv2.calcHist([pattern], [0], None, [_LBP_BINS], [0, _LBP_BINS]).reshape(-1)
    counts = counts.astype(np.float64)
    share: np.ndarray = counts / max(counts.sum(), 1.0)
    return share


def colour_moments(image: np.ndarray) -> np.ndarray:
    """Mean, standard deviation and (cube-rooted) skewness of each channel, scaled to 0..1."""
    pixels = np.ascontiguousarray(image).astype(np.float32)
    pixels *= 1.0 / 255.0
    mean, std = (v.reshape(-1) for v in cv2.meanStdDev(pixels))
    centred = pixels - mean.astype(np.float32)
    third = np.asarray(cv2.mean(cv2.multiply(cv2.multiply(centred, centred), centred)))
    skew = third[: len(mean)] / (std**3 + 1e-6)
    return np.concatenate([mean, std, np.cbrt(skew)]).astype(np.float64)


def spectrum_bands(grey: np.ndarray) -> np.ndarray:
    """Log share of spectral energy in five radial bands, and the peakiness of the highest ones.

    Printing and screens add periodic patterns (half-tone dots, moiré) that show as isolated
    peaks at high spatial frequency; their absence, and blur, show as missing high-band energy.
    """
    # float64 and NumPy's FFT: the same frame gives the same bits whatever the memory
    # alignment, which single-precision SIMD paths do not promise (and training must repeat)
    values = np.asarray(grey, dtype=np.float64)
    spectrum = np.fft.fft2(values - values.mean())
    power = spectrum.real**2 + spectrum.imag**2
    bands, high = _band_grid(values.shape[0])
    energy = np.bincount(bands.ravel(), weights=power.ravel(), minlength=len(_FFT_BANDS) + 1)
    shares = energy[: len(_FFT_BANDS)] / (float(energy.sum()) + 1e-6)
    high_power = power[high]
    peak = float(high_power.max()) / (float(high_power.mean()) + 1e-6)
    return np.log(np.append(shares, peak) + 1e-8)


_BAND_GRIDS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _band_grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per frequency of an unshifted ``size``² DFT: its radial band, and whether it is high."""
    if size not in _BAND_GRIDS:
        frequency = np.fft.fftfreq(size) * 2  # -1..1, with 1 at the Nyquist frequency
        radius = np.hypot(*np.meshgrid(frequency, frequency, indexing="ij"))
        bands = np.full(radius.shape, len(_FFT_BANDS), dtype=np.intp)
        for index, (lo, hi) in enumerate(_FFT_BANDS):
            bands[(radius >= lo) & (radius < hi)] = index
        _BAND_GRIDS[size] = (bands, radius > 0.5)
    return _BAND_GRIDS[size]


def context_crop(image: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """A square crop ``CONTEXT_SCALE`` times the face box around its centre, ``CONTEXT_SIZE``².

    Outside the frame the border is replicated, so a face near the edge is not mistaken for a
    photo by the black margin a constant border would add.
    """
    x, y, w, h = box
    side = CONTEXT_SCALE * max(w, h, 1.0)
    height, width = image.shape[:2]
    left, top = round(x + w / 2 - side / 2), round(y + h / 2 - side / 2)
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(round(left + side), width), min(round(top + side), height)
    if x1 <= x0 or y1 <= y0:
        return np.zeros((CONTEXT_SIZE, CONTEXT_SIZE, 3), dtype=np.uint8)
    scale = CONTEXT_SIZE / side
    size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
    part = image[y0:y1, x0:x1]
    if scale < 0.5:  # a cheap linear step to twice the size, then area-averaging against aliasing
        doubled = (2 * size[0], 2 * size[1])
        part = cv2.resize(part, doubled, interpolation=cv2.INTER_LINEAR)
    part = cv2.resize(part, size, interpolation=cv2.INTER_AREA)
    pad_top, pad_left = round((y0 - top) * scale), round((x0 - left) * scale)
    pad_bottom = max(CONTEXT_SIZE - pad_top - part.shape[0], 0)
    pad_right = max(CONTEXT_SIZE - pad_left - part.shape[1], 0)
    padded = cv2.copyMakeBorder(
        part, pad_top, pad_bottom, pad_left, pad_right, cv2.BORDER_REPLICATE
    )
    return np.ascontiguousarray(padded[:CONTEXT_SIZE, :CONTEXT_SIZE])


def _sharpness(grey: np.ndarray) -> float:
    return float(cv2.Laplacian(grey, cv2.CV_32F).var())


def frame_features(
    image: np.ndarray, box: tuple[float, float, float, float], aligned: np.ndarray
) -> np.ndarray:
    """The feature vector of one face: ``aligned`` is its 112×112 crop, ``box`` its frame box."""
    context = context_crop(image, box)
    tight_ycc = cv2.cvtColor(aligned, cv2.COLOR_BGR2YCrCb)
    tight_hsv = cv2.cvtColor(aligned, cv2.COLOR_BGR2HSV)
    context_ycc = cv2.cvtColor(context, cv2.COLOR_BGR2YCrCb)
    context_hsv = cv2.cvtColor(context, cv2.COLOR_BGR2HSV)
    half = (TIGHT_SIZE // 2, TIGHT_SIZE // 2)
    small_ycc = cv2.resize(tight_ycc, half, interpolation=cv2.INTER_AREA)
    small_hsv = cv2.resize(tight_hsv, half, interpolation=cv2.INTER_AREA)
    quarter = (CONTEXT_SIZE // 2, CONTEXT_SIZE // 2)

    texture = [
        lbp_histogram(tight_ycc[:, :, 0], 1),
        lbp_histogram(tight_ycc[:, :, 0], 2),
        lbp_histogram(tight_ycc[:, :, 0], 3),
        lbp_histogram(tight_ycc[:, :, 1], 1),
        lbp_histogram(tight_ycc[:, :, 2], 1),
        lbp_histogram(tight_hsv[:, :, 1], 1),
        lbp_histogram(context_ycc[:, :, 0], 1),
        lbp_histogram(context_ycc[:, :, 0], 2),
        lbp_histogram(context_hsv[:, :, 1], 1),
    ]
    colour = [
        colour_moments(small_ycc),
        colour_moments(small_hsv),
        colour_moments(cv2.resize(context_ycc, quarter, interpolation=cv2.INTER_AREA)),
        colour_moments(cv2.resize(context_hsv, quarter, interpolation=cv2.INTER_AREA)),
    ]
    tight_grey = tight_ycc[:, :, 0]
    context_grey = context_ycc[:, :, 0]
    face_sharpness = _sharpness(tight_grey)
    context_sharpness = _sharpness(context_grey)
    value, saturation = tight_hsv[:, :, 2], tight_hsv[:, :, 1]
    glare = float(((value > 230) & (saturation < 40)).mean())
    clipped = float((value > 250).mean())
    blur_and_glare = np.log1p(
        [face_sharpness, context_sharpness, face_sharpness / (context_sharpness + 1.0)]
    )
    spectrum = [
        spectrum_bands(cv2.resize(tight_grey, (64, 64), interpolation=cv2.INTER_AREA)),
        spectrum_bands(context_grey[16:80, 16:80]),
    ]
    return np.concatenate(
        [
            *texture,
            *colour,
            blur_and_glare,
            np.sqrt([glare, clipped]),
            *spectrum,
        ]
    )


FEATURE_COUNT = 9 * _LBP_BINS + 4 * 9 + 3 + 2 + 2 * 6
