"""One gate agent: local state, pipeline, door, outbox, sync and kiosk, wired together.

Start-up opens the device key and the local state, decrypts the templates into the in-memory
gallery, and tries one sync; when the server is down, the agent starts from what it has. It
refuses to start only when it has never synced (it knows no door to serve). Frames are read in
their own thread; sync runs in another; a card reader on standard input in a third.
"""

from __future__ import annotations

import logging
import sys
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from menwei.gate.controller_bridge import ControllerBridge
from menwei.gate.credentials import (
    CardReader,
    PinPad,
    PresentedCredential,
    QrReader,
    evdev_keys,
    evdev_lines,
)
from menwei.gate.doors import DoorController, DoorDriver, RelayConfig, make_driver
from menwei.gate.errors import CredentialInputError, DoorError, GateError, LocalStateError
from menwei.gate.kiosk import KioskServer
from menwei.gate.liveness import LivenessJudge, TrackLiveness, make_liveness
from menwei.gate.local_state import Change, LocalState, load_device_key
from menwei.gate.osdp import OsdpPanel, ReaderSettings, SerialChannel
from menwei.gate.outbox import Outbox
from menwei.gate.pipeline import GatePipeline, KioskView, StateHolder
from menwei.gate.records import DEFAULT_MODEL_ID, TEMPLATE_DIM, Snapshot, build_snapshot
from menwei.gate.sources import FrameReader, open_source
from menwei.gate.sync import SyncClient, Syncer
from menwei.gate.tailgating import TailgatingWatch
from menwei.gate.tracker import FaceTracker
from menwei.gate.uhppote import UhppoteDoor, UhppoteSettings
from menwei.vision.engine import FaceEngine
from menwei.vision.gallery import Gallery

log = logging.getLogger(__name__)


@dataclass
class GateConfig:
    """Everything ``menwei gate`` takes on its command line."""

    data_dir: Path
    source: str
    server: str | None = None
    token: str | None = None
    driver: str = "simulated"
    door_id: uuid.UUID | None = None
    device_id: str = ""
    relay: RelayConfig | None = None
    gpio_chip: str = "/dev/gpiochip0"
    gpio_line: int = 17
    pulse_s: float = 3.0
    held_open_alarm_s: float = 30.0
    max_frame_age_s: float = 0.5
    replay: bool = False
    sync_interval_s: float = 10.0
    cooldown_s: float = 10.0
    tailgating_window_s: float = 6.0
    tailgating_tolerance: int = 0
    kiosk_port: int | None = None
    notice_url: str | None = None
    qr: bool = True
    detect_max_side: int = 640
    #: faces with at least this many pixels between the eyes keep the coarse pass's landmarks
    #: (faster; measured in BENCHMARKS.md); None refines every face on native pixels
    refine_under_eye: float | None = None
    liveness: str = "passive"
    uhppote: UhppoteSettings | None = None
    osdp: bool = False  # OSDP readers on a bus (shown on the console's device page)


class GateAgent:
    """Build with a config; ``run`` until the source ends or ``stop`` is set."""

    def __init__(
        self,
        config: GateConfig,
        *,
        faces: FaceEngine | None = None,
        driver: DoorDriver | None = None,
        sync_transport: object | None = None,
        liveness: LivenessJudge | None = None,
    ) -> None:
        self.config = config
        data = config.data_dir
        self.local = LocalState(data / "state.db", load_device_key(data / "device.key"))
        self.outbox = Outbox(data / "outbox.db")
        self.kiosk_view = KioskView()
        self.syncer: Syncer | None = None
        if config.server:
            client = SyncClient(
                config.server,
                config.token or "",
                transport=sync_transport,  # type: ignore[arg-type]
            )
            client.door_driver = config.driver + ("+osdp" if config.osdp else "")
            self.syncer = Syncer(client, self.local, self.outbox, self._refresh)
        self.pipeline: GatePipeline | None = None
        self._model_id = DEFAULT_MODEL_ID
        self._faces = faces
        self._driver = driver
        self._liveness = liveness
        self.controller: ControllerBridge | None = None
        self.osdp: OsdpPanel | None = None
        self.stop_event = threading.Event()

    # -- start-up -------------------------------------------------------------------------

    def start(self) -> GatePipeline:
        """Open the local state, sync once if possible, and build the pipeline."""
        if self.syncer is not None:
            report = self.syncer.run_once()
            for error in report.errors:
                log.warning("start-up sync: %s", error)
        notice = self.outbox.refused_tally().notice()
        if notice is not None:
            log.warning("outbox: %s", notice)
        snapshot = build_snapshot(self.local.records())
        if snapshot.state is None:
            if self.syncer is None:
                raise LocalStateError(
                    "This gate has no door policy yet: start it once with --server and --token "
                    "so that it can fetch its door."
                )
            raise LocalStateError(
                "This gate has no door policy yet and the server could not be reached. "
                "Check --server and --token, then start again."
            )
        door = snapshot.door(self.config.door_id)
        driver = self._driver
        if config_uhppote := (self.config.uhppote if self.config.driver == "uhppote" else None):
            self.controller = ControllerBridge(config_uhppote, self.outbox, self.config.device_id)
            driver = driver or UhppoteDoor(self.controller.link)
        elif self.config.driver == "uhppote":
            raise DoorError(
                "The uhppote driver needs the controller's serial number and address: "
                "--settings with a [uhppote] section, or --controller-serial and "
                "--controller-address."
            )
        driver = driver or make_driver(
            self.config.driver,
            door_name=door.name,
            relay=self.config.relay,
            pulse_s=self.config.pulse_s,
            gpio_chip=self.config.gpio_chip,
            gpio_line=self.config.gpio_line,
        )
        controller = DoorController(
            driver,
            pulse_s=self.config.pulse_s,
            held_open_alarm_s=self.config.held_open_alarm_s,
        )
        faces = self._faces or FaceEngine(
            detect_max_side=self.config.detect_max_side,
            refine_under_eye=self.config.refine_under_eye,
        )
        # an engine standing in for the real one may have no ``align``: the liveness check
        # then loads its own aligner
        aligner = getattr(faces, "align", None)
        gallery = self._gallery(snapshot, faces)
        self.pipeline = GatePipeline(
            holder=StateHolder(door, snapshot.state),
            faces=faces,
            liveness=self._liveness or make_liveness(self.config.liveness, aligner=aligner),
            gallery=gallery,
            door=controller,
            outbox=self.outbox,
            tracker=FaceTracker(cooldown_s=self.config.cooldown_s),
            tailgating=TailgatingWatch(
                window_s=self.config.tailgating_window_s,
                tolerance=self.config.tailgating_tolerance,
            ),
            qr_reader=QrReader() if self.config.qr else None,
            kiosk=self.kiosk_view,
            device_id=self.config.device_id,
        )
        self._use_site_liveness(snapshot)
        controller.on_held_open = self.pipeline.report_held_open
        if self.controller is not None:
            self.controller.start(snapshot.state, door, pulse_s=self.config.pulse_s)
        return self.pipeline

    def _gallery(self, snapshot: Snapshot, faces: FaceEngine) -> Gallery:
        """The gallery of the templates this gate's recognition model made, and no other's:
        a score between vectors of two models means nothing."""
        self._model_id = getattr(faces, "model_id", DEFAULT_MODEL_ID)
        usable = snapshot.templates_of(self._model_id)
        if snapshot.policy_model_id != self._model_id:
            log.error(
                "the door policy's face thresholds are for model %s, not this gate's %s: faces "
                "are not matched (cards, PINs and QR codes work). Give the gate the server's "
                "model folder, or register it again to receive the new thresholds",
                snapshot.policy_model_id,
                self._model_id,
            )
        elif len(usable) < len(snapshot.templates):
            log.warning(
                "%d templates were made by another model than %s and are not used; those "
                "people must enrol again",
                len(snapshot.templates) - len(usable),
                self._model_id,
            )
        gallery = Gallery(getattr(faces, "dim", TEMPLATE_DIM), capacity=max(1024, len(usable)))
        gallery.add_many(usable.items())
        snapshot.templates.clear()
        return gallery

    def _refresh(self, snapshot: Snapshot, changes: list[Change]) -> None:
        """Sync applied ``changes``: swap in the new state, update the gallery in memory."""
        pipeline = self.pipeline
        if pipeline is None or snapshot.state is None:
            return
        try:
            door = snapshot.door(pipeline.holder.door.id)
        except LocalStateError:
            log.error("this device no longer serves its door; keeping the last policy")
            return
        pipeline.holder.replace(door, snapshot.state)
        if any(change.kind == "liveness" for change in changes):
            self._use_site_liveness(snapshot)
        if self.controller is not None:
            self.controller.refresh(snapshot.state, door)
        usable = snapshot.templates_of(self._model_id)
        for change in changes:
            if change.kind != "template":
                continue
            person_id = uuid.UUID(change.record_id)
            pipeline.replace_template(person_id, usable.get(person_id))
        snapshot.templates.clear()

    def _use_site_liveness(self, snapshot: Snapshot) -> None:
        """Apply the community's calibrated liveness threshold, if the server sent one."""
        liveness = self.pipeline.liveness if self.pipeline is not None else None
        if not isinstance(liveness, TrackLiveness) or snapshot.site_liveness is None:
            return
        if not liveness.use_site_threshold(snapshot.site_liveness):
            log.warning(
                "the site liveness threshold was calibrated for other parameters; "
                "keeping the shipped threshold until the site calibrates again"
            )

    # -- running --------------------------------------------------------------------------

    def run(self, *, max_frames: int | None = None) -> int:
        """Process frames until the source ends, ``max_frames`` or ``stop``; returns frames."""
        pipeline = self.pipeline or self.start()
        kiosk = None
        if self.config.kiosk_port is not None:
            kiosk = KioskServer(
                self.kiosk_view, port=self.config.kiosk_port, notice_url=self.config.notice_url
            ).start()
            log.info("kiosk page at %s", kiosk.url)
        sync_thread = None
        if self.syncer is not None:
            sync_thread = threading.Thread(
                target=self.syncer.run_forever,
                args=(self.stop_event, self.config.sync_interval_s),
                name="menwei-sync",
                daemon=True,
            )
            sync_thread.start()
        frames = 0
        reader = FrameReader(
            open_source(self.config.source),
            max_age_s=self.config.max_frame_age_s if not self.config.replay else 3600.0,
            lossless=self.config.replay,
        )
        try:
            with reader:
                while not self.stop_event.is_set():
                    frame = reader.take(timeout=0.5)
                    if frame is None:
                        if reader.error is not None:
                            raise reader.error
                        if reader.ended:
                            log.info("the source has ended")
                            break
                        pipeline.tick_door()
                        continue
                    for outcome in pipeline.process_frame(frame):
                        log.info("decision: %s (%s)", outcome.reason_code, outcome.via or "unknown")
                    frames += 1
                    if max_frames is not None and frames >= max_frames:
                        break
        finally:
            self.stop_event.set()
            if sync_thread is not None:
                sync_thread.join(timeout=30)
            if self.syncer is not None:
                self.syncer.run_once()  # a last upload of what this run decided
            if kiosk is not None:
                kiosk.stop()
            pipeline.door.close()
        return frames

    def read_cards(self, source: str = "-") -> threading.Thread:
        """Feed a keyboard-wedge card reader to the pipeline: ``-`` is standard input, a path
        is the reader's Linux input device (``/dev/input/by-id/…-event-kbd``)."""
        handle: BinaryIO | None = None
        if source == "-":
            lines: Iterable[str] = sys.stdin
        else:
            handle = _open_input(source, "card reader")
            lines = evdev_lines(handle)

        def loop() -> None:
            reader = CardReader()
            try:
                for item in reader.read(lines):
                    if self.stop_event.is_set() or self.pipeline is None:
                        return
                    if isinstance(item, CredentialInputError):
                        log.info("card reader: %s", item.message)
                        continue
                    outcome = self.pipeline.present(item)
                    log.info("decision: %s (card)", outcome.reason_code)
            finally:
                if handle is not None:
                    handle.close()

        thread = threading.Thread(target=loop, name="menwei-cards", daemon=True)
        thread.start()
        return thread

    def read_pin_pad(self, source: str) -> threading.Thread:
        """Feed a PIN pad (its Linux input device) to the pipeline, key by key.

        A PIN alone names nobody: it completes a face in the grey zone (step-up) or a card.
        """
        handle = _open_input(source, "PIN pad")

        def loop() -> None:
            pad = PinPad()
            try:
                for key in evdev_keys(handle):
                    if self.stop_event.is_set() or self.pipeline is None:
                        return
                    try:
                        credential = pad.press(key)
                    except CredentialInputError as error:
                        log.info("PIN pad: %s", error.message)
                        continue
                    if credential is not None:
                        outcome = self.pipeline.present(credential)
                        log.info("decision: %s (PIN)", outcome.reason_code)
            finally:
                handle.close()

        thread = threading.Thread(target=loop, name="menwei-pinpad", daemon=True)
        thread.start()
        return thread

    def read_osdp(self, port: str, baud: int, readers: list[ReaderSettings]) -> OsdpPanel:
        """Run the OSDP readers on ``port``: their cards and PINs go to the pipeline, and each
        decision is shown on the reader it came from."""
        bus = SerialChannel(port, baud)  # one RS-485 bus, shared by its readers

        def decide(address: int, credential: PresentedCredential) -> str | None:
            if self.pipeline is None or self.stop_event.is_set():
                return None
            outcome = self.pipeline.present(credential)
            log.info("decision: %s (%s, OSDP reader %d)", outcome.reason_code, credential.kind,
                     address)  # fmt: skip
            if outcome.allowed:
                return "allow"
            return "step_up" if outcome.reason_code == "step_up_required" else "deny"

        def event(reason: str, address: int) -> None:
            if self.pipeline is not None:
                self.pipeline.report_reader(reason, address)

        self.osdp = OsdpPanel(lambda _: bus, readers, on_credential=decide, on_event=event)
        return self.osdp.start()

    def close(self) -> None:
        if self.osdp is not None:
            self.osdp.close()
        if self.controller is not None:
            self.controller.close()
        self.local.close()
        self.outbox.close()
        if self.syncer is not None:
            self.syncer.client.close()


def _open_input(source: str, what: str) -> BinaryIO:
    try:
        return Path(source).open("rb")
    except OSError as error:
        raise CredentialInputError(
            f"The {what} {source} could not be opened ({error.strerror}). Check the device "
            "path and that this user may read it (group 'input')."
        ) from None


def run_gate(config: GateConfig, *, on_error: Callable[[GateError], None]) -> int:
    """What the command does: start, run, close; a ``GateError`` goes to ``on_error``."""
    agent = None
    try:
        agent = GateAgent(config)
        agent.start()
        return agent.run()
    except GateError as error:
        on_error(error)
        return -1
    finally:
        if agent is not None:
            agent.close()
