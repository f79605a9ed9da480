"""The complete metadata of menwei's database: every table module of the store, loaded.

Table modules are discovered rather than listed, so a room that adds tables to the store
(``privacy…``, ``governance…`` modules) is covered by migrations and schema checks at once.
"""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData

from menwei.store.base import Base

TABLE_MODULE_PREFIXES = ("tables", "privacy", "governance")


def load_metadata() -> MetaData:
    """Import every table module of ``menwei.store`` and return the one shared metadata."""
    import menwei.store as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith(TABLE_MODULE_PREFIXES):
            importlib.import_module(f"{package.__name__}.{info.name}")
    return Base.metadata
