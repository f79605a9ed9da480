"""One exception tree for governance; every error carries a stable code and a user-facing message.

The server and CLI translate these at their boundary. Messages are zh-CN first, then English, and
say what to do next. Nothing here carries a resident's name or contact details.
"""

from __future__ import annotations

import uuid

from menwei.core.errors import BilingualError
from menwei.text import Message


class GovernanceError(BilingualError):
    """Base of every governance error. ``code`` is stable and machine-readable."""

    code = "governance_error"


class InvalidInput(GovernanceError):
    """A value given to governance is malformed: empty text, a negative area, a naive time."""

    code = "invalid_input"

    def __init__(self, field: str, reason: str, **values: object) -> None:
        """``reason`` is the message id of what is wrong; ``values`` fill its placeholders."""
        super().__init__(values={"reason": Message(reason, values)}, field=field)


class VotingNotOpen(GovernanceError):
    """A ballot arrived before the voting window opened or after it ended."""

    code = "voting_not_open"

    def __init__(self, proposal_id: uuid.UUID) -> None:
        super().__init__(proposal_id=str(proposal_id))


class VotingPeriodTooShort(GovernanceError):
    """A proposal's voting window is shorter than the minimum this installation sets."""

    code = "voting_period_too_short"

    def __init__(self, minimum_days: int) -> None:
        super().__init__(field="closes_at", minimum_days=minimum_days)


class AlreadyVoted(GovernanceError):
    """A unit already has a ballot through another channel, or a paper ballot already."""

    code = "already_voted"

    def __init__(self, unit_id: str, channel: str) -> None:
        variant = "paper" if channel == "paper" else "online"
        super().__init__(message_id=f"{self.code}.{variant}", unit_id=unit_id, channel=channel)


class PaperReferenceUsed(GovernanceError):
    """The paper ballot's reference number was already entered for this vote."""

    code = "paper_ballot_reference_used"

    def __init__(self, reference: str) -> None:
        super().__init__(reference=reference)


class VoteClosed(GovernanceError):
    """The vote has been closed; its ballots and result can no longer change."""

    code = "vote_closed"

    def __init__(self, proposal_id: uuid.UUID) -> None:
        super().__init__(proposal_id=str(proposal_id))


class VoteStillOpen(GovernanceError):
    """Closing was attempted before the voting window ended."""

    code = "vote_still_open"

    def __init__(self, proposal_id: uuid.UUID) -> None:
        super().__init__(proposal_id=str(proposal_id))


class NotAnOwnerOfUnit(GovernanceError):
    """A ballot names a unit that is not on the roll, or a voter who does not own that unit."""

    code = "not_an_owner_of_unit"

    def __init__(self, unit_id: str) -> None:
        super().__init__(unit_id=unit_id)


class VoteIsNotConsent(GovernanceError):
    """Someone tried to use an owners' vote in place of one person's own consent."""

    code = "vote_is_not_consent"

    def __init__(self) -> None:
        super().__init__()


class QuestionNotFound(GovernanceError):
    """An answer refers to a question that does not exist in this community."""

    code = "question_not_found"

    def __init__(self, question_id: uuid.UUID) -> None:
        super().__init__(question_id=str(question_id))


class NoOrganisationOnRecord(GovernanceError):
    """An answer would appear under no organisation: the account's records name none."""

    code = "no_organisation_on_record"

    def __init__(self) -> None:
        super().__init__()


class RecordAltered(GovernanceError):
    """A stored vote result no longer matches its recorded hash: someone changed it."""

    code = "record_altered"

    def __init__(self, proposal_id: str) -> None:
        super().__init__(proposal_id=proposal_id)
