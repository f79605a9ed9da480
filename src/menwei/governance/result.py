"""The fixed result of a closed owners' vote, and its canonical form for the audit chain.

The canonical form is JSON with sorted keys, no spaces, decimals as strings and times in UTC, so
the same result hashes to the same sha256 on every machine and in every database. The result
holds figures and digests only: no owner's name or id appears in it, so it can be published.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NoReturn

from menwei.governance.errors import RecordAltered, VoteIsNotConsent
from menwei.governance.tally import Choice, Tally, VoteRule, percent_down

if TYPE_CHECKING:
    from menwei.governance.roll import OwnerRoll


@dataclass(frozen=True)
class VoteResult:
    """A closed vote's figures. Frozen: assigning to any field raises an error.

    A passed vote lets a community switch face recognition on (the activation gate reads
    :attr:`passed`); it never stands for any one resident's consent — see :meth:`consent_for`.
    """

    proposal_id: uuid.UUID
    community_id: uuid.UUID
    subject: str
    title: str
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime
    tally: Tally
    roll_digest: str
    ballots_digest: str

    # A vote decides for the community, never for a person.
    grants_personal_consent = False

    @property
    def passed(self) -> bool:
        return self.tally.passed

    def consent_for(self, person_id: str) -> NoReturn:
        """Always refuses: each resident consents for themselves, whatever the owners decided."""
        raise VoteIsNotConsent()

    def canonical(self) -> dict[str, Any]:
        """The result as plain JSON values, in the form that is hashed."""
        tally = self.tally
        return {
            "proposal_id": str(self.proposal_id),
            "community_id": str(self.community_id),
            "subject": str(self.subject),
            "title": self.title,
            "opens_at": _utc(self.opens_at),
            "closes_at": _utc(self.closes_at),
            "closed_at": _utc(self.closed_at),
            "rule": str(tally.rule),
            "total_area": plain_decimal(tally.total_area),
            "total_heads": tally.total_heads,
            "participating_area": plain_decimal(tally.participating_area),
            "participating_heads": tally.participating_heads,
            "approving_area": plain_decimal(tally.approving_area),
            "approving_heads": tally.approving_heads,
            "opposing_area": plain_decimal(tally.opposing_area),
            "opposing_heads": tally.opposing_heads,
            "abstaining_area": plain_decimal(tally.abstaining_area),
            "abstaining_heads": tally.abstaining_heads,
            "divided_heads": tally.divided_heads,
            "turnout_met": tally.turnout_met,
            "approval_met": tally.approval_met,
            "passed": tally.passed,
            "roll_digest": self.roll_digest,
            "ballots_digest": self.ballots_digest,
        }

    @classmethod
    def from_canonical(cls, data: Mapping[str, Any], *, expected_hash: str) -> VoteResult:
        """Rebuild a stored result; :class:`RecordAltered` when it does not match its hash."""
        try:
            result = cls(
                proposal_id=uuid.UUID(data["proposal_id"]),
                community_id=uuid.UUID(data["community_id"]),
                subject=data["subject"],
                title=data["title"],
                opens_at=datetime.fromisoformat(data["opens_at"]),
                closes_at=datetime.fromisoformat(data["closes_at"]),
                closed_at=datetime.fromisoformat(data["closed_at"]),
                tally=Tally(
                    rule=VoteRule(data["rule"]),
                    total_area=Decimal(data["total_area"]),
                    total_heads=data["total_heads"],
                    participating_area=Decimal(data["participating_area"]),
                    participating_heads=data["participating_heads"],
                    approving_area=Decimal(data["approving_area"]),
                    approving_heads=data["approving_heads"],
                    opposing_area=Decimal(data["opposing_area"]),
                    opposing_heads=data["opposing_heads"],
                    abstaining_area=Decimal(data["abstaining_area"]),
                    abstaining_heads=data["abstaining_heads"],
                    divided_heads=data["divided_heads"],
                ),
                roll_digest=data["roll_digest"],
                ballots_digest=data["ballots_digest"],
            )
        except (KeyError, TypeError, ValueError, ArithmeticError):
            raise RecordAltered(str(data.get("proposal_id", ""))) from None
        if result.canonical_hash() != expected_hash or result.canonical() != dict(data):
            raise RecordAltered(str(result.proposal_id))
        return result

    def audit_record(self) -> tuple[str, dict[str, Any]]:
        """The action name and detail to append to the audit chain when the vote closes.

        The detail carries the result's hash, so the chain vouches for the published figures.
        """
        return AUDIT_ACTION, {
            "proposal_id": str(self.proposal_id),
            "subject": str(self.subject),
            "rule": str(self.tally.rule),
            "passed": self.passed,
            "result_hash": self.canonical_hash(),
        }

    def summary_lines(self, locale: str = "zh-CN") -> list[str]:
        """The result in plain words for the public page: turnout and approval, area and heads."""
        t = self.tally
        strict = t.rule is VoteRule.ART_278_ITEMS_6_TO_8
        turnout = (_pct(t.turnout_by_area()), _pct(t.turnout_by_heads()))
        approval = (_pct(t.approval_by_area()), _pct(t.approval_by_heads()))
        if locale.lower().startswith("en"):
            need = "at least 3/4" if strict else "more than 1/2"
            return [
                f"{turnout[0]} of the private floor area and {turnout[1]} of the owners took "
                "part (at least 2/3 of each is needed): "
                f"{'enough' if t.turnout_met else 'not enough'}.",
                f"{approval[0]} of the participating area and {approval[1]} of the participating "
                f"owners approved ({need} of each is needed): "
                f"{'enough' if t.approval_met else 'not enough'}.",
                "The proposal passed." if self.passed else "The proposal did not pass.",
                "This decides for the community only; nobody's face is enrolled without their "
                "own consent.",
            ]
        need = "四分之三以上" if strict else "过半数"
        return [
            f"参与表决的专有部分面积占 {turnout[0]}，人数占 {turnout[1]}（均须三分之二以上）："
            f"{'已达到' if t.turnout_met else '未达到'}。",
            f"同意的面积占参与表决面积的 {approval[0]}，人数占参与表决人数的 {approval[1]}"
            f"（均须{need}）：{'已达到' if t.approval_met else '未达到'}。",
            "表决通过。" if self.passed else "表决未通过。",
            "表决只决定小区事项；任何人的人脸都须经本人单独同意后才会录入。",
        ]

    def canonical_json(self) -> str:
        return json.dumps(
            self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )

    def canonical_hash(self) -> str:
        """sha256 of the canonical JSON, to append to the audit chain."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


AUDIT_ACTION = "owners_vote_closed"


def _pct(share: Fraction) -> str:
    return f"{percent_down(share)}%"


def plain_decimal(number: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 88.20 and 88.2000 both read ``88.2``."""
    return format(number.normalize(), "f")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _digest(rows: Iterable[list[str]]) -> str:
    payload = json.dumps(sorted(rows), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def roll_digest(roll: OwnerRoll) -> str:
    """Fingerprint of the roll: units, areas and how they group into heads (no owner ids)."""
    return _digest(
        [unit.unit_id, plain_decimal(unit.area), roll.head_of(unit.unit_id)] for unit in roll.units
    )


def ballots_digest(ballots: Iterable[tuple[str, Choice, str, datetime]]) -> str:
    """Fingerprint of the counted ballots: unit, choice, channel, time (no voter ids)."""
    return _digest(
        [unit, str(choice), str(channel), _utc(cast_at)]
        for unit, choice, channel, cast_at in ballots
    )
