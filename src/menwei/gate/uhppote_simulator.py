"""A UHPPOTE access controller on a UDP port, for tests, the bench and the demo.

It answers the 64-byte request packets that the ``uhppoted`` package sends (the layout of
that package's ``encode`` and ``decode`` modules: little-endian integers, BCD dates and times,
start byte 0x17, function code in byte 1, serial number in bytes 4-7) and keeps what a real
controller keeps: a card table with date ranges and per-door permissions, time profiles, a
clock, door relays and a ring buffer of events with indices starting at 1.

``swipe`` is a card at one of its readers: the controller decides from its own tables, as a
real one does whether or not anyone is listening, records the event, and sends it to the
configured event listener. Packets of the wrong length, start byte, serial number or function
are ignored, as a controller does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

SOM = 0x17
GET_STATUS = 0x20
SET_TIME = 0x30
GET_TIME = 0x32
OPEN_DOOR = 0x40
PUT_CARD = 0x50
DELETE_CARD = 0x52
DELETE_ALL_CARDS = 0x54
GET_CARDS = 0x58
GET_CARD = 0x5A
GET_CARD_AT_INDEX = 0x5C
SET_DOOR = 0x80
SET_TIME_PROFILE = 0x88
CLEAR_TIME_PROFILES = 0x8A
SET_LISTENER = 0x90
GET_LISTENER = 0x92
GET_TIME_PROFILE = 0x98
GET_EVENT = 0xB0
SET_EVENT_INDEX = 0xB2
GET_EVENT_INDEX = 0xB4
MAGIC = 0x55AAAA55
DELETED = 0xFFFFFFFF

#: event types and reasons the controller reports
EVENT_SWIPE = 1
REASON_GRANTED = 1
REASON_NO_PRIVILEGE = 6
REASON_OUT_OF_HOURS = 7
REASON_NOT_VALID = 18  # outside the card's date range


def _bcd(text: str) -> bytes:
    return bytes.fromhex(text)


def _unbcd(data: bytes) -> str:
    return data.hex()


@dataclass
class SimCard:
    number: int
    start: dt.date
    end: dt.date
    doors: tuple[int, int, int, int]
    pin: int = 0


@dataclass
class SimProfile:
    id: int
    start: dt.date
    end: dt.date
    weekdays: tuple[bool, ...]
    segments: list[tuple[dt.time, dt.time]]
    linked: int


@dataclass
class SimEvent:
    index: int
    kind: int
    granted: bool
    door: int
    direction: int
    card: int
    at: dt.datetime
    reason: int


@dataclass
class ControllerSimulator:
    """A controller with serial ``serial``; ``start`` binds it to ``host`` on a free port."""

    serial: int = 405419896
    host: str = "127.0.0.1"
    capacity: int = 100_000
    clock_offset: dt.timedelta = dt.timedelta(0)
    cards: dict[int, SimCard] = field(default_factory=dict)
    profiles: dict[int, SimProfile] = field(default_factory=dict)
    events: list[SimEvent] = field(default_factory=list)
    opened: list[tuple[int, dt.datetime]] = field(default_factory=list)
    listener: tuple[str, int] | None = None
    #: door number → (control mode, unlock seconds)
    doors: dict[int, tuple[int, int]] = field(default_factory=dict)
    downloaded_index: int = 0
    answering: bool = True
    ignored_packets: int = 0
    #: ``time.perf_counter()`` at each relay command, for latency measurements
    relay_times: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self._next_index = 1
        self._card_order: list[int] = []

    # -- life cycle -----------------------------------------------------------------------

    @property
    def address(self) -> str:
        assert self._sock is not None, "start the simulator first"
        host, port = self._sock.getsockname()
        return f"{host}:{port}"

    def start(self, port: int = 0) -> ControllerSimulator:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind((self.host, port))
        self._thread = threading.Thread(target=self._serve, name="uhppote-sim", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._sock is not None:
            sock, self._sock = self._sock, None
            # wake the blocked recvfrom, then close
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as poke:
                poke.sendto(b"", sock.getsockname())
            if self._thread is not None:
                self._thread.join(timeout=2)
            sock.close()

    def now(self) -> dt.datetime:
        """The controller's own clock (local time, no zone, like the hardware)."""
        return (dt.datetime.now() + self.clock_offset).replace(microsecond=0)

    def _serve(self) -> None:
        sock = self._sock
        assert sock is not None
        while self._sock is not None:
            try:
                packet, peer = sock.recvfrom(1024)
            except OSError:
                return
            if self._sock is None:
                return
            if not self.answering:
                continue  # unplugged from the network: the request never arrives
            reply = self.handle(packet)
            if reply is not None:
                try:
                    sock.sendto(reply, peer)
                except OSError:
                    continue

    # -- requests -------------------------------------------------------------------------

    def handle(self, packet: bytes) -> bytes | None:
        """The reply to one request packet, or ``None`` for a packet a controller ignores."""
        if len(packet) != 64 or packet[0] != SOM:
            self.ignored_packets += 1
            return None
        function = packet[1]
        (serial,) = struct.unpack_from("<L", packet, 4)
        if serial not in (0, self.serial):
            self.ignored_packets += 1
            return None
        handler = _HANDLERS.get(function)
        if handler is None:
            self.ignored_packets += 1
            return None
        reply = bytearray(64)
        reply[0], reply[1] = SOM, function
        struct.pack_into("<L", reply, 4, self.serial)
        with self._lock:
            try:
                handler(self, packet, reply)
            except (ValueError, struct.error):
                self.ignored_packets += 1
                return None
        return bytes(reply)

    def _get_time(self, packet: bytes, reply: bytearray) -> None:
        reply[8:15] = _bcd(f"{self.now():%Y%m%d%H%M%S}")

    def _set_time(self, packet: bytes, reply: bytearray) -> None:
        wanted = dt.datetime.strptime(_unbcd(packet[8:15]), "%Y%m%d%H%M%S")
        self.clock_offset = wanted - dt.datetime.now().replace(microsecond=0)
        self._get_time(packet, reply)

    def _open_door(self, packet: bytes, reply: bytearray) -> None:
        door = packet[8]
        ok = 1 <= door <= 4
        if ok:
            self.relay_times.append(time.perf_counter())
            self.opened.append((door, self.now()))
        reply[8] = int(ok)

    def _put_card(self, packet: bytes, reply: bytearray) -> None:
        (number,) = struct.unpack_from("<L", packet, 8)
        start = dt.datetime.strptime(_unbcd(packet[12:16]), "%Y%m%d").date()
        end = dt.datetime.strptime(_unbcd(packet[16:20]), "%Y%m%d").date()
        doors = (packet[20], packet[21], packet[22], packet[23])
        pin = packet[24] | packet[25] << 8 | packet[26] << 16
        if number in (0, DELETED):
            reply[8] = 0
            return
        if number not in self.cards:
            self._card_order.append(number)
        self.cards[number] = SimCard(number, start, end, doors, pin)
        reply[8] = 1

    def _delete_card(self, packet: bytes, reply: bytearray) -> None:
        (number,) = struct.unpack_from("<L", packet, 8)
        found = self.cards.pop(number, None) is not None
        if found:
            self._card_order[self._card_order.index(number)] = DELETED
        reply[8] = int(found)

    def _delete_all_cards(self, packet: bytes, reply: bytearray) -> None:
        ok = struct.unpack_from("<L", packet, 8)[0] == MAGIC
        if ok:
            self.cards.clear()
            self._card_order.clear()
        reply[8] = int(ok)

    def _get_cards(self, packet: bytes, reply: bytearray) -> None:
        struct.pack_into("<L", reply, 8, len(self.cards))

    def _card_reply(self, card: SimCard | None, reply: bytearray, number: int = 0) -> None:
        if card is None:
            struct.pack_into("<L", reply, 8, number)
            return
        struct.pack_into("<L", reply, 8, card.number)
        reply[12:16] = _bcd(f"{card.start:%Y%m%d}")
        reply[16:20] = _bcd(f"{card.end:%Y%m%d}")
        reply[20:24] = bytes(card.doors)
        reply[24:27] = bytes([card.pin & 0xFF, card.pin >> 8 & 0xFF, card.pin >> 16 & 0xFF])

    def _get_card(self, packet: bytes, reply: bytearray) -> None:
        (number,) = struct.unpack_from("<L", packet, 8)
        self._card_reply(self.cards.get(number), reply)

    def _get_card_at_index(self, packet: bytes, reply: bytearray) -> None:
        (index,) = struct.unpack_from("<L", packet, 8)
        if not 1 <= index <= len(self._card_order):
            self._card_reply(None, reply)
            return
        number = self._card_order[index - 1]
        self._card_reply(self.cards.get(number), reply, DELETED)

    def _set_door(self, packet: bytes, reply: bytearray) -> None:
        door, mode, delay = packet[8], packet[9], packet[10]
        if 1 <= door <= 4 and 1 <= mode <= 4:
            self.doors[door] = (mode, delay)
            reply[8:11] = packet[8:11]

    def _set_time_profile(self, packet: bytes, reply: bytearray) -> None:
        profile_id = packet[8]
        if not 2 <= profile_id <= 254:
            reply[8] = 0
            return
        segments = []
        for offset in (24, 28, 32):
            start = dt.datetime.strptime(_unbcd(packet[offset : offset + 2]), "%H%M").time()
            end = dt.datetime.strptime(_unbcd(packet[offset + 2 : offset + 4]), "%H%M").time()
            if (start, end) != (dt.time(0), dt.time(0)):
                segments.append((start, end))
        self.profiles[profile_id] = SimProfile(
            profile_id,
            dt.datetime.strptime(_unbcd(packet[9:13]), "%Y%m%d").date(),
            dt.datetime.strptime(_unbcd(packet[13:17]), "%Y%m%d").date(),
            tuple(bool(b) for b in packet[17:24]),
            segments,
            packet[36],
        )
        reply[8] = 1

    def _clear_time_profiles(self, packet: bytes, reply: bytearray) -> None:
        ok = struct.unpack_from("<L", packet, 8)[0] == MAGIC
        if ok:
            self.profiles.clear()
        reply[8] = int(ok)

    def _set_listener(self, packet: bytes, reply: bytearray) -> None:
        host = socket.inet_ntoa(packet[8:12])
        (port,) = struct.unpack_from("<H", packet, 12)
        self.listener = None if port == 0 else (host, port)
        reply[8] = 1

    def _get_listener(self, packet: bytes, reply: bytearray) -> None:
        host, port = self.listener or ("0.0.0.0", 0)  # noqa: S104 - "none set"
        reply[8:12] = socket.inet_aton(host)
        struct.pack_into("<H", reply, 12, port)

    def _get_event(self, packet: bytes, reply: bytearray) -> None:
        (index,) = struct.unpack_from("<L", packet, 8)
        struct.pack_into("<L", reply, 8, index)
        if not self.events or index > self.events[-1].index or index < 1:
            return  # type 0: no such event
        first = self.events[0].index
        if index < first:
            reply[12] = 0xFF  # overwritten
            return
        self._event_fields(self.events[index - first], reply)

    def _get_event_index(self, packet: bytes, reply: bytearray) -> None:
        struct.pack_into("<L", reply, 8, self.downloaded_index)

    def _set_event_index(self, packet: bytes, reply: bytearray) -> None:
        index, magic = struct.unpack_from("<LL", packet, 8)
        ok = magic == MAGIC
        if ok:
            self.downloaded_index = index
        reply[8] = int(ok)

    def _get_status(self, packet: bytes, reply: bytearray) -> None:
        self._status_fields(reply)
        if self.events:
            self._event_fields(self.events[-1], reply)

    # -- packet fields --------------------------------------------------------------------

    @staticmethod
    def _event_fields(event: SimEvent, reply: bytearray) -> None:
        struct.pack_into("<L", reply, 8, event.index)
        reply[12] = event.kind
        reply[13] = int(event.granted)
        reply[14] = event.door
        reply[15] = event.direction
        struct.pack_into("<L", reply, 16, event.card)
        reply[20:27] = _bcd(f"{event.at:%Y%m%d%H%M%S}")
        reply[27] = event.reason

    def _status_fields(self, reply: bytearray) -> None:
        now = self.now()
        reply[37:40] = _bcd(f"{now:%H%M%S}")
        reply[51:54] = _bcd(f"{now:%y%m%d}")

    # -- the hardware side ----------------------------------------------------------------

    def swipe(self, card: int, door: int = 1, *, direction: int = 1) -> SimEvent:
        """A card at the reader of ``door``: decide, record, open, and tell the listener."""
        with self._lock:
            now = self.now()
            granted, reason = self._decide(card, door, now)
            event = SimEvent(self._next_index, EVENT_SWIPE, granted, door, direction, card, now,
                             reason)  # fmt: skip
            self._next_index += 1
            self.events.append(event)
            if len(self.events) > self.capacity:
                del self.events[0]
            if granted:
                self.opened.append((door, now))
            listener, sock = self.listener, self._sock
            packet = bytearray(64)
            packet[0], packet[1] = SOM, GET_STATUS
            struct.pack_into("<L", packet, 4, self.serial)
            self._status_fields(packet)
            self._event_fields(event, packet)
        if listener is not None and sock is not None and self.answering:
            with contextlib.suppress(OSError):
                sock.sendto(bytes(packet), listener)
        return event

    def _decide(self, number: int, door: int, now: dt.datetime) -> tuple[bool, int]:
        card = self.cards.get(number)
        if card is None or not 1 <= door <= 4:
            return False, REASON_NO_PRIVILEGE
        if not card.start <= now.date() <= card.end:
            return False, REASON_NOT_VALID
        permission = card.doors[door - 1]
        if permission == 0:
            return False, REASON_NO_PRIVILEGE
        if permission == 1 or self._profile_allows(permission, now, set()):
            return True, REASON_GRANTED
        return False, REASON_OUT_OF_HOURS

    def _profile_allows(self, profile_id: int, now: dt.datetime, seen: set[int]) -> bool:
        profile = self.profiles.get(profile_id)
        if profile is None or profile_id in seen:
            return False
        seen.add(profile_id)
        moment = now.time().replace(second=0, microsecond=0)
        if (
            profile.start <= now.date() <= profile.end
            and profile.weekdays[now.weekday()]
            and any(start <= moment <= end for start, end in profile.segments)
        ):
            return True
        return profile.linked != 0 and self._profile_allows(profile.linked, now, seen)


_HANDLERS = {
    GET_STATUS: ControllerSimulator._get_status,
    SET_TIME: ControllerSimulator._set_time,
    GET_TIME: ControllerSimulator._get_time,
    OPEN_DOOR: ControllerSimulator._open_door,
    PUT_CARD: ControllerSimulator._put_card,
    DELETE_CARD: ControllerSimulator._delete_card,
    DELETE_ALL_CARDS: ControllerSimulator._delete_all_cards,
    GET_CARDS: ControllerSimulator._get_cards,
    GET_CARD: ControllerSimulator._get_card,
    GET_CARD_AT_INDEX: ControllerSimulator._get_card_at_index,
    SET_DOOR: ControllerSimulator._set_door,
    SET_TIME_PROFILE: ControllerSimulator._set_time_profile,
    CLEAR_TIME_PROFILES: ControllerSimulator._clear_time_profiles,
    SET_LISTENER: ControllerSimulator._set_listener,
    GET_LISTENER: ControllerSimulator._get_listener,
    GET_EVENT: ControllerSimulator._get_event,
    SET_EVENT_INDEX: ControllerSimulator._set_event_index,
    GET_EVENT_INDEX: ControllerSimulator._get_event_index,
}
