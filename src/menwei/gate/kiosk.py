"""The gate screen: a tiny local web page that says what to do and what happened.

It shows the prompt ("请看镜头 / 刷卡"), the last result with the person's name masked (张*),
quality hints while someone stands badly lit or turned away, and a QR code linking to the
community's public notice page. It never shows a score, an image, or anyone else's data. It
listens on localhost by default: the screen's browser runs on the gate computer itself.
"""

from __future__ import annotations

import html
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import segno

from menwei.gate.pipeline import KioskView

RESULT_SHOWN_S = 5.0
PROMPT_ZH = "请看镜头 / 刷卡"
PROMPT_EN = "Look at the camera, or show your card"

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>门禁 Gate</title>
<style>
body{{font-family:sans-serif;margin:0;background:#111;color:#eee;text-align:center}}
#prompt{{font-size:3em;margin-top:1em}} #en{{font-size:1.4em;color:#aaa}}
#result{{font-size:2.4em;margin:1em;min-height:2.5em}}
.ok{{color:#6c6}} .no{{color:#e96}} #hints{{font-size:1.6em;color:#fc6;min-height:1.5em}}
#notice{{position:fixed;bottom:1em;right:1em;font-size:.9em;background:#fff;color:#111;
padding:.5em;border-radius:.3em}} #notice svg{{width:8em;height:8em;display:block}}
</style></head><body>
<div id="prompt">{prompt_zh}</div><div id="en">{prompt_en}</div>
<div id="result"></div><div id="hints"></div>
{notice}
<script>
async function poll(){{
  try {{
    const r = await fetch('state.json', {{cache:'no-store'}}); const s = await r.json();
    const res = document.getElementById('result');
    if (s.result) {{
      res.className = s.result.allowed ? 'ok' : 'no';
      res.textContent = (s.result.name ? s.result.name + ' ' : '') + s.result.message_zh;
    }} else {{ res.textContent = ''; }}
    document.getElementById('hints').textContent = s.hints.join(' · ');
  }} catch (e) {{}}
  setTimeout(poll, 400);
}}
poll();
</script></body></html>
"""


def notice_qr_svg(url: str) -> str:
    """The public notice link as an inline SVG QR code."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="svg", xmldecl=False, svgns=True, border=2)
    return buffer.getvalue().decode()


def kiosk_state(view: KioskView, now: float, shown_s: float = RESULT_SHOWN_S) -> dict[str, Any]:
    """What the page may show: the recent outcome (masked) and the hints. Nothing else."""
    with view.lock:
        outcome = view.outcome
        hints = list(view.hints_zh)
    result = None
    if outcome is not None and now - outcome.at <= shown_s:
        result = {
            "allowed": outcome.allowed,
            "message_zh": outcome.message_zh,
            "message_en": outcome.message_en,
            "name": outcome.masked_name,
        }
        hints = []
    return {"prompt_zh": PROMPT_ZH, "prompt_en": PROMPT_EN, "result": result, "hints": hints}


def render_page(notice_url: str | None) -> str:
    notice = ""
    if notice_url:
        notice = (
            f'<div id="notice">{notice_qr_svg(notice_url)}'
            f'<a href="{html.escape(notice_url, quote=True)}">人脸识别公示 · Notice</a></div>'
        )
    return _PAGE.format(prompt_zh=PROMPT_ZH, prompt_en=PROMPT_EN, notice=notice)


class KioskServer:
    """Serves the page and its state on ``host:port`` in a background thread."""

    def __init__(
        self,
        view: KioskView,
        *,
        host: str = "127.0.0.1",
        port: int = 8765,
        notice_url: str | None = None,
        clock: Any = time.monotonic,
    ) -> None:
        page = render_page(notice_url).encode()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path in ("/", "/index.html"):
                    self._send(200, "text/html; charset=utf-8", page)
                elif path == "/state.json":
                    data = json.dumps(kiosk_state(view, outer.clock()), ensure_ascii=False)
                    self._send(200, "application/json", data.encode())
                else:
                    self._send(404, "text/plain", b"not found")

            def _send(self, status: int, kind: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("X-Content-Type-Options", "nosniff")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.clock = clock
        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="menwei-kiosk", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        name = host.decode("ascii") if isinstance(host, bytes) else host
        return f"http://{name}:{port}/"

    def start(self) -> KioskServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
