"""Pages say face recognition is off and why, and offer neither consent nor enrolment."""

from __future__ import annotations

from .conftest import Site
from .forms import sign_in


def test_with_face_off_the_resident_pages_say_why_and_offer_no_consent(client, site: Site) -> None:  # type: ignore[no-untyped-def]
    site.publish_notice()  # publishes and switches on; then the office switches it off again
    with_face = client
    sign_in(with_face)
    home = with_face.get("/my")
    assert "/my/consent" in home.text and "人脸识别未开启" not in home.text
    from datetime import UTC, datetime

    from menwei.store.repositories.face_gate import write_face_switch
    from menwei.store.uow import UnitOfWork

    with UnitOfWork(site.app.state.session_factory) as uow:  # type: ignore[attr-defined]
        write_face_switch(
            uow.session, site.world.community_id, enabled=False, at=datetime.now(UTC), by="vote"
        )
        uow.commit()
    home = with_face.get("/my")
    assert "本小区的人脸识别未开启" in home.text
    assert "/my/consent" not in home.text
    consent = with_face.get("/my/consent")
    assert consent.status_code == 409 and "人脸识别已被关闭" in consent.text
    assert "agree" not in consent.text
    enrol = with_face.get("/my/enrol", follow_redirects=False)
    assert enrol.status_code == 409 and "本小区的人脸识别未开启" in enrol.text
    english = with_face.get("/my/consent", headers={"Accept-Language": "en"})
    assert "Face recognition is off in this community" in english.text
