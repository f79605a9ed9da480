"""The office's access pages: credentials, doors, access groups and devices.

Each form is driven as a browser would post it; bad input must come back as the form with a
translated message and nothing saved, never a 500; roles are refused as the policy says.
"""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient

from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

from .conftest import Site
from .forms import HTML, csrf_of, sign_in

OTHER = "00000000-0000-4000-8000-000000000000"
HOSTILE = '<script>alert("x")</script>'


def _base(site: Site, section: str) -> str:
    return f"/office/c/{site.world.community_id}/{section}"


def _uow(site: Site) -> UnitOfWork:
    return UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]


def _post(client: TestClient, page_url: str, action: str, data: dict) -> object:  # type: ignore[type-arg]
    token = csrf_of(client.get(page_url).text)
    return client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


def _resident(site: Site):  # type: ignore[no-untyped-def]
    return next(p for p in site.people() if p.role.value != "visitor")


def _credentials_of(site: Site, person_id: uuid.UUID) -> list:  # type: ignore[type-arg]
    uow = _uow(site)
    with uow:
        return uow.credentials.of_person(person_id, CommunityScope.all())


# --- credentials ------------------------------------------------------------------------------


def test_staff_issue_a_card_and_see_it_listed_for_the_person(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    base = _base(site, "credentials")
    person = _resident(site)
    answer = _post(
        client, base, f"{base}/cards", {"person": str(person.id), "card_uid": "0a:1b:2c:3d"}
    )
    assert answer.status_code == 303, answer.text
    listed = client.get(answer.headers["location"])
    assert listed.status_code == 200
    assert "0A1B2C3D" in listed.text and "门禁卡已发放" in listed.text
    assert any(getattr(c, "uid", None) == "0A1B2C3D" for c in _credentials_of(site, person.id))


def test_a_card_number_already_in_use_is_refused_on_the_form(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    base = _base(site, "credentials")
    first, second = [p for p in site.people() if p.role.value != "visitor"][:2]
    _post(client, base, f"{base}/cards", {"person": str(first.id), "card_uid": "DEADBEEF"})
    again = _post(client, base, f"{base}/cards", {"person": str(second.id), "card_uid": "DEADBEEF"})
    assert again.status_code == 409
    assert "该卡号已发给本小区的另一位住户" in again.text
    assert 'value="DEADBEEF"' in again.text


@pytest.mark.parametrize(
    ("person", "uid", "message"),
    [
        ("", "ABCD1234", "请先选择人员"),
        ("not-a-uuid", "ABCD1234", "本小区找不到这一项"),
        (OTHER, "ABCD1234", "本小区找不到这一项"),
        (None, HOSTILE, "卡号为 4 到 64 个字符"),
        (None, "A" * 3000, None),
    ],
)
def test_bad_card_input_is_answered_plainly(
    client: TestClient, site: Site, person: str | None, uid: str, message: str | None
) -> None:
    sign_in(client, "staff")
    base = _base(site, "credentials")
    chosen = str(_resident(site).id) if person is None else person
    answer = _post(client, base, f"{base}/cards", {"person": chosen, "card_uid": uid})
    assert answer.status_code in (404, 409, 422), answer.text[:300]
    assert "<script>alert" not in answer.text
    if message:
        assert message in answer.text


def test_a_pin_is_set_but_never_shown(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    base = _base(site, "credentials")
    person = _resident(site)
    answer = _post(client, base, f"{base}/pins", {"person": str(person.id), "pin": "73915062"})
    assert answer.status_code == 303
    page = client.get(answer.headers["location"])
    assert "73915062" not in page.text
    assert "已设置密码（不显示）" in page.text
    # "@" appears in no id, token or hash on the page, so a match can only be the echoed PIN.
    weak = _post(client, base, f"{base}/pins", {"person": str(person.id), "pin": "12x@"})
    assert weak.status_code == 422 and "密码须为 6 到 12 位数字" in weak.text
    assert "12x@" not in weak.text


def test_revoking_a_credential_marks_it_revoked(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    base = _base(site, "credentials")
    person = _resident(site)
    _post(client, base, f"{base}/cards", {"person": str(person.id), "card_uid": "CAFE0001"})
    card = next(c for c in _credentials_of(site, person.id) if getattr(c, "uid", "") == "CAFE0001")
    confirm = client.get(f"{base}/{card.id}/revoke")
    assert confirm.status_code == 200 and "CAFE0001" in confirm.text and person.name in confirm.text
    unconfirmed = _post(client, base, f"{base}/{card.id}/revoke", {})
    assert unconfirmed.status_code == 422  # the confirmation page again; nothing revoked
    assert client.get(f"{base}?person={person.id}&status=active").text.count("CAFE0001") >= 1
    answer = _post(client, base, f"{base}/{card.id}/revoke", {"confirmed": "yes"})
    assert answer.status_code == 303
    revoked = client.get(f"{base}?person={person.id}&status=revoked")
    assert "CAFE0001" in revoked.text and "已注销" in revoked.text
    assert client.get(f"{base}?person={person.id}&status=active").text.count("CAFE0001") == 0
    missing = _post(client, base, f"{base}/{OTHER}/revoke", {"confirmed": "yes"})
    assert missing.status_code == 404
    assert client.get(f"{base}/{OTHER}/revoke").status_code == 404
    bad = _post(client, base, f"{base}/nonsense/revoke", {"confirmed": "yes"})
    assert bad.status_code == 404


def test_the_list_filters_by_kind_and_never_shows_pin_hashes(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    base = _base(site, "credentials")
    pins = client.get(f"{base}?kind=pin")
    assert pins.status_code == 200
    assert "已设置密码（不显示）" in pins.text and "$argon2" not in pins.text
    assert "CAFE" not in pins.text
    odd = client.get(f"{base}?kind={HOSTILE}&person=zzz&page=x")
    assert odd.status_code == 200
    assert "无法识别该筛选条件" in odd.text and "<script>alert" not in odd.text


def test_face_credentials_show_consent_but_no_template(client: TestClient, site: Site) -> None:
    from datetime import UTC, datetime

    from menwei.core import FaceCredential, Validity

    person = _resident(site)
    uow = _uow(site)
    with uow:
        uow.credentials.save(
            FaceCredential(
                id=uuid.uuid4(),
                person_id=person.id,
                template_ref="vault-ref-secret-1234",
                consent_id=uuid.uuid4(),
                validity=Validity(valid_from=datetime.now(UTC)),
            )
        )
        uow.commit()
    sign_in(client, "staff")
    page = client.get(f"{_base(site, 'credentials')}?kind=face")
    assert page.status_code == 200
    assert "已录入人脸" in page.text and "同意有效" in page.text
    assert "vault-ref-secret-1234" not in page.text


# --- doors ------------------------------------------------------------------------------------


def _door_form(**changes: object) -> dict:  # type: ignore[type-arg]
    form: dict = {  # type: ignore[type-arg]
        "name": "东门",
        "kind": "gate",
        "direction": "both",
        "accepts": ["card", "face"],
        "building": "",
        "anti_passback": "off",
        "passback_zone": "",
    }
    form.update(changes)
    return form


def test_staff_add_edit_and_delete_a_door(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    base = _base(site, "doors")
    added = _post(client, f"{base}/new", f"{base}/new", _door_form(name="东门"))
    assert added.status_code == 303, added.text
    listing = client.get(base)
    assert "东门" in listing.text and "/poster/" in listing.text
    door_id = re.search(rf'href="{base}/([0-9a-f-]{{36}})">东门', listing.text).group(1)  # type: ignore[union-attr]
    saved = _post(
        client,
        f"{base}/{door_id}",
        f"{base}/{door_id}",
        _door_form(name="东门（新）", accepts=["pin"]),
    )
    assert saved.status_code == 303
    assert "东门（新）" in client.get(base).text
    deleted = _post(client, f"{base}/{door_id}", f"{base}/{door_id}/delete", {})
    assert deleted.status_code == 303
    assert "东门（新）" not in client.get(base).text


def test_a_face_only_door_is_refused_with_rule_r1_on_the_form(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    base = _base(site, "doors")
    refused = _post(
        client, f"{base}/new", f"{base}/new", _door_form(name="刷脸门", accepts=["face"])
    )
    assert refused.status_code == 409
    assert "人脸不得作为唯一通行方式 (R1)" in refused.text
    assert 'value="刷脸门"' in refused.text
    assert "刷脸门" not in client.get(base).text
    gate = site.world.door_ids["南大门"]
    edit = _post(
        client, f"{base}/{gate}", f"{base}/{gate}", _door_form(name="南大门", accepts=["face"])
    )
    assert edit.status_code == 409 and "(R1)" in edit.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "请填写此项"),
        ({"name": "门" * 101}, "内容太长"),
        ({"accepts": []}, "请至少勾选一种通行方式"),
        ({"kind": "drawbridge"}, "请从列出的选项中选择"),
        ({"building": "not-a-building"}, "本小区找不到这一项"),
        ({"anti_passback": "hard"}, "请填写与配对的门相同的区域名称"),
        ({"name": HOSTILE}, None),
    ],
)
def test_bad_door_input_comes_back_with_a_message(
    client: TestClient,
    site: Site,
    changes: dict,
    message: str | None,  # type: ignore[type-arg]
) -> None:
    sign_in(client, "staff")
    base = _base(site, "doors")
    answer = _post(client, f"{base}/new", f"{base}/new", _door_form(**changes))
    if message is None:  # a hostile name is stored as text and shown escaped
        assert answer.status_code == 303
        assert HOSTILE not in client.get(base).text
        assert "&lt;script&gt;" in client.get(base).text
        return
    assert answer.status_code == 422
    assert message in answer.text


def test_the_committee_reads_doors_but_cannot_change_them(client: TestClient, site: Site) -> None:
    sign_in(client, "yeweihui")
    base = _base(site, "doors")
    listing = client.get(base)
    assert listing.status_code == 200 and "南大门" in listing.text
    assert f"{base}/new" not in listing.text
    gate = site.world.door_ids["南大门"]
    detail = client.get(f"{base}/{gate}")
    assert detail.status_code == 200 and "disabled" in detail.text
    token = csrf_of(detail.text)
    refused = client.post(
        f"{base}/{gate}", data={"csrf_token": token, **_door_form(name="改名")}, headers=HTML
    )
    assert refused.status_code == 403


def test_a_door_of_another_community_or_a_bad_id_looks_absent(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    base = _base(site, "doors")
    assert client.get(f"{base}/{OTHER}").status_code == 404
    assert client.get(f"{base}/nonsense").status_code == 404
    assert client.get(f"/office/c/{OTHER}/doors", headers=HTML).status_code == 404


# --- access groups ----------------------------------------------------------------------------


def _group_form(site: Site, **changes: object) -> dict:  # type: ignore[type-arg]
    form: dict = {  # type: ignore[type-arg]
        "name": "保洁人员",
        "door_ids": [str(site.world.door_ids["南大门"])],
        **{f"day{d}": "07:00-12:00, 13:00-18:00" for d in range(5)},
        "day5": "",
        "day6": "00:00-24:00",
        "holiday_mode": "closed",
        "holiday_hours": "",
    }
    form.update(changes)
    return form


def _group_id(client: TestClient, base: str, name: str) -> str:
    found = re.search(rf'href="{base}/([0-9a-f-]{{36}})">{name}<', client.get(base).text)
    assert found, f"group {name} not listed"
    return found.group(1)


def test_staff_create_a_group_with_a_schedule_and_members(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    base = _base(site, "groups")
    created = _post(client, f"{base}/new", f"{base}/new", _group_form(site))
    assert created.status_code == 303, created.text
    group_id = _group_id(client, base, "保洁人员")
    uow = _uow(site)
    with uow:
        group = uow.access.group(uuid.UUID(group_id), CommunityScope.all())
    assert len(group.schedule.weekly[0]) == 2 and 5 not in group.schedule.weekly
    assert group.schedule.weekly[6][0].start == group.schedule.weekly[6][0].end  # whole day
    page = client.get(f"{base}/{group_id}")
    assert 'value="07:00-12:00, 13:00-18:00"' in page.text and 'value="00:00-24:00"' in page.text
    person = _resident(site)
    added = _post(
        client, f"{base}/{group_id}", f"{base}/{group_id}/members", {"person": str(person.id)}
    )
    assert added.status_code == 303
    assert person.name in client.get(f"{base}/{group_id}").text.split("成员")[-1]
    removed = _post(
        client, f"{base}/{group_id}", f"{base}/{group_id}/members/{person.id}/remove", {}
    )
    assert removed.status_code == 303
    with uow:
        assert uow.access.members(uuid.UUID(group_id), CommunityScope.all()) == []
    deleted = _post(client, f"{base}/{group_id}", f"{base}/{group_id}/delete", {})
    assert deleted.status_code == 303 and "保洁人员" not in client.get(base).text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day0": "25:00-26:00"}, "不是有效的时间"),
        ({"day1": "07:60-08:00"}, "不是有效的时间"),
        ({"day2": "18:00-07:00"}, "结束时间早于开始时间"),
        ({"day3": "morning"}, "无法识别时段"),
        ({"day4": HOSTILE}, "无法识别时段"),
        ({"name": ""}, "请填写此项"),
        ({"door_ids": ["nonsense"]}, "本小区找不到这一项"),
        ({"door_ids": [OTHER]}, "本小区找不到这一项"),
        ({"holiday_mode": "hours", "holiday_hours": "24:30-25:00"}, "不是有效的时间"),
        ({"holiday_mode": "sometimes"}, "请从列出的选项中选择"),
    ],
)
def test_bad_schedules_are_refused_with_a_message(
    client: TestClient,
    site: Site,
    changes: dict,
    message: str,  # type: ignore[type-arg]
) -> None:
    sign_in(client, "staff")
    base = _base(site, "groups")
    answer = _post(client, f"{base}/new", f"{base}/new", _group_form(site, **changes))
    assert answer.status_code == 422, answer.text[:300]
    assert message in answer.text
    assert "<script>alert" not in answer.text
    assert "保洁人员" not in client.get(base).text


def test_holidays_are_edited_as_lines_and_bad_lines_named(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    base = _base(site, "groups")
    saved = _post(
        client, f"{base}/holidays", f"{base}/holidays", {"days": "2026-10-01 国庆节\n\n2026-10-02"}
    )
    assert saved.status_code == 303
    assert "2026-10-01 国庆节" in client.get(f"{base}/holidays").text
    bad = _post(
        client, f"{base}/holidays", f"{base}/holidays", {"days": "2026-10-01 国庆\n2026-13-40 x"}
    )
    assert bad.status_code == 422 and "第 2 行" in bad.text


def test_the_committee_reads_groups_but_cannot_change_them(client: TestClient, site: Site) -> None:
    sign_in(client, "yeweihui")
    base = _base(site, "groups")
    assert client.get(base).status_code == 200
    assert client.get(f"{base}/new", headers=HTML).status_code == 403
    token = csrf_of(client.get(f"{base}/holidays").text)
    refused = client.post(
        f"{base}/new", data={"csrf_token": token, **_group_form(site)}, headers=HTML
    )
    assert refused.status_code == 403


# --- devices ----------------------------------------------------------------------------------


def test_staff_register_a_device_see_its_token_once_and_revoke_it(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    base = _base(site, "devices")
    gate = str(site.world.door_ids["南大门"])
    answer = _post(client, base, base, {"name": "东门闸机", "door_ids": [gate]})
    assert answer.status_code == 200
    token = re.search(r'id="device-token">([^<]+)<', answer.text)
    assert token and len(token.group(1)) > 20
    later = client.get(base)
    assert "东门闸机" in later.text and token.group(1) not in later.text
    assert "传输密钥尚未绑定" in later.text and "尚未联网" in later.text
    uow = _uow(site)
    with uow:
        device = next(
            d
            for d in uow.devices.list(CommunityScope.all(), community_id=site.world.community_id)
            if d.name == "东门闸机"
        )
    revoked = _post(client, base, f"{base}/{device.id}/revoke", {})
    assert revoked.status_code == 303
    assert "注销于" in client.get(base).text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "door_ids": ["GATE"]}, "请填写此项"),
        ({"name": "x" * 150, "door_ids": ["GATE"]}, "内容太长"),
        ({"name": "闸机"}, "请勾选该设备负责的门"),
        ({"name": "闸机", "door_ids": [OTHER]}, "本小区找不到这一项"),
        ({"name": "闸机", "door_ids": ["nonsense"]}, "本小区找不到这一项"),
    ],
)
def test_bad_device_input_is_refused_plainly(
    client: TestClient,
    site: Site,
    form: dict,
    message: str,  # type: ignore[type-arg]
) -> None:
    sign_in(client, "staff")
    base = _base(site, "devices")
    gate = str(site.world.door_ids["南大门"])
    form = {
        k: [gate if d == "GATE" else d for d in v] if k == "door_ids" else v
        for k, v in form.items()
    }
    answer = _post(client, base, base, form)
    assert answer.status_code == 422
    assert message in answer.text and 'id="device-token"' not in answer.text


def test_the_sync_state_counts_templates_sent_to_a_device(client: TestClient, site: Site) -> None:
    from datetime import UTC, datetime

    from menwei.store.tables.privacy import TemplateDeviceRow

    person = _resident(site)
    uow = _uow(site)
    with uow:
        uow.session.add(
            TemplateDeviceRow(
                person_id=person.id,
                device_id=site.world.gate_device_id,
                community_id=site.world.community_id,
                synced_at=datetime(2026, 5, 1, 8, 30, tzinfo=UTC),
            )
        )
        uow.commit()
    sign_in(client, "staff")
    page = client.get(_base(site, "devices"))
    # 08:30 UTC is 16:30 in the community's own time (Beijing)
    assert "已下发人脸特征：1 个" in page.text and "2026-05-01 16:30" in page.text


# --- who may open these pages -----------------------------------------------------------------


@pytest.mark.parametrize("section", ["credentials", "devices"])
def test_the_committee_cannot_open_personal_or_device_pages(
    client: TestClient, site: Site, section: str
) -> None:
    sign_in(client, "yeweihui")
    assert client.get(_base(site, section), headers=HTML).status_code == 403


@pytest.mark.parametrize("section", ["credentials", "doors", "groups", "devices"])
def test_residents_are_refused_and_other_communities_look_absent(
    client: TestClient, site: Site, section: str
) -> None:
    sign_in(client, "resident")
    assert client.get(_base(site, section), headers=HTML).status_code == 403
    client.cookies.clear()
    sign_in(client, "staff")
    assert client.get(f"/office/c/{OTHER}/{section}", headers=HTML).status_code == 404
    page = client.get(_base(site, section))
    assert page.status_code == 200 and 'aria-current="page"' in page.text


def test_a_form_without_its_csrf_token_changes_nothing(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    base = _base(site, "doors")
    refused = client.post(f"{base}/new", data=_door_form(name="无令牌门"), headers=HTML)
    assert refused.status_code == 403
    assert "无令牌门" not in client.get(base).text


def test_every_message_from_the_code_has_a_chinese_translation() -> None:
    from menwei.server.web.console import access as console_access  # noqa: F401  (registers the messages)
    from menwei.server.web.console.access_forms import MESSAGES
    from menwei.server.web.templating import translations

    zh = translations("zh-CN")
    untranslated = sorted(m for m in MESSAGES if zh.gettext(m) == m)
    assert not untranslated


def test_the_pages_speak_english_when_asked(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    client.cookies.set("menwei_lang", "en")
    doors_page = client.get(_base(site, "doors"))
    assert "Doors and readers" in doors_page.text and "门与读卡器" not in doors_page.text
    base = _base(site, "groups")
    refused = _post(client, f"{base}/new", f"{base}/new", _group_form(site, day0="25:00-26:00"))
    assert "is not a time of day" in refused.text


def test_the_devices_page_shows_the_door_driver_the_gate_reported(
    client: TestClient, site: Site
) -> None:
    from datetime import UTC, datetime

    sign_in(client, "staff")
    assert "门禁驱动" in (page := client.get(_base(site, "devices")).text) and "尚未上报" in page
    uow = _uow(site)
    with uow:
        uow.devices.seen(site.world.gate_device_id, datetime.now(UTC), door_driver="uhppote")
        uow.commit()
    assert "uhppote" in client.get(_base(site, "devices")).text
