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
    face_gate: FaceGate
    face_switches: FaceSwitches
    site_pad: SitePadThresholds
    audit_head: AuditHeadRepository
    pass_keys: PassKeyChanges
    transparency: TransparencyRecords
    names: NameLookups

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._open = False

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
        self.face_gate = FaceGate(self.session)
        self.face_switches = FaceSwitches(self.session)
        self.site_pad = SitePadThresholds(self.session)
        self.audit_head = AuditHeadRepository(self.session)
        self.pass_keys = PassKeyChanges(self.places, self.changes)
        self.transparency = TransparencyRecords(self.session)
        self.names = NameLookups(self.session)
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
