"""What the privacy room's activation gate asks of governance: did the owners approve?

The gate may switch face recognition on for a community only after the owners approved it and
the notice was displayed long enough (:mod:`menwei.governance.notices`). This module answers the
first half. The answer is a :class:`ActivationApproval` about the community; it is never a
resident's consent, and asking it for one raises :class:`VoteIsNotConsent`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from menwei.governance import _checks
from menwei.governance.errors import VoteIsNotConsent
from menwei.governance.result import VoteResult
from menwei.governance.vote import Subject


@dataclass(frozen=True)
class ActivationApproval:
    """Evidence that the owners of a community approved face recognition."""

    community_id: uuid.UUID
    proposal_id: uuid.UUID
    closed_at: datetime
    result_hash: str

    # The owners decide whether the system may run; each resident still decides for themselves.
    grants_personal_consent = False

    def consent_for(self, person_id: str) -> NoReturn:
        """Always refuses: a vote never substitutes for a person's own, separate consent."""
        raise VoteIsNotConsent()


def vote_passed(
    results: Iterable[VoteResult], *, community_id: uuid.UUID, at: datetime
) -> ActivationApproval | None:
    """The approval in force for ``community_id`` at ``at``, or ``None``.

    Only closed votes on face recognition count, and the latest one closed by ``at`` decides: a
    later vote that fails (for instance a vote to stop) takes the earlier approval away.
    """
    _checks.aware("at", at)
    relevant = [
        result
        for result in results
        if result.community_id == community_id
        and result.subject == Subject.FACE_RECOGNITION
        and result.closed_at <= at
    ]
    if not relevant:
        return None
    latest = max(relevant, key=lambda result: (result.closed_at, result.proposal_id))
    if not latest.passed:
        return None
    return ActivationApproval(
        community_id=latest.community_id,
        proposal_id=latest.proposal_id,
        closed_at=latest.closed_at,
        result_hash=latest.canonical_hash(),
    )


@dataclass(frozen=True)
class OwnersVoteStatus:
    """Whether a community needs an owners' vote before switching face on, and whether it has one.

    Read by the privacy room's activation gate through its ``OwnersVoteHook``.
    """

    required: bool
    passed: bool
    approval: ActivationApproval | None


class OwnersVoteGate:
    """Answers the activation gate's ``vote_status(community_id)`` from closed vote results.

    Whether a vote is required is the community's choice (R16); it is required unless told.
    """

    def __init__(
        self, results: Iterable[VoteResult], *, at: datetime, requires_vote: bool = True
    ) -> None:
        self._results = tuple(results)
        self._at = _checks.aware("at", at)
        self._requires_vote = requires_vote

    def vote_status(self, community_id: object) -> OwnersVoteStatus:
        community = _checks.record_id("community_id", community_id)
        approval = vote_passed(self._results, community_id=community, at=self._at)
        return OwnersVoteStatus(self._requires_vote, approval is not None, approval)
