"""Presentation-attack detection: is the face in front of the camera a live person?

Three checks, one interface — each answers a ``LivenessResult`` (pass, fail or not checked,
with a reason code), never a score:

- ``FrameLiveness``: one frame; texture, colour, blur and glare of the face and its
  surroundings, against printed photos and (less surely) screens.
- ``MotionLiveness``: one tracked approach; a photo or screen is flat, so its landmarks move
  as a plane does, and a head's do not.
- ``Challenge``: at enrolment or a high-security door; a random movement asked for and
  verified from the landmarks, with a time limit.

``LivenessCheck`` combines them per door mode (off, passive, passive_temporal, active).
"""

from menwei.vision.liveness.check import LivenessCheck, LivenessMode
from menwei.vision.liveness.errors import ChallengeError, LivenessError, PadParametersError
from menwei.vision.liveness.frame import FrameLiveness
from menwei.vision.liveness.model import PadModel, load_model
from menwei.vision.liveness.result import LivenessOutcome, LivenessReason, LivenessResult

__all__ = [
    "ChallengeError",
    "FrameLiveness",
    "LivenessCheck",
    "LivenessError",
    "LivenessMode",
    "LivenessOutcome",
    "LivenessReason",
    "LivenessResult",
    "PadModel",
    "PadParametersError",
    "load_model",
]
