"""A person's audit log as they can read it: local times, gates by name, who in plain words.

The log itself keeps ids (devices, accounts) because it must be checkable; the person sees
what each entry did to their data — "told the south gate to delete your face data" rather than
"sync to device", which reads like a leak — and never a raw id.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from menwei.store.uow import UnitOfWork

#: A rights request's steps: opened by the person, then fulfilled or refused by the office.
_REQUEST_STEPS = {"fulfilled": "request_fulfilled", "refused": "request_refused"}
_STAFF = re.compile(r"^staff:(?P<name>.*?)(\([0-9a-f-]{36}\))?$")


def _device(actor: str) -> uuid.UUID | None:
    if not actor.startswith("device:"):
        return None
    try:
        return uuid.UUID(actor.split(":", 1)[1])
    except ValueError:
        return None


def _doors_of(uow: UnitOfWork, devices: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each device's door names, joined (a device may serve two doors of one gate)."""
    if not devices:
        return {}
    with uow:
        rows = uow.names.doors_of_devices(devices)
    found: dict[uuid.UUID, list[str]] = {}
    for device_id, name in rows:
        found.setdefault(device_id, []).append(name)
    return {device: "、".join(names) for device, names in found.items()}


def _who(actor: str, person_id: str, doors: dict[uuid.UUID, str]) -> tuple[str, str]:
    """(kind, name): ``you``, ``staff`` with the account's name, ``gate`` with the door,
    ``system``, or ``other`` (a guardian or anyone else, never by id)."""
    if actor == person_id:
        return "you", ""
    device = _device(actor)
    if device is not None:
        return "gate", doors.get(device, "")
    staff = _STAFF.match(actor)
    if staff:
        return "staff", staff.group("name")
    if actor.startswith("system"):
        return "system", ""
    return "other", ""


@dataclass(frozen=True, slots=True)
class ReadableEntry:
    """One audit entry as its person reads it: ``what`` is a key for the page's words."""

    when: str
    what: str
    door: str
    count: Any
    day: Any
    who: str
    who_name: str
    kind: str


def readable(
    uow: UnitOfWork, entries: list[dict[str, Any]], person_id: str, zone: ZoneInfo
) -> list[ReadableEntry]:
    """The entries newest first with ``when``, ``what`` (a key for the page's words), ``door``,
    ``count``, ``day`` and ``who``/``who_name``; no id survives."""
    devices = {d for d in (_device(str(e["actor"])) for e in entries) if d is not None}
    for e in entries:
        told = (e.get("detail") or {}).get("device_id")
        if told:
            with contextlib.suppress(ValueError):
                devices.add(uuid.UUID(str(told)))
    doors = _doors_of(uow, devices)
    out = []
    for e in entries:
        detail = e.get("detail") or {}
        who, who_name = _who(str(e["actor"]), person_id, doors)
        what = str(e["action"])
        door = who_name if who == "gate" else ""
        if what == "sync_to_device":
            what = "told_to_delete" if detail.get("applied") == "delete" else "sent_to_gate"
        if what == "rights_request":
            what = _REQUEST_STEPS.get(str(detail.get("outcome", "")), "request_opened")
        at = datetime.fromisoformat(str(e["at"])) if e.get("at") else None
        out.append(
            ReadableEntry(
                when=at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else "",
                what=what,
                door=door or "",
                count=detail.get("count"),
                day=detail.get("day", ""),
                who=who,
                who_name=who_name,
                kind=str(detail.get("kind", "")) if what.startswith("request_") else "",
            )
        )
    return sorted(out, key=lambda row: row.when, reverse=True)
