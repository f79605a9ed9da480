"""A withdrawal made on paper: the confirmation step, the printed receipt with its fingerprint
and QR code, and the public check of that receipt."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from .conftest import Site
from .forms import csrf_of, sign_in


def _consenting_person(client: TestClient, site: Site):  # type: ignore[no-untyped-def]
    """A resident the office helped to consent (on the office phone), as the API records it."""
    site.publish_notice()
    sign_in(client, "staff")
    person = next(p for p in site.people() if p.name)
    base = f"/office/c/{site.world.community_id}/people/{person.id}"
    question = client.get(f"{base}/consent")
    agreed = client.post(
        f"{base}/consent",
        data={"csrf_token": csrf_of(question.text), "answer": "agree"},
        follow_redirects=False,
    )
    assert agreed.status_code in (200, 303), agreed.text
    return person, base


def test_the_office_confirms_withdraws_and_prints_a_receipt_anyone_can_check(
    client: TestClient, site: Site
) -> None:
    person, base = _consenting_person(client, site)
    detail = client.get(base)
    assert f'href="{base}/withdraw"' in detail.text
    confirm = client.get(f"{base}/withdraw")
    assert confirm.status_code == 200 and person.name in confirm.text
    token = csrf_of(confirm.text)
    unconfirmed = client.post(
        f"{base}/withdraw", data={"csrf_token": token, "reference": "纸质申请 2026-001"}
    )
    assert unconfirmed.status_code == 422
    assert "纸质申请 2026-001" in unconfirmed.text  # kept as typed; nothing deleted yet
    assert "删除后无法恢复，门禁将改用门卡/密码/二维码" in confirm.text
    consents = f"/api/v1/communities/{site.world.community_id}/people/{person.id}/consents"
    assert any(c["live"] for c in client.get(consents).json()), "withdrawn without confirmation"
    done = client.post(
        f"{base}/withdraw",
        data={"csrf_token": token, "reference": "纸质申请 2026-001", "confirmed": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    printout = client.get(done.headers["location"])
    assert printout.status_code == 200
    assert "删除凭证" in printout.text and "杭州安居物业服务有限公司" in printout.text
    assert "<svg" in printout.text
    check_url = re.search(r'class="url">https://testserver(/receipts/[^<]+)<', printout.text)
    assert check_url, "the printout carries no check address"
    fingerprint = check_url.group(1).split("fp=")[1]
    grouped = " ".join(fingerprint[i : i + 4] for i in range(0, 64, 4))
    assert grouped in printout.text
    signed = client.get(done.headers["location"] + "?download=json")
    assert signed.headers["content-type"].startswith("application/json")
    assert str(person.id) not in printout.text.split("<details")[0]  # no raw ids on the sheet

    client.cookies.clear()  # anyone, not signed in, scans the QR code
    genuine = client.get(check_url.group(1).replace("&amp;", "&"))
    assert genuine.status_code == 200 and "真实有效" in genuine.text
    forged = client.get(check_url.group(1).split("?")[0] + "?fp=" + "0" * 64)
    assert "不一致" in forged.text
    assert person.name not in genuine.text and str(person.id) not in genuine.text


def test_a_resident_cannot_use_the_office_withdrawal_page(client: TestClient, site: Site) -> None:
    sign_in(client, "resident")
    people = site.people()
    url = f"/office/c/{site.world.community_id}/people/{people[0].id}/withdraw"
    assert client.get(url).status_code in (403, 404)


def test_a_person_who_declined_is_marked_do_not_ask_and_not_offered_consent_again(
    client: TestClient, site: Site
) -> None:
    site.publish_notice()
    sign_in(client, "staff")
    person = next(p for p in site.people() if p.name)
    base = f"/office/c/{site.world.community_id}/people/{person.id}"
    before = client.get(base).text
    assert f'href="{base}/consent"' in before and "不再询问" not in before
    question = client.get(f"{base}/consent")
    client.post(
        f"{base}/consent", data={"csrf_token": csrf_of(question.text), "answer": "disagree"}
    )
    after = client.get(base).text
    assert "已拒绝：不再询问" in after
    assert f'href="{base}/consent"' not in after
