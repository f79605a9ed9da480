"""Stable reason codes for access decisions, each with a plain zh-CN and en message.

The codes are what events store and what the API returns; the messages are what a resident
sees on the gate's screen, so they say what to do next and never reveal a match score.
"""

from __future__ import annotations

from enum import StrEnum


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
    def message_zh(self) -> str:
        return _MESSAGES[self][0]

    @property
    def message_en(self) -> str:
        return _MESSAGES[self][1]

    def message(self, locale: str = "zh-CN") -> str:
        return self.message_en if locale.lower().startswith("en") else self.message_zh


_MESSAGES: dict[Reason, tuple[str, str]] = {
    Reason.GRANTED: ("请通行。", "Please go ahead."),
    Reason.NOTHING_PRESENTED: (
        "未读取到任何通行凭证，请刷卡、输入密码或出示二维码。",
        "Nothing was read. Show a card, enter your PIN or show a QR pass.",
    ),
    Reason.CREDENTIAL_NOT_ACCEPTED: (
        "此门不接受该通行方式，请改用门上标明的其他方式。",
        "This door does not take that credential. Use another way shown at the door.",
    ),
    Reason.UNKNOWN_CARD: (
        "此卡未登记，请联系物业服务中心。",
        "This card is not registered. Please contact the property office.",
    ),
    Reason.UNKNOWN_FACE: (
        "未识别，请刷卡、输入密码或出示二维码。",
        "Not recognised. Show a card, enter your PIN or show a QR pass.",
    ),
    Reason.UNKNOWN_PERSON: (
        "持有人未登记，请联系物业服务中心。",
        "The holder is not registered. Please contact the property office.",
    ),
    Reason.PIN_HOLDER_UNKNOWN: (
        "请先输入房号或刷卡，再输入密码。",
        "Enter your unit number or show your card first, then your PIN.",
    ),
    Reason.WRONG_PIN: ("密码错误，请重新输入。", "Wrong PIN. Please try again."),
    Reason.PIN_LOCKED: (
        "密码错误次数过多，已暂时锁定；请稍后再试或改用门卡。",
        "Too many wrong PINs; the PIN is locked for a while. Try later or use your card.",
    ),
    Reason.NOT_YET_VALID: (
        "此凭证尚未生效，请在有效期内使用。",
        "This credential is not valid yet. Use it within its validity period.",
    ),
    Reason.EXPIRED: (
        "此凭证已过期，请联系物业服务中心续期。",
        "This credential has expired. Please contact the property office to renew it.",
    ),
    Reason.REVOKED: (
        "此凭证已停用，请联系物业服务中心。",
        "This credential has been revoked. Please contact the property office.",
    ),
    Reason.FACE_NOT_ENROLLED: (
        "未登记人脸，请刷卡、输入密码或出示二维码。",
        "No face is enrolled. Show a card, enter your PIN or show a QR pass.",
    ),
    Reason.FACE_CONSENT_WITHDRAWN: (
        "您已撤回人脸授权，人脸通行已停用；请刷卡、输入密码或出示二维码。",
        "You withdrew consent, so face entry is off. Show a card, enter your PIN or a QR pass.",
    ),
    Reason.STEP_UP_REQUIRED: (
        "请再刷卡或输入密码以确认身份。",
        "Please also show your card or enter your PIN to confirm.",
    ),
    Reason.CREDENTIALS_MISMATCH: (
        "所出示的凭证不属于同一人，请只使用本人的凭证。",
        "The credentials shown belong to different people. Use only your own.",
    ),
    Reason.NOT_AUTHORISED_FOR_DOOR: (
        "您没有此门的通行权限，请联系物业服务中心。",
        "You have no access to this door. Please contact the property office.",
    ),
    Reason.OUTSIDE_SCHEDULE: (
        "当前时间不在您的通行时段内。",
        "Your access to this door is not open at this time.",
    ),
    Reason.ANTI_PASSBACK: (
        "请先从对应的门离开再进入（防潜回）。",
        "Please leave through the paired door before entering again (anti-passback).",
    ),
    Reason.QR_MALFORMED: (
        "无法读取此二维码，请重新出示或请邀请人重新发送。",
        "This QR code cannot be read. Show it again or ask your host to send a new one.",
    ),
    Reason.QR_TAMPERED: (
        "此二维码无效，请邀请人重新发送。",
        "This QR pass is not valid. Ask your host to send a new one.",
    ),
    Reason.QR_NOT_YET_VALID: (
        "此二维码尚未到使用时间。",
        "This QR pass is not valid yet. Come back within its time window.",
    ),
    Reason.QR_EXPIRED: (
        "此二维码已过期，请邀请人重新发送。",
        "This QR pass has expired. Ask your host to send a new one.",
    ),
    Reason.QR_WRONG_DOOR: (
        "此二维码不适用于这道门。",
        "This QR pass is not for this door. Use the door named on it.",
    ),
    Reason.QR_USED_UP: (
        "此二维码的使用次数已用完，请邀请人重新发送。",
        "This QR pass has been used up. Ask your host to send a new one.",
    ),
    Reason.QR_REVOKED: (
        "此二维码已被取消，请联系邀请人。",
        "This QR pass was cancelled. Please contact your host.",
    ),
}
