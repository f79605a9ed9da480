"""Verifying a streamed chain (entries read once, wrong links looked up afterwards) reports
exactly what verifying it in memory reports, problem for problem and in the same order."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from menwei.privacy.audit import AuditChain, AuditEntry, MemoryAuditLog, verify_chain
from menwei.privacy.keys import ProcessorKeys

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _chain(keys: ProcessorKeys) -> MemoryAuditLog:
    log = MemoryAuditLog()
    chain = AuditChain(
        log, signing_key=keys.signing_key, pepper=keys.subject_pepper, checkpoint_every=4
    )
    for i in range(12):
        chain.append(at=T0 + timedelta(minutes=i), actor="staff:wang", action="enrol")
    return log


def _swap(rows: list[AuditEntry]) -> None:
    a, b = rows[6], rows[7]
    rows[6], rows[7] = dataclasses.replace(b, seq=a.seq), dataclasses.replace(a, seq=b.seq)


def _edit(rows: list[AuditEntry]) -> None:
    rows[3] = dataclasses.replace(rows[3], actor="someone else")


def _delete(rows: list[AuditEntry]) -> None:
    del rows[9]


def _relink(rows: list[AuditEntry]) -> None:
    rows[5] = dataclasses.replace(rows[5], prev_hash="f" * 64)


@pytest.mark.parametrize(
    "damage",
    [
        [],
        [_swap],
        [_edit],
        [_delete],
        [_relink],
        [_swap, _edit, _delete],
        [_delete, _relink],
    ],
)
def test_a_streamed_chain_reports_what_an_in_memory_one_does(
    damage: list[Callable[[list[AuditEntry]], None]],
) -> None:
    keys = ProcessorKeys.generate()
    log = _chain(keys)
    for harm in damage:
        harm(log.rows)
    read: list[int] = []

    def stream() -> Iterator[AuditEntry]:
        for entry in log.entries():
            read.append(entry.seq)
            yield entry

    streamed = verify_chain(stream(), log.checkpoints(), keys.public_key, locate=log.seqs_of_hashes)
    in_memory = verify_chain(log.entries(), log.checkpoints(), keys.public_key)

    assert streamed == in_memory
    assert read == sorted(read) and len(read) == len(log.rows)  # one pass, in order
    assert streamed.ok is not bool(damage)
