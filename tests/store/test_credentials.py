"""Credentials round-trip through the store; shared counters change atomically."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from tests.store.builders import T0, make_site

from menwei.core.credential import (
    Card,
    FaceCredential,
    PassIssuer,
    PinCredential,
    QrPass,
    Validity,
)
from menwei.core.person import Person, Role
from menwei.core.pin import hash_pin
from menwei.store.errors import RecordConflict, RecordNotFound
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

EVERYTHING = CommunityScope.all()


def test_every_kind_of_credential_comes_back_equal(uow: UnitOfWork) -> None:
    site = make_site(uow)
    visitor = Person(
        id=uuid.uuid4(), community_id=site.community.id, name="访客", role=Role.VISITOR
    )
    card = Card(
        id=uuid.uuid4(),
        person_id=site.owner.id,
        uid="04A21B9C",
        facility_code=17,
        validity=Validity(valid_from=T0, valid_until=T0 + timedelta(days=365)),
    )
    pin = PinCredential(
        id=uuid.uuid4(),
        person_id=site.owner.id,
        pin_hash=hash_pin("482913"),
        validity=Validity(valid_from=T0),
    )
    qr = QrPass(
        id=uuid.uuid4(),
        holder_id=visitor.id,
        issued_by=site.owner.id,
        issuer_kind=PassIssuer.RESIDENT,
        door_ids=frozenset({site.gate.id, site.unit_door.id}),
        validity=Validity(valid_from=T0, valid_until=T0 + timedelta(hours=4)),
        max_uses=2,
    )
    face = FaceCredential(
        id=uuid.uuid4(),
        person_id=site.owner.id,
        template_ref="vault:tpl:7f3a",
        consent_id=uuid.uuid4(),
        validity=Validity(valid_from=T0),
    )
    with uow:
        uow.people.save(visitor)
        for credential in (card, pin, qr, face):
            uow.credentials.save(credential)
        uow.commit()
    with uow:
        mine = uow.credentials.of_person(site.owner.id, EVERYTHING)
        theirs = uow.credentials.of_person(visitor.id, EVERYTHING)
    assert sorted(mine, key=lambda c: str(c.id)) == sorted(
        [card, pin, face], key=lambda c: str(c.id)
    )
    assert theirs == [qr]


def test_a_face_credential_stores_a_reference_and_never_a_vector(engine: sa.Engine) -> None:
    columns = {column["name"] for column in sa.inspect(engine).get_columns("credentials")}
    types = {
        str(column["type"]).upper() for column in sa.inspect(engine).get_columns("credentials")
    }
    assert "template_ref" in columns
    assert not columns & {"template", "embedding", "vector", "image", "photo"}
    assert not any("BLOB" in t or "BYTEA" in t for t in types)


def test_a_card_is_found_by_any_spelling_of_its_uid(uow: UnitOfWork) -> None:
    site = make_site(uow)
    card = Card(
        id=uuid.uuid4(), person_id=site.owner.id, uid="04A21B9C", validity=Validity(valid_from=T0)
    )
    with uow:
        uow.credentials.save(card)
        uow.commit()
    with uow:
        assert uow.credentials.find_card(site.community.id, "04:a2:1b:9c") == card
        assert uow.credentials.find_card(uuid.uuid4(), "04A21B9C") is None


def test_the_same_card_cannot_be_issued_twice_in_a_community(uow: UnitOfWork) -> None:
    site = make_site(uow)
    first = Card(
        id=uuid.uuid4(), person_id=site.owner.id, uid="AA", validity=Validity(valid_from=T0)
    )
    second = Card(
        id=uuid.uuid4(), person_id=site.owner.id, uid="AA", validity=Validity(valid_from=T0)
    )
    with uow:
        uow.credentials.save(first)
        uow.commit()
    with uow, pytest.raises(RecordConflict) as refused:
        uow.credentials.save(second)
    assert "卡号" in refused.value.message()


def test_a_single_use_pass_is_used_once_only(uow: UnitOfWork) -> None:
    site = make_site(uow)
    qr = QrPass(
        id=uuid.uuid4(),
        holder_id=site.owner.id,
        issued_by=site.owner.id,
        issuer_kind=PassIssuer.STAFF,
        door_ids=frozenset({site.gate.id}),
        validity=Validity(valid_from=T0, valid_until=T0 + timedelta(hours=1)),
    )
    with uow:
        uow.credentials.save(qr)
        uow.commit()
    with uow:
        assert uow.credentials.use_qr_pass(qr.id) is True
        uow.commit()
    with uow:
        assert uow.credentials.use_qr_pass(qr.id) is False
        assert uow.credentials.qr_uses(qr.id) == 1


def test_pin_failures_and_lockout_are_kept(uow: UnitOfWork) -> None:
    from dataclasses import replace

    site = make_site(uow)
    pin = PinCredential(
        id=uuid.uuid4(),
        person_id=site.owner.id,
        pin_hash=hash_pin("482913"),
        validity=Validity(valid_from=T0),
    )
    with uow:
        uow.credentials.save(pin)
        uow.commit()
    locked = replace(pin, failed_attempts=5, locked_until=T0 + timedelta(minutes=15))
    with uow:
        uow.credentials.save_pin_state(locked)
        uow.commit()
    with uow:
        stored = uow.credentials.get(pin.id, EVERYTHING)
    assert isinstance(stored, PinCredential)
    assert stored.failed_attempts == 5 and stored.is_locked(T0 + timedelta(minutes=1))


def test_withdrawing_face_consent_marks_every_face_credential(uow: UnitOfWork) -> None:
    site = make_site(uow)
    face = FaceCredential(
        id=uuid.uuid4(),
        person_id=site.owner.id,
        template_ref="vault:tpl:1",
        consent_id=uuid.uuid4(),
        validity=Validity(valid_from=T0),
    )
    with uow:
        uow.credentials.save(face)
        uow.commit()
    withdrawn_at = T0 + timedelta(days=3)
    with uow:
        assert uow.credentials.withdraw_face_consent(site.owner.id, withdrawn_at) == [face.id]
        uow.commit()
    with uow:
        stored = uow.credentials.get(face.id, EVERYTHING)
    assert isinstance(stored, FaceCredential)
    assert stored.consent_withdrawn(withdrawn_at)


def test_a_revoked_credential_says_so(uow: UnitOfWork) -> None:
    site = make_site(uow)
    card = Card(
        id=uuid.uuid4(), person_id=site.owner.id, uid="BB", validity=Validity(valid_from=T0)
    )
    with uow:
        uow.credentials.save(card)
        uow.credentials.revoke(card.id, T0 + timedelta(days=1), EVERYTHING)
        uow.commit()
    with uow:
        stored = uow.credentials.get(card.id, EVERYTHING)
    assert stored.validity.refusal_at(T0 + timedelta(days=2)) is not None


def test_credentials_of_another_community_are_invisible(uow: UnitOfWork) -> None:
    mine, theirs = make_site(uow, "甲小区"), make_site(uow, "乙小区")
    card = Card(
        id=uuid.uuid4(), person_id=theirs.owner.id, uid="CC", validity=Validity(valid_from=T0)
    )
    with uow:
        uow.credentials.save(card)
        uow.commit()
    scope = CommunityScope.of([mine.community.id])
    with uow:
        with pytest.raises(RecordNotFound):
            uow.credentials.get(card.id, scope)
        assert uow.credentials.of_person(theirs.owner.id, scope) == []


def test_a_community_listing_returns_every_pass_with_its_own_doors(uow: UnitOfWork) -> None:
    site, other = make_site(uow, "甲"), make_site(uow, "乙")
    passes = [
        QrPass(
            id=uuid.uuid4(),
            holder_id=site.owner.id,
            issued_by=site.owner.id,
            issuer_kind=PassIssuer.STAFF,
            door_ids=doors,
            validity=Validity(valid_from=T0, valid_until=T0 + timedelta(days=1)),
            max_uses=3,
        )
        for doors in (frozenset({site.gate.id}), frozenset({site.gate.id, site.unit_door.id}))
    ]
    card = Card(
        id=uuid.uuid4(), person_id=other.owner.id, uid="FF", validity=Validity(valid_from=T0)
    )
    with uow:
        for credential in (*passes, card):
            uow.credentials.save(credential)
        uow.commit()
    with uow:
        listed = uow.credentials.of_community(site.community.id, EVERYTHING)
        assert uow.credentials.of_community(site.community.id, CommunityScope.of([])) == []
    assert sorted(listed, key=lambda c: str(c.id)) == sorted(passes, key=lambda c: str(c.id))
