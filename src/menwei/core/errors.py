"""One exception tree for the access-control domain.

Every error has a stable ``code`` and a plain message in zh-CN (default) and en that says what
to do next. The server, gate and CLI translate these at their boundary; nothing here carries a
secret, a template or an image.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from menwei.text import Message


class BilingualError(Exception):
    """What every layer's error tree (core, privacy, store, governance) is built on: a stable
    ``code``, a message in zh-CN and in English, and optional details without secrets.

    The words live in the ``errors`` catalogue (``menwei.text``): an error names its message id
    (its ``code`` unless ``message_id`` says otherwise) and the values the text needs; ``details``
    are passed to the text too and travel with the answer, ``values`` only fill the text. A
    caller outside the catalogued rooms may still hand over both texts, Chinese first.

    Each layer keeps its own base class (``CoreError``, ``StoreError`` …) so callers can still
    catch one layer's errors without catching another's.
    """

    code = "error"

    def __init__(
        self,
        message_zh: str | None = None,
        message_en: str | None = None,
        *,
        message_id: str | None = None,
        values: Mapping[str, object] | None = None,
        **details: Any,
    ) -> None:
        self.details = details
        self.wording = Message(message_id or self.code, {**details, **(values or {})})
        self._inline = None if message_zh is None else (message_zh, message_en or message_zh)
        super().__init__(self.message_en)

    @property
    def message_id(self) -> str:
        """The id this error's text has in the catalogue."""
        return self.wording.message_id

    @property
    def message_zh(self) -> str:
        """The text in zh-CN."""
        return self.message("zh-CN")

    @property
    def message_en(self) -> str:
        """The text in English."""
        return self.message("en")

    def message(self, locale: str = "zh-CN") -> str:
        """The user-facing text in ``locale`` (zh-CN unless it asks for English)."""
        if self._inline is not None:
            return self._inline[1] if locale.lower().startswith("en") else self._inline[0]
        return self.wording.render(locale)


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
        super().__init__(values={"door_name": door_name})


class InvalidCredential(CoreError):
    """A credential was described in a way the domain cannot accept (bad PIN, bad QR pass …)."""

    code = "invalid_credential"


class WeakPin(InvalidCredential):
    """A PIN is not made of at least six digits."""

    code = "weak_pin"

    def __init__(self, min_digits: int) -> None:
        super().__init__(values={"min_digits": min_digits})


class FaceNotAllowedForRole(InvalidCredential):
    """Visitors enter by QR pass; their faces are never enrolled."""

    code = "face_not_allowed_for_role"

    def __init__(self) -> None:
        super().__init__()
