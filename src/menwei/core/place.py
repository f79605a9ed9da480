"""Where access happens: the processor, its communities (小区), buildings (楼栋) and units (户).

The processor is the party legally responsible for the face data (property company, owners'
committee or government body). A unit's floor area is kept as an exact ``Decimal`` because
owners' votes are weighted by it (R16).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from menwei.core.errors import InvalidConfiguration
from menwei.core.text import check_name


class ProcessorKind(StrEnum):
    PROPERTY_COMPANY = "property_company"  # 物业公司
    OWNERS_COMMITTEE = "owners_committee"  # 业主委员会
    GOVERNMENT = "government"  # 街道 / 社区 / 区政府


@dataclass(frozen=True, slots=True, kw_only=True)
class Processor:
    """The legally responsible party (个人信息处理者) that runs one or more communities."""

    id: uuid.UUID
    name: str
    kind: ProcessorKind
    contact: str
    responsible_person: str = ""  # 个人信息保护负责人 (R13)

    def __post_init__(self) -> None:
        check_name(self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Community:
    """A residential community (小区). Its schedules are read in its own time zone."""

    id: uuid.UUID
    processor_id: uuid.UUID
    name: str
    address: str = ""
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        check_name(self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Building:
    """A building (楼栋) of a community, e.g. "3 号楼"."""

    id: uuid.UUID
    community_id: uuid.UUID
    name: str

    def __post_init__(self) -> None:
        check_name(self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Unit:
    """A household unit (户) in a building, e.g. "2 单元 301"; area counts in owners' votes."""

    id: uuid.UUID
    building_id: uuid.UUID
    number: str
    floor_area_m2: Decimal
    entrance: str = ""  # 单元, when the building has several entrances

    def __post_init__(self) -> None:
        if not isinstance(self.floor_area_m2, Decimal) or not self.floor_area_m2.is_finite():
            raise InvalidConfiguration(
                message_id="invalid_configuration.floor_area_not_exact",
                values={"number": self.number},
            )
        if self.floor_area_m2 <= 0:
            raise InvalidConfiguration(
                message_id="invalid_configuration.floor_area_not_positive",
                values={"number": self.number},
            )
