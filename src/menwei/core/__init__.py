"""The access-control domain as plain dataclasses and pure functions (standard library only).

Time is always passed in, nothing here reads a clock, a file or a database. The store maps
these dataclasses to tables; the gate and the server call ``decide``.
"""

from menwei.core.access_group import (
    AccessGroup,
    default_residents_group,
    resident_door_ids,
    resident_group_ids,
)
from menwei.core.anti_passback import AntiPassbackMode, LastPassage, is_passback
from menwei.core.credential import (
    NON_FACE_KINDS,
    AnyCredential,
    Card,
    CredentialKind,
    FaceCredential,
    PassIssuer,
    PinCredential,
    QrPass,
    Validity,
    check_face_enrolment_allowed,
    holder_id,
    normalise_card_uid,
)
from menwei.core.decision import Decision, Flag, decide
from menwei.core.direction import Direction
from menwei.core.door import Door, DoorKind, validate_door
from menwei.core.errors import (
    CoreError,
    FaceNotAllowedForRole,
    FaceOnlyDoor,
    InvalidConfiguration,
    InvalidCredential,
    WeakPin,
)
from menwei.core.passage import PASSAGE_FIELDS, PassageEvent, passage_values
from menwei.core.person import GUARDIAN_AGE, HouseholdMembership, Person, Role, age_on
from menwei.core.pin import PinLockoutPolicy, check_pin_format, hash_pin, verify_pin
from menwei.core.place import Building, Community, Processor, ProcessorKind, Unit
from menwei.core.policy import AccessPolicy, FaceGrade, FacePolicy
from menwei.core.presented import Presented, PresentedCard, PresentedFace, PresentedPin
from menwei.core.qr_pass import (
    QrPassRefused,
    issue_qr_pass,
    qr_refusal,
    read_qr_pass,
    sign_qr_pass,
)
from menwei.core.reason import Reason
from menwei.core.schedule import ALL_DAY, TimeWindow, WeeklySchedule
from menwei.core.state import (
    AccessState,
    Effect,
    PassageRecorded,
    PinUpdated,
    QrPassUsed,
    apply_effects,
)
from menwei.core.tailgating import (
    HOLD_SECONDS,
    Crossing,
    TailgatingMode,
    TailgatingRule,
    TailgatingVerdict,
    assess_tailgating,
    is_tailgating,
)

__all__ = [
    "ALL_DAY",
    "GUARDIAN_AGE",
    "HOLD_SECONDS",
    "NON_FACE_KINDS",
    "PASSAGE_FIELDS",
    "AccessGroup",
    "AccessPolicy",
    "AccessState",
    "AntiPassbackMode",
    "AnyCredential",
    "Building",
    "Card",
    "Community",
    "CoreError",
    "CredentialKind",
    "Crossing",
    "Decision",
    "Direction",
    "Door",
    "DoorKind",
    "Effect",
    "FaceCredential",
    "FaceGrade",
    "FaceNotAllowedForRole",
    "FaceOnlyDoor",
    "FacePolicy",
    "Flag",
    "HouseholdMembership",
    "InvalidConfiguration",
    "InvalidCredential",
    "LastPassage",
    "PassIssuer",
    "PassageEvent",
    "PassageRecorded",
    "Person",
    "PinCredential",
    "PinLockoutPolicy",
    "PinUpdated",
    "Presented",
    "PresentedCard",
    "PresentedFace",
    "PresentedPin",
    "Processor",
    "ProcessorKind",
    "QrPass",
    "QrPassRefused",
    "QrPassUsed",
    "Reason",
    "Role",
    "TailgatingMode",
    "TailgatingRule",
    "TailgatingVerdict",
    "TimeWindow",
    "Unit",
    "Validity",
    "WeakPin",
    "WeeklySchedule",
    "age_on",
    "apply_effects",
    "assess_tailgating",
    "check_face_enrolment_allowed",
    "check_pin_format",
    "decide",
    "default_residents_group",
    "hash_pin",
    "holder_id",
    "is_passback",
    "is_tailgating",
    "issue_qr_pass",
    "normalise_card_uid",
    "passage_values",
    "qr_refusal",
    "read_qr_pass",
    "resident_door_ids",
    "resident_group_ids",
    "sign_qr_pass",
    "validate_door",
    "verify_pin",
]
