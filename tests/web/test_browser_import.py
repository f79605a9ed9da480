"""Staff import a spreadsheet in Chromium on a phone: a bad line is named and nothing imported;
the fixed sheet goes up with progress and the new residents appear in the list."""

from __future__ import annotations

from pathlib import Path

from .browser import BROWSER, fits_the_phone, shot
from .conftest import Site

pytestmark = BROWSER

HEADER = ["楼栋", "单元", "户号", "面积", "姓名", "身份", "手机"]

# Every text the import page's status line shows is kept in sessionStorage, so the test can
# read, after the result page has opened, that progress was shown on the way.
WATCH_STATUS = """() => {
  const status = document.getElementById("import-status");
  new MutationObserver(() => {
    const seen = JSON.parse(sessionStorage.getItem("seen") || "[]");
    seen.push(status.textContent);
    sessionStorage.setItem("seen", JSON.stringify(seen));
  }).observe(status, { childList: true, characterData: true, subtree: true });
}"""


def _workbook(path: Path, role_of_second: str) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["7号楼", "1", "101", 89.5, "表格导入甲", "业主", "13900000021"])
    sheet.append(["7号楼", "1", "101", 89.5, "表格导入乙", role_of_second, ""])
    for n in range(300):  # enough rows for the checking to report its progress
        sheet.append(["7号楼", "2", str(200 + n), 70, f"批量住户{n:03d}", "租户", ""])
    book.save(path)
    return path


def test_staff_import_a_spreadsheet_fix_a_bad_line_and_see_the_new_residents(
    served: tuple[Site, str], page, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    page.goto(f"{base}/signin")
    page.fill("#login", "staff")
    page.fill("#password", "demo-staff-2024")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/office/c/{site.world.community_id}")
    page.get_by_role("link", name="导入", exact=True).click()
    page.wait_for_url("**/import")
    before = len(site.people())

    page.set_input_files("#file", str(_workbook(tmp_path / "住户.xlsx", "房东")))
    page.get_by_role("button", name="检查并导入").click()
    page.wait_for_selector("text=没有导入任何数据")
    problems = page.locator("ol.problems li").all_inner_texts()
    assert problems == [
        "第 3 行“身份”列：无法识别身份“房东”，请填写 业主、家属、租户 或 工作人员。"
    ]
    assert len(site.people()) == before
    assert fits_the_phone(page)
    shot(page, "console-import-errors")

    page.evaluate(WATCH_STATUS)
    page.set_input_files("#file", str(_workbook(tmp_path / "住户-改好.xlsx", "家属")))
    page.get_by_role("button", name="检查并导入").click()
    page.wait_for_selector("text=导入完成")
    seen = page.evaluate("() => JSON.parse(sessionStorage.getItem('seen') || '[]')")
    assert any(text.startswith("正在上传") for text in seen), seen
    assert seen[-1] == "即将完成…", seen
    assert page.locator(".import-done dd").first.inner_text() == "302"
    assert len(site.people()) == before + 302
    assert fits_the_phone(page)
    shot(page, "console-import-done")

    page.get_by_role("link", name="查看住户名单").click()
    page.fill("#q", "表格导入")
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("text=表格导入乙")
    assert page.locator("table.people tbody tr").count() == 2
    assert "7号楼 1-101" in page.locator("table.people").inner_text()
    assert fits_the_phone(page)
    shot(page, "console-people")

    page.get_by_role("link", name="表格导入乙").click()
    page.wait_for_selector("text=办理迁出")
    assert fits_the_phone(page)
    shot(page, "console-person")
    page.get_by_role("link", name="7号楼 1-101").click()
    page.wait_for_selector("text=谁住在这里")
    assert page.locator(".console-body li").all_inner_texts() == [
        "表格导入乙 · 家属",
        "表格导入甲 · 业主",
    ]
    page.get_by_role("link", name="全部房屋").click()
    page.wait_for_selector("text=7号楼的房屋")
    assert fits_the_phone(page)
    shot(page, "console-units")
    page.get_by_role("link", name="下一页").click()
    page.wait_for_selector("text=第 2 页，共 4 页。")
    assert page.locator("td.unit").first.inner_text() == "2-299"
    assert page.problems == []  # type: ignore[attr-defined]
