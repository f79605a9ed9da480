"""A person's complete data as one bundle (JSON) and a readable page: the right of access."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from menwei.privacy.audit import AuditAction
from menwei.privacy.rights import access_bundle, render_summary_html
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork


def export_person(
    uow: UnitOfWork,
    kit: PrivacyKit,
    *,
    person_id: uuid.UUID,
    at: datetime,
    actor: str,
    locale: str = "zh-CN",
) -> tuple[dict[str, Any], str]:
    """The person's complete data as a JSON bundle and a readable HTML summary; logged."""
    with uow:
        store = uow.privacy
        person = uow.people.get(person_id, CommunityScope.all())
        chain = kit.chain(store)
        subject = chain.subject_of(person_id)
        credentials = [
            {"id": str(c.id), "kind": type(c).__name__}
            for c in uow.credentials.of_person(person_id, CommunityScope.all())
        ]
        versions = store.templates.versions_of(str(person.community_id), str(person_id))
        bundle = access_bundle(
            person={
                "id": str(person.id),
                "name": person.name,
                "role": person.role.value,
                "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
                "phone": person.phone,
                "community_id": str(person.community_id),
            },
            generated_at=at,
            consents=[_jsonable(asdict(c)) for c in store.consents.for_person(person_id)],
            face_templates=[
                {
                    "template_version": v,
                    "stored_as": "AES-256-GCM ciphertext under your own key",
                    "devices": store.templates.devices_holding(
                        str(person.community_id), str(person_id)
                    ),
                }
                for v in versions
            ],
            credentials=credentials,
            audit_entries=[
                {
                    "seq": e.seq,
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "action": e.action,
                    "detail": e.detail,
                }
                for e in store.audit_log.entries_about(subject)
            ],
            requests=[_jsonable(asdict(r)) for r in store.requests.for_person(person_id)],
            receipts=[r.document() for r in store.receipts.for_subject(subject)],
        )
        chain.append(
            at=at,
            actor=actor,
            action=AuditAction.EXPORT,
            person_id=person_id,
            community_id=person.community_id,
        )
        uow.commit()
    return bundle, render_summary_html(bundle, locale)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            out[key] = value.isoformat()
        elif isinstance(value, uuid.UUID):
            out[key] = str(value)
        elif hasattr(value, "value"):
            out[key] = value.value
        else:
            out[key] = value
    return out
