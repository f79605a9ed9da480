"""One exception tree for the face engine; every error carries a user-facing message.

Callers at the boundary (server, gate, CLI) map these to their own responses; nothing here
ever carries image data or a template. Each error has a stable ``code``, a zh-CN
``message_zh`` (the default language of the product) and an English ``message``; both say what
to do next. A raise site names a message id in the ``errors`` catalogue and the values of its
placeholders, never the words themselves: without an id, the text is the catalogue's for the
error's ``code``.
"""

from __future__ import annotations

from menwei.text import Message, translate


def quality_message_id(reason: str) -> str:
    """The catalogue id of the advice for a quality ``reason`` code (``too_dark``)."""
    return f"vision.quality.{reason}"


class VisionError(Exception):
    """Base of every face-engine error. ``code`` is stable and machine-readable."""

    code = "vision_error"

    def __init__(self, *, message_id: str | None = None, **values: object) -> None:
        wording = Message(message_id or self.code, values)
        self.wording = wording
        self.message_zh = wording.render("zh-CN")
        self.message = wording.render("en")
        super().__init__(self.message)

    @property
    def message_en(self) -> str:
        """The English text (also ``message``)."""
        return self.message

    def text(self, language: str = "zh-CN") -> str:
        """The message in ``language`` ("zh-CN" by default, anything starting "en" for English)."""
        return self.message if language.lower().startswith("en") else self.message_zh


class ModelFileError(VisionError):
    """A model file is missing, unreadable or does not have the expected sha256."""

    code = "model_file"


class ImageError(VisionError):
    """The bytes or array handed in are not an image the engine can use."""

    code = "image"


class EmptyImage(ImageError):
    """Zero bytes, or an image with no pixels."""

    code = "image_empty"


class CorruptImage(ImageError):
    """The bytes are not a decodable image (truncated upload, wrong file, hostile data)."""

    code = "image_corrupt"


class ImageTooLarge(ImageError):
    """More pixels than allowed: refused from the header, before any decoding."""

    code = "image_too_large"


class NoFace(VisionError):
    """No face was found in the image."""

    code = "no_face"


class SeveralFaces(VisionError):
    """More than one face of similar size: we will not guess which person is meant."""

    code = "several_faces"


class PoorQuality(VisionError):
    """The face is there but not good enough; ``reasons`` lists what to fix.

    The message is the advice for each reason, joined; with no reason it is the catalogue's
    text for ``poor_quality``.
    """

    code = "poor_quality"

    def __init__(self, *, reasons: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.reasons = reasons
        if reasons:
            ids = [quality_message_id(reason) for reason in reasons]
            self.message_zh = "；".join(translate(i, "zh-CN") for i in ids)
            self.message = "; ".join(translate(i, "en") for i in ids)
            self.args = (self.message,)


class TemplateError(VisionError):
    """A template or set of enrolment images is unusable (wrong shape, too many, none)."""

    code = "template"


class GalleryError(VisionError):
    """A gallery operation was given a wrong id, shape or size."""

    code = "gallery"


class CalibrationError(VisionError):
    """Scores given to calibration cannot support the requested decision."""

    code = "calibration"


class DatasetError(VisionError):
    """An evaluation data set is missing or not in the expected layout."""

    code = "dataset"
