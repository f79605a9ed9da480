"""One exception tree for the face engine; every error carries a user-facing message.

Callers at the boundary (server, gate, CLI) map these to their own responses; nothing here
ever carries image data or a template.
"""

from __future__ import annotations


class VisionError(Exception):
    """Base of every face-engine error. ``code`` is stable and machine-readable."""

    code = "vision_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ModelFileError(VisionError):
    """A model file is missing, unreadable or does not have the expected sha256."""

    code = "model_file"
