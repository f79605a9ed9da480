"""Properties of display periods for any postings, in any time zone the times are given in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from menwei.governance import NoticeChannel, Posting, PublicNotice

from .conftest import rid

BEIJING = ZoneInfo("Asia/Shanghai")
BASE = datetime(2026, 3, 1, tzinfo=BEIJING)
offsets = st.integers(min_value=0, max_value=30 * 24 * 60).map(lambda m: timedelta(minutes=m))
zones = st.sampled_from([UTC, BEIJING, timezone(timedelta(hours=-7)), ZoneInfo("Europe/Berlin")])


@st.composite
def notices(draw):
    postings = []
    for channel, location in (
        (NoticeChannel.PUBLIC_PAGE, "public-page"),
        (NoticeChannel.DOOR_POSTER, "east-gate"),
        (NoticeChannel.DOOR_POSTER, "south-gate"),
    ):
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            posted = BASE + draw(offsets)
            down = draw(st.none() | offsets.map(lambda d, p=posted: p + d))
            postings.append(Posting(channel, location, posted, "staff-1", down))
    return PublicNotice(
        notice_id=rid("n-1"),
        community_id=rid("c-1"),
        title="公示",
        body="正文",
        starts_on=date(2026, 3, 1) + timedelta(days=draw(st.integers(0, 5))),
        minimum_days=draw(st.integers(min_value=1, max_value=10)),
        poster_doors=draw(st.sampled_from([frozenset(), frozenset({"east-gate", "south-gate"})])),
        postings=tuple(postings),
    )


@settings(max_examples=60, deadline=None)
@given(notices(), offsets, offsets, zones)
def test_displayed_days_never_decrease_and_do_not_depend_on_the_zone_of_as_of(
    notice, first, second, zone
):
    earlier, later = sorted((BASE + first, BASE + second))
    assert notice.displayed_days(earlier) <= notice.displayed_days(later)
    assert notice.displayed_days(later) == notice.displayed_days(later.astimezone(zone))


@settings(max_examples=60, deadline=None)
@given(notices(), offsets)
def test_a_running_display_has_served_exactly_the_days_since_it_began(notice, offset):
    as_of = BASE + offset
    since = notice.displayed_since(as_of)
    if since is None:
        return
    served = max(0, (as_of - since).days)
    # Days already served by the running display; an earlier, longer run may count as well.
    assert notice.displayed_days(as_of) >= served
    assert notice.displayed_for_at_least(served, as_of)
