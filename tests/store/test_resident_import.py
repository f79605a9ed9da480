"""Bulk import of residents: all rows or none, errors by line and column, hostile cells refused."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook
from tests.store.builders import T0, make_site

from menwei.core.person import Role
from menwei.sheets.errors import ImportRejected
from menwei.store.repositories.resident_import import (
    import_resident_file,
    read_sheet,
    validate_sheet,
)
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

EVERYTHING = CommunityScope.all()
TODAY = date(2026, 3, 1)
HEADER = "楼栋,单元,户号,面积,姓名,身份,出生日期,手机,卡号,入住日期,监护人"
GOOD = [
    "2 号楼,1,101,96.30,张伟,业主,1975-06-01,13912345678,0A1B2C3D,2019-05-01,",
    "2 号楼,1,101,,李娜,家属,1978-02-11,,0A1B2C3E,2019-05-01,",
    "2 号楼,1,101,,张小明,家属,2016-09-09,,,2019-05-01,张伟",
    "2 号楼,1,102,88,赵强,租户,,13700000000,,2024-01-15,",
]


def _csv(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *lines]).encode(encoding)


def _rejection(data: bytes, filename: str = "residents.csv") -> ImportRejected:
    with pytest.raises(ImportRejected) as rejected:
        validate_sheet(read_sheet(data, filename), today=TODAY)
    return rejected.value


def test_a_good_sheet_creates_units_people_households_and_cards(uow: UnitOfWork) -> None:
    site = make_site(uow)
    with uow:
        cursor = uow.changes.cursor(site.community.id)
    progress: list[tuple[str, int, int]] = []
    report = import_resident_file(
        uow,
        site.community.id,
        _csv(*GOOD),
        "residents.csv",
        scope=EVERYTHING,
        at=T0,
        progress=lambda stage, done, total: progress.append((stage, done, total)),
    )
    assert (report.buildings, report.units, report.people, report.cards) == (1, 2, 4, 2)
    assert progress[-1] == ("import", 4, 4)
    with uow:
        people = {p.name: p for p in uow.people.list(EVERYTHING, community_id=site.community.id)}
        child = people["张小明"]
        assert child.guardian_id == people["张伟"].id
        assert child.date_of_birth == date(2016, 9, 9)
        assert people["赵强"].role is Role.TENANT
        units = {u.number: u for u in uow.places.units(site.community.id, EVERYTHING)}
        assert units["101"].floor_area_m2 == Decimal("96.30")
        assert {p.name for p in uow.people.household(units["101"].id, TODAY, EVERYTHING)} == {
            "张伟",
            "李娜",
            "张小明",
        }
        card = uow.credentials.find_card(site.community.id, "0a:1b:2c:3d")
        assert card is not None and card.person_id == people["张伟"].id
        changed = uow.changes.since(site.community.id, cursor, limit=1000)
        assert {c.entity_id for c in changed if c.entity == "person"} == {
            str(p.id) for p in people.values() if p.name != "王芳"
        }
        assert [c.seq for c in changed] == list(range(cursor + 1, cursor + 1 + len(changed)))
        groups = uow.access.groups_of(people["张伟"].id, T0)
        assert [g.name for g in groups] == ["2 号楼 住户"]
        assert site.gate.id in groups[0].door_ids


def test_importing_the_same_sheet_twice_adds_nobody_twice(uow: UnitOfWork) -> None:
    site = make_site(uow)
    rows_without_cards = [line.replace("0A1B2C3D", "").replace("0A1B2C3E", "") for line in GOOD]
    data = _csv(*rows_without_cards)
    import_resident_file(uow, site.community.id, data, "a.csv", scope=EVERYTHING, at=T0)
    again = import_resident_file(uow, site.community.id, data, "a.csv", scope=EVERYTHING, at=T0)
    assert (again.people, again.units, again.skipped_existing) == (0, 0, 4)


def test_one_bad_row_imports_nothing_and_every_error_is_listed(uow: UnitOfWork) -> None:
    site = make_site(uow)
    data = _csv(
        *GOOD,
        "2 号楼,1,103,abc,钱七,业主,1990-13-45,12345,,2020-01-01,",
        "2 号楼,1,104,70,,房东,,,,,",
    )
    with pytest.raises(ImportRejected) as rejected:
        import_resident_file(uow, site.community.id, data, "r.csv", scope=EVERYTHING, at=T0)
    found = {(e["line"], e["message_en"].split("'")[1]) for e in rejected.value.details["errors"]}
    assert found == {
        (6, "area"),
        (6, "date of birth"),
        (6, "phone"),
        (7, "name"),
        (7, "role"),
    }
    assert "第 6 行" in rejected.value.details["errors"][0]["message_zh"]
    with uow:
        names = [p.name for p in uow.people.list(EVERYTHING)]
    assert names == ["王芳"]


def test_a_formula_cell_is_refused_not_passed_on() -> None:
    rejection = _rejection(_csv("2 号楼,1,101,90,=cmd|' /C calc'!A0,业主,,,,,"))
    (error,) = rejection.details["errors"]
    assert (error["line"], error["column"]) == (2, "name")
    assert "公式" in error["message_zh"]


def test_control_characters_and_overlong_values_are_refused() -> None:
    rejection = _rejection(
        _csv(
            "2 号楼,1,101,90,王\u202efang,业主,,,,,", "2 号楼,1,102,90," + "长" * 51 + ",业主,,,,,"
        )
    )
    messages = [e["message_en"] for e in rejection.details["errors"]]
    assert any("control characters" in m for m in messages)
    assert any("Too long" in m for m in messages)


def test_the_same_card_twice_in_a_file_is_an_error_naming_the_first_line() -> None:
    rejection = _rejection(
        _csv("2 号楼,1,101,90,甲,业主,,,AA11,,", "2 号楼,1,102,90,乙,业主,,,aa:11,,")
    )
    (error,) = rejection.details["errors"]
    assert error["line"] == 3
    assert "line 2" in error["message_en"]


def test_a_card_already_issued_in_the_community_rejects_the_file(uow: UnitOfWork) -> None:
    site = make_site(uow)
    import_resident_file(uow, site.community.id, _csv(GOOD[0]), "a.csv", scope=EVERYTHING, at=T0)
    with pytest.raises(ImportRejected) as rejected:
        import_resident_file(
            uow,
            site.community.id,
            _csv("2 号楼,1,105,70,孙八,业主,,,0A1B2C3D,,"),
            "b.csv",
            scope=EVERYTHING,
            at=T0,
        )
    assert rejected.value.details["errors"][0]["column"] == "card"


def test_english_headers_and_gbk_encoding_are_understood() -> None:
    header = "Building,Entrance,Unit,Area,Name,Role,Date of birth,Phone,Card,Moved in"
    rows = validate_sheet(
        read_sheet(_csv("B1,,9,50.5,陈静,owner,1988/07/08,,,2021.3.4", header=header), "x.csv"),
        today=TODAY,
    )
    assert rows[0].role is Role.OWNER and rows[0].moved_in == date(2021, 3, 4)
    gbk = validate_sheet(read_sheet(_csv(GOOD[3], encoding="gb18030"), "x.csv"), today=TODAY)
    assert gbk[0].name == "赵强"


def test_a_sheet_without_the_required_columns_says_which_are_missing() -> None:
    rejection = _rejection(_csv("x,y", header="姓名,手机"))
    assert "楼栋" in rejection.message_zh and "户号" in rejection.message_zh
    assert "building" in rejection.message_en


def test_an_xlsx_sheet_is_read_and_its_formulas_are_refused(uow: UnitOfWork) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(["3 号楼", "", "201", 75.5, "周杰", "业主", date(1970, 1, 2), "", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = validate_sheet(read_sheet(buffer.getvalue(), "r.xlsx"), today=TODAY)
    assert rows[0].area == Decimal("75.5") and rows[0].date_of_birth == date(1970, 1, 2)
    sheet.append(["3 号楼", "", "202", 70, '=HYPERLINK("http://x")', "业主"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rejection = _rejection(buffer.getvalue(), "r.xlsx")
    assert rejection.details["errors"][0]["line"] == 3


def test_a_damaged_or_foreign_file_gets_a_clear_message() -> None:
    assert "xlsx" in _rejection(b"PK\x03\x04 not really a zip", "r.xlsx").message_en
    assert "CSV" in _rejection(b"%PDF-1.7", "r.pdf").message_en
    assert "NUL" in _rejection(_csv("a\x00b"), "r.csv").message_en


def test_a_new_unit_without_an_area_is_refused(uow: UnitOfWork) -> None:
    site = make_site(uow)
    with pytest.raises(ImportRejected) as rejected:
        import_resident_file(
            uow,
            site.community.id,
            _csv("9 号楼,,1,,吴九,业主,,,,,"),
            "r.csv",
            scope=EVERYTHING,
            at=T0,
        )
    assert rejected.value.details["errors"][0]["column"] == "area"


def test_an_import_into_a_community_outside_the_scope_is_not_found(uow: UnitOfWork) -> None:
    from menwei.store.errors import RecordNotFound

    site = make_site(uow)
    with pytest.raises(RecordNotFound):
        import_resident_file(
            uow, site.community.id, _csv(*GOOD), "r.csv", scope=CommunityScope.of([]), at=T0
        )
