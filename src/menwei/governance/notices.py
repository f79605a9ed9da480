"""Public notices (公示) and the record of where they were actually displayed.

In the first seed story the committee "posted a notice" that many owners never saw. So a notice
here is not displayed because it was written; it is displayed on a day only when, for that whole
day, it was up on every channel the community requires: the public web page, a poster at each
listed door, the kiosk screens.

Counting days follows Civil Code Art 201: a period counted in days starts on the day after the
event, so the day a notice goes up does not count, and a day counts only once it has ended.
Days are calendar days in the community's time zone (Asia/Shanghai unless told otherwise), so a
poster put up at 23:30 Beijing time on 1 March starts counting on 2 March, whatever UTC says.
A display period is a run of consecutive displayed days: a notice taken down and put back starts
counting again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from menwei.governance import _checks
from menwei.governance.errors import InvalidInput

DEFAULT_TIMEZONE = "Asia/Shanghai"
MAX_DISPLAY_DAYS = 3660


class NoticeChannel(StrEnum):
    """Where a notice is shown."""

    PUBLIC_PAGE = "public_page"
    DOOR_POSTER = "door_poster"
    KIOSK_SCREEN = "kiosk_screen"


@dataclass(frozen=True)
class Posting:
    """One placement of a notice: a channel, where (a door id, a screen id, or the page), when.

    ``recorded_by`` is the account that put it up or confirmed it; ``taken_down_at`` stays
    ``None`` while it is still up.
    """

    channel: NoticeChannel
    location: str
    posted_at: datetime
    recorded_by: str
    taken_down_at: datetime | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "channel", NoticeChannel(self.channel))
        except ValueError:
            raise InvalidInput("channel", "invalid_input.no_such_channel") from None
        object.__setattr__(self, "location", _checks.identifier("location", self.location))
        object.__setattr__(self, "recorded_by", _checks.identifier("recorded_by", self.recorded_by))
        _checks.aware("posted_at", self.posted_at)
        if self.taken_down_at is not None:
            _checks.aware("taken_down_at", self.taken_down_at)
            if self.taken_down_at < self.posted_at:
                raise InvalidInput("taken_down_at", "invalid_input.precedes_posted")

    def covers(self, start: datetime, end: datetime) -> bool:
        """Whether this posting was up for the whole of [start, end)."""
        return self.posted_at <= start and (self.taken_down_at is None or self.taken_down_at >= end)


@dataclass(frozen=True)
class PublicNotice:
    """A notice, the date its display period starts, and how long it must stay up.

    ``required_channels`` are the channels that must all show it for a day to count;
    ``poster_doors`` are the doors that must each carry a poster when posters are required.
    """

    notice_id: uuid.UUID
    community_id: uuid.UUID
    title: str
    body: str
    starts_on: date
    minimum_days: int
    required_channels: frozenset[NoticeChannel] = frozenset(
        {NoticeChannel.PUBLIC_PAGE, NoticeChannel.DOOR_POSTER}
    )
    poster_doors: frozenset[str] = frozenset()
    timezone: str = DEFAULT_TIMEZONE
    postings: tuple[Posting, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("notice_id", "community_id"):
            _checks.record_id(name, getattr(self, name))
        object.__setattr__(self, "title", _checks.text("title", self.title, max_length=200))
        object.__setattr__(self, "body", _checks.text("body", self.body, max_length=50_000))
        if not isinstance(self.starts_on, date) or isinstance(self.starts_on, datetime):
            raise InvalidInput("starts_on", "invalid_input.must_date")
        days = _checks.count("minimum_days", self.minimum_days)
        if not 1 <= days <= MAX_DISPLAY_DAYS:
            raise InvalidInput(
                "minimum_days",
                "invalid_input.display_days_out_of_range",
                max_display_days=MAX_DISPLAY_DAYS,
            )
        try:
            channels = frozenset(NoticeChannel(channel) for channel in self.required_channels)
            ZoneInfo(self.timezone)
        except (ValueError, KeyError, TypeError):
            raise InvalidInput("required_channels", "invalid_input.no_such_channel_time") from None
        if not channels:
            raise InvalidInput("required_channels", "invalid_input.name_least_one")
        object.__setattr__(self, "required_channels", channels)
        doors = frozenset(_checks.identifier("poster_doors", door) for door in self.poster_doors)
        object.__setattr__(self, "poster_doors", doors)
        object.__setattr__(self, "postings", tuple(self.postings))
        for posting in self.postings:
            if not isinstance(posting, Posting):
                raise InvalidInput("postings", "invalid_input.posting_malformed")

    def with_posting(self, posting: Posting) -> PublicNotice:
        """A copy of the notice with one more placement recorded."""
        return _replace_postings(self, (*self.postings, posting))

    def taken_down(self, channel: NoticeChannel, location: str, at: datetime) -> PublicNotice:
        """A copy with the open placement at ``location`` marked as taken down at ``at``."""
        _checks.aware("at", at)
        changed = False
        postings: list[Posting] = []
        for posting in self.postings:
            if (
                not changed
                and posting.channel == channel
                and posting.location == location
                and posting.taken_down_at is None
            ):
                posting = Posting(
                    posting.channel,
                    posting.location,
                    posting.posted_at,
                    posting.recorded_by,
                    at,
                )
                changed = True
            postings.append(posting)
        if not changed:
            raise InvalidInput("location", "invalid_input.nothing_posted")
        return _replace_postings(self, tuple(postings))

    def displayed_on(self, day: date) -> bool:
        """Whether the notice was up on every required channel for the whole local ``day``."""
        if day < self.starts_on:
            return False
        zone = ZoneInfo(self.timezone)
        start = datetime.combine(day, time(0), zone)
        return self._shown_throughout(
            start, datetime.combine(day + timedelta(days=1), time(0), zone)
        )

    def _shown_throughout(self, start: datetime, end: datetime) -> bool:
        for channel in self.required_channels:
            covering = {
                posting.location
                for posting in self.postings
                if posting.channel == channel and posting.covers(start, end)
            }
            if channel is NoticeChannel.DOOR_POSTER and self.poster_doors:
                if not self.poster_doors <= covering:
                    return False
            elif not covering:
                return False
        return True

    def displayed_days(self, as_of: datetime) -> int:
        """The longest run of consecutive displayed days that had ended by ``as_of``."""
        last_full_day = _checks.aware("as_of", as_of).astimezone(ZoneInfo(self.timezone)).date()
        last_full_day -= timedelta(days=1)
        first = self._first_candidate_day()
        if first is None:
            return 0
        longest = run = 0
        day = first
        while day <= last_full_day:
            run = run + 1 if self.displayed_on(day) else 0
            longest = max(longest, run)
            day += timedelta(days=1)
        return longest

    def displayed_since(self, as_of: datetime) -> datetime | None:
        """Start of the first counted day of the display still running at ``as_of``, or ``None``.

        The answer is a local midnight, so that ``since + N days`` is the moment N full days
        have been served; it may lie after ``as_of`` when the first counted day is tomorrow (the
        day of posting does not count). A notice that is not up on every required channel at
        ``as_of`` has no running display.
        """
        zone = ZoneInfo(self.timezone)
        local = _checks.aware("as_of", as_of).astimezone(zone)
        if not self._shown_throughout(local, local):
            return None
        today = local.date()
        day = today - timedelta(days=1)
        while self.displayed_on(day):
            day -= timedelta(days=1)
        first_counted = day + timedelta(days=1)
        if first_counted == today:
            midnight = datetime.combine(today, time(0), zone)
            if today < self.starts_on or not self._shown_throughout(midnight, local):
                first_counted = today + timedelta(days=1)
        first_counted = max(first_counted, self.starts_on)
        return datetime.combine(first_counted, time(0), zone)

    def displayed_for_at_least(self, days: int, as_of: datetime) -> bool:
        """Whether the notice had been displayed ``days`` consecutive full days by ``as_of``."""
        return self.displayed_days(as_of) >= _checks.count("days", days)

    def period_complete(self, as_of: datetime) -> bool:
        """Whether the minimum display period had been served by ``as_of``."""
        return self.displayed_for_at_least(self.minimum_days, as_of)

    def _first_candidate_day(self) -> date | None:
        if not self.postings:
            return None
        zone = ZoneInfo(self.timezone)
        earliest = min(posting.posted_at for posting in self.postings).astimezone(zone).date()
        return max(earliest, self.starts_on)


def _replace_postings(notice: PublicNotice, postings: Iterable[Posting]) -> PublicNotice:
    return PublicNotice(
        notice_id=notice.notice_id,
        community_id=notice.community_id,
        title=notice.title,
        body=notice.body,
        starts_on=notice.starts_on,
        minimum_days=notice.minimum_days,
        required_channels=notice.required_channels,
        poster_doors=notice.poster_doors,
        timezone=notice.timezone,
        postings=tuple(postings),
    )
