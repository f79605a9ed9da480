"""The office's passages page: filters, keyset paging, CSV export and the day's charts."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from menwei.server.web.console.passages import today_charts
from menwei.store.records import AccessEvent
from menwei.store.uow import UnitOfWork

from .conftest import Site
from .forms import HTML, sign_in

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = "2026-03-10"


def local(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


def seed(site: Site, rows: list[dict]) -> None:  # type: ignore[type-arg]
    """Store events as a gate would have uploaded them."""
    uow = UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]
    events = [
        AccessEvent(
            idempotency_key=row.get("key", uuid.uuid4().hex),
            community_id=site.world.community_id,
            door_id=site.world.door_ids[row.get("door", "南大门")],
            occurred_at=row["at"],
            direction="in",
            credential_kind=row["kind"],
            outcome=row.get("outcome", "allow"),
            reason_code=row.get("reason", "granted"),
            person_id=row.get("person"),
            liveness=row.get("liveness"),
            flag=row.get("flag"),
        )
        for row in rows
    ]
    with uow:
        uow.events.add_many(events)
        uow.commit()


@pytest.fixture
def day_of_passages(site: Site) -> dict[str, object]:
    """A day at 阳光花园: cards in the morning, a refused PIN, a face, a late QR pass; and one
    passage just after local midnight, which is still the same day in UTC."""
    owner = site.people()[0]
    seed(
        site,
        [
            {"at": local(DAY, "08:15"), "kind": "card", "person": owner.id},
            {"at": local(DAY, "08:40"), "kind": "card", "door": "地下车库道闸"},
            {"at": local(DAY, "08:50"), "kind": "face", "person": owner.id, "liveness": "pass"},
            {"at": local(DAY, "09:05"), "kind": "pin", "outcome": "deny", "reason": "wrong_pin"},
            {"at": local(DAY, "21:30"), "kind": "qr", "door": "1号楼单元门"},
            {"at": local("2026-03-11", "00:30"), "kind": "card"},
        ],
    )
    return {"owner": owner}


def _page(site: Site) -> str:
    return f"/office/c/{site.world.community_id}/events"


def _rows(html: str) -> list[str]:
    body = html[html.find("<tbody>", html.find('class="events')) :]
    return re.findall(r"<tr class=\"outcome-\w+\">(.*?)</tr>", body[: body.find("</tbody>")], re.S)


def test_staff_see_passages_in_local_time_with_names_and_liveness(
    client: TestClient, site: Site, day_of_passages: dict
) -> None:
    sign_in(client, "staff")
    page = client.get(_page(site), params={"from": DAY, "to": DAY})
    assert page.status_code == 200, page.text
    rows = _rows(page.text)
    assert len(rows) == 5  # the 00:30 passage is the next local day
    assert "2026-03-10 21:30:00" in rows[0] and "1号楼单元门" in rows[0]
    owner = day_of_passages["owner"]
    face = next(r for r in rows if "08:50" in r)
    assert owner.name in face and "活体" in face
    refused = next(r for r in rows if "09:05" in r)
    assert "拒绝" in refused and "密码错误" in refused and "未识别" in refused


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "card"}, {"08:15", "08:40", "00:30"}),
        ({"outcome": "deny"}, {"09:05"}),
        ({"from": "2026-03-11"}, {"00:30"}),
        ({"to": DAY, "kind": "card"}, {"08:15", "08:40"}),
    ],
)
def test_filters_narrow_the_list(
    client: TestClient, site: Site, day_of_passages: dict, params: dict, expected: set
) -> None:
    sign_in(client, "staff")
    page = client.get(_page(site), params=params)
    assert page.status_code == 200, page.text
    shown = {re.search(r"\d\d:\d\d(?=:00)", row).group(0) for row in _rows(page.text)}  # type: ignore[union-attr]
    assert shown == expected


def test_filter_by_door_and_by_person_name(
    client: TestClient, site: Site, day_of_passages: dict
) -> None:
    sign_in(client, "staff")
    garage = site.world.door_ids["地下车库道闸"]
    rows = _rows(client.get(_page(site), params={"door": str(garage)}).text)
    assert len(rows) == 1 and "08:40" in rows[0]
    owner = day_of_passages["owner"]
    page = client.get(_page(site), params={"person": owner.name})
    if "candidates" in page.text:  # a common name: pick the one from the offered list
        page = client.get(_page(site), params={"person": str(owner.id)})
    rows = _rows(page.text)
    assert {r.count(owner.name) for r in rows} == {1} and len(rows) == 2


def test_keyset_paging_follows_the_next_page_link(client: TestClient, site: Site) -> None:
    start = local(DAY, "06:00")
    seed(site, [{"at": start + timedelta(minutes=i), "kind": "card"} for i in range(60)])
    sign_in(client, "staff")
    first = client.get(_page(site), params={"kind": "card"})
    assert len(_rows(first.text)) == 50
    link = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert link, "no next page link"
    second = client.get(link.group(1).replace("&amp;", "&"))
    rows = _rows(second.text)
    assert len(rows) == 10 and "06:00:00" in rows[-1]
    assert 'rel="next"' not in second.text


def test_csv_has_the_filtered_rows_and_defuses_formulas(client: TestClient, site: Site) -> None:
    seed(
        site,
        [
            {
                "at": local(DAY, "10:00"),
                "kind": "card",
                "outcome": "deny",
                "reason": "=cmd|'/C calc'!A0",
            },
            {"at": local(DAY, "10:05"), "kind": "card"},
            {"at": local(DAY, "10:10"), "kind": "pin"},
        ],
    )
    sign_in(client, "staff")
    page = client.get(_page(site), params={"kind": "card", "outcome": "deny"})
    link = re.search(r'href="([^"]+\.csv\?[^"]*)"', page.text)
    assert link, "no CSV link"
    exported = client.get(link.group(1).replace("&amp;", "&"))
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    assert exported.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["通行方式"] == "门禁卡" and rows[0]["结果"] == "拒绝"
    assert rows[0]["原因"].startswith("'=")
    assert rows[0]["时间"] == "2026-03-10 10:00:00"  # the community's time, not UTC
    assert rows[0]["门"] == "南大门"  # a door name, not an id


def _table(html: str, caption: str) -> list[list[str]]:
    start = html.find(f"<caption>{caption}</caption>")
    assert start >= 0, caption
    body = html[start : html.find("</table>", start)]
    return [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ][1:]


def test_chart_counts_equal_the_events_of_the_chosen_day(
    client: TestClient, site: Site, day_of_passages: dict
) -> None:
    sign_in(client, "staff")
    page = client.get(_page(site), params={"day": DAY})
    assert page.status_code == 200
    assert page.text.count('<svg class="chart"') == 2
    by_kind = {row[0]: (int(row[1]), int(row[2])) for row in _table(page.text, "按通行方式统计")}
    assert by_kind == {"门禁卡": (2, 0), "密码": (0, 1), "二维码": (1, 0), "人脸": (1, 0)}
    hours = {row[0]: (int(row[1]), int(row[2])) for row in _table(page.text, "每小时通行次数")}
    assert len(hours) == 24
    assert hours["08:00"] == (3, 0) and hours["09:00"] == (0, 1) and hours["21:00"] == (1, 0)
    assert sum(a + d for a, d in hours.values()) == 5
    assert hours["00:00"] == (0, 0)  # the 00:30 passage belongs to the next day's chart
    next_day = client.get(_page(site), params={"day": "2026-03-11"})
    hours = {row[0]: (int(row[1]), int(row[2])) for row in _table(next_day.text, "每小时通行次数")}
    assert hours["00:00"] == (1, 0)


def test_charts_follow_the_filters(client: TestClient, site: Site, day_of_passages: dict) -> None:
    sign_in(client, "staff")
    page = client.get(_page(site), params={"day": DAY, "outcome": "allow"})
    by_kind = {row[0]: (int(row[1]), int(row[2])) for row in _table(page.text, "按通行方式统计")}
    assert by_kind["密码"] == (0, 0) and by_kind["门禁卡"] == (2, 0)


def test_todays_charts_can_be_drawn_for_the_overview(site: Site) -> None:
    seed(site, [{"at": datetime.now(UTC) - timedelta(minutes=1), "kind": "card"}])
    uow = UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]
    caller = _staff_caller(site)
    drawn = today_charts(uow, caller, "zh-CN")
    assert set(drawn) == {"hourly", "by_kind"}
    assert "门禁卡 · 放行: 1" in str(drawn["by_kind"])


def _staff_caller(site: Site):  # type: ignore[no-untyped-def]
    from menwei.server.domain.caller import Caller
    from menwei.server.policy import AccountRole, Principal
    from menwei.store.scope import CommunityScope

    principal = Principal(
        kind="user",
        id=uuid.uuid4(),
        role=AccountRole.COMMUNITY_STAFF,
        community_ids=frozenset({site.world.community_id}),
    )
    return Caller(
        principal=principal,
        scope=CommunityScope.of([site.world.community_id]),
        community_id=site.world.community_id,
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "yesterday"}, "开始日期不是有效的日期"),
        ({"from": "2026-03-12", "to": "2026-03-10"}, "结束日期早于开始日期"),
        ({"door": "not-a-door"}, "不是本小区的门"),
        ({"door": "00000000-0000-4000-8000-000000000000"}, "不是本小区的门"),
        ({"outcome": "maybe"}, "请从列表中选择结果"),
        ({"kind": "<script>"}, "请从列表中选择通行方式"),
        ({"person": "没有这个人"}, "本小区没有叫这个名字的人"),
        ({"cursor": "garbage"}, "翻页链接已失效"),
        ({"day": "13/45"}, "图表日期不是有效的日期"),
    ],
)
def test_bad_filters_give_the_page_back_with_a_plain_message(
    client: TestClient, site: Site, params: dict, message: str
) -> None:
    sign_in(client, "staff")
    page = client.get(_page(site), params=params, headers=HTML)
    assert page.status_code == 422
    assert message in page.text and 'role="alert"' in page.text
    assert "<script>" not in page.text.split("</head>")[1].replace('<script src="', "")
    if {"cursor", "day"} & set(params):
        return  # the export has no pages and no chart
    exported = client.get(_page(site) + ".csv", params=params, headers=HTML)
    assert exported.status_code == 422 and "text/html" in exported.headers["content-type"]


def test_a_too_long_filter_is_refused_as_a_page(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    page = client.get(_page(site), params={"person": "x" * 500}, headers=HTML)
    assert page.status_code == 422 and "<html" in page.text


@pytest.mark.parametrize("login", ["resident", "yeweihui", "jianguan"])
def test_who_may_not_read_passages_is_refused(client: TestClient, site: Site, login: str) -> None:
    sign_in(client, login)
    assert client.get(_page(site), headers=HTML).status_code == 403
    assert client.get(_page(site) + ".csv", headers=HTML).status_code == 403


def test_another_communitys_passages_look_absent(client: TestClient) -> None:
    sign_in(client, "staff")
    other = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/office/c/{other}/events", headers=HTML).status_code == 404
    assert client.get(f"/office/c/{other}/events.csv", headers=HTML).status_code == 404


def test_the_console_links_to_passages(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    overview = client.get(f"/office/c/{site.world.community_id}")
    assert f'href="{_page(site)}"' in overview.text


def test_the_page_and_its_charts_read_in_english(
    client: TestClient, site: Site, day_of_passages: dict
) -> None:
    sign_in(client, "staff")
    client.cookies.set("menwei_lang", "en")
    page = client.get(_page(site), params={"day": DAY, "outcome": "deny"})
    assert page.status_code == 200
    assert "Passages per hour on 2026-03-10" in page.text
    assert "Wrong PIN. Please try again." in page.text and "Access card" in page.text


def test_the_export_names_the_person_and_reads_in_english_when_asked(
    client: TestClient, site: Site
) -> None:
    person = next(p for p in site.people() if p.name)
    seed(site, [{"at": local(DAY, "08:30"), "kind": "card", "person": person.id}])
    sign_in(client, "staff")
    client.cookies.set("menwei_lang", "en")
    exported = client.get(_page(site) + ".csv")
    (row,) = csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))
    assert row["Person"] == person.name and row["Outcome"] == "let through"
    assert str(person.id) not in exported.text


def test_staff_list_only_the_tailgating_alerts(client: TestClient, site: Site) -> None:
    seed(
        site,
        [
            {"at": local(DAY, "09:00"), "kind": "card"},
            {"at": local(DAY, "09:01"), "kind": "card", "outcome": "deny", "flag": "tailgating"},
        ],
    )
    sign_in(client, "staff")
    page = client.get(_page(site), params={"outcome": "tailgating", "from": DAY, "to": DAY})
    assert page.status_code == 200
    assert page.text.count('<tr class="outcome-') == 1
    assert "尾随告警：通过人数多于放行人数" in page.text
