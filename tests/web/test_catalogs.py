"""The translation catalogs: compiled files match their sources, and every string is in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from menwei.server.web.templating import LOCALE_DIR, TEMPLATES, catalog_domains, translations

LOCALES = ("zh_CN", "en")
SOURCES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def _messages(catalog) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.id: m.string for m in catalog if m.id}


def _chinese() -> dict[str, str]:
    merged: dict[str, str] = {}
    for domain in catalog_domains():
        path = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            with path.open("rb") as source:
                merged.update(_messages(read_po(source)))
    return merged


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_the_compiled_catalog_is_up_to_date_with_its_source(source: Path) -> None:
    with source.open("rb") as po_file:
        po = _messages(read_po(po_file))
    with source.with_suffix(".mo").open("rb") as compiled:
        mo = _messages(read_mo(compiled))
    translated = {k: v for k, v in po.items() if v}
    assert mo == translated, f"{source.name} is compiled stale: run make catalogs"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_domain_exists_in_both_languages(locale: str) -> None:
    for domain in catalog_domains():
        assert (LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.po").exists(), (locale, domain)


def test_no_message_is_translated_twice_across_domains() -> None:
    seen: dict[str, str] = {}
    doubled = []
    for domain in catalog_domains():
        with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{domain}.po").open("rb") as source:
            for message_id in _messages(read_po(source)):
                if message_id in seen:
                    doubled.append((message_id, seen[message_id], domain))
                seen[message_id] = domain
    assert not doubled, f"translated in two catalogs: {doubled}"


def test_pages_see_every_domain_merged() -> None:
    zh = translations("zh-CN")
    for message_id, text in _chinese().items():
        if text:
            assert zh.gettext(message_id) == text, message_id


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
    zh = _chinese()
    missing = sorted(m for m in found if isinstance(m, str) and not zh.get(m))
    assert not missing, f"untranslated in zh_CN: {missing}"
