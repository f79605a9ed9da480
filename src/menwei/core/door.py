"""Doors: community gates, turnstiles, unit doors (单元门) and garage barriers.

A door says which credential kinds its readers take. The R1 invariant lives here: a door that
accepts faces must accept at least one non-face credential too, so nobody is ever forced to
give their face to get home. The check runs whenever a ``Door`` is built, so a changed copy
(``dataclasses.replace`` or ``Door.accepting``) is checked as well.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from menwei.core.anti_passback import AntiPassbackMode
from menwei.core.credential import NON_FACE_KINDS, CredentialKind
from menwei.core.direction import Direction
from menwei.core.errors import FaceOnlyDoor, InvalidConfiguration
from menwei.core.tailgating import TailgatingMode
from menwei.core.text import check_name


class DoorKind(StrEnum):
    GATE = "gate"  # 小区大门
    TURNSTILE = "turnstile"  # 闸机
    UNIT_DOOR = "unit_door"  # 单元门
    GARAGE_BARRIER = "garage_barrier"  # 车库道闸

    @property
    def is_common_entrance(self) -> bool:
        """Gates and turnstiles let people into the community as a whole."""
        return self in (DoorKind.GATE, DoorKind.TURNSTILE)


@dataclass(frozen=True, slots=True, kw_only=True)
class Door:
    """A door with its readers' accepted credential kinds and anti-passback pairing.

    ``building_id`` is set for a door belonging to one building (its unit door) and ``None``
    for the community's common doors. Doors that share ``passback_zone`` form an
    anti-passback pair.
    """

    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    kind: DoorKind
    direction: Direction
    accepts: frozenset[CredentialKind]
    building_id: uuid.UUID | None = None
    anti_passback: AntiPassbackMode = AntiPassbackMode.OFF
    passback_zone: str | None = None
    tailgating: TailgatingMode = TailgatingMode.ALERT

    def __post_init__(self) -> None:
        check_name(self.name)
        # A store may hand plain strings back; keep the rules comparing enum members.
        try:
            object.__setattr__(self, "kind", DoorKind(self.kind))
            object.__setattr__(self, "direction", Direction(self.direction))
            object.__setattr__(self, "anti_passback", AntiPassbackMode(self.anti_passback))
            object.__setattr__(self, "accepts", frozenset(CredentialKind(k) for k in self.accepts))
            object.__setattr__(self, "tailgating", TailgatingMode(self.tailgating))
        except ValueError as error:
            raise InvalidConfiguration(
                message_id="invalid_configuration.door_setting_unknown",
                values={"name": self.name, "error": error},
            ) from None
        validate_door(self)

    @property
    def counts_people(self) -> bool:
        """Only a door with a camera (one that reads faces) can count the people crossing."""
        return CredentialKind.FACE in self.accepts

    @property
    def tailgating_in_effect(self) -> TailgatingMode:
        """The rule the gate really applies: a door without a camera watches nothing."""
        return self.tailgating if self.counts_people else TailgatingMode.OFF

    def accepts_kind(self, kind: CredentialKind) -> bool:
        return kind in self.accepts

    def accepting(self, kinds: Iterable[CredentialKind]) -> Door:
        """A copy of this door taking ``kinds``; refused if it would break R1."""
        return replace(self, accepts=frozenset(kinds))


def validate_door(door: Door) -> None:
    """Raise if ``door`` breaks a rule; R1 first, because it is the one residents rely on."""
    if not door.accepts:
        raise InvalidConfiguration(
            message_id="invalid_configuration.door_without_credential",
            values={"door_name": door.name},
        )
    if CredentialKind.FACE in door.accepts and not (door.accepts & NON_FACE_KINDS):
        raise FaceOnlyDoor(door.name)
    if door.anti_passback is not AntiPassbackMode.OFF and not door.passback_zone:
        raise InvalidConfiguration(
            message_id="invalid_configuration.passback_zone_missing",
            values={"door_name": door.name},
        )
