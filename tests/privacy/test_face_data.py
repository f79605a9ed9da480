"""Templates enter only with consent and leave with a signed receipt (in-memory fakes)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from tests.privacy.builders import notice_content

from menwei.core.person import Person, Role
from menwei.privacy.audit import AuditChain, MemoryAuditLog, verify_chain
from menwei.privacy.consent import ConsentChannel, give_consent, publish_notice
from menwei.privacy.errors import ConsentRequired, VaultError
from menwei.privacy.face_data import erase_face_data, store_template
from menwei.privacy.keys import ProcessorKeys
from menwei.privacy.keystore import MemoryKeyStore
from menwei.privacy.receipts import receipt_names, verify_receipt
from menwei.privacy.vault import SealedTemplate, Vault

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
COMMUNITY = uuid.uuid4()


class MemoryTemplates:
    def __init__(self) -> None:
        self.rows: list[SealedTemplate] = []
        self.devices: dict[str, list[str]] = {}

    def add(self, sealed: SealedTemplate, *, consent_id: str) -> None:
        self.rows.append(sealed)

    def latest_version(self, community_id: str, person_id: str) -> int | None:
        return max(self.versions_of(community_id, person_id), default=None)

    def versions_of(self, community_id: str, person_id: str) -> list[int]:
        return [r.template_version for r in self.rows if r.person_id == person_id]

    def delete_all(self, community_id: str, person_id: str) -> int:
        before = len(self.rows)
        self.rows = [r for r in self.rows if r.person_id != person_id]
        return before - len(self.rows)

    def devices_holding(self, community_id: str, person_id: str) -> list[str]:
        return self.devices.get(person_id, [])


@pytest.fixture
def world():
    keys = ProcessorKeys.generate()
    vault = Vault(keys.kek_ring, MemoryKeyStore())
    chain = AuditChain(MemoryAuditLog(), signing_key=keys.signing_key, pepper=b"pepper")
    person = Person(
        id=uuid.uuid4(),
        community_id=COMMUNITY,
        name="王芳",
        role=Role.OWNER,
        date_of_birth=date(1980, 1, 1),
    )
    notice = publish_notice(COMMUNITY, notice_content(), previous=None, at=NOW)
    return keys, vault, chain, person, notice, MemoryTemplates()


def _store(world, consent):
    _keys, vault, chain, _person, notice, templates = world
    return store_template(
        vault=vault,
        templates=templates,
        audit=chain,
        consent=consent,
        current_notice=notice,
        consented_notice=notice,
        template=b"\x01" * 512,
        at=NOW,
        actor="self",
    )


def test_without_consent_nothing_is_sealed_stored_or_logged(world):
    _keys, vault, chain, person, _notice, templates = world
    with pytest.raises(ConsentRequired):
        _store(world, None)
    assert templates.rows == []
    assert chain.log.last_entry() is None
    assert not vault.has_key(str(COMMUNITY), str(person.id))


def test_enrolment_then_re_enrolment_is_logged_as_enrol_then_update(world):
    _keys, _vault, chain, person, notice, _templates = world
    consent = give_consent(person, notice, channel=ConsentChannel.SELF, at=NOW)
    first, second = _store(world, consent), _store(world, consent)
    assert (first.template_version, second.template_version) == (1, 2)
    assert [e.action for e in chain.entries_about(person.id)] == ["enrol", "update"]


def test_erasure_shreds_deletes_names_the_devices_logs_and_signs(world):
    keys, vault, chain, person, notice, templates = world
    consent = give_consent(person, notice, channel=ConsentChannel.SELF, at=NOW)
    sealed = _store(world, consent)
    templates.devices[str(person.id)] = ["gate-north", "gate-south"]
    receipt = erase_face_data(
        vault=vault,
        templates=templates,
        audit=chain,
        signing_key=keys.signing_key,
        processor="阳光物业",
        community_id=COMMUNITY,
        person_id=person.id,
        reason="withdrawal",
        actor="self",
        at=NOW,
    )
    with pytest.raises(VaultError):
        vault.unseal(sealed)
    assert templates.rows == []
    assert verify_receipt(receipt.document(), keys.public_key)
    assert receipt_names(receipt.document(), person.id)
    assert receipt.devices_told_to_delete == ("gate-north", "gate-south")
    assert receipt.document()["deleted"]["devices_told_to_delete"] == ["gate-north", "gate-south"]
    assert chain.entries_about(person.id)[-1].action == "erasure"
    assert verify_chain(chain.log.entries(), chain.log.checkpoints(), keys.public_key).ok
