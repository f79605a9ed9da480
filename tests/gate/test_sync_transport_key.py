"""The gate's lasting transport key: pinned by the server, kept across restarts, never plaintext."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import httpx
import pytest

from menwei.gate.errors import SyncError
from menwei.gate.local_state import LocalState, load_device_key
from menwei.gate.outbox import Outbox
from menwei.gate.sync import TRANSPORT_KEY_FILE, SyncClient, Syncer, load_transport_key

from .device_server import DeviceServer, world_records
from .test_pipeline import _unit
from .world import ZHANG, make_world

TOKEN = "device-token-east-gate"


def _syncer(data: Path, url: str) -> Syncer:
    state = LocalState(data / "state.db", load_device_key(data / "device.key"))
    return Syncer(SyncClient(url, TOKEN), state, Outbox(data / "outbox.db"))


def _server() -> DeviceServer:
    server = DeviceServer(TOKEN)
    for kind, record_id, payload in world_records(make_world()):
        server.upsert(kind, record_id, payload)
    server.template(ZHANG, _unit(1))
    return server


def test_the_key_is_created_once_private_to_the_gate_and_read_back_the_same(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gate" / TRANSPORT_KEY_FILE
    first = load_transport_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_transport_key(path) == first
    path.chmod(0o644)
    with pytest.raises(SyncError, match="chmod 600"):
        load_transport_key(path)


def test_a_damaged_key_file_says_to_restore_or_register_again(tmp_path: Path) -> None:
    path = tmp_path / TRANSPORT_KEY_FILE
    path.write_text("not base64 at all\n", encoding="ascii")
    path.chmod(0o600)
    with pytest.raises(SyncError, match="register the device again"):
        load_transport_key(path)


def test_a_restarted_gate_presents_the_key_the_server_pinned(http_server, tmp_path: Path) -> None:
    url, recorded = http_server
    server = _server()
    recorded.handler = server
    first = _syncer(tmp_path / "gate", url).run_once()
    assert first.errors == []
    pinned = server.pinned_key
    assert pinned is not None
    restarted = _syncer(tmp_path / "gate", url)
    restarted.state._db.execute("DELETE FROM meta")  # ask for everything again
    again = restarted.run_once()
    assert again.errors == []
    assert server.pinned_key == pinned
    assert restarted.state.count("template") == 1


def test_a_gate_with_another_key_is_told_to_register_again(http_server, tmp_path: Path) -> None:
    url, recorded = http_server
    server = _server()
    recorded.handler = server
    assert _syncer(tmp_path / "first", url).run_once().errors == []
    report = _syncer(tmp_path / "copied-token", url).run_once()
    assert any("register it again" in error for error in report.errors)


def test_a_plaintext_template_is_refused_as_a_malformed_page() -> None:
    plain = base64.b64encode(_unit(1).astype("<f4").tobytes()).decode()

    def handler(request: httpx.Request) -> httpx.Response:
        change = {"kind": "template", "id": str(ZHANG), "version": 1, "action": "upsert"}
        return httpx.Response(200, json={"changes": [change | {"payload": plain}], "cursor": "1"})

    client = SyncClient("http://server", TOKEN, transport=httpx.MockTransport(handler))
    with pytest.raises(SyncError, match="did not come sealed"):
        client.pull(None)
    client.close()
