"""The filing (备案) the office records and each door's own tailgating rule, as the office sets
them from the console and as residents then read them on the public page and the posters; the
supervisor sees last month's tailgating alerts per community, as counts only."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from menwei.core import HOLD_SECONDS, TailgatingMode
from menwei.store.scope import CommunityScope
from menwei.store.tables.events import EventRow
from menwei.store.tables.privacy import AuditEntryRow
from menwei.store.uow import UnitOfWork

from .conftest import Site
from .forms import HTML, csrf_of, sign_in
from .test_transparency import _record


def _uow(site: Site) -> UnitOfWork:
    return UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]


def _compliance(site: Site) -> str:
    return f"/office/c/{site.world.community_id}/compliance"


def _answer(html: str, question: str) -> str:
    """The text of one of the nine answers, tags dropped."""
    part = html.split(f'id="{question}"', 1)[1].split("</article>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", part))


def _file(client: TestClient, site: Site, number: str, day: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(_compliance(site)).text)
    return client.post(
        f"{_compliance(site)}/filing",
        data={"csrf_token": token, "number": number, "filed_on": day},
        follow_redirects=False,
    )


# --- the filing --------------------------------------------------------------------------------


def test_the_public_page_shows_the_threshold_until_the_office_records_the_filing(
    client: TestClient, site: Site
) -> None:
    public = f"/c/{site.world.community_id}"
    before = _answer(client.get(public).text, "q-filing")
    assert "100000" in before and "省级网信部门" in before and "存有 0 人" in before
    assert "已备案" not in before

    sign_in(client, "staff")
    assert "尚未登记备案信息" in client.get(_compliance(site)).text
    filed = _file(client, site, "浙网信备 3301-2026-0042 号", "2026-03-15")
    assert filed.status_code == 303, filed.text
    assert filed.headers["location"].endswith("?done=filing")
    page = client.get(filed.headers["location"]).text
    assert "备案信息已保存" in page
    assert "已备案：编号 浙网信备 3301-2026-0042 号，日期 2026-03-15。" in page
    with _uow(site) as uow:
        (entry,) = uow.session.scalars(
            select(AuditEntryRow).where(AuditEntryRow.action == "filing_recorded")
        ).all()
        assert entry.actor.startswith("staff:") and "3301-2026-0042" in json.dumps(
            entry.detail, ensure_ascii=False
        )

    client.cookies.clear()
    after = client.get(public).text
    answer = _answer(after, "q-filing")
    assert "已备案：编号 浙网信备 3301-2026-0042 号，日期 2026-03-15。" in answer
    assert "100000" not in answer  # the threshold is no longer the answer
    english = client.get(public, headers={"accept-language": "en"}).text
    assert "Filed: number 浙网信备 3301-2026-0042 号, date 2026-03-15." in english
    api = client.get(f"/api/v1/communities/{site.world.community_id}/transparency/answers")
    assert api.json()["filing"]["filed"] == {
        "number": "浙网信备 3301-2026-0042 号",
        "filed_on": "2026-03-15",
    }


@pytest.mark.parametrize(
    ("number", "day", "message"),
    [
        ("", "2026-03-15", "备案编号应为 4 到 60 个字符"),
        ("备案号", "2026-03-15", "至少含两个数字"),
        ("12<script>", "2026-03-15", "由文字、字母、数字和连接符组成"),
        ("1" * 61, "2026-03-15", "备案编号应为 4 到 60 个字符"),
        ("3301-2026-0042", "15/03/2026", "备案日期格式应为 年-月-日"),
        ("3301-2026-0042", "2026-02-30", "备案日期格式应为 年-月-日"),
        ("3301-2026-0042", "2019-05-01", "不能早于 2021-11-01"),
        ("3301-2026-0042", "FUTURE", "备案日期不能晚于今天"),
    ],
)
def test_a_bad_filing_is_refused_plainly_and_nothing_is_stored(
    client: TestClient, site: Site, number: str, day: str, message: str
) -> None:
    if day == "FUTURE":
        day = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    sign_in(client, "staff")
    refused = _file(client, site, number, day)
    assert refused.status_code == 422
    assert message in refused.text and 'id="filing-problem"' in refused.text
    uow = _uow(site)
    with uow:
        community = uow.places.community(site.world.community_id, CommunityScope.all())
        assert uow.places.filing(community.processor_id) is None
    assert "已备案" not in client.get(f"/c/{site.world.community_id}").text


def test_only_the_office_records_the_filing(client: TestClient, site: Site) -> None:
    sign_in(client, "yeweihui")  # the owners' committee reads the compliance page only
    page = client.get(_compliance(site))
    assert page.status_code == 200 and 'action="' + _compliance(site) + '/filing"' not in page.text
    token = csrf_of(page.text)
    refused = client.post(
        f"{_compliance(site)}/filing",
        data={"csrf_token": token, "number": "3301-2026-0042", "filed_on": "2026-03-15"},
        headers=HTML,
    )
    assert refused.status_code == 403
    client.cookies.clear()
    anonymous = client.post(
        f"{_compliance(site)}/filing",
        data={"number": "3301-2026-0042", "filed_on": "2026-03-15"},
        follow_redirects=False,
    )
    assert anonymous.status_code in (303, 401, 403)
    assert "已备案" not in client.get(f"/c/{site.world.community_id}").text


# --- each door's tailgating rule ---------------------------------------------------------------


def _door_form(site: Site, door: str, rule: str) -> dict:  # type: ignore[type-arg]
    uow = _uow(site)
    with uow:
        found = uow.places.door(site.world.door_ids[door], CommunityScope.all())
    return {
        "name": found.name,
        "kind": found.kind.value,
        "direction": found.direction.value,
        "accepts": sorted(k.value for k in found.accepts),
        "building": str(found.building_id or ""),
        "anti_passback": found.anti_passback.value,
        "passback_zone": found.passback_zone or "",
        "tailgating": rule,
    }


def _set_rule(client: TestClient, site: Site, door: str, rule: str):  # type: ignore[no-untyped-def]
    url = f"/office/c/{site.world.community_id}/doors/{site.world.door_ids[door]}"
    token = csrf_of(client.get(url).text)
    return client.post(
        url, data={"csrf_token": token, **_door_form(site, door, rule)}, follow_redirects=False
    )


def test_staff_set_a_doors_rule_and_the_public_page_and_poster_state_it(
    client: TestClient, site: Site
) -> None:
    _record(site, datetime.now(UTC))  # one tailgating alert at 南大门 inside the month
    community = site.world.community_id
    gate = site.world.door_ids["南大门"]
    before = _answer(client.get(f"/c/{community}").text, "q-tailgating")
    assert "南大门：仅报警。" in before and "门照常开关" in before

    sign_in(client, "staff")
    form = client.get(f"/office/c/{community}/doors/{gate}").text
    assert '<option value="alert" selected>仅报警</option>' in form
    saved = _set_rule(client, site, "南大门", "hold")
    assert saved.status_code == 303, saved.text
    form = client.get(f"/office/c/{community}/doors/{gate}").text
    assert f'<option value="hold" selected>报警并暂停开门 {HOLD_SECONDS} 秒</option>' in form
    uow = _uow(site)
    with uow:
        assert uow.places.door(gate, CommunityScope.all()).tailgating is TailgatingMode.HOLD

    client.cookies.clear()
    answer = _answer(client.get(f"/c/{community}").text, "q-tailgating")
    assert f"南大门：报警并暂停开门 {HOLD_SECONDS} 秒。" in answer
    assert f"闸机向物业发出告警，并暂停开门 {HOLD_SECONDS} 秒" in answer
    assert "本门近 30 天尾随告警：1 次。" in answer
    assert "地下车库道闸：不监测。本门没有摄像头" in answer
    assert "近 30 天尾随告警：1 次。" in answer  # the community's total
    poster = client.get(f"/c/{community}/poster/{gate}").text
    rule = poster.split('class="door-rule"', 1)[1].split("</dd>", 1)[0]
    assert f"报警并暂停开门 {HOLD_SECONDS} 秒" in rule and "本门近 30 天尾随告警：1 次。" in rule
    garage = client.get(f"/c/{community}/poster/{site.world.door_ids['地下车库道闸']}").text
    rule = garage.split('class="door-rule"', 1)[1].split("</dd>", 1)[0]
    assert "本门没有摄像头" in rule and "告警：" not in rule
    english = client.get(f"/c/{community}/poster/{gate}", headers={"accept-language": "en"}).text
    assert f"Alert and hold the door for {HOLD_SECONDS} seconds" in english


def test_a_door_set_not_monitored_says_so_and_counts_no_alerts(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    assert _set_rule(client, site, "南大门", "off").status_code == 303
    client.cookies.clear()
    answer = _answer(client.get(f"/c/{site.world.community_id}").text, "q-tailgating")
    assert "南大门：不监测。本门不监测尾随" in answer


def test_a_bad_rule_is_refused_on_the_form_and_nothing_changes(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    refused = _set_rule(client, site, "南大门", "lock_everyone_out")
    assert refused.status_code == 422 and "请从列出的选项中选择" in refused.text
    uow = _uow(site)
    with uow:
        door = uow.places.door(site.world.door_ids["南大门"], CommunityScope.all())
        assert door.tailgating is TailgatingMode.ALERT


# --- the supervisor's counts -------------------------------------------------------------------


def test_the_supervisor_sees_tailgating_counts_per_community_and_no_person(
    client: TestClient, site: Site
) -> None:
    now = datetime.now(UTC)
    _record(site, now)
    resident = next(p for p in site.people() if p.role.value != "visitor")
    uow = _uow(site)
    with uow:  # an alert that names the person let in: the supervisor must never see who
        uow.session.add(
            EventRow(
                idempotency_key="tailgating-named",
                community_id=site.world.community_id,
                door_id=site.world.door_ids["南大门"],
                occurred_at=now - timedelta(days=5),
                direction="in",
                credential_kind="card",
                person_id=resident.id,
                outcome="allow",
                reason_code="tailgating",
                flag="tailgating",
            )
        )
        uow.commit()
    sign_in(client, "jianguan")
    rollup = client.get("/supervision").text
    row = rollup.split(f'href="/supervision/c/{site.world.community_id}"', 1)[1].split("</tr>")[0]
    assert '<td class="tailgating-alerts">2</td>' in row  # two in the month, not the old one
    assert '<dd id="total-tailgating">2</dd>' in rollup
    one = client.get(f"/supervision/c/{site.world.community_id}").text
    assert '<dd class="tailgating-alerts">2</dd>' in one
    table = client.get("/api/v1/supervision/communities.csv").text
    (line,) = list(csv.DictReader(io.StringIO(table)))
    assert line["近30天尾随告警"] == "2"
    totals = client.get("/api/v1/supervision/rollup.csv").text
    assert next(csv.DictReader(io.StringIO(totals)))["近30天尾随告警"] == "2"
    for page in (rollup, one, table, totals):
        assert resident.name not in page and str(resident.id) not in page
        assert "tailgating-named" not in page


def test_an_unknown_community_has_no_filing_page(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    other = uuid.uuid4()
    assert client.get(f"/office/c/{other}/compliance", headers=HTML).status_code == 404


def test_a_door_held_shut_after_an_alert_reads_plainly_in_the_office_event_list(
    client: TestClient, site: Site
) -> None:
    from .test_console_events import _rows, local, seed

    seed(
        site,
        [
            {
                "at": local("2026-03-10", "08:15"),
                "kind": "card",
                "outcome": "deny",
                "reason": "tailgating_hold",
            }
        ],
    )
    sign_in(client, "staff")
    page = client.get(
        f"/office/c/{site.world.community_id}/events",
        params={"from": "2026-03-10", "to": "2026-03-10"},
    )
    (row,) = _rows(page.text)
    assert "尾随告警后本门暂停开启" in row and "tailgating_hold" not in row
