"""Keeps a UHPPOTE controller in step with the gate: one object the agent starts and refreshes.

On start: read back the events buffered while the gate was away, check and set the clock,
push the card list, point the controller's event listener at this gate, and listen. After each
sync: push the card list again, so a revoked card or a move-out leaves the controller at once.
A controller that does not answer never stops the gate: each failure is logged and becomes a
``controller_unreachable`` event, and the next refresh tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from zoneinfo import ZoneInfo

from menwei.core.door import Door
from menwei.core.state import AccessState
from menwei.gate.controller_plan import ControllerPlan, plan_for
from menwei.gate.errors import DoorError
from menwei.gate.outbox import Outbox
from menwei.gate.uhppote import (
    ANY_ADDRESS,
    DoorContext,
    PushSummary,
    UhppoteEvents,
    UhppoteLink,
    UhppoteSettings,
    check_clock,
)

log = logging.getLogger(__name__)


class ControllerBridge:
    """The controller's card list, clock and event stream, for one door of the gate."""

    def __init__(self, settings: UhppoteSettings, outbox: Outbox, device_id: str) -> None:
        self.settings = settings
        self.zone = ZoneInfo(settings.timezone)
        self.link = UhppoteLink(settings)
        self.outbox = outbox
        self.device_id = device_id
        self.plan: ControllerPlan | None = None
        self.events: UhppoteEvents | None = None
        self.last_push: PushSummary | None = None

    def _person_of(self, number: int) -> uuid.UUID | None:
        return None if self.plan is None else self.plan.person_of(number)

    def start(
        self, state: AccessState, door: Door, *, listen: bool = True, pulse_s: float = 3.0
    ) -> None:
        """Set the door mode, recover, set the clock, push, and listen; failures become
        events."""
        context = DoorContext(door.id, self.device_id, door.direction.value)
        self.events = UhppoteEvents(
            self.link, self.outbox, context, person_of=self._person_of, zone=self.zone
        )
        self.plan = self._plan(state, door)
        self._guard("set the door mode", lambda: self.link.set_door(pulse_s))
        self._guard("recover events", self.events.recover)
        self._guard("check the clock", lambda: check_clock(self.link, self._events(), self._now()))
        self._guard("push the card list", lambda: self._push())
        if listen:
            try:
                self.events.listen()
            except DoorError as error:
                self._failed("listen for events", error)
                return
            self._guard("set the event listener", self._point_listener)

    def refresh(self, state: AccessState, door: Door) -> None:
        """After a sync: the new card list goes to the controller."""
        self.plan = self._plan(state, door)
        self._guard("push the card list", lambda: self._push())

    def close(self) -> None:
        if self.events is not None:
            self.events.close()

    # -- internals ------------------------------------------------------------------------

    def _events(self) -> UhppoteEvents:
        assert self.events is not None
        return self.events

    def _now(self) -> dt.datetime:
        return dt.datetime.now(self.zone)

    def _plan(self, state: AccessState, door: Door) -> ControllerPlan:
        plan = plan_for(
            state,
            door,
            door_number=self.settings.door,
            now=self._now(),
            timezone=self.settings.timezone,
        )
        for note in plan.notes:
            log.info("controller card list: %s", note)
        return plan

    def _push(self) -> PushSummary:
        assert self.plan is not None
        self.last_push = self.link.push(self.plan)
        log.info(
            "controller %s: %d cards written, %d removed",
            self.settings.serial,
            self.last_push.put,
            self.last_push.deleted,
        )
        return self.last_push

    def _point_listener(self) -> None:
        assert self.events is not None
        target = self.settings.listener_address
        if target is None:
            host = self.settings.listen.rpartition(":")[0]
            target = f"{host}:{self.events.listen_port}"
        host, _, port = target.rpartition(":")
        if host in ("", ANY_ADDRESS):
            log.warning(
                "set listener_address in the gate settings so the controller knows where to "
                "send its events; until then they are read back from its buffer"
            )
            return
        self.link.set_listener(host, int(port))

    def _guard(self, what: str, work: Callable[[], object]) -> None:
        try:
            work()
        except DoorError as error:
            self._failed(what, error)

    def _failed(self, what: str, error: DoorError) -> None:
        log.error("controller: could not %s: %s", what, error.message)
        if self.events is not None:
            self.events.alert("controller_unreachable", step=what)
