"""Reading and checking the resident sheet a property office keeps (CSV or Excel ``.xlsx``).

Headers may be Chinese or English (楼栋 / building, 户号 / unit, 面积 / area …). Every row is
checked and every problem reported by line and column; cells are treated as hostile: a formula
(``=cmd|…``), control characters or an overlong value is an error on that cell, never
something passed on. Nothing here touches the database; ``resident_import`` writes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from menwei.core.credential import normalise_card_uid
from menwei.core.person import Role
from menwei.sheets.cells import has_control_characters, looks_like_formula
from menwei.sheets.errors import ImportRejected
from menwei.text import Bilingual, Message

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024

#: canonical column -> accepted headers (compared after lower-casing and removing spaces)
HEADERS: Mapping[str, tuple[str, ...]] = {
    "building": ("楼栋", "楼号", "楼栋号", "栋", "building", "buildingname"),
    "entrance": ("单元", "单元号", "entrance", "stairway"),
    "unit": ("户号", "房号", "门牌号", "房间号", "单元/户号", "室", "unit", "room", "unitnumber"),
    "area": ("面积", "建筑面积", "面积(㎡)", "面积(m²)", "面积（㎡）", "area", "floorarea"),
    "name": ("姓名", "名字", "name", "fullname"),
    "role": ("身份", "角色", "身份/角色", "关系", "role", "relationship"),
    "date_of_birth": ("出生日期", "生日", "dateofbirth", "birthdate", "dob", "birthday"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile", "tel"),
    "card": ("卡号", "门禁卡号", "ic卡号", "card", "cardnumber", "carduid"),
    "moved_in": ("入住日期", "入住时间", "movedin", "moveindate", "movein"),
    "guardian": ("监护人", "guardian"),
}
REQUIRED = ("building", "unit", "name", "role")
COLUMN_LABELS: Mapping[str, tuple[str, str]] = {
    "building": ("楼栋", "building"),
    "entrance": ("单元", "entrance"),
    "unit": ("户号", "unit"),
    "area": ("面积", "area"),
    "name": ("姓名", "name"),
    "role": ("身份", "role"),
    "date_of_birth": ("出生日期", "date of birth"),
    "phone": ("手机", "phone"),
    "card": ("卡号", "card"),
    "moved_in": ("入住日期", "moved in"),
    "guardian": ("监护人", "guardian"),
}
MAX_LENGTH = {
    "building": 50,
    "entrance": 20,
    "unit": 30,
    "area": 20,
    "name": 50,
    "role": 20,
    "date_of_birth": 20,
    "phone": 20,
    "card": 32,
    "moved_in": 20,
    "guardian": 50,
}
ROLES: Mapping[str, Role] = {
    "业主": Role.OWNER,
    "房主": Role.OWNER,
    "户主": Role.OWNER,
    "owner": Role.OWNER,
    "家属": Role.FAMILY_MEMBER,
    "家庭成员": Role.FAMILY_MEMBER,
    "家人": Role.FAMILY_MEMBER,
    "familymember": Role.FAMILY_MEMBER,
    "family": Role.FAMILY_MEMBER,
    "family_member": Role.FAMILY_MEMBER,
    "租户": Role.TENANT,
    "租客": Role.TENANT,
    "tenant": Role.TENANT,
    "工作人员": Role.STAFF,
    "物业人员": Role.STAFF,
    "员工": Role.STAFF,
    "staff": Role.STAFF,
}
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,18}[0-9]$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class CellError:
    """One problem: the sheet's line number (header = 1), the column, and what to do."""

    line: int
    column: str
    text: Message

    @property
    def message_zh(self) -> str:
        """What is wrong with the cell, in zh-CN."""
        return self.text.render("zh-CN")

    @property
    def message_en(self) -> str:
        """What is wrong with the cell, in English."""
        return self.text.render("en")

    def message(self, locale: str = "zh-CN") -> str:
        label_zh, label_en = COLUMN_LABELS.get(self.column, (self.column, self.column))
        if locale.lower().startswith("en"):
            return f"line {self.line}, column '{label_en}': {self.message_en}"
        return f"第 {self.line} 行“{label_zh}”列：{self.message_zh}"


@dataclass(frozen=True, slots=True)
class ResidentRow:
    """A validated row, ready to import."""

    line: int
    building: str
    entrance: str
    unit: str
    area: Decimal | None
    name: str
    role: Role
    date_of_birth: date | None
    phone: str
    card: str | None
    moved_in: date
    guardian: str | None


@dataclass
class _Checked:
    rows: list[ResidentRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


def reject(errors: Sequence[CellError]) -> ImportRejected:
    shown = errors[:200]
    return ImportRejected(
        message_id="import_rejected.rows_invalid",
        errors=[
            {
                "line": e.line,
                "column": e.column,
                "message_zh": e.message("zh-CN"),
                "message_en": e.message("en"),
            }
            for e in shown
        ],
        error_count=len(errors),
    )


def _file_error(message_id: str, **values: object) -> ImportRejected:
    return ImportRejected(message_id=message_id, values=values, errors=[], error_count=1)


# reading ------------------------------------------------------------------------------
def _normalise_header(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text).lower()


def _header_map(header: Sequence[object]) -> tuple[dict[int, str], list[str]]:
    lookup = {
        _normalise_header(alias): key for key, aliases in HEADERS.items() for alias in aliases
    }
    mapping: dict[int, str] = {}
    for index, cell in enumerate(header):
        key = lookup.get(_normalise_header(str(cell or "")))
        if key is not None and key not in mapping.values():
            mapping[index] = key
    missing = [key for key in REQUIRED if key not in mapping.values()]
    return mapping, missing


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error("import_rejected.unknown_encoding")


def _csv_rows(data: bytes) -> Iterator[list[object]]:
    text = _decode_csv(data)
    if "\x00" in text:
        raise _file_error("import_rejected.nul_bytes")
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise _file_error("import_rejected.csv_malformed", error=error) from None


def _xlsx_rows(data: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked <= MAX_XLSX_UNCOMPRESSED and _declares_a_dtd(archive):
                raise _file_error("import_rejected.excel_has_dtd")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError):
        raise _file_error("import_rejected.cannot_open_excel_file") from None
    if unpacked > MAX_XLSX_UNCOMPRESSED:
        raise _file_error("import_rejected.excel_too_large_unpacked")
    try:
        # formulas are read as their text ("=…"), so they are refused, never evaluated
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise _file_error("import_rejected.cannot_read_excel_file") from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    except Exception:  # a sheet openpyxl opened but cannot read through (damaged XML)
        raise _file_error("import_rejected.cannot_read_excel_file") from None
    finally:
        workbook.close()


def _declares_a_dtd(archive: zipfile.ZipFile) -> bool:
    """Whether any XML part declares a DTD: the way in for entity expansion (billion laughs)
    and external entities (XXE). Office never writes one."""
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(info) as part:
            text = part.read().upper()  # within the unpacked-size cap checked first
        if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
            return True  # markup: a "<" in cell text is always written as "&lt;"
    return False


def read_sheet(data: bytes, filename: str) -> list[list[object]]:
    """The sheet's rows (header first) from CSV or ``.xlsx`` bytes, within the size limits."""
    if len(data) > MAX_FILE_BYTES:
        raise _file_error(
            "import_rejected.file_too_large",
            max_megabytes=MAX_FILE_BYTES // (1024 * 1024),
        )
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        source: Iterable[list[object]] = _xlsx_rows(data)
    elif lower.endswith((".csv", ".txt")):
        source = _csv_rows(data)
    else:
        raise _file_error("import_rejected.unsupported_format")
    rows: list[list[object]] = []
    for row in source:
        if len(rows) > MAX_ROWS:
            raise _file_error("import_rejected.too_many_rows", max_rows=MAX_ROWS)
        rows.append(row)
    return rows


# validating ---------------------------------------------------------------------------
def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _parse_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class _RowChecker:
    def __init__(self, line: int, cells: Mapping[str, object], errors: list[CellError]) -> None:
        self.line = line
        self.cells = cells
        self.errors = errors

    def fail(self, column: str, message_id: str, **values: object) -> None:
        self.errors.append(CellError(self.line, column, Message(message_id, values)))

    def text(self, column: str) -> str:
        raw = self.cells.get(column)
        if isinstance(raw, (date, datetime)) and column in ("date_of_birth", "moved_in"):
            return raw.isoformat()
        text = _cell_text(raw)
        if looks_like_formula(text) and not (column == "phone" and text.startswith("+")):
            self.fail(column, "cell.looks_like_formula")
            return ""
        if has_control_characters(text):
            self.fail(column, "cell.control_characters")
            return ""
        if len(text) > MAX_LENGTH[column]:
            self.fail(column, "cell.too_long", max_length=MAX_LENGTH[column])
            return ""
        return text

    def required(self, column: str) -> str:
        text = self.text(column)
        if not text and not any(e.line == self.line and e.column == column for e in self.errors):
            self.fail(column, "cell.must_not_empty")
        return text


def _check_row(line: int, cells: Mapping[str, object], today: date, checked: _Checked) -> None:
    errors_before = len(checked.errors)
    row = _RowChecker(line, cells, checked.errors)
    building = row.required("building")
    entrance = row.text("entrance")
    unit = row.required("unit")
    name = row.required("name")
    role_text = row.required("role")
    role = ROLES.get(_normalise_header(role_text)) if role_text else None
    if role_text and role is None:
        row.fail("role", "cell.unknown_role", role_text=role_text)
    area: Decimal | None = None
    area_text = row.text("area").removesuffix("㎡").removesuffix("m²").strip()
    if area_text:
        try:
            area = Decimal(area_text)
        except InvalidOperation:
            area = None
        if area is None or not area.is_finite() or area <= 0 or area >= Decimal("100000"):
            row.fail("area", "cell.area_not_a_number")
            area = None
        elif area.as_tuple().exponent < -2:  # type: ignore[operator]
            row.fail("area", "cell.area_too_many_decimals")
            area = None
    date_of_birth = None
    if row.text("date_of_birth"):
        date_of_birth = _parse_date(cells.get("date_of_birth"))
        if date_of_birth is None:
            row.fail("date_of_birth", "cell.date_of_birth_unreadable")
        elif not date(1900, 1, 1) <= date_of_birth <= today:
            row.fail("date_of_birth", "cell.date_of_birth_out_of_range")
            date_of_birth = None
    phone = row.text("phone")
    if phone:
        digits = re.sub(r"[ \-]", "", phone)
        if not _PHONE.match(phone) or (len(digits) == 11 and not _MOBILE.match(digits)):
            row.fail("phone", "cell.phone_number_invalid")
        phone = digits
    card: str | None = None
    card_text = row.text("card")
    if card_text:
        card = normalise_card_uid(card_text)
        if not card or not card.isascii() or len(card) > 32:
            row.fail("card", "cell.card_number_malformed")
            card = None
    moved_in = today
    if row.text("moved_in"):
        parsed = _parse_date(cells.get("moved_in"))
        if parsed is None:
            row.fail("moved_in", "cell.moved_in_unreadable")
        else:
            moved_in = parsed
    guardian = row.text("guardian") or None
    if len(checked.errors) == errors_before and role is not None:
        checked.rows.append(
            ResidentRow(
                line=line,
                building=building,
                entrance=entrance,
                unit=unit,
                area=area,
                name=name,
                role=role,
                date_of_birth=date_of_birth,
                phone=phone,
                card=card,
                moved_in=moved_in,
                guardian=guardian,
            )
        )


def _check_across_rows(checked: _Checked) -> None:
    cards: dict[str, int] = {}
    areas: dict[tuple[str, str, str], tuple[Decimal, int]] = {}
    residents: dict[tuple[str, str, str], set[str]] = {}
    for row in checked.rows:
        key = (row.building, row.entrance, row.unit)
        residents.setdefault(key, set()).add(row.name)
        if row.card is not None:
            if row.card in cards:
                checked.errors.append(
                    CellError(
                        row.line,
                        "card",
                        Message.of("cell.card_repeats_line", first_line=cards[row.card]),
                    )
                )
            cards.setdefault(row.card, row.line)
        if row.area is not None:
            first = areas.setdefault(key, (row.area, row.line))
            if first[0] != row.area:
                checked.errors.append(
                    CellError(
                        row.line, "area", Message.of("cell.area_differs_line", first_line=first[1])
                    )
                )
    for row in checked.rows:
        key = (row.building, row.entrance, row.unit)
        if row.guardian is not None and (
            row.guardian == row.name or row.guardian not in residents[key]
        ):
            checked.errors.append(
                CellError(row.line, "guardian", Message("cell.guardian_same_unit"))
            )


def validate_sheet(
    sheet: Sequence[Sequence[object]], *, today: date, progress: Progress | None = None
) -> list[ResidentRow]:
    """Every row checked; raises ``ImportRejected`` listing every problem if any row is bad."""
    if not sheet:
        raise _file_error("import_rejected.file_empty")
    mapping, missing = _header_map(sheet[0])
    if missing:
        names_zh = "、".join(COLUMN_LABELS[m][0] for m in missing)
        names_en = ", ".join(COLUMN_LABELS[m][1] for m in missing)
        raise _file_error(
            "import_rejected.header_lacks_required_columns", names=Bilingual(names_zh, names_en)
        )
    checked = _Checked()
    body = sheet[1:]
    for offset, values in enumerate(body):
        line = offset + 2
        if all(_cell_text(v) == "" for v in values):
            continue
        cells = {key: values[i] if i < len(values) else None for i, key in mapping.items()}
        _check_row(line, cells, today, checked)
        if progress is not None and (offset % 200 == 0 or offset == len(body) - 1):
            progress("validate", offset + 1, len(body))
    if not checked.rows and not checked.errors:
        raise _file_error("import_rejected.file_no_data_rows")
    _check_across_rows(checked)
    if checked.errors:
        raise reject(sorted(checked.errors, key=lambda e: (e.line, e.column)))
    return checked.rows


def template_rows() -> list[list[str]]:
    """The header and an example row, for offices starting a sheet from scratch."""
    return [
        [
            "楼栋",
            "单元",
            "户号",
            "面积",
            "姓名",
            "身份",
            "出生日期",
            "手机",
            "卡号",
            "入住日期",
            "监护人",
        ],
        [
            "1 号楼",
            "2",
            "301",
            "89.50",
            "王芳",
            "业主",
            "1980-04-02",
            "13800000000",
            "04A21B9C",
            "2020-09-01",
            "",
        ],
    ]
