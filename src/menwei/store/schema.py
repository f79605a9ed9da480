"""The complete metadata of menwei's database: every table module of the store, loaded.

Every area keeps its tables under ``menwei.store.tables``; the modules there are discovered
rather than listed, so an area that adds a table module is covered by migrations and schema
checks at once.
"""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData

from menwei.store.base import Base


def load_metadata() -> MetaData:
    """Import every table module of ``menwei.store.tables`` and return the one shared metadata."""
    import menwei.store.tables as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
    return Base.metadata
