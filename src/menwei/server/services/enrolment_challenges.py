"""The movement a person makes at phone enrolment: issued here, judged frame by frame, used once.

A resident enrolling from home has nobody beside them to see that a live person, not a photo or
a screen, faces the camera. So the server asks for a random movement (turn left, turn right or
nod, drawn with ``secrets``), judges it from the landmarks of frames posted while it is made,
and the enrolment that follows must name the passed challenge and show the same face.

Challenges live in this process's memory only, like the import jobs: they last two minutes,
and one lost to a restart costs the person one more movement. Frames are never kept; what is
kept per challenge is the verdict so far and the face embeddings of its first frames, dropped
with the challenge.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from menwei.server.domain.errors import Conflict, Gone, NotFound, Unavailable

if TYPE_CHECKING:
    from menwei.vision.liveness.challenge import Challenge, ChallengeKind, ChallengeRules

Clock = Callable[[], float]

TIME_LIMIT = 15.0
"""Seconds to make the movement once asked. The engine's default is 10 s; an elderly person on
a slow phone first reads the prompt, and each frame's upload counts against the limit."""
MAX_GAP = 3.0
"""Seconds between two frames with a face before the challenge fails. Frame times are their
arrival at the server, so a slow upload widens the gap; swapping faces in such a gap is caught
by the continuity check instead."""
KEEP_SECONDS = 120.0
"""From issue to enrolment: time to hold still for the photos after the movement."""
CAPACITY = 1000
"""Open challenges in this process; beyond it new ones are refused until old ones expire."""


class ChallengeUnknown(NotFound):
    code = "challenge_unknown"

    def __init__(self) -> None:
        super().__init__()


class ChallengeExpired(Gone):
    code = "challenge_expired"

    def __init__(self) -> None:
        super().__init__()


@dataclass(frozen=True, slots=True)
class Reason:
    """A machine-readable code and what it means, in Chinese and English."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Prompt:
    """What the person is asked to do, in Chinese and English."""

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class ChallengeAnswer:
    """A challenge's state after a frame: status, what to do, and why; never a score."""

    status: str
    prompt: Prompt
    reason: Reason


class ChallengeUsed(Conflict):
    code = "challenge_used"

    def __init__(self) -> None:
        super().__init__()


class ChallengeNotPassed(Conflict):
    code = "challenge_not_passed"

    def __init__(self) -> None:
        super().__init__()


class ChallengesBusy(Unavailable):
    code = "challenges_busy"

    def __init__(self) -> None:
        super().__init__(
            headers={"Retry-After": "60"},
        )


def enrolment_kinds() -> tuple[ChallengeKind, ...]:
    """Turns and the nod: "come closer" alone a photo moved towards the camera can imitate."""
    from menwei.vision.liveness.challenge import ChallengeKind

    return (ChallengeKind.TURN_LEFT, ChallengeKind.TURN_RIGHT, ChallengeKind.NOD)


def enrolment_rules() -> ChallengeRules:
    from menwei.vision.liveness.challenge import ChallengeRules

    return ChallengeRules(time_limit=TIME_LIMIT, max_gap=MAX_GAP)


@dataclass
class EnrolmentChallenge:
    """One challenge, bound to whom it is for and who asked; ``lock`` orders its frames."""

    id: str
    community_id: uuid.UUID
    person_id: uuid.UUID
    caller_id: uuid.UUID
    challenge: Challenge
    expires_at: float
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    reference: list[np.ndarray] = field(default_factory=list, repr=False)
    """Embeddings of the resting frames: the face the enrolment photos must match."""
    previous: np.ndarray | None = field(default=None, repr=False)
    """The last frame's embedding: each frame must show the same face as the one before."""
    passive_failures: int = 0
    failure: tuple[str, str, str] | None = None
    """(code, zh, en) when a check of this module, not the movement, failed the challenge."""
    used: bool = False

    @property
    def status(self) -> str:
        if self.failure is not None:
            return "failed"
        result = self.challenge.result
        if result is None:
            return "pending"
        return "passed" if result.passed else "failed"

    def fail(self, code: str, zh: str, en: str) -> None:
        if self.status == "pending":
            self.failure = (code, zh, en)

    def reason(self) -> Reason:
        """Why the status is what it is, in both languages; never a score."""
        if self.failure is not None:
            code, zh, en = self.failure
            return Reason(code, zh, en)
        from menwei.vision.liveness import LivenessOutcome, LivenessReason, LivenessResult

        result = self.challenge.result or LivenessResult(
            LivenessOutcome.NOT_CHECKED, LivenessReason.CHALLENGE_PENDING, "challenge"
        )
        return Reason(result.reason.value, result.message("zh-CN"), result.message("en"))

    def prompt(self) -> Prompt:
        return Prompt(self.challenge.prompt("zh-CN"), self.challenge.prompt("en"))

    def answer(self) -> ChallengeAnswer:
        return ChallengeAnswer(self.status, self.prompt(), self.reason())

    def forget_face(self) -> None:
        """Drop the embeddings kept for the enrolment's comparison."""
        self.reference.clear()
        self.previous = None

    def reference_vector(self) -> np.ndarray | None:
        if not self.reference:
            return None
        mean = np.mean(np.stack(self.reference), axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm > 0 else None


class EnrolmentChallenges:
    """The open challenges of one app (``app.state.enrolment_challenges``).

    ``kinds`` and ``clock`` are constructor arguments so that a deployment (or a test) can
    narrow the movements asked for or drive time; the kind is still drawn with ``secrets``.
    ``mirrored`` stays ``False`` for phone pages: a frame drawn from ``getUserMedia`` onto a
    canvas is not mirrored, even where the preview on screen is.
    """

    def __init__(
        self,
        *,
        kinds: Sequence[ChallengeKind] | None = None,
        rules: ChallengeRules | None = None,
        clock: Clock = time.monotonic,
        keep_seconds: float = KEEP_SECONDS,
        capacity: int = CAPACITY,
        mirrored: bool = False,
    ) -> None:
        self.kinds = tuple(kinds) if kinds is not None else enrolment_kinds()
        self.rules = rules or enrolment_rules()
        self.clock = clock
        self.keep_seconds = keep_seconds
        self.capacity = capacity
        self.mirrored = mirrored
        self._open: dict[str, EnrolmentChallenge] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._open)

    def _prune(self, now: float) -> None:
        for key, entry in list(self._open.items()):
            if now > entry.expires_at:
                del self._open[key]

    def issue(
        self, community_id: uuid.UUID, person_id: uuid.UUID, caller_id: uuid.UUID
    ) -> EnrolmentChallenge:
        """A new challenge; the caller's earlier open ones for this person are dropped."""
        from menwei.vision.liveness.challenge import Challenge

        now = self.clock()
        with self._lock:
            self._prune(now)
            for key, entry in list(self._open.items()):
                if entry.person_id == person_id and entry.caller_id == caller_id:
                    del self._open[key]
            if len(self._open) >= self.capacity:
                raise ChallengesBusy()
            entry = EnrolmentChallenge(
                id=secrets.token_urlsafe(16),
                community_id=community_id,
                person_id=person_id,
                caller_id=caller_id,
                challenge=Challenge.random(
                    now, kinds=self.kinds, rules=self.rules, mirrored=self.mirrored
                ),
                expires_at=now + self.keep_seconds,
            )
            self._open[entry.id] = entry
        return entry

    def get(
        self,
        challenge_id: str,
        *,
        community_id: uuid.UUID,
        person_id: uuid.UUID,
        caller_id: uuid.UUID,
    ) -> EnrolmentChallenge:
        """The challenge, when it is this caller's for this person; anyone else's looks absent."""
        entry = self._open.get(challenge_id)
        if (
            entry is None
            or entry.community_id != community_id
            or entry.person_id != person_id
            or entry.caller_id != caller_id
        ):
            raise ChallengeUnknown()
        if self.clock() > entry.expires_at:
            raise ChallengeExpired()
        return entry

    def consume(
        self,
        challenge_id: str,
        *,
        community_id: uuid.UUID,
        person_id: uuid.UUID,
        caller_id: uuid.UUID,
    ) -> EnrolmentChallenge:
        """The passed challenge, marked used: a second enrolment cannot name it again."""
        entry = self.get(
            challenge_id, community_id=community_id, person_id=person_id, caller_id=caller_id
        )
        with entry.lock:
            if entry.used:
                raise ChallengeUsed()
            if entry.status != "passed":
                raise ChallengeNotPassed()
            entry.used = True
        return entry
