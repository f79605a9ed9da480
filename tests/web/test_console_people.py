"""The console's residents, units and households: every page and form, and who is refused."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient

from .conftest import Site
from .forms import HTML, csrf_of, sign_in

OTHER = "00000000-0000-4000-8000-000000000000"


def _base(site: Site) -> str:
    return f"/office/c/{site.world.community_id}"


def _person_named(site: Site, name: str):  # type: ignore[no-untyped-def]
    return next(p for p in site.people() if p.name == name)


def _add(client: TestClient, site: Site, **fields: str):  # type: ignore[no-untyped-def]
    form = client.get(f"{_base(site)}/people/new")
    assert form.status_code == 200, form.text
    data = {"csrf_token": csrf_of(form.text), "role": "owner", **fields}
    return client.post(f"{_base(site)}/people/new", data=data, follow_redirects=False)


def test_staff_see_residents_with_their_units_and_find_them_by_name_or_unit(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    page = client.get(f"{_base(site)}/people")
    assert page.status_code == 200
    assert "住户" in page.text and 'class="table-wrap"' in page.text
    assert "1号楼" in page.text  # each row names the unit
    someone = site.people()[0]
    found = client.get(f"{_base(site)}/people", params={"q": someone.name})
    assert someone.name in found.text
    assert f"/people/{someone.id}" in found.text
    by_unit = client.get(f"{_base(site)}/people", params={"unit": "2号楼 1001"})
    rows = re.findall(r"<tr>\s*<td><a href", by_unit.text)
    assert rows and "1号楼" not in by_unit.text.split("<tbody>")[1]
    as_labelled = client.get(f"{_base(site)}/people", params={"unit": "2号楼 1-1001"})
    assert as_labelled.text.split("<tbody>")[1].count("2号楼 1-1001") >= 1
    nobody = client.get(f"{_base(site)}/people", params={"q": "不存在的名字%_"})
    assert "0 人" in nobody.text or "没有" in nobody.text


def test_the_list_pages_through_everyone(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    first = client.get(f"{_base(site)}/people")
    assert site.world.people > 50, "the demo should need two pages"
    assert "下一页" in first.text
    second = client.get(f"{_base(site)}/people", params={"page": "2"})
    assert second.status_code == 200 and "上一页" in second.text
    first_names = set(re.findall(r'/people/[0-9a-f-]{36}">([^<]+)<', first.text))
    second_names = set(re.findall(r'/people/[0-9a-f-]{36}">([^<]+)<', second.text))
    assert first_names and second_names and not first_names & second_names
    assert client.get(f"{_base(site)}/people", params={"page": "abc"}).status_code == 200


def test_staff_add_a_person_into_a_unit_edit_and_delete_them(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    form = client.get(f"{_base(site)}/people/new")
    unit_id = re.search(r'<option value="([0-9a-f-]{36})">1号楼 1-101<', form.text)
    assert unit_id, form.text
    made = _add(
        client, site, name="测试新住户", phone="13900000001", unit_id=unit_id.group(1),
        moved_in="2024-03-01",
    )  # fmt: skip
    assert made.status_code == 303, made.text
    detail = client.get(made.headers["location"])
    assert (
        "测试新住户" in detail.text and "1号楼 1-101" in detail.text and "2024-03-01" in detail.text
    )
    assert "/consent" in detail.text and "/invitation" in detail.text
    assert "/credentials?person=" in detail.text
    person = _person_named(site, "测试新住户")

    edit = client.get(f"{_base(site)}/people/{person.id}/edit")
    changed = client.post(
        f"{_base(site)}/people/{person.id}/edit",
        data={"csrf_token": csrf_of(edit.text), "name": "测试改名", "role": "tenant", "phone": ""},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert _person_named(site, "测试改名").role.value == "tenant"

    confirm = client.get(f"{_base(site)}/people/{person.id}/delete")
    assert "测试改名" in confirm.text and "删除" in confirm.text
    gone = client.post(
        f"{_base(site)}/people/{person.id}/delete",
        data={"csrf_token": csrf_of(confirm.text)},
        follow_redirects=False,
    )
    assert gone.status_code == 303 and gone.headers["location"].endswith("/people?deleted=1")
    assert all(p.id != person.id for p in site.people())


def test_a_bad_form_is_shown_again_with_a_plain_message_and_nothing_saved(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    before = len(site.people())
    for fields, says in (
        ({"name": ""}, "请填写姓名"),
        ({"name": "甲", "phone": "=cmd|calc"}, "电话只能填写数字"),
        ({"name": "甲", "date_of_birth": "2099-01-01"}, "出生日期"),
        ({"name": "甲", "role": "king"}, "请选择身份"),
        ({"name": "甲", "unit_id": OTHER}, "请选择房屋"),
    ):
        refused = _add(client, site, **fields)
        assert refused.status_code == 422, fields
        assert says in refused.text, (fields, refused.text)
    hostile = _add(client, site, name="<script>alert(1)</script>", phone="12a")
    assert "<script>alert(1)</script>" not in hostile.text
    assert "&lt;script&gt;" in hostile.text
    assert len(site.people()) == before


def test_move_out_and_move_in_from_the_person_page(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    made = _add(client, site, name="搬家的人")
    person_page = made.headers["location"]
    page = client.get(person_page)
    assert "还没有入住" in page.text or "尚未入住" in page.text
    unit_id = re.search(r'<option value="([0-9a-f-]{36})">2号楼 1-202<', page.text).group(1)  # type: ignore[union-attr]
    moved = client.post(
        f"{person_page}/move-in",
        data={"csrf_token": csrf_of(page.text), "unit_id": unit_id, "moved_in": "2024-01-01"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    page = client.get(person_page)
    membership = re.search(r"/households/([0-9a-f-]{36})/move-out", page.text).group(1)  # type: ignore[union-attr]
    too_early = client.post(
        f"{person_page}/households/{membership}/move-out",
        data={"csrf_token": csrf_of(page.text), "moved_out": "2023-01-01"},
    )
    assert too_early.status_code == 422 and 'role="alert"' in too_early.text
    out = client.post(
        f"{person_page}/households/{membership}/move-out",
        data={"csrf_token": csrf_of(page.text), "moved_out": date.today().isoformat()},
        follow_redirects=False,
    )
    assert out.status_code == 303
    assert "办理迁出" not in client.get(person_page).text


def test_units_show_who_lives_where_and_take_new_buildings_and_units(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    page = client.get(f"{_base(site)}/units")
    assert page.status_code == 200 and "1号楼" in page.text and "101" in page.text
    added = client.post(
        f"{_base(site)}/units/buildings",
        data={"csrf_token": csrf_of(page.text), "name": "3号楼"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    building = added.headers["location"].split("building=")[1]
    again = client.post(
        f"{_base(site)}/units/buildings", data={"csrf_token": csrf_of(page.text), "name": "3号楼"}
    )
    assert again.status_code == 422 and "已存在" in again.text
    bad_area = client.post(
        f"{_base(site)}/units",
        data={"csrf_token": csrf_of(page.text), "building_id": building, "number": "101",
              "area": "-3"},
    )  # fmt: skip
    assert bad_area.status_code == 422 and "面积" in bad_area.text
    unit = client.post(
        f"{_base(site)}/units",
        data={"csrf_token": csrf_of(page.text), "building_id": building, "entrance": "1",
              "number": "101", "area": "88.5"},
        follow_redirects=False,
    )  # fmt: skip
    assert unit.status_code == 303
    listing = client.get(unit.headers["location"])
    assert "1-101" in listing.text and "88.50" in listing.text
    unit_link = re.search(r'href="(/office/c/[^"]+/units/[0-9a-f-]{36})">1-101<', listing.text)
    detail = client.get(unit_link.group(1))  # type: ignore[union-attr]
    assert detail.status_code == 200 and "3号楼 1-101" in detail.text


def test_a_unit_page_lists_its_household(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    listing = client.get(f"{_base(site)}/units")
    link = re.search(r'href="(/office/c/[^"]+/units/[0-9a-f-]{36})">1-101<', listing.text)
    detail = client.get(link.group(1))  # type: ignore[union-attr]
    assert detail.status_code == 200
    assert re.search(r'/people/[0-9a-f-]{36}">[^<]+</a> · 业主', detail.text)


def test_the_committee_sees_units_without_names_and_no_residents(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "yeweihui")
    units = client.get(f"{_base(site)}/units", headers=HTML)
    assert units.status_code == 200 and "1号楼" in units.text
    assert "谁住在这里" not in units.text and "添加楼栋" not in units.text
    assert client.get(f"{_base(site)}/people", headers=HTML).status_code == 403
    someone = site.people()[0]
    assert client.get(f"{_base(site)}/people/{someone.id}", headers=HTML).status_code == 403


def test_a_resident_is_refused_every_page(client: TestClient, site: Site) -> None:
    sign_in(client, "resident")
    someone = site.people()[0]
    for path in ("/people", "/people/new", f"/people/{someone.id}", "/units"):
        assert client.get(f"{_base(site)}{path}", headers=HTML).status_code == 403, path


def test_another_communitys_people_and_units_look_absent(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    assert client.get(f"/office/c/{OTHER}/people", headers=HTML).status_code == 404
    missing = client.get(f"{_base(site)}/people/{OTHER}", headers=HTML)
    assert missing.status_code == 404 and "<html" in missing.text
    assert client.get(f"{_base(site)}/units/{OTHER}", headers=HTML).status_code == 404
    assert client.get(f"{_base(site)}/people/{OTHER}/edit", headers=HTML).status_code == 404


def test_a_form_without_its_csrf_token_changes_nothing(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    someone = site.people()[0]
    for path, data in (
        ("/people/new", {"name": "无令牌", "role": "owner"}),
        (f"/people/{someone.id}/delete", {}),
        ("/units/buildings", {"name": "无令牌楼"}),
    ):
        refused = client.post(f"{_base(site)}{path}", data=data, headers=HTML)
        assert refused.status_code == 403, path
        assert "未做任何更改" in refused.text
    assert any(p.id == someone.id for p in site.people())
    assert all(p.name != "无令牌" for p in site.people())


def test_a_person_with_face_consent_in_force_is_not_deleted(client: TestClient, site: Site) -> None:
    site.publish_notice()
    sign_in(client, "staff")
    assert _add(client, site, name="同意过的人", date_of_birth="1980-01-01").status_code == 303
    person = _person_named(site, "同意过的人")
    question = client.get(f"{_base(site)}/people/{person.id}/consent")
    agreed = client.post(
        f"{_base(site)}/people/{person.id}/consent",
        data={"csrf_token": csrf_of(question.text), "answer": "agree"},
        follow_redirects=False,
    )
    assert agreed.status_code == 303, agreed.text
    detail = client.get(f"{_base(site)}/people/{person.id}")
    assert "已同意使用人脸识别" in detail.text and f"/people/{person.id}/enrol" in detail.text
    refused = client.post(
        f"{_base(site)}/people/{person.id}/delete", data={"csrf_token": csrf_of(detail.text)}
    )
    assert refused.status_code == 409 and "不能直接删除" in refused.text
    assert any(p.id == person.id for p in site.people())


def test_the_pages_read_in_english_too(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    client.cookies.set("menwei_lang", "en")
    listing = client.get(f"{_base(site)}/people")
    assert "Name contains" in listing.text and "people found." in listing.text
    refused = _add(client, site, name="")
    assert "Enter the name" in refused.text
    units = client.get(f"{_base(site)}/units")
    assert "Who lives here" in units.text and "Add a building" in units.text
