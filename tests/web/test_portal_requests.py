"""A resident's rights requests in the portal, and the confirmation before erasing a face.

Through HTTP as the browser sends it: each kind of request lands in the office's list with its
deadline, the resident reads the answer and, for access or copy, gets their own export; every
step shows in their log; hostile text is refused without a trace; nothing is erased without
the confirmation.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from menwei.privacy.rights import RequestState
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork

from .conftest import Site
from .forms import HTML, csrf_of, sign_in


def _stored(site: Site) -> list:  # type: ignore[type-arg]
    uow = UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]
    with uow:
        return PrivacyStore(uow.session).requests.open_in(site.world.community_id)


def _file(client: TestClient, kind: str, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/my/requests").text)
    return client.post(
        "/my/requests",
        data={"csrf_token": token, "kind": kind, **fields},
        headers=HTML,
        follow_redirects=False,
    )


def _zone(site: Site) -> ZoneInfo:
    uow = UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]
    from menwei.store.scope import CommunityScope

    with uow:
        return ZoneInfo(
            uow.places.community(site.world.community_id, CommunityScope.all()).timezone
        )


def test_each_kind_lands_in_the_office_list_with_its_deadline(
    client: TestClient, site: Site
) -> None:
    sign_in(client)
    page = client.get("/my/requests")
    assert page.status_code == 200
    for words in ("查阅", "复制", "更正", "删除", "我的申请"):
        assert words in page.text
    for kind in ("access", "copy", "deletion"):
        sent = _file(client, kind)
        assert sent.status_code == 303 and sent.headers["location"] == f"/my/requests?sent={kind}"
    sent = _file(client, "correction", wrong="我的电话号码", correct="13800001111")
    assert sent.status_code == 303
    stored = _stored(site)
    assert sorted(r.kind.value for r in stored) == ["access", "copy", "correction", "deletion"]
    correction = next(r for r in stored if r.kind.value == "correction")
    assert "我的电话号码" in correction.details and "13800001111" in correction.details
    due = correction.due_at.astimezone(_zone(site)).strftime("%Y-%m-%d %H:%M")
    assert correction.due_at - correction.received_at == timedelta(days=15)
    mine = client.get("/my/requests?sent=correction")
    assert "您的申请已提交" in mine.text and due in mine.text
    assert mine.text.count('data-state="open"') == 4
    client.cookies.clear()
    sign_in(client, "staff")
    office = client.get(f"/office/c/{site.world.community_id}/requests")
    assert office.text.count("/fulfil") == 4 and due in office.text
    assert "13800001111" in office.text


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"kind": "correction", "wrong": "", "correct": "13800001111"}, "哪一项信息有误"),
        ({"kind": "correction", "wrong": "电话", "correct": "1380\u202e0001111"}, "控制字符"),
        ({"kind": "correction", "wrong": "电话" * 150, "correct": "138"}, "过长"),
        ({"kind": "access", "details": "请给我\u200b看"}, "控制字符"),
        ({"kind": "access", "details": "长" * 4001}, "过长"),
        ({"kind": "access", "wrong": "电话", "correct": "138"}, "只有更正申请"),
        ({"kind": "everything"}, "请选择四种申请之一"),
    ],
)
def test_bad_or_hostile_text_is_refused_plainly_and_nothing_is_filed(
    client: TestClient, site: Site, fields: dict[str, str], says: str
) -> None:
    sign_in(client)
    kind = fields.pop("kind")
    refused = _file(client, kind, **fields)
    assert refused.status_code == 422
    assert says in refused.text and 'role="alert"' in refused.text
    assert _stored(site) == []


def test_an_over_long_field_is_refused_without_a_stack_trace(
    client: TestClient, site: Site
) -> None:
    sign_in(client)
    refused = _file(client, "access", details="长" * 9000)
    assert refused.status_code in (413, 422)
    assert "Traceback" not in refused.text
    assert _stored(site) == []


def test_the_answer_and_the_export_reach_the_resident_and_the_log_says_so(
    client: TestClient, site: Site
) -> None:
    sign_in(client)
    _file(client, "access")
    _file(client, "correction", wrong="门牌号", correct="3 幢 2 单元 501")
    access = next(r for r in _stored(site) if r.kind.value == "access")
    correction = next(r for r in _stored(site) if r.kind.value == "correction")
    staff = TestClient(site.app, base_url="https://testserver")  # type: ignore[arg-type]
    sign_in(staff, "staff")
    base = f"/office/c/{site.world.community_id}/requests"
    token = csrf_of(staff.get(base).text)
    assert staff.post(f"{base}/{access.id}/fulfil", data={"csrf_token": token}).status_code == 200
    reason = "门牌号与房产登记一致，无需更正，如有疑问请来物业办公室。"
    refused = staff.post(
        f"{base}/{correction.id}/refuse", data={"csrf_token": token, "reason": reason}
    )
    assert refused.status_code == 200
    mine = client.get("/my/requests").text
    assert reason in mine
    row = re.search(rf'<tr id="request-{access.id}" data-state="fulfilled">(.*?)</tr>', mine, re.S)
    assert row, "the fulfilled request is not shown as fulfilled"
    export_link = re.search(r'href="(/api/v1/me/privacy/export\?format=html)"', row.group(1))
    assert export_link
    export = client.get(export_link.group(1))
    assert export.status_code == 200 and "您的个人信息" in export.text
    bundle = client.get("/api/v1/me/privacy/export").json()
    states = {r["id"]: r["state"] for r in bundle["rights_requests"]}
    assert states[str(access.id)] == "fulfilled" and states[str(correction.id)] == "refused"
    log = client.get("/my/data").text
    assert log.count("您提出申请：") == 2
    assert "物业已办理您的申请" in log and "物业拒绝了您的申请并说明了理由" in log
    assert "staff(" not in log  # the office by name, never an account id
    staff.close()


def test_nothing_is_erased_without_the_confirmation(client: TestClient, site: Site) -> None:
    site.publish_notice()
    sign_in(client)
    question = client.get("/my/consent")
    client.post("/my/consent", data={"csrf_token": csrf_of(question.text), "answer": "agree"})
    data_page = client.get("/my/data").text
    assert 'href="/my/erase"' in data_page
    confirm = client.get("/my/erase")
    assert confirm.status_code == 200
    assert "删除后无法恢复，门禁将改用门卡/密码/二维码" in confirm.text
    token = csrf_of(confirm.text)
    unconfirmed = client.post("/my/erase", data={"csrf_token": token}, headers=HTML)
    assert unconfirmed.status_code == 422 and "尚未删除任何数据" in unconfirmed.text
    held = client.get("/api/v1/me/privacy").json()
    assert held["face_data"]["consent_live"] is True
    wrong = client.post("/my/erase", data={"csrf_token": token, "confirmed": "no"}, headers=HTML)
    assert wrong.status_code == 422
    assert client.get("/api/v1/me/privacy").json()["face_data"]["consent_live"] is True
    done = client.post("/my/erase", data={"csrf_token": token, "confirmed": "yes"})
    assert done.status_code == 200 and "删除凭证" in done.text
    assert client.get("/api/v1/me/privacy").json()["face_data"]["consent_live"] is False


def test_closed_requests_keep_their_state_after_a_day(client: TestClient, site: Site) -> None:
    """The list keeps closed requests with the closing time in local time."""
    sign_in(client)
    _file(client, "copy")
    copy = _stored(site)[0]
    staff = TestClient(site.app, base_url="https://testserver")  # type: ignore[arg-type]
    sign_in(staff, "staff")
    base = f"/office/c/{site.world.community_id}/requests"
    staff.post(f"{base}/{copy.id}/fulfil", data={"csrf_token": csrf_of(staff.get(base).text)})
    uow = UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]
    with uow:
        closed = PrivacyStore(uow.session).requests.get(copy.id)
    assert closed is not None and closed.state is RequestState.FULFILLED
    assert closed.closed_at is not None
    local_close = closed.closed_at.astimezone(_zone(site)).strftime("%Y-%m-%d %H:%M")
    assert local_close in client.get("/my/requests").text
    assert datetime.now(_zone(site)).strftime("%Y-%m-%d") in local_close
    staff.close()


def test_the_requests_page_speaks_english_when_asked(client: TestClient, site: Site) -> None:
    sign_in(client)
    english = client.get("/my/requests", headers={"accept-language": "en-GB,en"})
    assert "My requests about my data" in english.text and "Send this request" in english.text
    refused = client.post(
        "/my/requests",
        data={"csrf_token": csrf_of(english.text), "kind": "correction", "wrong": "电话"},
        headers={**HTML, "accept-language": "en"},
    )
    assert refused.status_code == 422 and "Say which detail is wrong" in refused.text
