"""The unit of work: one transaction, every repository on it. ``with uow: …; uow.commit()``.

Leaving the block without ``commit()`` rolls everything back, so a service function that
raises half-way leaves nothing half-written. A ``UnitOfWork`` may be entered again after it
was left; each entry is a fresh transaction.

Each repository is built the first time a transaction asks for it, on that transaction's
session: a use case pays for the repositories it reads and writes, not for every area's.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, TypeVar, overload

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from menwei.store.engine import make_session_factory
from menwei.store.repositories.access import AccessRepository
from menwei.store.repositories.accounts import AccountRepository
from menwei.store.repositories.audit_head import AuditHeadRepository
from menwei.store.repositories.changes import ChangeLog
from menwei.store.repositories.credentials import CredentialRepository
from menwei.store.repositories.devices import DeviceRepository
from menwei.store.repositories.events import EventRepository
from menwei.store.repositories.face_gate import FaceGate
from menwei.store.repositories.face_switches import FaceSwitches
from menwei.store.repositories.governance import GovernanceRepository
from menwei.store.repositories.names import NameLookups
from menwei.store.repositories.pass_key_changes import PassKeyChanges
from menwei.store.repositories.people import PersonRepository
from menwei.store.repositories.places import PlaceRepository
from menwei.store.repositories.privacy import PrivacyStore
from menwei.store.repositories.site_pad import SitePadThresholds
from menwei.store.repositories.transparency import TransparencyRecords

R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository of the unit of work, built on first use in each transaction."""

    def __init__(self, build: Callable[[UnitOfWork], R]) -> None:
        self._build = build
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type | None = None) -> _Repository[R]: ...

    @overload
    def __get__(self, uow: UnitOfWork, owner: type | None = None) -> R: ...

    def __get__(self, uow: UnitOfWork | None, owner: type | None = None) -> Any:
        if uow is None:
            return self
        built = uow._built
        if self._name not in built:
            built[self._name] = self._build(uow)
        return built[self._name]


class UnitOfWork:
    """Repositories sharing one session; commit explicitly, roll back by default."""

    session: Session

    changes = _Repository(lambda uow: ChangeLog(uow.session))
    places = _Repository(lambda uow: PlaceRepository(uow.session, uow.changes))
    people = _Repository(lambda uow: PersonRepository(uow.session, uow.changes))
    credentials = _Repository(lambda uow: CredentialRepository(uow.session, uow.changes))
    access = _Repository(lambda uow: AccessRepository(uow.session, uow.changes))
    accounts = _Repository(lambda uow: AccountRepository(uow.session))
    devices = _Repository(lambda uow: DeviceRepository(uow.session))
    events = _Repository(lambda uow: EventRepository(uow.session))
    privacy = _Repository(lambda uow: PrivacyStore(uow.session))
    governance = _Repository(lambda uow: GovernanceRepository(uow.session))
    face_gate = _Repository(lambda uow: FaceGate(uow.session))
    face_switches = _Repository(lambda uow: FaceSwitches(uow.session))
    site_pad = _Repository(lambda uow: SitePadThresholds(uow.session))
    audit_head = _Repository(lambda uow: AuditHeadRepository(uow.session))
    pass_keys = _Repository(lambda uow: PassKeyChanges(uow.places, uow.changes))
    transparency = _Repository(lambda uow: TransparencyRecords(uow.session))
    names = _Repository(lambda uow: NameLookups(uow.session))

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._open = False
        self._built: dict[str, object] = {}

    @classmethod
    def for_engine(cls, engine: Engine) -> UnitOfWork:
        return cls(make_session_factory(engine))

    @property
    def session_factory(self) -> sessionmaker[Session]:
        return self._session_factory

    def fresh(self) -> UnitOfWork:
        """Another unit of work on the same database, for a thread of its own."""
        return UnitOfWork(self._session_factory)

    def __enter__(self) -> UnitOfWork:
        if self._open:
            raise RuntimeError("this unit of work is already open; nest a new one instead")
        self.session = self._session_factory()
        self._built = {}
        self._open = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self._open = False

    def flush(self) -> None:
        """Send what is pending to the database, so reads in this transaction see it."""
        self.session.flush()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
