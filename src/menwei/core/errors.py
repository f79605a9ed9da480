"""One exception tree for the access-control domain.

Every error has a stable ``code`` and a plain message in zh-CN (default) and en that says what
to do next. The server, gate and CLI translate these at their boundary; nothing here carries a
secret, a template or an image.
"""

from __future__ import annotations

from typing import Any


class BilingualError(Exception):
    """What every layer's error tree (core, privacy, store, governance) is built on: a stable
    ``code``, a message in zh-CN and in English, and optional details without secrets.

    Each layer keeps its own base class (``CoreError``, ``StoreError`` …) so callers can still
    catch one layer's errors without catching another's.
    """

    code = "error"

    def __init__(self, message_zh: str, message_en: str, **details: Any) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details

    def message(self, locale: str = "zh-CN") -> str:
        """The user-facing text in ``locale`` (zh-CN unless it asks for English)."""
        return self.message_en if locale.lower().startswith("en") else self.message_zh


class CoreError(BilingualError):
    """Base of every domain error. ``code`` is stable and machine-readable."""

    code = "core_error"


class InvalidConfiguration(CoreError):
    """A place, door, schedule or group was described in a way the domain cannot accept."""

    code = "invalid_configuration"


class FaceOnlyDoor(InvalidConfiguration):
    """A door would accept faces and nothing else, which R1 forbids."""

    code = "face_only_door"

    def __init__(self, door_name: str) -> None:
        super().__init__(
            f"人脸不得作为唯一通行方式 (R1)：门“{door_name}”接受人脸，也必须接受门卡、密码或二维码"
            "中的至少一种。请为该门增加一种非人脸通行方式后再保存。",
            f"Face may never be the only way in (R1): door '{door_name}' accepts faces, so it must "
            "also accept a card, PIN or QR pass. Add a non-face credential to the door and save "
            "again.",
        )


class InvalidCredential(CoreError):
    """A credential was described in a way the domain cannot accept (bad PIN, bad QR pass …)."""

    code = "invalid_credential"


class WeakPin(InvalidCredential):
    """A PIN is not made of at least six digits."""

    code = "weak_pin"

    def __init__(self, min_digits: int) -> None:
        super().__init__(
            f"密码必须由至少 {min_digits} 位数字组成，请重新设置。",
            f"A PIN must be at least {min_digits} digits. Please choose another.",
        )


class FaceNotAllowedForRole(InvalidCredential):
    """Visitors enter by QR pass; their faces are never enrolled."""

    code = "face_not_allowed_for_role"

    def __init__(self) -> None:
        super().__init__(
            "访客不采集人脸，请为访客签发二维码通行证。",
            "Visitors are never face-enrolled. Issue them a QR pass instead.",
        )
