"""Cards, PINs and QR passes (by staff, and by residents for their visitors)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, Field

from menwei.core import AnyCredential, Card, FaceCredential, PinCredential, QrPass
from menwei.server.deps import Caller, InCommunity, Permit, SettingsDep, UowDep
from menwei.server.routers import API_PREFIX
from menwei.server.schemas import ApiModel
from menwei.server.services import credentials

router = APIRouter(prefix=API_PREFIX, tags=["credentials"])

CredentialsRead = Annotated[Caller, Depends(InCommunity("credentials:read"))]
CredentialsWrite = Annotated[Caller, Depends(InCommunity("credentials:write"))]
PassesIssue = Annotated[Caller, Depends(InCommunity("passes:issue"))]
MyPasses = Annotated[Caller, Depends(Permit("me:passes"))]


class CardCreate(ApiModel):
    uid: Annotated[str, Field(min_length=4, max_length=64, pattern=r"^[0-9A-Fa-f:\- ]+$")]
    facility_code: Annotated[int | None, Field(ge=0, le=65535)] = None
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None


class PinCreate(ApiModel):
    pin: Annotated[str, Field(min_length=6, max_length=12, pattern=r"^[0-9]+$")]
    valid_until: AwareDatetime | None = None


class PassCreate(ApiModel):
    visitor_name: Annotated[str, Field(min_length=1, max_length=100)]
    visitor_phone: Annotated[str, Field(max_length=30, pattern=r"^[0-9+\- ]*$")] = ""
    door_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=32)]
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime
    max_uses: Annotated[int, Field(ge=1, le=100)] = 1


class CredentialPublic(BaseModel):
    """What staff may see of a credential: never a PIN hash, never a template reference."""

    id: uuid.UUID
    person_id: uuid.UUID
    kind: Literal["card", "pin", "qr", "face"]
    valid_from: datetime
    valid_until: datetime | None
    revoked_at: datetime | None
    card_uid: str | None = None
    facility_code: int | None = None
    locked_until: datetime | None = None
    door_ids: list[uuid.UUID] | None = None
    max_uses: int | None = None
    consent_withdrawn: bool | None = None


class PassIssued(BaseModel):
    id: uuid.UUID
    visitor_id: uuid.UUID
    door_ids: list[uuid.UUID]
    valid_from: datetime
    valid_until: datetime
    max_uses: int
    token: str = Field(description="The text of the QR code; give it to the visitor.")
    qr_svg: str = Field(description="The QR code as an SVG image.")


def credential_public(credential: AnyCredential) -> CredentialPublic:
    validity = credential.validity
    common: dict[str, Any] = {
        "id": credential.id,
        "valid_from": validity.valid_from,
        "valid_until": validity.valid_until,
        "revoked_at": validity.revoked_at,
    }
    if isinstance(credential, Card):
        return CredentialPublic(
            person_id=credential.person_id,
            kind="card",
            card_uid=credential.uid,
            facility_code=credential.facility_code,
            **common,
        )
    if isinstance(credential, PinCredential):
        return CredentialPublic(
            person_id=credential.person_id,
            kind="pin",
            locked_until=credential.locked_until,
            **common,
        )
    if isinstance(credential, QrPass):
        return CredentialPublic(
            person_id=credential.holder_id,
            kind="qr",
            door_ids=sorted(credential.door_ids),
            max_uses=credential.max_uses,
            **common,
        )
    assert isinstance(credential, FaceCredential)
    return CredentialPublic(
        person_id=credential.person_id,
        kind="face",
        consent_withdrawn=credential.consent_withdrawn_at is not None,
        **common,
    )


def _issued(issued: credentials.IssuedPass) -> PassIssued:
    import segno

    qr = issued.qr_pass
    assert qr.validity.valid_until is not None
    return PassIssued(
        id=qr.id,
        visitor_id=issued.visitor.id,
        door_ids=sorted(qr.door_ids),
        valid_from=qr.validity.valid_from,
        valid_until=qr.validity.valid_until,
        max_uses=qr.max_uses,
        token=issued.token,
        qr_svg=segno.make(issued.token, error="m").svg_inline(scale=4),
    )


@router.get("/communities/{community_id}/people/{person_id}/credentials")
def list_credentials(
    person_id: uuid.UUID, caller: CredentialsRead, uow: UowDep
) -> list[CredentialPublic]:
    return [credential_public(c) for c in credentials.of_person(uow, caller, person_id)]


@router.post("/communities/{community_id}/people/{person_id}/cards", status_code=201)
def issue_card(
    person_id: uuid.UUID, body: CardCreate, caller: CredentialsWrite, uow: UowDep
) -> CredentialPublic:
    return credential_public(credentials.issue_card(uow, caller, person_id, **body.model_dump()))


@router.post("/communities/{community_id}/people/{person_id}/pins", status_code=201)
def set_pin(
    person_id: uuid.UUID, body: PinCreate, caller: CredentialsWrite, uow: UowDep
) -> CredentialPublic:
    return credential_public(credentials.set_pin(uow, caller, person_id, **body.model_dump()))


@router.post("/communities/{community_id}/credentials/{credential_id}/revoke")
def revoke_credential(
    credential_id: uuid.UUID, caller: CredentialsWrite, uow: UowDep
) -> CredentialPublic:
    return credential_public(credentials.revoke(uow, caller, credential_id))


@router.post("/communities/{community_id}/passes", status_code=201)
def issue_pass(
    body: PassCreate, caller: PassesIssue, uow: UowDep, settings: SettingsDep
) -> PassIssued:
    """A visitor pass issued by the property office."""
    values = body.model_dump()
    values["door_ids"] = frozenset(body.door_ids)
    return _issued(
        credentials.issue_pass(uow, caller, pass_keys=credentials.pass_key_ring(settings), **values)
    )


@router.post("/me/passes", status_code=201)
def issue_my_pass(
    body: PassCreate, caller: MyPasses, uow: UowDep, settings: SettingsDep
) -> PassIssued:
    """A visitor pass issued by a resident for their own guest."""
    values = body.model_dump()
    values["door_ids"] = frozenset(body.door_ids)
    return _issued(
        credentials.issue_pass(uow, caller, pass_keys=credentials.pass_key_ring(settings), **values)
    )
