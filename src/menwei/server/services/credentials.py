"""Cards, PINs and QR passes. A face credential is never issued here: enrolment owns that."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from menwei.core import (
    AnyCredential,
    Card,
    CredentialKind,
    DoorKind,
    PassIssuer,
    Person,
    PinCredential,
    QrPass,
    Role,
    Validity,
    hash_pin,
    holder_id,
    normalise_card_uid,
    sign_qr_pass,
)
from menwei.privacy.pass_keys import PassKeyRing, pass_key_folder
from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import Forbidden, InvalidRequest, NotFound
from menwei.server.services.moving_out import require_may_issue_pass
from menwei.settings import Settings
from menwei.store.ports import UnitOfWorkPort
from menwei.store.scope import CommunityScope


def now() -> datetime:
    return datetime.now(UTC)


def pass_key_ring(settings: Settings) -> PassKeyRing:
    """The per-community pass keys, in the key folder beside the key file."""
    return PassKeyRing(pass_key_folder(settings.resolved_key_file))


def of_person(uow: UnitOfWorkPort, caller: Caller, person_id: uuid.UUID) -> list[AnyCredential]:
    with uow:
        uow.people.get(person_id, caller.scope)
        return list(uow.credentials.of_person(person_id, caller.scope))


def in_community(
    uow: UnitOfWorkPort, caller: Caller, *, kind: CredentialKind | None = None
) -> list[tuple[AnyCredential, Person | None]]:
    """Every credential of the caller's community with its holder, for the office's list."""
    assert caller.community_id is not None
    with uow:
        found = uow.credentials.of_community(caller.community_id, caller.scope, kind=kind)
        holders = {
            person.id: person
            for person in uow.people.list(
                caller.scope, community_id=caller.community_id, limit=1_000_000
            )
        }
    return [(credential, holders.get(holder_id(credential))) for credential in found]


def issue_card(
    uow: UnitOfWorkPort,
    caller: Caller,
    person_id: uuid.UUID,
    *,
    uid: str,
    facility_code: int | None,
    valid_from: datetime | None,
    valid_until: datetime | None,
) -> Card:
    card = Card(
        id=uuid.uuid4(),
        person_id=person_id,
        uid=normalise_card_uid(uid),
        facility_code=facility_code,
        validity=Validity(valid_from=valid_from or now(), valid_until=valid_until),
    )
    with uow:
        uow.people.get(person_id, caller.scope)
        uow.credentials.save(card)
        uow.commit()
    return card


def set_pin(
    uow: UnitOfWorkPort,
    caller: Caller,
    person_id: uuid.UUID,
    *,
    pin: str,
    valid_until: datetime | None,
) -> PinCredential:
    """A new PIN replaces the person's previous ones (they are revoked, not deleted).

    Changes for one person run one after the other (``hold_person``), and the database holds
    one live PIN per person, so eight changes at once leave exactly one."""
    credential = PinCredential(
        id=uuid.uuid4(),
        person_id=person_id,
        pin_hash=hash_pin(pin),
        validity=Validity(valid_from=now(), valid_until=valid_until),
    )
    with uow:
        uow.credentials.hold_person(person_id)
        uow.people.get(person_id, caller.scope)
        for old in uow.credentials.of_person(person_id, caller.scope):
            if isinstance(old, PinCredential) and old.validity.revoked_at is None:
                uow.credentials.revoke(old.id, credential.validity.valid_from, caller.scope)
        uow.credentials.save(credential)
        uow.commit()
    return credential


def get(uow: UnitOfWorkPort, caller: Caller, credential_id: uuid.UUID) -> AnyCredential:
    """One credential in the caller's scope (``NotFound`` otherwise), e.g. to confirm a revoke."""
    with uow:
        return uow.credentials.get(credential_id, caller.scope)


def revoke(uow: UnitOfWorkPort, caller: Caller, credential_id: uuid.UUID) -> AnyCredential:
    with uow:
        uow.credentials.revoke(credential_id, now(), caller.scope)
        uow.commit()
        return uow.credentials.get(credential_id, caller.scope)


@dataclass(frozen=True, slots=True)
class IssuedPass:
    qr_pass: QrPass
    visitor: Person
    token: str


def resident_doors(uow: UnitOfWorkPort, person: Person, scope: CommunityScope) -> set[uuid.UUID]:
    """A resident may let a visitor through the common entrances and their own buildings."""
    today = date.today()
    buildings = set()
    for membership in uow.people.memberships_of(person.id, scope):
        if membership.is_current(today):
            buildings.add(uow.places.unit(membership.unit_id, scope).building_id)
    return {
        door.id
        for door in uow.places.doors(scope, community_id=person.community_id)
        if door.kind.is_common_entrance
        or (door.kind is DoorKind.GARAGE_BARRIER and door.building_id is None)
        or door.building_id in buildings
    }


def issue_pass(
    uow: UnitOfWorkPort,
    caller: Caller,
    *,
    pass_keys: PassKeyRing,
    visitor_name: str,
    visitor_phone: str,
    door_ids: frozenset[uuid.UUID],
    valid_from: datetime | None,
    valid_until: datetime,
    max_uses: int,
) -> IssuedPass:
    """A signed, time-limited pass for a visitor, by staff or by a resident for their guest.

    The visitor is recorded as a person of role ``visitor``; visitors are never face-enrolled.
    """
    principal = caller.principal
    resident = caller.community_id is None
    with uow:
        if resident:
            if principal.person_id is None:
                raise Forbidden()
            host = uow.people.get(principal.person_id, caller.scope)
            community_id = host.community_id
            require_may_issue_pass(
                uow,
                host.id,
                community_id,
                caller.scope,
                valid_from=valid_from or now(),
                valid_until=valid_until,
                max_uses=max_uses,
                today=date.today(),
            )
            allowed = resident_doors(uow, host, caller.scope)
            if not door_ids <= allowed:
                raise InvalidRequest(
                    code="door_not_allowed",
                    details={"field": "door_ids"},
                )
            issued_by, issuer = host.id, PassIssuer.RESIDENT
        else:
            assert caller.community_id is not None
            community_id = caller.community_id
            found = uow.places.doors_by_id(sorted(door_ids), caller.scope)
            if {d.id for d in found} != set(door_ids):
                raise NotFound()
            issued_by, issuer = principal.id, PassIssuer.STAFF
        visitor = Person(
            id=uuid.uuid4(),
            community_id=community_id,
            name=visitor_name,
            role=Role.VISITOR,
            phone=visitor_phone,
        )
        qr_pass = QrPass(
            id=uuid.uuid4(),
            holder_id=visitor.id,
            issued_by=issued_by,
            issuer_kind=issuer,
            door_ids=door_ids,
            validity=Validity(valid_from=valid_from or now(), valid_until=valid_until),
            max_uses=max_uses,
        )
        key = pass_keys.current(community_id)
        token = sign_qr_pass(qr_pass, key.private_key, key_id=key.key_id)
        uow.people.save(visitor)
        uow.credentials.save(qr_pass)
        uow.commit()
    return IssuedPass(qr_pass, visitor, token)
