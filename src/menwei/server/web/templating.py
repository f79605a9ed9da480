"""Jinja2 templates translated with gettext catalogs: zh-CN by default, English on request.

The language is the visitor's choice (the ``menwei_lang`` cookie set by the switch link), else
``Accept-Language``, else zh-CN. Every visible string in a template goes through ``_()``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from menwei.server.i18n import LOCALES, negotiate

TEMPLATES = Path(__file__).parent / "templates"
LOCALE_DIR = Path(__file__).parent.parent / "locale"
LANG_COOKIE = "menwei_lang"
DOMAIN = "menwei"


def catalog_domains(locale_dir: Path = LOCALE_DIR) -> tuple[str, ...]:
    """Every catalog domain: ``menwei`` first, then one per area of pages (``console.frame``, …).

    Each area keeps its own ``.po`` file so that its strings are edited and reviewed together;
    a page sees all of them merged.
    """
    found = {path.stem for path in locale_dir.glob("*/LC_MESSAGES/*.po")}
    return (DOMAIN, *sorted(found - {DOMAIN}))


def page_locale(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LOCALES:
        return chosen
    return negotiate(request.headers.get("accept-language"), getattr(request.state, "locale", None))


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogs for ``locale`` (``zh-CN`` -> ``zh_CN``), every domain merged."""
    folder = locale.replace("-", "_")
    merged = Translations.load(str(LOCALE_DIR), [folder], DOMAIN)
    for domain in catalog_domains()[1:]:
        part = Translations.load(str(LOCALE_DIR), [folder], domain)
        if isinstance(merged, Translations) and isinstance(part, Translations):
            merged.merge(part)
    return merged


@cache
def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["notice"] = notice_html
    env.filters["localday"] = local_day
    return env


def local_day(stamp: str | None, zone: str = "Asia/Shanghai") -> str:
    """A stored ISO time as the day it was where the community is (Beijing by default)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(str(stamp)).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d")
    except ValueError:
        return str(stamp)[:10]


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def notice_html(text: str) -> Markup:
    """A notice's plain Markdown (headings, bold, paragraphs) as HTML; everything is escaped
    first, so nothing in a notice can inject markup."""
    out: list[str] = []
    for line in str(text).splitlines():
        level = len(line) - len(line.lstrip("#"))
        body = _BOLD.sub(r"<strong>\1</strong>", str(escape(line[level:].strip())))
        if 0 < level <= 3:
            out.append(f"<h{level + 2}>{body}</h{level + 2}>")
        elif body:
            out.append(f"<p>{body}</p>")
    return Markup("\n".join(out))  # noqa: S704 (every piece was escaped above)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``name`` in the request's language, with the CSRF token every form needs."""
    from menwei.server.auth.csrf import csrf_token, ensure_nonce

    locale = page_locale(request)
    nonce = ensure_nonce(request)
    context.setdefault("csrf_token", csrf_token(request, nonce))
    context["locale"] = locale
    context["html_lang"] = "zh-CN" if locale == "zh-CN" else "en"
    context["other_locale"] = "en" if locale == "zh-CN" else "zh-CN"
    context["request_path"] = request.url.path
    html = environment(locale).get_template(name).render(**context)
    response = HTMLResponse(html, status_code=status_code)
    from menwei.server.auth.csrf import set_nonce_cookie

    set_nonce_cookie(request, response, nonce)
    return response
