"""The office publishes and revises the processing notice from the console, and reads back the
impact assessment it recorded."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import Site
from .forms import csrf_of, sign_in

FIELDS = {
    "responsible_contact": "0571-88888888",
    "supervisor": "杭州市西湖区网信办 0571-12345678",
    "purpose": "小区出入口通行身份核验。",
    "method": "门口设备现场比对人脸特征，不保存照片。",
    "alternatives": "门禁卡、密码、二维码照常可用。",
    "how_to_withdraw": "在“我的数据”中撤回，或到物业服务中心书面申请。",
    "how_to_access": "在“我的数据”中查看和下载。",
    "how_to_delete": "撤回同意即删除，并出具删除凭证。",
    "retention_days": "1095",
    "moved_out_days": "30",
}


def _page(site: Site) -> str:
    return f"/office/c/{site.world.community_id}/notice"


def test_the_office_publishes_then_revises_the_notice_and_residents_can_read_it(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    first = client.get(_page(site))
    assert first.status_code == 200
    assert "尚未发布处理规则" in first.text
    assert 'href="/office/c/' in first.text and "处理规则" in first.text
    published = client.post(
        _page(site),
        data={"csrf_token": csrf_of(first.text), **FIELDS},
        follow_redirects=False,
    )
    assert published.status_code == 303
    shown = client.get(published.headers["location"])
    assert "已发布新版处理规则" in shown.text and "第 1 版" in shown.text
    revised = client.post(
        _page(site),
        data={"csrf_token": csrf_of(shown.text), **FIELDS, "retention_days": "730"},
        follow_redirects=False,
    )
    assert revised.status_code == 303
    public = client.get(f"/api/v1/communities/{site.world.community_id}/notice").json()
    assert public["version"] == 2 and public["content"]["retention_days"] == 730
    assert public["content"]["supervisor"] == FIELDS["supervisor"]
    # the processor's details come from its records, not from the form
    assert public["content"]["processor_name"] == "杭州安居物业服务有限公司"


def test_an_emptied_field_or_a_bad_period_is_named_and_nothing_is_published(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    token = csrf_of(client.get(_page(site)).text)
    empty = client.post(_page(site), data={"csrf_token": token, **FIELDS, "purpose": "  "})
    assert empty.status_code == 422 and "处理目的" in empty.text
    assert FIELDS["method"] in empty.text  # what was typed is kept
    bad = client.post(_page(site), data={"csrf_token": token, **FIELDS, "retention_days": "-1"})
    assert bad.status_code == 422 and "1 至 3650" in bad.text
    nothing = client.get(f"/api/v1/communities/{site.world.community_id}/notice")
    assert nothing.status_code == 404


def test_residents_and_the_committee_cannot_publish(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    token = csrf_of(client.get(_page(site)).text)
    client.post("/signout", data={"csrf_token": token})
    for login in ("resident", "yeweihui"):
        client.cookies.clear()
        sign_in(client, login)
        signin_token = csrf_of(client.get("/signin").text)
        refused = client.post(_page(site), data={"csrf_token": signin_token, **FIELDS})
        assert refused.status_code in (403, 404), (login, refused.status_code)
    assert client.get(f"/api/v1/communities/{site.world.community_id}/notice").status_code == 404


def test_the_office_reads_back_the_assessment_it_recorded(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    url = f"/office/c/{site.world.community_id}/compliance"
    answers = {
        "purpose_and_method": "仅用于门禁通行核验。",
        "impact_and_risks": "特征泄露的风险。",
        "safeguards": "加密保存，每人一把密钥。",
        "alternatives_offered": "门禁卡、密码、二维码。",
        "conclusion": "可在业主同意后开启。",
    }
    token = csrf_of(client.get(url).text)
    client.post(f"{url}/assessment", data={"csrf_token": token, **answers})
    page = client.get(url).text
    saved = page[page.find('class="saved-assessment"') :]
    for answer in answers.values():
        assert answer in saved
