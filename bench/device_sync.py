"""What a gate's sync costs the server when face templates travel, sealed to the gate's key.

One community of ``--people`` residents, each with a consent, a template in the vault and a
live face credential. A device pulls everything (pages of 500), once without a transport key
(the gate records alone: people, memberships, credentials) and once with one, then, after one
withdrawal, pulls again: the figures are the server's time per pull, in process (no network),
including opening the templates from the vault, sealing each one to the device's X25519 key
and writing the audit entries. Templates here are random unit vectors: only their number
matters.

    .venv/bin/python bench/device_sync.py [--people 1000] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from menwei.core import FaceCredential, Validity
from menwei.privacy.consent import ConsentChannel, NoticeContent
from menwei.privacy.transport import DeviceKeyPair
from menwei.server import create_app
from menwei.server.demo_compliance import switch_demo_face_on
from menwei.server.services.consent_records import publish_community_notice, record_consent
from menwei.server.services.enrolment_record import enrol_template
from menwei.server.services.template_delivery import DEVICE_KEY_HEADER, privacy_kit
from menwei.server.services.withdrawal import withdraw_and_erase
from menwei.settings import Settings
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork
from server_common import SECRET, database, seed

PULL = "/api/v1/device/changes"
NOTICE = NoticeContent(
    community_name="基准小区",
    processor_name="物业",
    processor_contact="1",
    responsible_person="李敏",
    responsible_contact="privacy@example.cn",
    supervisor="住建局",
    purpose="小区出入口通行核验",
    method="门禁设备上 1:N 比对",
    retention_days=365,
    moved_out_days=30,
    alternatives="门卡、密码、二维码",
    how_to_withdraw="物业前台",
    how_to_access="物业前台",
    how_to_delete="物业前台",
)


def _enrol_everyone(uow: UnitOfWork, kit, community_id: uuid.UUID) -> list[uuid.UUID]:  # type: ignore[no-untyped-def]
    at = datetime.now(UTC)
    publish_community_notice(uow, community_id=community_id, content=NOTICE, at=at)
    switch_demo_face_on(uow, community_id, None, at=at, by="bench", owners_vote=False)
    with uow:
        everyone = uow.people.list(CommunityScope.all(), community_id=community_id, limit=10**6)
        people = [p.id for p in everyone]
        for person in everyone:  # adults, so that they consent for themselves
            uow.people.save(dataclasses.replace(person, date_of_birth=date(1980, 1, 1)))
        uow.commit()
    rng = np.random.default_rng(0)
    for person_id in people:
        consent = record_consent(uow, kit, person_id=person_id, channel=ConsentChannel.SELF, at=at)
        vector = rng.standard_normal(128).astype("<f4")
        sealed = enrol_template(
            uow,
            kit,
            person_id=person_id,
            community_id=community_id,
            template=(vector / np.linalg.norm(vector)).astype("<f4").tobytes(),
            at=at,
            actor="bench",
        )
        with uow:
            uow.credentials.save(
                FaceCredential(
                    id=uuid.uuid4(),
                    person_id=person_id,
                    template_ref=f"{person_id}/v{sealed.template_version}",
                    consent_id=consent.id,
                    validity=Validity(valid_from=at),
                )
            )
            uow.commit()
    return people


def _reenrol(uow: UnitOfWork, kit, community_id: uuid.UUID, person_id: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
    """A new template version for one person, and their face credential pointed at it."""
    vector = np.ones(128, dtype="<f4") / np.sqrt(128)
    sealed = enrol_template(
        uow,
        kit,
        person_id=person_id,
        community_id=community_id,
        template=vector.tobytes(),
        at=datetime.now(UTC),
        actor="bench",
    )
    with uow:
        [face] = [
            c
            for c in uow.credentials.of_person(person_id, CommunityScope.all())
            if isinstance(c, FaceCredential)
        ]
        ref = f"{person_id}/v{sealed.template_version}"
        uow.credentials.save(dataclasses.replace(face, template_ref=ref))
        uow.commit()


def _pull_all(client: TestClient, headers: dict[str, str], cursor: str) -> tuple[str, int, float]:
    """Every page from ``cursor``: the new cursor, templates received, seconds."""
    templates, started = 0, time.perf_counter()
    while True:
        page = client.get(f"{PULL}?cursor={cursor}&limit=500", headers=headers).json()
        templates += sum(
            1 for c in page["changes"] if c["kind"] == "template" and c["action"] == "upsert"
        )
        cursor = page["cursor"]
        if not page["more"]:
            return cursor, templates, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    with database(args.postgres) as url, tempfile.TemporaryDirectory() as folder:
        world = seed(url, people=args.people)
        settings = Settings(database_url=url, data_dir=Path(folder), secret_key=SECRET)
        app = create_app(settings)
        uow = UnitOfWork(app.state.session_factory)
        kit = privacy_kit(app.state, settings)
        started = time.perf_counter()
        people = _enrol_everyone(uow, kit, world.community_id)
        print(f"enrolled {len(people)} people in {time.perf_counter() - started:.1f} s")
        key = base64.b64encode(DeviceKeyPair.generate().public_key).decode()
        headers = {"Authorization": f"Bearer {world.device_token}", DEVICE_KEY_HEADER: key}
        with TestClient(app) as client:
            # Without a transport key no template travels: this is the cost of the records alone.
            records_only = {"Authorization": headers["Authorization"]}
            _, _, seconds = _pull_all(client, records_only, "0")
            print(f"first sync without templates (no device key): {seconds:.2f} s")
            cursor, templates, seconds = _pull_all(client, headers, "0")
            print(f"first sync: {templates} sealed templates in {seconds:.2f} s")
            with uow:
                person = uow.people.get(people[0], CommunityScope.all())
            withdraw_and_erase(
                uow, kit, person=person, channel=ConsentChannel.SELF, at=datetime.now(UTC)
            )
            cursor, _, seconds = _pull_all(client, headers, cursor)
            print(f"pull after one withdrawal: {seconds * 1000:.0f} ms")
            _reenrol(uow, kit, world.community_id, people[1])
            cursor, templates, seconds = _pull_all(client, headers, cursor)
            print(f"pull after one re-enrolment ({templates} template): {seconds * 1000:.0f} ms")
            _, _, seconds = _pull_all(client, headers, cursor)
            print(f"pull with nothing new: {seconds * 1000:.1f} ms")
        kit.key_store.close()
        app.state.engine.dispose()


if __name__ == "__main__":
    main()
