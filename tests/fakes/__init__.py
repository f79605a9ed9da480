"""In-memory stand-ins for the store, for tests of the rules services enforce."""

from tests.fakes.store import FakeDatabase, FakeUnitOfWork

__all__ = ["FakeDatabase", "FakeUnitOfWork"]
