"""Stable reason codes for access decisions, each with a plain zh-CN and en message.

The codes are what events store and what the API returns; the messages are what a resident
sees on the gate's screen, so they say what to do next and never reveal a match score. They live
in the ``errors`` catalogue (``menwei.text``) as ``reason.<code>``.
"""

from __future__ import annotations

from enum import StrEnum

from menwei.text import translate


class Reason(StrEnum):
    GRANTED = "granted"
    NOTHING_PRESENTED = "nothing_presented"
    CREDENTIAL_NOT_ACCEPTED = "credential_not_accepted"
    UNKNOWN_CARD = "unknown_card"
    UNKNOWN_FACE = "unknown_face"
    UNKNOWN_PERSON = "unknown_person"
    PIN_HOLDER_UNKNOWN = "pin_holder_unknown"
    WRONG_PIN = "wrong_pin"
    PIN_LOCKED = "pin_locked"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    FACE_NOT_ENROLLED = "face_not_enrolled"
    FACE_CONSENT_WITHDRAWN = "face_consent_withdrawn"
    STEP_UP_REQUIRED = "step_up_required"
    CREDENTIALS_MISMATCH = "credentials_mismatch"
    NOT_AUTHORISED_FOR_DOOR = "not_authorised_for_door"
    OUTSIDE_SCHEDULE = "outside_schedule"
    ANTI_PASSBACK = "anti_passback"
    QR_MALFORMED = "qr_malformed"
    QR_TAMPERED = "qr_tampered"
    QR_NOT_YET_VALID = "qr_not_yet_valid"
    QR_EXPIRED = "qr_expired"
    QR_WRONG_DOOR = "qr_wrong_door"
    QR_USED_UP = "qr_used_up"
    QR_REVOKED = "qr_revoked"

    @property
    def message_id(self) -> str:
        """This reason's text in the ``errors`` catalogue: ``reason.<code>``."""
        return f"reason.{self.value}"

    @property
    def message_zh(self) -> str:
        return self.message("zh-CN")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def message(self, locale: str = "zh-CN") -> str:
        return translate(self.message_id, locale)
