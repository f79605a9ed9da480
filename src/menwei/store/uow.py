"""The unit of work: one transaction, every repository on it. ``with uow: …; uow.commit()``.

Leaving the block without ``commit()`` rolls everything back, so a service function that
raises half-way leaves nothing half-written. A ``UnitOfWork`` may be entered again after it
was left; each entry is a fresh transaction.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from menwei.store.engine import make_session_factory
from menwei.store.repositories.access import AccessRepository
from menwei.store.repositories.accounts import AccountRepository
from menwei.store.repositories.changes import ChangeLog
from menwei.store.repositories.credentials import CredentialRepository
from menwei.store.repositories.devices import DeviceRepository
from menwei.store.repositories.events import EventRepository
from menwei.store.repositories.governance import GovernanceRepository
from menwei.store.repositories.people import PersonRepository
from menwei.store.repositories.places import PlaceRepository
from menwei.store.repositories.privacy import PrivacyStore


class UnitOfWork:
    """Repositories sharing one session; commit explicitly, roll back by default."""

    session: Session
    places: PlaceRepository
    people: PersonRepository
    credentials: CredentialRepository
    access: AccessRepository
    accounts: AccountRepository
    devices: DeviceRepository
    events: EventRepository
    changes: ChangeLog
    privacy: PrivacyStore
    governance: GovernanceRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._open = False

    @classmethod
    def for_engine(cls, engine: Engine) -> UnitOfWork:
        return cls(make_session_factory(engine))

    @property
    def session_factory(self) -> sessionmaker[Session]:
        return self._session_factory

    def __enter__(self) -> UnitOfWork:
        if self._open:
            raise RuntimeError("this unit of work is already open; nest a new one instead")
        self.session = self._session_factory()
        self.changes = ChangeLog(self.session)
        self.places = PlaceRepository(self.session, self.changes)
        self.people = PersonRepository(self.session, self.changes)
        self.credentials = CredentialRepository(self.session, self.changes)
        self.access = AccessRepository(self.session, self.changes)
        self.accounts = AccountRepository(self.session)
        self.devices = DeviceRepository(self.session)
        self.events = EventRepository(self.session)
        self.privacy = PrivacyStore(self.session)
        self.governance = GovernanceRepository(self.session)
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

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
