"""Face enrolment over the API with a real face: consent first, photos never kept, erasure proven.

The photo is the public-domain portrait in ``tests/data``; the other inputs (no face, two
faces, a corrupt file, a decompression bomb) are built from it in memory.
"""

from __future__ import annotations

import json
import struct
import uuid
import zlib
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from tests.privacy.builders import switch_face_on_in_app
from typer.testing import CliRunner

from menwei.cli import app as cli
from menwei.core import Person, Role
from menwei.store.uow import UnitOfWork

from .conftest import World

PHOTO = Path(__file__).resolve().parents[1] / "data" / "astronaut.jpg"
API = "/api/v1"


def photo() -> bytes:
    return PHOTO.read_bytes()


def encode(image: np.ndarray, ext: str = ".jpg") -> bytes:
    ok, data = cv2.imencode(ext, image)
    assert ok
    return data.tobytes()


def two_faces() -> bytes:
    image = cv2.imdecode(np.frombuffer(photo(), np.uint8), cv2.IMREAD_COLOR)
    return encode(np.hstack([image, image]))


def no_face() -> bytes:
    return encode(np.full((480, 480, 3), 128, dtype=np.uint8))


def png_bomb() -> bytes:
    """A small, valid PNG whose header claims 30000 × 30000 pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def files(*photos: bytes) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("images", (f"p{i}.jpg", p, "image/jpeg")) for i, p in enumerate(photos)]


def publish(client, world: World, who: str = "community_staff") -> dict:  # type: ignore[no-untyped-def]
    response = client.post(
        f"{API}/communities/{world.a.community_id}/notices",
        json={"responsible_contact": "0571-88888888", "supervisor": "杭州市网信办"},
        headers=world.auth(who),
    )
    assert response.status_code == 201, response.text
    switch_face_on_in_app(client.app, world.a.community_id)
    return response.json()  # type: ignore[no-any-return]


def consent(client, world: World, person_id: uuid.UUID, who: str = "resident"):  # type: ignore[no-untyped-def]
    return client.post(
        f"{API}/communities/{world.a.community_id}/people/{person_id}/consent",
        json={"give": True},
        headers=world.auth(who),
    )


def movement(client, world: World, person_id: uuid.UUID, who: str) -> str | None:  # type: ignore[no-untyped-def]
    """The id of a passed turn-left challenge, made with a synthetic head turn; ``None`` when
    no challenge can be issued (no consent, a visitor: the enrolment then says why)."""
    from menwei.server.services.enrolment_challenges import EnrolmentChallenges
    from menwei.vision.liveness.challenge import ChallengeKind

    from ..faces_motion import turn_left_frames

    client.app.state.enrolment_challenges = EnrolmentChallenges(kinds=(ChallengeKind.TURN_LEFT,))
    base = f"{API}/communities/{world.a.community_id}/people/{person_id}/face/challenge"
    issued = client.post(base, headers=world.auth(who))
    if issued.status_code != 201:
        return None
    challenge_id: str = issued.json()["id"]
    for frame in turn_left_frames():
        answer = client.post(
            f"{base}/{challenge_id}/frames",
            files=[("image", ("frame.jpg", frame, "image/jpeg"))],
            headers=world.auth(who),
        )
        if answer.status_code != 200 or answer.json()["status"] != "pending":
            break  # the enrolment itself then says what is wrong
    return challenge_id


def enrol(client, world: World, person_id: uuid.UUID, *photos: bytes, who: str = "resident"):  # type: ignore[no-untyped-def]
    """Enrol through the API; a resident first makes the movement, as the phone page does."""
    challenge = movement(client, world, person_id, who) if who == "resident" else None
    return client.post(
        f"{API}/communities/{world.a.community_id}/people/{person_id}/face",
        files=files(*photos),
        data={"challenge": challenge} if challenge else None,
        headers=world.auth(who),
    )


def held(client, world: World) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(f"{API}/me/privacy", headers=world.auth("resident"))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_resident_consents_enrols_sees_the_audit_withdraws_and_keeps_their_card(
    client, world: World, app, tmp_path: Path
) -> None:
    a, me = world.a, world.a.resident_id
    publish(client, world)
    card = client.post(
        f"{API}/communities/{a.community_id}/people/{me}/cards",
        json={"uid": "04:A2:19:7F"},
        headers=world.auth("community_staff"),
    )
    assert card.status_code == 201, card.text
    assert consent(client, world, me).status_code == 201

    enrolled = enrol(client, world, me, photo())
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json()["template_version"] == 1
    assert enrolled.json()["notice_version"] == 1
    state = held(client, world)
    assert state["face_data"]["template_held"] is True
    assert state["face_data"]["notice_version"] == 1
    assert {c["kind"] for c in state["credentials"]} == {"Card", "FaceCredential"}

    viewed = client.get(
        f"{API}/communities/{a.community_id}/people/{me}/face",
        headers=world.auth("community_staff"),
    )
    assert viewed.status_code == 200, viewed.text
    assert "template" not in json.dumps(viewed.json()).replace("template_", "")
    actions = [
        e["action"]
        for e in client.get(f"{API}/me/privacy/audit", headers=world.auth("resident")).json()
    ]
    assert actions[:3] == ["consent", "enrol", "staff_view"]

    erased = client.post(f"{API}/me/privacy/erase", headers=world.auth("resident"))
    assert erased.status_code == 200, erased.text
    assert "attachment" in erased.headers["content-disposition"]
    receipt_file, pem = tmp_path / "receipt.json", tmp_path / "processor.pem"
    receipt_file.write_bytes(erased.content)
    pem.write_text(app.state.privacy_kit.keys.public_key_pem())
    verified = CliRunner().invoke(
        cli,
        ["receipt", "verify", str(receipt_file), "--public-key", str(pem), "--person-id", str(me)],
    )
    assert verified.exit_code == 0, verified.output

    state = held(client, world)
    assert state["face_data"]["template_held"] is False
    assert state["face_data"]["consent_live"] is False
    kinds = {c["kind"]: c for c in state["credentials"]}
    assert kinds["FaceCredential"]["withdrawn"] is True
    cards = client.get(
        f"{API}/communities/{a.community_id}/people/{me}/credentials",
        headers=world.auth("community_staff"),
    ).json()
    card_now = next(c for c in cards if c["id"] == card.json()["id"])
    assert card_now["revoked_at"] is None
    actions = [
        e["action"]
        for e in client.get(f"{API}/me/privacy/audit", headers=world.auth("resident")).json()
    ]
    assert {"withdrawal", "erasure"} <= set(actions)


def test_enrolment_without_consent_is_refused_with_409_and_stores_nothing(
    client, world: World
) -> None:
    publish(client, world)
    response = enrol(client, world, world.a.resident_id, photo())
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "consent_required"
    assert (
        "no consent, no template"
        in client.post(
            f"{API}/communities/{world.a.community_id}/people/{world.a.resident_id}/face",
            files=files(photo()),
            headers={**world.auth("resident"), "Accept-Language": "en"},
        ).json()["error"]["message"]
    )
    assert held(client, world)["face_data"]["template_held"] is False


def test_enrolment_before_any_notice_is_refused_with_409(client, world: World) -> None:
    response = enrol(client, world, world.a.resident_id, photo())
    assert response.status_code == 409, response.text


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (no_face, "no_face"),
        (two_faces, "several_faces"),
        (lambda: photo()[:2000], "image_corrupt"),
        (png_bomb, "image_too_large"),
        (lambda: b"", "image_empty"),
    ],
    ids=["no face", "several faces", "corrupt", "huge", "empty"],
)
def test_an_unusable_photo_is_refused_with_422_and_the_stored_template_survives(
    client, world: World, make, code: str
) -> None:
    me = world.a.resident_id
    publish(client, world)
    assert consent(client, world, me).status_code == 201
    assert enrol(client, world, me, photo()).status_code == 201
    response = enrol(client, world, me, make())
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "face_refused"
    assert error["details"]["code"] == code
    assert error["details"]["reasons"][0]["code"]
    assert error["message"].startswith("第 1 张照片")
    state = held(client, world)["face_data"]
    assert state["template_held"] is True
    assert state["template_versions"] == [1]


def test_more_than_five_photos_are_refused(client, world: World) -> None:
    me = world.a.resident_id
    publish(client, world)
    consent(client, world, me)
    response = enrol(client, world, me, *[photo()] * 6)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "photo_count"


def test_a_visitor_is_never_face_enrolled(client, world: World, app) -> None:
    visitor = Person(
        id=uuid.uuid4(), community_id=world.a.community_id, name="访客", role=Role.VISITOR
    )
    with UnitOfWork(app.state.session_factory) as uow:
        uow.people.save(visitor)
        uow.commit()
    publish(client, world)
    response = enrol(client, world, visitor.id, photo(), who="community_staff")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "visitor_not_enrolled"


def test_staff_assisted_enrolment_records_the_staff_member(client, world: World) -> None:
    me = world.a.resident_id
    publish(client, world)
    assert consent(client, world, me, who="community_staff").status_code == 201
    assert enrol(client, world, me, photo(), who="community_staff").status_code == 201
    entries = client.get(f"{API}/me/privacy/audit", headers=world.auth("resident")).json()
    enrol_entry = next(e for e in entries if e["action"] == "enrol")
    assert enrol_entry["actor"].startswith("staff:community_staff")


def test_staff_of_another_community_cannot_enrol_or_view_its_residents(
    client, world: World
) -> None:
    publish(client, world)
    consent(client, world, world.a.resident_id)
    response = client.post(
        f"{API}/communities/{world.a.community_id}/people/{world.a.resident_id}/face",
        files=files(photo()),
        headers=world.auth("staff_b"),
    )
    assert response.status_code == 404
    response = client.post(
        f"{API}/communities/{world.b.community_id}/people/{world.a.resident_id}/face",
        files=files(photo()),
        headers=world.auth("staff_b"),
    )
    assert response.status_code == 404


def test_the_quality_check_answers_reasons_only(client, world: World) -> None:
    publish(client, world)
    url = f"{API}/communities/{world.a.community_id}/face/quality"
    good = client.post(url, files={"image": ("f.jpg", photo())}, headers=world.auth("resident"))
    assert good.status_code == 200, good.text
    assert good.json() == {"passed": True, "reasons": []}
    dark = cv2.imdecode(np.frombuffer(photo(), np.uint8), cv2.IMREAD_COLOR) // 12
    bad = client.post(
        url, files={"image": ("f.jpg", encode(dark))}, headers=world.auth("resident")
    ).json()
    assert bad["passed"] is False
    assert bad["reasons"] and set(bad["reasons"][0]) == {"code", "zh", "en"}
    corrupt = client.post(
        url, files={"image": ("f.jpg", b"not an image")}, headers=world.auth("resident")
    ).json()
    assert corrupt["reasons"][0]["code"] == "image_corrupt"


def _every_stored_byte(url: str, data_dir: Path) -> list[bytes]:
    """Every file under the data directory (the SQLite file with it), and every row's values."""
    blobs = [p.read_bytes() for p in data_dir.rglob("*") if p.is_file()]
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        base = Path(parsed.database)
        blobs += [p.read_bytes() for p in base.parent.glob(base.name + "*") if p.is_file()]
    engine = sa.create_engine(url)
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                for row in connection.execute(table.select()):
                    for value in row:
                        if isinstance(value, bytes | memoryview):
                            blobs.append(bytes(value))
                        elif value is not None:
                            blobs.append(str(value).encode("utf-8", "replace"))
    finally:
        engine.dispose()
    return blobs


def test_after_enrolment_no_image_and_no_plaintext_template_is_stored_anywhere(
    client, world: World, settings, database_url: str
) -> None:
    from menwei.vision import Embedder, FaceDetector, build_template, decode_image
    from menwei.vision.quality import ENROLMENT, assess

    me = world.a.resident_id
    publish(client, world)
    consent(client, world, me)
    assert enrol(client, world, me, photo()).status_code == 201

    image = decode_image(photo())
    face = assess(image, FaceDetector().detect(image), ENROLMENT).raise_if_failed()
    template = build_template([Embedder().embed_face(image, face)]).astype(np.float32).tobytes()
    blobs = _every_stored_byte(database_url, Path(settings.data_dir))
    assert blobs
    for blob in blobs:
        assert b"\xff\xd8\xff" not in blob, "a JPEG signature is stored"
        assert b"\x89PNG" not in blob, "a PNG signature is stored"
        assert template[:64] not in blob, "plaintext template bytes are stored"
        assert template[-64:] not in blob, "plaintext template bytes are stored"


def test_a_guardian_enrols_their_child_but_staff_cannot_consent_for_a_minor(
    client, world: World, app
) -> None:
    child = Person(
        id=uuid.uuid4(),
        community_id=world.a.community_id,
        name="李小明",
        role=Role.FAMILY_MEMBER,
        date_of_birth=date(2019, 3, 1),
        guardian_id=world.a.resident_id,
    )
    with UnitOfWork(app.state.session_factory) as uow:
        uow.people.save(child)
        uow.commit()
    publish(client, world)
    refused = consent(client, world, child.id, who="community_staff")
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "guardian_required"
    given = consent(client, world, child.id, who="resident")
    assert given.status_code == 201, given.text
    assert given.json()["channel"] == "guardian"
    assert given.json()["guardian_id"] == str(world.a.resident_id)


def test_a_presentation_attack_verdict_refuses_enrolment_without_exposing_a_score(
    client, world: World, monkeypatch
) -> None:
    from menwei.server.services import enrolment as service
    from menwei.vision.liveness import LivenessOutcome, LivenessReason, LivenessResult

    faces, _ = service._build_engine()

    class SaysAttack:
        def assess(self, image, face):  # type: ignore[no-untyped-def]
            return LivenessResult(LivenessOutcome.FAIL, LivenessReason.PRESENTATION_ATTACK, "frame")

    monkeypatch.setattr(service, "_idle", [])
    monkeypatch.setattr(service, "_build_engine", lambda: service.PooledEngine(faces, SaysAttack()))
    me = world.a.resident_id
    publish(client, world)
    consent(client, world, me)
    # the office enrols: a resident's movement check would already fail on this verdict
    response = enrol(client, world, me, photo(), who="community_staff")
    assert response.status_code == 422, response.text
    details = response.json()["error"]["details"]
    assert details["code"] == "liveness"
    assert details["reasons"][0]["code"] == "presentation_attack"
    assert "score" not in response.text
    assert held(client, world)["face_data"]["template_held"] is False


def test_enrolling_again_adds_a_template_version_on_the_same_face_credential(
    client, world: World
) -> None:
    me = world.a.resident_id
    publish(client, world)
    consent(client, world, me)
    first = enrol(client, world, me, photo()).json()
    flipped = encode(cv2.flip(cv2.imdecode(np.frombuffer(photo(), np.uint8), cv2.IMREAD_COLOR), 1))
    second = enrol(client, world, me, photo(), flipped)
    assert second.status_code == 201, second.text
    assert second.json()["template_version"] == 2
    assert second.json()["credential_id"] == first["credential_id"]
    entries = client.get(f"{API}/me/privacy/audit", headers=world.auth("resident")).json()
    assert [e["action"] for e in entries].count("update") == 1


def test_a_guardian_withdraws_for_their_child_and_gets_the_receipt(
    client, world: World, app
) -> None:
    child = Person(
        id=uuid.uuid4(),
        community_id=world.a.community_id,
        name="李小红",
        role=Role.FAMILY_MEMBER,
        date_of_birth=date(2018, 6, 1),
        guardian_id=world.a.resident_id,
    )
    with UnitOfWork(app.state.session_factory) as uow:
        uow.people.save(child)
        uow.commit()
    publish(client, world)
    assert consent(client, world, child.id).status_code == 201
    assert enrol(client, world, child.id, photo()).status_code == 201
    withdrawn = client.post(
        f"{API}/communities/{world.a.community_id}/people/{child.id}/consent/withdraw",
        json={},
        headers=world.auth("resident"),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["deleted"]["face_template_versions"] == [1]
    consents = client.get(
        f"{API}/communities/{world.a.community_id}/people/{child.id}/consents",
        headers=world.auth("resident"),
    ).json()
    assert consents[0]["withdrawal_channel"] == "guardian"


def test_a_gate_receives_the_api_enrolled_template_and_is_told_to_drop_it_on_withdrawal(
    client, world: World
) -> None:
    import base64

    from menwei.gate.records import template_from
    from menwei.gate.sync import _change
    from menwei.privacy.transport import DeviceKeyPair
    from menwei.server.services.template_delivery import DEVICE_KEY_HEADER

    me = world.a.resident_id
    publish(client, world)
    consent(client, world, me)
    assert enrol(client, world, me, photo()).status_code == 201
    pair = DeviceKeyPair.generate()
    headers = world.auth("device_a") | {
        DEVICE_KEY_HEADER: base64.b64encode(pair.public_key).decode()
    }
    first = client.get(f"{API}/device/changes", headers=headers).json()
    [record] = [c for c in first["changes"] if c["kind"] == "template"]
    assert record["id"] == str(me) and record["action"] == "upsert"
    vector = template_from(_change(record, pair.private_key).payload)
    assert vector.shape == (128,) and record["payload"]["model_id"] == "sface-2021dec"
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4

    receipt = client.post(f"{API}/me/privacy/erase", headers=world.auth("resident")).json()
    assert receipt["deleted"]["devices_told_to_delete"] == [str(world.a.device_id)]
    later = client.get(f"{API}/device/changes?cursor={first['cursor']}", headers=headers).json()
    drop = next(c for c in later["changes"] if c["kind"] == "template")
    assert (drop["id"], drop["action"]) == (str(me), "delete")
    face = next(c for c in later["changes"] if c["kind"] == "face")
    assert face["payload"]["consent_withdrawn_at"] is not None


def test_a_photo_over_a_megabyte_is_never_spooled_to_disk(
    client, world: World, monkeypatch
) -> None:
    import tempfile

    import starlette.formparsers

    spooled: list[tempfile.SpooledTemporaryFile[bytes]] = []

    class Recording(tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            spooled.append(self)

    monkeypatch.setattr(starlette.formparsers, "SpooledTemporaryFile", Recording)
    image = cv2.imdecode(np.frombuffer(photo(), np.uint8), cv2.IMREAD_COLOR)
    big = encode(cv2.resize(image, (1024, 1024)), ".png")
    assert len(big) > 1_100_000
    me = world.a.resident_id
    publish(client, world)
    consent(client, world, me)
    response = enrol(client, world, me, big)
    assert response.status_code == 201, response.text
    assert spooled, "the upload did not go through the form parser"
    assert not any(f._rolled for f in spooled), "a photo went to a temporary file"  # type: ignore[attr-defined]


def test_an_upload_over_the_limits_is_refused_with_413(client, world: World, monkeypatch) -> None:
    from menwei.server import photo_uploads

    me = world.a.resident_id
    publish(client, world)
    consent(client, world, me)
    monkeypatch.setattr(photo_uploads, "MAX_PHOTO_BYTES", 10_000)
    response = enrol(client, world, me, photo())
    assert response.status_code == 413, response.text
    assert response.json()["error"]["details"] == {"photo": 1}
    monkeypatch.setattr(photo_uploads, "MAX_BODY_BYTES", 20_000)
    response = enrol(client, world, me, photo())
    assert response.status_code == 413, response.text
    assert held(client, world)["face_data"]["template_held"] is False


def test_enrolment_without_a_multipart_upload_names_the_field(client, world: World) -> None:
    response = client.post(
        f"{API}/communities/{world.a.community_id}/people/{world.a.resident_id}/face",
        json={"images": "not a photo"},
        headers=world.auth("resident"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["fields"][0]["field"] == "images"
    response = client.post(
        f"{API}/communities/{world.a.community_id}/people/{world.a.resident_id}/face",
        files={"other": ("a.jpg", photo())},
        headers=world.auth("resident"),
    )
    assert response.status_code == 422


def test_a_new_notice_that_changes_retention_needs_fresh_consent_before_enrolment(
    client, world: World
) -> None:
    me = world.a.resident_id
    publish(client, world)
    consent(client, world, me)
    response = client.post(
        f"{API}/communities/{world.a.community_id}/notices",
        json={"responsible_contact": "0571-1", "supervisor": "网信办", "retention_days": 400},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 201
    assert enrol(client, world, me, photo()).status_code == 409
    assert consent(client, world, me).status_code == 201
    assert enrol(client, world, me, photo()).json()["notice_version"] == 2


def test_a_missing_model_file_answers_503_with_what_to_do(
    client, world: World, monkeypatch
) -> None:
    from menwei.server.services import enrolment as service
    from menwei.vision import ModelFileError

    def broken() -> None:
        raise ModelFileError(
            message_id="model_file.model_manifest_cannot_read",
            path="face_detection_yunet.onnx",
            error_strerror="No such file or directory",
        )

    monkeypatch.setattr(service, "_idle", [])
    monkeypatch.setattr(service, "_build_engine", broken)
    me = world.a.resident_id
    publish(client, world)
    consent(client, world, me)
    response = enrol(client, world, me, photo(), who="community_staff")
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "face_engine_unavailable"
    assert "yunet" not in response.text
    assert held(client, world)["face_data"]["template_held"] is False
