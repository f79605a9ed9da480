"""The tables of menwei's access-control domain, one module per concern.

Importing this package registers every table on ``menwei.store.base.Base.metadata``.
"""

from __future__ import annotations

from menwei.store.tables.access import (
    AccessGroupDoorRow,
    AccessGroupMemberRow,
    AccessGroupRow,
    HolidayRow,
    ScheduleRow,
    ScheduleWindowRow,
)
from menwei.store.tables.accounts import (
    AccountCommunityRow,
    ApiTokenRow,
    LoginSessionRow,
    UserAccountRow,
)
from menwei.store.tables.devices import DeviceDoorRow, DeviceRow, SitePadThresholdRow
from menwei.store.tables.events import ChangeCursorRow, ChangeRow, EventRow
from menwei.store.tables.people import (
    CredentialDoorRow,
    CredentialRow,
    HouseholdMembershipRow,
    PersonRow,
)
from menwei.store.tables.places import (
    BuildingRow,
    CommunityRow,
    DoorRow,
    ProcessorRow,
    UnitRow,
)

__all__ = [
    "AccessGroupDoorRow",
    "AccessGroupMemberRow",
    "AccessGroupRow",
    "AccountCommunityRow",
    "ApiTokenRow",
    "BuildingRow",
    "ChangeCursorRow",
    "ChangeRow",
    "CommunityRow",
    "CredentialDoorRow",
    "CredentialRow",
    "DeviceDoorRow",
    "DeviceRow",
    "DoorRow",
    "EventRow",
    "HolidayRow",
    "HouseholdMembershipRow",
    "LoginSessionRow",
    "PersonRow",
    "ProcessorRow",
    "ScheduleRow",
    "ScheduleWindowRow",
    "SitePadThresholdRow",
    "UnitRow",
    "UserAccountRow",
]
