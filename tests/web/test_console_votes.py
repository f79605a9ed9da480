"""The owners'-vote pages of the office and the committee: publish (for at least the minimum
voting period), follow the count, the committee enters paper ballots, close."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from .conftest import Site
from .forms import HTML, csrf_of, sign_in

LOCAL = ZoneInfo("Asia/Shanghai")


def local(moment: datetime) -> str:
    """A moment as a ``datetime-local`` field takes it, in the community's time."""
    return moment.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M")


def votes_url(site: Site) -> str:
    return f"/office/c/{site.world.community_id}/votes"


def fix_clock(site: Site, moment: datetime) -> None:
    site.app.state.clock = lambda: moment  # type: ignore[attr-defined]


def publish(client: TestClient, site: Site, now: datetime, **fields: str) -> str:
    """Publish a proposal through the form (signed in already); its id."""
    form = client.get(votes_url(site), headers=HTML)
    data = {
        "csrf_token": csrf_of(form.text),
        "title": "在小区门禁启用人脸识别",
        "full_text": "## 提议\n在南大门启用人脸识别，刷卡、密码、二维码照常可用。",
        "notice_text": "",
        "opens_at": local(now - timedelta(minutes=5)),
        "closes_at": local(now + timedelta(days=7)),
        "rule": "ordinary",
        "subject": "face_recognition",
    } | fields
    done = client.post(votes_url(site), data=data, headers=HTML, follow_redirects=False)
    assert done.status_code == 303, done.text
    return done.headers["location"].rsplit("/", 1)[1]


def resident_votes(client: TestClient, pid: str, choice: str) -> None:
    page = client.get("/my/votes", headers=HTML)
    unit = re.search(rf'action="/my/votes/{pid}".*?name="unit_id" value="([^"]+)"', page.text, re.S)
    assert unit, page.text
    cast = client.post(
        f"/my/votes/{pid}",
        data={"csrf_token": csrf_of(page.text), "unit_id": unit.group(1), "choice": choice},
        headers=HTML,
        follow_redirects=False,
    )
    assert cast.status_code == 303, cast.text


def test_the_committee_publishes_a_proposal_and_sees_it_listed(
    client: TestClient, site: Site
) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "yeweihui")
    pid = publish(client, site, now, rule="art278_items_6_to_8")
    listing = client.get(votes_url(site), headers=HTML).text
    assert "在小区门禁启用人脸识别" in listing and "投票中" in listing
    assert "四分之三" in listing  # the strict rule is explained in plain words
    detail = client.get(f"{votes_url(site)}/{pid}", headers=HTML)
    assert detail.status_code == 200
    assert "<h4>提议</h4>" in detail.text
    assert "目前计票" in detail.text and "0.0%" in detail.text
    assert "录入纸质表决票" in detail.text  # the committee enters the paper ballots


def test_hostile_titles_are_escaped(client: TestClient, site: Site) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "staff")
    pid = publish(client, site, now, title='<script>alert("x")</script>')
    for url in (votes_url(site), f"{votes_url(site)}/{pid}"):
        page = client.get(url, headers=HTML).text
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page


def test_bad_input_shows_the_form_again_with_a_plain_reason(client: TestClient, site: Site) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "yeweihui")
    form = client.get(votes_url(site), headers=HTML)
    bad = {
        "csrf_token": csrf_of(form.text),
        "title": "保留我写的标题",
        "full_text": "全文",
        "opens_at": "not a time",
        "closes_at": local(now),
        "rule": "ordinary",
    }
    refused = client.post(votes_url(site), data=bad, headers=HTML)
    assert refused.status_code == 422
    assert "请填写投票开始的日期和时间" in refused.text
    assert 'value="保留我写的标题"' in refused.text  # nothing typed is lost
    backwards = bad | {"opens_at": local(now + timedelta(days=2)), "rule": "ordinary"}
    refused = client.post(votes_url(site), data=backwards, headers=HTML)
    assert refused.status_code == 422 and "截止时间必须晚于开始时间" in refused.text
    no_rule = bad | {"opens_at": local(now), "closes_at": local(now + timedelta(days=1))}
    refused = client.post(votes_url(site), data=no_rule | {"rule": "majority"}, headers=HTML)
    assert refused.status_code == 422 and "请选择表决规则" in refused.text
    assert "保留我写的标题" not in client.get(votes_url(site), headers=HTML).text


def _enter_paper(client: TestClient, site: Site, pid: str, page: str, owner: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"{votes_url(site)}/{pid}/paper-ballots",
        data={
            "csrf_token": csrf_of(page),
            "owner": owner,
            "choice": "oppose",
            "signed_at": fields.pop("signed_at", ""),
            "reference": "No. 0001",
        }
        | fields,
        headers=HTML,
    )


def test_the_committee_enters_paper_ballots_once_per_unit_and_paper_named_in_the_record(
    client: TestClient, site: Site
) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "yeweihui")
    pid = publish(client, site, now)
    detail = client.get(f"{votes_url(site)}/{pid}", headers=HTML)
    assert "录入纸质表决票" in detail.text and "纸质票编号" in detail.text
    owners = re.findall(r'<option value="([^"|]+\|[^"]+)">([^<]+)</option>', detail.text)
    assert len(owners) >= 30
    (unit_owner, label), (other_owner, _) = owners[1], owners[5]
    entered = _enter_paper(client, site, pid, detail.text, unit_owner, signed_at=local(now))
    assert entered.status_code == 200
    page = entered.text
    assert "已录入的纸质票" in page and "No. 0001" in page
    assert label.split(" · ")[0] in page and "yeweihui" in page
    assert "网上投票数</dt><dd>0<" in page and "纸质票数</dt><dd>1<" in page
    assert "反对" not in page.split("已录入的纸质票")[1]  # the committee's list shows no choice

    again = _enter_paper(
        client, site, pid, page, unit_owner, signed_at=local(now), reference="No. 0002"
    )
    assert again.status_code == 409 and "该房屋已录入纸质表决票" in again.text
    same_paper = _enter_paper(client, site, pid, page, other_owner, signed_at=local(now))
    assert (
        same_paper.status_code == 409
        and "编号为 No. 0001 的纸质表决票已经录入过" in same_paper.text
    )
    assert "纸质票数</dt><dd>1<" in same_paper.text

    client.cookies.clear()
    sign_in(client, "staff")
    office = client.get(f"{votes_url(site)}/{pid}", headers=HTML).text
    assert "纸质票，由 yeweihui 录入" in office  # the office's record names who entered it
    assert "录入纸质表决票" not in office  # and the office itself cannot enter one


def test_a_paper_ballot_for_a_unit_that_voted_online_is_refused_on_the_page(
    client: TestClient, site: Site
) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "yeweihui")
    pid = publish(client, site, now)
    client.cookies.clear()
    sign_in(client, "resident")
    mine = client.get("/my/votes", headers=HTML).text
    unit = re.search(r'name="unit_id" value="([^"]+)"', mine).group(1)  # type: ignore[union-attr]
    resident_votes(client, pid, "approve")
    client.cookies.clear()
    sign_in(client, "yeweihui")
    detail = client.get(f"{votes_url(site)}/{pid}", headers=HTML).text
    owner = re.search(rf'<option value="({unit}\|[^"]+)">', detail).group(1)  # type: ignore[union-attr]

    refused = _enter_paper(client, site, pid, detail, owner, signed_at=local(now))

    assert refused.status_code == 409 and "业主已在网上投票" in refused.text
    assert "网上投票数</dt><dd>1<" in refused.text and "纸质票数</dt><dd>0<" in refused.text


def test_a_paper_ballot_without_an_owner_choice_or_number_is_explained(
    client: TestClient, site: Site
) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "yeweihui")
    pid = publish(client, site, now)
    detail = client.get(f"{votes_url(site)}/{pid}", headers=HTML)
    url = f"{votes_url(site)}/{pid}/paper-ballots"
    token = csrf_of(detail.text)
    missing = client.post(url, data={"csrf_token": token, "choice": "approve"}, headers=HTML)
    assert missing.status_code == 422 and "请选择房屋和签字的业主" in missing.text
    owner = re.search(r'<option value="([^"|]+\|[^"]+)">', detail.text).group(1)  # type: ignore[union-attr]
    odd = _enter_paper(client, site, pid, detail.text, owner, signed_at=local(now), choice="yes")
    assert odd.status_code == 422 and "请选择同意、反对或弃权" in odd.text
    unnumbered = _enter_paper(
        client, site, pid, detail.text, owner, signed_at=local(now), reference=" "
    )
    assert unnumbered.status_code == 422 and "请填写纸质表决票上印的编号" in unnumbered.text
    stranger = _enter_paper(
        client, site, pid, detail.text, owner.split("|")[0] + "|someone-else",
        signed_at=local(now),
    )  # fmt: skip
    assert stranger.status_code == 403 and "业主名册中没有" in stranger.text
    assert "已录入的纸质票" not in client.get(f"{votes_url(site)}/{pid}", headers=HTML).text


def test_the_office_cannot_enter_paper_ballots(client: TestClient, site: Site) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "staff")
    pid = publish(client, site, now)
    page = client.get(f"{votes_url(site)}/{pid}", headers=HTML)
    assert "录入纸质表决票" not in page.text
    refused = client.post(
        f"{votes_url(site)}/{pid}/paper-ballots",
        data={"csrf_token": csrf_of(page.text), "owner": "a|b", "choice": "approve"},
        headers=HTML,
    )
    assert refused.status_code == 403


def test_a_vote_shorter_than_the_minimum_is_refused_with_the_form_kept(
    client: TestClient, site: Site
) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "yeweihui")
    form = client.get(votes_url(site), headers=HTML)
    assert "投票期至少 7 天" in form.text
    refused = client.post(
        votes_url(site),
        data={
            "csrf_token": csrf_of(form.text),
            "title": "今晚十二分钟内表决",
            "full_text": "全文",
            "opens_at": local(now),
            "closes_at": local(now + timedelta(minutes=12)),
            "rule": "ordinary",
            "subject": "face_recognition",
        },
        headers=HTML,
    )
    assert refused.status_code == 422 and "投票期间不能短于 7 天" in refused.text
    assert 'value="今晚十二分钟内表决"' in refused.text
    assert "今晚十二分钟内表决" not in client.get(votes_url(site), headers=HTML).text


def test_residents_and_supervisors_cannot_open_the_vote_pages(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "resident")
    assert client.get(votes_url(site), headers=HTML).status_code == 403
    client.cookies.clear()
    sign_in(client, "jianguan")
    assert client.get(votes_url(site), headers=HTML).status_code == 403


def test_closing_asks_first_fixes_the_result_and_refuses_changes(
    client: TestClient, site: Site
) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "yeweihui")
    pid = publish(client, site, now)  # voting lasts the minimum: seven days
    detail = client.get(f"{votes_url(site)}/{pid}", headers=HTML).text
    assert "投票期结束后才能结束表决并计票" in detail
    client.cookies.clear()
    sign_in(client, "resident")
    resident_votes(client, pid, "approve")
    client.cookies.clear()
    sign_in(client, "yeweihui")
    fix_clock(site, now + timedelta(days=8))  # the week is over
    detail = client.get(f"{votes_url(site)}/{pid}", headers=HTML).text
    assert f"{votes_url(site)}/{pid}/close" in detail
    assert "已收到表决票</dt><dd>1<" in detail
    assert "有效表决票" not in detail and "<td>网上投票</td>" not in detail  # no choice shown
    confirm = client.get(f"{votes_url(site)}/{pid}/close", headers=HTML)
    assert "结束后不能再录入或更改任何表决票" in confirm.text
    closed = client.post(
        f"{votes_url(site)}/{pid}/close", data={"csrf_token": csrf_of(confirm.text)}, headers=HTML
    )
    assert closed.status_code == 200
    assert "表决未通过" in closed.text and "未达到" in closed.text  # one unit of forty voted
    assert "按面积" in closed.text and "按人数" in closed.text
    assert "<form" not in closed.text.split('class="console-body"')[1]  # the forms are gone
    again = client.post(
        f"{votes_url(site)}/{pid}/close", data={"csrf_token": csrf_of(confirm.text)}, headers=HTML
    )
    assert again.status_code == 409 and "该表决已结束" in again.text
    paper = client.post(
        f"{votes_url(site)}/{pid}/paper-ballots",
        data={
            "csrf_token": csrf_of(client.get(votes_url(site), headers=HTML).text),
            "owner": "a|b",
            "choice": "approve",
            "signed_at": local(now),
            "reference": "No. 0099",
        },
        headers=HTML,
    )
    assert paper.status_code == 409 and "该表决已结束" in paper.text
    listing = client.get(votes_url(site), headers=HTML).text
    assert "已结束：未通过" in listing


def test_closing_before_the_period_ends_is_refused_plainly(client: TestClient, site: Site) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "staff")
    pid = publish(client, site, now)
    confirm = client.get(f"{votes_url(site)}/{pid}/close", headers=HTML)
    early = client.post(
        f"{votes_url(site)}/{pid}/close", data={"csrf_token": csrf_of(confirm.text)}, headers=HTML
    )
    assert early.status_code == 409 and "投票期间尚未结束" in early.text


def test_a_form_without_its_token_changes_nothing(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    refused = client.post(votes_url(site), data={"title": "x"}, headers=HTML)
    assert refused.status_code == 403
    assert "暂无" in client.get(votes_url(site), headers=HTML).text


def test_the_pages_speak_english_on_request(client: TestClient, site: Site) -> None:
    now = datetime.now(UTC)
    fix_clock(site, now)
    sign_in(client, "staff")
    pid = publish(client, site, now)  # voting lasts the minimum: seven days
    client.cookies.set("menwei_lang", "en")
    listing = client.get(votes_url(site), headers=HTML).text
    assert "Put a new proposal to the owners" in listing and "Open for voting" in listing
    fix_clock(site, now + timedelta(days=8))  # the week is over
    confirm = client.get(f"{votes_url(site)}/{pid}/close", headers=HTML)
    closed = client.post(
        f"{votes_url(site)}/{pid}/close", data={"csrf_token": csrf_of(confirm.text)}, headers=HTML
    ).text
    assert "The proposal did not pass." in closed
    assert "of the private floor area and" in closed  # the result's own words, in English
