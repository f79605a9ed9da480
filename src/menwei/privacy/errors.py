"""One exception tree for the privacy room; each error has a stable code and a plain message.

The server maps these to HTTP statuses at its boundary (``ConsentRequired`` → 409, ``NotAllowed``
→ 403, the rest → 400/422) and the CLI to exit codes. Messages are zh-CN first, then English,
and say what to do next. No error ever carries a template, a key or a face image.
"""

from __future__ import annotations

from menwei.core.errors import BilingualError


class PrivacyError(BilingualError):
    """Base of every privacy error. ``code`` is stable and machine-readable."""

    code = "privacy_error"


class InvalidNotice(PrivacyError):
    """A processing notice is incomplete or contains a clause the law makes void."""

    code = "invalid_notice"


class NoticeFrozen(PrivacyError):
    """A published notice version cannot be edited; publish a new version instead."""

    code = "notice_frozen"


class ConsentRequired(PrivacyError):
    """No valid consent covers the current notice: a template may not be stored or used."""

    code = "consent_required"


class GuardianRequired(PrivacyError):
    """The person is under 14: only a linked guardian may consent or withdraw for them."""

    code = "guardian_required"


class NotAllowed(PrivacyError):
    """The actor may not do this on behalf of this person."""

    code = "not_allowed"


class VaultError(PrivacyError):
    """The one opaque vault failure: wrong key, tampered data or a shredded key look the same.

    Telling an attacker which of these happened would help them, so the message never varies.
    """

    code = "vault_error"

    def __init__(self) -> None:
        super().__init__()


class KeyFileError(PrivacyError):
    """The key file or signing key is missing, unreadable, malformed or too widely readable."""

    code = "key_file_error"


class InvalidReceipt(PrivacyError):
    """A deletion receipt is malformed, altered, or signed by another key."""

    code = "invalid_receipt"


class RequestError(PrivacyError):
    """A rights request cannot move to the asked state (e.g. refusing without a reason)."""

    code = "rights_request_error"


class ActivationRefused(PrivacyError):
    """Face recognition cannot be switched on yet; ``details['unmet']`` names the conditions."""

    code = "activation_refused"


class InvalidAssessment(PrivacyError):
    """An impact assessment is missing required fields."""

    code = "invalid_assessment"


class InvalidIncident(PrivacyError):
    """A breach incident record is missing fields the notice to people needs."""

    code = "invalid_incident"


class FaceRecognitionOff(PrivacyError):
    """The community's face recognition is not switched on: no face data may be made or moved.

    ``details['unmet']`` names what still stands between the community and switching it on.
    """

    code = "face_recognition_off"
