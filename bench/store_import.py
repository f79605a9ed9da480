"""Residents imported per second from a property office's sheet (CSV and .xlsx), on SQLite.

A generated community: buildings of 200 units with two residents each (owner and family
member), every resident with a phone number and a card. Reports reading + validating and the
whole import (one transaction) separately.

    .venv/bin/python bench/store_import.py [--residents 4000] [--database URL]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from menwei.core.place import Community, Processor, ProcessorKind
from menwei.store.engine import make_engine
from menwei.store.migrate import upgrade
from menwei.store.repositories.resident_import import (
    import_resident_file,
    read_sheet,
    validate_sheet,
)
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

HEADER = ["楼栋", "单元", "户号", "面积", "姓名", "身份", "手机", "卡号", "入住日期"]


def _sheet(residents: int) -> list[list[str]]:
    rows = [HEADER]
    for n in range(residents):
        unit, member = divmod(n, 2)
        building, number = divmod(unit, 200)
        rows.append(
            [
                f"{building + 1} 号楼",
                "1",
                str(101 + number),
                f"{80 + number % 40}.5",
                f"住户{n}",
                "业主" if member == 0 else "家属",
                f"139{n:08d}",
                f"{n + 1:08X}",
                "2021-05-01",
            ]
        )
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in rows).encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _community(uow: UnitOfWork) -> uuid.UUID:
    processor = Processor(
        id=uuid.uuid4(), name="bench", kind=ProcessorKind.PROPERTY_COMPANY, contact=""
    )
    community = Community(id=uuid.uuid4(), processor_id=processor.id, name="bench")
    with uow:
        uow.places.add_processor(processor)
        uow.places.add_community(community)
        uow.commit()
    return community.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=4000)
    parser.add_argument("--database", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    rows = _sheet(args.residents)
    with tempfile.TemporaryDirectory() as folder:
        for kind, data in (("csv", _csv(rows)), ("xlsx", _xlsx(rows))):
            began = time.perf_counter()
            validate_sheet(read_sheet(data, f"r.{kind}"), today=date.today())
            checked = time.perf_counter() - began
            url = args.database or f"sqlite:///{Path(folder) / f'{kind}.db'}"
            upgrade(url)
            engine = make_engine(url)
            try:
                uow = UnitOfWork.for_engine(engine)
                community_id = _community(uow)
                began = time.perf_counter()
                report = import_resident_file(
                    uow, community_id, data, f"r.{kind}", scope=CommunityScope.all()
                )
                whole = time.perf_counter() - began
            finally:
                engine.dispose()
            print(
                f"{kind:<5} {report.people:>6} residents, {report.units} units,"
                f" {report.cards} cards:"
                f"  read+validate {checked:5.2f} s   whole import {whole:5.2f} s"
                f"  ({report.people / whole:,.0f} residents/s)"
            )


if __name__ == "__main__":
    main()
