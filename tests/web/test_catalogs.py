"""The translation catalogs: compiled files match their sources, and every string is in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from menwei.server.web.templating import LOCALE_DIR, TEMPLATES

LOCALES = ("zh_CN", "en")


def _messages(catalog) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.id: m.string for m in catalog if m.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalog_is_up_to_date_with_its_source(locale: str) -> None:
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    with (folder / "menwei.po").open("rb") as source:
        po = _messages(read_po(source))
    with (folder / "menwei.mo").open("rb") as compiled:
        mo = _messages(read_mo(compiled))
    translated = {k: v for k, v in po.items() if v}
    assert mo == translated, (
        "menwei.mo is stale: run pybabel compile -d src/menwei/server/locale -D menwei"
    )


def test_every_string_in_the_templates_has_a_chinese_translation() -> None:
    from babel.messages.extract import extract_from_dir

    method_map = [("**.html", "jinja2")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n"}}
    found = {
        message
        for _, _, message, _, _ in extract_from_dir(
            Path(TEMPLATES), method_map, options_map=options
        )
    }
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "menwei.po").open("rb") as source:
        zh = _messages(read_po(source))
    missing = sorted(m for m in found if isinstance(m, str) and not zh.get(m))
    assert not missing, f"untranslated in zh_CN: {missing}"
