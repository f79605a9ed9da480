"""One exception tree for the gate agent; every error carries a message an installer can act on.

Third-party failures (OpenCV, SQLite, HTTP, GPIO) are translated here at the boundary, so the
command line and the kiosk page show a plain sentence instead of a stack trace.
"""

from __future__ import annotations


class GateError(Exception):
    """Base of every gate-agent error. ``code`` is stable and machine-readable."""

    code = "gate_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SourceError(GateError):
    """A frame source could not be opened or read (camera missing, bad URL, empty folder)."""

    code = "source"


class DoorError(GateError):
    """A door driver could not open or close its door (relay unreachable, GPIO missing)."""

    code = "door"


class CredentialInputError(GateError):
    """A card, PIN or QR input could not be read or was malformed."""

    code = "credential_input"


class OutboxError(GateError):
    """The event outbox could not be opened or written (disk full, file corrupt)."""

    code = "outbox"


class LocalStateError(GateError):
    """The local encrypted state could not be opened, decrypted or updated."""

    code = "local_state"


class SyncError(GateError):
    """The server could not be reached or refused the device (bad token, wrong doors)."""

    code = "sync"
