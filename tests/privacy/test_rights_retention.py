"""Rights requests have deadlines and reasons; retention erases what is no longer needed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from menwei.privacy.errors import InvalidNotice, RequestError
from menwei.privacy.retention import (
    MovedOut,
    RetentionPolicy,
    due_for_erasure,
    events_cutoff,
)
from menwei.privacy.rights import (
    RequestKind,
    RequestState,
    access_bundle,
    fulfil,
    open_request,
    overdue,
    refuse,
    render_summary_html,
)

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
COMMUNITY, PERSON = uuid.uuid4(), uuid.uuid4()


def _request(kind=RequestKind.ACCESS, **kw):
    return open_request(community_id=COMMUNITY, person_id=PERSON, kind=kind, at=NOW, **kw)


def test_a_request_is_due_in_15_days_by_default_or_as_configured():
    assert _request().due_at == NOW + timedelta(days=15)
    assert _request(deadline_days=10).due_at == NOW + timedelta(days=10)
    with pytest.raises(RequestError):
        _request(deadline_days=0)


def test_an_open_request_past_its_deadline_is_listed_as_overdue():
    late, early = _request(deadline_days=5), _request(deadline_days=20)
    done = fulfil(_request(deadline_days=1), at=NOW, handled_by="staff:li")
    now = NOW + timedelta(days=6)
    assert overdue([early, late, done], now) == [late]
    assert late.days_left(now) == -1
    assert early.days_left(now) == 14


def test_refusing_needs_a_reason_the_person_can_read():
    request = _request(RequestKind.DELETION)
    with pytest.raises(RequestError) as refused:
        refuse(request, at=NOW, handled_by="staff:li", reason="  no ")
    assert refused.value.details["field"] == "reason"
    closed = refuse(
        request,
        at=NOW,
        handled_by="staff:li",
        reason="Records of this incident must be kept until the police inquiry ends.",
    )
    assert closed.state is RequestState.REFUSED
    assert closed.refusal_reason.startswith("Records")


def test_a_closed_request_cannot_be_closed_again():
    done = fulfil(_request(), at=NOW, handled_by="staff:li")
    with pytest.raises(RequestError):
        refuse(done, at=NOW, handled_by="x", reason="a long enough reason here")


def test_a_correction_request_must_say_what_to_correct():
    with pytest.raises(RequestError):
        _request(RequestKind.CORRECTION)
    assert _request(RequestKind.CORRECTION, details="手机号应为 139…").details


def test_the_html_summary_escapes_every_value():
    bundle = access_bundle(
        person={"name": "<script>alert(1)</script>"},
        generated_at=NOW,
        consents=[],
        face_templates=[{"template_version": 1}],
        credentials=[],
        audit_entries=[],
        requests=[],
        receipts=[],
    )
    page = render_summary_html(bundle, "en")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "Face templates" in page
    assert "人脸特征" in render_summary_html(bundle)


def test_moved_out_templates_are_due_after_the_configured_days():
    policy = RetentionPolicy(moved_out_days=30)
    today = date(2026, 11, 21)
    people = [
        MovedOut(uuid.uuid4(), COMMUNITY, today - timedelta(days=30)),
        MovedOut(uuid.uuid4(), COMMUNITY, today - timedelta(days=29)),
        MovedOut(uuid.uuid4(), COMMUNITY, today - timedelta(days=400)),
    ]
    due = due_for_erasure(people, policy, today)
    assert [p.moved_out for p in due] == [people[2].moved_out, people[0].moved_out]
    assert due_for_erasure(people, RetentionPolicy(moved_out_days=0), today) == sorted(
        people, key=lambda p: p.moved_out
    )


def test_events_are_purged_after_180_days_by_default():
    assert events_cutoff(RetentionPolicy(), NOW) == NOW - timedelta(days=180)
    assert events_cutoff(RetentionPolicy(event_days=30), NOW) == NOW - timedelta(days=30)


@pytest.mark.parametrize("days", [-1, 5000, True])
def test_a_retention_period_must_be_a_sensible_number_of_days(days):
    with pytest.raises(InvalidNotice):
        RetentionPolicy(event_days=days)


def test_overlong_request_text_and_reasons_are_refused():
    with pytest.raises(RequestError):
        _request(RequestKind.CORRECTION, details="x" * 5000)
    with pytest.raises(RequestError):
        refuse(_request(), at=NOW, handled_by="li", reason="y" * 5000)
