"""Verifying only what was written after an earlier verification's end."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from menwei.privacy.audit import (
    GENESIS_POSITION,
    AuditAction,
    AuditChain,
    ChainPosition,
    MemoryAuditLog,
    VerifyReport,
    verify_chain,
    verify_chain_after,
)
from menwei.privacy.keys import ProcessorKeys

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
def keys() -> ProcessorKeys:
    return ProcessorKeys.generate()


@pytest.fixture
def chain(keys: ProcessorKeys) -> AuditChain:
    return AuditChain(
        MemoryAuditLog(),
        signing_key=keys.signing_key,
        pepper=keys.subject_pepper,
        checkpoint_every=4,
    )


def write(chain: AuditChain, count: int) -> None:
    for i in range(count):
        chain.append(
            at=T0 + timedelta(minutes=i),
            actor="staff:wang",
            action=AuditAction.STAFF_VIEW,
            person_id=f"person-{i % 3}",
            detail={"i": i},
        )


def full(chain: AuditChain, keys: ProcessorKeys) -> VerifyReport:
    return verify_chain(chain.log.entries(), chain.log.checkpoints(), keys.public_key)


def after(chain: AuditChain, keys: ProcessorKeys, position: ChainPosition) -> VerifyReport | None:
    log = chain.log
    return verify_chain_after(
        position,
        log.entry_at(position.seq),
        log.entries_after(position.seq),
        log.checkpoints(),
        keys.public_key,
    )


def test_a_full_verification_reports_where_it_ended(chain, keys) -> None:
    write(chain, 6)
    report = full(chain, keys)
    assert report.ok
    assert (report.position.seq, report.position.checkpoints) == (6, 1)
    assert report.position.entry_hash == chain.log.last_entry().entry_hash  # type: ignore[union-attr]


def test_appended_entries_and_their_checkpoints_are_accepted(chain, keys) -> None:
    write(chain, 6)
    start = full(chain, keys).position
    write(chain, 5)  # a checkpoint falls due after entry 8

    report = after(chain, keys, start)

    assert report is not None and report.ok, report
    assert (report.entries, report.checkpoints) == (5, 1)
    assert report.position == full(chain, keys).position


def test_from_the_beginning_it_checks_the_whole_chain(chain, keys) -> None:
    write(chain, 5)
    report = after(chain, keys, GENESIS_POSITION)
    assert report is not None and report.ok and report.entries == 5


def test_a_new_entry_edited_after_writing_is_found(chain, keys) -> None:
    write(chain, 3)
    start = full(chain, keys).position
    write(chain, 2)
    log = chain.log
    log.rows[4] = dataclasses.replace(log.rows[4], actor="someone else")  # type: ignore[attr-defined]

    report = after(chain, keys, start)

    assert report is not None and [p.kind for p in report.problems] == ["edited"]


def test_new_entries_must_link_to_the_remembered_hash(chain, keys) -> None:
    write(chain, 3)
    start = full(chain, keys).position
    write(chain, 2)
    elsewhere = dataclasses.replace(start, entry_hash="f" * 64)

    report = after(chain, keys, elsewhere)

    assert report is not None and not report.ok


def test_the_last_verified_entry_changed_is_found(chain, keys) -> None:
    write(chain, 3)
    start = full(chain, keys).position
    log = chain.log
    log.rows[2] = dataclasses.replace(log.rows[2], actor="someone else")  # type: ignore[attr-defined]

    report = after(chain, keys, start)

    assert report is not None and not report.ok


def test_changed_checkpoints_call_for_a_full_verification(chain, keys) -> None:
    write(chain, 6)
    start = full(chain, keys).position
    log = chain.log
    log.signed[0] = dataclasses.replace(log.signed[0], signature="AAAA")  # type: ignore[attr-defined]
    assert after(chain, keys, start) is None

    log.signed.clear()  # type: ignore[attr-defined]
    assert after(chain, keys, start) is None


def test_a_new_checkpoint_naming_an_entry_verified_before_calls_for_a_full_one(chain, keys) -> None:
    write(chain, 6)
    start = full(chain, keys).position
    log = chain.log
    point = log.signed[0]  # type: ignore[attr-defined]
    log.signed.append(dataclasses.replace(point))  # type: ignore[attr-defined]

    assert after(chain, keys, start) is None
