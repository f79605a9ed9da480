"""The records a device keeps, as the server sends them and as ``core`` uses them.

Each record has a kind, an id and a JSON payload (templates excepted: 128 little-endian
float32). These functions turn payloads into ``core`` dataclasses, and build the snapshot a
gate decides with (``Door`` + ``AccessState``) from the opened local state. People carry only
what a gate needs: id, community, name (shown masked) and role — no phone, no birth date.

Kinds and payloads (times ISO 8601 with offset, ids as UUID strings):

- ``door``: ``{id, community_id, name, kind, direction, accepts: [...], building_id,
  anti_passback, passback_zone, tailgating}``; ``tailgating`` is ``alert``, ``hold`` or
  ``off`` (an older server that sends none means ``alert``)
- ``policy`` (id ``policy``): ``{face: {confident, possible}, pin_lockout: {max_failures,
  lockout_s}}``
- ``person``: ``{id, community_id, name, role}``
- ``card``: ``{id, person_id, uid, facility_code, validity}``
- ``pin``: ``{id, person_id, pin_hash, validity, failed_attempts, locked_until}``
- ``face``: ``{id, person_id, template_ref, consent_id, validity, consent_withdrawn_at}``
- ``group``: ``{id, community_id, name, door_ids: [...], schedule: {weekly: {"0": [["07:00",
  "22:00"]]}, holidays: {"2026-02-17": [...]}, timezone}}``
- ``membership`` (id = person id): ``{person_id, group_ids: [...]}``
- ``qr_key`` (id = key id): ``{key_id, public_key: base64}``, the community's public pass
  verification keys (Ed25519); a revoked key arrives as a delete
- ``liveness`` (id ``liveness``): ``{threshold, model_sha256}``, the community's liveness
  threshold calibrated on its camera for the parameters of that sha256 (absent: the shipped one)
- ``template`` (id = person id): the float32 bytes of the unit vector.

where ``validity`` is ``{valid_from, valid_until, revoked_at}``.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from menwei.core import (
    AccessGroup,
    AccessPolicy,
    AccessState,
    Card,
    CoreError,
    Door,
    FaceCredential,
    FacePolicy,
    Person,
    PinCredential,
    PinLockoutPolicy,
    TailgatingMode,
    TimeWindow,
    Validity,
    WeeklySchedule,
)
from menwei.gate.errors import LocalStateError
from menwei.vision.manifest import DEFAULT_MODEL_ID

TEMPLATE_DIM = 128
"""The default model's template length; another model's may differ (2 to 4096 values)."""
_TAGGED = b"menwei-template/1\x00"
"""Prefix of a stored template tagged with the id of the recognition model that made it; one
without it was stored before models were named and is the default model's."""
KINDS = (
    "door",
    "policy",
    "person",
    "card",
    "pin",
    "face",
    "group",
    "membership",
    "qr_key",
    "qr_revoked",
    "liveness",
    "template",
)


def _uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(str(value))


def _maybe_uuid(value: Any) -> uuid.UUID | None:
    return None if value in (None, "") else _uuid(value)


def _when(value: Any) -> datetime | None:
    return None if value in (None, "") else datetime.fromisoformat(str(value))


def _validity(data: Mapping[str, Any]) -> Validity:
    start = _when(data["valid_from"])
    assert start is not None
    return Validity(
        valid_from=start,
        valid_until=_when(data.get("valid_until")),
        revoked_at=_when(data.get("revoked_at")),
    )


def _windows(items: Iterable[Iterable[str]]) -> tuple[TimeWindow, ...]:
    return tuple(TimeWindow(time.fromisoformat(a), time.fromisoformat(b)) for a, b in items)


def door_from(data: Mapping[str, Any]) -> Door:
    return Door(
        id=_uuid(data["id"]),
        community_id=_uuid(data["community_id"]),
        name=str(data["name"]),
        kind=data["kind"],
        direction=data["direction"],
        accepts=frozenset(data["accepts"]),
        building_id=_maybe_uuid(data.get("building_id")),
        anti_passback=data.get("anti_passback", "off"),
        passback_zone=data.get("passback_zone"),
        tailgating=data.get("tailgating") or TailgatingMode.ALERT,
    )


def policy_from(data: Mapping[str, Any]) -> AccessPolicy:
    face = data["face"]
    lockout = data.get("pin_lockout") or {}
    return AccessPolicy(
        face=FacePolicy(confident=float(face["confident"]), possible=float(face["possible"])),
        pin_lockout=PinLockoutPolicy(
            max_failures=int(lockout.get("max_failures", 5)),
            lockout=timedelta(seconds=float(lockout.get("lockout_s", 900))),
        ),
    )


def person_from(data: Mapping[str, Any]) -> Person:
    return Person(
        id=_uuid(data["id"]),
        community_id=_uuid(data["community_id"]),
        name=str(data["name"]),
        role=data["role"],
    )


def card_from(data: Mapping[str, Any]) -> Card:
    code = data.get("facility_code")
    return Card(
        id=_uuid(data["id"]),
        person_id=_uuid(data["person_id"]),
        uid=str(data["uid"]),
        validity=_validity(data["validity"]),
        facility_code=None if code is None else int(code),
    )


def pin_from(data: Mapping[str, Any]) -> PinCredential:
    return PinCredential(
        id=_uuid(data["id"]),
        person_id=_uuid(data["person_id"]),
        pin_hash=str(data["pin_hash"]),
        validity=_validity(data["validity"]),
        failed_attempts=int(data.get("failed_attempts", 0)),
        locked_until=_when(data.get("locked_until")),
    )


def face_from(data: Mapping[str, Any]) -> FaceCredential:
    return FaceCredential(
        id=_uuid(data["id"]),
        person_id=_uuid(data["person_id"]),
        template_ref=str(data["template_ref"]),
        consent_id=_uuid(data["consent_id"]),
        validity=_validity(data["validity"]),
        consent_withdrawn_at=_when(data.get("consent_withdrawn_at")),
    )


def group_from(data: Mapping[str, Any]) -> AccessGroup:
    schedule = data["schedule"]
    return AccessGroup(
        id=_uuid(data["id"]),
        community_id=_uuid(data["community_id"]),
        name=str(data["name"]),
        door_ids=frozenset(_uuid(d) for d in data["door_ids"]),
        schedule=WeeklySchedule(
            weekly={int(day): _windows(w) for day, w in schedule.get("weekly", {}).items()},
            holidays={
                date.fromisoformat(day): _windows(w)
                for day, w in schedule.get("holidays", {}).items()
            },
            timezone=schedule.get("timezone", "Asia/Shanghai"),
        ),
    )


def tag_template(template: bytes, model_id: str) -> bytes:
    """A template as the gate stores it: with the id of the model that made it."""
    return _TAGGED + model_id.encode("ascii") + b"\x00" + template


def template_model(payload: bytes) -> tuple[str, bytes]:
    """(model id, template bytes) of a stored template; untagged ones are the default's."""
    if not payload.startswith(_TAGGED):
        return DEFAULT_MODEL_ID, payload
    model_id, _, template = payload[len(_TAGGED) :].partition(b"\x00")
    return model_id.decode("ascii"), template


def template_from(payload: bytes) -> np.ndarray:
    vector = np.frombuffer(template_model(payload)[1], dtype="<f4")
    if not 2 <= vector.size <= 4096 or not np.all(np.isfinite(vector)):
        raise ValueError("a template must be 2 to 4096 finite float32 values")
    return vector.astype(np.float32)


def template_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").reshape(-1).tobytes()


_PARSERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "person": person_from,
    "card": card_from,
    "pin": pin_from,
    "face": face_from,
    "group": group_from,
}


@dataclass(frozen=True, slots=True)
class SiteLiveness:
    """The community's calibrated liveness threshold, and the parameters it was made for."""

    threshold: float
    model_sha256: str


def site_liveness_from(data: Mapping[str, Any]) -> SiteLiveness:
    threshold = float(data["threshold"])
    if not math.isfinite(threshold):
        raise ValueError("the liveness threshold is not a finite number")
    return SiteLiveness(threshold, str(data["model_sha256"]))


@dataclass
class Snapshot:
    """What a gate decides with, opened from its local state."""

    doors: dict[uuid.UUID, Door] = field(default_factory=dict)
    state: AccessState | None = None
    site_liveness: SiteLiveness | None = None
    templates: dict[uuid.UUID, np.ndarray] = field(default_factory=dict, repr=False)
    #: the recognition model that made each template: a gate uses only its own model's
    template_models: dict[uuid.UUID, str] = field(default_factory=dict, repr=False)
    #: the model the policy's face thresholds were calibrated for
    policy_model_id: str = DEFAULT_MODEL_ID

    def templates_of(self, model_id: str) -> dict[uuid.UUID, np.ndarray]:
        """The templates ``model_id`` made: the only ones a gate running it may compare, and
        none while the policy's thresholds belong to another model."""
        if self.policy_model_id != model_id:
            return {}
        return {
            person: vector
            for person, vector in self.templates.items()
            if self.template_models.get(person, DEFAULT_MODEL_ID) == model_id
        }

    def door(self, door_id: uuid.UUID | None = None) -> Door:
        """The door to serve: the one named, or the only one this device has."""
        if door_id is not None:
            if door_id not in self.doors:
                raise LocalStateError(f"This device does not serve door {door_id}.")
            return self.doors[door_id]
        if len(self.doors) != 1:
            raise LocalStateError(
                "This device serves "
                + (
                    "no door yet: sync with the server first."
                    if not self.doors
                    else f"{len(self.doors)} doors: choose one with --door."
                )
            )
        return next(iter(self.doors.values()))


def build_snapshot(records: Iterable[tuple[str, str, bytes]]) -> Snapshot:
    """Turn opened records into a snapshot; a malformed record names its kind and id."""
    by_kind: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    snapshot = Snapshot()
    policy: AccessPolicy | None = None
    memberships: dict[uuid.UUID, list[uuid.UUID]] = {}
    qr_keys: dict[int, Ed25519PublicKey] = {}
    revoked_passes: set[uuid.UUID] = set()
    for kind, record_id, payload in records:
        try:
            if kind == "template":
                snapshot.templates[_uuid(record_id)] = template_from(payload)
                snapshot.template_models[_uuid(record_id)] = template_model(payload)[0]
                continue
            data = json.loads(payload)
            if kind == "door":
                door = door_from(data)
                snapshot.doors[door.id] = door
            elif kind == "policy":
                policy = policy_from(data)
                snapshot.policy_model_id = str(data["face"].get("model_id", DEFAULT_MODEL_ID))
            elif kind == "membership":
                memberships[_uuid(data["person_id"])] = [_uuid(g) for g in data["group_ids"]]
            elif kind == "qr_key":
                qr_keys[int(data["key_id"])] = Ed25519PublicKey.from_public_bytes(
                    base64.b64decode(data["public_key"], validate=True)
                )
            elif kind == "qr_revoked":
                revoked_passes.add(_uuid(data["id"]))
            elif kind == "liveness":
                snapshot.site_liveness = site_liveness_from(data)
            elif kind in _PARSERS:
                by_kind[kind].append(_PARSERS[kind](data))
        except (KeyError, ValueError, TypeError, binascii.Error, CoreError) as error:
            raise LocalStateError(
                f"The {kind} record {record_id} from the server is malformed ({error}). "
                "Ask the administrator to check the device's doors and resync."
            ) from None
    if policy is None:
        return snapshot
    try:
        snapshot.state = AccessState.build(
            policy=policy,
            people=by_kind["person"],
            cards=by_kind["card"],
            pins=by_kind["pin"],
            faces=by_kind["face"],
            groups=by_kind["group"],
            memberships=memberships,
            qr_keys=qr_keys,
            revoked_qr_passes=revoked_passes,
        )
    except (KeyError, ValueError, TypeError, CoreError) as error:
        raise LocalStateError(
            f"A record from the server is malformed ({error}). Ask the administrator to "
            "check the device's doors and resync."
        ) from None
    return snapshot
