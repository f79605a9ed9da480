"""UHPPOTE / WeiGeng (微耕) UDP access controllers, through the ``uhppoted`` package.

The controller on the wall decides card swipes itself, from the card list and time profiles
this gate pushes to it (``controller_plan``), so cards keep opening the door while the gate
host or the server is down. The gate:

- opens the door through the controller's relay for its own decisions (faces, QR passes);
- receives the controller's swipe events on a UDP listener and stores them in the outbox;
- on every start and whenever an index is skipped, reads the controller's event buffer from
  the last index it stored (kept in the controller's own "downloaded" register), so no swipe
  made while the gate was away is lost;
- sets the controller's clock and reports a drifted one.

Every failure of the controller (no answer, a wrong answer) is a ``DoorError``: the door stays
shut and the error becomes an event; nothing here raises anything else.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from uhppoted import decode
from uhppoted.uhppote import Uhppote

from menwei.core.credential import CredentialKind
from menwei.core.passage import NO_CREDENTIAL, PassageEvent
from menwei.gate.controller_plan import CardEntry, ControllerPlan, differences
from menwei.gate.errors import DoorError, GateError
from menwei.gate.outbox import Outbox
from menwei.gate.passages import record, record_once

log = logging.getLogger(__name__)

#: the controller's reason codes, as the gate's own reason codes
REASONS = {
    1: "granted",
    5: "not_authorised_for_door",
    6: "not_authorised_for_door",
    7: "outside_schedule",
    18: "expired",
}
EVENT_SWIPE = 1
#: every local address: the listener takes events from the controller's LAN
ANY_ADDRESS = "0.0.0.0"  # noqa: S104
EVENT_OVERWRITTEN = 0xFF
DELETED = 0xFFFFFFFF


@dataclass(frozen=True)
class UhppoteSettings:
    """Where the controller is and how the gate reaches it (the ``[uhppote]`` settings)."""

    serial: int
    address: str
    door: int = 1
    listen: str = f"{ANY_ADDRESS}:60001"
    listener_address: str | None = None
    bind: str = ANY_ADDRESS
    timeout_s: float = 1.0
    max_clock_drift_s: float = 60.0
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        if not 0 < self.serial <= 0xFFFFFFFF:
            raise DoorError("The controller serial number must be a positive 32-bit number.")
        if not 1 <= self.door <= 4:
            raise DoorError("The controller door number must be 1 to 4.")


@dataclass(frozen=True)
class PushSummary:
    profiles: int
    put: int
    deleted: int


@dataclass(frozen=True)
class SwipeRecord:
    index: int
    card: int
    door: int
    granted: bool
    reason: int
    at: dt.datetime | None


class UhppoteLink:
    """Requests to one controller; every failure becomes a ``DoorError``."""

    def __init__(self, settings: UhppoteSettings) -> None:
        self.settings = settings
        self._api = Uhppote(bind=settings.bind, broadcast="255.255.255.255:60000")
        self._target = (settings.serial, settings.address, "udp")
        self._lock = threading.Lock()

    def _call(self, what: str, method: str, *args: Any) -> Any:
        try:
            with self._lock:
                reply = getattr(self._api, method)(
                    self._target, *args, timeout=self.settings.timeout_s
                )
        except (OSError, ValueError, TypeError) as error:
            raise DoorError(
                f"The access controller {self.settings.serial} at {self.settings.address} did "
                f"not {what} ({type(error).__name__}). Check its power, network cable and "
                "serial number."
            ) from None
        if reply is None or getattr(reply, "controller", self.settings.serial) != (
            self.settings.serial
        ):
            raise DoorError(
                f"The access controller at {self.settings.address} gave a wrong answer to "
                f"'{what}'. Check the serial number in the gate settings."
            )
        return reply

    # -- doors ----------------------------------------------------------------------------

    def open_door(self, door: int | None = None) -> None:
        reply = self._call("open the door", "open_door", door or self.settings.door)
        if not reply.opened:
            raise DoorError(f"The access controller refused to open door {self.settings.door}.")

    def set_door(self, delay_s: float) -> None:
        """Put the door in "controlled" mode (locked, opened by card or command) with the
        gate's pulse length, so the controller relocks the door on its own."""
        delay = max(1, min(255, round(delay_s)))
        reply = self._call("set the door mode", "set_door_control", self.settings.door, 3, delay)
        if (reply.door, reply.mode, reply.delay) != (self.settings.door, 3, delay):
            raise DoorError(
                f"The access controller did not accept door {self.settings.door}'s mode."
            )

    # -- clock ----------------------------------------------------------------------------

    def clock(self) -> dt.datetime:
        return self._call("report its clock", "get_time").datetime

    def set_clock(self, now: dt.datetime) -> None:
        self._call("set its clock", "set_time", now.replace(tzinfo=None, microsecond=0))

    # -- cards and profiles ---------------------------------------------------------------

    def held_cards(self) -> list[CardEntry]:
        """The controller's card table (dates and this door's permission)."""
        count = self._call("count its cards", "get_cards").cards
        held: list[CardEntry] = []
        index = 1
        while len(held) < count:
            reply = self._call("list its cards", "get_card_by_index", index)
            index += 1
            if reply.card_number == 0:
                break
            if reply.card_number == DELETED:
                continue
            permission = getattr(reply, f"door_{self.settings.door}")
            held.append(
                CardEntry(
                    reply.card_number,
                    reply.start_date,
                    reply.end_date,
                    permission,
                    uuid.UUID(int=0),
                )
            )
        return held

    def push(self, plan: ControllerPlan) -> PushSummary:
        """Make the controller hold ``plan``: profiles first, then changed cards, then removals."""
        for profile in plan.profiles.values():
            segments = list(profile.segments) + [(None, None)] * (3 - len(profile.segments))
            days = [day in profile.weekdays for day in range(7)]
            reply = self._call(
                "store a time profile",
                "set_time_profile",
                profile.id,
                dt.date(2000, 1, 1),
                dt.date(2099, 12, 31),
                *days,
                segments[0][0], segments[0][1],
                segments[1][0], segments[1][1],
                segments[2][0], segments[2][1],
                profile.linked,
            )  # fmt: skip
            if not reply.stored:
                raise DoorError(f"The access controller did not store time profile {profile.id}.")
        to_put, to_delete = differences(plan, self.held_cards())
        for entry in to_put:
            doors = [0, 0, 0, 0]
            doors[plan.door_number - 1] = entry.permission
            reply = self._call(
                "store a card", "put_card", entry.number, entry.start, entry.end, *doors, 0
            )
            if not reply.stored:
                raise DoorError("The access controller did not store a card (its table is full?).")
        for number in to_delete:
            self._call("remove a card", "delete_card", number)
        return PushSummary(len(plan.profiles), len(to_put), len(to_delete))

    # -- events ---------------------------------------------------------------------------

    def newest_index(self) -> int:
        return self._call("report its status", "get_status").event_index or 0

    def downloaded_index(self) -> int:
        return self._call("report its event index", "get_event_index").event_index

    def mark_downloaded(self, index: int) -> None:
        self._call("store its event index", "set_event_index", index)

    def event(self, index: int) -> SwipeRecord | None:
        """Event ``index``; ``None`` when it was overwritten or is not a card swipe."""
        reply = self._call("read an event", "get_event", index)
        if reply.event_type != EVENT_SWIPE:
            return None
        return SwipeRecord(
            reply.index, reply.card, reply.door, reply.access_granted, reply.reason,
            reply.timestamp,
        )  # fmt: skip

    def set_listener(self, host: str, port: int) -> None:
        self._call("accept the event listener", "set_listener", ipaddress.IPv4Address(host), port)


class UhppoteDoor:
    """The door driver: open through the controller's relay; it locks again by itself."""

    name = "uhppote"

    def __init__(self, link: UhppoteLink) -> None:
        self.link = link

    def energise(self) -> None:
        self.link.open_door()

    def release(self) -> None:
        """Nothing to do: the controller relocks after its own door delay."""

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class DoorContext:
    """What each event is about: the gate's door and device."""

    door_id: uuid.UUID
    device_id: str
    direction: str


class UhppoteEvents:
    """Controller events into the outbox, live and recovered, each stored exactly once."""

    def __init__(
        self,
        link: UhppoteLink,
        outbox: Outbox,
        context: DoorContext,
        *,
        person_of: Callable[[int], uuid.UUID | None] = lambda _: None,
        zone: dt.tzinfo | None = None,
    ) -> None:
        self.link = link
        self.outbox = outbox
        self.context = context
        self.person_of = person_of
        self.zone = zone or dt.UTC
        self.recovered = 0
        self.lost = 0
        self._downloaded: int | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    # -- storing --------------------------------------------------------------------------

    def _store(self, record: SwipeRecord) -> bool:
        serial = self.link.settings.serial
        at = record.at.replace(tzinfo=self.zone) if record.at else dt.datetime.now(dt.UTC)
        person = self.person_of(record.card)
        reason = REASONS.get(record.reason, "not_authorised_for_door")
        if not record.granted and person is None:
            reason = "unknown_card"  # a card this gate never gave the controller
        event = PassageEvent(
            door_id=self.context.door_id,
            occurred_at=at,
            direction=self.context.direction,
            credential_kind=CredentialKind.CARD.value,
            person_id=person,
            outcome="allow" if record.granted else "deny",
            reason_code="granted" if record.granted else reason,
        )
        key = f"uhppote:{serial}:{record.index}"
        return record_once(
            self.outbox,
            key,
            "passage",
            event,
            self.context.device_id,
            decided_by="controller",
            controller_event=record.index,
        )

    def alert(self, reason: str, **extra: Any) -> None:
        """A controller problem as an event and an alert (never raises)."""
        event = PassageEvent(
            door_id=self.context.door_id,
            occurred_at=dt.datetime.now(dt.UTC),
            direction=self.context.direction,
            credential_kind=NO_CREDENTIAL,
            outcome="deny",
            reason_code=reason,
            flag=reason,
        )
        try:
            record(self.outbox, "controller", event, self.context.device_id, alert=True, **extra)
        except GateError:
            log.exception("controller alert could not be stored")

    # -- recovering -----------------------------------------------------------------------

    def recover(self) -> int:
        """Store every event after the controller's downloaded index; returns how many."""
        with self._lock:
            return self._recover_locked()

    def _recover_locked(self) -> int:
        start = self.link.downloaded_index() + 1
        newest = self.link.newest_index()
        stored = 0
        lost = 0
        for index in range(start, newest + 1):
            record = self.link.event(index)
            if record is None:
                lost += 1
                continue
            stored += int(self._store(record))
            if index % 100 == 0:
                self.link.mark_downloaded(index)
        if newest >= start:
            self.link.mark_downloaded(newest)
        self._downloaded = max(newest, start - 1)
        self.recovered += stored
        if lost:
            self.lost += lost
            self.alert("controller_events_lost", events=lost)
        return stored

    def on_packet(self, packet: bytes) -> None:
        """One packet from the controller's event stream."""
        try:
            event = decode.event(packet)
        except (ValueError, IndexError):
            log.warning("ignored a malformed controller event packet")
            return
        if event.controller != self.link.settings.serial or not event.event_index:
            return
        with self._lock:
            try:
                if self._downloaded is None or event.event_index != self._downloaded + 1:
                    self._recover_locked()
                    return
                if event.event_type == EVENT_SWIPE:
                    self._store(
                        SwipeRecord(
                            event.event_index, event.event_card, event.event_door,
                            event.event_access_granted, event.event_reason,
                            event.event_timestamp,
                        )
                    )  # fmt: skip
                self.link.mark_downloaded(event.event_index)
                self._downloaded = event.event_index
            except DoorError as error:
                log.error("controller events: %s", error.message)

    # -- listening ------------------------------------------------------------------------

    def listen(self) -> UhppoteEvents:
        """Bind the listener address and handle events in a thread."""
        host, _, port = self.link.settings.listen.rpartition(":")
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind((host or ANY_ADDRESS, int(port)))
        except (OSError, ValueError) as error:
            sock.close()
            raise DoorError(
                f"The event listener could not use {self.link.settings.listen} ({error})."
            ) from None
        sock.settimeout(0.2)
        self._sock = sock

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    packet = sock.recv(1024)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if len(packet) == 64:
                    self.on_packet(packet)

        self._thread = threading.Thread(target=loop, name="uhppote-events", daemon=True)
        self._thread.start()
        return self

    @property
    def listen_port(self) -> int:
        assert self._sock is not None
        return int(self._sock.getsockname()[1])

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._sock is not None:
            self._sock.close()


def check_clock(
    link: UhppoteLink, events: UhppoteEvents, now: dt.datetime, *, set_it: bool = True
) -> float:
    """Compare the controller's clock with ``now`` (local time); report and correct a drift.

    Returns the drift in seconds (controller minus gate).
    """
    held = link.clock()
    drift = (held - now.replace(tzinfo=None, microsecond=0)).total_seconds()
    if abs(drift) > link.settings.max_clock_drift_s:
        log.warning("controller clock is %.0f s off", drift)
        events.alert("controller_clock_drift", drift_s=round(drift))
    if set_it:
        link.set_clock(now)
    return drift
