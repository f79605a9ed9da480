"""The per-frame pipeline of one door, and the way in for cards, PINs and QR passes.

Each frame: detect → track → (for a track not yet decided) quality → liveness → embed → the
track's evidence (``gate.evidence``: its good frames fused, its liveness over the approach) →
search the local gallery → ``core.decide`` with the door's policy → door driver → event into
the outbox; then, every ``qr_every``-th frame that decided no face, a QR pass scan (a pass is
held up for a second or more, and scanning costs a third of a face's decision, so it never
runs before one). A card or PIN goes straight to ``core.decide``; a face in the grey zone is
kept for a few seconds so that the same person's card or PIN completes it (step-up).

Nothing here writes an image anywhere; frames live in local variables only. Events carry the
decision's reason code, the credential kind, the person's id and the liveness verdict, never
a score. Every authorised passage opens a tailgating window; tracked faces seen while it is
open are counted, and more people than authorisations becomes a ``tailgating`` event.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from menwei.core import (
    HOLD_SECONDS,
    AccessState,
    CredentialKind,
    Decision,
    Door,
    Presented,
    PresentedCard,
    PresentedFace,
    PresentedPin,
    Reason,
    TailgatingMode,
    apply_effects,
    decide,
)
from menwei.core.passage import NO_CREDENTIAL, PassageEvent
from menwei.gate.credentials import PresentedCredential, QrReader
from menwei.gate.doors import DoorController
from menwei.gate.errors import DoorError
from menwei.gate.evidence import TrackEvidence, TrackRule
from menwei.gate.liveness import LivenessJudge, LivenessVerdict, NotChecked
from menwei.gate.outbox import Outbox
from menwei.gate.passages import record
from menwei.gate.sources import Frame
from menwei.gate.tailgating import TailgatingIncident, TailgatingWatch
from menwei.gate.tracker import FaceTracker, Track
from menwei.vision.detect import Face
from menwei.vision.engine import FaceEngine
from menwei.vision.gallery import Searchable
from menwei.vision.liveness import LivenessReason, LivenessResult
from menwei.vision.quality import GATE, QualityPolicy, QualityReport, assess

log = logging.getLogger(__name__)

STEP_UP_WINDOW_S = 10.0
#: The refusal a door set to ``hold`` gives while it stays shut after a tailgating alert.
TAILGATING_HOLD = "tailgating_hold"
LIVENESS_REFUSED = "liveness_failed"


def mask_name(name: str) -> str:
    """张三 → 张*: enough for the person to know it is them, nothing for a passer-by."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*"


@dataclass(frozen=True)
class Outcome:
    """What the kiosk shows after an attempt. No score, and only the person's masked name."""

    allowed: bool
    reason_code: str
    message_zh: str
    message_en: str
    via: str | None = None
    masked_name: str = ""
    at: float = 0.0


@dataclass
class KioskView:
    """The screen's state: the last outcome and the current quality hints (thread-safe)."""

    outcome: Outcome | None = None
    hints_zh: list[str] = field(default_factory=list)
    hints_en: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def show(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcome = outcome
            self.hints_zh, self.hints_en = [], []

    def hint(self, zh: list[str], en: list[str]) -> None:
        with self.lock:
            self.hints_zh, self.hints_en = zh, en


class StateHolder:
    """The current ``AccessState`` and door; sync swaps them, decisions apply their effects."""

    def __init__(self, door: Door, state: AccessState) -> None:
        self._lock = threading.Lock()
        self.door = door
        self.state = state

    def replace(self, door: Door, state: AccessState) -> None:
        with self._lock:
            self.door, self.state = door, state

    def decide(self, presented: Presented, at: datetime) -> Decision:
        with self._lock:
            decision = decide(presented, self.door, at, self.state)
            if decision.effects:
                self.state = apply_effects(self.state, decision.effects)
            return decision

    def name_of(self, decision: Decision) -> str:
        with self._lock:
            person = self.state.people.get(decision.person_id) if decision.person_id else None
        return mask_name(person.name) if person is not None else ""


def _quality(report: QualityReport) -> float:
    """Rank of a good frame among its track's: sharper and closer first."""
    measures = report.measures
    if measures is None:
        return 0.0
    return float(measures.sharpness * min(measures.eye_distance, 112.0))


def _margin(outcome: LivenessVerdict, check: LivenessJudge) -> float | None:
    """A frame's liveness margin: the frame score's, or ±1 from a verdict without a score."""
    margin = check.frame_margin()
    if margin is not None:
        return margin
    if outcome is LivenessVerdict.NOT_CHECKED:
        return None
    return 1.0 if outcome is LivenessVerdict.PASS else -1.0


class GatePipeline:
    """Everything one door does with what it sees and what it is shown."""

    def __init__(
        self,
        *,
        holder: StateHolder,
        faces: FaceEngine,
        gallery: Searchable,
        door: DoorController,
        outbox: Outbox,
        tracker: FaceTracker | None = None,
        tailgating: TailgatingWatch | None = None,
        qr_reader: QrReader | None = None,
        liveness: LivenessJudge | None = None,
        quality: QualityPolicy = GATE,
        kiosk: KioskView | None = None,
        qr_every: int = 3,
        rule: TrackRule | None = None,
        device_id: str = "",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.holder = holder
        self.faces = faces
        self.gallery = gallery
        self.door = door
        self.outbox = outbox
        self.tracker = tracker or FaceTracker()
        self.tailgating = tailgating or TailgatingWatch()
        self.qr_reader = qr_reader
        self.liveness = liveness or NotChecked()
        self.quality = quality
        self.kiosk = kiosk or KioskView()
        self.qr_every = max(1, qr_every)
        self.device_id = device_id
        self._frames = 0
        self._qr_due = False
        self._clock = clock
        self._wall = wall_clock
        self._gallery_lock = threading.Lock()
        self._step_up: tuple[PresentedFace, float] | None = None
        #: until when (``clock``) a door set to ``hold`` stays shut after a tailgating alert
        self._held_until: float | None = None
        self.rule = rule or TrackRule()
        self._evidence: dict[int, TrackEvidence] = {}

    # -- frames ---------------------------------------------------------------------------

    def process_frame(self, frame: Frame) -> list[Outcome]:
        """Run one frame through the pipeline; returns the decisions it led to (often none)."""
        image = frame.image
        now = self._clock()
        outcomes: list[Outcome] = []
        self.tick_door()
        self._frames += 1
        self._qr_due = self._qr_due or self._frames % self.qr_every == 0
        detections = self.faces.detect(image)
        tracks = self.tracker.update(detections, now)
        for ended in self.tracker.drain_ended():
            self.liveness.forget(ended.track_id)
            self._evidence.pop(ended.track_id, None)
        for track in tracks:
            if isinstance(track.detection, Face):
                self.liveness.observe(track.track_id, track.detection, now)
        incident = self.tailgating.observe([t.track_id for t in tracks], now)
        self._report_tailgating(incident)
        for track in tracks:
            if self.tracker.needs_decision(track, now):
                outcome = self._decide_face(image, track, now)
                if outcome is not None:
                    outcomes.append(outcome)
        if self.qr_reader is not None and self._qr_due and not outcomes:
            # after the faces, and never on a frame that decided one: the scan does not delay
            # a face's decision, and a pass held up for a second is read a frame later
            self._qr_due = False
            credential = self.qr_reader.scan(image)
            if credential is not None:
                outcomes.append(self.present(credential))
        return outcomes

    def _decide_face(self, image: np.ndarray, track: Track, now: float) -> Outcome | None:
        """One good frame more for ``track``, and a decision when ``self.rule`` says so."""
        face = track.detection
        assert isinstance(face, Face)
        report = assess(image, [face], self.quality)
        if not report.passed:
            self.kiosk.hint(report.messages("zh-CN"), report.messages("en"))
            return None  # not decided yet: the next frame of this track may be better
        liveness = self.liveness.check(track.track_id, image, face)
        prompt = self.liveness.prompt(track.track_id)
        if prompt is not None and liveness.outcome is LivenessVerdict.NOT_CHECKED:
            self.kiosk.hint([prompt[0]], [prompt[1]])
            return None  # an active check waits for the movement it asked for
        frame_margin = self.liveness.frame_margin()
        if liveness.outcome is LivenessVerdict.FAIL and (frame_margin is None or frame_margin >= 0):
            # not the frame's texture but the track (flat motion, a wrong movement): final
            return self._refuse_liveness(liveness, track, now)
        evidence = self._evidence.get(track.track_id)
        if evidence is None:
            evidence = self._evidence[track.track_id] = TrackEvidence(now)
        vector = self.faces.embed(image, face)
        evidence.add(vector, _quality(report), _margin(liveness.outcome, self.liveness))
        del vector
        rule = self.rule
        confident = self.holder.state.policy.face.confident
        single = self._search(evidence.vectors[-1])
        if (
            single.score >= confident + rule.strict_margin
            and liveness.outcome is not LivenessVerdict.FAIL
            and evidence.attack_frames == 0
            and evidence.agrees(rule.min_agreement)
        ):
            return self._decide_on(single, liveness.outcome, track, now)
        capped = now - evidence.started_at >= rule.time_cap_s
        if evidence.frames < rule.min_frames and not capped:
            return None
        if not evidence.live():
            return self._refuse_liveness(liveness, track, now)
        if not evidence.agrees(rule.min_agreement):
            if not capped:
                return None
            fused = PresentedFace(person_id=None, score=float("-inf"))  # two people, one track
        else:
            fused = self._search(evidence.fused(rule.min_agreement))
            possible = self.holder.state.policy.face.possible
            if possible <= fused.score < confident and not capped:
                return None  # the grey zone: a further frame may still make the match clear
        verdict = LivenessVerdict.PASS if evidence.liveness_judged else liveness.outcome
        return self._decide_on(fused, verdict, track, now)

    def _search(self, vector: np.ndarray) -> PresentedFace:
        with self._gallery_lock:
            matches = self.gallery.search(vector, 1) if len(self.gallery) else []
        if not matches:
            return PresentedFace(person_id=None, score=float("-inf"))
        return PresentedFace(person_id=matches[0].id, score=matches[0].score)  # type: ignore[arg-type]

    def _decide_on(
        self, face: PresentedFace, verdict: LivenessVerdict, track: Track, now: float
    ) -> Outcome:
        self.tracker.mark_decided(track, now)
        self._evidence.pop(track.track_id, None)
        decision = self.holder.decide(Presented(face=face), self._wall())
        if decision.reason is Reason.STEP_UP_REQUIRED:
            self._step_up = (face, now)
        return self._act(decision, verdict, now)

    def _refuse_liveness(self, liveness: LivenessResult, track: Track, now: float) -> Outcome:
        self.tracker.mark_decided(track, now)
        self._evidence.pop(track.track_id, None)
        refused = liveness
        if not refused.failed:
            refused = LivenessResult(
                LivenessVerdict.FAIL, LivenessReason.PRESENTATION_ATTACK, refused.check
            )
        outcome = Outcome(
            False,
            LIVENESS_REFUSED,
            refused.message("zh-CN"),
            refused.message("en"),
            via=CredentialKind.FACE.value,
            at=now,
        )
        self._record_refusal(outcome, LivenessVerdict.FAIL)
        self.kiosk.show(outcome)
        return outcome

    # -- cards, PINs, QR passes -----------------------------------------------------------

    def present(self, credential: PresentedCredential) -> Outcome:
        """A card, PIN or QR pass shown at this door (face never required)."""
        now = self._clock()
        self.tick_door()
        face = None
        if self._step_up is not None and credential.kind in ("card", "pin"):
            pending, at = self._step_up
            if now - at <= STEP_UP_WINDOW_S:
                face = pending
            self._step_up = None
        if credential.kind == "card":
            presented = Presented(card=PresentedCard(credential.value), face=face)
        elif credential.kind == "pin":
            presented = Presented(pin=PresentedPin(credential.value), face=face)
        else:
            presented = Presented(qr=credential.value)
        decision = self.holder.decide(presented, self._wall())
        return self._act(decision, LivenessVerdict.NOT_CHECKED if face else None, now)

    # -- acting on a decision -------------------------------------------------------------

    def _act(self, decision: Decision, liveness: LivenessVerdict | None, now: float) -> Outcome:
        via = decision.via.value if decision.via is not None else None
        outcome = Outcome(
            allowed=decision.allowed,
            reason_code=decision.reason.value,
            message_zh=decision.message_zh,
            message_en=decision.message_en,
            via=via,
            masked_name=self.holder.name_of(decision) if decision.allowed else "",
            at=now,
        )
        door_error: DoorError | None = None
        held = decision.allowed and self._holding(now)
        if held:
            outcome = Outcome(
                False,
                TAILGATING_HOLD,
                "刚才有人尾随进门，本门暂停开启，请稍候再试或联系物业。",
                "Someone followed through just now, so this door stays shut for a moment. "
                "Try again shortly or call the property office.",
                via=via,
                at=now,
            )
        elif decision.allowed:
            try:
                self.door.pulse()
            except DoorError as error:
                door_error = error
                log.error("door: %s", error.message)
            self._report_tailgating(self.tailgating.authorise(now))
        event = PassageEvent(
            door_id=decision.door_id,
            occurred_at=decision.at,
            direction=self.holder.door.direction.value,
            credential_kind=via or NO_CREDENTIAL,
            person_id=decision.person_id,
            outcome="allow" if decision.allowed and not held else "deny",
            reason_code=TAILGATING_HOLD if held else decision.reason.value,
            flag=min((f.value for f in decision.flags), default=None),
            liveness=liveness.value if liveness is not None else None,
        )
        fault = {"door_error": door_error.code} if door_error is not None else {}
        record(self.outbox, "passage", event, self.device_id, **fault)
        if door_error is not None:
            outcome = Outcome(
                False,
                "door_fault",
                "门锁故障，请使用对讲或联系物业。",
                "The door lock did not respond. Use the intercom or call the property office.",
                via=via,
                at=now,
            )
        self.kiosk.show(outcome)
        return outcome

    def _record_refusal(self, outcome: Outcome, liveness: LivenessVerdict) -> None:
        self._record(
            "passage",
            credential_kind=outcome.via or NO_CREDENTIAL,
            reason_code=outcome.reason_code,
            liveness=liveness.value,
        )

    def _record(
        self,
        kind: str,
        *,
        reason_code: str,
        credential_kind: str = NO_CREDENTIAL,
        flag: str | None = None,
        liveness: str | None = None,
        **extra: Any,
    ) -> None:
        """A refusal or an alarm of this door, now, naming nobody."""
        door = self.holder.door
        event = PassageEvent(
            door_id=door.id,
            occurred_at=self._wall(),
            direction=door.direction.value,
            credential_kind=credential_kind,
            outcome="deny",
            reason_code=reason_code,
            flag=flag,
            liveness=liveness,
        )
        record(self.outbox, kind, event, self.device_id, **extra)

    def _holding(self, now: float) -> bool:
        """Whether this door is shut for a while after a tailgating alert (rule ``hold``)."""
        if self._held_until is None:
            return False
        if now >= self._held_until or self.holder.door.tailgating_in_effect is not (
            TailgatingMode.HOLD
        ):
            self._held_until = None
            return False
        return True

    def _report_tailgating(self, incident: TailgatingIncident | None) -> None:
        """Raise the alert the door's own rule asks for; ``off`` (or no camera) raises none."""
        if incident is None:
            return
        rule = self.holder.door.tailgating_in_effect
        if not rule.watches:
            return
        if rule is TailgatingMode.HOLD:
            self._held_until = incident.closed_at + HOLD_SECONDS
        log.warning(
            "tailgating: %d people crossed on %d authorisations",
            incident.crossings,
            incident.authorisations,
        )
        self._record(
            "tailgating",
            reason_code="tailgating",
            flag="tailgating",
            authorisations=incident.authorisations,
            crossings=incident.crossings,
            alert=True,
            rule=rule.value,
        )

    def report_held_open(self, seconds: float) -> None:
        """The door controller's held-open alarm, as an event and an alert."""
        self._record(
            "door_held_open",
            reason_code="door_held_open",
            flag="door_held_open",
            held_open_s=round(seconds, 1),
            alert=True,
        )

    def report_reader(self, reason: str, address: int) -> None:
        """A card reader went offline, came back, or refused Secure Channel: an event."""
        self._record(
            "reader",
            reason_code=reason,
            flag=reason,
            reader_address=address,
            alert=reason != "osdp_reader_online",
        )

    def tick_door(self) -> None:
        try:
            self.door.tick()
        except DoorError as error:
            log.error("door: %s", error.message)

    # -- the gallery, for sync ------------------------------------------------------------

    def replace_template(self, person_id: object, template: np.ndarray | None) -> None:
        """Add, replace (``template``) or drop (``None``) a person's template in memory."""
        with self._gallery_lock:
            if template is None:
                if person_id in self.gallery:
                    self.gallery.remove(person_id)
            else:
                self.gallery.add(person_id, template, replace=True)
