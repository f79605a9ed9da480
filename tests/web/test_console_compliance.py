"""The office's compliance page: conditions with ✓/✗, the switch, filing and the assessment."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from menwei.server.services.compliance import Condition
from menwei.server.web.console.compliance import checks

from .conftest import Site
from .forms import HTML, csrf_of, sign_in

ANSWERS = {
    "purpose_and_method": "仅用于小区门禁通行，本地比对，不保存照片。",
    "impact_and_risks": "人脸特征泄露的风险；已加密保存并限制访问。",
    "safeguards": "每人一把密钥，审计日志，删除凭证。",
    "alternatives_offered": "门禁卡、密码和二维码始终可用。",
    "conclusion": "风险可控，可以在业主同意后开启。",
}


def _page(site: Site) -> str:
    return f"/office/c/{site.world.community_id}/compliance"


def _marks(html: str) -> dict[str, str]:
    """Each condition's name and its mark."""
    items = re.findall(
        r'<li class="(ok|unmet)">.*?<strong>(.*?)</strong>',
        html[html.find('class="checks"') :],
        re.S,
    )
    return {name: state for state, name in items}


def test_staff_see_every_condition_with_its_mark_and_next_step(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    page = client.get(_page(site))
    assert page.status_code == 200, page.text
    marks = _marks(page.text)
    assert marks["已发布个人信息处理规则告知书"] == "unmet"
    assert marks["已完成并保存个人信息保护影响评估"] == "unmet"
    assert marks["每个可刷脸的门都同时支持门禁卡、密码或二维码"] == "ok"
    assert "下一步：" in page.text and "填写下方的影响评估表" in page.text
    assert "未开启" in page.text and "开启人脸识别" in page.text
    assert "存有人脸信息的人数" in page.text and "未达备案门槛" in page.text
    notices = f"/office/c/{site.world.community_id}/public-notices"
    in_nav = f'<a href="{notices}">' in page.text[: page.text.find("</nav>")]
    assert (f'<a href="{notices}">前往办理</a>' in page.text) == in_nav


def test_switching_on_is_refused_with_the_plain_reasons(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    token = csrf_of(client.get(_page(site)).text)
    refused = client.post(
        f"{_page(site)}/face-recognition", data={"csrf_token": token, "enabled": "on"}
    )
    assert refused.status_code == 409
    assert "暂不能开启人脸识别" in refused.text and 'role="alert"' in refused.text
    assert "<strong>未开启</strong>" in refused.text


def test_an_assessment_missing_an_answer_is_named_and_kept(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    token = csrf_of(client.get(_page(site)).text)
    partial = ANSWERS | {"conclusion": "  ", "safeguards": "<img src=x onerror=alert(1)>"}
    refused = client.post(f"{_page(site)}/assessment", data={"csrf_token": token, **partial})
    assert refused.status_code == 422
    assert "影响评估缺少" in refused.text
    assert ANSWERS["purpose_and_method"] in refused.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in refused.text and "<img src=x" not in refused.text
    saved = client.post(
        f"{_page(site)}/assessment",
        data={"csrf_token": token, **ANSWERS},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "影响评估已保存" in page.text and "最近一次由" in page.text
    assert _marks(page.text)["已完成并保存个人信息保护影响评估"] == "ok"


def test_switching_on_when_every_condition_holds_and_off_again(
    client: TestClient, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from menwei.server.services import compliance

    monkeypatch.setattr(compliance, "activation_unmet", lambda *args: [])
    sign_in(client, "staff")
    token = csrf_of(client.get(_page(site)).text)
    on = client.post(f"{_page(site)}/face-recognition", data={"csrf_token": token, "enabled": "on"})
    assert on.status_code == 200 and "人脸识别已开启" in on.text
    assert "<strong>已开启</strong>" in on.text and "自 " in on.text
    off = client.post(
        f"{_page(site)}/face-recognition", data={"csrf_token": token, "enabled": "off"}
    )
    assert off.status_code == 200 and "人脸识别已关闭" in off.text
    assert "<strong>未开启</strong>" in off.text


def test_a_bad_switch_value_is_refused_as_a_page(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    token = csrf_of(client.get(_page(site)).text)
    odd = client.post(
        f"{_page(site)}/face-recognition",
        data={"csrf_token": token, "enabled": "maybe"},
        headers=HTML,
    )
    assert odd.status_code == 422 and "<html" in odd.text


def test_conditions_are_shown_generically() -> None:
    unmet = [
        Condition("no_assessment", "缺少影响评估。", "No assessment."),
        Condition("something_new", "新条件未满足。", "A new condition."),
    ]
    shown = {c.key: c for c in checks(unmet, False, ["车库人脸门"], "zh-CN")}
    assert not shown["assessment"].ok and shown["assessment"].why == "缺少影响评估。"
    assert shown["notice"].ok and shown["display"].ok
    assert shown["vote_not_required"].ok and "vote" not in shown
    assert not shown["alternatives"].ok
    assert (
        not shown["other:something_new"].ok and shown["other:something_new"].why == "新条件未满足。"
    )
    english = {c.key: c for c in checks(unmet, False, [], "en")}
    assert english["assessment"].why == "No assessment." and english["alternatives"].ok


@pytest.mark.parametrize("login", ["resident", "jianguan"])
def test_who_may_not_see_compliance_is_refused(client: TestClient, site: Site, login: str) -> None:
    sign_in(client, login)
    assert client.get(_page(site), headers=HTML).status_code == 403
    token = csrf_of(client.get("/signin").text)
    switched = client.post(
        f"{_page(site)}/face-recognition",
        data={"csrf_token": token, "enabled": "off"},
        headers=HTML,
    )
    assert switched.status_code == 403


def test_the_committee_reads_the_compliance_status_but_cannot_switch(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "yeweihui")
    page = client.get(_page(site), headers=HTML)
    assert page.status_code == 200
    assert 'class="checks"' in page.text and "unmet" in page.text
    assert 'action="' + _page(site) + '/face-recognition"' not in page.text
    assert 'action="' + _page(site) + '/assessment"' not in page.text
    token = csrf_of(page.text)
    switched = client.post(
        f"{_page(site)}/face-recognition", data={"csrf_token": token, "enabled": "on"}
    )
    assert switched.status_code == 403


def test_another_communitys_compliance_looks_absent(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    token = csrf_of(client.get(_page(site)).text)
    other = "/office/c/00000000-0000-4000-8000-000000000000/compliance"
    assert client.get(other, headers=HTML).status_code == 404
    moved = client.post(f"{other}/assessment", data={"csrf_token": token, **ANSWERS}, headers=HTML)
    assert moved.status_code == 404
