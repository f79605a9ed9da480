"""A small stand-in for the server's device API, speaking the protocol of ``menwei.gate.sync``."""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

import numpy as np

from menwei.core import Card, FaceCredential, Person
from menwei.privacy.transport import seal_for_device

from .world import World


def _validity(v) -> dict[str, Any]:
    return {
        "valid_from": v.valid_from.isoformat(),
        "valid_until": v.valid_until.isoformat() if v.valid_until else None,
        "revoked_at": v.revoked_at.isoformat() if v.revoked_at else None,
    }


def world_records(world: World) -> list[tuple[str, str, Any]]:
    """The world as (kind, id, payload) records, the way a server would send them."""
    door = world.door
    state = world.state
    records: list[tuple[str, str, Any]] = [
        (
            "door",
            str(door.id),
            {
                "id": str(door.id),
                "community_id": str(door.community_id),
                "name": door.name,
                "kind": door.kind.value,
                "direction": door.direction.value,
                "accepts": sorted(k.value for k in door.accepts),
                "anti_passback": door.anti_passback.value,
            },
        ),
        (
            "policy",
            "policy",
            {
                "face": {
                    "confident": state.policy.face.confident,
                    "possible": state.policy.face.possible,
                },
                "pin_lockout": {"max_failures": 5, "lockout_s": 900},
            },
        ),
    ]
    for person in state.people.values():
        records.append(("person", str(person.id), person_json(person)))
    for card in state.cards.values():
        records.append(("card", str(card.id), card_json(card)))
    for face in state.faces.values():
        records.append(("face", str(face.id), face_json(face)))
    for group in state.groups.values():
        records.append(
            (
                "group",
                str(group.id),
                {
                    "id": str(group.id),
                    "community_id": str(group.community_id),
                    "name": group.name,
                    "door_ids": [str(d) for d in group.door_ids],
                    "schedule": {
                        "weekly": {
                            str(day): [[w.start.isoformat(), w.end.isoformat()] for w in ws]
                            for day, ws in group.schedule.weekly.items()
                        },
                        "timezone": group.schedule.timezone,
                    },
                },
            )
        )
    for person_id, groups in state.memberships.items():
        records.append(
            (
                "membership",
                str(person_id),
                {"person_id": str(person_id), "group_ids": [str(g) for g in groups]},
            )
        )
    return records


def person_json(person: Person) -> dict[str, Any]:
    return {
        "id": str(person.id),
        "community_id": str(person.community_id),
        "name": person.name,
        "role": person.role.value,
    }


def card_json(card: Card) -> dict[str, Any]:
    return {
        "id": str(card.id),
        "person_id": str(card.person_id),
        "uid": card.uid,
        "facility_code": card.facility_code,
        "validity": _validity(card.validity),
    }


def face_json(face: FaceCredential) -> dict[str, Any]:
    return {
        "id": str(face.id),
        "person_id": str(face.person_id),
        "template_ref": face.template_ref,
        "consent_id": str(face.consent_id),
        "validity": _validity(face.validity),
        "consent_withdrawn_at": (
            face.consent_withdrawn_at.isoformat() if face.consent_withdrawn_at else None
        ),
    }


_EVENT_FIELDS = {
    "idempotency_key",
    "door_id",
    "occurred_at",
    "direction",
    "credential_kind",
    "outcome",
    "reason_code",
    "person_id",
    "flag",
}


def _valid(event: dict[str, Any]) -> bool:
    """The server's event-report rules that a gate could break."""
    return (
        set(event) >= _EVENT_FIELDS
        and event["outcome"] in ("allow", "deny")
        and re.fullmatch(r"[a-z_]+", event["reason_code"]) is not None
        and (event["flag"] is None or re.fullmatch(r"[a-z_]+", event["flag"]) is not None)
        and event["credential_kind"] in ("card", "pin", "qr", "face", "none")
        and datetime.fromisoformat(event["occurred_at"]).utcoffset() is not None
        and "score" not in json.dumps(event)
    )


def _header(headers: dict[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


class DeviceServer:
    """Holds a change log and stores events by idempotency key, as the real server must.

    Like the real server it seals each template to the transport key of the pull, pins the
    first key it sees, and refuses a pull with another key (409).
    """

    def __init__(self, token: str) -> None:
        self.token = token
        self.device_id = str(uuid.uuid4())
        self.pinned_key: str | None = None
        self.templates: dict[int, bytes] = {}
        self.template_models: dict[int, str] = {}
        self.log: list[dict[str, Any]] = []
        self.acks: list[dict[str, Any]] = []
        self.events: dict[str, dict[str, Any]] = {}
        self.received = 0
        self.lock = threading.Lock()
        self.page_size = 1000

    def upsert(self, kind: str, record_id: str, payload: Any) -> None:
        with self.lock:
            version = len(self.log) + 1
            self.log.append(
                {
                    "kind": kind,
                    "id": record_id,
                    "version": version,
                    "action": "upsert",
                    "payload": payload,
                }
            )

    def delete(self, kind: str, record_id: str) -> None:
        with self.lock:
            version = len(self.log) + 1
            self.log.append({"kind": kind, "id": record_id, "version": version, "action": "delete"})

    def template(self, person_id: object, vector: np.ndarray, model_id: str | None = None) -> None:
        """A template change; its bytes are sealed to the puller's key when it is pulled.
        ``model_id`` names the model that made it, as the real server does."""
        self.upsert("template", str(person_id), None)
        with self.lock:
            self.templates[len(self.log)] = np.asarray(vector, dtype="<f4").tobytes()
            if model_id is not None:
                self.template_models[len(self.log)] = model_id

    def _sealed(self, change: dict[str, Any], public_key: bytes | None) -> dict[str, Any] | None:
        if change["kind"] != "template" or change["action"] != "upsert":
            return change
        if public_key is None:
            return None  # a gate without a transport key gets no templates
        bundle = seal_for_device(
            public_key,
            {change["id"]: self.templates[change["version"]]},
            device_id=self.device_id,
            at=datetime.now(UTC),
        )
        payload = {"device_id": self.device_id, "sealed": base64.b64encode(bundle).decode()}
        if change["version"] in self.template_models:
            payload["model_id"] = self.template_models[change["version"]]
        return change | {"payload": payload}

    def __call__(self, method: str, path: str, body: bytes, headers: dict[str, str]):
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"detail": "bad token"}
        url = urlparse(path)
        with self.lock:
            if method == "GET" and url.path == "/api/v1/device/changes":
                key = _header(headers, "X-Menwei-Device-Key")
                if key is not None:
                    self.pinned_key = self.pinned_key or key
                    if key != self.pinned_key:
                        return 409, {"error": {"code": "device_key_mismatch"}}
                public_key = None if key is None else base64.b64decode(key)
                query = parse_qs(url.query)
                cursor = int(query.get("cursor", ["0"])[0])
                page = self.log[cursor : cursor + self.page_size]
                end = cursor + len(page)
                changes = [c for c in (self._sealed(c, public_key) for c in page) if c]
                return 200, {"changes": changes, "cursor": str(end), "more": end < len(self.log)}
            if method == "POST" and url.path == "/api/v1/device/changes/ack":
                self.acks.append(json.loads(body))
                return 200, {"ok": True}
            if method == "POST" and url.path == "/api/v1/device/events":
                events = json.loads(body)["events"]
                if not all(_valid(e) for e in events):
                    return 422, {"detail": "invalid event"}
                stored = 0
                for event in events:
                    self.received += 1
                    if event["idempotency_key"] not in self.events:
                        self.events[event["idempotency_key"]] = event
                        stored += 1
                received = len(events)
                return 200, {
                    "received": received,
                    "stored": stored,
                    "duplicates": received - stored,
                }
        return 404, {"detail": "not found"}
