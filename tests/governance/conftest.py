"""Shared builders for governance tests: a roll, a proposal and times in Beijing."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from menwei.governance import OwnedUnit, OwnerRoll, OwnersVote, Proposal, Subject, VoteRule

BEIJING = ZoneInfo("Asia/Shanghai")
OPENS = datetime(2026, 3, 1, 8, 0, tzinfo=BEIJING)
CLOSES = OPENS + timedelta(days=14)
DURING = OPENS + timedelta(days=1)
AFTER = CLOSES + timedelta(hours=1)


def rid(name: str) -> uuid.UUID:
    """A record id that reads as ``name`` in a test: the same name always gives the same UUID."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"menwei-test:{name}")


def make_roll(*units: tuple[str, str, set[str]]) -> OwnerRoll:
    """A roll from (unit id, area as text, owner ids)."""
    return OwnerRoll(
        tuple(OwnedUnit(uid, Decimal(area), frozenset(owners)) for uid, area, owners in units)
    )


def make_vote(
    roll: OwnerRoll,
    rule: VoteRule = VoteRule.ORDINARY,
    subject: Subject = Subject.FACE_RECOGNITION,
    proposal_id: uuid.UUID | None = None,
    community_id: uuid.UUID | None = None,
) -> OwnersVote:
    proposal = Proposal(
        proposal_id=proposal_id or rid("p-1"),
        community_id=community_id or rid("c-1"),
        title="在本小区启用人脸识别门禁",
        full_text="提议在东门和南门安装人脸识别门禁，门禁卡、密码和二维码继续有效。",
        notice_text="人脸信息处理告知（第 1 版）",
        opens_at=OPENS,
        closes_at=CLOSES,
        rule=rule,
        subject=subject,
        created_by="staff-1",
    )
    return OwnersVote(proposal, roll)


@pytest.fixture
def equal_roll() -> OwnerRoll:
    """Four units of 100 m², each with its own single owner."""
    return make_roll(*((f"u{i}", "100", {f"o{i}"}) for i in range(1, 5)))


@pytest.fixture
def roll_of():
    """Builds a roll from (unit id, area, owner ids) triples."""
    return make_roll


@pytest.fixture
def vote_on():
    """Builds an open face-recognition vote (ordinary rule unless told) on a roll."""
    return make_vote


@pytest.fixture
def during() -> datetime:
    """A moment inside the voting window."""
    return DURING


@pytest.fixture
def after() -> datetime:
    """A moment after the voting window ended."""
    return AFTER
