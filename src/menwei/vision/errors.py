"""One exception tree for the face engine; every error carries a user-facing message.

Callers at the boundary (server, gate, CLI) map these to their own responses; nothing here
ever carries image data or a template. Each error has a stable ``code``, an English
``message`` and a zh-CN ``message_zh`` (the default language of the product); both say what to
do next.
"""

from __future__ import annotations


class VisionError(Exception):
    """Base of every face-engine error. ``code`` is stable and machine-readable."""

    code = "vision_error"
    default_zh = "人脸处理失败，请重试。"

    def __init__(self, message: str, message_zh: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or self.default_zh

    def text(self, language: str = "zh-CN") -> str:
        """The message in ``language`` ("zh-CN" by default, anything starting "en" for English)."""
        return self.message if language.lower().startswith("en") else self.message_zh


class ModelFileError(VisionError):
    """A model file is missing, unreadable or does not have the expected sha256."""

    code = "model_file"
    default_zh = "人脸模型文件缺失或已被改动，请重新安装。"


class ImageError(VisionError):
    """The bytes or array handed in are not an image the engine can use."""

    code = "image"
    default_zh = "图片无法使用，请换一张照片。"


class EmptyImage(ImageError):
    """Zero bytes, or an image with no pixels."""

    code = "image_empty"
    default_zh = "图片是空的，请重新拍照。"


class CorruptImage(ImageError):
    """The bytes are not a decodable image (truncated upload, wrong file, hostile data)."""

    code = "image_corrupt"
    default_zh = "图片已损坏或格式不支持，请用 JPEG 或 PNG 重新上传。"


class ImageTooLarge(ImageError):
    """More pixels than allowed: refused from the header, before any decoding."""

    code = "image_too_large"
    default_zh = "图片太大，请上传不超过 1600 万像素的照片。"


class NoFace(VisionError):
    """No face was found in the image."""

    code = "no_face"
    default_zh = "没有检测到人脸，请正对镜头。"


class SeveralFaces(VisionError):
    """More than one face of similar size: we will not guess which person is meant."""

    code = "several_faces"
    default_zh = "画面中有多张人脸，请只保留一人。"


class PoorQuality(VisionError):
    """The face is there but not good enough; ``reasons`` lists what to fix."""

    code = "poor_quality"
    default_zh = "照片质量不够，请按提示调整后重试。"

    def __init__(self, message: str, reasons: tuple[str, ...], message_zh: str | None = None):
        super().__init__(message, message_zh)
        self.reasons = reasons


class TemplateError(VisionError):
    """A template or set of enrolment images is unusable (wrong shape, too many, none)."""

    code = "template"
    default_zh = "人脸模板无效，请重新录入。"


class GalleryError(VisionError):
    """A gallery operation was given a wrong id, shape or size."""

    code = "gallery"
    default_zh = "人脸库操作失败，请联系管理员。"


class CalibrationError(VisionError):
    """Scores given to calibration cannot support the requested decision."""

    code = "calibration"
    default_zh = "阈值校准数据不足，请补充样本。"


class DatasetError(VisionError):
    """An evaluation data set is missing or not in the expected layout."""

    code = "dataset"
    default_zh = "评测数据缺失或格式不对。"
