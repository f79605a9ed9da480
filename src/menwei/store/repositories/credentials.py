"""Cards, PINs, QR passes and face references, converted to and from ``menwei.core``.

Counters that many gates and requests touch at once (a QR pass's uses, a PIN's failures) are
changed with single conditional ``UPDATE`` statements, so two simultaneous scans of a
single-use pass can never both succeed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from menwei.core.credential import (
    AnyCredential,
    Card,
    CredentialKind,
    FaceCredential,
    PassIssuer,
    PinCredential,
    QrPass,
    Validity,
    normalise_card_uid,
)
from menwei.store.errors import RecordConflict, RecordNotFound
from menwei.store.repositories.changes import DELETE, UPSERT, ChangeLog
from menwei.store.scope import CommunityScope
from menwei.store.tables import CredentialDoorRow, CredentialRow, DoorRow, PersonRow


def _validity(row: CredentialRow) -> Validity:
    return Validity(
        valid_from=row.valid_from, valid_until=row.valid_until, revoked_at=row.revoked_at
    )


def credential_from_row(row: CredentialRow, door_ids: frozenset[uuid.UUID]) -> AnyCredential:
    kind = CredentialKind(row.kind)
    if kind is CredentialKind.CARD:
        assert row.card_uid is not None
        return Card(
            id=row.id,
            person_id=row.person_id,
            uid=row.card_uid,
            validity=_validity(row),
            facility_code=row.facility_code,
        )
    if kind is CredentialKind.PIN:
        assert row.pin_hash is not None
        return PinCredential(
            id=row.id,
            person_id=row.person_id,
            pin_hash=row.pin_hash,
            validity=_validity(row),
            failed_attempts=row.failed_attempts,
            locked_until=row.locked_until,
        )
    if kind is CredentialKind.QR:
        assert row.issued_by is not None and row.issuer_kind is not None
        return QrPass(
            id=row.id,
            holder_id=row.person_id,
            issued_by=row.issued_by,
            issuer_kind=PassIssuer(row.issuer_kind),
            door_ids=door_ids,
            validity=_validity(row),
            max_uses=row.max_uses or 1,
        )
    assert row.template_ref is not None and row.consent_id is not None
    return FaceCredential(
        id=row.id,
        person_id=row.person_id,
        template_ref=row.template_ref,
        consent_id=row.consent_id,
        validity=_validity(row),
        consent_withdrawn_at=row.consent_withdrawn_at,
    )


def _values(credential: AnyCredential) -> dict[str, Any]:
    common = {
        "valid_from": credential.validity.valid_from,
        "valid_until": credential.validity.valid_until,
        "revoked_at": credential.validity.revoked_at,
    }
    if isinstance(credential, Card):
        return common | {
            "kind": "card",
            "person_id": credential.person_id,
            "card_uid": credential.uid,
            "facility_code": credential.facility_code,
        }
    if isinstance(credential, PinCredential):
        return common | {
            "kind": "pin",
            "person_id": credential.person_id,
            "pin_hash": credential.pin_hash,
            "failed_attempts": credential.failed_attempts,
            "locked_until": credential.locked_until,
        }
    if isinstance(credential, QrPass):
        return common | {
            "kind": "qr",
            "person_id": credential.holder_id,
            "issued_by": credential.issued_by,
            "issuer_kind": credential.issuer_kind.value,
            "max_uses": credential.max_uses,
        }
    return common | {
        "kind": "face",
        "person_id": credential.person_id,
        "template_ref": credential.template_ref,
        "consent_id": credential.consent_id,
        "consent_withdrawn_at": credential.consent_withdrawn_at,
    }


class CredentialRepository:
    """Credentials of people in the caller's scope."""

    def __init__(self, session: Session, changes: ChangeLog) -> None:
        self._session = session
        self._changes = changes

    def _door_ids(self, credential_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return frozenset(
            self._session.scalars(
                select(CredentialDoorRow.door_id).where(
                    CredentialDoorRow.credential_id == credential_id
                )
            ).all()
        )

    def _convert(self, row: CredentialRow) -> AnyCredential:
        doors = self._door_ids(row.id) if row.kind == "qr" else frozenset()
        return credential_from_row(row, doors)

    def _convert_all(self, rows: Sequence[CredentialRow]) -> list[AnyCredential]:
        """Many rows with one query for all QR passes' doors, not one query per pass."""
        passes = [row.id for row in rows if row.kind == "qr"]
        doors: dict[uuid.UUID, set[uuid.UUID]] = {}
        for start in range(0, len(passes), 500):
            for credential_id, door_id in self._session.execute(
                select(CredentialDoorRow.credential_id, CredentialDoorRow.door_id).where(
                    CredentialDoorRow.credential_id.in_(passes[start : start + 500])
                )
            ).all():
                doors.setdefault(credential_id, set()).add(door_id)
        return [credential_from_row(row, frozenset(doors.get(row.id, ()))) for row in rows]

    def _row(self, credential_id: uuid.UUID, scope: CommunityScope) -> CredentialRow:
        row = self._session.scalar(
            select(CredentialRow).where(
                CredentialRow.id == credential_id, scope.clause(CredentialRow.community_id)
            )
        )
        if row is None:
            raise RecordNotFound("credential", credential_id)
        return row

    def save(self, credential: AnyCredential) -> AnyCredential:
        """Create or update a credential of a person; its community is the person's."""
        values = _values(credential)
        person = self._session.get(PersonRow, values["person_id"])
        if person is None:
            raise RecordNotFound("person", values["person_id"])
        row = self._session.get(CredentialRow, credential.id)
        if row is None:
            row = CredentialRow(id=credential.id, community_id=person.community_id, **values)
            self._session.add(row)
        else:
            if row.community_id != person.community_id or row.kind != values["kind"]:
                raise RecordNotFound("credential", credential.id)
            for name, value in values.items():
                setattr(row, name, value)
        try:
            self._session.flush()
        except IntegrityError:
            if values["kind"] == "pin":
                raise RecordConflict(message_id="conflict.person_has_pin") from None
            raise RecordConflict(message_id="conflict.card_issued") from None
        if isinstance(credential, QrPass):
            self._set_doors(credential, person.community_id)
        self._changes.record(person.community_id, "credential", credential.id, UPSERT)
        return credential

    def _set_doors(self, qr: QrPass, community_id: uuid.UUID) -> None:
        """A pass names doors of its own community only."""
        known = set(
            self._session.scalars(
                select(DoorRow.id).where(
                    DoorRow.id.in_(sorted(qr.door_ids)), DoorRow.community_id == community_id
                )
            ).all()
        )
        unknown = sorted(qr.door_ids - known)
        if unknown:
            raise RecordNotFound("door", unknown[0])
        self._session.execute(
            delete(CredentialDoorRow).where(CredentialDoorRow.credential_id == qr.id)
        )
        for door_id in sorted(qr.door_ids):
            self._session.add(CredentialDoorRow(credential_id=qr.id, door_id=door_id))
        self._session.flush()

    def get(self, credential_id: uuid.UUID, scope: CommunityScope) -> AnyCredential:
        return self._convert(self._row(credential_id, scope))

    def get_many(
        self, credential_ids: Sequence[uuid.UUID], scope: CommunityScope
    ) -> dict[uuid.UUID, AnyCredential]:
        """The credentials of ``credential_ids`` within ``scope``, a few queries for any number;
        ids not found (or outside the scope) are simply absent."""
        wanted = sorted(set(credential_ids))
        rows: list[CredentialRow] = []
        for start in range(0, len(wanted), 500):
            rows.extend(
                self._session.scalars(
                    select(CredentialRow).where(
                        CredentialRow.id.in_(wanted[start : start + 500]),
                        scope.clause(CredentialRow.community_id),
                    )
                ).all()
            )
        return {credential.id: credential for credential in self._convert_all(rows)}

    def of_person(self, person_id: uuid.UUID, scope: CommunityScope) -> list[AnyCredential]:
        rows = self._session.scalars(
            select(CredentialRow)
            .where(CredentialRow.person_id == person_id, scope.clause(CredentialRow.community_id))
            .order_by(CredentialRow.kind, CredentialRow.created_at)
        ).all()
        return self._convert_all(rows)

    def of_community(
        self, community_id: uuid.UUID, scope: CommunityScope, *, kind: CredentialKind | None = None
    ) -> list[AnyCredential]:
        """Every credential of a community (what a gate's local cache is built from)."""
        query = select(CredentialRow).where(
            CredentialRow.community_id == community_id, scope.clause(CredentialRow.community_id)
        )
        if kind is not None:
            query = query.where(CredentialRow.kind == kind.value)
        rows = self._session.scalars(query.order_by(CredentialRow.id)).all()
        return self._convert_all(rows)

    def find_card(self, community_id: uuid.UUID, uid: str) -> Card | None:
        row = self._session.scalar(
            select(CredentialRow).where(
                CredentialRow.community_id == community_id,
                CredentialRow.kind == "card",
                CredentialRow.card_uid == normalise_card_uid(uid),
            )
        )
        card = None if row is None else self._convert(row)
        return card if isinstance(card, Card) else None

    def hold_person(self, person_id: uuid.UUID) -> None:
        """Wait for any other transaction changing this person's credentials, then hold them
        until this one ends: two PIN changes at once then run one after the other.

        PostgreSQL locks the person's row; SQLite takes its write lock with a no-op update,
        which must come before this transaction reads anything it will rely on.
        """
        if self._session.get_bind().dialect.name == "sqlite":
            self._session.execute(
                update(PersonRow)
                .where(PersonRow.id == person_id)
                .values(community_id=PersonRow.community_id)
            )
        else:
            self._session.execute(
                select(PersonRow.id).where(PersonRow.id == person_id).with_for_update()
            )

    def revoke(self, credential_id: uuid.UUID, at: datetime, scope: CommunityScope) -> None:
        row = self._row(credential_id, scope)
        if row.revoked_at is None or row.revoked_at > at:
            row.revoked_at = at
        self._session.flush()
        self._changes.record(row.community_id, "credential", credential_id, UPSERT)

    def delete(self, credential_id: uuid.UUID, scope: CommunityScope) -> None:
        row = self._row(credential_id, scope)
        community_id = row.community_id
        self._session.delete(row)
        self._session.flush()
        self._changes.record(community_id, "credential", credential_id, DELETE)

    # counters ---------------------------------------------------------------------------
    def use_qr_pass(self, pass_id: uuid.UUID) -> bool:
        """Count one use of a QR pass; ``False`` (and nothing changed) when it is used up."""
        result = self._session.execute(
            update(CredentialRow)
            .where(
                CredentialRow.id == pass_id,
                CredentialRow.kind == "qr",
                CredentialRow.use_count < CredentialRow.max_uses,
            )
            .values(use_count=CredentialRow.use_count + 1)
            .returning(CredentialRow.community_id)
        ).first()
        if result is None:
            return False
        self._changes.record(result[0], "credential", pass_id, UPSERT)
        return True

    def qr_uses(self, pass_id: uuid.UUID) -> int:
        return int(
            self._session.scalar(select(CredentialRow.use_count).where(CredentialRow.id == pass_id))
            or 0
        )

    def save_pin_state(self, pin: PinCredential) -> None:
        """Store a PIN's failure count and lockout after ``menwei.core.pin.after_failure``."""
        result = self._session.execute(
            update(CredentialRow)
            .where(CredentialRow.id == pin.id, CredentialRow.kind == "pin")
            .values(failed_attempts=pin.failed_attempts, locked_until=pin.locked_until)
            .returning(CredentialRow.community_id)
        ).first()
        if result is None:
            raise RecordNotFound("credential", pin.id)
        self._changes.record(result[0], "credential", pin.id, UPSERT)

    def withdraw_face_consent(self, person_id: uuid.UUID, at: datetime) -> list[uuid.UUID]:
        """Mark every face credential of the person withdrawn at ``at``; returns their ids.

        From this moment no gate admits the person by face, even with a stale template; the
        privacy room then destroys the person's key and the rows are deleted.
        """
        rows = self._session.scalars(
            select(CredentialRow).where(
                CredentialRow.person_id == person_id, CredentialRow.kind == "face"
            )
        ).all()
        for row in rows:
            if row.consent_withdrawn_at is None:
                row.consent_withdrawn_at = at
            self._changes.record(row.community_id, "credential", row.id, UPSERT)
        self._session.flush()
        return [row.id for row in rows]

    def live_of_person(
        self, person_id: uuid.UUID, kinds: Sequence[str], at: datetime
    ) -> list[uuid.UUID]:
        """The person's own credentials of ``kinds`` not revoked by ``at``."""
        return list(
            self._session.scalars(
                select(CredentialRow.id).where(
                    CredentialRow.person_id == person_id,
                    CredentialRow.kind.in_(kinds),
                    or_(CredentialRow.revoked_at.is_(None), CredentialRow.revoked_at > at),
                )
            ).all()
        )

    def live_passes_issued_by(
        self, person_id: uuid.UUID, community_id: uuid.UUID, at: datetime
    ) -> list[uuid.UUID]:
        """The visitor passes the person issued in the community, not revoked by ``at``."""
        return list(
            self._session.scalars(
                select(CredentialRow.id).where(
                    CredentialRow.community_id == community_id,
                    CredentialRow.kind == "qr",
                    CredentialRow.issued_by == person_id,
                    or_(CredentialRow.revoked_at.is_(None), CredentialRow.revoked_at > at),
                )
            ).all()
        )
