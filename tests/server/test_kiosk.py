"""The browser kiosk's frame API: device-scoped, decided by the real pipeline on the server,
answered with what the gate screen may show, and a withdrawal refuses the next attempt."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from menwei.privacy.consent import ConsentChannel
from menwei.server.services.withdrawal import withdraw_and_erase
from menwei.store.scope import CommunityScope
from menwei.vision import synthetic

from .kiosk_site import StorySite, story_site

FRAMES = "/api/v1/device/kiosk/frames"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorySite]:
    with story_site(tmp_path_factory.mktemp("kiosk")) as served:
        yield served


def _send(client: httpx.Client, token: str, image: bytes) -> httpx.Response:
    return client.post(
        FRAMES,
        content=image,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"},
    )


def _until_decided(client: httpx.Client, token: str, look: synthetic.Look) -> dict:
    """Frames of ``look`` until the screen shows a result (the face must be seen again first)."""
    empty = synthetic.encoded(synthetic.frame(None), ".jpg")
    until = time.monotonic() + 1.3  # longer than the tracker's max_missing_s: a new approach
    while time.monotonic() < until:
        assert _send(client, token, empty).status_code == 200
        time.sleep(0.1)
    image = synthetic.encoded(synthetic.frame(look))  # PNG: the exact look, as the models saw it
    for _ in range(15):
        answer = _send(client, token, image)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if body["decided"]:
            return body
    pytest.fail(f"no decision for {look}")


def test_frames_need_a_device_token_and_an_image(site: StorySite) -> None:
    image = synthetic.encoded(synthetic.frame(synthetic.RESIDENT), ".jpg")
    with httpx.Client(base_url=site.base, timeout=60) as client:
        assert client.post(FRAMES, content=image).status_code == 401
        bad = _send(client, site.world.kiosk_device_token, b"not an image")
        other = _send(client, "mw_dev_not-a-real-token", image)
        gates, site.app.state.kiosk_gates = site.app.state.kiosk_gates, None
        try:  # a server started without door tablets
            none = _send(client, site.world.kiosk_device_token, image)
        finally:
            site.app.state.kiosk_gates = gates
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "frame_unreadable"
    assert "JPEG" in bad.json()["error"]["message"]
    assert other.status_code == 401
    assert none.status_code == 503 and none.json()["error"]["code"] == "kiosk_unavailable"


def test_the_resident_is_let_in_a_stranger_refused_and_after_withdrawal_refused(
    site: StorySite,
) -> None:
    token = site.world.kiosk_device_token
    cast = site.world.cast
    assert cast is not None
    with httpx.Client(base_url=site.base, timeout=120) as client:
        resident = _until_decided(client, token, synthetic.RESIDENT)
        stranger = _until_decided(client, token, synthetic.STRANGER)
        uow = site.uow()
        with uow:
            person = uow.people.get(cast.recognised, CommunityScope.all())
        withdraw_and_erase(uow, _kit(site), person=person, channel=ConsentChannel.SELF, at=_now())
        time.sleep(5)  # the kiosk's agent syncs every two seconds
        withdrawn = _until_decided(client, token, synthetic.RESIDENT)

    assert resident["headline"]["zh"] == "请通行" and resident["result"]["allowed"]
    assert resident["result"]["name"] == person.name[0] + "*"
    assert stranger["headline"]["zh"] == "未能识别" and not stranger["result"]["allowed"]
    assert stranger["result"]["reason"] == "unknown_face"
    assert withdrawn["headline"]["zh"] == "未能识别" and not withdrawn["result"]["allowed"]
    assert withdrawn["result"]["reason"] == "unknown_face"  # live, but no longer enrolled
    for answer in (resident, stranger, withdrawn):
        assert "score" not in str(answer)
    # no frame kept: no image file anywhere under the server's data, and the kiosk agent's
    # files (local state, outbox) stay small however many frames went through
    data = Path(site.app.state.settings.data_dir)
    files = [p for p in data.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".npy")]
    kiosk_files = [p for p in files if "kiosk" in p.parts]
    assert kiosk_files and sum(p.stat().st_size for p in kiosk_files) < 2_000_000


def _kit(site: StorySite):  # type: ignore[no-untyped-def]
    from menwei.server.services.template_delivery import privacy_kit

    return privacy_kit(site.app.state, site.app.state.settings)


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_an_active_kiosk_shows_the_movement_it_asks_for_and_decides_nothing_yet(
    site: StorySite,
) -> None:
    from menwei.gate.browser_kiosk import KioskGates
    from menwei.vision.liveness.challenge import PROMPTS

    previous = site.app.state.kiosk_gates
    previous.close()  # as a restart with the setting changed: the same device, its own key
    site.app.state.kiosk_gates = KioskGates(previous.server, previous.data_dir, liveness="active")
    image = synthetic.encoded(synthetic.frame(synthetic.RESIDENT), ".jpg")
    with httpx.Client(base_url=site.base, timeout=120) as client:
        answers = [_send(client, site.world.kiosk_device_token, image).json() for _ in range(6)]
    asked = {hint for answer in answers for hint in answer["hints"]}
    assert asked & {zh for zh, _ in PROMPTS.values()}, answers
    assert not any(answer["decided"] for answer in answers)
