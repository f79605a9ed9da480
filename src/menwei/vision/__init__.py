"""The face engine: detection, quality, alignment and embedding, search, calibration, evaluation.

It knows nothing of residents or doors and imports only NumPy and OpenCV. The names below are
the engine's public interface; everything else is an implementation detail of its modules.
"""

from menwei.vision.calibrate import Calibration
from menwei.vision.detect import Face, FaceDetector
from menwei.vision.embed import Embedder
from menwei.vision.engine import FaceEngine, Probe
from menwei.vision.errors import (
    CalibrationError,
    CorruptImage,
    EmptyImage,
    GalleryError,
    ImageError,
    ImageTooLarge,
    ModelFileError,
    NoFace,
    PoorQuality,
    SeveralFaces,
    TemplateError,
    VisionError,
)
from menwei.vision.gallery import AnnGallery, Gallery, Match, make_gallery
from menwei.vision.image import as_bgr, decode_image
from menwei.vision.quality import ENROLMENT, GATE, QualityPolicy, QualityReport, assess
from menwei.vision.templates import build_template
from menwei.vision.thresholds import Thresholds, default_thresholds

__all__ = [
    "ENROLMENT",
    "GATE",
    "AnnGallery",
    "Calibration",
    "CalibrationError",
    "CorruptImage",
    "Embedder",
    "EmptyImage",
    "Face",
    "FaceDetector",
    "FaceEngine",
    "Gallery",
    "GalleryError",
    "ImageError",
    "ImageTooLarge",
    "Match",
    "ModelFileError",
    "NoFace",
    "PoorQuality",
    "Probe",
    "QualityPolicy",
    "QualityReport",
    "SeveralFaces",
    "TemplateError",
    "Thresholds",
    "VisionError",
    "as_bgr",
    "assess",
    "build_template",
    "decode_image",
    "default_thresholds",
    "make_gallery",
]
