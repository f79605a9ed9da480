"""The gate agent: frames to door decisions, offline, with a durable event outbox.

One process per door or turnstile (``menwei gate``). It decides from its own encrypted local
state, so residents keep moving when the network or the server is down, and it loses no
event: each is written to the outbox before it is uploaded, and removed only once the server
has acknowledged its idempotency key. Face is never required: cards, PINs and QR passes are
read at the same door.
"""

from menwei.gate.agent import GateAgent, GateConfig
from menwei.gate.credentials import CardReader, PinPad, PresentedCredential, QrReader
from menwei.gate.doors import (
    DoorController,
    DoorDriver,
    GpioDoor,
    HttpRelayDoor,
    RelayConfig,
    SimulatedDoor,
    make_driver,
)
from menwei.gate.errors import (
    CredentialInputError,
    DoorError,
    GateError,
    LocalStateError,
    OutboxError,
    SourceError,
    SyncError,
)
from menwei.gate.liveness import LivenessJudge, LivenessVerdict, NotChecked, TrackLiveness
from menwei.gate.local_state import Change, LocalState, load_device_key
from menwei.gate.outbox import Outbox, OutboxEvent
from menwei.gate.pipeline import GatePipeline, KioskView, Outcome, StateHolder, mask_name
from menwei.gate.sources import Frame, FrameReader, FrameSource, open_source
from menwei.gate.sync import SyncClient, Syncer
from menwei.gate.tailgating import TailgatingIncident, TailgatingWatch
from menwei.gate.tracker import FaceTracker, Track

__all__ = [
    "CardReader",
    "Change",
    "CredentialInputError",
    "DoorController",
    "DoorDriver",
    "DoorError",
    "FaceTracker",
    "Frame",
    "FrameReader",
    "FrameSource",
    "GateAgent",
    "GateConfig",
    "GateError",
    "GatePipeline",
    "GpioDoor",
    "HttpRelayDoor",
    "KioskView",
    "LivenessJudge",
    "LivenessVerdict",
    "LocalState",
    "LocalStateError",
    "NotChecked",
    "Outbox",
    "OutboxError",
    "OutboxEvent",
    "Outcome",
    "PinPad",
    "PresentedCredential",
    "QrReader",
    "RelayConfig",
    "SimulatedDoor",
    "SourceError",
    "StateHolder",
    "SyncClient",
    "SyncError",
    "Syncer",
    "TailgatingIncident",
    "TailgatingWatch",
    "Track",
    "TrackLiveness",
    "load_device_key",
    "make_driver",
    "mask_name",
    "open_source",
]
