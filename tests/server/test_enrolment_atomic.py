"""One enrolment is one transaction: the sealed template, the face credential and the audit
entry are stored together or not at all."""

from __future__ import annotations

import pytest

from menwei.core import FaceCredential
from menwei.server.services.audit_trail import audit_length
from menwei.store.repositories.credentials import CredentialRepository
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

from .conftest import World
from .test_enrolment import consent, enrol, photo, publish


class CredentialWriteFailed(RuntimeError):
    pass


def _face_credentials(uow: UnitOfWork, world: World) -> list[FaceCredential]:
    return [
        c
        for c in uow.credentials.of_person(world.a.resident_id, CommunityScope.all())
        if isinstance(c, FaceCredential)
    ]


def test_a_failing_credential_write_leaves_no_template_no_credential_and_no_audit_entry(
    client, world: World, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    me, community = world.a.resident_id, world.a.community_id
    publish(client, world)
    assert consent(client, world, me, who="community_staff").status_code == 201
    uow = UnitOfWork(app.state.session_factory)
    entries_before = audit_length(uow)
    seen_in_transaction: list[int | None] = []
    save = CredentialRepository.save

    def fail_after_the_template(self: CredentialRepository, credential):  # type: ignore[no-untyped-def]
        if isinstance(credential, FaceCredential):
            # The template and its audit entry are already written in this transaction.
            templates = uow_in_flight(self)
            seen_in_transaction.append(templates.latest_version(str(community), str(me)))
            raise CredentialWriteFailed("the credential could not be written")
        return save(self, credential)

    monkeypatch.setattr(CredentialRepository, "save", fail_after_the_template)
    response = enrol(client, world, me, photo(), who="community_staff")
    assert response.status_code == 500
    assert seen_in_transaction == [1]  # it failed after the template was written

    with uow:
        assert uow.privacy.templates.versions_of(str(community), str(me)) == []
        assert _face_credentials(uow, world) == []
    assert audit_length(uow) == entries_before

    monkeypatch.setattr(CredentialRepository, "save", save)
    assert enrol(client, world, me, photo(), who="community_staff").status_code == 201
    with uow:
        assert uow.privacy.templates.versions_of(str(community), str(me)) == [1]
        (credential,) = _face_credentials(uow, world)
        assert credential.template_ref == f"{me}/v1"
    assert audit_length(uow) == entries_before + 1


def uow_in_flight(repository: CredentialRepository):  # type: ignore[no-untyped-def]
    """The template repository on the same session as ``repository``."""
    from menwei.store.repositories.privacy import PrivacyStore

    return PrivacyStore(repository._session).templates
