"""The device side of sync: pull changes with a cursor, acknowledge them, upload events.

The gate never needs the server to decide; sync only keeps its local state fresh and empties
its outbox. Every call carries the device token (``Authorization: Bearer …``), which the
server scopes to the doors of this device.

Endpoints (JSON over HTTPS):

``GET  {server}/api/v1/device/changes?cursor=C&limit=N``
    → ``{"cursor": "C2", "more": false, "changes": [{"kind": "face", "id": "…",
    "version": 3, "action": "upsert" | "delete", "payload": {…} | "base64" | null}]}``.
    Templates come as ``{"device_id", "sealed"}``: a bundle sealed to the X25519 public key
    the gate sends with every pull (header ``X-Menwei-Device-Key``), holding the 128
    little-endian float32 of the person's template; a template in any other form is refused.
    The server pins the first key a device presents, so the key pair is kept next to the local
    state (``transport.key``, mode 0600) and survives restarts; a server answering 409 holds
    another key, and the device must be registered again. Other kinds are the JSON
    objects described in ``menwei.gate.records``. A withdrawal or erasure is a ``delete`` of the
    person's ``template`` plus an ``upsert`` of their ``face`` credential with
    ``consent_withdrawn_at`` set, so even a template not yet dropped never opens the door.
``POST {server}/api/v1/device/changes/ack`` ``{"cursor": "C2", "applied": [{"kind", "id",
    "version", "action"}]}``
    → ``{"ok": true}``. The server records in the audit chain that this device stored or
    dropped each record ("device X dropped template Y").
``POST {server}/api/v1/device/events`` ``{"events": [{"idempotency_key", "door_id",
    "occurred_at", "direction", "credential_kind", "outcome": "allow" | "deny",
    "reason_code", "person_id", "flag", "liveness"}]}``
    → ``{"received", "stored", "duplicates", "refused": [{"idempotency_key", "code",
    "message"}]}``: a 200 means every event of the batch is stored (now or before) except the
    refused ones, which the server will never store (a person of another community); the
    outbox keeps those aside. The server stores each key once, so a batch sent twice (after a
    crash or a lost answer) is stored once. Tailgating and held-open alarms are events with
    ``reason_code`` and ``flag`` ``tailgating`` / ``door_held_open``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import os
import stat
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from menwei.gate.errors import GateError, SyncError
from menwei.gate.local_state import Change, LocalState
from menwei.gate.outbox import Outbox, OutboxEvent, UploadReceipt
from menwei.gate.passages import event_report
from menwei.gate.records import build_snapshot, tag_template
from menwei.privacy.errors import VaultError
from menwei.privacy.transport import DeviceKeyPair, open_for_device

log = logging.getLogger(__name__)

CHANGES_PATH = "/api/v1/device/changes"
ACK_PATH = "/api/v1/device/changes/ack"
EVENTS_PATH = "/api/v1/device/events"
DEVICE_KEY_HEADER = "X-Menwei-Device-Key"
TRANSPORT_KEY_FILE = "transport.key"


def load_transport_key(path: Path) -> DeviceKeyPair:
    """The gate's lasting X25519 transport key pair from ``path``, created on first start.

    The server seals templates only to the key it pinned on this device's first pull, so a
    gate that lost this file must be registered again; it is therefore never overwritten.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        private = DeviceKeyPair.generate().private_key
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(base64.b64encode(private).decode() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SyncError(
                f"The transport key file {path} can be read by others ({oct(mode & 0o777)}). "
                f"Run: chmod 600 {path}"
            )
        private = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
        public = X25519PrivateKey.from_private_bytes(private).public_key()
    except (OSError, UnicodeDecodeError, binascii.Error, ValueError) as error:
        raise SyncError(
            f"The transport key file {path} could not be read ({type(error).__name__}). "
            "Restore it from the installer's backup, or register the device again."
        ) from None
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return DeviceKeyPair(private, raw)


@dataclass(frozen=True)
class ChangePage:
    """One page of changes, and the cursor to store once they are applied."""

    changes: list[Change]
    cursor: str
    more: bool


@dataclass
class SyncReport:
    """What one sync round did: counts only."""

    applied: int = 0
    dropped_templates: int = 0
    events_uploaded: int = 0
    #: refused events kept aside in the outbox (all of them, not only this round's)
    events_refused: int = 0
    cursor: str | None = None
    errors: list[str] = field(default_factory=list)


class SyncClient:
    """HTTP calls to the server's device API, with errors translated to ``SyncError``."""

    def __init__(
        self,
        server: str,
        token: str,
        *,
        timeout_s: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        transport_key: DeviceKeyPair | None = None,
    ) -> None:
        if not token:
            raise SyncError("No device token given: pass --token from the device's admin page.")
        self._client = httpx.Client(
            base_url=server.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout_s,
            transport=transport,
        )
        self.use_transport_key(transport_key or DeviceKeyPair.generate())
        #: the door driver this gate runs, told to the server with each acknowledgement
        self.door_driver: str | None = None
        #: whether the key was handed in (lasting) rather than made up for this process only
        self.has_lasting_key = transport_key is not None

    def use_transport_key(self, key: DeviceKeyPair) -> None:
        """Send ``key`` with every pull from now on, and open templates with it."""
        self._transport_key = key
        self._key_header = base64.b64encode(key.public_key).decode("ascii")
        self.has_lasting_key = True

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise SyncError(
                f"The server could not be reached ({type(error).__name__}). The gate keeps "
                "working from its local state and retries."
            ) from None
        if response.status_code == 401 and _error_code(response) == "device_token_expired":
            raise SyncError(
                "This device's token has expired: the gate did not sync for longer than the "
                "token lasts (each sync renews it). Ask the administrator to register the "
                "device again, then restart the gate with the new token (--token or "
                "MENWEI_DEVICE_TOKEN)."
            )
        if response.status_code in (401, 403):
            raise SyncError(
                "The server refused this device's token. Ask the administrator for a new one."
            )
        if response.status_code == 409 and path == CHANGES_PATH:
            raise SyncError(
                "The server holds another transport key for this device and sends it no "
                "templates. If the gate was replaced or reinstalled, register it again and "
                "start it with the new token."
            )
        if not response.is_success:
            raise SyncError(f"The server answered HTTP {response.status_code}; retrying later.")
        try:
            return response.json()
        except ValueError:
            raise SyncError("The server's answer was not JSON; check the --server URL.") from None

    def pull(self, cursor: str | None, limit: int = 500) -> ChangePage:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        data = self._call(
            "GET", CHANGES_PATH, params=params, headers={DEVICE_KEY_HEADER: self._key_header}
        )
        try:
            changes = [_change(item, self._transport_key.private_key) for item in data["changes"]]
            return ChangePage(changes, str(data["cursor"]), bool(data.get("more", False)))
        except (KeyError, TypeError, ValueError, binascii.Error) as error:
            raise SyncError(f"The server sent a malformed change page ({error}).") from None

    def acknowledge(self, cursor: str, applied: Sequence[Change]) -> None:
        self._call(
            "POST",
            ACK_PATH,
            json={
                "cursor": cursor,
                "applied": [
                    {
                        "kind": c.kind,
                        "id": c.record_id,
                        "version": c.version,
                        "action": "delete" if c.is_deletion else "upsert",
                    }
                    for c in applied
                ],
                **({"door_driver": self.door_driver} if self.door_driver else {}),
            },
        )

    def upload(self, events: Sequence[OutboxEvent]) -> UploadReceipt:
        """Send a batch; the keys the server holds now, and those it refused with its code."""
        try:
            reports = [event_report(e) for e in events]
        except (KeyError, TypeError, ValueError) as error:
            raise SyncError(f"An event in the outbox is malformed ({error}).") from None
        data = self._call("POST", EVENTS_PATH, json={"events": reports})
        try:
            refused = {str(r["idempotency_key"]): str(r["code"]) for r in data.get("refused") or []}
            # The server names only what it refused; every other key of the batch it holds.
            acknowledged = [e.idempotency_key for e in events if e.idempotency_key not in refused]
        except (AttributeError, KeyError, TypeError) as error:
            raise SyncError(f"The server sent a malformed event receipt ({error}).") from None
        return UploadReceipt(acknowledged, refused)

    def close(self) -> None:
        self._client.close()


def _change(item: dict[str, Any], transport_key: bytes | None = None) -> Change:
    kind, record_id, version = str(item["kind"]), str(item["id"]), int(item["version"])
    if item["action"] == "delete":
        return Change(kind, record_id, version, None)
    if item["action"] != "upsert":
        raise ValueError(f"unknown action {item['action']!r}")
    payload = item["payload"]
    if kind == "template":
        if not isinstance(payload, dict):
            raise ValueError(f"the template for {record_id} did not come sealed")
        data = _open_template(payload, record_id, transport_key)
        model_id = payload.get("model_id")
        if model_id is not None:
            if not (isinstance(model_id, str) and 0 < len(model_id) <= 64 and model_id.isascii()):
                raise ValueError(f"the template for {record_id} names no valid model")
            data = tag_template(data, model_id.replace("\x00", ""))
    else:
        data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return Change(kind, record_id, version, data)


def _open_template(payload: dict[str, Any], person_id: str, transport_key: bytes | None) -> bytes:
    """The template inside a bundle sealed to this process's transport key, for that person."""
    if transport_key is None:
        raise ValueError("a sealed template, but no transport key to open it")
    bundle = base64.b64decode(payload["sealed"], validate=True)
    try:
        _, templates = open_for_device(transport_key, bundle, device_id=str(payload["device_id"]))
    except VaultError:
        raise ValueError(f"the sealed template for {person_id} could not be opened") from None
    if set(templates) != {person_id}:
        raise ValueError(f"the sealed template for {person_id} holds another person's")
    return templates[person_id]


class Syncer:
    """One sync round: pull and apply all pages, acknowledge, refresh memory, upload events.

    ``on_refresh`` receives the new snapshot after changes were applied (the pipeline swaps
    its door, state and gallery). A failure stops the round and leaves everything consistent:
    the cursor moves only together with the changes it covers.
    """

    def __init__(
        self,
        client: SyncClient,
        state: LocalState,
        outbox: Outbox,
        on_refresh: Callable[[Any, list[Change]], None] | None = None,
        *,
        batch_size: int = 200,
    ) -> None:
        self.client = client
        self.state = state
        self.outbox = outbox
        self.on_refresh = on_refresh
        self.batch_size = batch_size
        self._lock = threading.Lock()
        if not client.has_lasting_key:
            # the server pins the first key; keep it beside the local state across restarts
            client.use_transport_key(load_transport_key(state.path.parent / TRANSPORT_KEY_FILE))

    def pull_changes(self, report: SyncReport) -> None:
        applied_all: list[Change] = []
        cursor = self.state.cursor
        while True:
            page = self.client.pull(cursor)
            applied = self.state.apply(page.changes, page.cursor)
            self.client.acknowledge(page.cursor, applied)
            applied_all.extend(applied)
            cursor = page.cursor
            if not page.more:
                break
        report.applied += len(applied_all)
        report.dropped_templates += sum(
            1 for c in applied_all if c.kind == "template" and c.is_deletion
        )
        report.cursor = cursor
        if applied_all and self.on_refresh is not None:
            self.on_refresh(build_snapshot(self.state.records()), applied_all)

    def run_once(self) -> SyncReport:
        """Pull, then upload; each half runs even when the other fails."""
        report = SyncReport()
        with self._lock:
            for step in (self.pull_changes, self._upload):
                try:
                    step(report)
                except GateError as error:
                    report.errors.append(error.message)
                    log.warning("sync: %s", error.message)
        return report

    def _upload(self, report: SyncReport) -> None:
        before = self.outbox.refused_tally()
        try:
            report.events_uploaded += self.outbox.upload(
                self.client.upload, batch_size=self.batch_size
            )
        finally:
            tally = self.outbox.refused_tally()
            report.events_refused = tally.total
            if tally.total > before.total:
                log.warning("sync: %s", tally.notice())

    def run_forever(self, stop: threading.Event, interval_s: float = 10.0) -> None:
        while not stop.is_set():
            self.run_once()
            stop.wait(interval_s)


def _error_code(response: httpx.Response) -> str:
    """The error code of a server's answer, or "" when it carries none."""
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""
