"""The gate's side of sync: pull changes with a cursor, then acknowledge what was applied."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, Field

from menwei.server import app_state
from menwei.server.deps import Caller, Permit, SettingsDep, UowDep
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services import credentials, device_pull
from menwei.server.services.gate_payloads import wire
from menwei.server.services.template_delivery import DEVICE_KEY_HEADER

router = APIRouter(prefix=API_PREFIX + "/device", tags=["devices"])

DeviceSync = Annotated[Caller, Depends(Permit("device:sync"))]

Cursor = Annotated[str, Field(pattern=r"^[0-9]{1,18}$")]


class ChangePublic(BaseModel):
    kind: str
    id: str
    version: int
    action: Literal["upsert", "delete"]
    payload: dict[str, Any] | None


class ChangePagePublic(BaseModel):
    cursor: str
    more: bool
    changes: list[ChangePublic]


class Applied(ApiModel):
    kind: Annotated[str, Field(max_length=20)]
    id: Annotated[str, Field(max_length=64)]
    version: Annotated[int, Field(ge=0, le=2**62)]
    action: Literal["upsert", "delete"]


class Acknowledgement(ApiModel):
    cursor: Cursor
    applied: Annotated[list[Applied], Field(max_length=5000, default_factory=list)]
    door_driver: Annotated[
        str | None,
        Field(
            pattern=r"^[a-z][a-z+-]{0,39}$",
            description="The gate's door driver (simulated, http-relay, gpio, uhppote; +osdp "
            "when OSDP readers are on its bus), shown on the console's device page.",
        ),
    ] = None


class Acknowledged(BaseModel):
    ok: bool


@router.get("/changes")
def pull_changes(
    caller: DeviceSync,
    uow: UowDep,
    settings: SettingsDep,
    request: Request,
    cursor: Annotated[str, Query(pattern=r"^[0-9]{1,18}$")] = "0",
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
    device_key: Annotated[str | None, Header(alias=DEVICE_KEY_HEADER, max_length=100)] = None,
) -> ChangePagePublic:
    """Changes of this device's community after ``cursor``, as gate records.

    Face templates come sealed to the X25519 key in the ``X-Menwei-Device-Key`` header; the
    first key a device presents is pinned, and a pull with any other key is refused (409).
    """
    page = device_pull.pull(
        uow,
        caller,
        cursor=int(cursor),
        limit=limit,
        device_key=device_key,
        pass_keys=credentials.pass_key_ring(settings),
        kit_source=lambda: app_state.privacy_kit(request),
    )
    return ChangePagePublic(
        cursor=str(page.cursor),
        more=page.more,
        changes=[
            ChangePublic(
                kind=r.kind,
                id=r.id,
                version=r.version,
                action=r.action,
                payload=None if r.payload is None else wire(r.payload),
            )
            for r in page.records
        ],
    )


@router.post("/changes/ack")
def acknowledge_changes(
    body: Acknowledgement, caller: DeviceSync, uow: UowDep, request: Request
) -> Acknowledged:
    device_pull.acknowledge(
        uow,
        caller,
        cursor=int(body.cursor),
        door_driver=body.door_driver,
        dropped_templates=[
            a.id for a in body.applied if a.kind == "template" and a.action == "delete"
        ],
        kit_source=lambda: app_state.privacy_kit(request),
    )
    return Acknowledged(ok=True)
