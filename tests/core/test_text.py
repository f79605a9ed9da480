"""Names that hide or garble themselves are refused; real names of every shape are kept."""

from __future__ import annotations

import pytest

from menwei.core.text import InvalidName, check_name

REFUSED = {
    "   ": "blank",
    "\u3000": "blank",
    "李娜\u202etxt.exe": "bidi",
    "\u2067李娜": "bidi",
    "李\u200b娜": "zero_width",
    "\ufeff李娜": "zero_width",
    "李娜\n王芳": "line_break",
    "李娜\r": "line_break",
    "李娜\u2028": "line_break",
    "李\x00娜": "control",
    "李\t娜": "control",
}


@pytest.mark.parametrize(("name", "problem"), REFUSED.items())
def test_a_name_that_hides_itself_is_refused_saying_why(name: str, problem: str) -> None:
    with pytest.raises(InvalidName) as raised:
        check_name(name)
    assert raised.value.details["problem"] == problem
    assert raised.value.code == "invalid_name"


@pytest.mark.parametrize(
    "name",
    ["李娜", "阿卜杜拉·艾则孜", "买买提・吐尔逊", "Mary O'Brien-Smith", "3号楼", "南大门 (东)"],
)
def test_real_names_are_kept(name: str) -> None:
    assert check_name(name) == name
