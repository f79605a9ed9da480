"""The unit of work as the office services see it: the repository methods they call, no more.

``UnitOfWork`` fits these protocols as it is. A service that takes a ``UnitOfWorkPort`` can be
run on anything else that fits them too, such as an in-memory store that honours the same
contracts (scope, uniqueness, the change log, commit and rollback), so the rules those services
enforce can be checked without a database.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Protocol

from menwei.core.access_group import AccessGroup
from menwei.core.credential import AnyCredential, CredentialKind
from menwei.core.door import Door
from menwei.core.person import HouseholdMembership, Person, Role
from menwei.core.place import Building, Community, Processor, Unit
from menwei.core.schedule import TimeWindow
from menwei.store.records import ApiToken, Change, Device, LoginSession, UserAccount
from menwei.store.repositories.privacy import PrivacySettings
from menwei.store.scope import CommunityScope


class PlacesPort(Protocol):
    def processor(self, processor_id: uuid.UUID) -> Processor: ...

    def community(self, community_id: uuid.UUID, scope: CommunityScope) -> Community: ...

    def community_ids_of_processor(self, processor_id: uuid.UUID) -> frozenset[uuid.UUID]: ...

    def building(self, building_id: uuid.UUID, scope: CommunityScope) -> Building: ...

    def unit(self, unit_id: uuid.UUID, scope: CommunityScope) -> Unit: ...

    def save_door(self, door: Door) -> Door: ...

    def door(self, door_id: uuid.UUID, scope: CommunityScope) -> Door: ...

    def doors(
        self, scope: CommunityScope, *, community_id: uuid.UUID | None = None
    ) -> list[Door]: ...

    def doors_by_id(self, door_ids: Sequence[uuid.UUID], scope: CommunityScope) -> list[Door]: ...

    def delete_door(self, door_id: uuid.UUID, scope: CommunityScope) -> None: ...


class PeoplePort(Protocol):
    def save(self, person: Person) -> Person: ...

    def get(self, person_id: uuid.UUID, scope: CommunityScope) -> Person: ...

    def list(
        self,
        scope: CommunityScope,
        *,
        community_id: uuid.UUID | None = None,
        role: Role | None = None,
        name_contains: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> builtins.list[Person]: ...

    def memberships_of(
        self, person_id: uuid.UUID, scope: CommunityScope
    ) -> builtins.list[HouseholdMembership]: ...


class CredentialsPort(Protocol):
    def save(self, credential: AnyCredential) -> AnyCredential: ...

    def get(self, credential_id: uuid.UUID, scope: CommunityScope) -> AnyCredential: ...

    def of_person(self, person_id: uuid.UUID, scope: CommunityScope) -> list[AnyCredential]: ...

    def of_community(
        self, community_id: uuid.UUID, scope: CommunityScope, *, kind: CredentialKind | None = None
    ) -> list[AnyCredential]: ...

    def hold_person(self, person_id: uuid.UUID) -> None: ...

    def revoke(self, credential_id: uuid.UUID, at: datetime, scope: CommunityScope) -> None: ...


class AccessPort(Protocol):
    def set_holidays(self, community_id: uuid.UUID, days: dict[date, str]) -> list[uuid.UUID]: ...

    def holidays(self, community_id: uuid.UUID) -> dict[date, str]: ...

    def save_group(
        self,
        group: AccessGroup,
        *,
        is_default: bool = False,
        holiday_windows: tuple[TimeWindow, ...] | None = None,
    ) -> AccessGroup: ...

    def holiday_windows(
        self, group_id: uuid.UUID, scope: CommunityScope
    ) -> tuple[TimeWindow, ...] | None: ...

    def group(self, group_id: uuid.UUID, scope: CommunityScope) -> AccessGroup: ...

    def groups(self, community_id: uuid.UUID, scope: CommunityScope) -> list[AccessGroup]: ...

    def delete_group(self, group_id: uuid.UUID, scope: CommunityScope) -> None: ...

    def add_members(
        self,
        group_id: uuid.UUID,
        person_ids: Iterable[uuid.UUID],
        *,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
    ) -> None: ...

    def remove_member(self, group_id: uuid.UUID, person_id: uuid.UUID) -> None: ...

    def members(self, group_id: uuid.UUID, scope: CommunityScope) -> list[uuid.UUID]: ...


class AccountsPort(Protocol):
    def save(self, account: UserAccount) -> UserAccount: ...

    def get(self, account_id: uuid.UUID) -> UserAccount: ...

    def by_login(self, login: str) -> UserAccount | None: ...

    def by_person(self, person_id: uuid.UUID) -> UserAccount | None: ...

    def list(self, *, processor_id: uuid.UUID | None = None) -> builtins.list[UserAccount]: ...

    def set_password_hash(
        self,
        account_id: uuid.UUID,
        password_hash: str,
        *,
        keep_session: str | None = None,
        keep_token: str | None = None,
    ) -> None: ...

    def record_login(self, account_id: uuid.UUID, at: datetime) -> None: ...

    def add_token(self, token: ApiToken) -> ApiToken: ...

    def token_by_hash(self, token_sha256: str) -> ApiToken | None: ...

    def tokens_of(self, account_id: uuid.UUID) -> builtins.list[ApiToken]: ...

    def revoke_token(self, token_id: uuid.UUID, at: datetime) -> None: ...

    def add_session(self, login_session: LoginSession) -> LoginSession: ...

    def session_by_hash(self, token_sha256: str, at: datetime) -> LoginSession | None: ...

    def end_session(self, token_sha256: str) -> None: ...


class DevicesPort(Protocol):
    def by_token_hash(self, token_sha256: str) -> Device | None: ...


class ChangesPort(Protocol):
    """What the gates pull: each community's changes after a cursor."""

    def since(self, community_id: uuid.UUID, cursor: int, *, limit: int = 500) -> list[Change]: ...

    def cursor(self, community_id: uuid.UUID) -> int: ...


class PrivacySettingsPort(Protocol):
    """A community's privacy choices; a community that never chose has the product's defaults."""

    def get(self, community_id: uuid.UUID) -> PrivacySettings: ...

    def save(self, community_id: uuid.UUID, settings: PrivacySettings) -> None: ...


class PrivacyPort(Protocol):
    """The privacy records the office services read; for now, the community's settings."""

    @property
    def settings(self) -> PrivacySettingsPort: ...


class UnitOfWorkPort(Protocol):
    """One transaction: ``with uow: …; uow.commit()``; leaving without ``commit()`` discards."""

    @property
    def places(self) -> PlacesPort: ...

    @property
    def people(self) -> PeoplePort: ...

    @property
    def credentials(self) -> CredentialsPort: ...

    @property
    def access(self) -> AccessPort: ...

    @property
    def accounts(self) -> AccountsPort: ...

    @property
    def devices(self) -> DevicesPort: ...

    @property
    def changes(self) -> ChangesPort: ...

    @property
    def privacy(self) -> PrivacyPort: ...

    def __enter__(self) -> object: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
