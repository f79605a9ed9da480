"""One community's keys open only that community: QR passes attacked through the real API and
the real device sync, read by the gate's own record parser.

Before, every gate of every community held the same HMAC key, so community A's gate material
could mint a pass for community B. Now each community signs with its own Ed25519 key held by
the server, and a gate receives only its community's public keys.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from menwei.core import QrPassRefused, read_qr_pass
from menwei.core.reason import Reason
from menwei.gate.records import build_snapshot
from menwei.server.services.credentials import pass_key_ring
from menwei.store.repositories.pass_key_changes import revoke_pass_key, rotate_pass_key
from menwei.store.uow import UnitOfWork

PULL = "/api/v1/device/changes"


class Gate:
    """A gate's local record store, fed by pulls: upserts replace, deletes remove."""

    def __init__(self, client, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
        self.client, self.headers = client, headers
        self.records: dict[tuple[str, str], bytes] = {}
        self.cursor = "0"

    def sync(self) -> list[dict]:  # type: ignore[type-arg]
        page = self.client.get(f"{PULL}?cursor={self.cursor}", headers=self.headers).json()
        for change in page["changes"]:
            key = (change["kind"], change["id"])
            if change["action"] == "delete":
                self.records.pop(key, None)
            else:
                self.records[key] = json.dumps(change["payload"]).encode()
        self.cursor = page["cursor"]
        return page["changes"]

    def read(self, token: str):  # type: ignore[no-untyped-def]
        state = build_snapshot([(k, i, p) for (k, i), p in self.records.items()]).state
        assert state is not None
        return read_qr_pass(token, state.qr_keys)


def _pass(client, world, tenant, staff: str) -> str:  # type: ignore[no-untyped-def]
    issued = client.post(
        f"/api/v1/communities/{tenant.community_id}/passes",
        json={
            "visitor_name": "维修师傅",
            "door_ids": [str(tenant.gate_id)],
            "valid_until": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
            "max_uses": 2,
        },
        headers=world.auth(staff),
    )
    assert issued.status_code == 201, issued.text
    return issued.json()["token"]


def test_a_pass_of_community_a_is_refused_at_community_bs_gate(client, world) -> None:  # type: ignore[no-untyped-def]
    gate_a, gate_b = Gate(client, world.auth("device_a")), Gate(client, world.auth("device_b"))
    token_a = _pass(client, world, world.a, "community_staff")
    token_b = _pass(client, world, world.b, "staff_b")
    gate_a.sync()
    gate_b.sync()
    assert gate_a.read(token_a).door_ids == {world.a.gate_id}
    assert gate_b.read(token_b).door_ids == {world.b.gate_id}
    with pytest.raises(QrPassRefused) as caught:
        gate_b.read(token_a)
    assert caught.value.reason is Reason.QR_TAMPERED


def test_a_gate_holds_only_public_keys_of_its_own_community(client, world, app) -> None:  # type: ignore[no-untyped-def]
    _pass(client, world, world.a, "community_staff")
    _pass(client, world, world.b, "staff_b")
    keys = [c for c in Gate(client, world.auth("device_a")).sync() if c["kind"] == "qr_key"]
    assert keys, "the gate gets a key to check passes with"
    ring = pass_key_ring(app.state.settings)
    own = {k.public_bytes for k in ring.keys(world.a.community_id)}
    other = {k.public_bytes for k in ring.keys(world.b.community_id)}
    for record in keys:
        assert set(record["payload"]) == {"key_id", "public_key"}  # nothing to sign with
        public = base64.b64decode(record["payload"]["public_key"])
        assert public in own and public not in other


def test_rotation_keeps_old_passes_until_the_old_key_is_revoked(client, world, app) -> None:  # type: ignore[no-untyped-def]
    gate = Gate(client, world.auth("device_a"))
    old_token = _pass(client, world, world.a, "community_staff")
    gate.sync()
    ring = pass_key_ring(app.state.settings)
    uow = UnitOfWork(app.state.session_factory)
    old_key = ring.current(world.a.community_id).key_id
    new_key = rotate_pass_key(uow, ring, world.a.community_id).key_id
    new_token = _pass(client, world, world.a, "community_staff")
    gate.sync()
    assert gate.read(old_token) and gate.read(new_token)  # both valid after a rotation
    revoke_pass_key(uow, ring, world.a.community_id, old_key)
    changes = gate.sync()
    assert ("qr_key", str(old_key), "delete") in {
        (c["kind"], c["id"], c["action"]) for c in changes
    }
    with pytest.raises(QrPassRefused):
        gate.read(old_token)
    assert gate.read(new_token).door_ids == {world.a.gate_id}
    assert new_key != old_key


def test_an_old_single_key_pass_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    import hashlib
    import hmac

    from menwei.core import PassIssuer, QrPass, Validity
    from menwei.core.qr_pass import _HEAD

    gate = Gate(client, world.auth("device_b"))
    _pass(client, world, world.b, "staff_b")
    gate.sync()
    # the forgery of the finding: a long, many-use pass under the old shared HMAC key
    qr = QrPass(
        id=uuid.uuid4(),
        holder_id=uuid.uuid4(),
        issued_by=uuid.uuid4(),
        issuer_kind=PassIssuer.STAFF,
        door_ids=frozenset({world.b.gate_id}),
        validity=Validity(
            valid_from=datetime.now(UTC), valid_until=datetime.now(UTC) + timedelta(days=365)
        ),
        max_uses=100,
    )
    payload = _HEAD.pack(
        1, 0, qr.id.bytes, qr.holder_id.bytes, qr.issued_by.bytes, 1,
        int(qr.validity.valid_from.timestamp()), int(qr.validity.valid_until.timestamp()),
        100, 1,
    ) + world.b.gate_id.bytes  # fmt: skip
    key = hmac.new(b"s" * 48, b"menwei qr pass v1", hashlib.sha256).digest()
    tag = hmac.new(key, payload, hashlib.sha256).digest()[:16]
    forged = "MW1" + base64.b32encode(payload + tag).decode().rstrip("=")
    with pytest.raises(QrPassRefused):
        gate.read(forged)


def test_the_commands_rotate_list_and_revoke_and_the_gate_follows(
    client, world, app, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from menwei.cli import app as cli
    from menwei.settings import get_settings

    settings = app.state.settings
    monkeypatch.setenv("MENWEI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MENWEI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MENWEI_KEY_FILE", str(settings.resolved_key_file))
    monkeypatch.setenv("MENWEI_SECRET_KEY", settings.secret_key)
    monkeypatch.delenv("MENWEI_KEK", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    community = str(world.a.community_id)
    try:
        gate = Gate(client, world.auth("device_a"))
        old_token = _pass(client, world, world.a, "community_staff")
        gate.sync()
        rotated = runner.invoke(cli, ["keys", "rotate-pass-key", "--community", community])
        assert rotated.exit_code == 0, rotated.output
        assert "key 2" in rotated.output
        listed = runner.invoke(cli, ["keys", "pass-keys", "--community", community])
        assert listed.output.count("\tlive\t") == 2
        revoked = runner.invoke(
            cli, ["keys", "revoke-pass-key", "--community", community, "--key-id", "1"]
        )
        assert revoked.exit_code == 0, revoked.output
        gate.sync()
        with pytest.raises(QrPassRefused):
            gate.read(old_token)
        missing = runner.invoke(
            cli, ["keys", "revoke-pass-key", "--community", community, "--key-id", "9"]
        )
        assert missing.exit_code != 0 and "Traceback" not in missing.output
    finally:
        get_settings.cache_clear()
