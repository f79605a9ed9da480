"""What the office's residents and units forms can be refused for, in plain words.

Each refusal is kept here in both languages, and the page shows the one the reader reads.
"""

from __future__ import annotations

from fastapi import Request

from menwei.server.web.templating import page_locale

#: what a form can be refused for, in both languages (the page picks the reader's)
MESSAGES: dict[str, tuple[str, str]] = {
    "name": ("请填写姓名（最多 100 个字）。", "Enter the name (at most 100 characters)."),
    "role": ("请选择身份。", "Choose the role."),
    "phone": (
        "电话只能填写数字、空格、+ 和 -，最多 30 位。",
        "A phone number may hold only digits, spaces, + and -, at most 30 characters.",
    ),
    "date_of_birth": (
        "出生日期请按 2012-05-01 的格式填写，且不能晚于今天。",
        "Write the date of birth like 2012-05-01; it cannot be after today.",
    ),
    "day": ("日期请按 2024-05-01 的格式填写。", "Write the date like 2024-05-01."),
    "unit": ("请选择房屋。", "Choose the unit."),
    "building": ("请选择楼栋。", "Choose the building."),
    "building_name": (
        "请填写楼栋名称（最多 100 个字），例如 1 号楼。",
        "Enter the building's name (at most 100 characters), e.g. Building 1.",
    ),
    "number": (
        "请填写户号（最多 50 个字），例如 301。",
        "Enter the unit number (at most 50 characters), e.g. 301.",
    ),
    "entrance": ("单元最多 50 个字。", "The entrance may have at most 50 characters."),
    "area": (
        "面积必须是大于 0 的数字（平方米），最多两位小数，例如 89.5。",
        "The area must be a number of m² above 0 with at most 2 decimals, e.g. 89.5.",
    ),
    "face_data": (
        "此人仍有有效的人脸同意或人脸数据，不能直接删除。请先撤回同意并删除人脸数据"
        "（本人可在“我的数据”中操作），再删除此人。",
        "This person still has consent in force or face data held, so they cannot be deleted "
        "yet. Withdraw the consent and erase the face data first (the resident can do this "
        "under My data), then delete.",
    ),
}


def say(request: Request, key: str) -> str:
    """The refusal ``key`` in the reader's language."""
    zh, en = MESSAGES[key]
    return en if page_locale(request) == "en" else zh
