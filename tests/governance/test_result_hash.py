"""A closed vote's hash is pinned: stored results and audit entries must keep verifying.

The ids inside are UUIDs; the canonical form writes them as their usual text, so results
hashed before keep the same sha256.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from menwei.governance import (
    Choice,
    OwnedUnit,
    OwnerRoll,
    OwnersVote,
    Proposal,
    Subject,
    VoteResult,
    VoteRule,
)

OPENS = datetime(2026, 3, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PROPOSAL = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab")
COMMUNITY = uuid.UUID("0a1b2c3d-4e5f-4a6b-9c7d-fedcba987654")
PINNED_HASH = "59e7e5caef46f8fe6523cf7fd8b8256dd7da25398836b5c2399fbe21d4d4cf17"
PINNED_ROLL = "0092226b49a95975bfdb38520276311ffc4f1ad8e0c943be33702291aec497f7"
PINNED_BALLOTS = "977e5c9b56530766a2c6e70b472c778032fdb7a05349ce7561944b2747457339"


def _closed() -> VoteResult:
    roll = OwnerRoll(
        (
            OwnedUnit("u1", Decimal("88.20"), frozenset({"o1"})),
            OwnedUnit("u2", Decimal("100"), frozenset({"o1", "o2"})),
            OwnedUnit("u3", Decimal("75.5"), frozenset({"o3"})),
        )
    )
    proposal = Proposal(
        proposal_id=PROPOSAL,
        community_id=COMMUNITY,
        title="在本小区启用人脸识别门禁",
        full_text="全文",
        notice_text="告知",
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=14),
        rule=VoteRule.ORDINARY,
        subject=Subject.FACE_RECOGNITION,
    )
    vote = OwnersVote(proposal, roll)
    vote.cast_online(unit_id="u1", voter_id="o1", choice=Choice.APPROVE, at=OPENS + timedelta(1))
    vote.cast_online(unit_id="u3", voter_id="o3", choice=Choice.OPPOSE, at=OPENS + timedelta(2))
    return vote.close(OPENS + timedelta(days=15))


def test_a_closed_vote_hashes_as_it_always_did():
    result = _closed()
    assert result.canonical_hash() == PINNED_HASH
    assert result.roll_digest == PINNED_ROLL
    assert result.ballots_digest == PINNED_BALLOTS
    canonical = json.loads(result.canonical_json())
    assert canonical["proposal_id"] == "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab"
    assert canonical["community_id"] == "0a1b2c3d-4e5f-4a6b-9c7d-fedcba987654"


def test_the_audit_entry_names_the_proposal_as_text_and_carries_the_pinned_hash():
    action, detail = _closed().audit_record()
    assert action == "owners_vote_closed"
    assert detail["proposal_id"] == "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab"
    assert detail["result_hash"] == PINNED_HASH


def test_a_stored_result_reads_back_with_uuid_ids():
    result = _closed()
    again = VoteResult.from_canonical(
        json.loads(result.canonical_json()), expected_hash=PINNED_HASH
    )
    assert again == result
    assert again.proposal_id == PROPOSAL and again.community_id == COMMUNITY
