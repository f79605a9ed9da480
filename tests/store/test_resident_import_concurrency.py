"""Two imports of one sheet into one community at once — from two server processes, or the
console and ``menwei import residents`` — take turns: the second finds the first's residents
and adds nobody twice."""

from __future__ import annotations

import threading

from tests.store.builders import T0, make_site

from menwei.store.engine import make_session_factory
from menwei.store.records import ImportReport
from menwei.store.repositories.resident_import import import_resident_file
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

SHEET = "\n".join(
    [
        "楼栋,单元,户号,面积,姓名,身份,出生日期,手机,卡号,入住日期,监护人",
        *(f"3 号楼,1,{100 + n},90,住户{n:03d},业主,,,,2020-01-01," for n in range(60)),
    ]
).encode()


def test_the_same_sheet_imported_twice_at_once_adds_every_resident_once(uow, engine) -> None:  # type: ignore[no-untyped-def]
    site = make_site(uow)
    everything = CommunityScope.all()
    reports: list[ImportReport] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        mine = UnitOfWork(make_session_factory(engine))
        start.wait()
        try:
            reports.append(
                import_resident_file(
                    mine, site.community.id, SHEET, "a.csv", scope=everything, at=T0
                )
            )
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(r.people for r in reports) == [0, 60]
    with uow:
        names = [p.name for p in uow.people.list(everything, community_id=site.community.id)]
    assert sorted(n for n in names if n.startswith("住户")) == [f"住户{n:03d}" for n in range(60)]
