from __future__ import annotations

import httpx

from menwei.gate.kiosk import KioskServer, kiosk_state
from menwei.gate.pipeline import KioskView, Outcome


def _granted(at: float) -> Outcome:
    return Outcome(True, "granted", "请通行。", "Please go ahead.", "face", "张*", at)


def test_the_page_shows_the_prompt_and_a_qr_code_to_the_public_notice() -> None:
    view = KioskView()
    server = KioskServer(view, port=0, notice_url="https://example.org/c/1/notice").start()
    try:
        page = httpx.get(server.url).text
        assert "请看镜头 / 刷卡" in page
        assert "<svg" in page and "https://example.org/c/1/notice" in page
        assert httpx.get(server.url + "nothing").status_code == 404
    finally:
        server.stop()


def test_the_state_shows_a_masked_name_and_never_a_score() -> None:
    view = KioskView()
    clock = [100.0]
    server = KioskServer(view, port=0, clock=lambda: clock[0]).start()
    try:
        view.show(_granted(99.0))
        state = httpx.get(server.url + "state.json").json()
        assert state["result"]["name"] == "张*"
        assert "score" not in str(state).lower()
        clock[0] = 200.0
        assert httpx.get(server.url + "state.json").json()["result"] is None
    finally:
        server.stop()


def test_quality_hints_are_shown_until_a_result_replaces_them() -> None:
    view = KioskView()
    view.hint(["请靠近一些"], ["too far away: come closer"])
    assert kiosk_state(view, 0.0)["hints"] == ["请靠近一些"]
    view.show(_granted(0.0))
    assert kiosk_state(view, 1.0)["hints"] == []
