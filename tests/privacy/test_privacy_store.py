"""The privacy room on a real database (SQLite, and PostgreSQL in the full run).

These tests hold the invariants: no template without consent, templates only as ciphertext,
keys never in the database, erasure surviving a backup restore, no image at rest, and an audit
chain that catches tampering done directly in the database.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from tests.privacy.builders import notice_content, switch_face_on
from tests.store.builders import T0, Site, make_site

from menwei.core.credential import Card, CredentialKind, FaceCredential, Validity
from menwei.core.person import HouseholdMembership, Person, Role
from menwei.privacy.audit import AuditAction
from menwei.privacy.consent import ConsentChannel, give_consent, publish_notice
from menwei.privacy.errors import ConsentRequired, VaultError
from menwei.privacy.keys import read_key_file
from menwei.privacy.receipts import receipt_names, verify_receipt
from menwei.privacy.vault import SealedTemplate
from menwei.server.services.audit_trail import verify_audit
from menwei.server.services.data_export import export_person
from menwei.server.services.enrolment_record import enrol_template
from menwei.server.services.key_rotation import rotate_keks
from menwei.server.services.privacy_kit import open_kit
from menwei.server.services.retention_run import run_maintenance
from menwei.server.services.withdrawal import erase_person, withdraw_and_erase
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.scope import CommunityScope
from menwei.store.tables import EventRow
from menwei.store.tables.privacy import FaceTemplateRow

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def kit(tmp_path):
    kit = open_kit(tmp_path / "keys" / "master.key", processor_name="太阳国际公寓物业")
    yield kit
    kit.key_store.close()


@pytest.fixture
def site(uow) -> Site:
    return make_site(uow)


def _publish_and_consent(uow, site: Site, person: Person | None = None) -> Person:
    person = person or _adult(uow, site, "王芳")
    with uow:
        store = PrivacyStore(uow.session)
        notice = store.notices.current(site.community.id)
        if notice is None:
            notice = store.notices.add(
                publish_notice(site.community.id, notice_content(), previous=None, at=T0)
            )
        store.consents.add(give_consent(person, notice, channel=ConsentChannel.SELF, at=NOW))
        uow.commit()
    switch_face_on(uow, site.community.id, at=T0)
    return person


def _adult(uow, site: Site, name: str = "李雷") -> Person:
    person = Person(
        id=uuid.uuid4(),
        community_id=site.community.id,
        name=name,
        role=Role.OWNER,
        date_of_birth=date(1985, 3, 3),
    )
    with uow:
        uow.people.save(person)
        uow.commit()
    return person


def _template(seed: int = 1) -> bytes:
    vector = np.random.default_rng(seed).standard_normal(128).astype(np.float32)
    return (vector / np.linalg.norm(vector)).astype(np.float32).tobytes()


def _enrol(uow, kit, site, person, template: bytes) -> SealedTemplate:
    return enrol_template(
        uow,
        kit,
        person_id=person.id,
        community_id=site.community.id,
        template=template,
        at=NOW,
        actor="self",
    )


def _database_bytes(engine: sa.Engine) -> bytes:
    """Every value of every table, as bytes: what a database dump would contain."""
    chunks: list[bytes] = []
    present = sa.MetaData()
    present.reflect(engine)
    with engine.connect() as connection:
        for table in present.sorted_tables:
            for row in connection.execute(sa.select(table)):
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        chunks.append(bytes(value))
                    elif value is not None:
                        chunks.append(str(value).encode())
    return b"\x00".join(chunks)


def _files_bytes(*roots: Path) -> bytes:
    return b"\x00".join(
        p.read_bytes() for root in roots for p in sorted(root.rglob("*")) if p.is_file()
    )


def test_no_consent_no_template_and_nothing_is_written(uow, kit, site, engine):
    person = _adult(uow, site)
    switch_face_on(uow, site.community.id, at=T0)
    with pytest.raises(ConsentRequired):
        _enrol(uow, kit, site, person, _template())
    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(FaceTemplateRow)) == 0
    assert not kit.vault.has_key(str(site.community.id), str(person.id))


def test_an_enrolled_template_is_stored_only_as_ciphertext_and_logged(uow, kit, site, engine):
    person = _publish_and_consent(uow, site)
    template = _template()
    _enrol(uow, kit, site, person, template)
    assert template not in _database_bytes(engine)
    with uow:
        store = PrivacyStore(uow.session)
        [sealed] = store.templates.latest_for_community(site.community.id)
        assert kit.vault.unseal(sealed) == template
        entries = kit.chain(store).entries_about(person.id)
    assert [e.action for e in entries] == [AuditAction.ENROL]


def test_no_key_of_any_layer_is_in_the_database(uow, kit, site, engine):
    person = _publish_and_consent(uow, site)
    _enrol(uow, kit, site, person, _template())
    dump = _database_bytes(engine)
    community, pid = str(site.community.id), str(person.id)
    wrapped_data_key = kit.key_store.get_data_key(community, pid)
    wrapped_community_key = kit.key_store.get_community_key(community)
    assert wrapped_data_key and wrapped_community_key
    secrets = [*kit.keys.keks, kit.keys.subject_pepper, wrapped_data_key, wrapped_community_key]
    for secret in secrets:
        assert secret not in dump
        assert secret.hex().encode() not in dump


def _backup(database_url: str, engine: sa.Engine, tmp_path: Path) -> list[dict]:
    """A backup of the database: on SQLite a backup file, on PostgreSQL a dump of the table."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        copy = tmp_path / "backup.db"
        source, target = sqlite3.connect(str(url.database)), sqlite3.connect(copy)
        try:
            source.backup(target)  # what an operator's online backup does (WAL included)
        finally:
            source.close()
            target.close()
        backup_engine = sa.create_engine(f"sqlite:///{copy}")
        try:
            with backup_engine.connect() as connection:
                rows = connection.execute(sa.select(FaceTemplateRow.__table__)).mappings().all()
        finally:
            backup_engine.dispose()
    else:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(FaceTemplateRow.__table__)).mappings().all()
    return [dict(r) for r in rows]


def test_a_crash_before_the_withdrawal_commits_leaves_an_unreadable_template(
    uow, kit, site, monkeypatch
):
    """The data key goes before the transaction commits: when the transaction then fails,
    nothing of the withdrawal is recorded, but the template can never be read again."""
    person = _publish_and_consent(uow, site)
    sealed = _enrol(uow, kit, site, person, _template())

    def crash(*_: object, **__: object) -> None:
        raise RuntimeError("the power went out")

    monkeypatch.setattr("menwei.store.repositories.privacy.ReceiptRepository.add", crash)
    with pytest.raises(RuntimeError):
        withdraw_and_erase(uow, kit, person=person, channel=ConsentChannel.SELF, at=NOW)
    with uow:
        store = PrivacyStore(uow.session)
        assert store.consents.live_for(person.id) is not None  # rolled back as a whole
        [kept] = store.templates.latest_for_community(site.community.id)
    assert kept.ciphertext == sealed.ciphertext
    with pytest.raises(VaultError):
        kit.vault.unseal(kept)


def test_a_withdrawal_is_one_transaction(uow, kit, site, monkeypatch):
    person = _publish_and_consent(uow, site)
    _enrol(uow, kit, site, person, _template())
    counts = {"opened": 0, "committed": 0}
    opened, committed = type(uow).__enter__, type(uow).commit

    def counted_enter(self):  # type: ignore[no-untyped-def]
        counts["opened"] += 1
        return opened(self)

    def counted_commit(self):  # type: ignore[no-untyped-def]
        counts["committed"] += 1
        return committed(self)

    monkeypatch.setattr(type(uow), "__enter__", counted_enter)
    monkeypatch.setattr(type(uow), "commit", counted_commit)
    withdraw_and_erase(uow, kit, person=person, channel=ConsentChannel.SELF, at=NOW)
    assert counts == {"opened": 1, "committed": 1}


def test_erasure_survives_restoring_a_database_backup(
    uow, kit, site, engine, database_url, tmp_path
):
    erased = _publish_and_consent(uow, site)
    kept = _publish_and_consent(uow, site, _adult(uow, site))
    _enrol(uow, kit, site, erased, _template(1))
    _enrol(uow, kit, site, kept, _template(2))
    backup = _backup(database_url, engine, tmp_path)
    assert len(backup) == 2

    receipt = erase_person(
        uow,
        kit,
        person_id=erased.id,
        community_id=site.community.id,
        reason="withdrawal",
        actor="self",
        at=NOW,
    )
    assert verify_receipt(receipt.document(), kit.keys.public_key)
    assert receipt_names(receipt.document(), erased.id)

    # Restore the old backup's ciphertexts into the live database.
    with engine.begin() as connection:
        connection.execute(sa.delete(FaceTemplateRow.__table__))
        connection.execute(sa.insert(FaceTemplateRow.__table__), backup)
    with uow:
        restored = {
            s.person_id: s
            for s in PrivacyStore(uow.session).templates.latest_for_community(site.community.id)
        }
    assert set(restored) == {str(erased.id), str(kept.id)}
    with pytest.raises(VaultError):
        kit.vault.unseal(restored[str(erased.id)])
    assert kit.vault.unseal(restored[str(kept.id)]) == _template(2)
    # Even a fresh process with the same key file cannot open it: the key is gone everywhere.
    fresh = open_kit(tmp_path / "keys" / "master.key")
    try:
        with pytest.raises(VaultError):
            fresh.vault.unseal(restored[str(erased.id)])
    finally:
        fresh.key_store.close()


def test_no_face_image_or_plaintext_template_is_at_rest_after_enrolment(
    uow, kit, site, engine, tmp_path
):
    lfw = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "lfw" / "images"
    photos = sorted(lfw.rglob("*.jpg"))[:1] if lfw.exists() else []
    if not photos:
        pytest.skip(f"LFW images not found under {lfw}; the enrolment scan needs a real face")
    from menwei.vision.engine import FaceEngine

    jpeg = photos[0].read_bytes()
    assert jpeg.startswith(JPEG_MAGIC)
    vector = FaceEngine().enrol([jpeg])
    template = np.asarray(vector, dtype=np.float32).tobytes()
    person = _publish_and_consent(uow, site)
    _enrol(uow, kit, site, person, template)
    del jpeg

    at_rest = _database_bytes(engine) + _files_bytes(tmp_path)
    assert JPEG_MAGIC not in at_rest
    assert PNG_MAGIC not in at_rest
    assert template not in at_rest
    assert template[:64] not in at_rest  # not even a fragment of the vector
    assert photos[0].read_bytes()[200:264] not in at_rest


def test_withdrawal_erases_the_face_and_leaves_the_card_working(uow, kit, site):
    person = _publish_and_consent(uow, site)
    sealed = _enrol(uow, kit, site, person, _template())
    with uow:
        consent = PrivacyStore(uow.session).consents.live_for(person.id)
        uow.credentials.save(
            Card(
                id=uuid.uuid4(),
                person_id=person.id,
                uid="04A1B2C3",
                validity=Validity(valid_from=T0),
            )
        )
        uow.credentials.save(
            FaceCredential(
                id=uuid.uuid4(),
                person_id=person.id,
                template_ref="v1",
                consent_id=consent.id,
                validity=Validity(valid_from=T0),
            )
        )
        uow.commit()
        face_id = next(
            c.id
            for c in uow.credentials.of_person(person.id, CommunityScope.all())
            if isinstance(c, FaceCredential)
        )
    with uow:
        pulled_before = uow.changes.cursor(site.community.id)
    receipt = withdraw_and_erase(uow, kit, person=person, channel=ConsentChannel.SELF, at=NOW)
    assert receipt.reason == "withdrawal"
    with uow:  # what each gate's next pull carries: the face credential, withdrawn
        feed = uow.changes.since(site.community.id, pulled_before)
    assert [(c.entity, str(c.entity_id), c.action) for c in feed] == [
        ("credential", str(face_id), "upsert")
    ]
    with pytest.raises(VaultError):
        kit.vault.unseal(sealed)
    with uow:
        store = PrivacyStore(uow.session)
        assert store.consents.live_for(person.id) is None
        creds = uow.credentials.of_person(person.id, CommunityScope.all())
        actions = [e.action for e in kit.chain(store).entries_about(person.id)]
        assert store.receipts.for_subject(kit.chain(store).subject_of(person.id)) == [receipt]
    card = next(c for c in creds if isinstance(c, Card))
    face = next(c for c in creds if isinstance(c, FaceCredential))
    assert card.validity.revoked_at is None
    assert face.consent_withdrawn_at == NOW
    assert actions == ["enrol", "withdrawal", "erasure"]
    assert CredentialKind.CARD


def test_maintenance_erases_moved_out_faces_after_30_days_and_purges_old_events(
    uow, kit, site, engine
):
    stayed = _publish_and_consent(uow, site)
    left_long_ago = _publish_and_consent(uow, site, _adult(uow, site, "韩梅梅"))
    left_recently = _publish_and_consent(uow, site, _adult(uow, site, "张伟"))
    with uow:
        for person, moved_out in (
            (stayed, None),
            (left_long_ago, NOW.date() - timedelta(days=31)),
            (left_recently, NOW.date() - timedelta(days=5)),
        ):
            uow.people.add_membership(
                HouseholdMembership(
                    id=uuid.uuid4(),
                    person_id=person.id,
                    unit_id=site.unit.id,
                    moved_in=date(2020, 1, 1),
                    moved_out=moved_out,
                )
            )
        uow.commit()
    for i, person in enumerate((stayed, left_long_ago, left_recently)):
        _enrol(uow, kit, site, person, _template(i))
    with engine.begin() as connection:
        for key, when in (("old", NOW - timedelta(days=181)), ("new", NOW - timedelta(days=1))):
            connection.execute(
                sa.insert(EventRow.__table__).values(
                    idempotency_key=key,
                    community_id=site.community.id,
                    door_id=site.gate.id,
                    occurred_at=when,
                    direction="in",
                    outcome="allow",
                    **_event_extras(),
                )
            )
    [report] = run_maintenance(uow, kit, now=NOW)
    assert (report.erased_people, report.purged_events) == (1, 1)
    assert not kit.vault.has_key(str(site.community.id), str(left_long_ago.id))
    assert kit.vault.has_key(str(site.community.id), str(left_recently.id))
    assert verify_audit(uow, kit).ok


def _event_extras() -> dict:
    columns = {c.name: c for c in EventRow.__table__.columns}
    extras: dict = {}
    for name, column in columns.items():
        if (
            name
            in {
                "id",
                "idempotency_key",
                "community_id",
                "door_id",
                "occurred_at",
                "direction",
                "outcome",
            }
            or column.nullable
            or column.default is not None
        ):
            continue
        extras[name] = "face" if name in {"credential_kind", "method"} else "test"
    return extras


def _audit_rows(engine):
    with engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT seq, actor FROM privacy_audit_entries ORDER BY seq")
        ).all()


def _fill_log(uow, kit, n: int = 6):
    with uow:
        chain = kit.chain(PrivacyStore(uow.session))
        for i in range(n):
            chain.append(
                at=NOW + timedelta(seconds=i),
                actor="staff:wang",
                action=AuditAction.STAFF_VIEW,
                person_id=f"p{i}",
                detail={"i": i},
            )
        chain.checkpoint(NOW + timedelta(seconds=n))
        uow.commit()


def test_audit_verify_finds_an_entry_edited_in_the_database(uow, kit, engine):
    _fill_log(uow, kit)
    assert verify_audit(uow, kit).ok
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE privacy_audit_entries SET actor = 'x' WHERE seq = 3"))
    problems = verify_audit(uow, kit).problems
    assert (3, "edited") in [(p.seq, p.kind) for p in problems]


def test_audit_verify_finds_an_entry_deleted_in_the_database(uow, kit, engine):
    _fill_log(uow, kit)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM privacy_audit_entries WHERE seq = 2"))
    problems = verify_audit(uow, kit).problems
    assert (2, "deleted") in [(p.seq, p.kind) for p in problems]


def test_audit_verify_finds_entries_reordered_in_the_database(uow, kit, engine):
    _fill_log(uow, kit)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE privacy_audit_entries SET seq = 100 WHERE seq = 4"))
        connection.execute(sa.text("UPDATE privacy_audit_entries SET seq = 4 WHERE seq = 5"))
        connection.execute(sa.text("UPDATE privacy_audit_entries SET seq = 5 WHERE seq = 100"))
    problems = verify_audit(uow, kit).problems
    assert "reordered" in [p.kind for p in problems]
    assert problems[0].seq == 4


def test_kek_rotation_keeps_templates_readable_and_retires_the_old_kek(uow, kit, site, tmp_path):
    person = _publish_and_consent(uow, site)
    sealed = _enrol(uow, kit, site, person, _template())
    old = kit.keys.keks
    key_file = tmp_path / "keys" / "master.key"
    assert rotate_keks(uow, kit, key_file=key_file, at=NOW) == 1
    on_disk = read_key_file(key_file)
    assert len(on_disk.keks) == 1 and on_disk.keks[0] not in old
    fresh = open_kit(key_file, create=False)
    try:
        assert fresh.vault.unseal(sealed) == _template()
    finally:
        fresh.key_store.close()
    assert verify_audit(uow, kit).ok


def test_the_filing_counter_counts_distinct_people_per_processor(uow, kit, site):
    first = _publish_and_consent(uow, site)
    second = _publish_and_consent(uow, site, _adult(uow, site))
    _enrol(uow, kit, site, first, _template(1))
    _enrol(uow, kit, site, first, _template(2))  # re-enrolment: still one person
    _enrol(uow, kit, site, second, _template(3))
    with uow:
        count = PrivacyStore(uow.session).templates.people_with_face_data(site.processor.id)
    assert count == 2


def test_a_person_exports_everything_about_them_without_their_template(uow, kit, site):
    person = _publish_and_consent(uow, site)
    template = _template()
    _enrol(uow, kit, site, person, template)
    bundle, page = export_person(uow, kit, person_id=person.id, at=NOW, actor=str(person.id))
    assert bundle["person"]["name"] == person.name
    assert [c["channel"] for c in bundle["consents"]] == ["self"]
    assert [t["template_version"] for t in bundle["face_templates"]] == [1]
    assert [e["action"] for e in bundle["audit_entries"]] == ["enrol"]
    assert person.name in page and "<script" not in page
    import json

    assert template.hex() not in json.dumps(bundle)


def test_a_running_process_keeps_working_after_another_rotates_the_kek(uow, kit, site, tmp_path):
    person = _publish_and_consent(uow, site)
    sealed = _enrol(uow, kit, site, person, _template())
    operator = open_kit(tmp_path / "keys" / "master.key", create=False)
    try:
        rotate_keks(uow, operator, key_file=tmp_path / "keys" / "master.key", at=NOW)
    finally:
        operator.key_store.close()
    assert kit.vault.unseal(sealed) == _template()
