"""A withdrawal, whoever asks for it, is one transaction ending in a typed, signed receipt.

A guardian withdrawing for a child is the longest path: who the caller acts for, the guardian's
own record, the consent, the face credentials, the data key and the receipt are read and written
in one unit of work, and the gates learn of it from the change feed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from tests.privacy.builders import notice_content, switch_face_on
from tests.store.builders import T0, Site, make_site

from menwei.core.credential import FaceCredential, Validity
from menwei.core.person import Person, Role
from menwei.privacy.consent import ConsentChannel
from menwei.privacy.receipts import DeletionReceipt, receipt_names, verify_receipt
from menwei.server.domain.caller import Caller
from menwei.server.policy import AccountRole, Principal
from menwei.server.services.consent_records import publish_community_notice, record_consent
from menwei.server.services.privacy_kit import PrivacyKit, open_kit
from menwei.server.services.withdrawal import withdraw
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
def kit(tmp_path):  # type: ignore[no-untyped-def]
    kit = open_kit(tmp_path / "keys" / "master.key", processor_name="阳光物业")
    yield kit
    kit.key_store.close()


@pytest.fixture
def site(uow: UnitOfWork) -> Site:
    return make_site(uow)


def _people(uow: UnitOfWork, site: Site) -> tuple[Person, Person]:
    parent = Person(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name="王芳",
        role=Role.OWNER,
        date_of_birth=date(1985, 3, 3),
    )
    child = Person(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name="王小明",
        role=Role.OWNER,
        date_of_birth=date(2018, 6, 1),
        guardian_id=parent.id,
    )
    with uow:
        uow.people.save(parent)
        uow.people.save(child)
        uow.commit()
    return parent, child


def _consented_child(uow: UnitOfWork, kit: PrivacyKit, site: Site) -> tuple[Person, Person]:
    publish_community_notice(uow, community_id=site.community.id, content=notice_content(), at=T0)
    switch_face_on(uow, site.community.id, at=T0)
    parent, child = _people(uow, site)
    consent = record_consent(
        uow,
        kit,
        person_id=child.id,
        channel=ConsentChannel.GUARDIAN,
        at=NOW,
        guardian_id=parent.id,
    )
    with uow:
        uow.credentials.save(
            FaceCredential(
                id=uuid.uuid4(),
                person_id=child.id,
                template_ref="v1",
                consent_id=consent.id,
                validity=Validity(valid_from=T0),
            )
        )
        uow.commit()
    return parent, child


def _as_resident(site: Site, person: Person) -> Caller:
    principal = Principal(
        kind="user",
        id=uuid.uuid4(),
        role=AccountRole.RESIDENT,
        community_ids=frozenset({site.community.id}),
        person_id=person.id,
    )
    return Caller(principal, CommunityScope.of([site.community.id]), site.community.id)


def test_a_guardians_withdrawal_for_a_child_is_one_transaction(
    uow: UnitOfWork, kit: PrivacyKit, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent, child = _consented_child(uow, kit, site)
    with uow:
        pulled_before = uow.changes.cursor(site.community.id)
    counts = {"opened": 0, "committed": 0}
    opened, committed = UnitOfWork.__enter__, UnitOfWork.commit

    def counted_enter(self: UnitOfWork) -> UnitOfWork:
        counts["opened"] += 1
        return opened(self)

    def counted_commit(self: UnitOfWork) -> None:
        counts["committed"] += 1
        committed(self)

    monkeypatch.setattr(UnitOfWork, "__enter__", counted_enter)
    monkeypatch.setattr(UnitOfWork, "commit", counted_commit)
    receipt = withdraw(uow, kit, _as_resident(site, parent), child.id, written_request=None)
    monkeypatch.undo()

    assert counts == {"opened": 1, "committed": 1}
    assert isinstance(receipt, DeletionReceipt)
    assert receipt.reason == "withdrawal"
    assert verify_receipt(receipt.document(), kit.keys.public_key)
    assert receipt_names(receipt.document(), child.id)
    with uow:
        [consent] = uow.privacy.consents.for_person(child.id)
        feed = uow.changes.since(site.community.id, pulled_before)
        [face] = uow.credentials.of_person(child.id, CommunityScope.all())
    assert consent.withdrawal_channel is ConsentChannel.GUARDIAN
    assert consent.withdrawn_by == str(parent.id)
    assert [(c.entity, c.action) for c in feed] == [("credential", "upsert")]
    assert isinstance(face, FaceCredential)
    assert face.consent_withdrawn_at == consent.withdrawn_at == receipt.deleted_at


def test_a_resident_cannot_withdraw_for_someone_elses_child(
    uow: UnitOfWork, kit: PrivacyKit, site: Site
) -> None:
    from menwei.server.domain.errors import NotFound

    _, child = _consented_child(uow, kit, site)
    stranger = Person(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name="李雷",
        role=Role.OWNER,
        date_of_birth=date(1980, 1, 1),
    )
    with uow:
        uow.people.save(stranger)
        uow.commit()
    with pytest.raises(NotFound):
        withdraw(uow, kit, _as_resident(site, stranger), child.id, written_request=None)
    with uow:
        assert uow.privacy.consents.live_for(child.id) is not None


def test_fulfilling_a_deletion_request_is_one_transaction_with_the_receipt(
    uow: UnitOfWork, kit: PrivacyKit, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from menwei.privacy.rights import RequestKind, RequestState
    from menwei.server.services import rights

    parent, _ = _consented_child(uow, kit, site)
    record_consent(uow, kit, person_id=parent.id, channel=ConsentChannel.SELF, at=NOW)
    request = rights.open_rights_request(
        uow, kit, person_id=parent.id, kind=RequestKind.DELETION, at=NOW
    )
    staff = Principal(
        kind="user",
        id=uuid.uuid4(),
        name="li",
        role=AccountRole.COMMUNITY_STAFF,
        community_ids=frozenset({site.community.id}),
    )
    caller = Caller(staff, CommunityScope.of([site.community.id]), site.community.id)
    counts = {"opened": 0, "committed": 0}
    opened, committed = UnitOfWork.__enter__, UnitOfWork.commit

    def counted_enter(self: UnitOfWork) -> UnitOfWork:
        counts["opened"] += 1
        return opened(self)

    def counted_commit(self: UnitOfWork) -> None:
        counts["committed"] += 1
        committed(self)

    monkeypatch.setattr(UnitOfWork, "__enter__", counted_enter)
    monkeypatch.setattr(UnitOfWork, "commit", counted_commit)
    status = rights.resolve(uow, kit, caller, request.id)
    monkeypatch.undo()

    assert counts == {"opened": 1, "committed": 1}
    assert status.request.state is RequestState.FULFILLED
    assert status.receipt is not None and status.receipt.reason == "deletion_request"
    assert receipt_names(status.receipt.document(), parent.id)
    with uow:
        assert uow.privacy.consents.live_for(parent.id) is None
        assert uow.privacy.receipts.get(status.receipt.receipt_id) == status.receipt
