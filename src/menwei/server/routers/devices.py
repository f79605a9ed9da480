"""Gate devices of a community: register (token shown once), list, revoke; and the liveness
threshold calibrated on the community's camera, which its gates pull."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from menwei.server.deps import Caller, InCommunity, UowDep, forget_principals
from menwei.server.pagination import Page, Paging, page_of, paging
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services import devices, site_pad
from menwei.store.records import Device
from menwei.store.repositories.site_pad import SitePadThreshold

router = APIRouter(prefix=API_PREFIX, tags=["devices"])

DevicesRead = Annotated[Caller, Depends(InCommunity("devices:read"))]
DevicesWrite = Annotated[Caller, Depends(InCommunity("devices:write"))]
PagingDep = Annotated[Paging, Depends(paging)]


class DeviceCreate(ApiModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    door_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=64)]


class DevicePublic(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    door_ids: list[uuid.UUID]
    created_at: datetime | None
    last_seen_at: datetime | None
    revoked_at: datetime | None
    door_driver: str | None = None


class DeviceRegistered(DevicePublic):
    token: str = Field(description="Shown once: configure it on the gate now.")


def device_public(d: Device) -> DevicePublic:
    return DevicePublic(
        id=d.id,
        community_id=d.community_id,
        name=d.name,
        door_ids=sorted(d.door_ids),
        created_at=d.created_at,
        last_seen_at=d.last_seen_at,
        revoked_at=d.revoked_at,
        door_driver=d.door_driver,
    )


@router.get("/communities/{community_id}/devices")
def list_devices(caller: DevicesRead, uow: UowDep, paged: PagingDep) -> Page[DevicePublic]:
    return page_of(devices.list_devices(uow, caller), paged, device_public)


@router.post("/communities/{community_id}/devices", status_code=201)
def register_device(body: DeviceCreate, caller: DevicesWrite, uow: UowDep) -> DeviceRegistered:
    registered = devices.register(uow, caller, name=body.name, door_ids=frozenset(body.door_ids))
    public = device_public(registered.device)
    return DeviceRegistered(**public.model_dump(), token=registered.token)


@router.get("/communities/{community_id}/devices/{device_id}")
def get_device(device_id: uuid.UUID, caller: DevicesRead, uow: UowDep) -> DevicePublic:
    return device_public(devices.get_device(uow, caller, device_id))


@router.post("/communities/{community_id}/devices/{device_id}/revoke")
def revoke_device(
    device_id: uuid.UUID, caller: DevicesWrite, uow: UowDep, request: Request
) -> DevicePublic:
    revoked = devices.revoke(uow, caller, device_id)
    forget_principals(request)
    return device_public(revoked)


class SitePadThresholdSet(ApiModel):
    """What ``menwei calibrate pad --json`` reports, for the parameters it calibrated."""

    threshold: Annotated[float, Field(ge=-50.0, le=50.0, allow_inf_nan=False)]
    model_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", min_length=64, max_length=64)]
    live_frames: Annotated[int, Field(ge=0, le=1_000_000)]
    bpcer: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class SitePadThresholdPublic(BaseModel):
    community_id: uuid.UUID
    threshold: float
    model_sha256: str
    live_frames: int
    bpcer: float
    set_at: datetime


def _site_pad_public(value: SitePadThreshold) -> SitePadThresholdPublic:
    return SitePadThresholdPublic(
        community_id=value.community_id,
        threshold=value.threshold,
        model_sha256=value.model_sha256,
        live_frames=value.live_frames,
        bpcer=value.bpcer,
        set_at=value.set_at,
    )


@router.get(
    "/communities/{community_id}/liveness-threshold",
    responses={404: {"description": "Not calibrated: gates use the shipped threshold."}},
)
def get_liveness_threshold(caller: DevicesRead, uow: UowDep) -> SitePadThresholdPublic:
    return _site_pad_public(site_pad.get_threshold(uow, caller))


@router.put(
    "/communities/{community_id}/liveness-threshold",
    responses={422: {"description": "Other parameters, too few frames, or out of range."}},
)
def set_liveness_threshold(
    body: SitePadThresholdSet, caller: DevicesWrite, uow: UowDep
) -> SitePadThresholdPublic:
    """Keep the site's calibrated threshold; the community's gates pull it at their next sync."""
    value = site_pad.set_threshold(
        uow,
        caller,
        threshold=body.threshold,
        model_sha256=body.model_sha256,
        live_frames=body.live_frames,
        bpcer=body.bpcer,
    )
    return _site_pad_public(value)
