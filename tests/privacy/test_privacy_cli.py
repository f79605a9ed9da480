"""The privacy commands exit non-zero on a tampered receipt or audit log, and say where."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from tests.privacy.builders import signed_receipt

from menwei.cli import app
from menwei.privacy.audit import AuditAction
from menwei.privacy.keys import ProcessorKeys, read_key_file
from menwei.server.services.privacy_kit import open_kit
from menwei.settings import get_settings
from menwei.store.repositories.privacy import PrivacyStore

AT = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def test_receipt_verify_accepts_a_genuine_receipt(runner, tmp_path):
    keys = ProcessorKeys.generate()
    path, pem = tmp_path / "receipt.json", tmp_path / "processor.pem"
    path.write_text(json.dumps(signed_receipt(keys, AT)), encoding="utf-8")
    pem.write_text(keys.public_key_pem())
    result = runner.invoke(app, ["receipt", "verify", str(path), "--public-key", str(pem)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    result = runner.invoke(app, ["receipt", "verify", str(path), "--person-id", "p1"])
    assert result.exit_code == 0, result.output


def test_receipt_verify_exits_non_zero_on_a_tampered_receipt(runner, tmp_path):
    receipt = signed_receipt(ProcessorKeys.generate(), AT)
    receipt["deleted_at"] = "2030-01-01T00:00:00+00:00"
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipt), encoding="utf-8")
    result = runner.invoke(app, ["receipt", "verify", str(path)])
    assert result.exit_code == 1
    assert "changed after it was signed" in result.output


def test_receipt_verify_exits_non_zero_for_another_processors_key(runner, tmp_path):
    path, pem = tmp_path / "receipt.json", tmp_path / "other.pem"
    path.write_text(json.dumps(signed_receipt(ProcessorKeys.generate(), AT)), encoding="utf-8")
    pem.write_text(ProcessorKeys.generate().public_key_pem())
    result = runner.invoke(app, ["receipt", "verify", str(path), "--public-key", str(pem)])
    assert result.exit_code == 1


def test_receipt_verify_explains_a_file_that_is_not_a_receipt(runner, tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0garbage")
    result = runner.invoke(app, ["receipt", "verify", str(path)])
    assert result.exit_code == 1
    assert "not a JSON file" in result.output
    missing = runner.invoke(app, ["receipt", "verify", str(tmp_path / "absent.json")])
    assert missing.exit_code == 2
    assert "Traceback" not in missing.output


def _log_entries(uow, key_file, n: int = 5) -> None:
    kit = open_kit(key_file)
    try:
        with uow:
            chain = kit.chain(PrivacyStore(uow.session))
            for i in range(n):
                chain.append(
                    at=AT + timedelta(seconds=i),
                    actor="staff:li",
                    action=AuditAction.STAFF_VIEW,
                    person_id=f"p{i}",
                )
            uow.commit()
    finally:
        kit.key_store.close()


def test_audit_verify_passes_an_intact_log_and_fails_an_edited_one(
    runner, environment, uow, engine
):
    _log_entries(uow, environment)
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "5 entries" in ok.output
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE privacy_audit_entries SET action = 'enrol' WHERE seq = 3")
        )
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1
    assert "entry 3" in bad.output


def test_audit_verify_fails_when_an_entry_was_deleted(runner, environment, uow, engine):
    _log_entries(uow, environment)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM privacy_audit_entries WHERE seq = 2"))
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "[deleted]" in result.output


def test_keys_rotate_replaces_the_kek_and_logs_it(runner, environment, uow):
    _log_entries(uow, environment, n=1)
    before = read_key_file(environment).keks
    result = runner.invoke(app, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    after = read_key_file(environment).keks
    assert len(after) == 1 and after[0] not in before
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


def test_keys_public_key_prints_a_pem_key(runner, environment):
    result = runner.invoke(app, ["keys", "public-key"])
    assert result.exit_code == 0
    assert result.output.startswith("-----BEGIN PUBLIC KEY-----")


def test_maintenance_run_logs_each_community(runner, environment, uow):
    from tests.store.builders import make_site

    make_site(uow)
    result = runner.invoke(app, ["maintenance", "run"])
    assert result.exit_code == 0, result.output
    assert "erased 0 moved-out" in result.output
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


def test_keys_rotate_for_one_community_keeps_its_templates_readable(runner, environment, uow):
    kit = open_kit(environment)
    try:
        sealed = kit.vault.seal(
            community_id="1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            person_id="p1",
            template_version=1,
            template=b"t" * 512,
            at=AT,
        )
    finally:
        kit.key_store.close()
    result = runner.invoke(
        app, ["keys", "rotate", "--community", "1b4e28ba-2fa1-11d2-883f-0016d3cca427"]
    )
    assert result.exit_code == 0, result.output
    assert "1 data key(s) re-wrapped" in result.output
    fresh = open_kit(environment)
    try:
        assert fresh.vault.unseal(sealed) == b"t" * 512
    finally:
        fresh.key_store.close()
    bad = runner.invoke(app, ["keys", "rotate", "--community", "not-an-id"])
    assert bad.exit_code == 2


def test_audit_checkpoint_signs_the_newest_entry(runner, environment, uow):
    assert "empty" in runner.invoke(app, ["audit", "checkpoint"]).output
    _log_entries(uow, environment, n=3)
    result = runner.invoke(app, ["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    assert "entry 3" in result.output
    assert "1 signed checkpoints" in runner.invoke(app, ["audit", "verify"]).output


def test_keys_rotate_with_environment_keys_rewraps_under_the_first_and_writes_no_file(
    runner, environment, uow, monkeypatch
):
    import base64

    made = ProcessorKeys.generate()
    raw = json.loads(made.to_json())
    env = {
        "MENWEI_KEK": raw["keks"][0],
        "MENWEI_SIGNING_KEY": raw["signing_key"],
        "MENWEI_SUBJECT_PEPPER": raw["subject_pepper"],
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    kit = open_kit(environment)
    try:
        sealed = kit.vault.seal(
            community_id="c1", person_id="p1", template_version=1, template=b"x" * 512, at=AT
        )
    finally:
        kit.key_store.close()
    new_kek = base64.b64encode(b"\x05" * 32).decode()
    monkeypatch.setenv("MENWEI_KEK", f"{new_kek},{raw['keks'][0]}")
    result = runner.invoke(app, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "remove the old key" in result.output
    assert not environment.exists()
    monkeypatch.setenv("MENWEI_KEK", new_kek)  # the old KEK is gone now
    fresh = open_kit(environment)
    try:
        assert fresh.vault.unseal(sealed) == b"x" * 512
    finally:
        fresh.key_store.close()


def test_a_database_without_the_schema_gets_a_clear_message_not_a_traceback(
    runner, monkeypatch, tmp_path
):
    monkeypatch.setenv("MENWEI_DATABASE_URL", f"sqlite:///{tmp_path / 'blank.db'}")
    monkeypatch.setenv("MENWEI_KEY_FILE", str(tmp_path / "keys" / "master.key"))
    monkeypatch.delenv("MENWEI_KEK", raising=False)
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["audit", "verify"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "migrated to the current schema" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
