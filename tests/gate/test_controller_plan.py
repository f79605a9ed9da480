"""Which cards and time profiles a controller holds, and that it then decides like ``core``."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from zoneinfo import ZoneInfo

from menwei.core import Card, TimeWindow, Validity, WeeklySchedule
from menwei.gate.controller_plan import ANY_TIME, card_number, plan_for
from menwei.gate.uhppote import UhppoteLink, UhppoteSettings
from menwei.gate.uhppote_simulator import ControllerSimulator

from .world import GROUP, LI, ZHANG, make_world

TZ = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TZ)
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)  # a Monday


def _card(uid: str, person: uuid.UUID = ZHANG, **validity: dt.datetime) -> Card:
    since = validity.pop("valid_from", dt.datetime(2025, 1, 1, tzinfo=SHANGHAI))
    return Card(
        id=uuid.uuid5(uuid.NAMESPACE_OID, uid),
        person_id=person,
        uid=uid,
        validity=Validity(valid_from=since, **validity),
    )


def _state(cards: list[Card], schedule: WeeklySchedule | None = None):  # type: ignore[no-untyped-def]
    world = make_world()
    groups = dict(world.state.groups)
    if schedule is not None:
        groups[GROUP] = replace(groups[GROUP], schedule=schedule)
    return world, replace(world.state, cards={c.key: c for c in cards}, groups=groups)


def test_card_numbers_decimal_hex_facility_and_too_long() -> None:
    assert card_number(_card("0012345678")) == 12345678
    assert card_number(_card("04A21B")) == 0x04A21B
    assert card_number(replace(_card("65538"), facility_code=81)) == 8165538
    assert card_number(_card("04A21B3C5D6E7F")) is None


def test_dates_follow_validity_and_unusable_cards_are_left_out() -> None:
    until = dt.datetime(2026, 6, 1, tzinfo=SHANGHAI)  # exclusive: last day is 31 May
    cards = [
        _card("1001", valid_until=until),
        _card("1002", revoked_at=NOW - dt.timedelta(hours=1)),
        _card("1003", valid_until=NOW - dt.timedelta(days=1)),
        _card("1004", LI, revoked_at=NOW + dt.timedelta(days=10)),
        _card("1005", uuid.UUID(int=999)),  # nobody this gate knows
    ]
    world, state = _state(cards)
    plan = plan_for(state, world.door, door_number=1, now=NOW, timezone=TZ)
    assert sorted(plan.cards) == [1001, 1004]
    assert plan.cards[1001].end == dt.date(2026, 5, 31)
    assert plan.cards[1001].permission == ANY_TIME
    assert plan.cards[1004].end == dt.date(2026, 3, 11)


def test_schedules_become_chained_time_profiles_the_controller_enforces_offline() -> None:
    weekday = (TimeWindow.parse("07:00-09:00"), TimeWindow.parse("17:00-19:00"))
    schedule = WeeklySchedule(
        weekly={
            **{d: weekday for d in range(5)},
            5: (TimeWindow.parse("22:00-02:00"),),
        },
        timezone=TZ,
    )
    world, state = _state([_card("2001")], schedule)
    plan = plan_for(state, world.door, door_number=1, now=NOW, timezone=TZ)
    entry = plan.cards[2001]
    assert entry.permission == 2
    assert {p.id for p in plan.profiles.values()} == {2, 3, 4}
    assert plan.profiles[2].weekdays == frozenset(range(5))
    morning, evening = (dt.time(7), dt.time(8, 59)), (dt.time(17), dt.time(18, 59))
    assert plan.profiles[2].segments == (morning, evening)
    assert [p.linked for p in sorted(plan.profiles.values(), key=lambda p: p.id)] == [3, 4, 0]

    sim = ControllerSimulator().start()
    try:
        UhppoteLink(UhppoteSettings(serial=sim.serial, address=sim.address)).push(plan)

        def at(day: int, hour: int, minute: int = 0) -> bool:
            moment = dt.datetime(2026, 3, 2 + day, hour, minute)  # 2 March 2026 is a Monday
            sim.clock_offset = moment - dt.datetime.now().replace(microsecond=0)
            return sim.swipe(2001).granted

        checks = [at(0, 8), at(0, 9, 0), at(0, 12), at(4, 18, 30), at(5, 23), at(6, 1, 30),
                  at(6, 3), at(5, 8)]  # fmt: skip
        assert checks == [True, False, False, True, True, True, False, False]
        for day, hour, minute in [(0, 8, 0), (0, 12, 0), (5, 23, 0), (6, 1, 30), (6, 3, 0)]:
            moment = dt.datetime(2026, 3, 2 + day, hour, minute, tzinfo=SHANGHAI)
            assert schedule.is_open(moment) == at(day, hour, minute), (day, hour, minute)
    finally:
        sim.close()


def test_holidays_are_noted_as_decided_by_the_gate_only() -> None:
    schedule = WeeklySchedule(
        weekly={d: (TimeWindow.parse("00:00-00:00"),) for d in range(7)},
        holidays={dt.date(2026, 10, 1): ()},
        timezone=TZ,
    )
    world, state = _state([_card("3001")], schedule)
    plan = plan_for(state, world.door, door_number=1, now=NOW, timezone=TZ)
    assert plan.cards[3001].permission == ANY_TIME
    assert any("holiday" in note for note in plan.notes)
