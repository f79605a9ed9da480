"""The demo community: what ``menwei demo`` puts in a fresh SQLite database.

阳光花园 has two buildings with 20 units each (floor areas for the owners' votes), about 100
residents with common Chinese names, a card for every adult and a PIN for every household, a
main gate, one unit door per building and a garage barrier. Every door that takes faces also
takes card, PIN and QR pass (R1). Residents are loaded through the same importer property
offices use, so they join their building's default access group.

The demo logins are published on purpose (they are printed, and listed in ``DEMO_LOGINS``):
the demo runs on loopback with the demo secret, and ``Settings.check_secrets`` refuses that
secret anywhere else.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from menwei.core import (
    Community,
    CredentialKind,
    Direction,
    Door,
    DoorKind,
    PinCredential,
    Processor,
    ProcessorKind,
    Validity,
    hash_pin,
)
from menwei.server import demo_story
from menwei.server.auth.tokens import DEVICE_TOKEN_PREFIX, new_token, token_hash
from menwei.server.demo_compliance import demo_notice, switch_demo_face_on
from menwei.server.policy import AccountRole
from menwei.server.services.accounts import AccountSpec, create_account
from menwei.server.services.devices import save_device
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.records import Device
from menwei.store.repositories.resident_import import import_resident_file
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

if TYPE_CHECKING:
    from menwei.server.demo_story import StoryCast

#: (login, password, role) of the demo accounts; printed by ``menwei demo``.
DEMO_LOGINS: tuple[tuple[str, str, AccountRole], ...] = (
    ("admin", "demo-admin-2024", AccountRole.PLATFORM_ADMIN),
    ("wuye", "demo-wuye-2024", AccountRole.PROCESSOR_ADMIN),
    ("staff", "demo-staff-2024", AccountRole.COMMUNITY_STAFF),
    ("yeweihui", "demo-yeweihui-2024", AccountRole.COMMITTEE_MEMBER),
    ("resident", "demo-resident-2024", AccountRole.RESIDENT),
    ("jianguan", "demo-jianguan-2024", AccountRole.SUPERVISOR),
)

#: The office the demo's supervisor account belongs to: its answers to residents carry this name.
DEMO_SUPERVISING_OFFICE = "文新街道办事处"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董"
    "潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "文",
    "华",
    "红",
    "建国",
    "志强",
    "玉兰",
    "淑珍",
    "海燕",
    "晓东",
    "子涵",
    "梓萱",
    "浩然",
    "一诺",
    "欣怡",
    "宇轩",
    "雨桐",
    "思远",
    "佳怡",
    "俊杰",
    "嘉怡",
    "明轩",
    "梦琪",
)


@dataclass(frozen=True, slots=True)
class DemoWorld:
    community_id: uuid.UUID
    door_ids: dict[str, uuid.UUID]
    people: int
    #: The seam for the simulated gate: a device of the main gate and its token.
    gate_device_id: uuid.UUID
    gate_device_token: str
    #: The registration code of the door tablet (``/kiosk``) at the main gate.
    kiosk_device_token: str
    #: The community in the middle of its owners' vote (face recognition off).
    second_community_id: uuid.UUID | None = None
    #: Who plays which part at the gate; ``None`` when seeded without the privacy keys.
    cast: StoryCast | None = None
    #: The enrolled resident's card and a guest's QR pass, for the simulated gate's scene.
    resident_card: str | None = None
    guest_pass: str | None = None


def _name(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + rng.choice(GIVEN)


def _sheet(
    rng: random.Random, buildings: tuple[str, ...] = ("1号楼", "2号楼"), floors: int = 10
) -> tuple[bytes, list[tuple[str, str, str]]]:
    """The residents sheet, as a property office would keep it; and one owner per household."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["楼栋", "单元", "户号", "面积", "姓名", "身份", "出生日期", "手机", "卡号"])
    owners: list[tuple[str, str, str]] = []
    card = 0x04A10000
    for building in buildings:
        for floor in range(1, floors + 1):
            for door in (1, 2):
                number = f"{floor}0{door}"
                area = f"{rng.choice((78, 89, 96, 105, 118, 128, 142))}.{rng.randrange(0, 99):02d}"
                surname = rng.choice(SURNAMES)
                size = rng.choices((1, 2, 3, 4), weights=(1, 3, 4, 2))[0]
                for k in range(size):
                    role = "业主" if k == 0 else "家属"
                    if k == 0 and rng.random() < 0.15:
                        role = "租户"
                    child = k >= 2 and rng.random() < 0.6
                    born = date(
                        rng.randrange(2012, 2020) if child else rng.randrange(1950, 2000),
                        rng.randrange(1, 13),
                        rng.randrange(1, 29),
                    )
                    name = _name(rng, surname if role == "家属" else None)
                    phone = "" if child else f"13{rng.randrange(0, 10)}{rng.randrange(10**8):08d}"
                    card += 1
                    writer.writerow(
                        [
                            building,
                            "1",
                            number,
                            area,
                            name,
                            role,
                            born.isoformat(),
                            phone,
                            "" if child else f"{card:08X}",
                        ]
                    )
                    if k == 0:
                        owners.append((building, number, name))
    return out.getvalue().encode("utf-8"), owners


def seed_demo(
    uow: UnitOfWork,
    *,
    seed: int = 2024,
    kit: PrivacyKit | None = None,
    secret_key: str | None = None,
    face_on: bool = True,
) -> DemoWorld:
    """Fill an empty, migrated database with the demo communities and the demo accounts.

    Given the privacy ``kit`` it also tells the story (``demo_story``): 阳光花园 goes through the
    whole process to face recognition and residents are enrolled; 翠湖苑 is still voting.
    Without it, ``face_on`` still walks 阳光花园 through the compliance gate (notice,
    assessment, public notice, owners' vote) and switches face recognition on the one way there is.
    """
    rng = random.Random(seed)
    everything = CommunityScope.all()
    processor = Processor(
        id=uuid.uuid4(),
        name="杭州安居物业服务有限公司",
        kind=ProcessorKind.PROPERTY_COMPANY,
        contact="0571-8765 4321",
        responsible_person="陈国平",
    )
    community = Community(
        id=uuid.uuid4(),
        processor_id=processor.id,
        name="阳光花园",
        address="浙江省杭州市西湖区文三路 100 号",
    )
    every_way = frozenset(CredentialKind)
    with uow:
        uow.places.add_processor(processor, responsible_contact="privacy@anju.example.cn")
        uow.places.add_community(community)
        uow.commit()
    from menwei.core import Building

    buildings = {}
    with uow:
        for name in ("1号楼", "2号楼"):
            building = Building(id=uuid.uuid4(), community_id=community.id, name=name)
            uow.places.add_building(building)
            buildings[name] = building.id
        doors = [
            Door(
                id=uuid.uuid4(),
                community_id=community.id,
                name="南大门",
                kind=DoorKind.GATE,
                direction=Direction.BOTH,
                accepts=every_way,
            ),
            Door(
                id=uuid.uuid4(),
                community_id=community.id,
                name="地下车库道闸",
                kind=DoorKind.GARAGE_BARRIER,
                direction=Direction.BOTH,
                accepts=frozenset({CredentialKind.CARD, CredentialKind.QR}),
            ),
        ] + [
            Door(
                id=uuid.uuid4(),
                community_id=community.id,
                name=f"{name}单元门",
                kind=DoorKind.UNIT_DOOR,
                direction=Direction.IN,
                accepts=every_way,
                building_id=building_id,
            )
            for name, building_id in buildings.items()
        ]
        for door in doors:
            uow.places.save_door(door)
        uow.commit()
    sheet, owners = _sheet(rng)
    report = import_resident_file(uow, community.id, sheet, "阳光花园住户.csv", scope=everything)
    now = datetime.now(UTC)
    resident_person = None
    with uow:
        people = uow.people.list(everything, community_id=community.id, limit=1000)
        by_name = {p.name: p for p in people}
        for index, (_building, _number, owner_name) in enumerate(owners):
            owner = by_name.get(owner_name)
            if owner is None:
                continue
            if resident_person is None:
                resident_person = owner
            if index % 2 == 0:  # every other household sets a PIN; keeps the demo start quick
                uow.credentials.save(
                    PinCredential(
                        id=uuid.uuid4(),
                        person_id=owner.id,
                        pin_hash=hash_pin(f"{(index * 7919) % 1000000:06d}"),
                        validity=Validity(valid_from=now),
                    )
                )
        gate = doors[0]
        device_token = new_token(DEVICE_TOKEN_PREFIX)
        device = Device(
            id=uuid.uuid4(),
            community_id=community.id,
            name="南大门闸机",
            token_sha256=token_hash(device_token),
            door_ids=frozenset({gate.id}),
        )
        save_device(uow, device)
        kiosk_token = new_token(DEVICE_TOKEN_PREFIX)
        save_device(
            uow,
            Device(
                id=uuid.uuid4(),
                community_id=community.id,
                name="南大门平板",
                token_sha256=token_hash(kiosk_token),
                door_ids=frozenset({gate.id}),
            ),
        )
        uow.commit()
    reach = frozenset({community.id})  # 翠湖苑: the processor admin and the public pages
    accounts = {}
    for login, password, role in DEMO_LOGINS:
        accounts[login] = create_account(
            uow,
            AccountSpec(
                login=login,
                password=password,
                role=role,
                display_name=DEMO_SUPERVISING_OFFICE if role is AccountRole.SUPERVISOR else login,
                processor_id=processor.id if role is AccountRole.PROCESSOR_ADMIN else None,
                person_id=resident_person.id
                if role is AccountRole.RESIDENT and resident_person
                else None,
                community_ids=reach
                if role
                in (
                    AccountRole.COMMUNITY_STAFF,
                    AccountRole.COMMITTEE_MEMBER,
                    AccountRole.SUPERVISOR,
                )
                else frozenset(),
            ),
            None,
        )
    cast = second = resident_card = guest_pass = None
    if kit is not None:
        second = _second_community(uow, processor, rng)
        now = datetime.now(UTC)
        staff = accounts["staff"].id
        face_doors = [door.id for door in doors if CredentialKind.FACE in door.accepts]
        demo_story.face_recognition_switched_on(
            uow,
            kit,
            community_id=community.id,
            face_doors=face_doors,
            staff_account_id=staff,
            now=now,
        )
        cast = demo_story.cast_residents(
            uow,
            kit,
            community_id=community.id,
            staff_account_id=staff,
            keep_free={resident_person.id} if resident_person else set(),
            now=now,
        )
        with uow:
            second_doors = [
                d.id for d in uow.places.doors(CommunityScope.all(), community_id=second)
            ]
        resident_card, guest_pass = demo_story.gate_props(
            uow,
            community_id=community.id,
            staff_account_id=staff,
            person_id=cast.recognised,
            gate_id=gate.id,
            pass_keys=kit.pass_keys if secret_key is not None else None,
            now=now,
        )
        demo_story.vote_under_way(uow, community_id=second, face_doors=second_doors, now=now)
    elif face_on:
        notice = demo_notice(
            community.name, processor.name, processor.contact, processor.responsible_person
        )
        switch_demo_face_on(uow, community.id, notice, at=datetime.now(UTC))
    return DemoWorld(
        community_id=community.id,
        door_ids={door.name: door.id for door in doors},
        people=report.people,
        gate_device_id=device.id,
        gate_device_token=device_token,
        kiosk_device_token=kiosk_token,
        second_community_id=second,
        cast=cast,
        resident_card=resident_card,
        guest_pass=guest_pass,
    )


def _second_community(uow: UnitOfWork, processor: Processor, rng: random.Random) -> uuid.UUID:
    """翠湖苑: one building, a main gate that would take faces, residents on the same sheet."""
    from menwei.core import Building

    community = Community(
        id=uuid.uuid4(),
        processor_id=processor.id,
        name="翠湖苑",
        address="浙江省杭州市西湖区翠苑路 8 号",
    )
    with uow:
        uow.places.add_community(community)
        uow.places.add_building(Building(id=uuid.uuid4(), community_id=community.id, name="1幢"))
        uow.places.save_door(
            Door(
                id=uuid.uuid4(),
                community_id=community.id,
                name="北大门",
                kind=DoorKind.GATE,
                direction=Direction.BOTH,
                accepts=frozenset(CredentialKind),
            )
        )
        uow.commit()
    sheet, _owners = _sheet(rng, ("1幢",), 6)
    import_resident_file(uow, community.id, sheet, "翠湖苑住户.csv", scope=CommunityScope.all())
    return community.id
