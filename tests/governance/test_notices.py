"""Display periods of public notices, counted in Beijing calendar days (Civil Code Art 201)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from menwei.governance import InvalidInput, NoticeChannel, Posting, PublicNotice

from .conftest import rid

BEIJING = ZoneInfo("Asia/Shanghai")


def _at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=BEIJING)


def _notice(*postings: Posting, minimum_days: int = 7, **options) -> PublicNotice:
    return PublicNotice(
        notice_id=rid("n-1"),
        community_id=rid("c-1"),
        title="关于启用人脸识别门禁的公示",
        body="本小区拟在东门、南门启用人脸识别，门禁卡继续有效。",
        starts_on=options.pop("starts_on", date(2026, 3, 1)),
        minimum_days=minimum_days,
        postings=postings,
        **options,
    )


def _everywhere(posted_at: datetime, taken_down_at: datetime | None = None) -> tuple[Posting, ...]:
    return (
        Posting(NoticeChannel.PUBLIC_PAGE, "public-page", posted_at, "staff-1", taken_down_at),
        Posting(NoticeChannel.DOOR_POSTER, "east-gate", posted_at, "staff-1", taken_down_at),
    )


def test_the_day_of_posting_does_not_count_and_a_day_counts_once_it_has_ended():
    notice = _notice(*_everywhere(_at(1, 10)))
    assert notice.displayed_days(_at(2, 23, 59)) == 0
    assert notice.displayed_days(_at(3, 0, 0)) == 1
    assert notice.displayed_days(_at(9, 0, 0)) == 7


def test_a_seven_day_period_is_served_at_midnight_beijing_time_not_a_second_earlier():
    notice = _notice(*_everywhere(_at(1, 10)))
    served = _at(9)
    assert notice.period_complete(served)
    assert not notice.period_complete(served - timedelta(seconds=1))


def test_days_are_beijing_days_even_when_times_are_given_in_utc():
    # 23:30 on 1 March in Beijing is 15:30 UTC; 00:30 on 2 March in Beijing is still 1 March UTC.
    late_evening = _notice(*_everywhere(datetime(2026, 3, 1, 15, 30, tzinfo=UTC)))
    after_midnight = _notice(*_everywhere(datetime(2026, 3, 1, 16, 30, tzinfo=UTC)))
    as_of = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # midnight starting 3 March in Beijing
    assert late_evening.displayed_days(as_of) == 1
    assert after_midnight.displayed_days(as_of) == 0
    assert late_evening.displayed_days(as_of) == late_evening.displayed_days(
        as_of.astimezone(BEIJING)
    )


def test_a_notice_only_on_the_web_page_is_not_displayed_when_door_posters_are_required():
    notice = _notice(Posting(NoticeChannel.PUBLIC_PAGE, "public-page", _at(1, 9), "staff-1"))
    assert notice.displayed_days(_at(20)) == 0
    assert notice.displayed_since(_at(20)) is None


def test_every_listed_door_must_carry_a_poster_for_a_day_to_count():
    page = Posting(NoticeChannel.PUBLIC_PAGE, "public-page", _at(1, 9), "staff-1")
    east = Posting(NoticeChannel.DOOR_POSTER, "east-gate", _at(1, 9), "staff-1")
    south = Posting(NoticeChannel.DOOR_POSTER, "south-gate", _at(5, 9), "staff-2")
    notice = _notice(page, east, south, poster_doors=frozenset({"east-gate", "south-gate"}))
    assert not notice.displayed_on(date(2026, 3, 4))
    assert not notice.displayed_on(date(2026, 3, 5))
    assert notice.displayed_on(date(2026, 3, 6))
    assert notice.displayed_days(_at(10)) == 4


def test_kiosk_screens_count_only_where_the_community_requires_them():
    postings = _everywhere(_at(1, 9))
    required = frozenset(
        {NoticeChannel.PUBLIC_PAGE, NoticeChannel.DOOR_POSTER, NoticeChannel.KIOSK_SCREEN}
    )
    assert _notice(*postings, required_channels=required).displayed_days(_at(10)) == 0
    with_kiosk = _notice(
        *postings,
        Posting(NoticeChannel.KIOSK_SCREEN, "kiosk-east", _at(1, 9), "staff-1"),
        required_channels=required,
    )
    assert with_kiosk.displayed_days(_at(10)) == 8


def test_taking_a_notice_down_breaks_the_period_and_it_starts_again():
    notice = _notice(*_everywhere(_at(1, 9)), minimum_days=5)
    notice = notice.taken_down(NoticeChannel.DOOR_POSTER, "east-gate", _at(4, 20))
    notice = notice.with_posting(
        Posting(NoticeChannel.DOOR_POSTER, "east-gate", _at(5, 8), "staff-2")
    )
    # 2-3 March count; 4 March (down at 20:00) and 5 March (up at 08:00) do not; from 6 March
    # a new run starts, so five days are served only when 10 March has ended.
    assert notice.displayed_days(_at(5)) == 2
    assert notice.displayed_days(_at(8)) == 2
    assert notice.displayed_days(_at(9)) == 3
    assert not notice.period_complete(_at(10, 23, 59))
    assert notice.period_complete(_at(11))


def test_days_before_the_announced_start_date_do_not_count():
    notice = _notice(*_everywhere(_at(1, 9)), starts_on=date(2026, 3, 5))
    assert notice.displayed_days(_at(10)) == 5


def test_displayed_since_gives_the_moment_from_which_full_days_are_counted():
    notice = _notice(*_everywhere(_at(1, 10)))
    assert notice.displayed_since(_at(1, 11)) == _at(2)
    assert notice.displayed_since(_at(6, 12)) == _at(2)
    since = notice.displayed_since(_at(6, 12))
    assert notice.period_complete(since + timedelta(days=7))
    assert not notice.period_complete(since + timedelta(days=7) - timedelta(seconds=1))


def test_displayed_since_is_none_once_the_notice_is_down():
    notice = _notice(*_everywhere(_at(1, 10), taken_down_at=_at(12, 9)))
    assert notice.displayed_since(_at(12, 10)) is None
    assert notice.displayed_days(_at(13)) == 10


def test_a_naive_time_is_refused_because_its_day_is_ambiguous():
    notice = _notice(*_everywhere(_at(1, 10)))
    with pytest.raises(InvalidInput):
        notice.displayed_days(datetime(2026, 3, 10))
    with pytest.raises(InvalidInput):
        Posting(NoticeChannel.DOOR_POSTER, "east-gate", datetime(2026, 3, 1), "staff-1")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("minimum_days", 0),
        ("minimum_days", -3),
        ("minimum_days", "7"),
        ("title", ""),
        ("title", "公示\x00"),
        ("body", "x" * 50_001),
        ("required_channels", frozenset({"fax"})),
        ("timezone", "Mars/Olympus"),
    ],
)
def test_a_malformed_notice_is_refused_with_a_typed_error(field, value):
    fields = {
        "notice_id": rid("n-1"),
        "community_id": rid("c-1"),
        "title": "公示",
        "body": "正文",
        "starts_on": date(2026, 3, 1),
        "minimum_days": 7,
        field: value,
    }
    with pytest.raises(InvalidInput):
        PublicNotice(**fields)


def test_taking_down_a_poster_that_is_not_up_is_refused():
    notice = _notice(*_everywhere(_at(1, 10)))
    with pytest.raises(InvalidInput):
        notice.taken_down(NoticeChannel.DOOR_POSTER, "north-gate", _at(3))
