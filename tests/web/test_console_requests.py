"""The office's rights requests page: deadlines, overdue marks, fulfilling and refusing."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from menwei.privacy.rights import RequestKind, RequestState
from menwei.server.services import rights
from menwei.server.services.template_delivery import privacy_kit
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.uow import UnitOfWork

from .conftest import Site
from .forms import HTML, csrf_of, sign_in


def open_request(site: Site, kind: RequestKind, *, person=None, days_ago: int = 0, details=""):  # type: ignore[no-untyped-def]
    """A resident's request as the portal records it, optionally received some days ago."""
    app = site.app
    uow = UnitOfWork(app.state.session_factory)  # type: ignore[attr-defined]
    kit = privacy_kit(app.state, app.state.settings)  # type: ignore[attr-defined]
    person = person or site.people()[0]
    at = datetime.now(UTC) - timedelta(days=days_ago)
    opened = rights.open_rights_request(
        uow, kit, person_id=person.id, kind=kind, at=at, details=details
    )
    return opened, person


def stored(site: Site, request_id: uuid.UUID):  # type: ignore[no-untyped-def]
    uow = UnitOfWork(site.app.state.session_factory)  # type: ignore[attr-defined]
    with uow:
        return PrivacyStore(uow.session).requests.get(request_id)


def _page(site: Site) -> str:
    return f"/office/c/{site.world.community_id}/requests"


def test_open_requests_show_deadline_days_left_and_overdue(client: TestClient, site: Site) -> None:
    people = site.people()
    fresh, someone = open_request(site, RequestKind.ACCESS, person=people[0])
    _late, latecomer = open_request(
        site, RequestKind.CORRECTION, person=people[1], days_ago=20, details="电话号码写错了"
    )
    sign_in(client, "staff")
    page = client.get(_page(site))
    assert page.status_code == 200
    rows = re.findall(r"<tr( class=\"overdue\")?>(.*?)</tr>", page.text, re.S)
    body = [(marked, cells) for marked, cells in rows if "<td" in cells]
    assert len(body) == 2
    first_marked, first = body[0]  # soonest deadline first: the overdue one
    assert first_marked and latecomer.name in first and "已逾期" in first and "更正" in first
    assert "电话号码写错了" in first
    _, second = body[1]
    assert someone.name in second and re.search(r">1[45]</td>", second)
    assert f"{_page(site)}/{fresh.id}/fulfil" in page.text


def test_fulfilling_a_request_closes_it(client: TestClient, site: Site) -> None:
    opened, _ = open_request(site, RequestKind.COPY)
    sign_in(client, "staff")
    page = client.get(_page(site))
    done = client.post(
        f"{_page(site)}/{opened.id}/fulfil",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = client.get(done.headers["location"])
    assert "已标记为办理完成" in after.text and "没有待处理的申请" in after.text
    assert stored(site, opened.id).state is RequestState.FULFILLED


def test_a_refusal_needs_a_reason_and_keeps_what_was_typed(client: TestClient, site: Site) -> None:
    opened, _ = open_request(site, RequestKind.ACCESS)
    sign_in(client, "staff")
    token = csrf_of(client.get(_page(site)).text)
    short = client.post(
        f"{_page(site)}/{opened.id}/refuse",
        data={"csrf_token": token, "reason": "<b>不行</b>"},
        headers=HTML,
    )
    assert short.status_code == 422
    assert "至少 10 个字" in short.text and "&lt;b&gt;不行&lt;/b&gt;" in short.text
    assert "<b>不行</b>" not in short.text
    assert stored(site, opened.id).state is RequestState.OPEN
    reason = "该信息已于上周按您的电话申请更正，无需重复处理。"
    refused = client.post(
        f"{_page(site)}/{opened.id}/refuse",
        data={"csrf_token": token, "reason": reason},
        follow_redirects=False,
    )
    assert refused.status_code == 303
    closed = stored(site, opened.id)
    assert closed.state is RequestState.REFUSED and closed.refusal_reason == reason
    again = client.post(
        f"{_page(site)}/{opened.id}/fulfil", data={"csrf_token": token}, headers=HTML
    )
    assert again.status_code == 422 and "已经处理完毕" in again.text


def test_a_deletion_request_erases_and_says_so(client: TestClient, site: Site) -> None:
    opened, _ = open_request(site, RequestKind.DELETION)
    sign_in(client, "staff")
    page = client.get(_page(site))
    assert "删除人脸信息并办结" in page.text and "无法恢复" in page.text
    done = client.post(f"{_page(site)}/{opened.id}/fulfil", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "人脸信息已删除" in done.text
    assert stored(site, opened.id).state is RequestState.FULFILLED


def test_forms_without_the_csrf_token_change_nothing(client: TestClient, site: Site) -> None:
    opened, _ = open_request(site, RequestKind.COPY)
    sign_in(client, "staff")
    forged = client.post(f"{_page(site)}/{opened.id}/fulfil", data={}, headers=HTML)
    assert forged.status_code in (403, 422)
    forged = client.post(
        f"{_page(site)}/{opened.id}/fulfil", data={"csrf_token": "x.y"}, headers=HTML
    )
    assert forged.status_code == 403
    assert stored(site, opened.id).state is RequestState.OPEN


def test_who_may_not_handle_requests_is_refused(client: TestClient, site: Site) -> None:
    opened, _ = open_request(site, RequestKind.COPY)
    for login in ("resident", "yeweihui", "jianguan"):
        client.cookies.clear()
        sign_in(client, login)
        assert client.get(_page(site), headers=HTML).status_code == 403
        token = csrf_of(client.get("/signin").text)
        refused = client.post(
            f"{_page(site)}/{opened.id}/fulfil", data={"csrf_token": token}, headers=HTML
        )
        assert refused.status_code == 403
    assert stored(site, opened.id).state is RequestState.OPEN


def test_another_communitys_requests_look_absent(client: TestClient, site: Site) -> None:
    opened, _ = open_request(site, RequestKind.COPY)
    sign_in(client, "staff")
    token = csrf_of(client.get(_page(site)).text)
    other = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/office/c/{other}/requests", headers=HTML).status_code == 404
    moved = client.post(
        f"/office/c/{other}/requests/{opened.id}/fulfil", data={"csrf_token": token}, headers=HTML
    )
    assert moved.status_code == 404
    assert stored(site, opened.id).state is RequestState.OPEN
    unknown = client.post(
        f"{_page(site)}/{uuid.uuid4()}/fulfil", data={"csrf_token": token}, headers=HTML
    )
    assert unknown.status_code == 404
