"""The audit log cannot be trimmed or rewritten unseen: each way a database admin could change
it is tried on the real database, and ``menwei audit verify`` finds it and says where.

The signed head sits in a file beside the key file, outside the database, so cutting entries
off the end, rewriting with recomputed hashes, or restoring an older backup all show.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from menwei.cli import app
from menwei.privacy.audit import GENESIS_HASH, AuditAction, entry_digest
from menwei.privacy.audit_head import head_file_for
from menwei.server.services.privacy_kit import open_kit
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.tables.privacy import AuditEntryRow

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ENTRIES = "privacy_audit_entries"


def _append(uow, key_file, first: int, count: int) -> None:
    """``count`` entries, one commit each, as the server writes them."""
    kit = open_kit(key_file)
    try:
        for i in range(first, first + count):
            with uow:
                kit.chain(PrivacyStore(uow.session)).append(
                    at=AT + timedelta(seconds=i),
                    actor="staff:li",
                    action=AuditAction.WITHDRAWAL if i % 2 else AuditAction.ERASURE,
                    person_id=f"p{i}",
                )
                uow.commit()
    finally:
        kit.key_store.close()


@pytest.fixture
def logged(uow, environment):
    _append(uow, environment, 1, 6)
    return environment


def _verify(runner, *args: str):
    return runner.invoke(app, ["audit", "verify", *args])


def _rehash(connection) -> None:
    """What a careful attacker does after changing rows: recompute every link and hash."""
    rows = connection.execute(
        sa.text(
            f"SELECT seq, at, actor, action, subject, community_id, detail FROM {ENTRIES} "
            "ORDER BY seq"
        )
    ).all()
    prev = GENESIS_HASH
    for seq, at, actor, action, subject, community, detail in rows:
        when = at if isinstance(at, datetime) else datetime.fromisoformat(at)
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        digest = entry_digest(
            at=when,
            actor=actor,
            action=action,
            subject=subject,
            community_id=community,
            detail=detail if isinstance(detail, dict) else json.loads(detail),
            prev_hash=prev,
        )
        connection.execute(
            sa.text(f"UPDATE {ENTRIES} SET prev_hash = :p, entry_hash = :h WHERE seq = :s"),
            {"p": prev, "h": digest, "s": seq},
        )
        prev = digest


def test_an_intact_log_passes_with_its_head_and_a_witness(runner, logged, engine) -> None:
    head = json.loads(head_file_for(logged).read_text())
    assert head["seq"] == 6
    ok = _verify(runner, "--witness", f"6:{head['hash'][:16]}")
    assert ok.exit_code == 0, ok.output
    assert "6 entries" in ok.output


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (["UPDATE {t} SET actor = 'nobody' WHERE seq = 3"], "[edited] entry 3"),
        (["DELETE FROM {t} WHERE seq = 3"], "[deleted] entry 3"),
        (
            [
                "UPDATE {t} SET seq = 100 WHERE seq = 4",
                "UPDATE {t} SET seq = 4 WHERE seq = 5",
                "UPDATE {t} SET seq = 5 WHERE seq = 100",
            ],
            "[reordered] entry",
        ),
        (["DELETE FROM {t} WHERE seq = 6"], "[truncated] entry 6"),
        (["DELETE FROM {t} WHERE seq >= 4"], "[truncated] entry 4"),
        (["DELETE FROM {t}"], "[truncated] entry 1"),
    ],
    ids=["edit", "delete-middle", "reorder", "delete-last", "delete-last-n", "empty"],
)
def test_each_change_to_the_rows_is_found_and_located(
    runner, logged, engine, tamper, expected
) -> None:
    with engine.begin() as connection:
        for statement in tamper:
            connection.execute(sa.text(statement.format(t=ENTRIES)))
    result = _verify(runner)
    assert result.exit_code == 1, result.output
    assert expected in result.output


def test_a_rewrite_with_recomputed_hashes_is_found(runner, logged, engine) -> None:
    witnessed = json.loads(head_file_for(logged).read_text())
    with engine.begin() as connection:
        connection.execute(sa.text(f"UPDATE {ENTRIES} SET action = 'export' WHERE seq = 2"))
        _rehash(connection)
    result = _verify(runner)
    assert result.exit_code == 1, result.output
    assert "[rewritten] entry 6" in result.output
    assert "[edited]" not in result.output  # the chain itself is consistent again
    # the witness on the public page shows it even if the head file were lost too
    head_file_for(logged).unlink()
    witness = _verify(runner, "--witness", f"6:{witnessed['hash'][:16]}")
    assert witness.exit_code == 1
    assert "[rewritten] entry 6" in witness.output


def test_delete_renumber_and_rehash_is_found(runner, logged, engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(f"DELETE FROM {ENTRIES} WHERE seq = 3"))
        for seq in (4, 5, 6):
            connection.execute(
                sa.text(f"UPDATE {ENTRIES} SET seq = :new WHERE seq = :old"),
                {"new": seq - 1, "old": seq},
            )
        _rehash(connection)
    result = _verify(runner)
    assert result.exit_code == 1, result.output
    assert "[truncated] entry 6" in result.output


def test_restoring_an_older_backup_of_the_database_is_found(
    runner, uow, environment, engine
) -> None:
    _append(uow, environment, 1, 4)
    table = AuditEntryRow.__table__
    with engine.connect() as connection:
        backup = [dict(row._mapping) for row in connection.execute(sa.select(table))]
    _append(uow, environment, 5, 3)  # the withdrawals and erasures after the backup
    with engine.begin() as connection:
        connection.execute(sa.delete(table))
        connection.execute(sa.insert(table), backup)
    result = _verify(runner)
    assert result.exit_code == 1, result.output
    assert "[truncated] entry 5" in result.output
    assert "entries 5-7 are missing" in result.output


def test_a_bad_witness_or_head_file_is_a_plain_error(runner, logged) -> None:
    bad = _verify(runner, "--witness", "six:zz")
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output
    head_file_for(logged).write_text("{not json")
    damaged = _verify(runner)
    assert damaged.exit_code != 0
    assert "damaged" in damaged.output
    assert "Traceback" not in damaged.output
