"""The audit chain catches an edited, deleted or reordered entry and says where."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta

import pytest

from menwei.privacy.audit import (
    AuditAction,
    AuditChain,
    MemoryAuditLog,
    subject_hash,
    verify_chain,
)
from menwei.privacy.keys import ProcessorKeys

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
def keys() -> ProcessorKeys:
    return ProcessorKeys.generate()


@pytest.fixture
def chain(keys) -> AuditChain:
    chain = AuditChain(
        MemoryAuditLog(),
        signing_key=keys.signing_key,
        pepper=keys.subject_pepper,
        checkpoint_every=4,
    )
    actions = [AuditAction.ENROL, AuditAction.SYNC_TO_DEVICE, AuditAction.STAFF_VIEW]
    for i in range(10):
        chain.append(
            at=T0 + timedelta(minutes=i),
            actor="staff:wang",
            action=actions[i % 3],
            person_id=f"person-{i % 3}",
            community_id="c1",
            detail={"i": i},
        )
    return chain


def _verify(chain: AuditChain, keys: ProcessorKeys):
    return verify_chain(chain.log.entries(), chain.log.checkpoints(), keys.public_key)


def test_an_untouched_chain_verifies(chain, keys):
    report = _verify(chain, keys)
    assert report.ok, report.problems
    assert report.entries == 10
    assert report.checkpoints == 2  # after entries 4 and 8


def test_each_entry_links_to_the_hash_of_the_one_before(chain):
    rows = list(chain.log.entries())
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(rows))


def test_an_edited_entry_is_found_by_its_sequence_number(chain, keys):
    rows = chain.log.rows
    rows[5] = dataclasses.replace(rows[5], actor="someone else")
    report = _verify(chain, keys)
    assert [(p.seq, p.kind) for p in report.problems] == [(6, "edited")]


def test_a_deleted_entry_is_found(chain, keys):
    del chain.log.rows[2]
    report = _verify(chain, keys)
    assert (3, "deleted") in [(p.seq, p.kind) for p in report.problems]
    assert "missing before entry 4" in report.problems[0].explanation


def test_a_deleted_entry_is_found_even_when_the_rest_are_renumbered(chain, keys):
    rows = chain.log.rows
    del rows[2]
    chain.log.rows = [dataclasses.replace(r, seq=i + 1) for i, r in enumerate(rows)]
    report = _verify(chain, keys)
    kinds = {(p.seq, p.kind) for p in report.problems}
    assert (3, "deleted") in kinds


def test_reordered_entries_are_found(chain, keys):
    rows = chain.log.rows
    a, b = rows[6], rows[7]
    rows[6] = dataclasses.replace(b, seq=a.seq)
    rows[7] = dataclasses.replace(a, seq=b.seq)
    report = _verify(chain, keys)
    kinds = [p.kind for p in report.problems]
    assert "reordered" in kinds
    assert report.problems[0].seq == 7


def test_a_truncated_tail_is_caught_by_the_signed_checkpoint(chain, keys):
    chain.log.rows = chain.log.rows[:6]
    report = _verify(chain, keys)
    assert (8, "deleted") in [(p.seq, p.kind) for p in report.problems]


def test_a_rewritten_history_with_fresh_hashes_fails_the_signed_checkpoint(keys):
    honest = AuditChain(
        MemoryAuditLog(), signing_key=keys.signing_key, pepper=b"p", checkpoint_every=3
    )
    for i in range(3):
        honest.append(at=T0, actor="a", action=AuditAction.EXPORT, person_id=i)
    forger = AuditChain(
        MemoryAuditLog(),
        signing_key=ProcessorKeys.generate().signing_key,
        pepper=b"p",
        checkpoint_every=100,
    )
    for i in range(3):
        forger.append(at=T0, actor="a", action=AuditAction.EXPORT, person_id=i + 100)
    report = verify_chain(forger.log.entries(), honest.log.checkpoints(), keys.public_key)
    assert (3, "checkpoint") in [(p.seq, p.kind) for p in report.problems]


def test_a_forged_checkpoint_signature_is_reported(chain, keys):
    point = chain.log.signed[0]
    chain.log.signed[0] = dataclasses.replace(point, signature=chain.log.signed[1].signature)
    report = _verify(chain, keys)
    assert [(p.seq, p.kind) for p in report.problems] == [(4, "checkpoint")]


def test_a_person_lists_every_entry_about_themselves_and_no_other(chain):
    mine = chain.entries_about("person-1")
    assert [e.detail["i"] for e in mine] == [1, 4, 7]
    assert all(e.subject == chain.subject_of("person-1") for e in mine)


def test_the_log_never_holds_a_person_id_in_clear(chain):
    for entry in chain.log.entries():
        assert "person-" not in repr(entry)


def test_the_subject_hash_depends_on_the_processors_pepper():
    assert subject_hash(b"a" * 32, "p1") != subject_hash(b"b" * 32, "p1")
    assert subject_hash(b"a" * 32, "p1") == subject_hash(b"a" * 32, "p1")


def test_gate_matches_are_one_entry_per_person_per_day_with_a_count_and_no_score(keys):
    chain = AuditChain(MemoryAuditLog(), signing_key=keys.signing_key, pepper=b"p")
    day1 = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    passages = [("c1", "p1", day1 + timedelta(hours=h)) for h in range(3)]
    passages += [("c1", "p1", day1 + timedelta(days=1)), ("c1", "p2", day1)]
    entries = chain.record_gate_matches(passages, actor="gate:north")
    summary = sorted((e.detail["day"], e.detail["count"]) for e in entries)
    assert summary == [("2026-11-20", 1), ("2026-11-20", 3), ("2026-11-21", 1)]
    assert all(set(e.detail) == {"day", "count"} for e in entries)
