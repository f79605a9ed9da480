"""The resident's own votes and questions, and what the public page shows of them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from .conftest import Site
from .forms import HTML, csrf_of, sign_in
from .test_console_questions import ask
from .test_console_votes import fix_clock, local, publish, resident_votes, votes_url


def _counted(page: str) -> list[str]:
    return re.findall(r'<p class="current">([^<]+)</p>', page)


def test_a_resident_votes_and_changes_the_vote_until_the_close(
    client: TestClient, site: Site
) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "yeweihui")
    pid = publish(client, site, now)  # voting lasts the minimum: seven days
    client.cookies.clear()
    sign_in(client, "resident")
    home = client.get("/my", headers=HTML).text
    assert 'href="/my/votes"' in home and 'href="/my/questions"' in home
    page = client.get("/my/votes", headers=HTML).text
    assert "在小区门禁启用人脸识别" in page and "<h4>提议</h4>" in page
    assert _counted(page) == ["这套房屋还没有投票。"]
    assert page.count('class="equal') == 3  # 同意 / 反对 / 弃权 side by side, same weight
    resident_votes(client, pid, "approve")
    saved = client.get("/my/votes?saved=1", headers=HTML).text
    assert "您的投票已保存" in saved and _counted(saved) == ["目前计为：同意"]
    assert 'aria-pressed="true">同意' in saved
    resident_votes(client, pid, "oppose")
    assert _counted(client.get("/my/votes", headers=HTML).text) == ["目前计为：反对"]
    fix_clock(site, now + timedelta(days=8))  # the week is over
    late = client.get("/my/votes", headers=HTML).text
    assert "现在不在投票时间内" in late and 'class="equal' not in late


def test_a_closed_vote_refuses_the_resident_and_shows_the_result(
    client: TestClient, site: Site
) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "staff")
    pid = publish(client, site, now)  # voting lasts the minimum: seven days
    client.cookies.clear()
    sign_in(client, "resident")
    page = client.get("/my/votes", headers=HTML).text
    unit = re.search(r'name="unit_id" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    resident_votes(client, pid, "approve")
    client.cookies.clear()
    sign_in(client, "staff")
    fix_clock(site, now + timedelta(days=8))  # the week is over
    confirm = client.get(f"{votes_url(site)}/{pid}/close", headers=HTML)
    client.post(
        f"{votes_url(site)}/{pid}/close", data={"csrf_token": csrf_of(confirm.text)}, headers=HTML
    )
    client.cookies.clear()
    sign_in(client, "resident")
    closed = client.get("/my/votes", headers=HTML).text
    assert "表决未通过" in closed and "按面积" in closed
    assert 'name="choice"' not in closed
    refused = client.post(
        f"/my/votes/{pid}",
        data={
            "csrf_token": csrf_of(client.get("/my/questions", headers=HTML).text),
            "unit_id": unit,
            "choice": "oppose",
        },
        headers=HTML,
    )
    assert refused.status_code == 409 and "该表决已结束" in refused.text


def test_a_resident_cannot_vote_for_someone_elses_unit_or_without_a_choice(
    client: TestClient, site: Site
) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "yeweihui")
    pid = publish(client, site, now)
    detail = client.get(f"{votes_url(site)}/{pid}", headers=HTML).text
    units = re.findall(r'<option value="([^"|]+)\|', detail)
    client.cookies.clear()
    sign_in(client, "resident")
    page = client.get("/my/votes", headers=HTML).text
    mine = re.search(r'name="unit_id" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    other = next(u for u in units if u != mine)
    token = csrf_of(page)
    foreign = client.post(
        f"/my/votes/{pid}",
        data={"csrf_token": token, "unit_id": other, "choice": "approve"},
        headers=HTML,
    )
    assert foreign.status_code == 403 and "业主名册中没有" in foreign.text
    blank = client.post(
        f"/my/votes/{pid}", data={"csrf_token": token, "unit_id": mine}, headers=HTML
    )
    assert blank.status_code == 422 and "请选择同意、反对或弃权" in blank.text


def test_office_accounts_have_no_ballot_page(client: TestClient) -> None:
    sign_in(client, "yeweihui")
    assert client.get("/my/votes", headers=HTML).status_code == 403
    assert client.get("/my/questions", headers=HTML).status_code == 403


def test_a_resident_asks_publicly_or_privately_and_sees_the_answers(
    client: TestClient, site: Site
) -> None:
    fix_clock(site, datetime.now(UTC))
    sign_in(client, "resident")
    form = client.get("/my/questions", headers=HTML).text
    assert "不显示您的姓名" in form
    ask(client, "谁批准了人脸识别？谁来监管？")
    ask(client, "我家老人能不能只用卡？", visibility="private")
    mine = client.get("/my/questions?saved=1", headers=HTML).text
    assert "您的问题已提交" in mine
    assert "谁批准了人脸识别" in mine and "我家老人能不能只用卡" in mine
    assert mine.count("尚未答复") == 2
    client.cookies.clear()
    sign_in(client, "staff")
    office = client.get(f"/office/c/{site.world.community_id}/questions", headers=HTML).text
    for qid in re.findall(r'id="q-([0-9a-f-]+)"', office):
        client.post(
            f"/office/c/{site.world.community_id}/questions/{qid}/answers",
            data={
                "csrf_token": csrf_of(office),
                "text": "业委会表决通过，街道监管。",
                "speaking_for": "业主委员会",
            },
            headers=HTML,
        )
    public = client.get(f"/c/{site.world.community_id}").text
    assert "谁批准了人脸识别" in public and "业委会表决通过，街道监管。" in public
    assert "我家老人能不能只用卡" not in public  # a private question stays private
    client.cookies.clear()
    sign_in(client, "resident")
    answered = client.get("/my/questions", headers=HTML).text
    assert answered.count("业委会表决通过，街道监管。") == 2


def test_an_empty_question_is_explained_and_nothing_is_stored(
    client: TestClient, site: Site
) -> None:
    fix_clock(site, datetime.now(UTC))
    sign_in(client, "resident")
    token = csrf_of(client.get("/my/questions", headers=HTML).text)
    empty = client.post(
        "/my/questions",
        data={"csrf_token": token, "text": "   ", "visibility": "public"},
        headers=HTML,
    )
    assert empty.status_code == 422 and "请先写下您的问题再提交" in empty.text
    too_long = client.post(
        "/my/questions", data={"csrf_token": token, "text": "问" * 4001}, headers=HTML
    )
    assert too_long.status_code == 422 and "4000" in too_long.text
    assert "问" * 4001 in too_long.text  # what was typed is kept in the form
    assert "您还没有提过问题" in client.get("/my/questions", headers=HTML).text


def test_the_public_page_shows_the_result_figures_and_the_notices(
    client: TestClient, site: Site
) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "staff")
    pid = publish(client, site, now)  # voting lasts the minimum: seven days
    notices = f"/office/c/{site.world.community_id}/public-notices"
    token = csrf_of(client.get(notices, headers=HTML).text)
    for title in ("当前的公示", "已撤下的公示"):
        client.post(
            notices,
            data={
                "csrf_token": token,
                "title": title,
                "body": f"{title}的内容",
                "starts_on": "2020-01-01",
                "minimum_days": "7",
                "channels": "public_page",
            },
            headers=HTML,
        )
    listing = client.get(notices, headers=HTML).text
    ids = re.findall(r'id="n-([0-9a-f-]+)"', listing)
    for nid in ids:
        client.post(
            f"{notices}/{nid}/postings",
            data={
                "csrf_token": token,
                "place": "public_page|page",
                "posted_at": local(now - timedelta(days=3)),
            },
            headers=HTML,
        )
    taken = next(
        n for n in ids if "已撤下的公示" in listing.split(f'id="n-{n}"')[1].split("</section>")[0]
    )
    client.post(
        f"{notices}/{taken}/take-down",
        data={"csrf_token": token, "place": "public_page|page"},
        headers=HTML,
    )
    fix_clock(site, now + timedelta(days=8))  # the week is over
    confirm = client.get(f"{votes_url(site)}/{pid}/close", headers=HTML)
    client.post(
        f"{votes_url(site)}/{pid}/close", data={"csrf_token": csrf_of(confirm.text)}, headers=HTML
    )
    public = client.get(f"/c/{site.world.community_id}").text
    vote = public.split("<h2>业主表决</h2>")[1]
    assert "按面积" in vote and "按人数" in vote
    assert re.search(r"0 / [\d.]+ m² \(0\.0%\)", vote)
    assert "表决未通过" in vote and "未达到" in vote
    current, past = public.split("以往的公示")
    assert "当前的公示" in current and "已公示 10 天" in current
    assert "已撤下的公示" in past
