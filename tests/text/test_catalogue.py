"""The errors catalogue: every message id the code names exists in Chinese and in English, with
the same named placeholders, Chinese text in the Chinese catalogue and none in the English one."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from menwei.core.reason import Reason
from menwei.core.text import InvalidName
from menwei.governance.errors import AlreadyVoted
from menwei.store.errors import RecordNotFound
from menwei.text import Bilingual, Message, translate
from menwei.text.catalogue import DOMAIN, LOCALE_DIR

SRC = Path(__file__).resolve().parents[2] / "src" / "menwei"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
FOLDERS = ("zh_CN", "en")
# the rooms whose error classes look their text up by code
ERROR_ROOMS = ("core", "privacy", "governance", "store", "sheets", "vision")
# calls whose argument at this position is a message id
ID_ARGUMENT = {
    "Message": 0,
    "of": 0,
    "_refuse": 0,
    "_file_error": 0,
    "fail": 1,
    "InvalidInput": 1,
    "InvalidEvent": 2,
    "message": 0,
    "translate": 0,
    "wrong": 0,
    "say": 1,
}


def _catalogue(folder: str) -> dict[str, str]:
    with (LOCALE_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as source:
        return {m.id: m.string for m in read_po(source) if m.id}


ZH = _catalogue("zh_CN")
EN = _catalogue("en")


def _placeholders(text: str) -> set[str]:
    names = set()
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None:
            names.add(re.split(r"[.\[]", name)[0])
    return names


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _ids_named_in_code() -> dict[str, str]:
    """Every literal message id in the source, with where it was found."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            for keyword in node.keywords:
                if keyword.arg == "message_id" and (text := _literal(keyword.value)):
                    found[text] = where
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            position = ID_ARGUMENT.get(name or "")
            if position is not None and len(node.args) > position:
                text = _literal(node.args[position])
                if text and re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)*", text) and text != "en":
                    found[text] = where
    return found


def _error_codes_used_as_ids() -> dict[str, str]:
    """The codes of error classes whose text is looked up by their own code."""
    found: dict[str, str] = {}
    for path in sorted(p for room in ERROR_ROOMS for p in (SRC / room).rglob("errors.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            code = next(
                (
                    _literal(s.value)
                    for s in cls.body
                    if isinstance(s, ast.Assign)
                    and isinstance(s.targets[0], ast.Name)
                    and s.targets[0].id == "code"
                ),
                None,
            )
            init = [s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"]
            named = any(
                k.arg == "message_id"
                for s in init
                for n in ast.walk(s)
                if isinstance(n, ast.Call)
                for k in n.keywords
            )
            if code and init and not named:
                found[code] = f"{path.relative_to(SRC)}:{cls.name}"
    return found


# server refusals that always pass on a lower room's wording (its message id and values)
SAYS_ITS_OWN = {"face_refused", "frame_refused", "face_model_unavailable"}


def _server_error_codes() -> dict[str, str]:
    """The codes a server refusal's text is looked up by: a class's ``code`` and a raise's
    ``code=`` that names no ``message_id`` of its own."""
    found: dict[str, str] = {}
    for path in sorted((SRC / "server").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(SRC)}:{node.lineno}" if hasattr(node, "lineno") else ""
            if isinstance(node, ast.ClassDef):
                for s in node.body:
                    if (
                        isinstance(s, ast.Assign)
                        and isinstance(s.targets[0], ast.Name)
                        and s.targets[0].id == "code"
                        and (code := _literal(s.value))
                    ):
                        found[code] = where
            elif isinstance(node, ast.Call):
                named = {k.arg: k.value for k in node.keywords}
                own = "message_id" in named or "wording" in named
                if "code" in named and not own and (code := _literal(named["code"])):
                    found[code] = where
    return {
        code: where
        for code, where in found.items()
        if code not in SAYS_ITS_OWN and code not in {"gone", "unavailable"}
    }


def _vision_codes() -> set[str]:
    from menwei.vision.errors import VisionError
    from menwei.vision.liveness import errors as _liveness  # noqa: F401 - registers its classes

    codes: set[str] = set()
    pending: list[type[VisionError]] = [VisionError]
    while pending:
        kind = pending.pop()
        codes.add(kind.code)
        pending.extend(kind.__subclasses__())
    return codes


def _vision_ids_built_from_codes() -> dict[str, str]:
    """Ids made from a quality reason, a liveness reason or a challenge kind."""
    from menwei.vision.errors import quality_message_id
    from menwei.vision.liveness.challenge import ChallengeKind, prompt_message_id
    from menwei.vision.liveness.result import LivenessReason
    from menwei.vision.quality import REASONS

    return {
        **{quality_message_id(code): "vision/quality.py" for code in REASONS},
        **{f"vision.liveness.{r.value}": "vision/liveness/result.py" for r in LivenessReason},
        **{prompt_message_id(k): "vision/liveness/challenge.py" for k in ChallengeKind},
    }


USED = {
    **_ids_named_in_code(),
    **_vision_ids_built_from_codes(),
    **_error_codes_used_as_ids(),
    **_server_error_codes(),
    **{code: "vision" for code in _vision_codes()},
    **{reason.message_id: "core/reason.py" for reason in Reason},
}


def test_the_code_names_message_ids() -> None:
    assert len(USED) > 200


@pytest.mark.parametrize("message_id", sorted(USED))
def test_every_message_id_used_in_the_code_is_in_both_catalogues(message_id: str) -> None:
    where = USED[message_id]
    assert ZH.get(message_id), f"{message_id} ({where}) has no Chinese text"
    assert EN.get(message_id), f"{message_id} ({where}) has no English text"


def test_both_catalogues_hold_the_same_ids() -> None:
    assert set(ZH) == set(EN)


@pytest.mark.parametrize("message_id", sorted(ZH))
def test_a_message_has_the_same_placeholders_in_both_languages(message_id: str) -> None:
    assert _placeholders(ZH[message_id]) == _placeholders(EN.get(message_id, ""))


@pytest.mark.parametrize("message_id", sorted(ZH))
def test_the_chinese_text_is_chinese_and_the_english_text_is_not(message_id: str) -> None:
    assert CJK.search(ZH[message_id]), f"zh_CN {message_id}: {ZH[message_id]!r}"
    assert not CJK.search(EN[message_id]), f"en {message_id}: {EN[message_id]!r}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_compiled_catalogue_is_up_to_date_with_its_source(folder: str) -> None:
    source = LOCALE_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
    with source.with_suffix(".mo").open("rb") as compiled:
        mo = {m.id: m.string for m in read_mo(compiled) if m.id}
    assert mo == _catalogue(folder), f"{source} is compiled stale: run make catalogs"


def test_the_ids_built_at_run_time_are_in_the_catalogue() -> None:
    """Ids made from a value (a channel, a name problem, a record kind) exist for every value."""
    for channel in ("paper", "online"):
        assert AlreadyVoted("u-1", channel).message_id in ZH
    for problem in ("blank", "bidi", "zero_width", "line_break", "control"):
        assert CJK.search(InvalidName("name", problem).message_zh.replace("“name”", ""))
        assert not CJK.search(InvalidName("name", problem).message_en)
    kinds = re.findall(
        r'(?:NotFound|_uuid)\("([a-z ]+)"',
        "".join(p.read_text(encoding="utf-8") for p in (SRC / "store").rglob("*.py")),
    )
    for kind in set(kinds):
        assert f"record_kind.{kind.replace(' ', '_')}" in ZH, kind
        assert kind not in RecordNotFound(kind, "x").message_zh


def test_lookup_fills_named_values_in_the_reader_language() -> None:
    assert "6" in translate("weak_pin", "zh-CN", min_digits=6)
    assert translate("weak_pin", "en-GB", min_digits=6).startswith("A PIN must be at least 6")
    nested = Message.of(
        "invalid_input", field="title", reason=Message("invalid_input.must_not_empty")
    )
    assert CJK.search(nested.render()) and not CJK.search(nested.render("en"))
    assert "Assessor" in translate(
        "invalid_assessment.item_missing", "en", item=Bilingual("评估人", "Assessor")
    )


def test_an_unknown_id_shows_as_itself() -> None:
    assert translate("no_such_message", "en") == "no_such_message"


def _sites_with_their_values() -> list[tuple[str, str, set[str]]]:
    """(where, message id, the names given) for each raise site that names a literal id."""
    sites = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            message_id, given = None, set()
            for keyword in node.keywords:
                if keyword.arg == "message_id":
                    message_id = _literal(keyword.value)
                elif keyword.arg == "values" and isinstance(keyword.value, ast.Dict):
                    given |= {k.value for k in keyword.value.keys if isinstance(k, ast.Constant)}
                elif keyword.arg:
                    given.add(keyword.arg)
            position = ID_ARGUMENT.get(name or "")
            if message_id is None and position is not None and len(node.args) > position:
                if name == "Message" and len(node.args) > 1:
                    continue  # values handed over as a mapping: not checked here
                message_id = _literal(node.args[position])
            if message_id in ZH:
                sites.append((f"{path.relative_to(SRC)}:{node.lineno}", message_id, given))
    return sites


def test_every_raise_site_gives_each_placeholder_a_value() -> None:
    missing = [
        (where, message_id, sorted(_placeholders(ZH[message_id]) - given))
        for where, message_id, given in _sites_with_their_values()
        if _placeholders(ZH[message_id]) - given
    ]
    assert not missing
