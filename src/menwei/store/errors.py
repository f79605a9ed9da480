"""One exception tree for the store; every error carries a stable code and a user-facing message.

The server and CLI translate these at their boundary. Messages are zh-CN first, then English,
and say what to do next. Nothing here ever carries a template, a face image or a secret.
"""

from __future__ import annotations

from menwei.core.errors import BilingualError
from menwei.text import Message, has_message


class StoreError(BilingualError):
    """Base of every store error. ``code`` is stable and machine-readable."""

    code = "store_error"


class DatabaseUnavailable(StoreError):
    """The database cannot be reached or opened."""

    code = "database_unavailable"


class RecordNotFound(StoreError):
    """A record does not exist, or is outside the caller's scope (the two look the same)."""

    code = "not_found"

    def __init__(self, kind: str, key: object) -> None:
        kind_id = "record_kind." + kind.replace(" ", "_")
        named = Message(kind_id) if has_message(kind_id) else kind
        super().__init__(
            message_id="not_found.record", values={"what": named}, kind=kind, key=str(key)
        )


class RecordConflict(StoreError):
    """A write would break a uniqueness rule, e.g. a card number already issued."""

    code = "conflict"


class ControlCharacters(StoreError):
    """A text holds a control character (NUL and the like): nobody types one, PostgreSQL
    refuses NUL with a bare error, so both databases refuse them alike, by name."""

    code = "control_characters"

    def __init__(self, field: str) -> None:
        super().__init__(field=field)


class ValueTooLong(StoreError):
    """A text is longer than its column holds; PostgreSQL would refuse it with a bare error."""

    code = "value_too_long"

    def __init__(self, field: str, limit: int) -> None:
        super().__init__(field=field, limit=limit)
