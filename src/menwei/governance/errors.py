"""One exception tree for governance; every error carries a stable code and a user-facing message.

The server and CLI translate these at their boundary. Messages are zh-CN first, then English, and
say what to do next. Nothing here carries a resident's name or contact details.
"""

from __future__ import annotations

import uuid

from menwei.core.errors import BilingualError


class GovernanceError(BilingualError):
    """Base of every governance error. ``code`` is stable and machine-readable."""

    code = "governance_error"


class InvalidInput(GovernanceError):
    """A value given to governance is malformed: empty text, a negative area, a naive time."""

    code = "invalid_input"

    def __init__(self, field: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(
            f"“{field}”填写有误：{reason_zh}。请修改后重新提交。",
            f"'{field}' is not valid: {reason_en}. Please correct it and try again.",
            field=field,
        )


class VotingNotOpen(GovernanceError):
    """A ballot arrived before the voting window opened or after it ended."""

    code = "voting_not_open"

    def __init__(self, proposal_id: uuid.UUID) -> None:
        super().__init__(
            "现在不在该表决的投票时间内。请在公示的投票期间内投票。",
            "Voting on this proposal is not open at this time. Please vote within the "
            "published voting window.",
            proposal_id=str(proposal_id),
        )


class VotingPeriodTooShort(GovernanceError):
    """A proposal's voting window is shorter than the minimum this installation sets."""

    code = "voting_period_too_short"

    def __init__(self, minimum_days: int) -> None:
        super().__init__(
            f"投票期间不能短于 {minimum_days} 天，业主需要足够的时间了解提议并投票。"
            f"请把截止时间定在开始时间至少 {minimum_days} 天之后。",
            f"The voting period must last at least {minimum_days} days, so owners have time to "
            f"read the proposal and vote. Set the end at least {minimum_days} days after the "
            "start.",
            field="closes_at",
            minimum_days=minimum_days,
        )


class AlreadyVoted(GovernanceError):
    """A unit already has a ballot through another channel, or a paper ballot already."""

    code = "already_voted"

    def __init__(self, unit_id: str, channel: str) -> None:
        if channel == "paper":
            zh, en = "已录入纸质表决票", "a paper ballot has already been entered"
        else:
            zh, en = "业主已在网上投票", "the owner has already voted online"
        super().__init__(
            f"该房屋{zh}。每套房屋只有一票，不能再通过其他方式重复投票。"
            "如确有录入错误，请联系业主委员会核对纸质票。",
            f"For this unit {en}. Each unit has one vote, whichever way it is cast, so it "
            "cannot vote again another way. If an entry is wrong, ask the owners' committee "
            "to check the paper ballots.",
            unit_id=unit_id,
            channel=channel,
        )


class PaperReferenceUsed(GovernanceError):
    """The paper ballot's reference number was already entered for this vote."""

    code = "paper_ballot_reference_used"

    def __init__(self, reference: str) -> None:
        super().__init__(
            f"编号为 {reference} 的纸质表决票已经录入过，同一张票不能录入两次。请核对票上的编号。",
            f"The paper ballot numbered {reference} has already been entered; one paper cannot "
            "be entered twice. Check the number on the paper.",
            reference=reference,
        )


class VoteClosed(GovernanceError):
    """The vote has been closed; its ballots and result can no longer change."""

    code = "vote_closed"

    def __init__(self, proposal_id: uuid.UUID) -> None:
        super().__init__(
            "该表决已结束，结果已公布，不能再修改。如有异议，请向业主委员会或街道书面提出。",
            "This vote has closed and its result is published; it can no longer change. "
            "Raise any objection in writing with the owners' committee or the sub-district office.",
            proposal_id=str(proposal_id),
        )


class VoteStillOpen(GovernanceError):
    """Closing was attempted before the voting window ended."""

    code = "vote_still_open"

    def __init__(self, proposal_id: uuid.UUID) -> None:
        super().__init__(
            "投票期间尚未结束，不能提前计票。请在投票截止后再结束表决。",
            "The voting window has not ended yet, so the vote cannot be counted. Close it after "
            "the deadline.",
            proposal_id=str(proposal_id),
        )


class NotAnOwnerOfUnit(GovernanceError):
    """A ballot names a unit that is not on the roll, or a voter who does not own that unit."""

    code = "not_an_owner_of_unit"

    def __init__(self, unit_id: str) -> None:
        super().__init__(
            "业主名册中没有您对该房屋的业主登记，不能为其投票。如登记有误，请联系业主委员会更正名册。",
            "The owners' roll does not list you as an owner of this unit, so you cannot vote "
            "for it. If the roll is wrong, ask the owners' committee to correct it.",
            unit_id=unit_id,
        )


class VoteIsNotConsent(GovernanceError):
    """Someone tried to use an owners' vote in place of one person's own consent."""

    code = "vote_is_not_consent"

    def __init__(self) -> None:
        super().__init__(
            "业主表决只决定小区是否启用人脸识别，不能代替任何个人的单独同意。"
            "每位居民须自己阅读告知并单独同意后才能录入人脸。",
            "An owners' vote only decides whether the community may switch face recognition "
            "on; it never replaces a person's own consent. Each resident must read the notice "
            "and consent separately before enrolling.",
        )


class QuestionNotFound(GovernanceError):
    """An answer refers to a question that does not exist in this community."""

    code = "question_not_found"

    def __init__(self, question_id: uuid.UUID) -> None:
        super().__init__(
            "找不到该咨询。请刷新页面后重试。",
            "That question does not exist. Refresh the page and try again.",
            question_id=str(question_id),
        )


class NoOrganisationOnRecord(GovernanceError):
    """An answer would appear under no organisation: the account's records name none."""

    code = "no_organisation_on_record"

    def __init__(self) -> None:
        super().__init__(
            "您的账户没有登记所属单位的名称，回答无法注明由哪个单位答复。"
            "请联系平台管理员为账户登记单位名称后再回答。",
            "Your account has no organisation name on record, so an answer could not say who "
            "gives it. Ask the platform administrator to record your organisation's name on "
            "the account, then answer again.",
        )


class RecordAltered(GovernanceError):
    """A stored vote result no longer matches its recorded hash: someone changed it."""

    code = "record_altered"

    def __init__(self, proposal_id: str) -> None:
        super().__init__(
            "该表决结果的存档与其哈希不一致，可能被改动过。请立即通知监管部门并核对审计记录。",
            "The stored result of this vote no longer matches its hash and may have been "
            "altered. Inform the supervisor at once and check the audit log.",
            proposal_id=proposal_id,
        )
