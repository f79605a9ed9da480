"""The office's page for residents' questions: unanswered and overdue first, answers in public."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from .conftest import Site
from .forms import HTML, csrf_of, sign_in
from .test_console_votes import fix_clock


def questions_url(site: Site) -> str:
    return f"/office/c/{site.world.community_id}/questions"


def ask(client: TestClient, text: str, visibility: str = "public") -> None:
    """The resident asks through the form (signed in already)."""
    page = client.get("/my/questions", headers=HTML)
    sent = client.post(
        "/my/questions",
        data={"csrf_token": csrf_of(page.text), "text": text, "visibility": visibility},
        headers=HTML,
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text


def question_ids(page: str) -> list[str]:
    return re.findall(r'<article class="question[^"]*" id="q-([0-9a-f-]+)"', page)


def test_unanswered_and_overdue_questions_come_first(client: TestClient, site: Site) -> None:
    start = datetime.now(UTC)
    fix_clock(site, start - timedelta(days=10))
    sign_in(client, "resident")
    ask(client, "第一个问题：谁批准了人脸识别？")
    fix_clock(site, start)
    ask(client, "第二个问题：不想用人脸可以吗？", visibility="private")
    ask(client, "第三个问题：数据存在哪里？")
    client.cookies.clear()
    sign_in(client, "staff")
    page = client.get(questions_url(site), headers=HTML)
    assert page.status_code == 200
    assert "有 3 个问题等待答复，其中 1 个已超期" in page.text
    first, second, _third = question_ids(page.text)
    assert "已超期" in page.text.split(f'id="q-{first}"')[1].split("</article>")[0]
    assert "第一个问题" in page.text.split(f'id="q-{first}"')[1].split("</article>")[0]
    answered = client.post(
        f"{questions_url(site)}/{second}/answers",
        data={
            "csrf_token": csrf_of(page.text),
            "text": "可以，刷卡照常可用。",
            "speaking_for": "文新街道办事处",  # ignored: the company answers in its own name
        },
        headers=HTML,
    )
    assert answered.status_code == 200
    assert question_ids(answered.text)[-1] == second  # answered ones go to the end
    assert "杭州安居物业服务有限公司 答复" in answered.text
    assert "文新街道办事处 答复" not in answered.text
    assert "有 2 个问题等待答复" in answered.text


def test_the_answer_form_says_whether_it_will_be_public(client: TestClient, site: Site) -> None:
    fix_clock(site, datetime.now(UTC))
    sign_in(client, "resident")
    ask(client, "公开的问题")
    ask(client, "私下的问题", visibility="private")
    client.cookies.clear()
    sign_in(client, "yeweihui")
    page = client.get(questions_url(site), headers=HTML).text
    assert "这是公开问题：您的答复会显示在小区公开页面上" in page
    assert "这是不公开的问题：只有提问的居民能看到答复" in page
    # the committee answers in its own name, from the records, with nothing to type over it
    assert "以“阳光花园业主委员会”的名义答复" in page
    assert 'name="speaking_for"' not in page


def test_an_empty_answer_is_explained_not_stored(client: TestClient, site: Site) -> None:
    fix_clock(site, datetime.now(UTC))
    sign_in(client, "resident")
    ask(client, "问题")
    client.cookies.clear()
    sign_in(client, "staff")
    page = client.get(questions_url(site), headers=HTML).text
    (qid,) = question_ids(page)
    url = f"{questions_url(site)}/{qid}/answers"
    token = csrf_of(page)
    empty = client.post(url, data={"csrf_token": token, "text": "  "}, headers=HTML)
    assert empty.status_code == 422 and "请先写好答复再提交" in empty.text
    assert "有 1 个问题等待答复" in empty.text
    missing = client.post(
        f"{questions_url(site)}/00000000-0000-4000-8000-000000000000/answers",
        data={"csrf_token": token, "text": "答复"},
        headers=HTML,
    )
    assert missing.status_code == 404 and "<html" in missing.text


def test_hostile_questions_and_answers_are_escaped(client: TestClient, site: Site) -> None:
    fix_clock(site, datetime.now(UTC))
    sign_in(client, "resident")
    ask(client, "<script>alert('q')</script>")
    client.cookies.clear()
    sign_in(client, "staff")
    page = client.get(questions_url(site), headers=HTML).text
    (qid,) = question_ids(page)
    answered = client.post(
        f"{questions_url(site)}/{qid}/answers",
        data={"csrf_token": csrf_of(page), "text": "<b>bold</b>", "speaking_for": "<i>物业</i>"},
        headers=HTML,
    ).text
    assert "<script>alert" not in answered and "<b>bold</b>" not in answered
    assert "&lt;script&gt;" in answered and "&lt;b&gt;bold&lt;/b&gt;" in answered
    public = client.get(f"/c/{site.world.community_id}").text
    assert "<script>alert" not in public and "&lt;b&gt;bold&lt;/b&gt;" in public


def test_residents_and_supervisors_cannot_open_the_office_list(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "resident")
    assert client.get(questions_url(site), headers=HTML).status_code == 403
    client.cookies.clear()
    sign_in(client, "jianguan")
    assert client.get(questions_url(site), headers=HTML).status_code == 403
