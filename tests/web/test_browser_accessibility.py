"""Every page a role can reach, crawled in Chromium on a 360 px phone and checked for the basics
of issue #6: it fits the width, has one heading and a title, names every control, link, image
and chart, keeps ids unique, has readable contrast (WCAG AA), shows where the keyboard is, and
logs no errors. English console pages carry no leftover Chinese interface text.

All problems of one page are reported together, so one run lists everything to fix."""

from __future__ import annotations

import re
from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select

from .browser import BROWSER, shot
from .conftest import Site
from .forms import HTML, csrf_of
from .forms import sign_in as sign_in_client
from .test_console_questions import ask
from .test_console_votes import fix_clock, local, publish, resident_votes, votes_url

pytestmark = BROWSER

PAGES_PER_ROLE = 60
SAME_KIND = 3  # pages per path pattern: a vote open, ended and counted reads differently
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
NOT_PAGES = ("/signout", "/api/", "/lang/", "/static/")
KEYBOARD_SAMPLES = ("/new", "/signin", "/edit", "/votes", "/holidays")  # forms with dates too
DOWNLOADS = (".csv", ".json", ".pdf", ".png", ".svg", ".txt", "/export", "/download")

# Runs in the page and returns a list of plain-language problems.
CHECKS = r"""() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth)
    problems.push(`wider than the phone: ${doc.scrollWidth}px > ${window.innerWidth}px`);
  if (!doc.lang) problems.push('<html> has no lang');
  const h1s = document.querySelectorAll('h1').length;
  if (h1s !== 1) problems.push(`${h1s} <h1> elements, not one`);
  if (!document.title.trim()) problems.push('no <title>');

  const shown = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const rects = el.getClientRects();
    if (!rects.length) return false;
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && box.right > 0 && box.bottom > -window.scrollY;
  };
  const describe = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += '#' + el.id;
    if (el.name) text += `[name=${el.name}]`;
    if (el.className && typeof el.className === 'string')
      text += '.' + el.className.trim().split(/\s+/).join('.');
    const words = (el.innerText || el.textContent || '').trim().slice(0, 30);
    return words ? `${text} "${words}"` : text;
  };
  const named = (el) => {
    if ((el.getAttribute('aria-label') || '').trim()) return true;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\s+/).some((id) => (document.getElementById(id)?.textContent || '').trim()))
      return true;
    if (el.id && [...document.querySelectorAll('label')].some(
      (l) => l.htmlFor === el.id && l.textContent.trim())) return true;
    const wrapping = el.closest('label');
    return Boolean(wrapping && wrapping.textContent.trim());
  };

  for (const el of document.querySelectorAll('input, select, textarea')) {
    const unlabelled = ['hidden', 'submit', 'button', 'reset', 'image'];
    if (el.tagName === 'INPUT' && unlabelled.includes(el.type)) continue;
    if (!shown(el)) continue;
    if (!named(el)) problems.push(`control without a label: ${describe(el)}`);
  }
  for (const el of document.querySelectorAll('button, a[href], [role=button]')) {
    const text = (el.innerText || el.textContent || '').trim();
    const imgAlt = [...el.querySelectorAll('img[alt]')].some((i) => i.alt.trim());
    if (!text && !imgAlt && !(el.getAttribute('aria-label') || '').trim()
        && !el.getAttribute('aria-labelledby') && !(el.title || '').trim())
      problems.push(`${el.tagName.toLowerCase()} without a name: ${describe(el)}`);
  }
  for (const img of document.querySelectorAll('img'))
    if (!img.hasAttribute('alt')) problems.push(`img without alt: ${img.src.slice(0, 60)}`);
  for (const svg of document.querySelectorAll('svg[role=img]'))
    if (!(svg.getAttribute('aria-label') || '').trim() && !svg.querySelector('title')
        && !svg.getAttribute('aria-labelledby'))
      problems.push('svg[role=img] without a name');

  const ids = {};
  for (const el of document.querySelectorAll('[id]')) ids[el.id] = (ids[el.id] || 0) + 1;
  for (const [id, count] of Object.entries(ids))
    if (count > 1) problems.push(`id "${id}" used ${count} times`);

  // WCAG 2.x contrast of each visible piece of text against its composited background.
  const rgba = (text) => {
    const m = text.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  const background = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== 'none') return null;
      const colour = rgba(style.backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push(colour);
        if (colour[3] >= 1) break;
      }
    }
    let result = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || seen.has(el) || el.closest('svg, script, style, noscript, [hidden]')) continue;
    seen.add(el);
    if (!shown(el) || el.closest(':disabled')) continue;
    const style = getComputedStyle(el);
    if (style.clip === 'rect(0px, 0px, 0px, 0px)' || parseFloat(style.opacity) === 0) continue;
    const bg = background(el);
    const fg = rgba(style.color);
    if (!bg || !fg) continue;
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700 || style.fontWeight === 'bold';
    const large = size >= 24 || (bold && size >= 18.66);
    const need = large ? 3 : 4.5;
    const got = ratio(over(fg, bg), bg);
    if (got < need)
      problems.push(`contrast ${got.toFixed(2)}:1 < ${need}:1 for ${describe(el)}`);
  }
  return problems;
}"""

# What the keyboard has reached: where it is and whether one can see it.
FOCUS = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body'};
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== 'none');
  return {
    tag: el.tagName.toLowerCase(), cls: el.className || '', id: el.id, type: el.type || '',
    text: (el.innerText || '').trim().slice(0, 30),
    visible: box.width > 0 && box.height > 0 && box.right > 0 && box.left < window.innerWidth
      && box.bottom > 0 && box.top < window.innerHeight,
    ring,
  };
}"""

# Folded parts (<details>) are checked open, since a tap shows them.
UNFOLD_AND_CHECK = f"""() => {{
  document.querySelectorAll('details').forEach((d) => {{ d.open = true; }});
  return ({CHECKS})();
}}"""

CSP_WATCH = """document.addEventListener('securitypolicyviolation',
  (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));"""


def pattern_of(url: str) -> str:
    """One key per kind of page: UUID segments collapse; a query string makes its own kind."""
    parts = urlsplit(url)
    path = "/".join("{id}" if UUID.match(seg) else seg for seg in parts.path.split("/"))
    return path + ("?" if parts.query else "")


def worth_visiting(url: str, base: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base:
        return False
    path = parts.path.lower()
    return not path.startswith(NOT_PAGES) and not path.endswith(DOWNLOADS)


def liven_up(site: Site) -> None:
    """Give the demo what makes more pages: the published notice, owners' votes (one open, one
    ended but not yet counted, one closed with its result) and a resident's public question."""
    site.publish_notice()
    now = datetime.now(UTC)
    fix_clock(site, now)
    soon = {"closes_at": local(now + timedelta(days=7))}

    def client() -> TestClient:
        return TestClient(site.app, base_url="https://testserver")  # type: ignore[arg-type]

    with client() as committee:
        sign_in_client(committee, "yeweihui")
        still_open = publish(committee, site, now)
        publish(committee, site, now, title="更换南大门道闸", subject="other", **soon)
        counted = publish(committee, site, now, title="增加非机动车停车棚", subject="other", **soon)
    with client() as resident:
        sign_in_client(resident, "resident")
        resident_votes(resident, still_open, "approve")
        resident_votes(resident, counted, "approve")
        ask(resident, "南大门晚上几点关门？")
    fix_clock(site, now + timedelta(days=8))  # the week is over
    with client() as committee:
        sign_in_client(committee, "yeweihui")
        close = f"{votes_url(site)}/{counted}/close"
        confirm = committee.get(close, headers=HTML)
        closed = committee.post(close, data={"csrf_token": csrf_of(confirm.text)}, headers=HTML)
        assert closed.status_code == 200, closed.text


def sign_in(page, base: str, login: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/signin")
    page.get_by_label("用户名").fill(login)
    page.get_by_label("密码").fill(f"demo-{login}-2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "/signin" not in page.url, f"{login} could not sign in"


def keyboard_problems(page, stops: int = 30) -> list[str]:  # type: ignore[no-untyped-def]
    """The skip link is the first Tab stop, and each later stop can be seen, until the Tab
    order leaves the page."""
    problems = []
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for step in range(stops):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if step == 0 and "skip" not in str(focus.get("cls")):
            problems.append(f"first Tab stop is not the skip link but {focus}")
        if focus["tag"] == "body":
            if step < 2:
                problems.append(f"Tab {step + 1} left focus on the body")
            break
        if not focus["visible"]:
            problems.append(f"Tab {step + 1} focused something off screen: {focus}")
        if not focus["ring"]:
            problems.append(f"Tab {step + 1} focus has no visible indicator: {focus}")
    return problems


# Pages whose 360 px screenshot is kept, to look at: tables, charts and long forms.
SHOTS = ("/events", "/units", "/people", "/votes", "/votes/{id}", "/my", "/credentials")


def crawl(  # type: ignore[no-untyped-def]
    page, base: str, starts: list[str], check: bool = True, same_kind: int = SAME_KIND
) -> tuple[dict[str, list[str]], list[str]]:
    """Visit up to PAGES_PER_ROLE kinds of page reachable from ``starts`` through links inside
    ``<main>``; return the problems found on each page (unless told not to check) and the URLs
    visited, in order."""
    found: dict[str, list[str]] = {}
    visited: list[str] = []
    queued = set(starts)
    per_pattern = Counter(pattern_of(url) for url in starts)
    queue = deque(starts)
    while queue and len(visited) < PAGES_PER_ROLE:
        url = queue.popleft()
        logged = len(page.problems)
        response = page.goto(url)
        page.wait_for_load_state()
        problems: list[str] = []
        if response is None or response.status >= 400:  # a link inside the page led nowhere
            problems.append(f"status {response.status if response else 'none'}")
        if check and (not visited or pattern_of(url).endswith(KEYBOARD_SAMPLES)):
            problems += keyboard_problems(page)
        if check:
            problems += page.evaluate(UNFOLD_AND_CHECK)
        problems += [f"console: {text}" for text in page.problems[logged:]]
        visited.append(url)
        if check and pattern_of(url).endswith(SHOTS):
            name = pattern_of(url).strip("/").replace("/", "-").replace("{id}", "id")
            shot(page, f"a11y-{page.evaluate('document.documentElement.lang')}-{name[-40:]}")
        if problems:
            found[url.removeprefix(base)] = problems
        for href in page.eval_on_selector_all(
            "main a[href]:not([download])", "links => links.map((a) => a.href)"
        ):
            target = urljoin(url, href).split("#")[0]
            key = pattern_of(target)
            room = 1 if key.endswith("?") else same_kind
            if worth_visiting(target, base) and target not in queued and per_pattern[key] < room:
                queued.add(target)
                per_pattern[key] += 1
                queue.append(target)
    return found, visited


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{url}:\n" + "\n".join(f"  - {p}" for p in problems) for url, problems in found.items()
    )


def watch_csp(page) -> None:  # type: ignore[no-untyped-def]
    page.context.add_init_script(CSP_WATCH)


def test_the_checks_catch_each_kind_of_problem(page) -> None:  # type: ignore[no-untyped-def]
    page.set_content(BAD_PAGE)
    problems = "\n".join(page.evaluate(UNFOLD_AND_CHECK))
    for expected in EXPECTED:
        assert expected in problems, f"missed {expected!r} in:\n{problems}"
    for fine in ("#named", "#wrapped", '"just readable"', '"large and lighter"', '"on dark"'):
        assert fine not in problems, f"{fine} was flagged:\n{problems}"
    page.set_content(NO_RING_PAGE)
    keyboard = "\n".join(keyboard_problems(page))
    assert "first Tab stop is not the skip link" in keyboard
    assert "no visible indicator" in keyboard


def test_a_csp_violation_is_logged_where_the_crawl_reads_it(page) -> None:  # type: ignore[no-untyped-def]
    watch_csp(page)
    strict = {"content-type": "text/html", "content-security-policy": "style-src 'self'"}
    page.route(
        "http://csp.test/",
        lambda route: route.fulfill(headers=strict, body='<p style="color: red">inline</p>'),
    )
    page.goto("http://csp.test/")
    assert any("CSP violation: style-src" in text for text in page.problems)


BAD_PAGE = """<html><head></head><body>
<h1>One</h1><h1>Two</h1>
<div style="width: 600px">too wide</div>
<input id="bare"><label for="named">Name</label><input id="named">
<label>Wrapped <input id="wrapped"></label>
<details><summary>More</summary><select id="folded"></select></details>
<button></button><a href="/x"></a><img src="data:,"><svg role="img" width="10" height="10"></svg>
<p id="twice">a</p><p id="twice">b</p>
<p style="color: #999">too pale</p>
<p style="color: #767676">just readable</p>
<p style="color: #949494; font-size: 24px">large and lighter</p>
<div style="background: #0b3d91"><p style="color: #fff">on dark</p></div>
<div style="background: #0b3d91"><p style="color: #00f">blue on blue</p></div>
</body></html>"""
EXPECTED = [
    "wider than the phone",
    "<html> has no lang",
    "2 <h1> elements",
    "no <title>",
    "control without a label: input#bare",
    "control without a label: select#folded",
    "button without a name",
    "a without a name",
    "img without alt",
    "svg[role=img] without a name",
    'id "twice" used 2 times',
    '"too pale"',
    '"blue on blue"',
]
NO_RING_PAGE = """<html lang="en"><head><title>t</title>
<style>:focus { outline: none; }</style></head>
<body><button>first</button><a href="#x">second</a></body></html>"""


def agree_to_face_recognition(site: Site) -> None:
    """The demo resident agrees, which opens the enrolment and withdrawal pages."""
    with TestClient(site.app, base_url="https://testserver") as resident:  # type: ignore[arg-type]
        sign_in_client(resident, "resident")
        form = resident.get("/my/consent", headers=HTML)
        agreed = resident.post(
            "/my/consent",
            data={"csrf_token": csrf_of(form.text), "answer": "agree"},
            headers=HTML,
            follow_redirects=False,
        )
        assert agreed.status_code == 303, agreed.text


@pytest.mark.parametrize(
    "login", ["resident", "resident who agreed", "staff", "yeweihui", "jianguan"]
)
def test_every_page_a_role_reaches_passes_the_basics_on_a_phone(
    served: tuple[Site, str], page, login: str
) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    liven_up(site)
    if login == "resident who agreed":
        agree_to_face_recognition(site)
        login = "resident"
    watch_csp(page)
    sign_in(page, base, login)
    found, visited = crawl(page, base, [page.url])
    shot(page, f"a11y-{login}-last")
    assert len(visited) >= 3, f"{login} reached only {visited}"
    assert not found, f"{len(found)} of {len(visited)} pages fail:\n{report(found)}"


def test_every_public_page_passes_the_basics_on_a_phone(served: tuple[Site, str], page) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    liven_up(site)
    watch_csp(page)
    community = site.world.community_id
    gate = site.world.door_ids["南大门"]
    starts = [f"{base}/c/{community}", f"{base}/signin", f"{base}/c/{community}/poster/{gate}"]
    found, visited = crawl(page, base, starts)
    shot(page, "a11y-public-last")
    assert not found, f"{len(found)} of {len(visited)} pages fail:\n{report(found)}"


def test_error_pages_and_a_refused_sign_in_pass_the_basics(served: tuple[Site, str], page) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    found: dict[str, list[str]] = {}
    for path in (f"/c/{uuid4()}", f"/office/c/{site.world.community_id}", "/my", "/no-such-page"):
        page.goto(f"{base}{path}")
        if problems := page.evaluate(UNFOLD_AND_CHECK):
            found[path] = problems
    page.goto(f"{base}/signin")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("not the password")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if problems := page.evaluate(UNFOLD_AND_CHECK):
        found["/signin refused"] = problems
    shot(page, "a11y-signin-refused")
    assert not found, report(found)


def test_the_assisted_consent_pages_pass_the_basics(served: tuple[Site, str], page) -> None:  # type: ignore[no-untyped-def]
    """Pages reached only through a form: the office helps one resident agree and enrol, and
    another say no."""
    site, base = served
    site.publish_notice()
    watch_csp(page)
    sign_in(page, base, "staff")
    agrees, refuses = (
        f"{base}/office/c/{site.world.community_id}/people/{person.id}"
        for person in site.people()[:2]
    )
    found: dict[str, list[str]] = {}

    logged = [0]  # console lines already reported

    def check(name: str) -> None:
        page.wait_for_load_state()
        problems = page.evaluate(UNFOLD_AND_CHECK)
        problems += [f"console: {text}" for text in page.problems[logged[0] :]]
        logged[0] = len(page.problems)
        if problems:
            found[name] = problems

    page.goto(f"{agrees}/consent")
    check("consent question")
    page.get_by_role("button", name="同意", exact=True).click()
    page.wait_for_url(f"{agrees}/enrol")
    check("enrolment camera")
    page.goto(f"{agrees}/enrolled")
    check("enrolled")
    assert page.get_by_role("link", name="返回物业办公室").is_visible()
    page.goto(f"{refuses}/consent")
    page.get_by_role("button", name="不同意", exact=True).click()
    check("refused")
    shot(page, "a11y-assisted-refused")
    page.get_by_role("link", name="返回物业办公室").click()  # not a dead end
    page.wait_for_url(f"{base}/office/c/{site.world.community_id}")
    assert not found, report(found)


def stored_text(site: Site) -> str:
    """Every string stored in the database: names of people, units and doors may be Chinese on
    an English page, because they are data, not interface."""
    engine = site.app.state.engine  # type: ignore[attr-defined]
    tables = MetaData()
    tables.reflect(engine)
    found: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    with engine.connect() as connection:
        for table in tables.sorted_tables:
            for row in connection.execute(select(table)):
                collect(tuple(row))
    return "\n".join(found)


ENGLISH = re.compile(r"[A-Za-z]{3,}")  # words; codes such as "QR" or "PIN" are shorter
# Names that stay as they are in Chinese: the language switch, file formats, the URL scheme.
NAMES = {"English", "CSV", "Excel", "UTF", "xlsx", "http"}
CHINESE = re.compile(r"[\u3400-\u9fff]+")  # runs of characters; punctuation joins data
# The page's words without its commands (<code>): a command is typed as it is, in any language.
PROSE = """(() => {
  let text = document.body.innerText;
  for (const code of document.querySelectorAll("code")) text = text.replace(code.innerText, "");
  return text;
})()"""


@pytest.mark.parametrize("login", ["resident", "staff", "yeweihui", "jianguan"])
def test_pages_carry_no_text_of_the_other_language_and_pass_in_english(
    served: tuple[Site, str], page, login: str
) -> None:  # type: ignore[no-untyped-def]
    site, base = served
    liven_up(site)
    sign_in(page, base, login)
    _, visited = crawl(page, base, [page.url], check=False, same_kind=1)
    data = stored_text(site)
    leftovers: dict[str, set[str]] = {}
    for url in visited:
        page.goto(url)
        text = page.evaluate(PROSE)
        stray = {word for word in ENGLISH.findall(text) if word not in data} - NAMES
        if stray:
            leftovers[f"zh-CN {url.removeprefix(base)}"] = stray
    page.goto(f"{base}/lang/en?next=/office")
    for url in visited:
        page.goto(url)
        assert page.evaluate("document.documentElement.lang").startswith("en"), url
        text = page.evaluate("document.body.innerText")
        stray = {run for run in CHINESE.findall(text) if run not in data and run != "中文"}
        if stray:
            leftovers[f"en {url.removeprefix(base)}"] = stray
        layout = page.evaluate(UNFOLD_AND_CHECK)  # English words are longer: does it still fit?
        if layout:
            leftovers[f"en layout {url.removeprefix(base)}"] = set(layout)
    shot(page, f"a11y-{login}-english")
    assert not leftovers, "\n".join(f"{url}: {sorted(runs)}" for url, runs in leftovers.items())
