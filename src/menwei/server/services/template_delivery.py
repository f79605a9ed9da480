"""Face templates on their way to a gate, sealed to the key the gate presents, and logged.

A gate sends the public half of a fresh X25519 key pair with every pull
(``X-Menwei-Device-Key``); the key pair lives only in the gate's memory for that run. Each
template a page carries is sealed to that key with ``privacy.transport.seal_for_device`` and
bound to the device id, so neither a proxy nor the server's own logs ever hold a plaintext
vector. A gate that presents no key gets no templates (it still gets every removal).

The page's ``face`` records decide which templates travel: a face credential that is live and
whose template the privacy vault may hand to gates today brings a ``template`` upsert (id =
person id) naming the recognition model that made it; a withdrawn, revoked or erased one, or
one another model than the configured one made (its person must enrol again), brings a
``template`` delete. Each delivery
appends ``sync_to_device`` to the audit chain and remembers the device as a holder, so an
erasure receipt names it. When the gate acknowledges a delete, the chain records that this
device dropped that template.
"""

from __future__ import annotations

import base64
import binascii
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from menwei.privacy.audit import AuditAction
from menwei.privacy.transport import seal_for_device
from menwei.privacy.vault import SealedTemplate
from menwei.server.domain.errors import Conflict, InvalidRequest
from menwei.server.services.device_sync import Record
from menwei.server.services.face_model import configured_model_id
from menwei.server.services.gate_payloads import FaceBody, TemplateBody
from menwei.server.services.gate_templates import usable_for_gates
from menwei.server.services.privacy_kit import PrivacyKit, open_kit
from menwei.settings import Settings
from menwei.store.uow import UnitOfWork

DEVICE_KEY_HEADER = "X-Menwei-Device-Key"
_PUBLIC_KEY_BYTES = 32
_kit_lock = threading.Lock()


def device_public_key(header: str | None) -> bytes | None:
    """The gate's transport key from its header, or ``InvalidRequest`` naming the header."""
    if header is None or header == "":
        return None
    try:
        key = base64.b64decode(header, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != _PUBLIC_KEY_BYTES:
        raise InvalidRequest(
            reason=f"{DEVICE_KEY_HEADER} must be the base64 of a 32-byte X25519 public key"
        )
    return key


def pin_device_key(uow: UnitOfWork, device_id: uuid.UUID, public_key: bytes) -> None:
    """Hold the device to the first transport key it presented (or the one it registered).

    Templates are only ever sealed to the pinned key, so someone who copied a device's token
    but not its private key cannot have templates sealed to a key of their own: the pull is
    refused (409) and the device must be registered again.
    """
    presented = base64.b64encode(public_key).decode("ascii")
    with uow:
        pinned = uow.devices.pin_transport_key(device_id, presented)
        uow.commit()
    if pinned != presented:
        raise Conflict(
            code="device_key_mismatch",
        )


def privacy_kit(state: Any, settings: Settings) -> PrivacyKit:
    """The server's privacy kit (``app.state.privacy_kit``), opened on first use."""
    kit = getattr(state, "privacy_kit", None)
    if kit is None:
        with _kit_lock:
            kit = getattr(state, "privacy_kit", None)
            if kit is None:
                kit = open_kit(settings.resolved_key_file)
                state.privacy_kit = kit
    return kit


@dataclass(frozen=True, slots=True)
class FaceState:
    """The page's last word on one person's face credentials: live or not."""

    person_id: str
    seq: int
    live: bool


def faces_of(records: Iterable[Record]) -> dict[str, FaceState]:
    """The last word of the page on each person's face credentials."""
    faces: dict[str, FaceState] = {}
    for record in records:
        if record.kind == "person" and record.action == "delete":
            faces[record.id] = FaceState(record.id, record.version, live=False)
        body = record.payload
        if record.action != "upsert" or not isinstance(body, FaceBody):
            continue
        known = faces.get(body.person_id)
        # A person may hold several face credentials: one live credential is enough.
        live = body.live or bool(known and known.live)
        faces[body.person_id] = FaceState(body.person_id, record.version, live)
    return faces


def usable_in(
    uow: UnitOfWork, community_id: uuid.UUID, person_ids: set[str], model_id: str
) -> list[SealedTemplate]:
    """Of the named people's newest templates, those the community's gates may use today
    (``usable_for_gates``), read inside the open unit of work; still sealed."""
    if not person_ids:
        return []
    latest = uow.privacy.templates.latest_of_people(
        community_id, [uuid.UUID(p) for p in person_ids]
    )
    return usable_for_gates(uow.privacy, community_id, latest, model_id)


def usable_templates(
    uow: UnitOfWork,
    kit: PrivacyKit,
    community_id: uuid.UUID,
    person_ids: set[str],
    model_id: str | None = None,
) -> dict[str, bytes]:
    """``templates_for_gates`` for a few people: the same consent rule (``template_status``),
    but only their consents are read and only their templates opened, so a page with one new
    enrolment costs one lookup, not one per resident of the community. Only templates of
    ``model_id`` (by default the configured model) are opened.
    """
    model_id = model_id or configured_model_id()
    with uow:
        usable = usable_in(uow, community_id, person_ids, model_id)
    return kit.vault.unseal_many(usable)


def wanted_people(faces: dict[str, FaceState], public_key: bytes | None) -> set[str]:
    """The people whose templates the page should carry: live faces, to a gate with a key."""
    if public_key is None:
        return set()
    return {f.person_id for f in faces.values() if f.live}


def template_records(
    faces: dict[str, FaceState],
    opened: dict[str, bytes],
    *,
    device_id: uuid.UUID,
    public_key: bytes | None,
    model_id: str,
    at: datetime,
) -> list[Record]:
    """The ``template`` records that go with a page: each opened template sealed to
    ``public_key``, and a delete for every face that brings none."""
    out: list[Record] = []
    for face in faces.values():
        template = opened.get(face.person_id)
        if template is None or public_key is None:
            if face.live and public_key is None:
                continue  # a gate without a transport key keeps what it has
            out.append(Record("template", face.person_id, face.seq, "delete", None))
            continue
        bundle = seal_for_device(
            public_key, {face.person_id: template}, device_id=str(device_id), at=at
        )
        payload = TemplateBody(str(device_id), base64.b64encode(bundle).decode(), model_id)
        out.append(Record("template", face.person_id, face.seq, "upsert", payload))
    return out


def record_dropped(
    uow: UnitOfWork,
    kit_source: Any,
    *,
    device_id: uuid.UUID,
    community_id: uuid.UUID,
    person_ids: Sequence[str],
    now: datetime | None = None,
) -> int:
    """Log "device X dropped template Y" for each acknowledged template delete."""
    people = []
    for value in person_ids:
        try:
            people.append(uuid.UUID(value))
        except ValueError:
            continue  # not a person id: nothing this server sent
    if not people:
        return 0
    at = now or datetime.now(UTC)
    with uow:
        # Only people of the device's own community: a device never writes about others.
        communities = uow.people.communities_of(people)
        people = [p for p in people if communities.get(p) == community_id]
    if not people:
        return 0
    kit: PrivacyKit = kit_source()
    with uow:
        chain = kit.chain(uow.privacy)
        for person_id in people:
            chain.append(
                at=at,
                actor=f"device:{device_id}",
                action=AuditAction.SYNC_TO_DEVICE,
                person_id=person_id,
                community_id=community_id,
                detail={"applied": "delete", "device_id": str(device_id)},
            )
        uow.commit()
    return len(people)
