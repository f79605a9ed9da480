"""The console's resident import page: the plain form, the tracked job, and every bad file."""

from __future__ import annotations

import csv
import io
import time

from fastapi.testclient import TestClient

from .conftest import Site
from .forms import HTML, csrf_of, sign_in

OTHER = "00000000-0000-4000-8000-000000000000"
HEADER = ["楼栋", "单元", "户号", "面积", "姓名", "身份", "手机"]


def _base(site: Site) -> str:
    return f"/office/c/{site.world.community_id}/import"


def sheet(*rows: list[str], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8")


GOOD = [["9号楼", "1", "101", "88.5", "导入甲", "业主", "13900000011"]]
BAD_LINE_3 = [
    ["9号楼", "1", "101", "88.5", "导入甲", "业主", "13900000011"],
    ["9号楼", "1", "102", "88.5", "导入乙", "房东", ""],
]


def _upload(client: TestClient, site: Site, name: str, content: bytes, path: str = ""):  # type: ignore[no-untyped-def]
    form = client.get(_base(site))
    assert form.status_code == 200, form.text
    return client.post(
        _base(site) + path,
        data={"csrf_token": csrf_of(form.text)},
        files={"file": (name, content)},
    )


def _names(site: Site) -> set[str]:
    return {p.name for p in site.people()}


def test_the_page_explains_the_columns_and_offers_a_template(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    page = client.get(_base(site))
    assert page.status_code == 200
    assert "导入住户" in page.text and 'enctype="multipart/form-data"' in page.text
    assert "/static/import.js" in page.text and "必填" in page.text
    template = client.get(f"{_base(site)}/template.csv")
    assert template.status_code == 200
    assert "attachment" in template.headers["content-disposition"]
    text = template.content.decode("utf-8")
    assert text.startswith("\ufeff楼栋,单元,户号,面积,姓名,身份")
    assert len(text.strip().splitlines()) == 2


def test_one_bad_line_imports_nothing_and_names_the_line_and_column(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    before = _names(site)
    refused = _upload(client, site, "住户.csv", sheet(*BAD_LINE_3))
    assert refused.status_code == 422
    assert "没有导入任何数据" in refused.text
    assert "第 3 行“身份”列" in refused.text and "房东" in refused.text
    assert _names(site) == before
    fixed = [BAD_LINE_3[0], [*BAD_LINE_3[1][:5], "租户", ""]]
    done = _upload(client, site, "住户.csv", sheet(*fixed))
    assert done.status_code == 200, done.text
    assert "导入完成" in done.text
    assert {"导入甲", "导入乙"} <= _names(site)


def test_an_excel_sheet_imports_too(client: TestClient, site: Site) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["9号楼", "2", "301", 96, "表格丙", "业主", "13900000012"])
    data = io.BytesIO()
    book.save(data)
    sign_in(client, "staff")
    done = _upload(client, site, "residents.xlsx", data.getvalue())
    assert done.status_code == 200, done.text
    assert "表格丙" in _names(site)


def test_bad_files_get_a_plain_message_never_a_server_error(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    before = _names(site)
    for name, content, says in (
        ("residents.pdf", b"%PDF-1.4", "只支持"),
        ("residents.xlsx", b"PK\x03\x04 not really a zip", "Excel"),
        ("residents.csv", b"", "文件是空的"),
        ("residents.csv", sheet(header=["a", "b"]), "表头缺少必需的列"),
        ("residents.csv", "楼栋,户号\n".encode(), "表头缺少必需的列"),
        (
            "residents.csv",
            sheet(["9号楼", "1", "101", "88", "=cmd|' /C calc'!A0", "业主", ""]),
            "像公式",
        ),
        ("residents.csv", "楼栋,户号,姓名,身份\n1\x00,2,3,业主\n".encode(), "空字符"),
    ):
        answer = _upload(client, site, name, content)
        assert answer.status_code in (413, 422), (name, answer.status_code)
        assert says in answer.text, (name, says)
        assert "没有导入任何数据" in answer.text
    assert _names(site) == before


def test_hostile_cells_are_shown_escaped(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    answer = _upload(
        client, site, "x.csv", sheet(["9号楼", "1", "101", "88", "甲", "<b>x</b>", ""])
    )
    assert answer.status_code == 422
    assert "<b>x</b>" not in answer.text and "&lt;b&gt;x&lt;/b&gt;" in answer.text


def test_a_file_over_the_limit_is_refused_before_reading(client: TestClient, site: Site) -> None:
    site.app.state.settings.max_upload_bytes = 1024 * 1024  # type: ignore[attr-defined]
    sign_in(client, "staff")
    huge = sheet(*GOOD) + b"," * (1024 * 1024)
    plain = _upload(client, site, "big.csv", huge)
    assert plain.status_code == 413 and "文件超过 1 MB" in plain.text
    tracked = _upload(client, site, "big.csv", huge, "/jobs")
    assert tracked.status_code == 413
    assert "1 MB" in tracked.json()["error"]["message"]


def _finish(client: TestClient, status_url: str) -> dict:  # type: ignore[type-arg]
    for _ in range(600):
        state = client.get(status_url).json()
        if state["finished"]:
            return state  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError("the import job did not finish")


def test_a_tracked_import_reports_its_rows_and_ends_on_the_same_result_page(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    rows = [["8号楼", "1", str(100 + i), "70", f"批量{i}", "业主", ""] for i in range(450)]
    started = _upload(client, site, "many.csv", sheet(*rows), "/jobs")
    assert started.status_code == 202, started.text
    job = started.json()
    state = _finish(client, job["status_url"])
    assert state["total"] == 450 and state["done"] == 450
    result = client.get(job["result_url"])
    assert result.status_code == 200 and "导入完成" in result.text
    assert ">450<" in result.text
    assert "批量449" in _names(site)


def test_a_tracked_import_with_errors_lists_them_and_imports_nothing(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    before = _names(site)
    started = _upload(client, site, "bad.csv", sheet(*BAD_LINE_3), "/jobs")
    job = started.json()
    _finish(client, job["status_url"])
    result = client.get(job["result_url"])
    assert result.status_code == 200
    assert "第 3 行“身份”列" in result.text and "没有导入任何数据" in result.text
    assert _names(site) == before


def test_only_the_office_may_import_and_only_its_own_jobs_are_seen(
    client: TestClient, site: Site
) -> None:
    sign_in(client, "staff")
    started = _upload(client, site, "a.csv", sheet(*GOOD), "/jobs").json()
    _finish(client, started["status_url"])
    sign_in(client, "wuye")  # the property company's admin: may import, but not see this job
    assert client.get(started["status_url"]).status_code == 404
    for login in ("yeweihui", "resident"):
        sign_in(client, login)
        assert client.get(_base(site), headers=HTML).status_code == 403, login
        assert client.get(f"{_base(site)}/template.csv").status_code == 403, login
    sign_in(client, "staff")
    assert client.get(f"/office/c/{OTHER}/import", headers=HTML).status_code == 404


def test_an_upload_without_its_csrf_token_is_refused(client: TestClient, site: Site) -> None:
    sign_in(client, "staff")
    before = _names(site)
    for path in ("", "/jobs"):
        refused = client.post(
            _base(site) + path, files={"file": ("a.csv", sheet(*GOOD))}, headers=HTML
        )
        assert refused.status_code == 403, path
    assert _names(site) == before


def test_one_import_at_a_time_per_community(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A second upload while the first still runs is refused, not queued behind it."""
    import threading
    import uuid

    from menwei.server.domain.caller import Caller
    from menwei.server.policy import AccountRole, Principal
    from menwei.server.services import imports
    from menwei.store.scope import CommunityScope

    release = threading.Event()

    def slow(*_args: object, **_kwargs: object) -> imports.ImportOutcome:
        release.wait(timeout=30)
        return imports.refused(imports.EMPTY)

    monkeypatch.setattr(imports, "run_import", slow)
    community = uuid.uuid4()
    principal = Principal(
        kind="user",
        id=uuid.uuid4(),
        role=AccountRole.COMMUNITY_STAFF,
        community_ids=frozenset({community}),
    )
    caller = Caller(principal, CommunityScope.of([community]), community)
    jobs = imports.ImportJobs()
    first = jobs.start(None, caller, filename="a.csv", content=b"x")
    assert first is not None
    assert jobs.start(None, caller, filename="b.csv", content=b"x") is None
    release.set()
    for _ in range(600):
        if first.finished_at is not None:
            break
        time.sleep(0.01)
    assert first.outcome is not None and not first.outcome.ok
    assert jobs.start(None, caller, filename="c.csv", content=b"x") is not None
