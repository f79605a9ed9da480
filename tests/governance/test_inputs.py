"""Bad input to rolls and proposals fails with a typed error that says what was wrong."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

import menwei.governance as governance
from menwei.governance import GovernanceError, InvalidInput, OwnedUnit, OwnerRoll, Proposal

from .conftest import rid

BEIJING = ZoneInfo("Asia/Shanghai")
OPENS = datetime(2026, 3, 1, 8, tzinfo=BEIJING)


@pytest.mark.parametrize(
    "area", [0, -5, 89.5, "abc", "NaN", "Infinity", None, True, "1000000", "88.12345"]
)
def test_an_area_that_is_not_an_exact_positive_decimal_is_refused(area):
    with pytest.raises(InvalidInput) as refused:
        OwnedUnit("u1", area, frozenset({"o1"}))
    assert refused.value.details["field"] == "area"


def test_areas_given_as_text_or_integers_are_kept_exact():
    assert OwnedUnit("u1", "88.20", frozenset({"o1"})).area == Decimal("88.20")
    assert OwnedUnit("u1", 90, frozenset({"o1"})).area == Decimal(90)


@pytest.mark.parametrize("owners", [frozenset(), "o1", None, frozenset({""})])
def test_a_unit_without_a_valid_owner_is_refused(owners):
    with pytest.raises(InvalidInput):
        OwnedUnit("u1", Decimal(90), owners)


def test_a_roll_that_lists_a_unit_twice_or_nothing_at_all_is_refused():
    unit = OwnedUnit("u1", Decimal(90), frozenset({"o1"}))
    with pytest.raises(InvalidInput):
        OwnerRoll((unit, OwnedUnit("u1", Decimal(80), frozenset({"o2"}))))
    with pytest.raises(InvalidInput):
        OwnerRoll(())


def _proposal(**changes) -> Proposal:
    fields = {
        "proposal_id": rid("p-1"),
        "community_id": rid("c-1"),
        "title": "在本小区启用人脸识别门禁",
        "full_text": "全文",
        "notice_text": "告知",
        "opens_at": OPENS,
        "closes_at": OPENS + timedelta(days=14),
        "rule": "ordinary",
    }
    fields.update(changes)
    return Proposal(**fields)


@pytest.mark.parametrize(
    "changes",
    [
        {"opens_at": datetime(2026, 3, 1, 8)},  # no time zone
        {"closes_at": OPENS},
        {"closes_at": OPENS - timedelta(days=1)},
        {"title": ""},
        {"title": "启用\u0000人脸"},
        {"full_text": "x" * 50_001},
        {"rule": "two_thirds"},
        {"subject": "everything"},
        {"proposal_id": "p\n1"},
        {"proposal_id": "p-1"},
    ],
)
def test_a_malformed_proposal_is_refused_with_a_typed_error(changes):
    with pytest.raises(InvalidInput) as refused:
        _proposal(**changes)
    assert refused.value.details["field"] in changes


@pytest.mark.parametrize(
    "error",
    [
        governance.InvalidInput("title", "invalid_input.must_not_empty"),
        governance.VotingNotOpen(rid("p-1")),
        governance.VoteClosed(rid("p-1")),
        governance.VoteStillOpen(rid("p-1")),
        governance.NotAnOwnerOfUnit("u-1"),
        governance.VoteIsNotConsent(),
        governance.QuestionNotFound(rid("q-1")),
        governance.RecordAltered("p-1"),
        governance.VotingPeriodTooShort(7),
        governance.AlreadyVoted("u-1", "online"),
        governance.AlreadyVoted("u-1", "paper"),
        governance.PaperReferenceUsed("No. 0042"),
        governance.NoOrganisationOnRecord(),
    ],
)
def test_every_governance_error_speaks_chinese_by_default_and_english_on_request(error):
    assert isinstance(error, GovernanceError)
    assert error.message() == error.message_zh
    assert error.message("en") == error.message_en
    assert error.message_zh != error.message_en
    assert error.code != GovernanceError.code


def test_every_exported_error_is_covered_by_the_message_test():
    exported = {
        name
        for name in governance.__all__
        if isinstance(getattr(governance, name), type)
        and issubclass(getattr(governance, name), GovernanceError)
    }
    assert exported == {
        "GovernanceError",
        "InvalidInput",
        "VotingNotOpen",
        "VoteClosed",
        "VoteStillOpen",
        "NotAnOwnerOfUnit",
        "VoteIsNotConsent",
        "QuestionNotFound",
        "RecordAltered",
        "VotingPeriodTooShort",
        "AlreadyVoted",
        "PaperReferenceUsed",
        "NoOrganisationOnRecord",
    }


def test_the_public_api_names_only_what_exists():
    for name in governance.__all__:
        assert hasattr(governance, name), name
    assert sorted(governance.__all__) == governance.__all__
